//! The fast path against pest on arbitrary text: whatever the fast reader accepts must
//! be read by pest to the same tree with the same diagnostics. Seed it with real MIBs
//! (`fuzz/corpus/fast_path`), so that mutations stay close to items it accepts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smic::source::decode;
use smic::syntax::scan::scan;
use smic::syntax::{Reader, parse_module_with};

fuzz_target!(|data: &[u8]| {
    // Both readers on every input is slow under ASan; items are small, so is this.
    if data.len() > 8192 {
        return;
    }
    let (text, _) = decode(data.to_vec());
    for chunk in &scan(&text).modules {
        let pest = parse_module_with(&text, chunk, Reader::PestOnly);
        let fast = parse_module_with(&text, chunk, Reader::FastThenPest);
        assert_eq!(fast.module, pest.module);
        assert_eq!(fast.diagnostics, pest.diagnostics);
    }
});
