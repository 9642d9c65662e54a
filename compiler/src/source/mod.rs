//! Finding MIB text: files and directories on search paths, decoded, with RFC page layout
//! stripped, and indexed by the module names declared inside them.
//!
//! File names lie and extensions vary (`IF-MIB`, `if.my`, `rfc2863.txt`), so nothing here
//! trusts them: every regular file under a search path is scanned for
//! `NAME DEFINITIONS ::= BEGIN`, and one file may declare several modules.

mod cache;
mod catalog;
mod rfc;
mod walk;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub use crate::syntax::scan::{self, ModuleChunk, Scan};
pub use cache::default_dir as default_cache_dir;
pub use rfc::strip_page_layout;
pub use walk::{Identity, walk};

use crate::diagnostic::{Code, Diagnostic, FileId, Span};
use crate::hash::{HashMap, HashSet};

/// Files larger than this are refused: the largest real MIB module is under 2 MiB.
pub const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// A file's text as the compiler sees it.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The path as given (or a pseudo-path such as `<embedded>/IF-MIB`).
    pub path: PathBuf,
    /// The decoded text, RFC page layout blanked out.
    pub text: String,
    /// Byte offset of each line start, for line and column numbers. Computed on first
    /// use: only files with something to report need it, and a large load reads
    /// thousands that have nothing.
    line_starts: OnceLock<Vec<u32>>,
}

impl SourceFile {
    /// A source from text already in memory.
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        SourceFile {
            path: path.into(),
            text,
            line_starts: OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(
                self.text
                    .bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)),
            );
            starts
        })
    }

    /// One-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        let line_starts = self.line_starts();
        let line = line_starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        let start = line_starts.get(line).map_or(0, |&start| start as usize);
        let end = (offset as usize).min(self.text.len());
        let column = self
            .text
            .get(start..end)
            .map_or(end - start, |s| s.chars().count());
        (line + 1, column + 1)
    }

    /// The text covered by `span` (empty if out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }
}

/// Decodes raw bytes: UTF-8 when valid, else Latin-1 (every byte is a character, so
/// nothing is lost). Returns the text, RFC layout stripped, and the quirks met.
pub fn decode(bytes: Vec<u8>) -> (String, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            let text: String = err.into_bytes().iter().map(|&b| char::from(b)).collect();
            let start = text.char_indices().nth(at).map_or(text.len(), |(i, _)| i);
            let end = text[start..]
                .chars()
                .next()
                .map_or(start, |c| start + c.len_utf8());
            diagnostics.push(
                Diagnostic::new(Code::NotUtf8, "file is not valid UTF-8; read as Latin-1")
                    .at(Span::new(start, end), "first byte that is not UTF-8")
                    .help("re-encode the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)"),
            );
            text
        }
    };
    blank_exotic_whitespace(&mut text);
    if let Some(offset) = strip_page_layout(&mut text) {
        let end = text[offset..].find('\n').map_or(text.len(), |n| offset + n);
        diagnostics.push(
            Diagnostic::new(
                Code::RfcLayout,
                "RFC page headers and footers were stripped from the module text",
            )
            .at(Span::new(offset, end.max(offset + 1)), "first page break")
            .help("extract the module from the RFC (e.g. with `rfcstrip`)"),
        );
    }
    (text, diagnostics)
}

/// Replaces no-break spaces, byte-order marks and DOS end-of-file marks with as many
/// spaces as they have bytes, so the grammar sees plain blanks and offsets stay put.
fn blank_exotic_whitespace(text: &mut String) {
    const EXOTIC: [char; 3] = ['\u{A0}', '\u{FEFF}', '\u{1A}'];
    // Their UTF-8 forms start with 0xC2, 0xEF or are 0x1A: a byte scan (memchr's, which
    // looks at many bytes per step) rules most files out.
    if memchr::memchr3(0xC2, 0xEF, 0x1A, text.as_bytes()).is_none() || !text.contains(EXOTIC) {
        return;
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if EXOTIC.contains(&c) {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    *text = out;
}

/// Reads and decodes one file, refusing anything too large to be a MIB and anything
/// that is not a regular file (a device or a pipe may never end).
pub fn read_file(path: &Path) -> Result<(String, Vec<Diagnostic>), Diagnostic> {
    use std::io::Read;
    let io_error = |err: std::io::Error| {
        Diagnostic::new(Code::Io, format!("cannot read {}: {err}", path.display()))
    };
    let too_large = |len: u64| {
        Diagnostic::new(
            Code::FileTooLarge,
            format!(
                "{} is {len} bytes; MIB files over {} MiB are refused",
                path.display(),
                MAX_FILE_SIZE >> 20
            ),
        )
        .help("check that this is a MIB module; split it if it really is")
    };
    let file = std::fs::File::open(path).map_err(io_error)?;
    let meta = file.metadata().map_err(io_error)?;
    if !meta.is_file() {
        return Err(Diagnostic::new(
            Code::Io,
            format!("{} is not a regular file", path.display()),
        )
        .help("devices, pipes and sockets are not read: they may never end"));
    }
    if meta.len() > MAX_FILE_SIZE {
        return Err(too_large(meta.len()));
    }
    // The size was looked at before the read; a file that grows meanwhile is still cut
    // off at the limit rather than read to its end.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(MAX_FILE_SIZE + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(decode(bytes))
}

/// A file read, decoded and scanned, ready to be indexed.
struct Prepared {
    text: String,
    diagnostics: Vec<Diagnostic>,
    scan: Scan,
}

/// Reads, decodes and scans `files` on all cores, results in the order of `files`.
/// With `walked` (the files were found in a directory), files with no `::=` at all are
/// not MIB text and come back as `None`.
fn prepare_all(files: &[PathBuf], walked: bool) -> Vec<Result<Option<Prepared>, Diagnostic>> {
    let prepare = |file: &PathBuf| {
        let (text, diagnostics) = read_file(file)?;
        if walked && memchr::memmem::find(text.as_bytes(), b"::=").is_none() {
            return Ok(None);
        }
        let scan = scan::scan(&text);
        Ok(Some(Prepared {
            text,
            diagnostics,
            scan,
        }))
    };
    crate::parallel::map_on_all_cores(files, prepare)
        .into_iter()
        .zip(files)
        .map(|(result, file)| {
            result.unwrap_or_else(|| {
                Err(Diagnostic::new(
                    Code::Io,
                    format!("internal error reading {}", file.display()),
                ))
            })
        })
        .collect()
}

/// Where a module's text lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleLocation {
    /// The file.
    pub file: FileId,
    /// The module's extent in it.
    pub chunk: ModuleChunk,
}

/// Loaded files and the modules declared in them.
#[derive(Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
    modules: Vec<ModuleLocation>,
    by_name: HashMap<String, usize>,
    /// Findings of loading and scanning.
    pub diagnostics: Vec<Diagnostic>,
    /// The search path: files indexed, read only when a module of theirs is wanted.
    catalog: catalog::Catalog,
    /// Every file read or indexed, by identity: one reached again by another path is
    /// the same file, and is passed over.
    seen: HashSet<Identity>,
}

/// A module [`Sources::find`] found, and what is to be said about it.
#[derive(Debug)]
pub struct Found {
    /// Where the module is.
    pub location: ModuleLocation,
    /// Findings that concern the module and are told now that it is used: its file's
    /// decoding and scanning findings, other files that declare it too.
    pub diagnostics: Vec<Diagnostic>,
}

impl Sources {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file's text (already decoded) and indexes its modules; the first module of
    /// a name wins, later ones are reported as duplicates.
    pub fn add_text(
        &mut self,
        path: impl Into<PathBuf>,
        text: String,
        diagnostics: Vec<Diagnostic>,
    ) -> FileId {
        let scan = scan::scan(&text);
        self.add(path.into(), text, diagnostics, scan, false)
    }

    /// Adds a built-in module's text; its modules take the place of any of the same name
    /// (the base modules are pinned).
    pub fn add_builtin(
        &mut self,
        path: impl Into<PathBuf>,
        text: String,
        diagnostics: Vec<Diagnostic>,
    ) -> FileId {
        let scan = scan::scan(&text);
        self.add(path.into(), text, diagnostics, scan, true)
    }

    fn add(
        &mut self,
        path: PathBuf,
        text: String,
        mut diagnostics: Vec<Diagnostic>,
        scan: Scan,
        replace: bool,
    ) -> FileId {
        let file = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        diagnostics.extend(scan.diagnostics);
        if scan.modules.is_empty() {
            diagnostics.push(
                Diagnostic::new(
                    Code::NoModule,
                    format!("no MIB module in {}", path.display()),
                )
                .help("a module starts with `NAME DEFINITIONS ::= BEGIN`"),
            );
        }
        for chunk in scan.modules {
            if replace {
                self.by_name.insert(chunk.name.clone(), self.modules.len());
                self.modules.push(ModuleLocation { file, chunk });
                continue;
            }
            if let Some(first) = self.module(&chunk.name) {
                if first.file == file {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::DuplicateModule,
                            format!("module {} is defined twice in this file; the first definition is used", chunk.name),
                        )
                        .at(chunk.name_span, "ignored")
                        .also(first.chunk.name_span, "first defined here"),
                    );
                    continue;
                }
                let first_path = self.files.get(first.file.0 as usize).map_or_else(
                    || Path::new("?").display().to_string(),
                    |f| f.path.display().to_string(),
                );
                diagnostics.push(
                    Diagnostic::new(
                        Code::DuplicateModule,
                        format!(
                            "module {} is defined again; the first definition is used",
                            chunk.name
                        ),
                    )
                    .at(
                        chunk.name_span,
                        format!("ignored: first defined in {first_path}"),
                    ),
                );
                continue;
            }
            self.by_name.insert(chunk.name.clone(), self.modules.len());
            self.modules.push(ModuleLocation { file, chunk });
        }
        self.diagnostics
            .extend(diagnostics.into_iter().map(|d| d.in_file(file)));
        self.files.push(SourceFile::new(path, text));
        file
    }

    /// Reads every file under `path` and indexes it. Files found in a directory that
    /// contain no `::=` at all are not MIB text and are skipped silently; a file
    /// reached again through another path (a link, an overlapping directory) is the
    /// same file and is skipped too.
    pub fn add_path(&mut self, path: &Path) {
        let files = match walk(path) {
            Ok(files) => files,
            Err(err) => return self.diagnostics.push(err),
        };
        let walked = files.len() > 1 || files.first().is_some_and(|f| f != path);
        let files: Vec<PathBuf> = files
            .into_iter()
            .filter(|f| match std::fs::metadata(f) {
                Ok(meta) => self.seen.insert(Identity::of(f, &meta)),
                // Reading it will say what is wrong.
                Err(_) => true,
            })
            .collect();
        // In a directory, files with no trace of ASN.1 (READMEs, indexes, scripts) are
        // not MIBs and are passed over; a file named directly is always checked.
        let prepared = prepare_all(&files, walked);
        for (file, prepared) in files.into_iter().zip(prepared) {
            match prepared {
                Ok(Some(p)) => {
                    self.add(file, p.text, p.diagnostics, p.scan, false);
                }
                Ok(None) => {}
                Err(err) => self.diagnostics.push(err),
            }
        }
    }

    /// Adds `path` to the search path: its files are indexed by the modules their
    /// headers declare (through the index cache in `cache_dir`, if given), and read only
    /// when [`find`](Self::find) wants one of them. Nothing about them is reported
    /// until then: a search path may hold READMEs, broken files and modules nobody
    /// imports. Unreadable files are skipped (and counted, see
    /// [`unreadable_on_search_path`](Self::unreadable_on_search_path)); only a `path`
    /// that cannot be read at all is reported.
    pub fn add_search_path(&mut self, path: &Path, cache_dir: Option<&Path>) {
        if let Err(err) = self.catalog.add_root(path, cache_dir, &mut self.seen) {
            self.diagnostics.push(err);
        }
    }

    /// Whether a module of this name is loaded or declared on the search path.
    pub fn declares(&self, name: &str) -> bool {
        self.by_name.contains_key(name) || self.catalog.by_name.contains_key(name)
    }

    /// How many files on the search path could not be read while indexing.
    pub fn unreadable_on_search_path(&self) -> usize {
        self.catalog.unreadable
    }

    /// The module `name`: one already loaded (files added with [`add_path`] or
    /// [`add_text`], or read before), else the first declared on the search path,
    /// whose file is read now. With it come the findings it brings to light (see
    /// [`Found`]); those of a module are handed out once, on the first `find`.
    ///
    /// [`add_path`]: Self::add_path
    /// [`add_text`]: Self::add_text
    pub fn find(&mut self, name: &str) -> Option<Found> {
        if let Some(&i) = self.by_name.get(name) {
            let location = self.modules.get(i).cloned()?;
            let diagnostics = self.also_declared(name, &location);
            return Some(Found {
                location,
                diagnostics,
            });
        }
        let holders = self.catalog.by_name.get(name)?.clone();
        for holder in holders {
            let h = holder as usize;
            if self
                .catalog
                .files
                .get(h)
                .is_some_and(|f| f.loaded.is_none())
            {
                self.read_catalog_file(h);
            }
            let Some(Some(file)) = self
                .catalog
                .files
                .get_mut(h)
                .and_then(|f| f.loaded.as_mut())
            else {
                continue;
            };
            let Some(chunk) = file.chunks.iter().find(|c| c.name == name).cloned() else {
                continue; // the index was stale: the next declarer may have it
            };
            let id = file.id;
            let first_from_file = !file.general_given;
            file.general_given = true;
            let in_module = |d: &Diagnostic| {
                d.primary
                    .as_ref()
                    .is_some_and(|l| chunk.span.contains(l.span.start))
            };
            let in_any = |d: &Diagnostic| {
                d.primary
                    .as_ref()
                    .is_some_and(|l| file.chunks.iter().any(|c| c.span.contains(l.span.start)))
            };
            let (mut diagnostics, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut file.pending)
                .into_iter()
                .partition(|d| in_module(d) || (first_from_file && !in_any(d)));
            file.pending = rest;
            let location = ModuleLocation { file: id, chunk };
            self.by_name.insert(name.to_string(), self.modules.len());
            self.modules.push(location.clone());
            diagnostics.extend(self.also_declared(name, &location));
            return Some(Found {
                location,
                diagnostics,
            });
        }
        None
    }

    /// A warning that search-path files other than the one at `location` declare
    /// `name` too, if any do.
    fn also_declared(&self, name: &str, location: &ModuleLocation) -> Vec<Diagnostic> {
        let others: Vec<&Path> = self
            .catalog
            .by_name
            .get(name)
            .into_iter()
            .flatten()
            .filter_map(|&h| self.catalog.files.get(h as usize))
            .filter(|f| !matches!(&f.loaded, Some(Some(l)) if l.id == location.file))
            .map(|f| f.path.as_path())
            .collect();
        let Some(first) = others.first() else {
            return Vec::new();
        };
        let more = match others.len() - 1 {
            0 => String::new(),
            1 => " and 1 other file".to_string(),
            n => format!(" and {n} other files"),
        };
        vec![
            Diagnostic::new(
                Code::DuplicateModule,
                format!(
                    "module {name} is also defined in {}{more}; this definition is used",
                    first.display()
                ),
            )
            .at(location.chunk.name_span, "used")
            .help("search paths are searched in order; the first definition wins")
            .in_file(location.file),
        ]
    }

    /// Reads catalog file `h`, adding it to the files (its modules are registered one
    /// by one, as they are found).
    fn read_catalog_file(&mut self, h: usize) {
        let Some(path) = self.catalog.files.get(h).map(|f| f.path.clone()) else {
            return;
        };
        let loaded = read_file(&path).ok().map(|(text, mut pending)| {
            let scan = scan::scan(&text);
            pending.extend(scan.diagnostics);
            let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
            self.files.push(SourceFile::new(path, text));
            catalog::LoadedFile {
                id,
                chunks: scan.modules,
                pending: pending.into_iter().map(|d| d.in_file(id)).collect(),
                general_given: false,
            }
        });
        if let Some(file) = self.catalog.files.get_mut(h) {
            file.loaded = Some(loaded);
        }
    }

    /// The loaded files.
    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }

    /// One file.
    pub fn file(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// Every module found, in load order.
    pub fn modules(&self) -> &[ModuleLocation] {
        &self.modules
    }

    /// The module declared under `name`.
    pub fn module(&self, name: &str) -> Option<&ModuleLocation> {
        self.by_name.get(name).and_then(|&i| self.modules.get(i))
    }
}
