//! Compiles `mibs/SMIC-TEST-MIB.txt` (a module that is not among the shipped ones) to
//! Rust in `OUT_DIR`, as any user crate would: see `src/test_mib.rs`.

use smic::Code;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    smic::Builder::new()
        .search_path("mibs")
        // The module is awkward on purpose; `tests/typed_objects.rs` checks that these
        // are reported, and what the generated code makes of them.
        .allow(Code::DigitInitialLabel)
        .allow(Code::RustNameCollision)
        .allow(Code::RustEnumValueDropped)
        .compile(&["SMIC-TEST-MIB"])?;
    Ok(())
}
