//! Loading and resolution: find modules on the search path, parse them (on all cores),
//! follow IMPORTS through a dependency graph, and build the [`Model`].
//!
//! Names are scoped: a name resolves through its module's IMPORTS, and only explicit,
//! reported fallbacks reach further (see `build`): a base module, another loaded
//! module, or a built-in module found through the name index.
//! The base modules are built in and pinned: a copy on the search path never
//! shadows them.

mod build;
pub mod builtin;
pub mod graph;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use graph::ImportGraph;

use crate::diagnostic::{Code, Diagnostic, FileId, Policy};
use crate::hash::HashSet;
use crate::model::Model;
use crate::source::{ModuleLocation, Sources, decode};
use crate::syntax::Module as Ast;

/// The base modules: built in, pinned, always loaded.
pub const BASE_MODULES: [&str; 7] = [
    "SNMPv2-SMI",
    "SNMPv2-TC",
    "SNMPv2-CONF",
    "RFC1155-SMI",
    "RFC-1212",
    "RFC-1215",
    "RFC1065-SMI",
];

/// Where modules come from, in order of precedence.
///
/// ```
/// let mut loader = smic::resolve::Loader::new();
/// loader.target_module("IF-MIB");
/// let loaded = loader.load(&smic::Policy::default());
/// let model = &loaded.model;
/// let descr = model.lookup("IF-MIB", "ifDescr").unwrap();
/// assert_eq!(model.node(descr).oid.to_string(), "1.3.6.1.2.1.2.2.1.2");
/// ```
pub struct Loader {
    sources: Sources,
    targets: Vec<String>,
    target_files: Vec<FileId>,
    search: Vec<PathBuf>,
    builtin: bool,
    lint: u8,
    progress: Option<Progress>,
    free_trees: bool,
    cache_dir: Option<PathBuf>,
}

/// Called as modules are parsed: `(parsed so far, known so far)`. The total grows as
/// imports are discovered.
pub type Progress = Box<dyn Fn(usize, usize) + Send + Sync>;

impl std::fmt::Debug for Loader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loader")
            .field("targets", &self.targets)
            .field("search", &self.search)
            .field("builtin", &self.builtin)
            .field("lint", &self.lint)
            .finish_non_exhaustive()
    }
}

impl Default for Loader {
    fn default() -> Self {
        Self::new()
    }
}

/// The outcome of [`Loader::load`].
#[derive(Debug)]
pub struct Loaded {
    /// Every module loaded (targets and what they import).
    pub model: Model,
    /// The text of every file read.
    pub sources: Sources,
    /// The modules asked for, in order (those that could be loaded).
    pub targets: Vec<String>,
    /// Findings per module name (parse and resolve), after policy.
    pub diagnostics: HashMap<String, Vec<Diagnostic>>,
    /// Findings not tied to one module (unreadable files, missing targets).
    pub general: Vec<Diagnostic>,
    /// The import graph of everything loaded.
    pub graph: ImportGraph,
}

impl Loaded {
    /// Diagnostics of the targets and general ones, sorted by file and position.
    pub fn target_diagnostics(&self) -> Vec<&Diagnostic> {
        let mut all: Vec<&Diagnostic> = self.general.iter().collect();
        for target in &self.targets {
            all.extend(self.diagnostics.get(target).into_iter().flatten());
        }
        all.sort_by_key(|d| (d.file, d.primary.as_ref().map(|l| l.span.start)));
        all
    }

    /// Errors among the targets' diagnostics.
    pub fn error_count(&self) -> usize {
        self.target_diagnostics()
            .iter()
            .filter(|d| d.is_error())
            .count()
    }
}

impl Loader {
    /// A loader whose search path holds only the built-in modules.
    pub fn new() -> Self {
        Loader {
            sources: Sources::new(),
            targets: Vec::new(),
            target_files: Vec::new(),
            search: Vec::new(),
            builtin: true,
            lint: 0,
            progress: None,
            free_trees: true,
            cache_dir: None,
        }
    }

    /// Adds a directory or file to the search path (after those added before, before
    /// the built-in modules).
    pub fn search_path(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.search.push(path.into());
        self
    }

    /// Keeps the search path's index (which file declares which module) in `dir`
    /// between runs, so that a search path of thousands of files costs a `stat` per
    /// file rather than a read (default: no cache; see
    /// [`default_cache_dir`](crate::source::default_cache_dir)). The cache is never
    /// required: one that cannot be read or written only costs time.
    pub fn index_cache(&mut self, dir: Option<PathBuf>) -> &mut Self {
        self.cache_dir = dir;
        self
    }

    /// Reports parsing progress (for a progress bar on large trees).
    pub fn progress(&mut self, report: Progress) -> &mut Self {
        self.progress = Some(report);
        self
    }

    /// Runs the lint checks up to `level` (smilint's scale, 0 = none) on the targets.
    pub fn lint(&mut self, level: u8) -> &mut Self {
        self.lint = level;
        self
    }

    /// Whether the syntax trees are freed once the model is built (default: yes, on a
    /// thread of their own). A program that exits right after its load can leave them
    /// to the operating system instead, as compilers leave their own memory (clang's
    /// `-disable-free`): freeing them is hundreds of thousands of small frees for a large
    /// load, on a core the program would rather use.
    ///
    /// ```
    /// let mut loader = smic::resolve::Loader::new();
    /// loader.target_module("IF-MIB").free_trees(false);
    /// let loaded = loader.load(&smic::Policy::default());
    /// assert!(loaded.model.lookup("IF-MIB", "ifIndex").is_some());
    /// ```
    pub fn free_trees(&mut self, free: bool) -> &mut Self {
        self.free_trees = free;
        self
    }

    /// Whether the built-in modules are searched last (default: yes).
    pub fn builtin(&mut self, enabled: bool) -> &mut Self {
        self.builtin = enabled;
        self
    }

    /// Every module declared under `path` becomes a target, and `path` is searched first.
    pub fn target_path(&mut self, path: &Path) -> &mut Self {
        let before = self.sources.files().len();
        self.sources.add_path(path);
        for file in before..self.sources.files().len() {
            self.target_files.push(FileId(file as u32));
        }
        self
    }

    /// Every module in `text` becomes a target, as if read from a file at `path`.
    pub fn target_text(&mut self, path: impl Into<PathBuf>, text: &str) -> &mut Self {
        let (text, diagnostics) = decode(text.as_bytes().to_vec());
        let file = self.sources.add_text(path, text, diagnostics);
        self.target_files.push(file);
        self
    }

    /// A module found by name on the search path becomes a target.
    pub fn target_module(&mut self, name: &str) -> &mut Self {
        self.targets.push(name.to_string());
        self
    }

    /// Loads the targets and everything they import, and resolves them.
    pub fn load(mut self, policy: &Policy) -> Loaded {
        // Modules declared in target paths are targets, in file order.
        let mut targets: Vec<String> = Vec::new();
        for location in self.sources.modules() {
            if self.target_files.contains(&location.file) {
                targets.push(location.chunk.name.clone());
            }
        }
        targets.append(&mut self.targets);
        let mut seen = HashSet::default();
        targets.retain(|t| seen.insert(t.clone()));

        let mut general = std::mem::take(&mut self.sources.diagnostics);
        for dir in std::mem::take(&mut self.search) {
            self.sources
                .add_search_path(&dir, self.cache_dir.as_deref());
        }
        general.append(&mut self.sources.diagnostics);

        let mut session = Session {
            loader: &mut self,
            parsed: Default::default(),
            diagnostics: HashMap::new(),
            missing: Vec::new(),
            done: Default::default(),
            total: 0,
        };
        session.load_closure(&targets);
        let Session {
            parsed,
            diagnostics,
            missing,
            ..
        } = session;
        let mut diagnostics = diagnostics;

        for (name, wanted_by) in missing {
            let searched = if self.builtin {
                "the search path nor among the built-in modules"
            } else {
                "the search path"
            };
            let unreadable = match self.sources.unreadable_on_search_path() {
                0 => String::new(),
                1 => " (1 file on the search path could not be read)".to_string(),
                n => format!(" ({n} files on the search path could not be read)"),
            };
            let diagnostic = Diagnostic::new(
                Code::ModuleNotFound,
                format!("module {name} is not on {searched}"),
            )
            .help(format!(
                "add the directory that holds it with -I or SMIC_PATH{unreadable}"
            ));
            match wanted_by {
                Some(Importer { module, file, span }) => {
                    let diagnostic = diagnostic
                        .at(span, format!("imported by {module}"))
                        .in_file(file);
                    diagnostics.entry(module).or_default().push(diagnostic);
                }
                None => general.push(diagnostic),
            }
        }

        // Symbols found in no loaded module may be in a built-in one that nobody imported:
        // load those and build again (the fallback that finds them is reported).
        let mut session = Session {
            loader: &mut self,
            parsed,
            diagnostics,
            missing: Vec::new(),
            done: Default::default(),
            total: 0,
        };
        let (graph, built) = loop {
            let graph = ImportGraph::new(session.parsed.values().map(|(_, ast)| ast));
            let built = build::build(&graph.order(), &session.parsed);
            let wanted: Vec<String> = built
                .unknown
                .iter()
                .filter_map(|symbol| {
                    builtin::defining(symbol).find(|m| !session.parsed.contains_key(*m))
                })
                .map(str::to_string)
                .collect();
            if wanted.is_empty() || !session.loader.builtin {
                break (graph, built);
            }
            let before = session.parsed.len();
            session.load_closure(&wanted);
            if session.parsed.len() == before {
                break (graph, built);
            }
        };
        let Session {
            mut parsed,
            mut diagnostics,
            ..
        } = session;
        let mut model = built.model;
        build::move_texts(&mut model, &built.origins, &mut parsed);
        for module in &mut model.modules {
            module.path = module
                .file
                .and_then(|f| self.sources.file(f))
                .map_or_else(String::new, |f| f.path.display().to_string());
        }

        let targets: Vec<String> = targets
            .into_iter()
            .filter(|t| parsed.contains_key(t))
            .collect();
        let target_ids: Vec<_> = targets.iter().filter_map(|t| model.module_id(t)).collect();
        for (module, diagnostic) in crate::lint::lint(&model, &target_ids, self.lint) {
            diagnostics
                .entry(model.module(module).name.clone())
                .or_default()
                .push(diagnostic);
        }
        for (module, diagnostic) in built.diagnostics {
            diagnostics.entry(module).or_default().push(diagnostic);
        }
        for cycle in graph.cycles() {
            let Some(module) = cycle.first().cloned() else {
                continue;
            };
            if let Some((file, ast)) = parsed.get(&module) {
                let diagnostic = Diagnostic::new(
                    Code::ImportCycle,
                    format!("imports form a cycle: {}", cycle.join(" → ")),
                )
                .at(ast.name.span, "in this cycle")
                .help("cycles are legal but make every module in them load together")
                .in_file(*file);
                diagnostics.entry(module).or_default().push(diagnostic);
            }
        }
        policy.apply(&mut general);
        for list in diagnostics.values_mut() {
            policy.apply(list);
            list.sort_by_key(|d| (d.file, d.primary.as_ref().map(|l| l.span.start)));
        }
        if self.free_trees {
            drop_in_background(parsed);
        } else {
            std::mem::forget(parsed);
        }
        Loaded {
            model,
            sources: self.sources,
            targets,
            diagnostics,
            general,
            graph,
        }
    }
}

/// The base module that `name` is a renamed copy of (`SNMPv2-SMI-v1`: the name of a
/// base module with a suffix after `-` or `_`), if it is one.
fn renamed_base_module(name: &str) -> Option<&'static str> {
    BASE_MODULES.iter().copied().find(|base| {
        name.len() > base.len() + 1
            && name.starts_with(base)
            && matches!(name.as_bytes().get(base.len()), Some(b'-' | b'_'))
    })
}

/// Drops `value` on a thread of its own. Freeing the syntax trees of a large load is
/// hundreds of thousands of small frees, a tenth of a load on one core, and nothing
/// waits for it: the caller goes on with the model on the other. Where no thread can be
/// started the value is dropped here.
fn drop_in_background<T: Send + 'static>(value: T) {
    // On failure `spawn` drops the closure, and the value with it.
    let _ = std::thread::Builder::new()
        .name("smic-free".into())
        .spawn(move || drop(value));
}

struct Session<'l> {
    loader: &'l mut Loader,
    /// Parsed modules by name, with their file.
    parsed: crate::hash::HashMap<String, (FileId, Ast)>,
    diagnostics: HashMap<String, Vec<Diagnostic>>,
    /// Modules not found, and who wanted them.
    missing: Vec<(String, Option<Importer>)>,
    /// Modules parsed and to parse, for progress reports.
    done: std::sync::atomic::AtomicUsize,
    total: usize,
}

/// Who imports a module, and where.
struct Importer {
    module: String,
    file: FileId,
    span: crate::diagnostic::Span,
}

impl Session<'_> {
    /// Parses `names` and everything they import, a wave at a time, each wave in parallel.
    fn load_closure(&mut self, names: &[String]) {
        let mut wave: Vec<(String, Option<Importer>)> =
            names.iter().map(|n| (n.clone(), None)).collect();
        wave.extend(BASE_MODULES.iter().map(|b| (b.to_string(), None)));
        let mut requested: HashSet<String> = HashSet::default();
        while !wave.is_empty() {
            let mut locations = Vec::new();
            for (name, wanted_by) in wave.drain(..) {
                if self.parsed.contains_key(&name) || !requested.insert(name.clone()) {
                    continue;
                }
                match self.locate(&name) {
                    Some(location) => locations.push(location),
                    None => {
                        // A missing base module that nobody imports is not worth a word.
                        if wanted_by.is_some() || !BASE_MODULES.contains(&name.as_str()) {
                            self.missing.push((name, wanted_by));
                        }
                    }
                }
            }
            self.total += locations.len();
            let done = &self.done;
            let total = self.total;
            let report = self.loader.progress.as_ref();
            let tick = || {
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                if let Some(report) = report {
                    report(n, total);
                }
            };
            let parsed = crate::check::parse_with_progress(&self.loader.sources, &locations, &tick);
            for (location, result) in locations.iter().zip(parsed) {
                let name = location.chunk.name.clone();
                let diagnostics = result
                    .diagnostics
                    .into_iter()
                    .map(|d| d.in_file(location.file));
                self.diagnostics
                    .entry(name.clone())
                    .or_default()
                    .extend(diagnostics);
                let Some(mut ast) = result.module else {
                    continue;
                };
                for import in &mut ast.imports {
                    // Vendors ship base modules under new names (`SNMPv2-SMI-v1`) and
                    // import from those; net-snmp finds them only when the copy is on
                    // its path. The base module defines the same things.
                    if let Some(base) = renamed_base_module(&import.from.name) {
                        if !self.declared(&import.from.name) {
                            let diagnostic = Diagnostic::new(
                                Code::RenamedBaseModule,
                                format!(
                                    "{} is not on the search path; read as the base module {base}",
                                    import.from.name
                                ),
                            )
                            .at(import.from.span, format!("imported as {base}"))
                            .help(format!("import from {base}: vendor copies of base modules are renamed, stripped or altered"))
                            .in_file(location.file);
                            self.diagnostics
                                .entry(name.clone())
                                .or_default()
                                .push(diagnostic);
                            import.from.name = base.to_string();
                        }
                    }
                    if import.from.name == name {
                        let diagnostic = Diagnostic::new(
                            Code::SelfImport,
                            format!("{name} imports from itself"),
                        )
                        .at(import.from.span, "this module")
                        .help("remove the clause: a module's own definitions need no import")
                        .in_file(location.file);
                        self.diagnostics
                            .entry(name.clone())
                            .or_default()
                            .push(diagnostic);
                        continue;
                    }
                    let importer = Importer {
                        module: name.clone(),
                        file: location.file,
                        span: import.from.span,
                    };
                    wave.push((import.from.name.clone(), Some(importer)));
                }
                self.parsed.insert(name, (location.file, ast));
            }
        }
    }

    /// Whether a module of this name is anywhere to be found (without reading it).
    fn declared(&self, name: &str) -> bool {
        self.parsed.contains_key(name)
            || self.loader.sources.declares(name)
            || (self.loader.builtin && builtin::contains(name))
    }

    /// Finds a module: pinned base modules come from the built-in set; others from the
    /// sources in the order they were added, then the built-in set.
    fn locate(&mut self, name: &str) -> Option<ModuleLocation> {
        let pinned = BASE_MODULES.contains(&name) && self.loader.builtin;
        if !pinned {
            if let Some(found) = self.loader.sources.find(name) {
                if !found.diagnostics.is_empty() {
                    self.diagnostics
                        .entry(name.to_string())
                        .or_default()
                        .extend(found.diagnostics);
                }
                return Some(found.location);
            }
        }
        if !self.loader.builtin {
            return None;
        }
        let file = builtin::file_name(name)?;
        let text = builtin::text(name)?;
        let module = name;
        if let Some(user) = self.loader.sources.module(name).cloned() {
            let user_text = self
                .loader
                .sources
                .file(user.file)
                .map(|f| f.slice(user.chunk.span))
                .unwrap_or("");
            if user_text.trim() != text.trim() {
                let path = self
                    .loader
                    .sources
                    .file(user.file)
                    .map_or_else(String::new, |f| f.path.display().to_string());
                let diagnostic = Diagnostic::new(
                    Code::PinnedBaseModule,
                    format!("{module} is a base module: the built-in copy is used, not the one in {path}"),
                )
                .at(user.chunk.name_span, "this copy is ignored")
                .help("vendor copies of base modules are often stripped or altered; nothing is lost")
                .in_file(user.file);
                self.diagnostics
                    .entry(name.to_string())
                    .or_default()
                    .push(diagnostic);
            }
        }
        let (text, diagnostics) = decode(text.into_bytes());
        let id = self
            .loader
            .sources
            .add_builtin(format!("<builtin>/{file}"), text, diagnostics);
        self.loader
            .sources
            .modules()
            .iter()
            .find(|l| l.file == id && l.chunk.name == *module)
            .cloned()
    }
}
