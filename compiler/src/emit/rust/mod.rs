//! Typed Rust from the model: one file per MIB module, holding one `pub mod`.
//!
//! The shape (see ARCHITECTURE.md and DESIGN.md): textual conventions become newtypes
//! with checked constructors (or enums, or flag sets); scalars and columns become value
//! types implementing `ObjectType`; rows become structs with one optional field per
//! accessible column and an `Index` type; notifications become structs with typed
//! fields; every module gets a static, OID-sorted table of its nodes and one
//! `register(&mut Registry)`. Generated code names the runtime only through
//! `<runtime>::__codegen`, so it depends on `smic-smi` alone.
//!
//! Generation is a pure function of the model: the same modules give byte-identical
//! text (no timestamps, hosts or paths). Names that collide once turned into Rust are
//! given deterministic alternatives and reported as `smic::codegen::name-collision`.

mod docs;
pub mod names;
mod plan;
mod types;

use std::collections::BTreeSet;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Access, Model, ModuleId, NodeId, NodeKind, Status};
use plan::Plan;
pub use plan::is_runtime_module;

/// How to generate.
#[derive(Clone, Debug)]
pub struct Options {
    /// The path of the `smic-smi` crate as generated code names it (`::smic_smi`, or
    /// `crate` inside smic-smi itself), as prost-build's `prost_path`.
    pub runtime: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            runtime: "::smic_smi".to_string(),
        }
    }
}

/// The Rust of one MIB module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RustModule {
    /// The MIB module name (`IF-MIB`).
    pub module: String,
    /// The Rust module name (`if_mib`).
    pub rust_name: String,
    /// The file to write it to (`if_mib.rs`).
    pub file_name: String,
    /// The formatted source.
    pub code: String,
    /// The other generated MIB modules its code refers to (`SNMPv2-TC` and
    /// `SNMPv2-SMI` live in the runtime and are never listed).
    pub depends_on: BTreeSet<String>,
}

/// What [`generate`] returns.
#[derive(Debug, Default)]
pub struct Generated {
    /// One entry per requested module, in the order asked.
    pub modules: Vec<RustModule>,
    /// Name collisions and dropped enumeration values, with how they were resolved.
    pub diagnostics: Vec<Diagnostic>,
}

/// Generates the Rust of `modules`. Types they use from other modules are named by
/// path (`super::if_mib::InterfaceIndex`), so those modules must be generated beside
/// them; [`Generated::modules`]' `depends_on` lists them.
///
/// ```
/// let mut loader = smic::resolve::Loader::new();
/// loader.target_module("IF-MIB");
/// let loaded = loader.load(&smic::Policy::default());
/// let if_mib = loaded.model.module_id("IF-MIB").unwrap();
/// let out = smic::emit::rust::generate(&loaded.model, &[if_mib], &Default::default());
/// let code = &out.modules[0].code;
/// assert!(code.contains("pub mod if_mib {"));
/// assert!(code.contains("pub enum IfAdminStatus {"));
/// assert!(out.modules[0].depends_on.contains("IANAifType-MIB"));
/// ```
pub fn generate(model: &Model, modules: &[ModuleId], options: &Options) -> Generated {
    generate_modules(model, modules.to_vec(), options, false)
}

/// Generates `targets` and every module their code refers to, transitively: what a
/// build script or `smic compile --format rust` writes. Base modules are skipped (their
/// code is in the runtime).
pub fn generate_with_dependencies(
    model: &Model,
    targets: &[ModuleId],
    options: &Options,
) -> Generated {
    let targets = targets
        .iter()
        .copied()
        .filter(|&id| !model.module(id).is_base)
        .collect();
    generate_modules(model, targets, options, true)
}

/// Generates `wanted` in order, and with `follow`, appends each module its code uses
/// as it is found (one naming plan, each module generated once).
fn generate_modules(
    model: &Model,
    mut wanted: Vec<ModuleId>,
    options: &Options,
    follow: bool,
) -> Generated {
    let mut plan = Plan::new(model, options);
    let mut out = Generated::default();
    let mut next = 0;
    while let Some(&id) = wanted.get(next) {
        next += 1;
        plan.request(id);
        let (module, mut diagnostics) = generate_module(&plan, id);
        if follow {
            let used = module.depends_on.iter().filter_map(|m| model.module_id(m));
            for dep in used.collect::<Vec<_>>() {
                if !wanted.contains(&dep) {
                    wanted.push(dep);
                }
            }
        }
        out.diagnostics.append(&mut diagnostics);
        out.modules.push(module);
    }
    let mut planned = plan.into_diagnostics();
    planned.append(&mut out.diagnostics);
    out.diagnostics = planned;
    out
}

/// The modules of a model that [`generate`] handles: everything except the base modules
/// (SNMPv2-SMI and SNMPv2-TC are generated into the runtime by
/// [`generate`] with `Options { runtime: "crate" }`; the SMIv1 base modules and
/// SNMPv2-CONF define no types or objects of their own).
pub fn generatable(model: &Model) -> Vec<ModuleId> {
    (0..model.modules.len() as u32)
        .map(ModuleId)
        .filter(|&id| !model.module(id).is_base)
        .collect()
}

/// The file that `include!`s every generated module, so a build script's output is one
/// `include!(concat!(env!("OUT_DIR"), "/mibs.rs"))`.
pub fn include_file(modules: &[RustModule]) -> String {
    // No version in the header: a version bump must not rewrite every generated file.
    let mut text = String::from("// @generated by smic. Do not edit.\n");
    for module in modules {
        text.push_str(&format!("include!(\"{}\");\n", module.file_name));
    }
    text
}

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

fn oid_tokens(arcs: &[u32]) -> TokenStream {
    let arcs = arcs.iter().map(|&a| Literal::u32_unsuffixed(a));
    quote! { rt::oid!(#(#arcs),*) }
}

fn access_tokens(access: Option<Access>) -> TokenStream {
    match access {
        Some(Access::AccessibleForNotify) => quote!(rt::MaxAccess::AccessibleForNotify),
        Some(Access::ReadOnly) => quote!(rt::MaxAccess::ReadOnly),
        Some(Access::ReadWrite) => quote!(rt::MaxAccess::ReadWrite),
        Some(Access::ReadCreate) => quote!(rt::MaxAccess::ReadCreate),
        Some(Access::WriteOnly) => quote!(rt::MaxAccess::WriteOnly),
        Some(Access::NotAccessible | Access::NotImplemented) | None => {
            quote!(rt::MaxAccess::NotAccessible)
        }
    }
}

fn status_tokens(status: Option<Status>) -> TokenStream {
    match status {
        Some(Status::Deprecated) => quote!(rt::Status::Deprecated),
        Some(Status::Obsolete) => quote!(rt::Status::Obsolete),
        Some(Status::Mandatory) => quote!(rt::Status::Mandatory),
        Some(Status::Optional) => quote!(rt::Status::Optional),
        Some(Status::Current) | None => quote!(rt::Status::Current),
    }
}

fn generate_module(plan: &Plan<'_>, id: ModuleId) -> (RustModule, Vec<Diagnostic>) {
    let model = plan.model;
    let module = model.module(id);
    let mut items_gen = types::ModuleGen::new(plan, id);
    let mut items = Vec::new();
    for &t in &module.types {
        items.push(items_gen.type_def(t));
    }
    for &n in &module.nodes {
        items.push(items_gen.node(n));
    }
    let registry = registry(plan, id);
    let rust_name = plan.module_name(id).to_string();
    let mod_ident = ident(&rust_name);
    let runtime: TokenStream = format!("{}::__codegen", plan.runtime)
        .parse()
        .unwrap_or_else(|_| quote!(::smic_smi::__codegen));
    let name = &module.name;
    let summary = match &module.description {
        Some(_) => format!("`{name}`: generated types, constants and registration."),
        None => format!("`{name}`: generated types, constants and registration (no DESCRIPTION)."),
    };
    let docs = docs::attrs(&summary, module.description.as_deref());
    let tokens = quote! {
        #docs
        pub mod #mod_ident {
            #![allow(
                unused_imports,
                non_camel_case_types,
                clippy::upper_case_acronyms,
                clippy::enum_variant_names,
                clippy::module_name_repetitions,
            )]
            use #runtime as rt;

            /// The MIB module's name.
            pub const MODULE: &str = #name;

            #(#items)*

            #registry
        }
    };
    let code = match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        // Unreachable for well-formed names; keep the unformatted text so the error
        // shows where rustc reads it.
        Err(_) => tokens.to_string(),
    };
    let header = format!("// @generated by smic from {name}. Do not edit.\n\n");
    let (depends_on, diagnostics) = items_gen.finish();
    (
        RustModule {
            module: name.clone(),
            file_name: format!("{rust_name}.rs"),
            rust_name,
            code: header + &code,
            depends_on,
        },
        diagnostics,
    )
}

/// The OID-sorted table of the module's nodes, and `register`.
fn registry(plan: &Plan<'_>, id: ModuleId) -> TokenStream {
    let model = plan.model;
    let mut nodes: Vec<NodeId> = model
        .module(id)
        .nodes
        .iter()
        .copied()
        .filter(|&n| plan.is_emitted(n))
        .collect();
    nodes.sort_by(|a, b| {
        let (a, b) = (model.node(*a), model.node(*b));
        a.oid.cmp(&b.oid).then_with(|| a.name.cmp(&b.name))
    });
    let entries: Vec<TokenStream> = nodes.iter().map(|&n| registry_entry(plan, n)).collect();
    let count = entries.len();
    quote! {
        /// Every node this module defines, sorted by OID.
        pub static OBJECTS: [rt::ObjectInfo; #count] = [#(#entries),*];

        /// Adds this module's nodes to a registry.
        pub fn register(registry: &mut rt::Registry) {
            registry.register(MODULE, &OBJECTS);
        }
    }
}

fn registry_entry(plan: &Plan<'_>, id: NodeId) -> TokenStream {
    let node = plan.model.node(id);
    let item = ident(plan.node_name(id));
    let name = &node.name;
    let status = status_tokens(node.status);
    // The node's OID constant (a static cannot borrow a temporary `Oid`).
    let kind = |k: TokenStream| {
        quote! { rt::ObjectInfo::node(MODULE, #name, #item, rt::Kind::#k) }
    };
    match node.kind {
        NodeKind::Scalar if plan.has_type(id) => {
            quote! { rt::ObjectInfo::object::<#item>(rt::Kind::Scalar) }
        }
        NodeKind::Column if plan.has_type(id) => {
            quote! { rt::ObjectInfo::object::<#item>(rt::Kind::Column) }
        }
        NodeKind::Row => quote! { rt::ObjectInfo::row::<#item>(#status) },
        NodeKind::Notification | NodeKind::Trap => {
            quote! { rt::ObjectInfo::notification::<#item>() }
        }
        NodeKind::Table => {
            let k = kind(quote!(Table));
            quote! { #k.with_status(#status) }
        }
        NodeKind::ObjectGroup
        | NodeKind::NotificationGroup
        | NodeKind::Compliance
        | NodeKind::Capabilities => {
            let k = kind(quote!(Conformance));
            match node.status {
                Some(_) => quote! { #k.with_status(#status) },
                None => k,
            }
        }
        _ => kind(quote!(Node)),
    }
}

/// A name collision, reported where the later definition is.
fn collision(model: &Model, id: NodeId, wanted: &str, got: &str) -> Diagnostic {
    let node = model.node(id);
    let mut d = Diagnostic::new(
        Code::RustNameCollision,
        format!(
            "`{}::{}` becomes the Rust name `{wanted}`, which is already taken; it is generated as `{got}`",
            model.module(node.module).name,
            node.name
        ),
    )
    .at(node.span, "defined here")
    .help(format!("use `{got}` in Rust code; rename the descriptor to choose another name"));
    if let Some(file) = model.module(node.module).file {
        d = d.in_file(file);
    }
    d
}
