//! The items of one module: textual conventions, object value types, rows with their
//! index types, notifications and OID constants.

use std::collections::BTreeSet;

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::names::{self, Namespace};
use super::plan::{Plan, is_runtime_module};
use super::{access_tokens, docs, ident, oid_tokens, status_tokens};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::instance::row_of;
use crate::model::{
    BaseType, Bounds, IndexComponent, IndexEncoding, ModuleId, NamedValue, NodeId, NodeKind,
    Syntax, TypeId,
};

/// How a syntax is represented.
enum Shape {
    /// A `#[repr(i32)]` enum.
    Enum,
    /// A flag enum for a BITS set.
    Flags,
    /// A plain base type.
    Plain,
}

fn shape(syntax: &Syntax) -> Shape {
    match syntax.base {
        BaseType::Integer32 if !syntax.values.is_empty() => Shape::Enum,
        BaseType::Bits => Shape::Flags,
        _ => Shape::Plain,
    }
}

/// The Rust type of a base type.
fn base_tokens(base: BaseType) -> TokenStream {
    match base {
        BaseType::Integer32 => quote!(i32),
        BaseType::Unsigned32 | BaseType::Gauge32 => quote!(u32),
        BaseType::Counter32 => quote!(rt::Counter32),
        BaseType::Counter64 => quote!(rt::Counter64),
        BaseType::TimeTicks => quote!(rt::TimeTicks),
        BaseType::ObjectIdentifier => quote!(rt::Oid),
        BaseType::IpAddress | BaseType::NetworkAddress => quote!(rt::IpAddress),
        BaseType::Opaque => quote!(rt::Opaque),
        BaseType::OctetString | BaseType::Bits | BaseType::Sequence | BaseType::SequenceOf => {
            quote!(::std::vec::Vec<u8>)
        }
    }
}

fn is_copy(base: BaseType) -> bool {
    !matches!(
        base,
        BaseType::OctetString
            | BaseType::ObjectIdentifier
            | BaseType::Opaque
            | BaseType::Bits
            | BaseType::Sequence
            | BaseType::SequenceOf
    )
}

/// The range every value of the base type has: a constraint equal to it says nothing.
fn natural_range(base: BaseType) -> Option<Bounds> {
    let (min, max) = match base {
        BaseType::Integer32 => (i128::from(i32::MIN), i128::from(i32::MAX)),
        BaseType::Unsigned32 | BaseType::Gauge32 | BaseType::Counter32 | BaseType::TimeTicks => {
            (0, i128::from(u32::MAX))
        }
        BaseType::Counter64 => (0, i128::from(u64::MAX)),
        _ => return None,
    };
    Some(Bounds { min, max })
}

fn int_lit(n: i128) -> TokenStream {
    let abs = Literal::u128_unsuffixed(n.unsigned_abs());
    if n < 0 { quote!(-#abs) } else { quote!(#abs) }
}

fn bounds_tokens(bounds: &[Bounds]) -> TokenStream {
    let pairs = bounds.iter().map(|b| {
        let (min, max) = (int_lit(b.min), int_lit(b.max));
        quote!((#min, #max))
    });
    quote!(&[#(#pairs),*])
}

/// The constraints that mean something: ranges other than the base type's own, sizes of
/// strings.
fn constraints(syntax: &Syntax) -> Option<(Vec<Bounds>, Vec<Bounds>)> {
    let natural = natural_range(syntax.base);
    let says_nothing = matches!(syntax.ranges.as_slice(), [only] if Some(*only) == natural);
    let ranges: Vec<Bounds> =
        if says_nothing || matches!(syntax.base, BaseType::IpAddress | BaseType::NetworkAddress) {
            Vec::new()
        } else {
            syntax.ranges.clone()
        };
    let sizes = if matches!(
        syntax.base,
        BaseType::OctetString | BaseType::Opaque | BaseType::Bits
    ) {
        syntax.sizes.clone()
    } else {
        Vec::new()
    };
    (!ranges.is_empty() || !sizes.is_empty()).then_some((ranges, sizes))
}

fn constraints_tokens(ranges: &[Bounds], sizes: &[Bounds]) -> TokenStream {
    let (ranges, sizes) = (bounds_tokens(ranges), bounds_tokens(sizes));
    quote!(rt::Constraints { ranges: #ranges, sizes: #sizes })
}

fn describe_bounds(bounds: &[Bounds]) -> String {
    bounds
        .iter()
        .map(|b| {
            if b.min == b.max {
                b.min.to_string()
            } else {
                format!("{}..{}", b.min, b.max)
            }
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

fn encoding_tokens(encoding: IndexEncoding) -> TokenStream {
    match encoding {
        IndexEncoding::Integer => quote!(rt::IndexEncoding::Integer),
        IndexEncoding::FixedString(n) => {
            let n = Literal::u32_unsuffixed(n);
            quote!(rt::IndexEncoding::FixedString(#n))
        }
        IndexEncoding::String => quote!(rt::IndexEncoding::String),
        IndexEncoding::ImpliedString => quote!(rt::IndexEncoding::ImpliedString),
        IndexEncoding::ObjectIdentifier => quote!(rt::IndexEncoding::ObjectIdentifier),
        IndexEncoding::ImpliedObjectIdentifier => {
            quote!(rt::IndexEncoding::ImpliedObjectIdentifier)
        }
        IndexEncoding::IpAddress => quote!(rt::IndexEncoding::IpAddress),
        IndexEncoding::NetworkAddress => quote!(rt::IndexEncoding::NetworkAddress),
    }
}

/// The Rust type of an index component written as a type (SMIv1), by its encoding.
fn encoding_type(encoding: IndexEncoding) -> TokenStream {
    match encoding {
        IndexEncoding::Integer => quote!(u32),
        IndexEncoding::FixedString(_) | IndexEncoding::String | IndexEncoding::ImpliedString => {
            quote!(::std::vec::Vec<u8>)
        }
        IndexEncoding::ObjectIdentifier | IndexEncoding::ImpliedObjectIdentifier => {
            quote!(rt::Oid)
        }
        IndexEncoding::IpAddress | IndexEncoding::NetworkAddress => quote!(rt::IpAddress),
    }
}

/// The parts an enumeration and a BITS flag set share: the enum (`#[repr]` over the
/// number type unless it has no variant), the `(number, label)` table, the `number =>
/// variant` match arms, and the variant-to-number cast.
struct NumberedEnum {
    item: TokenStream,
    table: Vec<TokenStream>,
    arms: Vec<TokenStream>,
    cast: TokenStream,
}

fn numbered_enum(
    name: &proc_macro2::Ident,
    variants: &[(proc_macro2::Ident, i64, String)],
    docs: TokenStream,
    repr: TokenStream,
) -> NumberedEnum {
    let decl = variants.iter().map(|(v, n, label)| {
        let doc = format!(" `{label}({n})`");
        let n = int_lit(i128::from(*n));
        quote!(#[doc = #doc] #v = #n)
    });
    let table = variants
        .iter()
        .map(|(_, n, label)| {
            let n = int_lit(i128::from(*n));
            quote!((#n, #label))
        })
        .collect();
    let arms = variants
        .iter()
        .map(|(v, n, _)| {
            let n = int_lit(i128::from(*n));
            quote!(#n => ::core::option::Option::Some(Self::#v))
        })
        .collect();
    // A zero-variant enum can have no `#[repr]`, and has no value to convert.
    let (repr, cast) = if variants.is_empty() {
        (quote!(), quote!(match self {}))
    } else {
        (quote!(#[repr(#repr)]), quote!(self as #repr))
    };
    NumberedEnum {
        item: quote! {
            #docs
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
            #repr
            pub enum #name { #(#decl,)* }
        },
        table,
        arms,
        cast,
    }
}

/// Generates one module's items.
pub(super) struct ModuleGen<'p, 'm> {
    plan: &'p Plan<'m>,
    module: ModuleId,
    uses: BTreeSet<String>,
    diagnostics: Vec<Diagnostic>,
}

impl<'p, 'm> ModuleGen<'p, 'm> {
    pub(super) fn new(plan: &'p Plan<'m>, module: ModuleId) -> Self {
        ModuleGen {
            plan,
            module,
            uses: BTreeSet::new(),
            diagnostics: Vec::new(),
        }
    }

    /// The modules referred to, and what was reported.
    pub(super) fn finish(self) -> (BTreeSet<String>, Vec<Diagnostic>) {
        (self.uses, self.diagnostics)
    }

    /// The path to an item of `module` from the module being generated.
    fn path(&mut self, module: ModuleId, item: &str) -> TokenStream {
        let item = ident(item);
        if module == self.module {
            return quote!(#item);
        }
        let name = &self.plan.model.module(module).name;
        let rust = ident(self.plan.module_name(module));
        if is_runtime_module(name) {
            quote!(rt::#rust::#item)
        } else {
            self.uses.insert(name.clone());
            quote!(super::#rust::#item)
        }
    }

    fn type_path(&mut self, t: TypeId) -> TokenStream {
        let module = self.plan.model.ty(t).module;
        let name = self.plan.type_name(t).to_string();
        self.path(module, &name)
    }

    fn node_path(&mut self, n: NodeId) -> TokenStream {
        let module = self.plan.model.node(n).module;
        let name = self.plan.node_name(n).to_string();
        self.path(module, &name)
    }

    fn index_path(&mut self, row: NodeId) -> TokenStream {
        let module = self.plan.model.node(row).module;
        let name = self.plan.index_name(row).to_string();
        self.path(module, &name)
    }

    /// The generated named type a syntax is written with, if any.
    fn named_type(&self, syntax: &Syntax) -> Option<TypeId> {
        syntax.named.filter(|&t| self.plan.is_generated_type(t))
    }

    /// Whether the object's own item is its enumeration or flag set (an inline
    /// `INTEGER { .. }` or `BITS { .. }`).
    fn is_inline_enum(&self, n: NodeId) -> bool {
        let Some(syntax) = &self.plan.model.node(n).syntax else {
            return false;
        };
        self.named_type(syntax).is_none() && !matches!(shape(syntax), Shape::Plain)
    }

    /// The Rust type an object's values travel as.
    fn value_type(&mut self, n: NodeId) -> TokenStream {
        let model = self.plan.model;
        let Some(syntax) = &model.node(n).syntax else {
            return quote!(::std::vec::Vec<u8>);
        };
        if let Some(t) = self.named_type(syntax) {
            let path = self.type_path(t);
            return match shape(&model.ty(t).syntax) {
                Shape::Enum => quote!(rt::Enum<#path>),
                Shape::Flags => quote!(rt::BitSet<#path>),
                Shape::Plain => path,
            };
        }
        match shape(syntax) {
            Shape::Enum => {
                let path = self.node_path(n);
                quote!(rt::Enum<#path>)
            }
            Shape::Flags => {
                let path = self.node_path(n);
                quote!(rt::BitSet<#path>)
            }
            Shape::Plain => base_tokens(syntax.base),
        }
    }

    // ------------------------------------------------------------------ types

    /// A textual convention or named type.
    pub(super) fn type_def(&mut self, t: TypeId) -> TokenStream {
        if !self.plan.is_generated_type(t) {
            return TokenStream::new();
        }
        let ty = self.plan.model.ty(t);
        let name = ident(self.plan.type_name(t));
        let mib_name = &ty.name;
        let mut facts = vec![format!("`{}`", ty.syntax.base.as_str())];
        if let Some((ranges, sizes)) = constraints(&ty.syntax) {
            if !ranges.is_empty() {
                facts.push(format!("range `{}`", describe_bounds(&ranges)));
            }
            if !sizes.is_empty() {
                facts.push(format!("size `{}`", describe_bounds(&sizes)));
            }
        }
        if let Some(hint) = &ty.display_hint {
            facts.push(format!("display hint `{hint}`"));
        }
        let kind = if ty.textual_convention {
            "textual convention"
        } else {
            "type"
        };
        let status = ty
            .status
            .map_or(String::new(), |s| format!(", {}", s.as_str()));
        let summary = format!("`{mib_name}`: {kind} ({}){status}.", facts.join(", "));
        let docs = docs::attrs(&summary, ty.description.as_deref());
        match shape(&ty.syntax) {
            Shape::Enum => {
                self.enumeration(&name, mib_name, &ty.syntax.values, docs, ty.span, ty.module)
            }
            Shape::Flags => {
                self.flags(&name, mib_name, &ty.syntax.values, docs, ty.span, ty.module)
            }
            Shape::Plain => {
                let base = base_tokens(ty.syntax.base);
                let copy = is_copy(ty.syntax.base).then(|| quote!(Copy,));
                let (ranges, sizes) = constraints(&ty.syntax).unwrap_or_default();
                let constraints = constraints_tokens(&ranges, &sizes);
                let hint = match &ty.display_hint {
                    Some(h) => quote!(Some(#h)),
                    None => quote!(None),
                };
                quote! {
                    #docs
                    #[derive(Clone, #copy Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
                    pub struct #name(#base);

                    impl #name {
                        /// Wraps a value, checking the convention's constraints.
                        pub fn new(value: #base) -> ::core::result::Result<Self, rt::ConstraintError> {
                            rt::TextualConvention::from_base(value)
                        }

                        /// The value.
                        pub fn get(&self) -> &#base {
                            &self.0
                        }

                        /// The value, unwrapped.
                        pub fn into_inner(self) -> #base {
                            self.0
                        }
                    }

                    impl rt::TextualConvention for #name {
                        type Base = #base;
                        const NAME: &'static str = #mib_name;
                        const CONSTRAINTS: rt::Constraints = #constraints;
                        const DISPLAY_HINT: ::core::option::Option<&'static str> = #hint;
                        fn from_base_unchecked(base: #base) -> Self {
                            Self(base)
                        }
                        fn base(&self) -> &#base {
                            &self.0
                        }
                    }

                    impl ::core::fmt::Display for #name {
                        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                            rt::fmt_convention(self, f)
                        }
                    }

                    impl ::core::str::FromStr for #name {
                        type Err = rt::ParseError;
                        fn from_str(text: &str) -> ::core::result::Result<Self, rt::ParseError> {
                            rt::parse_convention(text)
                        }
                    }
                }
            }
        }
    }

    /// Variants for named numbers: one per distinct value, names made unique.
    fn variants(
        &mut self,
        values: &[NamedValue],
        fits: impl Fn(i64) -> bool,
        owner: &str,
        span: crate::Span,
        module: ModuleId,
    ) -> Vec<(proc_macro2::Ident, i64, String)> {
        let mut seen = BTreeSet::new();
        let mut ns = Namespace::default();
        let mut out = Vec::new();
        for value in values {
            let reason = if !fits(value.value) {
                Some((
                    "does not fit the Rust representation",
                    "values without a variant still travel as `Enum::Unknown`".to_string(),
                ))
            } else if !seen.insert(value.value) {
                let first = values
                    .iter()
                    .find(|v| v.value == value.value)
                    .map_or("", |v| v.label.as_str());
                Some((
                    "repeats a value already named",
                    format!("the value travels as the variant of `{first}`"),
                ))
            } else {
                None
            };
            if let Some((reason, help)) = reason {
                let mut d = Diagnostic::new(
                    Code::RustEnumValueDropped,
                    format!(
                        "`{}({})` of `{owner}` {reason}; the generated enum leaves it out",
                        value.label, value.value
                    ),
                )
                .at(span, "defined here")
                .help(help);
                if let Some(file) = self.plan.model.module(module).file {
                    d = d.in_file(file);
                }
                self.diagnostics.push(d);
                continue;
            }
            let (name, _) = ns.claim(
                &names::type_name(&value.label),
                &format!("V{}", value.value),
            );
            out.push((ident(&name), value.value, value.label.clone()));
        }
        out
    }

    fn enumeration(
        &mut self,
        name: &proc_macro2::Ident,
        mib_name: &str,
        values: &[NamedValue],
        docs: TokenStream,
        span: crate::Span,
        module: ModuleId,
    ) -> TokenStream {
        let variants = self.variants(values, |v| i32::try_from(v).is_ok(), mib_name, span, module);
        let NumberedEnum {
            item,
            table,
            arms,
            cast,
        } = numbered_enum(name, &variants, docs, quote!(i32));
        quote! {
            #item

            impl rt::Enumeration for #name {
                const TYPE_NAME: &'static str = #mib_name;
                const VALUES: &'static [(i32, &'static str)] = &[#(#table),*];
                fn from_i32(value: i32) -> ::core::option::Option<Self> {
                    match value {
                        #(#arms,)*
                        _ => ::core::option::Option::None,
                    }
                }
                fn to_i32(self) -> i32 {
                    #cast
                }
            }

            impl ::core::convert::TryFrom<i32> for #name {
                type Error = i32;
                fn try_from(value: i32) -> ::core::result::Result<Self, i32> {
                    <Self as rt::Enumeration>::from_i32(value).ok_or(value)
                }
            }

            impl ::core::fmt::Display for #name {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    f.write_str(rt::Enumeration::label(*self))
                }
            }
        }
    }

    fn flags(
        &mut self,
        name: &proc_macro2::Ident,
        mib_name: &str,
        values: &[NamedValue],
        docs: TokenStream,
        span: crate::Span,
        module: ModuleId,
    ) -> TokenStream {
        let variants = self.variants(
            values,
            |v| u32::try_from(v).is_ok_and(|v| v < 65536),
            mib_name,
            span,
            module,
        );
        let NumberedEnum {
            item,
            table,
            arms,
            cast,
        } = numbered_enum(name, &variants, docs, quote!(u32));
        quote! {
            #item

            impl rt::Flag for #name {
                const TYPE_NAME: &'static str = #mib_name;
                const BITS: &'static [(u32, &'static str)] = &[#(#table),*];
                fn from_position(position: u32) -> ::core::option::Option<Self> {
                    match position {
                        #(#arms,)*
                        _ => ::core::option::Option::None,
                    }
                }
                fn position(self) -> u32 {
                    #cast
                }
            }

            impl ::core::fmt::Display for #name {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    f.write_str(rt::Flag::label(*self))
                }
            }
        }
    }

    // ------------------------------------------------------------------ nodes

    /// The items of one node.
    pub(super) fn node(&mut self, n: NodeId) -> TokenStream {
        if !self.plan.is_emitted(n) {
            return TokenStream::new();
        }
        let node = self.plan.model.node(n);
        match node.kind {
            NodeKind::Scalar | NodeKind::Column if self.plan.has_type(n) => self.object(n),
            NodeKind::Row => self.row(n),
            NodeKind::Notification | NodeKind::Trap => self.notification(n),
            _ => self.constant(n),
        }
    }

    fn summary(&self, n: NodeId, what: &str) -> String {
        let node = self.plan.model.node(n);
        let mut facts = vec![what.to_string()];
        if let Some(access) = node.access {
            facts.push(access.as_str().to_string());
        }
        if let Some(status) = node.status {
            facts.push(status.as_str().to_string());
        }
        if let Some(units) = &node.units {
            facts.push(format!("units `{units}`"));
        }
        format!("`{}` (`{}`): {}.", node.name, node.oid, facts.join(", "))
    }

    fn constant(&mut self, n: NodeId) -> TokenStream {
        let node = self.plan.model.node(n);
        let what = match node.kind {
            NodeKind::ModuleIdentity => "module identity",
            NodeKind::ObjectIdentity => "object identity",
            NodeKind::Table => "table",
            NodeKind::ObjectGroup => "object group",
            NodeKind::NotificationGroup => "notification group",
            NodeKind::Compliance => "module compliance",
            NodeKind::Capabilities => "agent capabilities",
            NodeKind::Scalar | NodeKind::Column => "object without a syntax",
            _ => "OID",
        };
        let docs = docs::attrs(&self.summary(n, what), node.description.as_deref());
        let name = ident(self.plan.node_name(n));
        let oid = oid_tokens(node.oid.arcs());
        quote! {
            #docs
            pub const #name: &rt::Oid = #oid;
        }
    }

    /// `impl ObjectType` for a scalar or column's value type.
    fn object(&mut self, n: NodeId) -> TokenStream {
        let model = self.plan.model;
        let node = model.node(n);
        let name = ident(self.plan.node_name(n));
        let mib_name = &node.name;
        let oid = oid_tokens(node.oid.arcs());
        let access = access_tokens(node.access);
        let status = status_tokens(node.status);
        let syntax_type = self.value_type(n);
        let syntax = node.syntax.as_ref();
        let own_constraints = syntax.and_then(|s| {
            let mine = constraints(s)?;
            let inherited = self
                .named_type(s)
                .and_then(|t| constraints(&model.ty(t).syntax));
            (Some(&mine) != inherited.as_ref() && matches!(shape(s), Shape::Plain)).then_some(mine)
        });
        let constraints = own_constraints.map(|(ranges, sizes)| {
            let c = constraints_tokens(&ranges, &sizes);
            quote!(const CONSTRAINTS: rt::Constraints = #c;)
        });
        let units = node.units.as_ref().map(|u| {
            quote!(const UNITS: ::core::option::Option<&'static str> = ::core::option::Option::Some(#u);)
        });
        let row = (node.kind == NodeKind::Column)
            .then(|| row_of(model, n))
            .flatten()
            .filter(|&r| self.plan.is_emitted(r));
        let what = match row {
            Some(r) => format!(
                "column {} of `{}`",
                node.oid.arcs().last().copied().unwrap_or(0),
                model.node(r).name
            ),
            None if node.kind == NodeKind::Column => "column".to_string(),
            None => "scalar".to_string(),
        };
        let docs = docs::attrs(&self.summary(n, &what), node.description.as_deref());
        let value_item = if self.is_inline_enum(n) {
            let values = syntax.map_or(&[][..], |s| s.values.as_slice());
            match syntax.map(shape) {
                Some(Shape::Flags) => {
                    self.flags(&name, mib_name, values, docs, node.span, node.module)
                }
                _ => self.enumeration(&name, mib_name, values, docs, node.span, node.module),
            }
        } else {
            quote! {
                #docs
                #[derive(Clone, Debug, PartialEq, Eq, Hash)]
                pub struct #name(pub #syntax_type);
            }
        };
        let kind_impl = match (node.kind, row) {
            (NodeKind::Column, Some(r)) => {
                let entry = self.node_path(r);
                let sub_id = Literal::u32_unsuffixed(node.oid.arcs().last().copied().unwrap_or(0));
                quote! {
                    impl rt::Column for #name {
                        type Entry = #entry;
                        const SUB_ID: u32 = #sub_id;
                    }
                }
            }
            (NodeKind::Column, None) => TokenStream::new(),
            _ => quote!(impl rt::Scalar for #name {}),
        };
        quote! {
            #value_item

            impl rt::ObjectType for #name {
                const MODULE: &'static str = MODULE;
                const NAME: &'static str = #mib_name;
                const OID: &'static rt::Oid = #oid;
                const ACCESS: rt::MaxAccess = #access;
                const STATUS: rt::Status = #status;
                #constraints
                #units
                type Syntax = #syntax_type;
            }

            #kind_impl
        }
    }

    /// The columns of a row defined in the same module, by sub-identifier.
    fn columns(&self, row: NodeId) -> Vec<NodeId> {
        let model = self.plan.model;
        let row_oid = &model.node(row).oid;
        let mut seen = BTreeSet::new();
        model
            .subtree(row_oid)
            .filter(|(oid, _)| oid.len() == row_oid.len() + 1)
            .filter_map(|(oid, ids)| {
                let id = ids.iter().copied().find(|&c| {
                    let c = model.node(c);
                    c.kind == NodeKind::Column && c.module == self.module
                })?;
                seen.insert(oid.arcs().last().copied()?).then_some(id)
            })
            .filter(|&c| self.plan.has_type(c))
            .collect()
    }

    fn index_field_type(&mut self, component: &IndexComponent) -> TokenStream {
        match component.object {
            Some(o) if self.plan.has_type(o) => self.value_type(o),
            _ => encoding_type(component.encoding),
        }
    }

    fn row(&mut self, n: NodeId) -> TokenStream {
        let model = self.plan.model;
        let node = model.node(n);
        let name = ident(self.plan.node_name(n));
        let index_name = ident(self.plan.index_name(n));
        let mib_name = &node.name;
        let oid = oid_tokens(node.oid.arcs());
        let index_names: Vec<&str> = node.index.iter().map(|c| c.name.as_str()).collect();
        let index_list = if index_names.is_empty() {
            "no index".to_string()
        } else {
            format!("index `{}`", index_names.join("`, `"))
        };
        let what = match node.augments {
            Some(base) => format!("row augmenting `{}`, {index_list}", model.node(base).name),
            None => format!("row, {index_list}"),
        };
        let docs = docs::attrs(&self.summary(n, &what), node.description.as_deref());

        // The index type: the augmented row's, or a struct of its own.
        let encodings: Vec<TokenStream> = node
            .index
            .iter()
            .map(|c| encoding_tokens(c.encoding))
            .collect();
        let index_doc = format!(" The index of `{mib_name}`: {index_list}.");
        let augmented = node.augments.filter(|&b| {
            self.plan.is_emitted(b)
                && model.node(b).kind == NodeKind::Row
                && model.node(b).index == node.index
        });
        let index_item = match augmented {
            Some(base) => {
                let path = self.index_path(base);
                quote! {
                    #[doc = #index_doc]
                    pub type #index_name = #path;
                }
            }
            None => self.index_struct(&index_name, &index_doc, &node.index),
        };

        // One optional field per accessible column.
        let mut fields = Namespace::with(&["index"]);
        let mut decl = Vec::new();
        let mut inits = Vec::new();
        let mut set_arms = Vec::new();
        let mut get_arms = Vec::new();
        let mut column_table = Vec::new();
        for c in self.columns(n) {
            let column = model.node(c);
            if !column.access.is_some_and(|a| {
                !matches!(
                    a,
                    crate::model::Access::NotAccessible | crate::model::Access::NotImplemented
                )
            }) {
                continue;
            }
            let (field, _) = fields.claim(&names::field(&column.name), "_column");
            let field = ident(&field);
            let ty = self.value_type(c);
            let item = ident(self.plan.node_name(c));
            let sub_id = column.oid.arcs().last().copied().unwrap_or(0);
            let doc = format!(" `{}`, column {sub_id}.", column.name);
            let sub = Literal::u32_unsuffixed(sub_id);
            let column_name = &column.name;
            decl.push(quote!(#[doc = #doc] pub #field: ::core::option::Option<#ty>));
            inits.push(quote!(#field: ::core::option::Option::None));
            set_arms.push(quote!(#sub => self.#field = ::core::option::Option::Some(<#item as rt::ObjectType>::decode(value)?)));
            get_arms.push(quote!(#sub => self.#field.as_ref().map(rt::Syntax::to_value)));
            column_table.push(quote!((#sub, #column_name)));
        }
        let set_body = if set_arms.is_empty() {
            quote! {
                let _ = (sub_id, value);
                ::core::result::Result::Ok(false)
            }
        } else {
            quote! {
                match sub_id {
                    #(#set_arms,)*
                    _ => return ::core::result::Result::Ok(false),
                }
                ::core::result::Result::Ok(true)
            }
        };
        let get_body = if get_arms.is_empty() {
            quote! {
                let _ = sub_id;
                ::core::option::Option::None
            }
        } else {
            quote! {
                match sub_id {
                    #(#get_arms,)*
                    _ => ::core::option::Option::None,
                }
            }
        };
        quote! {
            #docs
            #[derive(Clone, Debug, PartialEq, Eq, Hash)]
            pub struct #name {
                /// The row's index.
                pub index: #index_name,
                #(#decl,)*
            }

            #index_item

            impl rt::TableEntry for #name {
                const MODULE: &'static str = MODULE;
                const NAME: &'static str = #mib_name;
                const OID: &'static rt::Oid = #oid;
                const COLUMNS: &'static [(u32, &'static str)] = &[#(#column_table),*];
                const INDEX: &'static [rt::IndexEncoding] = &[#(#encodings),*];
                type Index = #index_name;
                fn new(index: #index_name) -> Self {
                    Self { index, #(#inits,)* }
                }
                fn index(&self) -> &#index_name {
                    &self.index
                }
                fn set_column(&mut self, sub_id: u32, value: &rt::Value) -> ::core::result::Result<bool, rt::ValueError> {
                    #set_body
                }
                fn column(&self, sub_id: u32) -> ::core::option::Option<rt::Value> {
                    #get_body
                }
            }
        }
    }

    fn index_struct(
        &mut self,
        name: &proc_macro2::Ident,
        doc: &str,
        components: &[IndexComponent],
    ) -> TokenStream {
        let mut fields = Namespace::default();
        let mut decl = Vec::new();
        let mut encode = Vec::new();
        let mut decode = Vec::new();
        for component in components {
            let (field, _) = fields.claim(&names::field(&component.name), "_");
            let field = ident(&field);
            let ty = self.index_field_type(component);
            let encoding = encoding_tokens(component.encoding);
            let field_doc = format!(
                " `{}`{}.",
                component.name,
                if component.implied { " (IMPLIED)" } else { "" }
            );
            decl.push(quote!(#[doc = #field_doc] pub #field: #ty));
            encode.push(quote!(rt::IndexPart::encode_part(&self.#field, #encoding, out);));
            decode.push(quote!(#field: rt::IndexPart::decode_part(arcs, #encoding)?));
        }
        let (out, arcs) = if components.is_empty() {
            (quote!(_out), quote!(_arcs))
        } else {
            (quote!(out), quote!(arcs))
        };
        quote! {
            #[doc = #doc]
            #[derive(Clone, Debug, PartialEq, Eq, Hash)]
            pub struct #name { #(#decl,)* }

            impl rt::Index for #name {
                fn encode(&self, #out: &mut ::std::vec::Vec<u32>) {
                    #(#encode)*
                }
                fn decode(#arcs: &mut &[u32]) -> ::core::result::Result<Self, rt::IndexError> {
                    ::core::result::Result::Ok(Self { #(#decode,)* })
                }
            }
        }
    }

    fn notification(&mut self, n: NodeId) -> TokenStream {
        let model = self.plan.model;
        let node = model.node(n);
        let name = ident(self.plan.node_name(n));
        let mib_name = &node.name;
        let oid = oid_tokens(node.oid.arcs());
        let status = status_tokens(node.status);
        let mut fields = Namespace::default();
        let mut decl = Vec::new();
        let mut oids = Vec::new();
        let mut varbinds = Vec::new();
        let mut left_out = Vec::new();
        for &o in &node.members {
            let object = model.node(o);
            let row = (object.kind == NodeKind::Column)
                .then(|| row_of(model, o))
                .flatten()
                .filter(|&r| self.plan.is_emitted(r));
            let is_scalar = object.kind == NodeKind::Scalar;
            if !self.plan.has_type(o) || !(is_scalar || row.is_some()) {
                left_out.push(object.name.clone());
                continue;
            }
            let (field, _) = fields.claim(&names::field(&object.name), "_");
            let field = ident(&field);
            let item = self.node_path(o);
            let ty = self.value_type(o);
            oids.push(quote!(<#item as rt::ObjectType>::OID));
            match row {
                Some(r) => {
                    let index = self.index_path(r);
                    let doc = format!(" `{}`: the row's index, and the value.", object.name);
                    decl.push(quote!(#[doc = #doc] pub #field: (#index, #ty)));
                    varbinds.push(quote!((<#item as rt::Column>::instance(&self.#field.0), rt::Syntax::to_value(&self.#field.1))));
                }
                None => {
                    let doc = format!(" `{}`.", object.name);
                    decl.push(quote!(#[doc = #doc] pub #field: #ty));
                    varbinds.push(quote!((<#item as rt::Scalar>::instance(), rt::Syntax::to_value(&self.#field))));
                }
            }
        }
        let what = if node.kind == NodeKind::Trap {
            "SMIv1 trap at its SNMPv2 OID"
        } else {
            "notification"
        };
        let mut summary = self.summary(n, what);
        if !left_out.is_empty() {
            summary.push_str(&format!(
                " Objects not typed here (not scalars or columns): `{}`.",
                left_out.join("`, `")
            ));
        }
        let docs = docs::attrs(&summary, node.description.as_deref());
        let (item, body) = if decl.is_empty() {
            (quote!(pub struct #name;), quote!(::std::vec::Vec::new()))
        } else {
            (
                quote!(pub struct #name { #(#decl,)* }),
                quote!(::std::vec![#(#varbinds),*]),
            )
        };
        quote! {
            #docs
            #[derive(Clone, Debug, PartialEq, Eq, Hash)]
            #item

            impl rt::Notification for #name {
                const MODULE: &'static str = MODULE;
                const NAME: &'static str = #mib_name;
                const OID: &'static rt::Oid = #oid;
                const STATUS: rt::Status = #status;
                const OBJECTS: &'static [&'static rt::Oid] = &[#(#oids),*];
                fn varbinds(&self) -> ::std::vec::Vec<(rt::Oid, rt::Value)> {
                    #body
                }
            }
        }
    }
}
