//! Arbitrary bytes through the whole front end: decoding, RFC layout stripping, the
//! module scanner, the parser and diagnostic rendering. Nothing may panic, hang or
//! allocate without bound.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smic::render::{HumanRenderer, render_json};
use smic::source::{Sources, decode};

fuzz_target!(|data: &[u8]| {
    let (text, diagnostics) = decode(data.to_vec());
    let mut sources = Sources::new();
    sources.add_text("fuzz.mib", text, diagnostics);
    let report = smic::check::check_sources(sources, &smic::Policy::default());
    let renderer = HumanRenderer::new(false);
    for diagnostic in &report.diagnostics {
        let _ = renderer.render(diagnostic, &report.sources);
        let _ = render_json(diagnostic, &report.sources);
    }
});
