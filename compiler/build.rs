//! Embeds the shipped MIB modules (`../mibs/*.txt`, one module per file, named after the
//! module) so the compiler works with no search path configured: deflated, with a name
//! index and a symbol index whose entries are offsets into one string.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let dir = Path::new(&manifest).join("../mibs");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|name| name.ends_with(".txt"))
                .collect()
        })
        .unwrap_or_default();
    // By module name, so `builtin` finds a module by binary search.
    names.sort_by(|a, b| a.trim_end_matches(".txt").cmp(b.trim_end_matches(".txt")));
    let mut symbols: Vec<(String, String)> = Vec::new();
    let mut popularity: std::collections::BTreeMap<String, u32> = std::collections::BTreeMap::new();
    // Every name in one string and every module deflated into one blob: the tables hold
    // only integers, so a start of the program relocates nothing in them.
    let mut strings = Strings::default();
    let mut deflated: Vec<u8> = Vec::new();
    let mut out = String::from(
        "/// The shipped modules, sorted by name: (module name, file name, deflated text\n\
         /// in [`DEFLATED`], inflated length), names in [`NAMES`].\n",
    );
    out.push_str("pub(crate) static EMBEDDED: &[(Str, Str, Str, u32)] = &[\n");
    for name in &names {
        let module = name.trim_end_matches(".txt");
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        symbols.extend(
            definitions(&text)
                .into_iter()
                .map(|symbol| (symbol, module.to_string())),
        );
        for imported in imported_modules(&text) {
            *popularity.entry(imported).or_insert(0u32) += 1;
        }
        let start = deflated.len();
        deflated.extend(miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 9));
        let data = Str(start as u32, deflated.len() as u32);
        let _ = writeln!(
            out,
            "    ({:?}, {:?}, {data:?}, {}),",
            strings.add(module),
            strings.add(name),
            text.len()
        );
    }
    out.push_str("];\n");
    // Per symbol, the most imported module first: it is the likeliest meant.
    symbols.sort_by(|a, b| {
        let rank = |m: &String| std::cmp::Reverse(popularity.get(m).copied().unwrap_or(0));
        a.0.cmp(&b.0)
            .then(rank(&a.1).cmp(&rank(&b.1)))
            .then(a.1.cmp(&b.1))
    });
    symbols.dedup();
    out.push_str(
        "/// How many shipped modules import each module: (module, count), sorted by name.\n",
    );
    out.push_str("pub(crate) static POPULARITY: &[(Str, u32)] = &[\n");
    for (module, count) in &popularity {
        let _ = writeln!(out, "    ({:?}, {count}),", strings.add(module));
    }
    out.push_str("];\n");
    out.push_str("/// Names the shipped modules define: (symbol, module), sorted.\n");
    out.push_str("pub(crate) static SYMBOLS: &[(Str, Str)] = &[\n");
    for (symbol, module) in &symbols {
        let _ = writeln!(
            out,
            "    ({:?}, {:?}),",
            strings.add(symbol),
            strings.add(module)
        );
    }
    out.push_str("];\n");
    out.push_str("/// Every name the tables above point into.\n");
    out.push_str("pub(crate) static NAMES: &str = include_str!(\"embedded_names.txt\");\n");
    out.push_str("/// The deflated texts of the shipped modules, one after the other.\n");
    out.push_str(
        "pub(crate) static DEFLATED: &[u8] = include_bytes!(\"embedded_mibs.deflate\");\n",
    );
    let out_dir = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    let out_dir = Path::new(&out_dir);
    for (file, bytes) in [
        ("embedded_mibs.rs", out.as_bytes()),
        ("embedded_names.txt", strings.text.as_bytes()),
        ("embedded_mibs.deflate", &deflated),
    ] {
        if let Err(err) = std::fs::write(out_dir.join(file), bytes) {
            panic!("cannot write {file}: {err}");
        }
    }
}

/// A string's place in [`Strings`]: start and end byte offsets, written as the
/// `Str(start, end)` the library declares.
struct Str(u32, u32);

impl std::fmt::Debug for Str {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Str({}, {})", self.0, self.1)
    }
}

/// All names, each stored once.
#[derive(Default)]
struct Strings {
    text: String,
    seen: std::collections::HashMap<String, (u32, u32)>,
}

impl Strings {
    fn add(&mut self, name: &str) -> Str {
        let (start, end) = *self.seen.entry(name.to_string()).or_insert_with(|| {
            let start = self.text.len() as u32;
            self.text.push_str(name);
            (start, self.text.len() as u32)
        });
        Str(start, end)
    }
}

/// The names a module defines, found line by line: `name MACRO`, `name OBJECT IDENTIFIER`,
/// `Name ::= ...`. The shipped IETF modules put one definition per line, and a stray
/// match only makes the fallback consider one module more.
fn definitions(text: &str) -> Vec<String> {
    const MACROS: [&str; 10] = [
        "OBJECT-TYPE",
        "OBJECT-IDENTITY",
        "MODULE-IDENTITY",
        "NOTIFICATION-TYPE",
        "TRAP-TYPE",
        "OBJECT-GROUP",
        "NOTIFICATION-GROUP",
        "MODULE-COMPLIANCE",
        "AGENT-CAPABILITIES",
        "OBJECT",
    ];
    let mut names = Vec::new();
    for line in text.lines() {
        let line = line.split("--").next().unwrap_or("");
        let mut words = line.split_whitespace();
        let (Some(first), Some(second)) = (words.next(), words.next()) else {
            continue;
        };
        let is_name = first.starts_with(|c: char| c.is_ascii_alphabetic())
            && first
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !is_name || first == "MACRO" {
            continue;
        }
        let object =
            MACROS.contains(&second) && first.starts_with(|c: char| c.is_ascii_lowercase());
        let assignment = second == "::=" && first.starts_with(|c: char| c.is_ascii_uppercase());
        if object || assignment {
            names.push(first.to_string());
        }
    }
    names
}

/// The modules named after `FROM` in a module's text.
fn imported_modules(text: &str) -> Vec<String> {
    let mut modules: Vec<String> = Vec::new();
    let mut words = text.split(|c: char| c.is_whitespace() || c == ';' || c == ',');
    while let Some(word) = words.next() {
        if word == "FROM" {
            if let Some(module) = words.find(|w| !w.is_empty()) {
                modules.push(module.to_string());
            }
        }
    }
    modules.sort();
    modules.dedup();
    modules
}
