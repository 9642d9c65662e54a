//! The JSON documents of `smic compile --format json`: every shipped module's document
//! validates against `schema/smic-module.schema.json`, output is deterministic and leaks
//! no paths, and a few facts hold by value.
//!
//! The schema is checked by a small validator written here (no new dependencies). It
//! supports exactly the keywords the schema uses and refuses any other, so the schema
//! cannot silently say more than is tested.
#![allow(clippy::unwrap_used)]

use std::cmp::Ordering;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::{Value, json};
use smic::emit::json as emit;

// ----------------------------------------------------------------------------------------
// Loading and rendering.

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// One module's document: its name, the JSON value and its text as `smic compile` writes it.
struct Document {
    module: String,
    value: Value,
    text: String,
}

/// Loads every shipped module (all of `mibs/` as targets) and renders every target.
fn render_all() -> Vec<Document> {
    let mut loader = smic::resolve::Loader::new();
    loader.target_path(repo_root().join("mibs").as_path());
    let loaded = loader.load(&smic::Policy::default());
    assert!(
        loaded.targets.len() > 400,
        "expected the shipped modules as targets, got {}",
        loaded.targets.len()
    );
    loaded
        .targets
        .iter()
        .map(|module| {
            let id = loaded
                .model
                .module_id(module)
                .unwrap_or_else(|| panic!("target {module} is not in the model"));
            let value = emit::module(&loaded.model, id);
            let text = emit::to_string(&value);
            Document {
                module: module.clone(),
                value,
                text,
            }
        })
        .collect()
}

/// The documents of one load, shared by the tests that only read them.
fn documents() -> &'static [Document] {
    static DOCUMENTS: OnceLock<Vec<Document>> = OnceLock::new();
    DOCUMENTS.get_or_init(render_all)
}

fn document(module: &str) -> &'static Value {
    &documents()
        .iter()
        .find(|d| d.module == module)
        .unwrap_or_else(|| panic!("no document for {module}"))
        .value
}

fn node<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["name"] == name)
        .unwrap_or_else(|| panic!("no node {name} in {}", doc["name"]))
}

fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let path = repo_root().join("schema/smic-module.schema.json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    })
}

// ----------------------------------------------------------------------------------------
// A minimal JSON Schema (2020-12) validator.

/// Keywords that only document and never constrain.
const ANNOTATIONS: [&str; 5] = ["$schema", "$id", "$defs", "title", "description"];

/// Keywords the validator enforces.
const ASSERTIONS: [&str; 13] = [
    "$ref",
    "type",
    "const",
    "enum",
    "pattern",
    "minimum",
    "maximum",
    "required",
    "additionalProperties",
    "properties",
    "items",
    "anyOf",
    "oneOf",
];

/// The patterns the schema may use, each with a hand-written equivalent.
fn pattern_check(pattern: &str) -> Option<fn(&str) -> bool> {
    fn digits(s: &str) -> bool {
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
    }
    fn dotted(s: &str) -> bool {
        s.split('.').all(digits)
    }
    Some(match pattern {
        // A decimal integer.
        "^-?[0-9]+$" => |s| digits(s.strip_prefix('-').unwrap_or(s)),
        // A dotted-decimal OID.
        r"^[0-9]+(\.[0-9]+)*$" => dotted,
        // A dotted-decimal OID or nothing.
        r"^([0-9]+(\.[0-9]+)*)?$" => |s| s.is_empty() || dotted(s),
        // Lowercase hex octets.
        "^([0-9a-f]{2})*$" => {
            |s| s.len() % 2 == 0 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        }
        // MODULE::name.
        "^[^:]+::[^:]+$" => |s| {
            s.split_once("::")
                .is_some_and(|(m, n)| [m, n].iter().all(|p| !p.is_empty() && !p.contains(':')))
        },
        _ => return None,
    })
}

/// Validates documents against a schema, reporting the JSON path of the first violation.
struct Validator<'a> {
    root: &'a Value,
}

impl<'a> Validator<'a> {
    fn new(root: &'a Value) -> Self {
        Validator { root }
    }

    /// `Err("$.nodes[3].kind: ...")` for the first violation found.
    fn validate(&self, value: &Value) -> Result<(), String> {
        self.check(self.root, value, "$")
    }

    fn resolve(&self, reference: &str) -> &'a Value {
        let name = reference
            .strip_prefix("#/$defs/")
            .unwrap_or_else(|| panic!("unsupported $ref {reference}"));
        self.root["$defs"]
            .get(name)
            .unwrap_or_else(|| panic!("dangling $ref {reference}"))
    }

    fn check(&self, schema: &'a Value, value: &Value, path: &str) -> Result<(), String> {
        let schema = schema
            .as_object()
            .unwrap_or_else(|| panic!("schema at {path} is not an object"));
        for keyword in schema.keys() {
            assert!(
                ASSERTIONS.contains(&keyword.as_str()) || ANNOTATIONS.contains(&keyword.as_str()),
                "the validator does not support keyword {keyword}"
            );
        }
        if let Some(reference) = schema.get("$ref") {
            self.check(self.resolve(reference.as_str().unwrap()), value, path)?;
        }
        if let Some(types) = schema.get("type") {
            let allowed: Vec<&str> = match types {
                Value::String(t) => vec![t.as_str()],
                Value::Array(ts) => ts.iter().map(|t| t.as_str().unwrap()).collect(),
                _ => panic!("bad type keyword {types}"),
            };
            if !allowed.iter().any(|t| has_type(value, t)) {
                return Err(format!(
                    "{path}: expected {}, found {}",
                    allowed.join(" or "),
                    short(value)
                ));
            }
        }
        if let Some(expected) = schema.get("const") {
            if value != expected {
                return Err(format!(
                    "{path}: expected {expected}, found {}",
                    short(value)
                ));
            }
        }
        if let Some(options) = schema.get("enum") {
            if !options.as_array().unwrap().contains(value) {
                return Err(format!("{path}: {} is not one of {options}", short(value)));
            }
        }
        if let (Some(pattern), Value::String(text)) = (schema.get("pattern"), value) {
            let pattern = pattern.as_str().unwrap();
            let matches = pattern_check(pattern)
                .unwrap_or_else(|| panic!("no hand-written check for pattern {pattern}"));
            if !matches(text) {
                return Err(format!("{path}: {text:?} does not match {pattern}"));
            }
        }
        if let (Some(minimum), Value::Number(_)) = (schema.get("minimum"), value) {
            if compare(value, minimum) == Ordering::Less {
                return Err(format!("{path}: {value} is below the minimum {minimum}"));
            }
        }
        if let (Some(maximum), Value::Number(_)) = (schema.get("maximum"), value) {
            if compare(value, maximum) == Ordering::Greater {
                return Err(format!("{path}: {value} is above the maximum {maximum}"));
            }
        }
        if let Value::Object(object) = value {
            if let Some(required) = schema.get("required") {
                for key in required.as_array().unwrap() {
                    let key = key.as_str().unwrap();
                    if !object.contains_key(key) {
                        return Err(format!("{path}: missing required property {key:?}"));
                    }
                }
            }
            let properties = schema.get("properties").and_then(Value::as_object);
            match schema.get("additionalProperties") {
                None => {}
                Some(Value::Bool(false)) => {
                    for key in object.keys() {
                        if !properties.is_some_and(|p| p.contains_key(key)) {
                            return Err(format!(
                                "{path}.{key}: property not allowed by the schema"
                            ));
                        }
                    }
                }
                Some(other) => panic!("unsupported additionalProperties {other}"),
            }
            for (key, item) in object {
                if let Some(property) = properties.and_then(|p| p.get(key)) {
                    self.check(property, item, &format!("{path}.{key}"))?;
                }
            }
        }
        if let (Some(items), Value::Array(array)) = (schema.get("items"), value) {
            for (i, item) in array.iter().enumerate() {
                self.check(items, item, &format!("{path}[{i}]"))?;
            }
        }
        if let Some(alternatives) = schema.get("anyOf") {
            let errors = self.alternatives(alternatives, value, path);
            if errors.iter().all(Result::is_err) {
                return Err(format!(
                    "{path}: matches none of anyOf: {}",
                    failures(&errors)
                ));
            }
        }
        if let Some(alternatives) = schema.get("oneOf") {
            let errors = self.alternatives(alternatives, value, path);
            match errors.iter().filter(|r| r.is_ok()).count() {
                1 => {}
                0 => {
                    return Err(format!(
                        "{path}: matches none of oneOf: {}",
                        failures(&errors)
                    ));
                }
                n => {
                    return Err(format!(
                        "{path}: matches {n} alternatives of oneOf, not one"
                    ));
                }
            }
        }
        Ok(())
    }

    fn alternatives(
        &self,
        alternatives: &'a Value,
        value: &Value,
        path: &str,
    ) -> Vec<Result<(), String>> {
        alternatives
            .as_array()
            .unwrap()
            .iter()
            .map(|alternative| self.check(alternative, value, path))
            .collect()
    }
}

fn failures(results: &[Result<(), String>]) -> String {
    let errors: Vec<&str> = results
        .iter()
        .filter_map(|r| r.as_ref().err().map(String::as_str))
        .collect();
    format!("[{}]", errors.join("; "))
}

fn has_type(value: &Value, ty: &str) -> bool {
    match ty {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        _ => panic!("unknown type {ty}"),
    }
}

/// Numbers compared exactly when both are integers.
fn compare(a: &Value, b: &Value) -> Ordering {
    let int = |v: &Value| {
        v.as_i64()
            .map(i128::from)
            .or_else(|| v.as_u64().map(i128::from))
    };
    match (int(a), int(b)) {
        (Some(a), Some(b)) => a.cmp(&b),
        _ => {
            let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
            a.partial_cmp(&b).unwrap_or(Ordering::Equal)
        }
    }
}

/// A value for an error message, cut short.
fn short(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(80) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text,
    }
}

// ----------------------------------------------------------------------------------------
// The schema itself.

/// Walks every subschema: only supported keywords, known patterns, resolvable references;
/// every object schema closed and every property documented.
fn audit(root: &Value, schema: &Value, at: &str, problems: &mut Vec<String>) {
    let Some(object) = schema.as_object() else {
        problems.push(format!("{at}: a schema must be an object"));
        return;
    };
    for keyword in object.keys() {
        if !ASSERTIONS.contains(&keyword.as_str()) && !ANNOTATIONS.contains(&keyword.as_str()) {
            problems.push(format!("{at}: unsupported keyword {keyword}"));
        }
    }
    if let Some(pattern) = object.get("pattern").and_then(Value::as_str) {
        if pattern_check(pattern).is_none() {
            problems.push(format!("{at}: no hand-written check for pattern {pattern}"));
        }
    }
    if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
        let name = reference.strip_prefix("#/$defs/");
        if name.is_none_or(|name| root["$defs"].get(name).is_none()) {
            problems.push(format!("{at}: unresolvable $ref {reference}"));
        }
    }
    if object.get("type") == Some(&json!("object")) {
        let properties = object.get("properties").and_then(Value::as_object);
        match properties {
            None => problems.push(format!("{at}: object schema without properties")),
            Some(properties) => {
                for (name, property) in properties {
                    if property
                        .get("description")
                        .and_then(Value::as_str)
                        .is_none()
                    {
                        problems.push(format!("{at}.properties.{name}: no description"));
                    }
                }
                for key in object
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if !key.as_str().is_some_and(|k| properties.contains_key(k)) {
                        problems.push(format!("{at}: required {key} is not a property"));
                    }
                }
            }
        }
        if !object.contains_key("required") {
            problems.push(format!("{at}: object schema without required"));
        }
        if object.get("additionalProperties") != Some(&Value::Bool(false)) {
            problems.push(format!("{at}: object schema not closed"));
        }
    }
    for (name, sub) in object
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        audit(root, sub, &format!("{at}.properties.{name}"), problems);
    }
    for (name, sub) in object
        .get("$defs")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        audit(root, sub, &format!("{at}.$defs.{name}"), problems);
    }
    if let Some(items) = object.get("items") {
        audit(root, items, &format!("{at}.items"), problems);
    }
    for keyword in ["anyOf", "oneOf"] {
        for (i, sub) in object
            .get(keyword)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            audit(root, sub, &format!("{at}.{keyword}[{i}]"), problems);
        }
    }
}

#[test]
fn schema_is_closed_documented_and_within_the_validator() {
    let schema = schema();
    let mut problems = Vec::new();
    audit(schema, schema, "#", &mut problems);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(
        schema["properties"]["schema"]["const"],
        emit::SCHEMA_VERSION
    );
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
}

// ----------------------------------------------------------------------------------------
// The documents against the schema.

#[test]
fn every_shipped_module_matches_the_schema() {
    let validator = Validator::new(schema());
    let failures: Vec<String> = documents()
        .iter()
        .filter_map(|d| {
            validator
                .validate(&d.value)
                .err()
                .map(|e| format!("{}: {e}", d.module))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} documents violate the schema:\n{}",
        failures.len(),
        documents().len(),
        failures.join("\n")
    );
}

#[test]
fn the_validator_rejects_what_the_schema_forbids() {
    let validator = Validator::new(schema());
    let valid = document("IF-MIB");
    assert_eq!(validator.validate(valid), Ok(()));

    let mut extra = valid.clone();
    extra["nodes"][0]["colour"] = json!("blue");
    assert_eq!(
        validator.validate(&extra),
        Err("$.nodes[0].colour: property not allowed by the schema".to_string())
    );

    let mut extra_top = valid.clone();
    extra_top["generated_at"] = json!("today");
    let err = validator.validate(&extra_top).unwrap_err();
    assert!(err.starts_with("$.generated_at: "), "{err}");

    let mut missing = valid.clone();
    missing["nodes"][1].as_object_mut().unwrap().remove("kind");
    assert_eq!(
        validator.validate(&missing),
        Err("$.nodes[1]: missing required property \"kind\"".to_string())
    );

    let mut missing_top = valid.clone();
    missing_top.as_object_mut().unwrap().remove("identity");
    let err = validator.validate(&missing_top).unwrap_err();
    assert_eq!(err, "$: missing required property \"identity\"");

    let mut wrong_enum = valid.clone();
    wrong_enum["nodes"][0]["kind"] = json!("object");
    let err = validator.validate(&wrong_enum).unwrap_err();
    assert!(err.starts_with("$.nodes[0].kind: "), "{err}");

    let mut wrong_version = valid.clone();
    wrong_version["schema"] = json!("smic-module/2");
    let err = validator.validate(&wrong_version).unwrap_err();
    assert!(err.starts_with("$.schema: "), "{err}");

    // Bounds: integers, or decimal strings; nothing else.
    let descr = valid["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .position(|n| n["name"] == "ifDescr")
        .unwrap();
    let mut big = valid.clone();
    big["nodes"][descr]["syntax"]["sizes"][0]["max"] = json!("18446744073709551615");
    assert_eq!(validator.validate(&big), Ok(()));
    let mut float = valid.clone();
    float["nodes"][descr]["syntax"]["sizes"][0]["max"] = json!(2.5);
    let err = validator.validate(&float).unwrap_err();
    assert!(
        err.starts_with(&format!("$.nodes[{descr}].syntax.sizes[0].max: ")),
        "{err}"
    );
    let mut junk = valid.clone();
    junk["nodes"][descr]["syntax"]["sizes"][0]["max"] = json!("255x");
    assert!(validator.validate(&junk).is_err());

    // A defval's value must fit its kind.
    let mut defval = valid.clone();
    defval["nodes"][descr]["defval"] = json!({ "kind": "integer", "value": 12 });
    assert_eq!(validator.validate(&defval), Ok(()));
    defval["nodes"][descr]["defval"] = json!({ "kind": "integer", "value": "twelve" });
    let err = validator.validate(&defval).unwrap_err();
    assert!(
        err.starts_with(&format!("$.nodes[{descr}].defval")) && err.contains("\"twelve\""),
        "{err}"
    );
    defval["nodes"][descr]["defval"] = json!({ "kind": "bits", "value": "a" });
    assert!(validator.validate(&defval).is_err());
}

// ----------------------------------------------------------------------------------------
// Determinism and paths.

#[test]
fn output_is_deterministic_and_leaks_no_paths() {
    let first = documents();
    let second = render_all();
    assert_eq!(first.len(), second.len());
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a.module, b.module, "targets in a different order");
        assert!(
            a.text == b.text,
            "{}: two loads render different documents",
            a.module
        );
    }

    let root = repo_root();
    let mut leaks: Vec<String> = vec![
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap()
            .display()
            .to_string(),
    ];
    if let Ok(canonical) = root.canonicalize() {
        leaks.push(canonical.display().to_string());
    }
    for doc in first {
        for leak in &leaks {
            assert!(
                !doc.text.contains(leak.as_str()),
                "{}: the document contains the path {leak}",
                doc.module
            );
        }
        assert!(
            !doc.text.contains("<builtin>"),
            "{}: the document contains a built-in path",
            doc.module
        );
        assert!(doc.text.ends_with("}\n"), "{}", doc.module);
    }
}

// ----------------------------------------------------------------------------------------
// Facts by value.

#[test]
fn if_mib_facts() {
    let doc = document("IF-MIB");
    assert_eq!(doc["schema"], "smic-module/1");
    assert_eq!(doc["name"], "IF-MIB");
    assert_eq!(doc["language"], "smiv2");
    assert_eq!(doc["identity"], "ifMIB");

    let descr = node(doc, "ifDescr");
    assert_eq!(descr["oid"], "1.3.6.1.2.1.2.2.1.2");
    assert_eq!(descr["kind"], "column");
    assert_eq!(descr["access"], "read-only");
    assert_eq!(descr["syntax"]["type"], "SNMPv2-TC::DisplayString");
    assert_eq!(descr["syntax"]["base"], "OCTET STRING");
    assert_eq!(descr["syntax"]["sizes"], json!([{ "min": 0, "max": 255 }]));

    let entry = node(doc, "ifEntry");
    assert_eq!(entry["kind"], "row");
    assert_eq!(
        entry["index"],
        json!([{
            "name": "ifIndex",
            "object": "IF-MIB::ifIndex",
            "encoding": "integer",
            "implied": false,
        }])
    );

    let x_entry = node(doc, "ifXEntry");
    assert_eq!(x_entry["augments"], "IF-MIB::ifEntry");

    let admin = node(doc, "ifAdminStatus");
    assert_eq!(admin["syntax"]["base"], "Integer32");
    assert_eq!(
        admin["syntax"]["values"],
        json!([
            { "label": "up", "value": 1 },
            { "label": "down", "value": 2 },
            { "label": "testing", "value": 3 },
        ])
    );
}

#[test]
fn snmpv2_mib_facts() {
    let doc = document("SNMPv2-MIB");
    let cold_start = node(doc, "coldStart");
    assert_eq!(cold_start["kind"], "notification");
    assert_eq!(cold_start["oid"], "1.3.6.1.6.3.1.1.5.1");
    assert_eq!(doc["nodes"][2]["name"], "system");
}
