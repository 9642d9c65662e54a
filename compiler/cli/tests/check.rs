//! `smic check` end to end: the binary, its exit status, its summary line and formats.

use std::path::PathBuf;
use std::process::{Command, Output};

fn smic(args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_smic")).args(args).output();
    output.unwrap_or_else(|err| panic!("cannot run smic: {err}"))
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn mibs() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../mibs")
        .display()
        .to_string()
}

/// A scratch directory with one file, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn with(name: &str, text: &str) -> (Scratch, String) {
        let dir = std::env::temp_dir().join(format!("smic-cli-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let file = dir.join(name);
        std::fs::write(&file, text).unwrap_or_else(|e| panic!("{e}"));
        (Scratch(dir), file.display().to_string())
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const QUIRKY: &str = "QUIRKY-MIB DEFINITIONS ::= BEGIN
IMPORTS enterprises FROM RFC1155-SMI OBJECT-TYPE FROM RFC-1212;
quirky OBJECT IDENTIFIER ::= { enterprises 99998 }
quirky_value OBJECT-TYPE
    SYNTAX INTEGER { up(1), down(2), }
    ACCESS read-only
    STATUS mandatory
    ::= { quirky 1 }
END
";

#[test]
fn shipped_mibs_check_clean() {
    let output = smic(&["check", "-q", &mibs()]);
    assert!(output.status.success(), "{}", stdout(&output));
    let last = stdout(&output)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string();
    assert!(last.contains(" 0 with errors; 0 errors"), "{last}");
    assert!(last.starts_with("443 modules: 443 ok"), "{last}");
}

#[test]
fn quirks_warn_by_default_and_fail_under_strict() {
    let (_dir, file) = Scratch::with("quirky.mib", QUIRKY);
    let lenient = smic(&["check", &file]);
    assert!(lenient.status.success());
    let text = stdout(&lenient);
    assert!(
        text.contains("smic::quirk::underscore-in-identifier"),
        "{text}"
    );
    assert!(text.contains("smic::quirk::trailing-comma"), "{text}");
    assert!(
        text.ends_with("1 modules: 1 ok, 0 with errors; 0 errors, 2 warnings\n"),
        "{text}"
    );

    let strict = smic(&["check", "--strict", &file]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(stdout(&strict).ends_with("1 modules: 0 ok, 1 with errors; 2 errors, 0 warnings\n"));

    let allowed = smic(&[
        "check",
        "--strict",
        "-A",
        "quirk::trailing-comma",
        "-A",
        "smic::quirk::underscore-in-identifier",
        &file,
    ]);
    assert!(allowed.status.success(), "{}", stdout(&allowed));
}

#[test]
fn json_lines_and_summary() {
    let broken = QUIRKY.replace("::= { quirky 1 }", "{ quirky 1 }");
    let (_dir, file) = Scratch::with("broken.mib", &broken);
    let output = smic(&["check", "--format", "json", &file]);
    assert_eq!(output.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect();
    let error = lines.iter().find(|l| l["severity"] == "error");
    let error = error.unwrap_or_else(|| panic!("no error in {lines:?}"));
    assert_eq!(error["code"], "smic::syntax::unexpected-token");
    assert_eq!(error["line"], 8);
    assert_eq!(error["column"], 5);
    let summary = &lines.last().unwrap_or_else(|| panic!("no output"))["summary"];
    assert_eq!(summary["modules"], 1);
    assert_eq!(summary["with_errors"], 1);
}

#[test]
fn unknown_allow_code_is_a_usage_error() {
    let output = smic(&["check", "-A", "no-such-code", &mibs()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown diagnostic code"));
}

#[test]
fn missing_path_is_an_error_not_a_crash() {
    let output = smic(&["check", "/nonexistent/smic/path"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("smic::source::io"));
}

#[test]
fn modules_by_name_are_found_on_the_search_path() {
    let output = smic(&["check", "-I", &mibs(), "IF-MIB", "SNMPv2-MIB"]);
    assert!(output.status.success(), "{}", stdout(&output));
    assert!(
        stdout(&output).ends_with("2 modules: 2 ok, 0 with errors; 0 errors, 0 warnings\n"),
        "{}",
        stdout(&output)
    );

    let missing = smic(&["check", "-I", &mibs(), "NO-SUCH-MIB"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stdout(&missing).contains("smic::resolve::module-not-found"),
        "{}",
        stdout(&missing)
    );
}

#[test]
fn rendered_diagnostics_are_capped_per_module() {
    let mut text =
        String::from("CAPPED-MIB DEFINITIONS ::= BEGIN\nIMPORTS enterprises FROM RFC1155-SMI;\n");
    for n in 1..=30 {
        text.push_str(&format!(
            "node_{n} OBJECT IDENTIFIER ::= {{ enterprises {n} }}\n"
        ));
    }
    text.push_str("END\n");
    let (_scratch, file) = Scratch::with("CAPPED-MIB.mib", &text);
    let capped = stdout(&smic(&["check", &file]));
    assert_eq!(
        capped.matches("underscore-in-identifier").count(),
        20,
        "{capped}"
    );
    assert!(capped.contains("… and 10 more diagnostics of CAPPED-MIB (-v shows all)"));
    assert!(capped.ends_with("30 warnings\n"), "{capped}");
    let all = stdout(&smic(&["check", "-v", &file]));
    assert_eq!(all.matches("underscore-in-identifier").count(), 30);
    let json = stdout(&smic(&["check", "--format", "json", &file]));
    assert_eq!(json.lines().count(), 31);
}
