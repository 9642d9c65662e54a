//! Bad input: nothing may panic, hang or allocate without bound, and every failure is a
//! diagnostic that points inside the file.

use std::path::PathBuf;

use smic::check::{CheckReport, check_sources};
use smic::source::{Sources, decode};
use smic::{Code, Policy};

fn check_bytes(bytes: Vec<u8>) -> CheckReport {
    let (text, diagnostics) = decode(bytes);
    let mut sources = Sources::new();
    sources.add_text("input.mib", text, diagnostics);
    check_sources(sources, &Policy::default())
}

fn codes(report: &CheckReport) -> Vec<Code> {
    report.diagnostics.iter().map(|d| d.code).collect()
}

/// Every label of every diagnostic lies inside its file, on character boundaries.
fn assert_spans_valid(report: &CheckReport) {
    for d in &report.diagnostics {
        let Some(file) = d.file.and_then(|f| report.sources.file(f)) else {
            continue;
        };
        for label in d.primary.iter().chain(&d.secondary) {
            let (start, end) = (label.span.start as usize, label.span.end as usize);
            assert!(
                start <= end && end <= file.text.len(),
                "{d:?} out of bounds"
            );
            assert!(
                file.text.is_char_boundary(start) && file.text.is_char_boundary(end),
                "{d:?} splits a character"
            );
        }
    }
}

/// A deterministic pseudo-random sequence (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const MODULE: &str = "DEMO-MIB DEFINITIONS ::= BEGIN
IMPORTS MODULE-IDENTITY, OBJECT-TYPE, Integer32, enterprises FROM SNMPv2-SMI;
demoMIB MODULE-IDENTITY
    LAST-UPDATED \"202611210000Z\"
    ORGANIZATION \"smic\"
    CONTACT-INFO \"nobody\"
    DESCRIPTION \"A demo.\"
    ::= { enterprises 99999 }
demoValue OBJECT-TYPE
    SYNTAX Integer32 (0..100)
    MAX-ACCESS read-only
    STATUS current
    DESCRIPTION \"A value.\"
    ::= { demoMIB 1 }
END
";

#[test]
fn clean_module_has_no_diagnostics() {
    let report = check_bytes(MODULE.as_bytes().to_vec());
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    assert_eq!(report.modules.len(), 1);
}

#[test]
fn arbitrary_bytes_give_a_diagnostic() {
    let mut rng = Rng(0x5eed);
    for len in [0, 1, 7, 100, 4096, 65_536] {
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let report = check_bytes(bytes);
        assert!(
            report.has_errors(),
            "random bytes of length {len} were accepted"
        );
        assert!(codes(&report).contains(&Code::NoModule));
        assert_spans_valid(&report);
    }
}

#[test]
fn latin1_text_is_decoded_with_a_warning() {
    let mut bytes = MODULE
        .replace("A demo.", "Caf\u{e9} d\u{e9}mo.")
        .into_bytes();
    // Re-encode the two é as Latin-1 single bytes.
    let latin1: Vec<u8> = String::from_utf8(std::mem::take(&mut bytes))
        .unwrap_or_default()
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect();
    let report = check_bytes(latin1);
    assert_eq!(codes(&report), [Code::NotUtf8]);
    assert!(!report.has_errors());
    assert_spans_valid(&report);
}

#[test]
fn oversized_file_is_refused_without_reading_it() {
    let dir = std::env::temp_dir().join(format!("smic-big-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_default();
    let path: PathBuf = dir.join("huge.mib");
    let file = std::fs::File::create(&path).map(|f| f.set_len(100 * 1024 * 1024));
    assert!(
        matches!(file, Ok(Ok(()))),
        "could not create a sparse test file"
    );
    let mut sources = Sources::new();
    sources.add_path(&path);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(sources.diagnostics.len(), 1);
    assert_eq!(sources.diagnostics[0].code, Code::FileTooLarge);
}

#[test]
fn large_inputs_parse_in_one_pass() {
    // A 1 MB stretch of garbage inside a module is one error, and what follows still loads.
    let junk = "#$% ".repeat(250_000);
    let text = MODULE.replace(
        "demoValue OBJECT-TYPE",
        &format!("{junk}\ndemoValue OBJECT-TYPE"),
    );
    let report = check_bytes(text.into_bytes());
    assert_eq!(codes(&report), [Code::UnexpectedToken]);
    let module = report.modules[0]
        .module
        .as_ref()
        .map(|m| m.definitions.len());
    assert_eq!(module, Some(2));

    // A module with 20,000 objects.
    let mut big = String::from(
        "BIG-MIB DEFINITIONS ::= BEGIN\nbig OBJECT IDENTIFIER ::= { enterprises 1 }\n",
    );
    for i in 0..20_000 {
        big.push_str(&format!(
            "o{i} OBJECT-TYPE SYNTAX INTEGER ACCESS read-only STATUS mandatory ::= {{ big {i} }}\n"
        ));
    }
    big.push_str("END\n");
    let report = check_bytes(big.into_bytes());
    assert!(report.diagnostics.is_empty());
    assert_eq!(
        report.modules[0]
            .module
            .as_ref()
            .map(|m| m.definitions.len()),
        Some(20_001)
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for depth in [65, 10_000] {
        let text = MODULE.replace(
            "::= { demoMIB 1 }",
            &format!("DEFVAL {} ::= {{ demoMIB 1 }}", "{".repeat(depth)),
        );
        let report = check_bytes(text.into_bytes());
        assert!(
            codes(&report).contains(&Code::NestingTooDeep),
            "depth {depth}"
        );
        assert_spans_valid(&report);
    }
    // Just inside the limit the parser recurses all the way down, on a test thread's stack.
    let depth = smic::source::scan::MAX_NESTING - 2;
    let value = format!("{}{}", "{".repeat(depth), "}".repeat(depth));
    let text = MODULE.replace(
        "::= { demoMIB 1 }",
        &format!("DEFVAL {{ {value} }} ::= {{ demoMIB 1 }}"),
    );
    let report = check_bytes(text.into_bytes());
    assert!(!report.has_errors(), "{:?}", report.diagnostics);
}

#[test]
fn long_sequence_of_chains_are_an_error_not_a_stack_overflow() {
    // `SEQUENCE OF SEQUENCE OF ...` nests types without a brace; both parsers recurse
    // on it.
    let chain = |depth: usize| {
        let text = MODULE.replace(
            "::= { demoMIB 1 }",
            &format!(
                "::= {{ demoMIB 1 }}\nDeep ::= {}INTEGER",
                "SEQUENCE OF ".repeat(depth)
            ),
        );
        check_bytes(text.into_bytes())
    };
    for depth in [65, 100_000] {
        let report = chain(depth);
        assert!(
            codes(&report).contains(&Code::NestingTooDeep),
            "depth {depth}"
        );
        assert_spans_valid(&report);
    }
    let report = chain(smic::source::scan::MAX_NESTING - 2);
    assert!(
        !codes(&report).contains(&Code::NestingTooDeep),
        "{:?}",
        report.diagnostics
    );
}

#[test]
fn parentheses_and_unbalanced_brackets_do_not_hang() {
    for text in [
        MODULE.replace("(0..100)", &"(".repeat(10_000)),
        MODULE.replace("(0..100)", &")".repeat(10_000)),
        MODULE.replace("::= { demoMIB 1 }", &"}".repeat(10_000)),
        MODULE.replace("SYNTAX", &"[".repeat(10_000)),
    ] {
        let report = check_bytes(text.into_bytes());
        assert!(report.has_errors());
        assert_spans_valid(&report);
    }
}

#[test]
fn unterminated_string_and_comment() {
    let text = MODULE.replace("\"A value.\"", "\"A value.");
    let report = check_bytes(text.into_bytes());
    assert!(codes(&report).contains(&Code::UnterminatedString));
    assert_spans_valid(&report);

    // A comment cut off by the end of the file, with no END.
    let cut = MODULE.find("END\n").map_or(MODULE, |at| &MODULE[..at]);
    let report = check_bytes(format!("{cut}-- unfinished comment").into_bytes());
    assert_eq!(codes(&report), [Code::MissingEnd]);
}

/// Mutated copies of real modules: truncated, spliced, with stray punctuation and
/// flipped bytes. None may panic; every diagnostic must point inside the file.
#[test]
fn mutated_real_modules() {
    let mibs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../mibs");
    let originals: Vec<Vec<u8>> = [
        "SNMPv2-SMI",
        "SNMPv2-TC",
        "SNMPv2-MIB",
        "IF-MIB",
        "RFC1213-MIB",
        "HOST-RESOURCES-MIB",
    ]
    .iter()
    .filter_map(|name| std::fs::read(mibs.join(format!("{name}.txt"))).ok())
    .collect();
    assert_eq!(originals.len(), 6, "shipped MIBs missing");
    let mut rng = Rng(0xdead_beef);
    let splinters: [&[u8]; 9] = [
        b"{",
        b"}",
        b"\"",
        b"--",
        b"::=",
        b"(",
        b"'",
        b"\xff\xfe",
        b"END",
    ];
    for round in 0..300 {
        let mut bytes = originals[round % originals.len()].clone();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(bytes.len());
            match rng.below(5) {
                0 => bytes.truncate(at),
                1 => {
                    let len = rng.below(200).min(bytes.len() - at);
                    bytes.drain(at..at + len);
                }
                2 => {
                    let piece = splinters[rng.below(splinters.len())];
                    bytes.splice(at..at, piece.iter().copied());
                }
                3 => {
                    if let Some(b) = bytes.get_mut(at) {
                        *b ^= 1 << rng.below(8);
                    }
                }
                _ => {
                    let len = rng.below(500).min(bytes.len() - at);
                    let copy = bytes[at..at + len].to_vec();
                    let to = rng.below(bytes.len());
                    bytes.splice(to..to, copy);
                }
            }
        }
        let report = check_bytes(bytes);
        assert_spans_valid(&report);
        for module in &report.modules {
            if module.module.is_none() {
                assert!(
                    report.has_errors(),
                    "round {round}: module {} lost without an error",
                    module.name
                );
            }
        }
    }
}

/// Inputs the fuzzer once crashed on (`fuzz/`), kept so the bugs stay fixed.
#[test]
fn fuzz_regressions() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let Ok(bytes) = std::fs::read(entry.path()) else {
            continue;
        };
        let report = check_bytes(bytes);
        assert_spans_valid(&report);
        seen += 1;
    }
    assert!(seen > 0, "no regression inputs in {}", dir.display());
}
