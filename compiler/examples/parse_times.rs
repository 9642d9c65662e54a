#![allow(clippy::print_stdout)]
//! Parses every MIB file under the given paths one at a time and prints the share that
//! parse without errors, the files that fail, and the slowest files.
//!
//! `cargo run --release -p smic --example parse_times -- ../shared/corpus/vendor`

use std::path::PathBuf;
use std::time::{Duration, Instant};

use smic::source::{Sources, read_file, walk};

fn main() {
    let mut times: Vec<(Duration, PathBuf)> = Vec::new();
    let mut failed: Vec<(PathBuf, String)> = Vec::new();
    let mut total = 0usize;
    for root in std::env::args_os().skip(1).map(PathBuf::from) {
        for path in walk(&root).unwrap_or_default() {
            let Ok((text, diagnostics)) = read_file(&path) else {
                continue;
            };
            if !text.contains("::=") {
                continue;
            }
            total += 1;
            let started = Instant::now();
            let mut sources = Sources::new();
            sources.add_text(path.clone(), text, diagnostics);
            let report = smic::check::check_sources(sources, &smic::Policy::default());
            times.push((started.elapsed(), path.clone()));
            if let Some(error) = report.diagnostics.iter().find(|d| d.is_error()) {
                let line = error.primary.as_ref().and_then(|l| {
                    report
                        .sources
                        .file(smic::FileId(0))
                        .map(|f| f.line_col(l.span.start).0)
                });
                failed.push((
                    path,
                    format!("line {}: {}", line.unwrap_or(0), error.message),
                ));
            }
        }
    }
    times.sort();
    let ok = total - failed.len();
    println!(
        "{ok}/{total} files parse without errors ({:.2}%)",
        100.0 * ok as f64 / total.max(1) as f64
    );
    for (path, why) in &failed {
        println!("  FAIL {}: {why}", path.display());
    }
    println!("slowest files:");
    for (time, path) in times.iter().rev().take(5) {
        println!("  {:>8.1} ms  {}", time.as_secs_f64() * 1e3, path.display());
    }
}
