//! The typed Rust that `tests/build.rs` generates from `tests/mibs/SMIC-TEST-MIB.txt`
//! (through `smic::Builder`, as a user crate would): OID constants, enumerations, BITS,
//! textual conventions with their constraints and DISPLAY-HINTs, index codecs for every
//! index shape, rows, notifications and the registry; and what the awkward parts of the
//! module (colliding names, Rust keywords, digit-initial labels, duplicate values) turn
//! into.

#![allow(clippy::unwrap_used)]

use std::fmt::Debug;
use std::net::Ipv4Addr;
use std::path::PathBuf;

use proptest::prelude::*;
use smic_smi::index::{Index, IndexEncoding, IndexError};
use smic_smi::registry::Kind;
use smic_smi::snmpv2_tc::{DateAndTime, DisplayString, MacAddress, RowStatus, TruthValue};
use smic_smi::syntax::{
    BitSet, ConstraintError, Counter64, Enum, Enumeration, Flag, Syntax, ValueError,
};
use smic_smi::textual::ParseError;
use smic_smi::{
    Column, MaxAccess, Notification, ObjectType, Oid, Registry, Scalar, TableEntry, Value, oid,
};
use smic_tests::test_mib::inet_address_mib as inet;
use smic_tests::test_mib::smic_test_mib as mib;

/// Few cases, and no regression files written into the source tree.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn oid(text: &str) -> Oid {
    text.parse().unwrap()
}

// ----------------------------------------------------------------------- constants

#[test]
fn oid_constants_and_object_facts() {
    assert_eq!(mib::MODULE, "SMIC-TEST-MIB");
    assert_eq!(mib::SMIC_TEST_MIB, oid!(1, 3, 6, 1, 4, 1, 99999));
    assert_eq!(mib::SMIC_TEST_SCALARS.to_string(), "1.3.6.1.4.1.99999.1.1");
    assert_eq!(mib::TEST_INT_TABLE.to_string(), "1.3.6.1.4.1.99999.1.2.1");
    assert_eq!(
        mib::SMIC_TEST_NOTIFICATIONS.to_string(),
        "1.3.6.1.4.1.99999.0"
    );

    assert_eq!(<mib::TestName as ObjectType>::MODULE, "SMIC-TEST-MIB");
    assert_eq!(<mib::TestName as ObjectType>::NAME, "testName");
    assert_eq!(
        <mib::TestName as ObjectType>::OID.to_string(),
        "1.3.6.1.4.1.99999.1.1.1"
    );
    assert_eq!(<mib::TestName as ObjectType>::ACCESS, MaxAccess::ReadWrite);
    assert_eq!(
        mib::TestName::instance().to_string(),
        "1.3.6.1.4.1.99999.1.1.1.0"
    );
    assert_eq!(<mib::TestMac as ObjectType>::ACCESS, MaxAccess::ReadOnly);
    assert_eq!(
        <mib::TestTemperature as ObjectType>::UNITS,
        Some("degrees Celsius <C> [SI]")
    );
    assert_eq!(
        <mib::TestIntIndex as ObjectType>::ACCESS,
        MaxAccess::NotAccessible
    );

    assert_eq!(<mib::TestIntEntry as TableEntry>::NAME, "testIntEntry");
    assert_eq!(
        <mib::TestIntEntry as TableEntry>::OID.to_string(),
        "1.3.6.1.4.1.99999.1.2.1.1"
    );
    assert_eq!(<mib::TestIntName as Column>::SUB_ID, 2);
    let index = mib::TestIntEntryIndex { test_int_index: 7 };
    assert_eq!(
        mib::TestIntName::instance(&index).to_string(),
        "1.3.6.1.4.1.99999.1.2.1.1.2.7"
    );

    assert_eq!(<mib::TestEvent as Notification>::NAME, "testEvent");
    assert_eq!(
        <mib::TestEvent as Notification>::OID.to_string(),
        "1.3.6.1.4.1.99999.0.1"
    );

    // The modules the test module's code uses are generated beside it.
    assert_eq!(inet::MODULE, "INET-ADDRESS-MIB");
}

#[test]
fn colliding_and_keyword_names_get_rust_names() {
    // `FooBar` (a convention) keeps its name; the object `fooBar` is renamed.
    assert_eq!(<mib::FooBarObject as ObjectType>::NAME, "fooBar");
    let value: mib::FooBar = mib::FooBarObject(mib::FooBar::new(vec![1]).unwrap()).0;
    assert_eq!(value.get(), &[1]);
    // `collideMIB` and `collideMib` would both be `COLLIDE_MIB`.
    assert_eq!(mib::COLLIDE_MIB, oid!(1, 3, 6, 1, 4, 1, 99999, 4));
    assert_eq!(mib::COLLIDE_MIB_OID, oid!(1, 3, 6, 1, 4, 1, 99999, 5));

    // Descriptors that are Rust keywords.
    assert_eq!(<mib::Async as ObjectType>::NAME, "async");
    assert_eq!(
        <mib::Async as ObjectType>::decode(&Value::Counter64(5)),
        Ok(Counter64(5))
    );
    assert_eq!(<mib::Type as ObjectType>::NAME, "type");
    assert_eq!(<mib::Match as ObjectType>::NAME, "match");
    assert_eq!(<mib::Self_ as ObjectType>::NAME, "self");
    assert_eq!(<mib::Self_ as Column>::SUB_ID, 6);

    // Columns whose field names collide (`collideABCount`, `collideAbCount`).
    let mut row = mib::TestIntEntry::new(mib::TestIntEntryIndex { test_int_index: 1 });
    assert_eq!(row.set_column(7, &Value::Gauge32(70)), Ok(true));
    assert_eq!(row.set_column(8, &Value::Gauge32(80)), Ok(true));
    assert_eq!(
        (row.collide_ab_count, row.collide_ab_count_column),
        (Some(70), Some(80))
    );
    assert_eq!(row.set_column(4, &Value::Integer(3)), Ok(true));
    assert_eq!(row.type_, Some(3));
    assert_eq!(row.set_column(5, &Value::Integer(2)), Ok(true));
    assert_eq!(row.match_, Some(Enum::Known(TruthValue::False)));
    assert_eq!(row.set_column(6, &Value::Integer(-250)), Ok(true));
    assert_eq!(row.self_.map(|h| h.to_string()).as_deref(), Some("-2.50"));
    let columns = <mib::TestIntEntry as TableEntry>::COLUMNS;
    assert!(columns.contains(&(7, "collideABCount")) && columns.contains(&(8, "collideAbCount")));
}

/// What a build reports about the awkward module; `tests/build.rs` allows these codes,
/// so a build with its settings reports nothing. The code generated here is the code
/// the build script wrote (generation is deterministic).
#[test]
fn builder_reports_the_awkward_input_and_generates_what_the_build_script_wrote() {
    let mibs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("mibs");
    let compiled = smic::Builder::new()
        .search_path(&mibs)
        .emit_rerun_if_changed(false)
        .generate(&["SMIC-TEST-MIB"])
        .unwrap();
    let lines: Vec<&str> = compiled.warnings.iter().map(|w| w.summary()).collect();
    let find = |code: &str, text: &str| {
        lines
            .iter()
            .find(|l| l.ends_with(&format!("[smic::{code}]")) && l.contains(text))
            .unwrap_or_else(|| panic!("no {code} warning about {text}: {lines:#?}"))
    };
    let digits = find("quirk::digit-initial-label", "`10baseT`");
    assert!(digits.contains("SMIC-TEST-MIB.txt:141:27: "), "{digits}");
    assert!(find("codegen::name-collision", "fooBar").contains("FooBarObject"));
    assert!(find("codegen::name-collision", "collideMib").contains("COLLIDE_MIB_OID"));
    assert!(find("codegen::enum-value-dropped", "`uno(1)`").contains("SMIC-TEST-MIB.txt:148:1: "));
    assert_eq!(lines.len(), 6, "{lines:#?}");
    assert!(compiled.warnings.iter().any(|w| {
        w.report()
            .contains("help: the value travels as the variant of `one`")
    }));

    let names: Vec<&str> = compiled.modules.iter().map(|m| m.module.as_str()).collect();
    assert_eq!(names, ["SMIC-TEST-MIB", "INET-ADDRESS-MIB"]);
    assert!(compiled.files.contains(&mibs.join("SMIC-TEST-MIB.txt")));
    assert_eq!(
        compiled.modules[0].code,
        include_str!(concat!(env!("OUT_DIR"), "/smic_test_mib.rs"))
    );
    // DESCRIPTIONs are fenced longer than any backtick run inside them.
    assert!(
        compiled.modules[0]
            .code
            .contains("    /// `````text\n    /// ```rust\n")
    );

    let quiet = smic::Builder::new()
        .search_path(&mibs)
        .emit_rerun_if_changed(false)
        .allow(smic::Code::DigitInitialLabel)
        .allow(smic::Code::RustNameCollision)
        .allow(smic::Code::RustEnumValueDropped)
        .generate(&["SMIC-TEST-MIB"])
        .unwrap();
    assert!(quiet.warnings.is_empty(), "{:#?}", quiet.warnings);
}

// -------------------------------------------------------------------- enumerations

#[test]
fn enumerations_have_labels_and_keep_unknown_values() {
    assert_eq!(mib::TestLevel::try_from(2), Ok(mib::TestLevel::Medium));
    assert_eq!(mib::TestLevel::try_from(7), Err(7));
    assert_eq!(mib::TestLevel::High.label(), "high");
    assert_eq!(mib::TestLevel::Low.to_string(), "low");
    assert_eq!(
        mib::TestLevel::from_label("medium"),
        Some(mib::TestLevel::Medium)
    );
    assert_eq!(mib::TestLevel::from_label("Medium"), None);
    assert_eq!(<mib::TestLevel as Enumeration>::TYPE_NAME, "testLevel");

    // A value the MIB does not list is kept, not refused.
    let unknown = <mib::TestLevel as ObjectType>::decode(&Value::Integer(7)).unwrap();
    assert_eq!(unknown, Enum::Unknown(7));
    assert_eq!(unknown.known(), None);
    assert_eq!(unknown.to_string(), "7");
    assert_eq!(unknown.to_value(), Value::Integer(7));
    let known = <mib::TestLevel as ObjectType>::decode(&Value::Integer(3)).unwrap();
    assert_eq!(known, mib::TestLevel::High);
    assert_eq!(known.to_string(), "high(3)");
    assert!(matches!(
        <mib::TestLevel as ObjectType>::decode(&Value::Gauge32(3)),
        Err(ValueError::WrongType {
            expected: "testLevel",
            ..
        })
    ));

    // Through a convention.
    let state = <mib::TestState as ObjectType>::decode(&Value::Integer(3)).unwrap();
    assert_eq!(state, Enum::Known(mib::TestStatus::Failed));
    assert_eq!(state.to_string(), "failed(3)");
    assert_eq!(mib::TestStatus::try_from(0), Err(0));
    // An imported convention whose own label is `unknown(0)`, and a value it lacks.
    let addr_type = <mib::TestAddrType as ObjectType>::decode(&Value::Integer(0)).unwrap();
    assert_eq!(addr_type, Enum::Known(inet::InetAddressType::Unknown));
    assert_eq!(
        <mib::TestAddrType as ObjectType>::decode(&Value::Integer(5)),
        Ok(Enum::Unknown(5))
    );
    assert_eq!(inet::InetAddressType::Dns as i32, 16);
}

#[test]
fn awkward_labels_become_rust_variants() {
    // Labels that start with digits (a quirk) keep their MIB spelling as labels.
    assert_eq!(mib::TestDigits::N10baseT.label(), "10baseT");
    assert_eq!(
        mib::TestDigits::from_label("1000baseT"),
        Some(mib::TestDigits::N1000baseT)
    );
    assert_eq!(
        mib::TestDigits::try_from(2),
        Ok(mib::TestDigits::N100baseTX)
    );

    // Labels that are Rust keywords.
    assert_eq!(mib::TestKeywords::Self_.label(), "self");
    assert_eq!(mib::TestKeywords::try_from(1), Ok(mib::TestKeywords::True));
    assert_eq!(mib::TestKeywords::Match as i32, 4);
    assert_eq!(
        mib::TestKeywords::from_label("super"),
        Some(mib::TestKeywords::Super)
    );
    assert_eq!(
        <mib::TestKeywords as Enumeration>::VALUES
            .iter()
            .map(|v| v.1)
            .collect::<Vec<_>>(),
        [
            "true", "false", "self", "match", "type", "async", "crate", "super"
        ]
    );

    // A value named twice keeps its first label; the second is not a variant.
    assert_eq!(
        <mib::TestDuplicates as Enumeration>::VALUES,
        &[(1, "one"), (2, "two")]
    );
    assert_eq!(
        mib::TestDuplicates::try_from(1),
        Ok(mib::TestDuplicates::One)
    );
    assert_eq!(mib::TestDuplicates::from_label("uno"), None);
}

#[test]
fn bits_name_positions_and_keep_unnamed_ones() {
    let flags: BitSet<mib::TestFlags> = [mib::TestFlags::First, mib::TestFlags::Ninth]
        .into_iter()
        .collect();
    assert_eq!(flags.octets(), &[0x80, 0x80]);
    assert!(flags.contains(mib::TestFlags::Ninth) && !flags.contains(mib::TestFlags::Second));
    assert_eq!(flags.to_string(), "80 80 first(0) ninth(8)");
    assert_eq!(
        <mib::TestFlags as ObjectType>::decode(&flags.to_value()),
        Ok(flags.clone())
    );
    assert_eq!(mib::TestFlags::Ninth.position(), 8);
    assert_eq!(
        mib::TestFlags::from_position(1),
        Some(mib::TestFlags::Second)
    );
    assert_eq!(mib::TestFlags::from_position(2), None);

    // Position 7 has no name: kept on the wire, left out of the named flags.
    let odd = <mib::TestFlags as ObjectType>::decode(&Value::OctetString(vec![0x41])).unwrap();
    assert_eq!(odd.iter().collect::<Vec<_>>(), [mib::TestFlags::Second]);
    assert!(odd.contains_position(7));
    assert_eq!(odd.to_value(), Value::OctetString(vec![0x41]));

    // Through a convention.
    let mut caps = BitSet::<mib::TestCapabilities>::new();
    caps.insert(mib::TestCapabilities::Notify);
    caps.insert(mib::TestCapabilities::Read);
    assert_eq!(caps.octets(), &[0x80, 0x40]);
    caps.remove(mib::TestCapabilities::Read);
    assert_eq!(caps.octets(), &[0x00, 0x40]);
    assert_eq!(mib::TestCapabilities::Notify.label(), "notify");
}

// -------------------------------------------------------- conventions and constraints

#[test]
fn conventions_check_their_constraints() {
    assert_eq!(
        mib::Hundredths::new(100_000).map(|h| h.into_inner()),
        Ok(100_000)
    );
    assert!(mib::Hundredths::new(-100_000).is_ok());
    assert!(matches!(
        mib::Hundredths::new(100_001),
        Err(ConstraintError::Range { value: 100_001, .. })
    ));
    assert!(mib::Hundredths::new(-100_001).is_err());
    assert!(matches!(
        mib::FooBar::new(vec![0; 9]),
        Err(ConstraintError::Size { length: 9, .. })
    ));
    assert!(DisplayString::new(vec![b'x'; 255]).is_ok());
    assert!(DisplayString::new(vec![b'x'; 256]).is_err());
    assert!(MacAddress::new(vec![0; 5]).is_err());
    assert!(MacAddress::new(vec![0; 6]).is_ok());
    assert!(inet::InetPortNumber::new(65_535).is_ok());
    assert!(inet::InetPortNumber::new(65_536).is_err());
    assert!(inet::InetAddressIPv4::new(vec![10, 0, 0]).is_err());

    // Wire values go through the same checks.
    assert!(matches!(
        <mib::TestTemperature as ObjectType>::decode(&Value::Integer(200_000)),
        Err(ValueError::Constraint(ConstraintError::Range { .. }))
    ));
    assert_eq!(
        <mib::TestTemperature as ObjectType>::decode(&Value::Integer(-1)).map(|h| h.into_inner()),
        Ok(-1)
    );
}

#[test]
fn objects_check_their_own_refinements() {
    // `testName` is `DisplayString (SIZE (0..32))`: tighter than the convention.
    let name = |n: usize| <mib::TestName as ObjectType>::decode(&Value::OctetString(vec![b'a'; n]));
    assert!(name(32).is_ok());
    assert!(matches!(
        name(33),
        Err(ValueError::Constraint(ConstraintError::Size {
            length: 33,
            ..
        }))
    ));
    // `testMarkup` is `Unsigned32 (0..100 | 200 | 300..400)`.
    let markup = |n: u32| <mib::TestMarkup as ObjectType>::decode(&Value::Gauge32(n));
    assert_eq!(markup(100), Ok(100));
    assert_eq!(markup(200), Ok(200));
    assert_eq!(markup(350), Ok(350));
    assert!(markup(150).is_err());
    assert!(markup(401).is_err());
    assert!(<mib::Type as ObjectType>::decode(&Value::Integer(11)).is_err());
    assert!(<mib::TestIntIndex as ObjectType>::decode(&Value::Integer(0)).is_err());
}

// ------------------------------------------------------------------- DISPLAY-HINT

#[test]
fn display_hints_format_and_parse() {
    // DisplayString, "255a".
    let name = DisplayString::new(b"eth0".to_vec()).unwrap();
    assert_eq!(name.to_string(), "eth0");
    assert_eq!("eth0".parse::<DisplayString>(), Ok(name));
    assert!(matches!(
        "x".repeat(256).parse::<DisplayString>(),
        Err(ParseError::Constraint(ConstraintError::Size {
            length: 256,
            ..
        }))
    ));

    // MacAddress, "1x:": unpadded, as net-snmp prints it; padded input reads too.
    let mac = MacAddress::new(vec![0, 0x1b, 0x21, 0x0a, 0x0b, 0x0c]).unwrap();
    assert_eq!(mac.to_string(), "0:1b:21:a:b:c");
    assert_eq!("0:1b:21:a:b:c".parse::<MacAddress>(), Ok(mac.clone()));
    assert_eq!("00:1B:21:0A:0B:0C".parse::<MacAddress>(), Ok(mac));
    assert!(matches!(
        "0:1b".parse::<MacAddress>(),
        Err(ParseError::Constraint(_))
    ));
    assert!(matches!(
        "0:1b:zz:a:b:c".parse::<MacAddress>(),
        Err(ParseError::Syntax { .. })
    ));
    assert!(matches!(
        "0:100:21:a:b:c".parse::<MacAddress>(),
        Err(ParseError::Syntax { .. })
    ));

    // DateAndTime, "2d-1d-1d,1d:1d:1d.1d,1a1d:1d", with and without the time zone.
    let local = DateAndTime::new(vec![0x07, 0xea, 11, 21, 13, 5, 9, 3]).unwrap();
    assert_eq!(local.to_string(), "2026-11-21,13:5:9.3");
    assert_eq!("2026-11-21,13:5:9.3".parse::<DateAndTime>(), Ok(local));
    let zoned = DateAndTime::new(vec![0x07, 0xea, 11, 21, 13, 5, 9, 3, b'+', 1, 0]).unwrap();
    assert_eq!(zoned.to_string(), "2026-11-21,13:5:9.3,+1:0");
    assert_eq!("2026-11-21,13:5:9.3,+1:0".parse::<DateAndTime>(), Ok(zoned));
    assert!("2026-11-21".parse::<DateAndTime>().is_err());

    // InetAddress has no hint: text when printable, hex otherwise.
    let v4 = inet::InetAddress::new(vec![192, 0, 2, 1]).unwrap();
    assert_eq!(v4.to_string(), "0xc0000201");
    assert_eq!("0xc0000201".parse::<inet::InetAddress>(), Ok(v4));
    let dns = inet::InetAddress::new(b"example.org".to_vec()).unwrap();
    assert_eq!(dns.to_string(), "example.org");
    assert_eq!("example.org".parse::<inet::InetAddress>(), Ok(dns));
    // Its specific conventions have hints.
    let ipv4 = inet::InetAddressIPv4::new(vec![192, 0, 2, 1]).unwrap();
    assert_eq!(ipv4.to_string(), "192.0.2.1");
    assert_eq!("192.0.2.1".parse::<inet::InetAddressIPv4>(), Ok(ipv4));
    let ipv6 = inet::InetAddressIPv6::new(vec![
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
    ])
    .unwrap();
    assert_eq!(ipv6.to_string(), "2001:db8:0:0:0:0:0:1");
    assert_eq!(
        "2001:db8:0:0:0:0:0:1".parse::<inet::InetAddressIPv6>(),
        Ok(ipv6)
    );
    assert!("192.0.2".parse::<inet::InetAddressIPv4>().is_err());

    // The module's own "d-2".
    let show = |n: i32| mib::Hundredths::new(n).unwrap().to_string();
    assert_eq!(show(1234), "12.34");
    assert_eq!(show(-5), "-0.05");
    assert_eq!(show(0), "0.00");
    assert_eq!(show(100_000), "1000.00");
    let read = |text: &str| {
        text.parse::<mib::Hundredths>()
            .map(mib::Hundredths::into_inner)
    };
    assert_eq!(read("12.34"), Ok(1234));
    assert_eq!(read("-0.05"), Ok(-5));
    assert_eq!(read("7"), Ok(700));
    assert_eq!(read("7.5"), Ok(750));
    assert!(matches!(read("12.345"), Err(ParseError::Syntax { .. })));
    assert!(matches!(read("warm"), Err(ParseError::Syntax { .. })));
    assert!(matches!(read("1000.01"), Err(ParseError::Constraint(_))));

    // "1x-".
    let foo = mib::FooBar::new(vec![0xde, 0xad, 0x01]).unwrap();
    assert_eq!(foo.to_string(), "de-ad-1");
    assert_eq!("de-ad-1".parse::<mib::FooBar>(), Ok(foo));
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn hundredths_text_round_trips(n in -100_000i32..=100_000) {
        let value = mib::Hundredths::new(n).unwrap();
        prop_assert_eq!(value.to_string().parse::<mib::Hundredths>(), Ok(value));
    }

    #[test]
    fn mac_address_text_round_trips(bytes in prop::array::uniform6(any::<u8>())) {
        let mac = MacAddress::new(bytes.to_vec()).unwrap();
        let text = mac.to_string();
        prop_assert_eq!(text.split(':').count(), 6);
        prop_assert_eq!(text.parse::<MacAddress>(), Ok(mac));
    }

    #[test]
    fn display_string_text_round_trips(text in prop::collection::vec(0x20u8..0x7f, 0..=255)) {
        let value = DisplayString::new(text.clone()).unwrap();
        let shown = value.to_string();
        prop_assert_eq!(shown.as_bytes(), text.as_slice());
        prop_assert_eq!(shown.parse::<DisplayString>(), Ok(value));
    }

    #[test]
    fn date_and_time_text_round_trips(
        year in any::<u16>(),
        fields in (1u8..=12, 1u8..=31, 0u8..=23, 0u8..=59, 0u8..=60, 0u8..=9),
        zone in prop::option::of((prop::sample::select(vec![b'+', b'-']), 0u8..=13, 0u8..=59)),
    ) {
        let (month, day, hour, minute, second, deci) = fields;
        let mut bytes = year.to_be_bytes().to_vec();
        bytes.extend([month, day, hour, minute, second, deci]);
        if let Some((sign, hours, minutes)) = zone {
            bytes.extend([sign, hours, minutes]);
        }
        let value = DateAndTime::new(bytes).unwrap();
        prop_assert_eq!(value.to_string().parse::<DateAndTime>(), Ok(value));
    }

    #[test]
    fn ipv4_text_round_trips(octets in any::<[u8; 4]>()) {
        let value = inet::InetAddressIPv4::new(octets.to_vec()).unwrap();
        prop_assert_eq!(value.to_string(), Ipv4Addr::from(octets).to_string());
        prop_assert_eq!(value.to_string().parse::<inet::InetAddressIPv4>(), Ok(value));
    }
}

// ------------------------------------------------------------------------- indexes

/// Encodes `index`, checks the arcs, decodes them back, and does the same through a
/// column instance OID and `split_instance`.
fn round_trip<C>(index: &<C::Entry as TableEntry>::Index, arcs: &[u32]) -> Result<(), TestCaseError>
where
    C: Column,
    <C::Entry as TableEntry>::Index: PartialEq + Debug,
{
    prop_assert_eq!(index.to_arcs(), arcs);
    let decoded = <C::Entry as TableEntry>::Index::from_arcs(arcs);
    prop_assert_eq!(decoded.as_ref(), Ok(index));
    let instance = C::instance(index);
    prop_assert_eq!(&instance.arcs()[..C::OID.len()], C::OID.arcs());
    let (column, split) = <C::Entry as TableEntry>::split_instance(&instance).unwrap();
    prop_assert_eq!(column, C::SUB_ID);
    prop_assert_eq!(&split, index);
    // One arc more is left over, unless the last component is IMPLIED and takes it.
    let mut longer = instance.arcs().to_vec();
    longer.push(1);
    let longer = <C::Entry as TableEntry>::split_instance(&Oid::from_vec(longer));
    if <C::Entry as TableEntry>::INDEX.last() == Some(&IndexEncoding::ImpliedString) {
        prop_assert!(longer.is_ok_and(|(_, other)| other != *index));
    } else {
        prop_assert_eq!(longer.map(|_| ()), Err(IndexError::TrailingArcs(1)));
    }
    Ok(())
}

fn octet_arcs(bytes: &[u8]) -> Vec<u32> {
    bytes.iter().map(|&b| u32::from(b)).collect()
}

fn with_length(bytes: &[u8]) -> Vec<u32> {
    let mut arcs = vec![bytes.len() as u32];
    arcs.extend(octet_arcs(bytes));
    arcs
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn integer_index_round_trips(n in 1i32..=i32::MAX) {
        let index = mib::TestIntEntryIndex { test_int_index: n };
        round_trip::<mib::TestIntName>(&index, &[n as u32])?;
        // The row that AUGMENTS it has the same index type and encoding.
        let augmented: mib::TestAugEntryIndex = index.clone();
        round_trip::<mib::TestAugNote>(&augmented, &[n as u32])?;
    }

    #[test]
    fn variable_string_index_round_trips(key in prop::collection::vec(any::<u8>(), 1..=16)) {
        let index = mib::TestStrEntryIndex { test_str_key: key.clone() };
        round_trip::<mib::TestStrValue>(&index, &with_length(&key))?;
    }

    #[test]
    fn fixed_string_index_round_trips(key in prop::array::uniform6(any::<u8>())) {
        let index = mib::TestFixedEntryIndex { test_fixed_key: key.to_vec() };
        round_trip::<mib::TestFixedMac>(&index, &octet_arcs(&key))?;
    }

    #[test]
    fn implied_string_index_round_trips(name in prop::collection::vec(0x21u8..0x7f, 1..=32)) {
        let index = mib::TestImpliedEntryIndex {
            test_implied_name: DisplayString::new(name.clone()).unwrap(),
        };
        round_trip::<mib::TestImpliedValue>(&index, &octet_arcs(&name))?;
    }

    #[test]
    fn oid_index_round_trips(arcs in prop::collection::vec(any::<u32>(), 0..=20)) {
        let index = mib::TestOidEntryIndex { test_oid_key: Oid::from_vec(arcs.clone()) };
        let mut expected = vec![arcs.len() as u32];
        expected.extend(&arcs);
        round_trip::<mib::TestOidValue>(&index, &expected)?;
    }

    #[test]
    fn ip_address_index_round_trips(octets in any::<[u8; 4]>()) {
        let index = mib::TestIpEntryIndex { test_ip_key: Ipv4Addr::from(octets) };
        round_trip::<mib::TestIpValue>(&index, &octet_arcs(&octets))?;
    }

    #[test]
    fn multi_component_index_round_trips(
        addr_type in any::<i32>(),
        addr in prop::collection::vec(any::<u8>(), 0..=20),
        status in 0i32..=5,
        port in 0u32..=65_535,
    ) {
        let index = mib::TestMultiEntryIndex {
            test_multi_addr_type: Enum::from_i32(addr_type),
            test_multi_addr: inet::InetAddress::new(addr.clone()).unwrap(),
            test_multi_status: Enum::from_i32(status),
            test_multi_port: inet::InetPortNumber::new(port).unwrap(),
        };
        let mut expected = vec![addr_type as u32];
        expected.extend(with_length(&addr));
        expected.extend([status as u32, port]);
        round_trip::<mib::TestMultiValue>(&index, &expected)?;
    }

    #[test]
    fn foreign_index_round_trips(row in 1i32..=i32::MAX, seq in 1u32..) {
        let index = mib::TestForeignEntryIndex { test_int_index: row, test_foreign_seq: seq };
        round_trip::<mib::TestForeignValue>(&index, &[row as u32, seq])?;
    }
}

#[test]
fn index_shapes_match_the_mib() {
    use IndexEncoding as E;
    assert_eq!(<mib::TestIntEntry as TableEntry>::INDEX, &[E::Integer]);
    assert_eq!(<mib::TestStrEntry as TableEntry>::INDEX, &[E::String]);
    assert_eq!(
        <mib::TestFixedEntry as TableEntry>::INDEX,
        &[E::FixedString(6)]
    );
    assert_eq!(
        <mib::TestImpliedEntry as TableEntry>::INDEX,
        &[E::ImpliedString]
    );
    assert_eq!(
        <mib::TestOidEntry as TableEntry>::INDEX,
        &[E::ObjectIdentifier]
    );
    assert_eq!(<mib::TestIpEntry as TableEntry>::INDEX, &[E::IpAddress]);
    assert_eq!(
        <mib::TestMultiEntry as TableEntry>::INDEX,
        &[E::Integer, E::String, E::Integer, E::Integer]
    );
    assert_eq!(<mib::TestAugEntry as TableEntry>::INDEX, &[E::Integer]);
    assert_eq!(
        <mib::TestForeignEntry as TableEntry>::INDEX,
        &[E::Integer, E::Integer]
    );
}

#[test]
fn bad_instance_suffixes_are_errors() {
    type Str = mib::TestStrEntryIndex;
    // A length longer than what follows, an octet over 255, leftovers, nothing at all.
    assert_eq!(Str::from_arcs(&[3, 97, 98]), Err(IndexError::Truncated));
    assert_eq!(Str::from_arcs(&[2, 97, 300]), Err(IndexError::BadArc(300)));
    assert_eq!(
        Str::from_arcs(&[1, 97, 98]),
        Err(IndexError::TrailingArcs(1))
    );
    assert_eq!(Str::from_arcs(&[]), Err(IndexError::Truncated));
    assert_eq!(
        mib::TestFixedEntryIndex::from_arcs(&[1, 2, 3, 4, 5]),
        Err(IndexError::Truncated)
    );
    assert_eq!(
        mib::TestIpEntryIndex::from_arcs(&[10, 0, 256, 1]),
        Err(IndexError::BadArc(256))
    );
    // A component's convention is checked: a port over 65535, a DisplayString over 255.
    assert!(matches!(
        mib::TestMultiEntryIndex::from_arcs(&[1, 0, 1, 70_000]),
        Err(IndexError::Constraint(ConstraintError::Range {
            value: 70_000,
            ..
        }))
    ));
    assert!(matches!(
        mib::TestImpliedEntryIndex::from_arcs(&[97; 256]),
        Err(IndexError::Constraint(ConstraintError::Size {
            length: 256,
            ..
        }))
    ));

    type Row = mib::TestIntEntry;
    assert_eq!(
        Row::split_instance(&oid("1.3.6.1.4.1.99999.1.2.1.1.2.7")),
        Ok((2, mib::TestIntEntryIndex { test_int_index: 7 }))
    );
    assert_eq!(
        Row::split_instance(&oid("1.3.6.1.4.1.99999.1.2.2.1.2.7")),
        Err(IndexError::NotUnder)
    );
    assert_eq!(
        Row::split_instance(&oid("1.3.6.1.4.1.99999.1.2.1.1")),
        Err(IndexError::Truncated)
    );
    assert_eq!(
        Row::split_instance(&oid("1.3.6.1.4.1.99999.1.2.1.1.2")),
        Err(IndexError::Truncated)
    );
}

// ------------------------------------------------------------ rows and notifications

#[test]
fn rows_store_and_return_columns() {
    let index = mib::TestIntEntryIndex { test_int_index: 7 };
    let mut row = mib::TestIntEntry::new(index.clone());
    assert_eq!(row.index(), &index);
    assert_eq!(row.column(2), None);
    assert_eq!(
        row.set_column(2, &Value::OctetString(b"uplink".to_vec())),
        Ok(true)
    );
    assert_eq!(
        row.test_int_name,
        Some(DisplayString::new(b"uplink".to_vec()).unwrap())
    );
    assert_eq!(row.column(2), Some(Value::OctetString(b"uplink".to_vec())));
    assert_eq!(row.set_column(3, &Value::Integer(9)), Ok(true));
    assert_eq!(row.test_int_level, Some(Enum::Unknown(9)));
    assert_eq!(row.set_column(9, &Value::Integer(4)), Ok(true));
    assert_eq!(
        row.test_int_status,
        Some(Enum::Known(RowStatus::CreateAndGo))
    );
    assert_eq!(row.column(9), Some(Value::Integer(4)));

    // Wrong type, broken constraint: refused, and the field is left alone.
    assert!(matches!(
        row.set_column(3, &Value::Gauge32(1)),
        Err(ValueError::WrongType { .. })
    ));
    assert_eq!(row.test_int_level, Some(Enum::Unknown(9)));
    assert!(matches!(
        row.set_column(4, &Value::Integer(11)),
        Err(ValueError::Constraint(_))
    ));
    assert_eq!(row.type_, None);
    // The index column is not accessible, so it is no field; nor is an unknown column.
    assert_eq!(row.set_column(1, &Value::Integer(7)), Ok(false));
    assert_eq!(row.set_column(99, &Value::Integer(7)), Ok(false));
    assert_eq!(row.column(1), None);
    assert_eq!(
        <mib::TestIntEntry as TableEntry>::COLUMNS
            .iter()
            .map(|c| c.0)
            .collect::<Vec<_>>(),
        [2, 3, 4, 5, 6, 7, 8, 9]
    );

    // A walk fills a row from (OID, value) pairs.
    let mut rows: Vec<mib::TestForeignEntry> = Vec::new();
    for (text, value) in [
        ("1.3.6.1.4.1.99999.1.2.9.1.2.7.1", [10, 0, 0, 1]),
        ("1.3.6.1.4.1.99999.1.2.9.1.2.7.2", [10, 0, 0, 2]),
    ] {
        let (column, index) = mib::TestForeignEntry::split_instance(&oid(text)).unwrap();
        let mut row = mib::TestForeignEntry::new(index);
        assert_eq!(row.set_column(column, &Value::IpAddress(value)), Ok(true));
        rows.push(row);
    }
    assert_eq!(rows[1].index.test_foreign_seq, 2);
    assert_eq!(rows[1].test_foreign_value, Some(Ipv4Addr::new(10, 0, 0, 2)));
}

#[test]
fn notifications_build_their_varbinds() {
    assert_eq!(
        <mib::TestEvent as Notification>::OBJECTS,
        &[
            <mib::TestName as ObjectType>::OID,
            <mib::TestLevel as ObjectType>::OID,
            <mib::TestIntName as ObjectType>::OID,
        ]
    );
    let event = mib::TestEvent {
        test_name: DisplayString::new(b"core-1".to_vec()).unwrap(),
        test_level: Enum::Known(mib::TestLevel::High),
        test_int_name: (
            mib::TestIntEntryIndex { test_int_index: 5 },
            DisplayString::new(b"uplink".to_vec()).unwrap(),
        ),
    };
    assert_eq!(
        event.varbinds(),
        [
            (
                oid("1.3.6.1.4.1.99999.1.1.1.0"),
                Value::OctetString(b"core-1".to_vec())
            ),
            (oid("1.3.6.1.4.1.99999.1.1.7.0"), Value::Integer(3)),
            (
                oid("1.3.6.1.4.1.99999.1.2.1.1.2.5"),
                Value::OctetString(b"uplink".to_vec())
            ),
        ]
    );
}

// ------------------------------------------------------------------------ registry

fn registry() -> Registry {
    let mut registry = Registry::new();
    smic_smi::snmpv2_smi::register(&mut registry);
    smic_smi::snmpv2_tc::register(&mut registry);
    inet::register(&mut registry);
    mib::register(&mut registry);
    registry
}

#[test]
fn registry_names_instances() {
    let registry = registry();
    assert!(registry.modules().contains(&"SMIC-TEST-MIB"));
    let name = |text: &str| registry.name_of(&oid(text));
    assert_eq!(name("1.3.6.1.4.1.99999"), "SMIC-TEST-MIB::smicTestMIB");
    assert_eq!(
        name("1.3.6.1.4.1.99999.1.1.1.0"),
        "SMIC-TEST-MIB::testName.0"
    );
    assert_eq!(name("1.3.6.1.4.1.99999.0.1"), "SMIC-TEST-MIB::testEvent");
    assert_eq!(
        name("1.3.6.1.4.1.99999.1.2.1.1.4.7"),
        "SMIC-TEST-MIB::type.7"
    );
    assert_eq!(
        name("1.3.6.1.4.1.99999.1.2.2.1.2.3.97.98.99"),
        "SMIC-TEST-MIB::testStrValue.\"abc\""
    );
    assert_eq!(
        name("1.3.6.1.4.1.99999.1.2.3.1.2.0.27.33.10.11.12"),
        "SMIC-TEST-MIB::testFixedMac.0x001b210a0b0c"
    );
    assert_eq!(
        name("1.3.6.1.4.1.99999.1.2.4.1.2.101.116.104.48"),
        "SMIC-TEST-MIB::testImpliedValue.\"eth0\""
    );
    assert_eq!(
        name("1.3.6.1.4.1.99999.1.2.5.1.2.3.1.3.6"),
        "SMIC-TEST-MIB::testOidValue.1.3.6"
    );
    assert_eq!(
        name("1.3.6.1.4.1.99999.1.2.6.1.2.10.0.0.1"),
        "SMIC-TEST-MIB::testIpValue.10.0.0.1"
    );
    assert_eq!(
        name("1.3.6.1.4.1.99999.1.2.7.1.5.1.4.192.0.2.1.2.161"),
        "SMIC-TEST-MIB::testMultiValue.1.0xc0000201.2.161"
    );
    assert_eq!(
        name("1.3.6.1.4.1.99999.1.2.8.1.2.7"),
        "SMIC-TEST-MIB::testAugNote.7"
    );
    assert_eq!(
        name("1.3.6.1.4.1.99999.1.2.9.1.2.7.3"),
        "SMIC-TEST-MIB::testForeignValue.7.3"
    );
    // A suffix that does not fit the index stays numeric.
    assert_eq!(
        name("1.3.6.1.4.1.99999.1.2.2.1.2.5.97"),
        "SMIC-TEST-MIB::testStrValue.5.97"
    );

    let self_column = registry.get("SMIC-TEST-MIB::self").unwrap();
    assert_eq!(self_column.kind, Kind::Column);
    assert_eq!(self_column.syntax.map(|s| s.type_name), Some("Hundredths"));
    assert_eq!(registry.get("fooBar").map(|i| i.kind), Some(Kind::Scalar));
    assert_eq!(
        registry.get("collideMib").map(|i| i.oid),
        Some(mib::COLLIDE_MIB_OID)
    );
    assert_eq!(
        registry.get("testAugEntry").map(|i| i.kind),
        Some(Kind::Row)
    );
    assert_eq!(
        registry.get("testIntTable").map(|i| i.kind),
        Some(Kind::Table)
    );
    assert_eq!(
        registry.get("smicTestCompliance").map(|i| i.kind),
        Some(Kind::Conformance)
    );
    assert_eq!(
        mib::OBJECTS
            .windows(2)
            .filter(|w| w[0].oid > w[1].oid)
            .count(),
        0
    );
}

#[test]
fn registry_formats_values_through_the_mib() {
    let registry = registry();
    let show = |text: &str, value: Value| registry.format_value(&oid(text), &value);
    assert_eq!(
        show("1.3.6.1.4.1.99999.1.1.6.0", Value::Integer(1234)),
        "INTEGER: 12.34 degrees Celsius <C> [SI]"
    );
    assert_eq!(
        show("1.3.6.1.4.1.99999.1.1.7.0", Value::Integer(2)),
        "INTEGER: medium(2)"
    );
    assert_eq!(
        show("1.3.6.1.4.1.99999.1.1.7.0", Value::Integer(7)),
        "INTEGER: 7"
    );
    assert_eq!(
        show("1.3.6.1.4.1.99999.1.1.11.0", Value::Integer(3)),
        "INTEGER: self(3)"
    );
    assert_eq!(
        show("1.3.6.1.4.1.99999.1.1.9.0", Value::Integer(1)),
        "INTEGER: 10baseT(1)"
    );
    assert_eq!(
        show(
            "1.3.6.1.4.1.99999.1.1.2.0",
            Value::OctetString(vec![0, 0x1b, 0x21, 0xa, 0xb, 0xc])
        ),
        "STRING: 0:1b:21:a:b:c"
    );
    assert_eq!(
        show(
            "1.3.6.1.4.1.99999.1.1.3.0",
            Value::OctetString(vec![0x07, 0xea, 11, 21, 13, 5, 9, 3])
        ),
        "STRING: 2026-11-21,13:5:9.3"
    );
    assert_eq!(
        show(
            "1.3.6.1.4.1.99999.1.1.8.0",
            Value::OctetString(vec![0xc0, 0x80])
        ),
        "BITS: C0 80 first(0) second(1) ninth(8)"
    );
    assert_eq!(
        show(
            "1.3.6.1.4.1.99999.1.1.13.0",
            Value::OctetString(vec![0x00, 0x40])
        ),
        "BITS: 00 40 notify(9)"
    );
    assert_eq!(
        show("1.3.6.1.4.1.99999.1.2.1.1.3.7", Value::Integer(3)),
        "INTEGER: failed(3)"
    );
    assert_eq!(
        show("1.3.6.1.4.1.99999.1.1.4.0", Value::Integer(16)),
        "INTEGER: dns(16)"
    );
    assert_eq!(
        registry.format_varbind(&oid("1.3.6.1.4.1.99999.1.2.1.1.6.7"), &Value::Integer(-250)),
        "SMIC-TEST-MIB::self.7 = INTEGER: -2.50"
    );
}
