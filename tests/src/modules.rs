//! The module graph of a crate, read from its `use` lines and paths, to prove that no
//! two modules depend on each other (directly or around a loop).
//!
//! A module depends on another when its code names a path into it (`crate::a::b`,
//! `super::b`, `self::b`), after following re-exports: `super::Foo`, where the parent
//! re-exports `Foo` from a child with `pub use child::Foo`, is a dependency on the
//! child, not on the parent. Paths between a module and its own ancestors do not count
//! (a parent declares its children; a child reaching its parent's items is how Rust
//! nests), and neither do unit tests (`#[cfg(test)]` to the end of a file). What is
//! left must be acyclic.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module's path inside its crate (`["agent", "v3"]`; empty for the crate root).
pub type ModulePath = Vec<String>;

/// One crate's modules and what each names.
#[derive(Debug, Default)]
pub struct ModuleGraph {
    /// Every module, with its source text (comments removed).
    modules: BTreeMap<ModulePath, String>,
    /// Who depends on whom.
    edges: BTreeMap<ModulePath, BTreeSet<ModulePath>>,
}

impl ModuleGraph {
    /// Reads every `.rs` file under `src` (a crate's `src/`), files in `bin/` aside.
    pub fn read(src: &Path) -> std::io::Result<ModuleGraph> {
        let mut graph = ModuleGraph::default();
        let mut files = Vec::new();
        collect(src, &mut files)?;
        for file in files {
            let Some(module) = module_of(src, &file) else {
                continue;
            };
            let text = std::fs::read_to_string(&file)?;
            // Unit tests (by convention the file's end) may use anything of the crate.
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            graph.modules.insert(module, strip_comments(code));
        }
        let names: Vec<ModulePath> = graph.modules.keys().cloned().collect();
        for from in names {
            let text = graph.modules.get(&from).cloned().unwrap_or_default();
            let mut targets = BTreeSet::new();
            for path in paths_in(&text) {
                if let Some(to) = graph.resolve(&from, &path, 0)
                    && !is_prefix(&to, &from)
                    && !is_prefix(&from, &to)
                {
                    targets.insert(to);
                }
            }
            graph.edges.insert(from, targets);
        }
        Ok(graph)
    }

    /// The modules (for checking that the reader found what it should).
    pub fn modules(&self) -> impl Iterator<Item = &ModulePath> {
        self.modules.keys()
    }

    /// The modules `module` depends on.
    pub fn dependencies(&self, module: &[&str]) -> BTreeSet<String> {
        let key: ModulePath = module.iter().map(|s| (*s).to_string()).collect();
        self.edges
            .get(&key)
            .map(|to| to.iter().map(|m| m.join("::")).collect())
            .unwrap_or_default()
    }

    /// Every dependency loop, each as the modules around it (`a -> b -> a`).
    pub fn cycles(&self) -> Vec<String> {
        let mut found = BTreeSet::new();
        for start in self.modules.keys() {
            // Depth-first from each module, looking for a way back to it.
            let mut stack = vec![(start.clone(), vec![start.clone()])];
            let mut seen = BTreeSet::new();
            while let Some((at, trail)) = stack.pop() {
                for next in self.edges.get(&at).into_iter().flatten() {
                    if next == start {
                        let mut ring: Vec<String> = trail.iter().map(show).collect();
                        // One spelling per loop: rotated to its least module.
                        let least = ring
                            .iter()
                            .enumerate()
                            .min_by(|a, b| a.1.cmp(b.1))
                            .map_or(0, |(i, _)| i);
                        ring.rotate_left(least);
                        let first = ring.first().cloned().unwrap_or_default();
                        ring.push(first);
                        found.insert(ring.join(" -> "));
                    } else if seen.insert(next.clone()) {
                        let mut longer = trail.clone();
                        longer.push(next.clone());
                        stack.push((next.clone(), longer));
                    }
                }
            }
        }
        found.into_iter().collect()
    }

    /// The module a path from `from` lands in, re-exports followed.
    fn resolve(&self, from: &ModulePath, path: &[String], depth: usize) -> Option<ModulePath> {
        if depth > 16 {
            return None;
        }
        let (mut at, rest) = match path.first().map(String::as_str) {
            Some("crate") => (Vec::new(), path.get(1..)?),
            Some("self") => (from.clone(), path.get(1..)?),
            Some("super") => {
                let mut at = from.clone();
                let mut rest = path;
                while rest.first().map(String::as_str) == Some("super") {
                    at.pop()?;
                    rest = rest.get(1..)?;
                }
                (at, rest)
            }
            _ => return None,
        };
        let mut rest = rest.iter();
        for segment in rest.by_ref() {
            let mut deeper = at.clone();
            deeper.push(segment.clone());
            if self.modules.contains_key(&deeper) {
                at = deeper;
                continue;
            }
            // An item of `at`: its own, or one it re-exports from elsewhere.
            if let Some(source) = self.reexport(&at, segment, depth + 1)
                && let Some(target) = self.resolve(&at, &source, depth + 1)
            {
                return Some(target);
            }
            return Some(at);
        }
        Some(at)
    }

    /// Where `module` takes `name` from when it re-exports it (`pub use a::b::Name`,
    /// `pub use a::{b, Name}`, or a glob `pub use a::*` whose module has it).
    fn reexport(&self, module: &ModulePath, name: &str, depth: usize) -> Option<Vec<String>> {
        let text = self.modules.get(module)?;
        let mut globs = Vec::new();
        for statement in use_statements(text) {
            let Some(body) = statement.strip_prefix("pub use ") else {
                continue;
            };
            for path in expand(body) {
                match path.last().map(String::as_str) {
                    Some(last) if last == name => return Some(relative(path)),
                    Some("*") => {
                        let mut glob = path;
                        glob.pop();
                        globs.push(relative(glob));
                    }
                    _ => {}
                }
            }
        }
        for glob in globs {
            let mut with_name = glob;
            with_name.push(name.to_string());
            let target = self.resolve(module, &with_name, depth + 1)?;
            if target != *module {
                return Some(with_name);
            }
        }
        None
    }
}

/// A re-export's path as `resolve` takes it: `child::Name` is `self::child::Name`.
fn relative(path: Vec<String>) -> Vec<String> {
    match path.first().map(String::as_str) {
        Some("crate" | "self" | "super") => path,
        _ => std::iter::once("self".to_string()).chain(path).collect(),
    }
}

fn show(module: &ModulePath) -> String {
    if module.is_empty() {
        "crate".to_string()
    } else {
        module.join("::")
    }
}

fn is_prefix(short: &ModulePath, long: &ModulePath) -> bool {
    long.starts_with(short)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "bin") {
                collect(&path, out)?;
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

fn module_of(src: &Path, file: &Path) -> Option<ModulePath> {
    let relative = file.strip_prefix(src).ok()?;
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop()?;
    match last.as_str() {
        "lib.rs" | "main.rs" if parts.is_empty() => {}
        "mod.rs" => {}
        other => parts.push(other.strip_suffix(".rs")?.to_string()),
    }
    Some(parts)
}

/// The text without `//` and `/* */` comments and without string literals' contents,
/// so paths in docs and messages are not taken for code.
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            '"' => {
                out.push('"');
                let mut escaped = false;
                for c in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        break;
                    }
                }
                out.push('"');
            }
            c => out.push(c),
        }
    }
    out
}

/// Every `use …;` statement, whitespace folded (`pub use` and `pub(crate) use` kept
/// distinguishable by their prefix).
fn use_statements(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let folded: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut from = 0;
    while let Some(found) = folded.get(from..).and_then(|r| r.find("use ")) {
        let at = from + found;
        let before = folded.get(..at).unwrap_or_default().trim_end();
        let starts_statement = before.is_empty()
            || [";", "{", "}", "]", "pub", ")"]
                .iter()
                .any(|end| before.ends_with(end));
        let Some(end) = folded.get(at..).and_then(|r| r.find(';')) else {
            break;
        };
        if starts_statement {
            let prefix = if before.ends_with("pub") { "pub " } else { "" };
            let body = folded.get(at..at + end).unwrap_or_default();
            out.push(format!("{prefix}{body}"));
        }
        from = at + end + 1;
    }
    out
}

/// `a::{b, c::{d, e}}` as `[a, b]`, `[a, c, d]`, `[a, c, e]` (`self` in a group means
/// the prefix itself; `as` renames are dropped).
fn expand(tree: &str) -> Vec<Vec<String>> {
    let tree = tree.trim().trim_start_matches("use ").trim();
    let mut out = Vec::new();
    expand_into(tree, &[], &mut out);
    out
}

fn expand_into(tree: &str, prefix: &[String], out: &mut Vec<Vec<String>>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head: Vec<String> = tree
            .get(..open)
            .unwrap_or_default()
            .split("::")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let inner = tree
            .get(open + 1..tree.rfind('}').unwrap_or(tree.len()))
            .unwrap_or_default();
        let mut base = prefix.to_vec();
        base.extend(head);
        for part in split_top(inner) {
            if part.trim() == "self" {
                out.push(base.clone());
            } else {
                expand_into(part, &base, out);
            }
        }
    } else {
        let path = tree.split(" as ").next().unwrap_or_default();
        let mut full = prefix.to_vec();
        full.extend(
            path.split("::")
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        );
        if !full.is_empty() {
            out.push(full);
        }
    }
}

/// Splits a group's items at its top-level commas.
fn split_top(inner: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(inner.get(start..i).unwrap_or_default());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(inner.get(start..).unwrap_or_default());
    parts.into_iter().filter(|p| !p.trim().is_empty()).collect()
}

/// Every path the code names from the crate, its parent or itself: those of `use`
/// statements (groups expanded) and those written inline (`crate::a::b(…)`).
fn paths_in(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for statement in use_statements(text) {
        let body = statement.trim_start_matches("pub ");
        for path in expand(body) {
            if matches!(
                path.first().map(String::as_str),
                Some("crate" | "super" | "self")
            ) {
                out.push(path);
            }
        }
    }
    let bytes = text.as_bytes();
    for start in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(at) = text.get(from..).and_then(|r| r.find(start)) {
            let at = from + at;
            from = at + start.len();
            let boundary = at == 0
                || bytes
                    .get(at - 1)
                    .is_some_and(|b| !(b.is_ascii_alphanumeric() || *b == b'_' || *b == b':'));
            if !boundary {
                continue;
            }
            let tail = text.get(at..).unwrap_or_default();
            let end = tail
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(tail.len());
            let path: Vec<String> = tail
                .get(..end)
                .unwrap_or_default()
                .split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            if path.len() > 1 {
                out.push(path);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, files: &[(&str, &str)]) {
        for (name, text) in files {
            let path = dir.join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
            }
            std::fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));
        }
    }

    #[test]
    fn finds_a_loop_through_reexports_and_ignores_nesting() {
        let dir = std::env::temp_dir().join(format!("smic-modules-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        write(
            &dir,
            &[
                ("lib.rs", "pub mod agent;\npub mod usm;\n"),
                (
                    "agent/mod.rs",
                    "mod responder;\nmod v3;\npub use responder::Responder;\n",
                ),
                // responder -> v3 through the parent's re-export, v3 -> responder directly
                (
                    "agent/responder.rs",
                    "use super::v3::UsmState;\n// crate::usm::Gone\npub struct Responder;\n",
                ),
                (
                    "agent/v3.rs",
                    "use super::Responder;\nuse super::super::usm::{self, Key};\npub struct UsmState;\n",
                ),
                ("usm/mod.rs", "mod key;\npub use key::*;\n"),
                (
                    "usm/key.rs",
                    "pub struct Key;\nfn f() { let _ = crate::agent::Responder; }\n",
                ),
            ],
        );
        let graph = ModuleGraph::read(&dir).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(graph.modules().count(), 6);
        assert_eq!(
            graph.dependencies(&["agent", "v3"]),
            ["agent::responder", "usm", "usm::key"]
                .map(String::from)
                .into()
        );
        assert_eq!(
            graph.dependencies(&["usm", "key"]),
            ["agent::responder".to_string()].into(),
            "an inline path, re-export followed; a commented one ignored"
        );
        let cycles = graph.cycles();
        assert!(
            cycles.contains(&"agent::responder -> agent::v3 -> agent::responder".to_string()),
            "{cycles:?}"
        );
        assert!(
            cycles.contains(
                &"agent::responder -> agent::v3 -> usm::key -> agent::responder".to_string()
            ),
            "{cycles:?}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
