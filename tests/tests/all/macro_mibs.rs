//! `smic_macros::mibs!`: the same typed Rust as `build.rs` writes, generated in place.

use smic_smi::syntax::{Enum, Enumeration};
use smic_smi::{Column, ObjectType, TableEntry, Value};

/// `SMIC-TEST-MIB` from `tests/mibs/`, as `tests/build.rs` compiles it.
mod mibs {
    smic_macros::mibs! {
        search_path: "mibs",
        modules: ["SMIC-TEST-MIB"],
    }
}

/// The runtime re-exported under another path.
mod smi {
    pub(crate) use ::smic_smi::*;
}

/// A shipped module, naming the runtime through `crate::macro_mibs::smi`.
mod renamed {
    smic_macros::mibs! {
        modules: ["INET-ADDRESS-MIB"],
        runtime: crate::macro_mibs::smi,
        builtin_mibs: true,
        strict: true,
    }
}

use mibs::smic_test_mib as mib;
use smic_tests::test_mib::smic_test_mib as built;

#[test]
fn the_macro_generates_the_typed_module() {
    assert_eq!(mib::MODULE, "SMIC-TEST-MIB");
    assert_eq!(
        <mib::TestIntEntry as TableEntry>::OID.to_string(),
        "1.3.6.1.4.1.99999.1.2.1.1"
    );
    assert_eq!(mib::TestLevel::try_from(3), Ok(mib::TestLevel::High));
    assert_eq!(
        <mib::TestLevel as ObjectType>::decode(&Value::Integer(9)),
        Ok(Enum::Unknown(9))
    );
    let index = mib::TestStrEntryIndex {
        test_str_key: b"ab".to_vec(),
    };
    assert_eq!(
        mib::TestStrValue::instance(&index).to_string(),
        "1.3.6.1.4.1.99999.1.2.2.1.2.2.97.98"
    );
    assert_eq!(
        "12.5"
            .parse::<mib::Hundredths>()
            .map(mib::Hundredths::into_inner),
        Ok(1250)
    );
    // Its imports come along.
    assert_eq!(mibs::inet_address_mib::InetAddressType::Ipv4 as i32, 1);
}

#[test]
fn the_macro_and_the_build_script_agree() {
    assert_eq!(mib::OBJECTS.len(), built::OBJECTS.len());
    for (a, b) in mib::OBJECTS.iter().zip(&built::OBJECTS) {
        assert_eq!((a.name, a.oid, a.kind), (b.name, b.oid, b.kind));
    }
    assert_eq!(
        <mib::TestKeywords as Enumeration>::VALUES,
        <built::TestKeywords as Enumeration>::VALUES
    );
}

#[test]
fn the_runtime_path_is_configurable() {
    use renamed::inet_address_mib::{InetAddressIPv6, InetPortNumber};
    let address: InetAddressIPv6 = "2001:db8:0:0:0:0:0:1"
        .parse()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(address.get()[..4], [0x20, 0x01, 0x0d, 0xb8]);
    assert!(InetPortNumber::new(65_536).is_err());
}
