//! `smic translate`: names to OIDs and back, with instance suffixes.

use std::process::ExitCode;

use clap::Args;
use smic::Policy;
use smic::model::{Model, NodeId, Oid, instance};
use smic::resolve::builtin;

use crate::load::LoadArgs;

/// Translate names to OIDs and OIDs to names: `IF-MIB::ifDescr.5`, `ifDescr.5`, `1.3.6.1.2.1.2.2.1.2.5`.
#[derive(Debug, Args)]
pub(crate) struct TranslateArgs {
    /// Also load these modules (or files and directories) and search them for bare names.
    #[arg(short = 'm', long = "module", value_name = "MODULE|PATH")]
    modules: Vec<String>,
    /// Names (`MODULE::name.suffix` or `name.suffix`) or OIDs (`1.3.6.1...`).
    #[arg(required = true, value_name = "NAME|OID")]
    inputs: Vec<String>,
}

enum Query {
    Oid(Oid),
    Name {
        module: Option<String>,
        name: String,
        suffix: String,
    },
}

fn parse(input: &str) -> Result<Query, String> {
    if input.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return input
            .parse()
            .map(Query::Oid)
            .map_err(|e: smic::model::ParseOidError| e.to_string());
    }
    // `MODULE::` can only come before the suffix (whose quoted strings may hold `::`).
    let head_end = input.find(['.', '"']).unwrap_or(input.len());
    let (module, rest) = match input[..head_end].find("::") {
        Some(at) => (Some(input[..at].to_string()), &input[at + 2..]),
        None => (None, input),
    };
    let end = rest.find('.').unwrap_or(rest.len());
    Ok(Query::Name {
        module,
        name: rest[..end].to_string(),
        suffix: rest[end..].to_string(),
    })
}

pub(crate) fn run(args: TranslateArgs, load: &LoadArgs) -> ExitCode {
    let mut queries = Vec::new();
    for input in &args.inputs {
        match parse(input) {
            Ok(query) => queries.push((input, query)),
            Err(err) => {
                eprintln!("smic: {input}: {err}");
                return ExitCode::from(2);
            }
        }
    }
    let mut modules = args.modules.clone();
    modules.extend(modules_for(&args.inputs));
    let loaded = load.load(&modules, &Policy::default());
    let model = &loaded.model;
    let mut failed = false;
    for (input, query) in queries {
        match answer(model, &query) {
            Ok(answer) => println!("{answer}"),
            Err(err) => {
                eprintln!("smic: {input}: {err}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The modules queries need: named modules, the built-in modules that define bare
/// names, and those whose subtrees hold the OIDs.
pub(crate) fn modules_for(inputs: &[String]) -> Vec<String> {
    let mut modules = Vec::new();
    for query in inputs.iter().filter_map(|i| parse(i).ok()) {
        match query {
            Query::Name {
                module: Some(module),
                ..
            } => modules.push(module),
            Query::Name {
                module: None, name, ..
            } => modules.extend(builtin::defining(&name).map(str::to_string)),
            Query::Oid(oid) => modules.extend(builtin::covering(&oid).map(str::to_string)),
        }
    }
    modules.sort();
    modules.dedup();
    modules
}

/// A name (with instance suffix) or an OID, as an OID.
pub(crate) fn to_oid(model: &Model, input: &str) -> Result<Oid, String> {
    match parse(input)? {
        Query::Oid(oid) => Ok(oid),
        Query::Name {
            module,
            name,
            suffix,
        } => {
            let id = find(model, module.as_deref(), &name)?;
            let mut oid = model.node(id).oid.clone();
            if oid.is_empty() {
                return Err(format!(
                    "{} has no OID (see `smic check`)",
                    model.qualified_name(id)
                ));
            }
            oid.extend(&instance::encode_suffix(model, id, &suffix)?);
            Ok(oid)
        }
    }
}

fn answer(model: &Model, query: &Query) -> Result<String, String> {
    match query {
        Query::Oid(oid) => instance::name_of(model, oid)
            .ok_or_else(|| "no loaded module names this OID".to_string()),
        Query::Name {
            module,
            name,
            suffix,
        } => {
            let id = find(model, module.as_deref(), name)?;
            let mut oid = model.node(id).oid.clone();
            if oid.is_empty() {
                return Err(format!(
                    "{} has no OID (see `smic check`)",
                    model.qualified_name(id)
                ));
            }
            oid.extend(&instance::encode_suffix(model, id, suffix)?);
            Ok(oid.to_string())
        }
    }
}

/// A node by qualified or bare name; among several modules defining a bare name, an
/// SMIv2 module wins over SMIv1 ones, then the first in module order.
fn find(model: &Model, module: Option<&str>, name: &str) -> Result<NodeId, String> {
    if let Some(module) = module {
        if model.module_id(module).is_none() {
            return Err(format!(
                "module {module} not found (add its directory with -I)"
            ));
        }
        return model
            .lookup(module, name)
            .ok_or_else(|| format!("{module} defines no `{name}`"));
    }
    let candidates = model.lookup_bare(name);
    let smiv2 = |&&id: &&NodeId| {
        model.module(model.node(id).module).language == smic::syntax::ast::Language::SMIv2
    };
    candidates
        .iter()
        .find(smiv2)
        .or_else(|| candidates.first())
        .copied()
        .ok_or_else(|| {
            format!("no loaded module defines `{name}` (name its module with -m or MODULE::{name})")
        })
}
