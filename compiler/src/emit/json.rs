//! One JSON document per module, following `schema/smic-module.schema.json`.
//!
//! Deterministic by construction: fields in a fixed order, nodes and types in source
//! order, no timestamps, hosts or paths. Textual conventions are expanded: every
//! syntax carries its base type and effective constraints next to the convention's name.

use serde_json::{Map, Value, json};

use crate::model::{DefVal, IndexComponent, Model, ModuleId, Node, Syntax, TypeDef};

/// The schema version written into every document (`"schema"`); bumped on any change
/// that is not a pure addition.
pub const SCHEMA_VERSION: &str = "smic-module/1";

/// The JSON document of one module.
///
/// ```
/// let mut loader = smic::resolve::Loader::new();
/// loader.target_module("SNMPv2-MIB");
/// let loaded = loader.load(&smic::Policy::default());
/// let module = loaded.model.module_id("SNMPv2-MIB").unwrap();
/// let doc = smic::emit::json::module(&loaded.model, module);
/// assert_eq!(doc["schema"], "smic-module/1");
/// assert_eq!(doc["nodes"][2]["name"], "system");
/// ```
pub fn module(model: &Model, id: ModuleId) -> Value {
    let module = model.module(id);
    let imports: Vec<Value> = module
        .imports
        .iter()
        .map(|(from, symbols)| json!({ "module": from, "symbols": symbols }))
        .collect();
    let revisions: Vec<Value> = module
        .revisions
        .iter()
        .map(|(date, description)| json!({ "date": date, "description": description }))
        .collect();
    let types: Vec<Value> = module
        .types
        .iter()
        .map(|&t| type_def(model, model.ty(t)))
        .collect();
    let nodes: Vec<Value> = module
        .nodes
        .iter()
        .map(|&n| node(model, model.node(n)))
        .collect();
    json!({
        "schema": SCHEMA_VERSION,
        "name": module.name,
        "language": module.language,
        "identity": module.identity.map(|n| model.node(n).name.clone()),
        "last_updated": module.last_updated,
        "organization": module.organization,
        "contact_info": module.contact_info,
        "description": module.description,
        "revisions": revisions,
        "imports": imports,
        "types": types,
        "nodes": nodes,
    })
}

/// Pretty-printed, with a final newline.
pub fn to_string(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

fn type_def(model: &Model, ty: &TypeDef) -> Value {
    let mut out = Map::new();
    out.insert("name".into(), json!(ty.name));
    out.insert("textual_convention".into(), json!(ty.textual_convention));
    out.insert("syntax".into(), syntax(model, &ty.syntax));
    insert_opt(&mut out, "display_hint", ty.display_hint.as_ref());
    insert_opt(&mut out, "status", ty.status.map(|s| s.as_str()));
    insert_opt(&mut out, "description", ty.description.as_ref());
    insert_opt(&mut out, "reference", ty.reference.as_ref());
    Value::Object(out)
}

fn node(model: &Model, node: &Node) -> Value {
    let mut out = Map::new();
    out.insert("name".into(), json!(node.name));
    out.insert(
        "oid".into(),
        if node.oid.is_empty() {
            Value::Null
        } else {
            json!(node.oid.to_string())
        },
    );
    out.insert("kind".into(), json!(node.kind.as_str()));
    if node.implicit {
        out.insert("implicit".into(), json!(true));
    }
    if let Some(s) = &node.syntax {
        out.insert("syntax".into(), syntax(model, s));
    }
    insert_opt(&mut out, "access", node.access.map(|a| a.as_str()));
    insert_opt(&mut out, "status", node.status.map(|s| s.as_str()));
    insert_opt(&mut out, "units", node.units.as_ref());
    insert_opt(&mut out, "description", node.description.as_ref());
    insert_opt(&mut out, "reference", node.reference.as_ref());
    if !node.index.is_empty() {
        out.insert(
            "index".into(),
            Value::Array(node.index.iter().map(|c| index(model, c)).collect()),
        );
    }
    insert_opt(
        &mut out,
        "augments",
        node.augments.map(|a| model.qualified_name(a)),
    );
    if let Some(defval) = &node.defval {
        out.insert("defval".into(), self::defval(defval));
    }
    if !node.members.is_empty() {
        let members: Vec<String> = node
            .members
            .iter()
            .map(|&m| model.qualified_name(m))
            .collect();
        out.insert("members".into(), json!(members));
    }
    Value::Object(out)
}

fn syntax(model: &Model, syntax: &Syntax) -> Value {
    let mut out = Map::new();
    out.insert("base".into(), json!(syntax.base.as_str()));
    if let Some(ty) = syntax.named {
        let ty = model.ty(ty);
        out.insert(
            "type".into(),
            json!(format!("{}::{}", model.module(ty.module).name, ty.name)),
        );
        insert_opt(&mut out, "display_hint", ty.display_hint.as_ref());
    }
    let bounds = |b: &[crate::model::Bounds]| -> Vec<Value> {
        b.iter()
            .map(|b| json!({ "min": number(b.min), "max": number(b.max) }))
            .collect()
    };
    if !syntax.ranges.is_empty() {
        out.insert("ranges".into(), Value::Array(bounds(&syntax.ranges)));
    }
    if !syntax.sizes.is_empty() {
        out.insert("sizes".into(), Value::Array(bounds(&syntax.sizes)));
    }
    if !syntax.values.is_empty() {
        let values: Vec<Value> = syntax
            .values
            .iter()
            .map(|v| json!({ "label": v.label, "value": v.value }))
            .collect();
        out.insert("values".into(), Value::Array(values));
    }
    insert_opt(&mut out, "entry", syntax.entry.as_ref());
    Value::Object(out)
}

fn index(model: &Model, component: &IndexComponent) -> Value {
    let mut out = Map::new();
    out.insert("name".into(), json!(component.name));
    insert_opt(
        &mut out,
        "object",
        component.object.map(|o| model.qualified_name(o)),
    );
    out.insert("implied".into(), json!(component.implied));
    let encoding = serde_json::to_value(component.encoding).unwrap_or(Value::Null);
    out.insert(
        "encoding".into(),
        encoding.get("encoding").cloned().unwrap_or(Value::Null),
    );
    if let Some(length) = encoding.get("length") {
        out.insert("length".into(), length.clone());
    }
    Value::Object(out)
}

fn defval(defval: &DefVal) -> Value {
    match defval {
        DefVal::Integer(n) => json!({ "kind": "integer", "value": number(*n) }),
        DefVal::Label(l) => json!({ "kind": "label", "value": l }),
        DefVal::Bits(bits) => json!({ "kind": "bits", "value": bits }),
        DefVal::Text(t) => json!({ "kind": "text", "value": t }),
        DefVal::Bytes(b) => {
            let hex: String = b.iter().map(|b| format!("{b:02x}")).collect();
            json!({ "kind": "bytes", "value": hex })
        }
        DefVal::Oid(oid) => json!({ "kind": "oid", "value": oid.to_string() }),
    }
}

/// An integer as JSON: a number below 2^53 in magnitude, a decimal string beyond
/// (such numbers lose precision in many JSON readers).
fn number(v: i128) -> Value {
    if v.unsigned_abs() < (1 << 53) {
        json!(v as i64)
    } else {
        json!(v.to_string())
    }
}

fn insert_opt<T: serde::Serialize>(out: &mut Map<String, Value>, key: &str, value: Option<T>) {
    if let Some(value) = value {
        out.insert(key.into(), json!(value));
    }
}
