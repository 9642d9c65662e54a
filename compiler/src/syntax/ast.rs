//! The typed syntax tree of one MIB module.
//!
//! Every node carries a [`Span`] into the text of the file it came from, so later
//! stages can point diagnostics at the exact definition, clause or name. The tree
//! records what the text says, quirks included; meaning (OIDs, resolved types) is
//! the resolver's business.

use crate::diagnostic::Span;

/// A name as written, with where it was written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ident {
    /// The name, exactly as spelled in the MIB.
    pub name: String,
    /// Where it stands.
    pub span: Span,
}

/// A string literal with its quotes removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    /// The contents, with doubled quotes (`""`) reduced to one.
    pub value: String,
    /// Where the literal stands, quotes included.
    pub span: Span,
}

/// One parsed module.
#[derive(Clone, Debug, PartialEq)]
pub struct Module {
    /// The module name from `NAME DEFINITIONS ::= BEGIN`.
    pub name: Ident,
    /// SMIv1 or SMIv2, judged from imports and macros used.
    pub language: Language,
    /// `IMPORTS`, one entry per `FROM` clause, in source order.
    pub imports: Vec<Import>,
    /// Whether the module had an `EXPORTS` clause (ignored by SMI, kept for fidelity).
    pub has_exports: bool,
    /// Every definition that parsed, in source order.
    pub definitions: Vec<Definition>,
    /// The whole module, header to `END`.
    pub span: Span,
}

/// Which SMI a module is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// RFC 1155/1212/1215 (imports from RFC1155-SMI, RFC-1212, RFC-1215 or nothing SMIv2).
    SMIv1,
    /// RFC 2578/2579/2580 (imports from SNMPv2-SMI, SNMPv2-TC or SNMPv2-CONF).
    SMIv2,
}

/// `a, b, c FROM MODULE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    /// The names imported.
    pub symbols: Vec<Ident>,
    /// The module they come from.
    pub from: Ident,
    /// The whole clause.
    pub span: Span,
}

/// A top-level definition.
///
/// Every variant is boxed: a module holds thousands of definitions whose sizes differ
/// tenfold, and a list of 16-byte handles plus each definition at its own size takes a
/// fraction of the memory of a list of the largest one (loading is bound by memory).
#[derive(Clone, Debug, PartialEq)]
pub enum Definition {
    /// `name MODULE-IDENTITY ...`
    ModuleIdentity(Box<ModuleIdentity>),
    /// `name OBJECT-IDENTITY ...`
    ObjectIdentity(Box<ObjectIdentity>),
    /// `name OBJECT-TYPE ...` (SMIv1 or SMIv2 form)
    ObjectType(Box<ObjectType>),
    /// `name NOTIFICATION-TYPE ...`
    NotificationType(Box<NotificationType>),
    /// `name TRAP-TYPE ...` (SMIv1, RFC 1215)
    TrapType(Box<TrapType>),
    /// `Name ::= TEXTUAL-CONVENTION ...`
    TextualConvention(Box<TextualConvention>),
    /// `name OBJECT-GROUP ...`
    ObjectGroup(Box<Group>),
    /// `name NOTIFICATION-GROUP ...`
    NotificationGroup(Box<Group>),
    /// `name MODULE-COMPLIANCE ...`
    ModuleCompliance(Box<ModuleCompliance>),
    /// `name AGENT-CAPABILITIES ...`
    AgentCapabilities(Box<AgentCapabilities>),
    /// `Name ::= Type`
    TypeAssignment(Box<TypeAssignment>),
    /// `name Type ::= value`, usually `name OBJECT IDENTIFIER ::= { parent n }`
    ValueAssignment(Box<ValueAssignment>),
    /// `NAME MACRO ::= BEGIN ... END` (body skipped, as the SMI prescribes)
    Macro(Box<MacroDefinition>),
}

/// `$body` with `$d` bound to the definition inside whichever variant `$value` is: every
/// variant has a `name` and a `span`.
macro_rules! each_definition {
    ($value:expr, $d:ident => $body:expr) => {
        match $value {
            Definition::ModuleIdentity($d) => $body,
            Definition::ObjectIdentity($d) => $body,
            Definition::ObjectType($d) => $body,
            Definition::NotificationType($d) => $body,
            Definition::TrapType($d) => $body,
            Definition::TextualConvention($d) => $body,
            Definition::ObjectGroup($d) | Definition::NotificationGroup($d) => $body,
            Definition::ModuleCompliance($d) => $body,
            Definition::AgentCapabilities($d) => $body,
            Definition::TypeAssignment($d) => $body,
            Definition::ValueAssignment($d) => $body,
            Definition::Macro($d) => $body,
        }
    };
}

impl Definition {
    /// The name being defined.
    pub fn name(&self) -> &Ident {
        each_definition!(self, d => &d.name)
    }

    /// The name being defined, to change or take.
    pub fn name_mut(&mut self) -> &mut Ident {
        each_definition!(self, d => &mut d.name)
    }

    /// The whole definition.
    pub fn span(&self) -> Span {
        each_definition!(self, d => d.span)
    }

    /// The macro or assignment kind, as the MIB spells it.
    pub fn kind(&self) -> &'static str {
        match self {
            Definition::ModuleIdentity(_) => "MODULE-IDENTITY",
            Definition::ObjectIdentity(_) => "OBJECT-IDENTITY",
            Definition::ObjectType(_) => "OBJECT-TYPE",
            Definition::NotificationType(_) => "NOTIFICATION-TYPE",
            Definition::TrapType(_) => "TRAP-TYPE",
            Definition::TextualConvention(_) => "TEXTUAL-CONVENTION",
            Definition::ObjectGroup(_) => "OBJECT-GROUP",
            Definition::NotificationGroup(_) => "NOTIFICATION-GROUP",
            Definition::ModuleCompliance(_) => "MODULE-COMPLIANCE",
            Definition::AgentCapabilities(_) => "AGENT-CAPABILITIES",
            Definition::TypeAssignment(_) => "type assignment",
            Definition::ValueAssignment(_) => "value assignment",
            Definition::Macro(_) => "MACRO",
        }
    }
}

/// `MODULE-IDENTITY` (RFC 2578 §2).
#[derive(Clone, Debug, PartialEq)]
pub struct ModuleIdentity {
    /// The descriptor.
    pub name: Ident,
    /// `LAST-UPDATED`.
    pub last_updated: Option<Text>,
    /// `ORGANIZATION`.
    pub organization: Option<Text>,
    /// `CONTACT-INFO`.
    pub contact_info: Option<Text>,
    /// `DESCRIPTION`.
    pub description: Option<Text>,
    /// `REVISION` clauses, newest first as written.
    pub revisions: Vec<Revision>,
    /// The assigned OID.
    pub oid: OidValue,
    /// The whole definition.
    pub span: Span,
}

/// `REVISION "date" DESCRIPTION "text"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revision {
    /// The revision date as written.
    pub date: Text,
    /// What changed.
    pub description: Option<Text>,
}

/// `OBJECT-IDENTITY` (RFC 2578 §3).
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectIdentity {
    /// The descriptor.
    pub name: Ident,
    /// `STATUS`.
    pub status: Option<Ident>,
    /// `DESCRIPTION`.
    pub description: Option<Text>,
    /// `REFERENCE`.
    pub reference: Option<Text>,
    /// The assigned OID.
    pub oid: OidValue,
    /// The whole definition.
    pub span: Span,
}

/// `OBJECT-TYPE` in SMIv1 (RFC 1212) or SMIv2 (RFC 2578 §7) form.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectType {
    /// The descriptor.
    pub name: Ident,
    /// `SYNTAX`.
    pub syntax: Option<Syntax>,
    /// `UNITS` (boxed, as the clause is rare: objects are the most numerous node).
    pub units: Option<Box<Text>>,
    /// `MAX-ACCESS` (SMIv2) or `ACCESS` (SMIv1).
    pub access: Option<Access>,
    /// `STATUS`.
    pub status: Option<Ident>,
    /// `DESCRIPTION`.
    pub description: Option<Text>,
    /// `REFERENCE`.
    pub reference: Option<Text>,
    /// `INDEX { ... }`.
    pub index: Option<Vec<IndexItem>>,
    /// `AUGMENTS { row }` (boxed, as rare).
    pub augments: Option<Box<Ident>>,
    /// `DEFVAL { ... }` (boxed, as rare).
    pub defval: Option<Box<Value>>,
    /// The assigned OID.
    pub oid: OidValue,
    /// The whole definition.
    pub span: Span,
}

/// An access clause and which keyword introduced it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Access {
    /// `MAX-ACCESS`, `ACCESS` or `MIN-ACCESS`.
    pub keyword: Ident,
    /// The access value (`read-only`, `read-create`, ...).
    pub value: Ident,
}

/// One component of an `INDEX` clause.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexItem {
    /// Whether `IMPLIED` precedes it.
    pub implied: bool,
    /// The object (SMIv2) or type (SMIv1 allows `INTEGER`, `OCTET STRING`, ...).
    pub name: Ident,
}

/// `NOTIFICATION-TYPE` (RFC 2578 §8).
#[derive(Clone, Debug, PartialEq)]
pub struct NotificationType {
    /// The descriptor.
    pub name: Ident,
    /// `OBJECTS { ... }`.
    pub objects: Vec<Ident>,
    /// `STATUS`.
    pub status: Option<Ident>,
    /// `DESCRIPTION`.
    pub description: Option<Text>,
    /// `REFERENCE`.
    pub reference: Option<Text>,
    /// The assigned OID.
    pub oid: OidValue,
    /// The whole definition.
    pub span: Span,
}

/// `TRAP-TYPE` (RFC 1215).
#[derive(Clone, Debug, PartialEq)]
pub struct TrapType {
    /// The descriptor.
    pub name: Ident,
    /// `ENTERPRISE`: a name, or (a vendor quirk) a braced OID.
    pub enterprise: Option<OidValue>,
    /// `VARIABLES { ... }`.
    pub variables: Vec<Ident>,
    /// `DESCRIPTION`.
    pub description: Option<Text>,
    /// `REFERENCE`.
    pub reference: Option<Text>,
    /// The specific-trap number.
    pub number: Option<Number>,
    /// The whole definition.
    pub span: Span,
}

/// `TEXTUAL-CONVENTION` (RFC 2579).
#[derive(Clone, Debug, PartialEq)]
pub struct TextualConvention {
    /// The type name.
    pub name: Ident,
    /// `DISPLAY-HINT`.
    pub display_hint: Option<Text>,
    /// `STATUS`.
    pub status: Option<Ident>,
    /// `DESCRIPTION`.
    pub description: Option<Text>,
    /// `REFERENCE`.
    pub reference: Option<Text>,
    /// `SYNTAX`.
    pub syntax: Syntax,
    /// The whole definition.
    pub span: Span,
}

/// `OBJECT-GROUP` or `NOTIFICATION-GROUP` (RFC 2580 §3, §4).
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// The descriptor.
    pub name: Ident,
    /// `OBJECTS { ... }` or `NOTIFICATIONS { ... }`.
    pub members: Vec<Ident>,
    /// `STATUS`.
    pub status: Option<Ident>,
    /// `DESCRIPTION`.
    pub description: Option<Text>,
    /// `REFERENCE`.
    pub reference: Option<Text>,
    /// The assigned OID.
    pub oid: OidValue,
    /// The whole definition.
    pub span: Span,
}

/// `MODULE-COMPLIANCE` (RFC 2580 §5).
#[derive(Clone, Debug, PartialEq)]
pub struct ModuleCompliance {
    /// The descriptor.
    pub name: Ident,
    /// `STATUS`.
    pub status: Option<Ident>,
    /// `DESCRIPTION`.
    pub description: Option<Text>,
    /// `REFERENCE`.
    pub reference: Option<Text>,
    /// `MODULE` clauses.
    pub modules: Vec<ComplianceModule>,
    /// The assigned OID.
    pub oid: OidValue,
    /// The whole definition.
    pub span: Span,
}

/// `MODULE [name] MANDATORY-GROUPS { ... } GROUP ... OBJECT ...`.
#[derive(Clone, Debug, PartialEq)]
pub struct ComplianceModule {
    /// The module named, or `None` for the current module.
    pub module: Option<Ident>,
    /// `MANDATORY-GROUPS`.
    pub mandatory_groups: Vec<Ident>,
    /// `GROUP` and `OBJECT` refinements.
    pub items: Vec<ComplianceItem>,
}

/// A conditional group or an object refinement in a compliance module.
#[derive(Clone, Debug, PartialEq)]
pub enum ComplianceItem {
    /// `GROUP name DESCRIPTION "..."`.
    Group {
        /// The group.
        name: Ident,
        /// Why it is conditional.
        description: Option<Text>,
    },
    /// `OBJECT name [SYNTAX ...] [WRITE-SYNTAX ...] [MIN-ACCESS ...] DESCRIPTION "..."`.
    Object(Box<ObjectRefinement>),
}

/// An `OBJECT` refinement in a compliance module.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectRefinement {
    /// The object refined.
    pub name: Ident,
    /// `SYNTAX` refinement.
    pub syntax: Option<Syntax>,
    /// `WRITE-SYNTAX` refinement.
    pub write_syntax: Option<Syntax>,
    /// `MIN-ACCESS`.
    pub min_access: Option<Ident>,
    /// Why.
    pub description: Option<Text>,
}

/// `AGENT-CAPABILITIES` (RFC 2580 §6).
#[derive(Clone, Debug, PartialEq)]
pub struct AgentCapabilities {
    /// The descriptor.
    pub name: Ident,
    /// `PRODUCT-RELEASE`.
    pub product_release: Option<Text>,
    /// `STATUS`.
    pub status: Option<Ident>,
    /// `DESCRIPTION`.
    pub description: Option<Text>,
    /// `REFERENCE`.
    pub reference: Option<Text>,
    /// `SUPPORTS` clauses.
    pub supports: Vec<SupportsModule>,
    /// The assigned OID.
    pub oid: OidValue,
    /// The whole definition.
    pub span: Span,
}

/// `SUPPORTS module INCLUDES { groups } VARIATION ...`.
#[derive(Clone, Debug, PartialEq)]
pub struct SupportsModule {
    /// The module supported.
    pub module: Ident,
    /// `INCLUDES { ... }`.
    pub includes: Vec<Ident>,
    /// `VARIATION` clauses.
    pub variations: Vec<Variation>,
}

/// `VARIATION name ...` in AGENT-CAPABILITIES.
#[derive(Clone, Debug, PartialEq)]
pub struct Variation {
    /// The object or notification varied.
    pub name: Ident,
    /// `SYNTAX`.
    pub syntax: Option<Syntax>,
    /// `WRITE-SYNTAX`.
    pub write_syntax: Option<Syntax>,
    /// `ACCESS`.
    pub access: Option<Ident>,
    /// `CREATION-REQUIRES { ... }`.
    pub creation_requires: Vec<Ident>,
    /// `DEFVAL { ... }`.
    pub defval: Option<Value>,
    /// `DESCRIPTION`.
    pub description: Option<Text>,
}

/// `Name ::= Type`.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeAssignment {
    /// The type name.
    pub name: Ident,
    /// The type.
    pub syntax: Syntax,
    /// The whole definition.
    pub span: Span,
}

/// `name Type ::= value`.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueAssignment {
    /// The value name.
    pub name: Ident,
    /// The declared type (`OBJECT IDENTIFIER` in almost every MIB).
    pub syntax: Syntax,
    /// The value.
    pub value: Value,
    /// The whole definition.
    pub span: Span,
}

/// `NAME MACRO ::= BEGIN ... END`; SMI macros are built in, so only the name is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MacroDefinition {
    /// The macro name.
    pub name: Ident,
    /// The whole definition.
    pub span: Span,
}

/// A type as written after `SYNTAX` or `::=`.
#[derive(Clone, Debug, PartialEq)]
pub struct Syntax {
    /// An ASN.1 tag such as `[APPLICATION 4] IMPLICIT`, as in the base modules.
    pub tag: Option<Tag>,
    /// The type itself.
    pub kind: SyntaxKind,
    /// Where it stands.
    pub span: Span,
}

/// `[APPLICATION n]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tag {
    /// `APPLICATION`, `UNIVERSAL`, `PRIVATE` or context-specific.
    pub class: TagClass,
    /// The tag number.
    pub number: u32,
    /// Whether `IMPLICIT` follows.
    pub implicit: bool,
}

/// The class of an ASN.1 tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TagClass {
    /// `[UNIVERSAL n]`.
    Universal,
    /// `[APPLICATION n]`.
    Application,
    /// `[n]`.
    Context,
    /// `[PRIVATE n]`.
    Private,
}

/// The shapes a type can take.
#[derive(Clone, Debug, PartialEq)]
pub enum SyntaxKind {
    /// `INTEGER`, with optional named numbers and range.
    Integer {
        /// `{ name(n), ... }`.
        named: Vec<NamedNumber>,
        /// `(lo..hi | ...)`.
        constraint: Option<Box<Constraint>>,
    },
    /// `OCTET STRING`, with optional size.
    OctetString {
        /// `(SIZE (...))`.
        constraint: Option<Box<Constraint>>,
    },
    /// `OBJECT IDENTIFIER`.
    ObjectIdentifier,
    /// `BITS { name(n), ... }`.
    Bits {
        /// The named bits.
        named: Vec<NamedNumber>,
    },
    /// `SEQUENCE { name Type, ... }` (a conceptual row).
    Sequence(Vec<SequenceItem>),
    /// `SEQUENCE OF Entry` (a conceptual table).
    SequenceOf(Box<Syntax>),
    /// `CHOICE { name Type, ... }` (only in base modules).
    Choice(Vec<SequenceItem>),
    /// A named type, possibly refined: `DisplayString (SIZE (0..32))`, `Integer32 (1..10)`.
    Named {
        /// The optional module qualifier (`SNMPv2-TC.DisplayString`), boxed as rare.
        module: Option<Box<Ident>>,
        /// The type name.
        name: Ident,
        /// Enumeration refinement (`RowStatus { active(1) }`).
        named: Vec<NamedNumber>,
        /// Range or size refinement.
        constraint: Option<Box<Constraint>>,
    },
}

/// `name(number)` in an enumeration or BITS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedNumber {
    /// The label.
    pub name: Ident,
    /// The value.
    pub value: Number,
}

/// `name Type` inside SEQUENCE or CHOICE.
#[derive(Clone, Debug, PartialEq)]
pub struct SequenceItem {
    /// The column or alternative.
    pub name: Ident,
    /// Its type.
    pub syntax: Syntax,
}

/// A subtype constraint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Constraint {
    /// `(SIZE (...))`.
    Size(Vec<Range>, Span),
    /// `(lo..hi | ...)`.
    Range(Vec<Range>, Span),
}

/// `lo` or `lo..hi`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Range {
    /// Lower bound (or the single value).
    pub low: RangeValue,
    /// Upper bound, when a range.
    pub high: Option<RangeValue>,
}

/// A bound of a range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RangeValue {
    /// A decimal number.
    Number(Number),
    /// `'0A'H`.
    Hex(String, Span),
    /// `'0101'B`.
    Binary(String, Span),
    /// `MIN`, `MAX` or another name.
    Name(Ident),
}

/// An integer literal, kept exact (SMI ranges reach 2^64 - 1).
///
/// Packed to 8-byte alignment: an `i128` would otherwise align every OID component,
/// range and enumeration that holds a number to 16 bytes, and pad them to match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C, packed(8))]
pub struct Number {
    /// The value (0 when it does not fit 128 bits, which is reported as an error).
    pub value: i128,
    /// Where it stands.
    pub span: Span,
}

/// A value: in `DEFVAL` or a value assignment.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A decimal number.
    Number(Number),
    /// `'..'H`.
    Hex(String, Span),
    /// `'..'B`.
    Binary(String, Span),
    /// `"..."`.
    String(Text),
    /// An enumeration label or object name.
    Name(Ident),
    /// `{ ... }`: an OID value, a BITS set or an empty set.
    Braced(Vec<BracedItem>, Span),
    /// `0.0`: an OID in dotted form (a vendor quirk).
    DottedOid(Vec<u32>, Span),
}

/// An element of a braced value.
#[derive(Clone, Debug, PartialEq)]
pub enum BracedItem {
    /// `name(n)`.
    NamedNumber(Ident, Number),
    /// `n`.
    Number(Number),
    /// `name`.
    Name(Ident),
    /// A nested `{ ... }`.
    Braced(Vec<BracedItem>, Span),
}

/// `{ parent 1 2 }`, `{ iso(1) org(3) }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OidValue {
    /// The components in order.
    pub components: Vec<OidComponent>,
    /// Where the braces stand.
    pub span: Span,
}

/// A component of an OID value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OidComponent {
    /// `name`, possibly qualified as `MODULE.name`.
    Name {
        /// The qualifying module, if any.
        module: Option<Ident>,
        /// The name.
        name: Ident,
    },
    /// `n`.
    Number(Number),
    /// `name(n)`.
    NamedNumber(Ident, Number),
}

#[cfg(all(test, target_pointer_width = "64"))]
mod tests {
    use super::*;

    /// A large load holds hundreds of thousands of these at once, and loading is bound by
    /// memory (ARCHITECTURE.md, "Performance"): growing them is a choice to make on
    /// purpose, not by adding a field.
    #[test]
    fn the_most_numerous_nodes_stay_compact() {
        use std::mem::size_of;
        assert_eq!(size_of::<Definition>(), 16);
        assert_eq!(size_of::<Number>(), 24);
        assert!(size_of::<OidComponent>() <= 64);
        assert!(size_of::<Syntax>() <= 88);
        assert!(size_of::<ObjectType>() <= 368);
        assert!(size_of::<SequenceItem>() <= 120);
    }
}
