//! Arbitrary bytes as a module loaded beside the built-in ones: parsing, import
//! resolution against real modules, OID and type resolution, lint and JSON output.
//! Nothing may panic, hang or allocate without bound.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut loader = smic::resolve::Loader::new();
    loader.target_text("fuzz.mib", &text).lint(6);
    let loaded = loader.load(&smic::Policy::default());
    for target in &loaded.targets {
        if let Some(id) = loaded.model.module_id(target) {
            let _ = smic::emit::json::to_string(&smic::emit::json::module(&loaded.model, id));
        }
    }
    for (oid, _) in loaded.model.tree() {
        let _ = smic::model::instance::name_of(&loaded.model, &oid.child(7).child(0));
    }
});
