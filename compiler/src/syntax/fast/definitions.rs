//! Definitions on the fast path: the macros and assignments of `smi.pest`, with the
//! checks the lowering makes turned into reasons to give the item to pest.

use super::cursor::Cursor;
use super::{identifier_ok, is_macro_keyword, type_name_ok, value_name_ok};
use crate::syntax::ast::*;
use crate::syntax::lower::{ACCESS_VALUES, STATUS_VALUES, is_integer_syntax, valid_date};

/// The clauses a macro may carry, each kept once (a repeated clause is a diagnostic,
/// so pest's business).
#[derive(Default)]
struct Clauses {
    syntax: Option<Syntax>,
    units: Option<Text>,
    access: Option<Access>,
    status: Option<Ident>,
    description: Option<Text>,
    reference: Option<Text>,
    index: Option<Vec<IndexItem>>,
    augments: Option<Ident>,
    defval: Option<Value>,
    display_hint: Option<Text>,
    members: Option<Vec<Ident>>,
    enterprise: Option<Ident>,
    last_updated: Option<Text>,
    organization: Option<Text>,
    contact_info: Option<Text>,
    revisions: Vec<Revision>,
}

/// Sets `slot` unless it is already set (a repeated clause).
fn once<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value);
    Some(())
}

/// OBJECT-TYPE clauses in the order the SMI fixes (the lowering reports any other).
const OBJECT_TYPE_ORDER: [&str; 9] = [
    "SYNTAX",
    "UNITS",
    "ACCESS",
    "STATUS",
    "DESCRIPTION",
    "REFERENCE",
    "INDEX",
    "AUGMENTS",
    "DEFVAL",
];

impl Cursor<'_> {
    /// A definition: dispatched on what follows its name, where the grammar tries
    /// alternatives in order.
    pub(super) fn definition(&mut self) -> Option<Definition> {
        let start = self.pos;
        let name = self.ident()?;
        self.skip();
        if self.eat("::=").is_some() {
            self.skip();
            if self.keyword("TEXTUAL-CONVENTION").is_some() {
                return self.textual_convention(name, start);
            }
            let syntax = self.syntax()?;
            if !type_name_ok(&name.name) || !sequence_items_ok(&syntax) {
                return None;
            }
            return Some(Definition::TypeAssignment(Box::new(TypeAssignment {
                name,
                syntax,
                span: self.span_from(start),
            })));
        }
        let keyword = self.peek_word()?;
        if keyword == "OBJECT-TYPE" {
            self.pos += keyword.len();
            return self.object_type(name, start);
        }
        if is_macro_keyword(keyword) {
            // `name MACRO ::= value` (a macro with no clause) is a value assignment to
            // pest, whose value assignments come before these macros.
            self.pos += keyword.len();
            if self.peek() == Some(b'.') {
                return None;
            }
            self.skip();
            if self.at("::=") || self.at("{") || self.at("(") {
                return None;
            }
            return self.macro_value(keyword, name, start);
        }
        if keyword == "MACRO" {
            return None;
        }
        self.value_assignment(name, start)
    }

    /// `name Type ::= value`, nearly always `name OBJECT IDENTIFIER ::= { parent n }`.
    fn value_assignment(&mut self, name: Ident, start: usize) -> Option<Definition> {
        let type_start = self.pos;
        let syntax = if self.keyword("OBJECT").is_some() {
            self.skip();
            self.keyword("IDENTIFIER")?;
            Syntax {
                tag: None,
                kind: SyntaxKind::ObjectIdentifier,
                span: self.exact(type_start, self.pos),
            }
        } else {
            self.syntax()?
        };
        self.skip();
        self.eat("::=")?;
        self.skip();
        let value = self.value()?;
        if !value_name_ok(&name.name) {
            return None;
        }
        Some(Definition::ValueAssignment(Box::new(ValueAssignment {
            name,
            syntax,
            value,
            span: self.span_from(start),
        })))
    }

    /// The macros other than OBJECT-TYPE, whose keyword has been read.
    fn macro_value(&mut self, keyword: &str, name: Ident, start: usize) -> Option<Definition> {
        if !value_name_ok(&name.name) {
            return None;
        }
        let allowed: &[&str] = match keyword {
            "MODULE-IDENTITY" => &[
                "LAST-UPDATED",
                "ORGANIZATION",
                "CONTACT-INFO",
                "DESCRIPTION",
                "REVISION",
                "REFERENCE",
                "STATUS",
            ],
            "OBJECT-IDENTITY" | "MODULE-COMPLIANCE" => &["STATUS", "DESCRIPTION", "REFERENCE"],
            "NOTIFICATION-TYPE" | "OBJECT-GROUP" => {
                &["OBJECTS", "STATUS", "DESCRIPTION", "REFERENCE"]
            }
            "NOTIFICATION-GROUP" => &["NOTIFICATIONS", "STATUS", "DESCRIPTION", "REFERENCE"],
            "TRAP-TYPE" => &[
                "ENTERPRISE",
                "VARIABLES",
                "STATUS",
                "DESCRIPTION",
                "REFERENCE",
            ],
            _ => return None,
        };
        let ignores_status = matches!(keyword, "MODULE-IDENTITY" | "TRAP-TYPE");
        let mut clauses = Clauses::default();
        // The blanks after the keyword were skipped by the caller.
        while let Some(word) = self.peek_word().filter(|w| allowed.contains(w)) {
            if word == "STATUS" && ignores_status {
                self.pos += word.len();
                self.skip();
                // The AST keeps no STATUS for these, and the lowering checks none.
                self.ident()?;
            } else if word == "REFERENCE" && keyword == "MODULE-IDENTITY" {
                self.pos += word.len();
                self.skip();
                // Nor a REFERENCE for MODULE-IDENTITY.
                self.string()?;
            } else {
                self.clause(word, &mut clauses)?;
            }
            self.skip();
        }
        let modules = if keyword == "MODULE-COMPLIANCE" {
            self.compliance_modules()?
        } else {
            Vec::new()
        };
        self.eat("::=")?;
        self.skip();
        if keyword == "TRAP-TYPE" {
            let number = self.number()?;
            let enterprise = clauses.enterprise?;
            return Some(Definition::TrapType(Box::new(TrapType {
                enterprise: Some(OidValue {
                    span: enterprise.span,
                    components: vec![OidComponent::Name {
                        module: None,
                        name: enterprise,
                    }],
                }),
                variables: clauses.members.unwrap_or_default(),
                description: clauses.description,
                reference: clauses.reference,
                number: Some(number),
                name,
                span: self.span_from(start),
            })));
        }
        let oid = self.oid_value()?;
        let span = self.span_from(start);
        let status = clauses.status;
        let description = clauses.description;
        let reference = clauses.reference;
        // Clauses whose absence the lowering reports.
        let described = status.is_some() && description.is_some();
        Some(match keyword {
            "MODULE-IDENTITY" => {
                let dates_ok = clauses
                    .last_updated
                    .as_ref()
                    .is_some_and(|d| valid_date(&d.value))
                    && clauses.revisions.iter().all(|r| valid_date(&r.date.value));
                let complete = clauses.organization.is_some()
                    && clauses.contact_info.is_some()
                    && description.is_some();
                if !(dates_ok && complete) {
                    return None;
                }
                Definition::ModuleIdentity(Box::new(ModuleIdentity {
                    name,
                    last_updated: clauses.last_updated,
                    organization: clauses.organization,
                    contact_info: clauses.contact_info,
                    description,
                    revisions: clauses.revisions,
                    oid,
                    span,
                }))
            }
            _ if !described => return None,
            "OBJECT-IDENTITY" => Definition::ObjectIdentity(Box::new(ObjectIdentity {
                name,
                status,
                description,
                reference,
                oid,
                span,
            })),
            "NOTIFICATION-TYPE" => Definition::NotificationType(Box::new(NotificationType {
                name,
                objects: clauses.members.unwrap_or_default(),
                status,
                description,
                reference,
                oid,
                span,
            })),
            "OBJECT-GROUP" | "NOTIFICATION-GROUP" => {
                let group = Group {
                    name,
                    members: clauses.members?,
                    status,
                    description,
                    reference,
                    oid,
                    span,
                };
                if keyword == "OBJECT-GROUP" {
                    Definition::ObjectGroup(Box::new(group))
                } else {
                    Definition::NotificationGroup(Box::new(group))
                }
            }
            "MODULE-COMPLIANCE" => Definition::ModuleCompliance(Box::new(ModuleCompliance {
                name,
                status,
                description,
                reference,
                modules,
                oid,
                span,
            })),
            _ => return None,
        })
    }

    /// OBJECT-TYPE, its keyword read: clauses in the SMI's order, each once.
    fn object_type(&mut self, name: Ident, start: usize) -> Option<Definition> {
        let mut clauses = Clauses::default();
        let mut rank = 0;
        loop {
            self.skip();
            let Some(word) = self.peek_word() else { break };
            let keyword = match word {
                "MAX-ACCESS" | "MIN-ACCESS" => "ACCESS",
                _ => word,
            };
            let Some(position) = OBJECT_TYPE_ORDER.iter().position(|k| *k == keyword) else {
                break;
            };
            if position < rank {
                return None;
            }
            rank = position;
            self.clause(word, &mut clauses)?;
        }
        self.eat("::=")?;
        self.skip();
        let oid = self.oid_value()?;
        let integer = clauses.syntax.as_ref().is_some_and(is_integer_syntax);
        if integer && matches!(clauses.defval, Some(Value::Hex(..) | Value::Binary(..))) {
            return None;
        }
        let syntax = clauses.syntax?;
        if !value_name_ok(&name.name) || !sequence_items_ok(&syntax) {
            return None;
        }
        Some(Definition::ObjectType(Box::new(ObjectType {
            name,
            syntax: Some(syntax),
            units: clauses.units.map(Box::new),
            access: Some(clauses.access?),
            status: Some(clauses.status?),
            description: clauses.description,
            reference: clauses.reference,
            index: clauses.index,
            augments: clauses.augments.map(Box::new),
            defval: clauses.defval.map(Box::new),
            oid,
            span: self.span_from(start),
        })))
    }

    /// `Name ::= TEXTUAL-CONVENTION ...`, its keyword read.
    fn textual_convention(&mut self, name: Ident, start: usize) -> Option<Definition> {
        let mut clauses = Clauses::default();
        loop {
            self.skip();
            match self.peek_word()? {
                "SYNTAX" => break,
                word @ ("DISPLAY-HINT" | "STATUS" | "DESCRIPTION" | "REFERENCE") => {
                    self.clause(word, &mut clauses)?;
                }
                _ => return None,
            }
        }
        self.clause("SYNTAX", &mut clauses)?;
        // `common_clause*` ends the rule: with none, pest keeps the blanks it skipped
        // looking for one; with some, it ends at the last.
        self.skip();
        let mut end = self.pos;
        while let Some(word) = self
            .peek_word()
            .filter(|w| matches!(*w, "STATUS" | "DESCRIPTION" | "REFERENCE"))
        {
            self.clause(word, &mut clauses)?;
            end = self.pos;
            self.skip();
        }
        self.pos = end;
        if !type_name_ok(&name.name) || clauses.status.is_none() || clauses.description.is_none() {
            return None;
        }
        Some(Definition::TextualConvention(Box::new(TextualConvention {
            name,
            display_hint: clauses.display_hint,
            status: clauses.status,
            description: clauses.description,
            reference: clauses.reference,
            syntax: clauses.syntax?,
            span: self.span_from(start),
        })))
    }

    /// One clause introduced by `word` (at the cursor), into its slot.
    fn clause(&mut self, word: &str, clauses: &mut Clauses) -> Option<()> {
        let keyword_start = self.pos;
        self.pos += word.len();
        self.skip();
        match word {
            "SYNTAX" => once(&mut clauses.syntax, self.syntax()?),
            "UNITS" => once(&mut clauses.units, self.string()?),
            "MAX-ACCESS" | "MIN-ACCESS" | "ACCESS" => {
                let keyword = Ident {
                    name: word.to_owned(),
                    span: self.exact(keyword_start, keyword_start + word.len()),
                };
                let value = self.access_value()?;
                once(&mut clauses.access, Access { keyword, value })
            }
            "STATUS" => {
                let status = self.ident()?;
                if !STATUS_VALUES.contains(&status.name.as_str()) {
                    return None;
                }
                once(&mut clauses.status, status)
            }
            "DESCRIPTION" => once(&mut clauses.description, self.string()?),
            "REFERENCE" => once(&mut clauses.reference, self.string()?),
            "DISPLAY-HINT" => once(&mut clauses.display_hint, self.string()?),
            "LAST-UPDATED" => once(&mut clauses.last_updated, self.string()?),
            "ORGANIZATION" => once(&mut clauses.organization, self.string()?),
            "CONTACT-INFO" => once(&mut clauses.contact_info, self.string()?),
            "REVISION" => {
                let date = self.string()?;
                // A DESCRIPTION after a REVISION is its own.
                let description = self.optional_description()?;
                clauses.revisions.push(Revision { date, description });
                Some(())
            }
            "INDEX" => once(&mut clauses.index, self.index_items()?),
            "AUGMENTS" => {
                let row = self.braced_names()?.into_iter().next()?;
                once(&mut clauses.augments, row)
            }
            "DEFVAL" => {
                self.eat("{")?;
                self.skip();
                let value = self.value()?;
                self.skip();
                self.eat("}")?;
                once(&mut clauses.defval, value)
            }
            "OBJECTS" | "NOTIFICATIONS" | "VARIABLES" => {
                once(&mut clauses.members, self.braced_names()?)
            }
            "ENTERPRISE" => once(&mut clauses.enterprise, self.name()?),
            _ => None,
        }
    }

    /// `INDEX { [IMPLIED] name, ... }` naming objects (SMIv1 type indexes go to pest).
    fn index_items(&mut self) -> Option<Vec<IndexItem>> {
        self.comma_list(|c| {
            let implied = c.keyword("IMPLIED").is_some();
            if implied {
                c.skip();
            }
            if matches!(c.peek_word()?, "OCTET" | "OBJECT" | "IMPLIED") {
                return None;
            }
            Some(IndexItem {
                implied,
                name: c.name()?,
            })
        })
    }

    /// `description_clause?` after blanks (which pest keeps even when it is absent).
    fn optional_description(&mut self) -> Option<Option<Text>> {
        self.skip();
        if self.keyword("DESCRIPTION").is_none() {
            return Some(None);
        }
        self.skip();
        Some(Some(self.string()?))
    }

    /// An access value (`read-only`, ...), the keyword before it read.
    fn access_value(&mut self) -> Option<Ident> {
        let value = self.ident()?;
        ACCESS_VALUES
            .contains(&value.name.as_str())
            .then_some(value)
    }

    /// The `MODULE` parts of a MODULE-COMPLIANCE, up to its `::=`.
    fn compliance_modules(&mut self) -> Option<Vec<ComplianceModule>> {
        let mut modules = Vec::new();
        while self.keyword("MODULE").is_some() {
            self.skip();
            let mut module = ComplianceModule {
                module: None,
                mandatory_groups: Vec::new(),
                items: Vec::new(),
            };
            if self.at_name() {
                module.module = Some(self.name()?);
                self.skip();
                if self.at("{") {
                    return None;
                }
            }
            loop {
                match self.peek_word() {
                    Some("MANDATORY-GROUPS") => {
                        self.pos += "MANDATORY-GROUPS".len();
                        self.skip();
                        module.mandatory_groups = self.braced_names()?;
                    }
                    Some("GROUP") => {
                        self.pos += "GROUP".len();
                        self.skip();
                        let name = self.name()?;
                        let description = self.optional_description()?;
                        module
                            .items
                            .push(ComplianceItem::Group { name, description });
                    }
                    Some("OBJECT") => {
                        self.pos += "OBJECT".len();
                        self.skip();
                        let refinement = self.object_refinement()?;
                        module
                            .items
                            .push(ComplianceItem::Object(Box::new(refinement)));
                    }
                    _ => break,
                }
                self.skip();
            }
            modules.push(module);
        }
        Some(modules)
    }

    /// `OBJECT name` and its refinements (a repeated clause replaces the earlier one, as
    /// in the lowering).
    fn object_refinement(&mut self) -> Option<ObjectRefinement> {
        let mut refinement = ObjectRefinement {
            name: self.name()?,
            syntax: None,
            write_syntax: None,
            min_access: None,
            description: None,
        };
        loop {
            self.skip();
            let Some(word) = self.peek_word() else { break };
            match word {
                "SYNTAX" | "WRITE-SYNTAX" => {
                    self.pos += word.len();
                    self.skip();
                    let syntax = Some(self.syntax()?);
                    if word == "SYNTAX" {
                        refinement.syntax = syntax;
                    } else {
                        refinement.write_syntax = syntax;
                    }
                }
                "MIN-ACCESS" | "MAX-ACCESS" | "ACCESS" => {
                    self.pos += word.len();
                    self.skip();
                    refinement.min_access = Some(self.access_value()?);
                }
                "DESCRIPTION" => {
                    self.pos += word.len();
                    self.skip();
                    refinement.description = Some(self.string()?);
                }
                _ => break,
            }
        }
        Some(refinement)
    }
}

/// Whether a SEQUENCE's column names pass the lowering's identifier checks.
fn sequence_items_ok(syntax: &Syntax) -> bool {
    match &syntax.kind {
        SyntaxKind::Sequence(items) => items.iter().all(|i| identifier_ok(&i.name.name)),
        _ => true,
    }
}
