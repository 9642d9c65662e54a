//! Lowering: pest pairs to the typed AST, in one place, one `lower_<rule>` per rule.
//!
//! The module is parsed item by item. An item that fails to parse becomes one
//! diagnostic (pest's furthest failure, phrased for people) and is skipped to the next
//! plausible definition. Clauses are collected in any order and checked here, so that
//! missing, repeated or misplaced clauses get their own precise diagnostics.

use pest::Parser;
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::{Pair, Pairs};

use super::Item;
use super::ast::*;
use super::grammar::{Rule, SmiParser};
use crate::diagnostic::{Code, Diagnostic, Span};

type P<'i> = Pair<'i, Rule>;

pub(super) struct Lowerer<'t> {
    /// The module's text (from its name to its END).
    text: &'t str,
    /// Where `text` starts in the file, added to every span.
    base: usize,
    /// Where the item being lowered starts in `text` (pest positions are relative to it).
    item: usize,
    /// Whether items are offered to the fast path before pest.
    fast: bool,
    pub(super) diagnostics: Vec<Diagnostic>,
}

impl<'t> Lowerer<'t> {
    pub(super) fn new(text: &'t str, base: usize, fast: bool) -> Self {
        Lowerer {
            text,
            base,
            item: 0,
            fast,
            diagnostics: Vec::new(),
        }
    }

    /// Where a pair stands in the file. Trailing blanks that pest attached (an optional
    /// element that was tried and absent) are not part of it.
    fn span(&self, pair: &P<'_>) -> Span {
        let start = self.base + self.item + pair.as_span().start();
        Span::new(start, start + pair.as_str().trim_end().len())
    }

    fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    // ------------------------------------------------------------------ driver

    /// Parses the whole module text. `None` when even the header does not parse.
    pub(super) fn module(&mut self, has_end: bool) -> Option<Module> {
        let header = match SmiParser::parse(Rule::header_item, self.text) {
            Ok(mut pairs) => pairs
                .next()?
                .into_inner()
                .find(|p| p.as_rule() == Rule::header)?,
            Err(err) => {
                self.parse_error(&err, 0);
                return None;
            }
        };
        let mut inner = header.clone().into_inner();
        let name = self.ident(inner.next()?);
        self.check_module_name(&name);
        let mut pos = header.as_span().end();

        let mut imports = Vec::new();
        let mut has_exports = false;
        let mut definitions = Vec::new();
        let mut last_failure: Option<usize> = None;
        loop {
            let rest = &self.text[pos..];
            if at_module_end(rest) {
                break;
            }
            let fast = self.fast.then(|| super::fast::item(rest, self.base + pos));
            if let Some((item, end)) = fast.flatten() {
                match item {
                    Item::Imports(list) => imports.extend(list),
                    Item::Exports => has_exports = true,
                    Item::Definition(def) => definitions.push(def),
                }
                pos += end;
                last_failure = None;
                continue;
            }
            match SmiParser::parse(Rule::item, rest) {
                Ok(mut pairs) => {
                    let Some(item) = pairs.next() else { break };
                    let end = item.as_span().end();
                    self.item = pos;
                    let lowered = item
                        .into_inner()
                        .find(|p| p.as_rule() != Rule::EOI)
                        .and_then(|p| self.item(p));
                    self.item = 0;

                    match lowered {
                        Some(Item::Imports(list)) => imports.extend(list),
                        Some(Item::Exports) => has_exports = true,
                        Some(Item::Definition(def)) => definitions.push(def),
                        None => {}
                    }
                    if end == 0 {
                        break; // cannot happen (every item consumes), but never loop forever
                    }
                    pos += end;
                    last_failure = None;
                }
                Err(err) => {
                    // Consecutive failures are one broken stretch: report its first error only.
                    if last_failure.is_none() {
                        let detailed = detailed_error(Rule::item, rest);
                        self.parse_error(detailed.as_ref().unwrap_or(&err), pos);
                    }
                    last_failure = Some(pos);
                    let skipped = match SmiParser::parse(Rule::skip_item, rest) {
                        Ok(pairs) => pairs.last().map_or(rest.len(), |p| p.as_span().end()),
                        Err(_) => rest.len(),
                    };
                    pos += skipped.max(1).min(rest.len());
                    if skipped == 0 || pos >= self.text.len() {
                        break;
                    }
                    // A fresh macro definition is a fresh start: its own errors are news.
                    if starts_macro_definition(&self.text[pos..]) {
                        last_failure = None;
                    }
                }
            }
        }
        if !has_end {
            self.push(
                Diagnostic::new(
                    Code::MissingEnd,
                    format!("module {} ends without END", name.name),
                )
                .at(
                    Span::new(
                        self.base + self.text.trim_end().len(),
                        self.base + self.text.trim_end().len(),
                    ),
                    "END expected here",
                )
                .also(name.span, "module starts here")
                .help("add `END` after the last definition"),
            );
        }
        let language = language_of(&name.name, &imports, &definitions);
        let module = Module {
            name,
            language,
            imports,
            has_exports,
            definitions,
            span: Span::new(self.base, self.base + self.text.len()),
        };
        self.check_module(&module);
        Some(module)
    }

    /// Turns pest's furthest failure into one diagnostic at the offending token.
    fn parse_error(&mut self, err: &pest::error::Error<Rule>, pos: usize) {
        let at = match err.location {
            InputLocation::Pos(p) => p,
            InputLocation::Span((s, _)) => s,
        } + pos;
        let found = token_at(self.text, at);
        let mut expected: Vec<String> = match &err.variant {
            ErrorVariant::ParsingError { positives, .. } => {
                positives.iter().map(|r| r.describe()).collect()
            }
            ErrorVariant::CustomError { message } => vec![message.clone()],
        };
        if let Some(attempts) = err.parse_attempts() {
            // Literal punctuation is worth naming; blanks, comment and quote openers are
            // the grammar's plumbing, not what the author forgot.
            for token in attempts.expected_tokens() {
                let token = token.to_string();
                let plumbing = matches!(token.as_str(), "--" | "\"" | "'" | "\"\"");
                // Keywords are named by their rules already; literals add the punctuation.
                let punctuation = !token
                    .contains(|c: char| c.is_alphanumeric() || c.is_whitespace() || c.is_control());
                if !plumbing && punctuation {
                    expected.push(format!("`{token}`"));
                }
            }
        }
        expected.sort();
        expected.dedup();
        expected.retain(|e| !e.is_empty());
        let (message, label) = if found.is_empty() {
            (
                "unexpected end of module".to_string(),
                "the module ends here".to_string(),
            )
        } else {
            (
                format!("unexpected `{}`", shorten(found)),
                "not expected here".to_string(),
            )
        };
        let mut diagnostic = Diagnostic::new(Code::UnexpectedToken, message).at(
            Span::new(
                self.base + at,
                self.base + at + found.len().max(if at < self.text.len() { 1 } else { 0 }),
            ),
            label,
        );
        if !expected.is_empty() {
            diagnostic = diagnostic.help(format!("expected {}", join_or(&expected)));
        }
        // An unclosed `{` before the failure is nearly always the cause.
        {
            if let Some(open) = unclosed_brace(&self.text[pos..at]) {
                let open = self.base + pos + open;
                diagnostic = diagnostic.also(Span::new(open, open + 1), "this `{` is never closed");
            }
        }
        let glued_to_string = self.text[..at].ends_with('"') && !found.is_empty();
        let hint = if glued_to_string {
            Some("a `\"` inside a string ends it early; SMI strings cannot contain `\"` (use `'`)")
        } else {
            hint_for(found)
        };
        if let Some(hint) = hint {
            let help = diagnostic
                .help
                .take()
                .map_or(hint.to_string(), |h| format!("{h}; {hint}"));
            diagnostic = diagnostic.help(help);
        }
        self.push(diagnostic);
    }

    fn item(&mut self, pair: P<'_>) -> Option<Item> {
        Some(match pair.as_rule() {
            Rule::imports => Item::Imports(self.imports(pair)),
            Rule::exports => Item::Exports,
            _ => Item::Definition(self.definition(pair)?),
        })
    }

    // ------------------------------------------------------------------ lexical

    fn ident(&mut self, pair: P<'_>) -> Ident {
        // `name`, `import_symbol` wrap an `ident`; unwrap to it for the exact span.
        let pair = match pair.as_rule() {
            Rule::ident => pair,
            _ => pair
                .clone()
                .into_inner()
                .find(|p| p.as_rule() == Rule::ident)
                .unwrap_or(pair),
        };
        Ident {
            name: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    fn text(&mut self, pair: P<'_>) -> Text {
        let span = self.span(&pair);
        let raw = pair.as_str();
        let inner = raw
            .strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .unwrap_or(raw);
        // A quote inside a string can only be half of a doubled quote: most strings have
        // none, and a byte search spares them the pattern search of `replace`.
        let value = if inner.contains('"') {
            inner.replace("\"\"", "\"")
        } else {
            inner.to_owned()
        };
        Text { value, span }
    }

    /// The string inside a clause such as `DESCRIPTION "..."`.
    fn clause_text(&mut self, pair: P<'_>) -> Option<Text> {
        let string = pair.into_inner().find(|p| p.as_rule() == Rule::string)?;
        Some(self.text(string))
    }

    /// The name inside a clause such as `STATUS current`.
    fn clause_ident(&mut self, pair: P<'_>) -> Option<Ident> {
        let rule = pair.as_rule();
        let ident = pair.into_inner().find(|p| p.as_rule() == Rule::ident)?;
        let ident = self.ident(ident);
        match rule {
            Rule::status_clause => self.check_keyword_value(&ident, "STATUS", STATUS_VALUES),
            Rule::access_clause => self.check_keyword_value(&ident, "access", ACCESS_VALUES),
            _ => {}
        }
        Some(ident)
    }

    fn check_keyword_value(&mut self, value: &Ident, clause: &str, allowed: &[&str]) {
        if allowed.contains(&value.name.as_str()) {
            return;
        }
        let close = allowed
            .iter()
            .find(|a| a.eq_ignore_ascii_case(&value.name) || edit_distance(a, &value.name) <= 2);
        let help = match close {
            Some(suggestion) => format!("did you mean `{suggestion}`?"),
            None => format!("{clause} is one of {}", allowed.join(", ")),
        };
        self.push(
            Diagnostic::new(
                Code::InvalidKeywordValue,
                format!("`{}` is not a valid {clause} value", value.name),
            )
            .at(value.span, "unknown value")
            .help(help),
        );
    }

    fn number(&mut self, pair: P<'_>) -> Number {
        let span = self.span(&pair);
        // The SMI's numbers span Integer32, Unsigned32 and Counter64: -2^63 .. 2^64-1.
        let range = -(1i128 << 63)..=i128::from(u64::MAX);
        let value = match pair.as_str().parse::<i128>() {
            Ok(value) if range.contains(&value) => value,
            _ => {
                self.push(
                    Diagnostic::new(Code::NumberOverflow, "number is out of the SMI's range")
                        .at(span, "too large")
                        .help("SMI numbers lie between -2^63 and 2^64-1"),
                );
                0
            }
        };
        Number { value, span }
    }

    /// Items of a comma-separated list, reporting missing and trailing commas.
    fn separated<'i>(&mut self, pairs: Pairs<'i, Rule>) -> Vec<P<'i>> {
        self.separated_vec(pairs.collect())
    }

    fn name_list(&mut self, pair: P<'_>) -> Vec<Ident> {
        let list = match pair.as_rule() {
            Rule::name_list => pair,
            _ => match pair.into_inner().find(|p| p.as_rule() == Rule::name_list) {
                Some(list) => list,
                None => return Vec::new(),
            },
        };
        self.separated(list.into_inner())
            .into_iter()
            .map(|p| self.ident(p))
            .collect()
    }

    // ------------------------------------------------------------------ imports

    fn imports(&mut self, pair: P<'_>) -> Vec<Import> {
        let mut imports = Vec::new();
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::import_list => {
                    let span = self.span(&child);
                    let mut inner: Vec<P<'_>> = child.into_inner().collect();
                    let from_at = inner
                        .iter()
                        .position(|p| p.as_rule() == Rule::kw_FROM)
                        .unwrap_or(inner.len());
                    let tail = inner.split_off(from_at);
                    let mut symbols = Vec::new();
                    let items = self.separated_vec(inner);
                    for symbol in items {
                        symbols.push(self.ident(symbol));
                    }
                    let Some(from) = tail.into_iter().find(|p| p.as_rule() == Rule::ident) else {
                        continue;
                    };
                    let from = self.ident(from);
                    imports.push(Import {
                        symbols,
                        from,
                        span,
                    });
                }
                Rule::import_end if child.as_str().is_empty() => {
                    let end = imports
                        .last()
                        .map_or(self.span(&child).start, |i: &Import| i.span.end);
                    let span = Span::new(end as usize, end as usize);
                    self.push(
                        Diagnostic::new(Code::MissingSemicolon, "IMPORTS is not closed by `;`")
                            .at(span, "`;` expected here")
                            .help("end the IMPORTS clause with `;`"),
                    );
                }
                _ => {}
            }
        }
        imports
    }

    /// [`Self::separated`] over siblings already collected.
    fn separated_vec<'i>(&mut self, pairs: Vec<P<'i>>) -> Vec<P<'i>> {
        let mut items = Vec::new();
        for (i, pair) in pairs.iter().enumerate() {
            if pair.as_rule() != Rule::separator {
                items.push(pair.clone());
                continue;
            }
            let next_item = pairs
                .iter()
                .skip(i + 1)
                .find(|p| p.as_rule() != Rule::separator);
            let comma = !pair.as_str().is_empty();
            match (next_item, comma) {
                (None, true) => {
                    let span = self.span(pair);
                    self.push(
                        Diagnostic::new(Code::TrailingComma, "trailing comma at the end of a list")
                            .at(span, "remove this comma"),
                    );
                }
                (Some(next), false) if !items.is_empty() => {
                    let span = self.span(next);
                    self.push(
                        Diagnostic::new(
                            Code::MissingComma,
                            "list items are not separated by a comma",
                        )
                        .at(
                            Span::new(span.start as usize, span.start as usize),
                            "comma expected before this item",
                        )
                        .help("separate list items with `,`"),
                    );
                }
                _ => {}
            }
        }
        items
    }

    // ------------------------------------------------------------------ definitions

    fn definition(&mut self, pair: P<'_>) -> Option<Definition> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let mut inner = pair.into_inner();
        let name = self.ident(inner.next()?);
        let mut clauses = Clauses::default();
        let mut oid = None;
        let mut rest = Vec::new();
        for child in inner {
            match child.as_rule() {
                Rule::oid_value => oid = Some(child),
                r if is_clause(r) => clauses.push(child),
                _ => rest.push(child),
            }
        }
        let oid = match oid {
            Some(pair) => self.oid_value(pair),
            None => OidValue {
                components: Vec::new(),
                span,
            },
        };
        let definition = match rule {
            Rule::module_identity => {
                let revisions = clauses
                    .take_all(Rule::revision_clause)
                    .into_iter()
                    .filter_map(|r| {
                        let mut it = r.into_inner();
                        let date = it.find(|p| p.as_rule() == Rule::string)?;
                        let date = self.text(date);
                        let description = it.find(|p| p.as_rule() == Rule::description_clause);
                        let description = description.and_then(|d| self.clause_text(d));
                        Some(Revision { date, description })
                    })
                    .collect();
                let mi = ModuleIdentity {
                    last_updated: self.take_text(&mut clauses, Rule::last_updated_clause),
                    organization: self.take_text(&mut clauses, Rule::organization_clause),
                    contact_info: self.take_text(&mut clauses, Rule::contact_info_clause),
                    description: self.take_text(&mut clauses, Rule::description_clause),
                    revisions,
                    name,
                    oid,
                    span,
                };
                self.require_soft(
                    &mi.name,
                    "MODULE-IDENTITY",
                    &[
                        ("LAST-UPDATED", mi.last_updated.is_some()),
                        ("ORGANIZATION", mi.organization.is_some()),
                        ("CONTACT-INFO", mi.contact_info.is_some()),
                        ("DESCRIPTION", mi.description.is_some()),
                    ],
                );
                if let Some(date) = &mi.last_updated {
                    self.check_date(date, "LAST-UPDATED");
                }
                for revision in &mi.revisions {
                    self.check_date(&revision.date, "REVISION");
                }
                Definition::ModuleIdentity(Box::new(mi))
            }
            Rule::object_identity => {
                let oi = ObjectIdentity {
                    status: self.take_ident(&mut clauses, Rule::status_clause),
                    description: self.take_text(&mut clauses, Rule::description_clause),
                    reference: self.take_text(&mut clauses, Rule::reference_clause),
                    name,
                    oid,
                    span,
                };
                self.require_soft(
                    &oi.name,
                    "OBJECT-IDENTITY",
                    &[
                        ("STATUS", oi.status.is_some()),
                        ("DESCRIPTION", oi.description.is_some()),
                    ],
                );
                Definition::ObjectIdentity(Box::new(oi))
            }
            Rule::object_type => {
                self.check_order(&clauses, &name, OBJECT_TYPE_ORDER);
                let syntax = clauses
                    .take(Rule::syntax_clause, self)
                    .and_then(|c| self.syntax_in(c));
                let access = clauses.take(Rule::access_clause, self).and_then(|c| {
                    let mut it = c.into_inner();
                    let keyword = it.next()?;
                    let keyword = Ident {
                        name: keyword.as_str().to_string(),
                        span: self.span(&keyword),
                    };
                    let value = self.ident(it.next()?);
                    self.check_keyword_value(&value, "access", ACCESS_VALUES);
                    Some(Access { keyword, value })
                });
                let index = clauses.take(Rule::index_clause, self).map(|c| {
                    let items = self.separated(c.into_inner());
                    items
                        .into_iter()
                        .filter(|p| p.as_rule() == Rule::index_item)
                        .map(|item| {
                            let implied = item
                                .clone()
                                .into_inner()
                                .any(|p| p.as_rule() == Rule::implied);
                            let target = item
                                .clone()
                                .into_inner()
                                .find(|p| p.as_rule() != Rule::implied);
                            let name = match target {
                                Some(t) if t.as_rule() == Rule::name => self.ident(t),
                                Some(t) => Ident {
                                    name: t
                                        .as_str()
                                        .split_whitespace()
                                        .collect::<Vec<_>>()
                                        .join(" "),
                                    span: self.span(&t),
                                },
                                None => Ident {
                                    name: String::new(),
                                    span: self.span(&item),
                                },
                            };
                            IndexItem { implied, name }
                        })
                        .collect()
                });
                let augments = clauses
                    .take(Rule::augments_clause, self)
                    .and_then(|c| self.name_list(c).into_iter().next());
                let defval = clauses.take(Rule::defval_clause, self).and_then(|c| {
                    let value = c.into_inner().find(|p| p.as_rule() == Rule::value)?;
                    Some(self.value(value))
                });
                let ot = ObjectType {
                    units: self
                        .take_text(&mut clauses, Rule::units_clause)
                        .map(Box::new),
                    status: self.take_ident(&mut clauses, Rule::status_clause),
                    description: self.take_text(&mut clauses, Rule::description_clause),
                    reference: self.take_text(&mut clauses, Rule::reference_clause),
                    syntax,
                    access,
                    index,
                    augments: augments.map(Box::new),
                    defval: defval.map(Box::new),
                    name,
                    oid,
                    span,
                };
                if ot.syntax.is_none() {
                    self.push(
                        Diagnostic::new(
                            Code::MissingClause,
                            format!("OBJECT-TYPE {} has no SYNTAX", ot.name.name),
                        )
                        .at(ot.name.span, "defined here")
                        .help("add `SYNTAX <type>` after OBJECT-TYPE"),
                    );
                }
                if ot.access.is_none() {
                    self.push(
                        Diagnostic::new(Code::MissingClause, format!("OBJECT-TYPE {} has no MAX-ACCESS", ot.name.name))
                            .at(ot.name.span, "defined here")
                            .help("add `MAX-ACCESS <access>` (SMIv2) or `ACCESS <access>` (SMIv1) after SYNTAX"),
                    );
                }
                self.require_soft(&ot.name, "OBJECT-TYPE", &[("STATUS", ot.status.is_some())]);
                self.check_defval(&ot);
                Definition::ObjectType(Box::new(ot))
            }
            Rule::notification_type => {
                let objects = clauses
                    .take(Rule::objects_clause, self)
                    .map(|c| self.name_list(c))
                    .unwrap_or_default();
                let nt = NotificationType {
                    objects,
                    status: self.take_ident(&mut clauses, Rule::status_clause),
                    description: self.take_text(&mut clauses, Rule::description_clause),
                    reference: self.take_text(&mut clauses, Rule::reference_clause),
                    name,
                    oid,
                    span,
                };
                self.require_soft(
                    &nt.name,
                    "NOTIFICATION-TYPE",
                    &[
                        ("STATUS", nt.status.is_some()),
                        ("DESCRIPTION", nt.description.is_some()),
                    ],
                );
                Definition::NotificationType(Box::new(nt))
            }
            Rule::trap_type => {
                let enterprise = clauses.take(Rule::enterprise_clause, self).and_then(|c| {
                    let target = c
                        .into_inner()
                        .find(|p| matches!(p.as_rule(), Rule::oid_value | Rule::name))?;
                    if target.as_rule() == Rule::oid_value {
                        let value = self.oid_value(target);
                        self.push(
                            Diagnostic::new(
                                Code::EnterpriseBraces,
                                "ENTERPRISE takes a name, not a braced OID value",
                            )
                            .at(value.span, "braces around the enterprise")
                            .help("write `ENTERPRISE name`"),
                        );
                        Some(value)
                    } else {
                        let name = self.ident(target);
                        Some(OidValue {
                            span: name.span,
                            components: vec![OidComponent::Name { module: None, name }],
                        })
                    }
                });
                let variables = clauses
                    .take(Rule::variables_clause, self)
                    .map(|c| self.name_list(c))
                    .unwrap_or_default();
                let number = rest
                    .into_iter()
                    .find(|p| p.as_rule() == Rule::trap_number)
                    .and_then(|n| {
                        let n = n.into_inner().next()?;
                        match n.as_rule() {
                            Rule::number => Some(self.number(n)),
                            _ => {
                                let value = self.oid_value(n);
                                match value.components.last() {
                                    Some(OidComponent::Number(n)) => Some(*n),
                                    _ => None,
                                }
                            }
                        }
                    });
                if enterprise.is_none() {
                    self.push(
                        Diagnostic::new(
                            Code::MissingClause,
                            format!("TRAP-TYPE {} has no ENTERPRISE", name.name),
                        )
                        .at(name.span, "defined here")
                        .help("add `ENTERPRISE <enterprise-oid-name>`"),
                    );
                }
                Definition::TrapType(Box::new(TrapType {
                    enterprise,
                    variables,
                    description: self.take_text(&mut clauses, Rule::description_clause),
                    reference: self.take_text(&mut clauses, Rule::reference_clause),
                    number,
                    name,
                    span,
                }))
            }
            Rule::textual_convention => {
                let syntax = clauses
                    .take(Rule::syntax_clause, self)
                    .and_then(|c| self.syntax_in(c))?;
                let tc = TextualConvention {
                    display_hint: self.take_text(&mut clauses, Rule::display_hint_clause),
                    status: self.take_ident(&mut clauses, Rule::status_clause),
                    description: self.take_text(&mut clauses, Rule::description_clause),
                    reference: self.take_text(&mut clauses, Rule::reference_clause),
                    syntax,
                    name,
                    span,
                };
                self.require_soft(
                    &tc.name,
                    "TEXTUAL-CONVENTION",
                    &[
                        ("STATUS", tc.status.is_some()),
                        ("DESCRIPTION", tc.description.is_some()),
                    ],
                );
                Definition::TextualConvention(Box::new(tc))
            }
            Rule::object_group | Rule::notification_group => {
                let (members_rule, kind, members_kw) = if rule == Rule::object_group {
                    (Rule::objects_clause, "OBJECT-GROUP", "OBJECTS")
                } else {
                    (
                        Rule::notifications_clause,
                        "NOTIFICATION-GROUP",
                        "NOTIFICATIONS",
                    )
                };
                let members = clauses.take(members_rule, self).map(|c| self.name_list(c));
                if members.is_none() {
                    self.push(
                        Diagnostic::new(
                            Code::MissingClause,
                            format!("{kind} {} has no {members_kw}", name.name),
                        )
                        .at(name.span, "defined here")
                        .help(format!("add `{members_kw} {{ member, ... }}`")),
                    );
                }
                let group = Group {
                    members: members.unwrap_or_default(),
                    status: self.take_ident(&mut clauses, Rule::status_clause),
                    description: self.take_text(&mut clauses, Rule::description_clause),
                    reference: self.take_text(&mut clauses, Rule::reference_clause),
                    name,
                    oid,
                    span,
                };
                self.require_soft(
                    &group.name,
                    kind,
                    &[
                        ("STATUS", group.status.is_some()),
                        ("DESCRIPTION", group.description.is_some()),
                    ],
                );
                if rule == Rule::object_group {
                    Definition::ObjectGroup(Box::new(group))
                } else {
                    Definition::NotificationGroup(Box::new(group))
                }
            }
            Rule::module_compliance => {
                let modules = rest
                    .into_iter()
                    .filter(|p| p.as_rule() == Rule::compliance_module)
                    .map(|m| self.compliance_module(m))
                    .collect();
                let mc = ModuleCompliance {
                    status: self.take_ident(&mut clauses, Rule::status_clause),
                    description: self.take_text(&mut clauses, Rule::description_clause),
                    reference: self.take_text(&mut clauses, Rule::reference_clause),
                    modules,
                    name,
                    oid,
                    span,
                };
                self.require_soft(
                    &mc.name,
                    "MODULE-COMPLIANCE",
                    &[
                        ("STATUS", mc.status.is_some()),
                        ("DESCRIPTION", mc.description.is_some()),
                    ],
                );
                Definition::ModuleCompliance(Box::new(mc))
            }
            Rule::agent_capabilities => {
                let supports = rest
                    .into_iter()
                    .filter(|p| p.as_rule() == Rule::supports_module)
                    .filter_map(|m| self.supports(m))
                    .collect();
                let ac = AgentCapabilities {
                    product_release: self.take_text(&mut clauses, Rule::product_release_clause),
                    status: self.take_ident(&mut clauses, Rule::status_clause),
                    description: self.take_text(&mut clauses, Rule::description_clause),
                    reference: self.take_text(&mut clauses, Rule::reference_clause),
                    supports,
                    name,
                    oid,
                    span,
                };
                self.require_soft(
                    &ac.name,
                    "AGENT-CAPABILITIES",
                    &[
                        ("PRODUCT-RELEASE", ac.product_release.is_some()),
                        ("STATUS", ac.status.is_some()),
                        ("DESCRIPTION", ac.description.is_some()),
                    ],
                );
                Definition::AgentCapabilities(Box::new(ac))
            }
            Rule::type_assignment => {
                let syntax = rest
                    .into_iter()
                    .find(|p| p.as_rule() == Rule::syntax)
                    .map(|s| self.syntax(s))?;
                Definition::TypeAssignment(Box::new(TypeAssignment { name, syntax, span }))
            }
            Rule::value_assignment => {
                let mut syntax = None;
                let mut value = None;
                for child in rest {
                    match child.as_rule() {
                        Rule::value_type => {
                            let t = child.into_inner().next()?;
                            syntax = Some(match t.as_rule() {
                                Rule::syntax => self.syntax(t),
                                _ => Syntax {
                                    tag: None,
                                    kind: SyntaxKind::ObjectIdentifier,
                                    span: self.span(&t),
                                },
                            });
                        }
                        Rule::value => value = Some(self.value(child)),
                        _ => {}
                    }
                }
                Definition::ValueAssignment(Box::new(ValueAssignment {
                    name,
                    syntax: syntax?,
                    value: value?,
                    span,
                }))
            }
            Rule::macro_definition => Definition::Macro(Box::new(MacroDefinition { name, span })),
            _ => return None,
        };
        for duplicate in clauses.duplicates.drain(..) {
            self.push(duplicate);
        }
        self.check_defined_name(&definition);
        Some(definition)
    }

    fn compliance_module(&mut self, pair: P<'_>) -> ComplianceModule {
        let mut module = ComplianceModule {
            module: None,
            mandatory_groups: Vec::new(),
            items: Vec::new(),
        };
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::compliance_module_name => {
                    module.module = child
                        .into_inner()
                        .find(|p| p.as_rule() == Rule::name)
                        .map(|n| self.ident(n));
                }
                Rule::mandatory_groups => module.mandatory_groups = self.name_list(child),
                Rule::compliance_group => {
                    let mut it = child.into_inner().filter(|p| p.as_rule() != Rule::kw_GROUP);
                    let Some(name) = it.next() else { continue };
                    let name = self.ident(name);
                    let description = it.next().and_then(|d| self.clause_text(d));
                    module
                        .items
                        .push(ComplianceItem::Group { name, description });
                }
                Rule::compliance_object => {
                    let mut it = child
                        .into_inner()
                        .filter(|p| p.as_rule() != Rule::kw_OBJECT);
                    let Some(name) = it.next() else { continue };
                    let name = self.ident(name);
                    let (mut syntax, mut write_syntax, mut min_access, mut description) =
                        (None, None, None, None);
                    for clause in it {
                        match clause.as_rule() {
                            Rule::syntax_clause => syntax = self.syntax_in(clause),
                            Rule::write_syntax_clause => write_syntax = self.syntax_in(clause),
                            Rule::access_clause => min_access = self.clause_ident(clause),
                            Rule::description_clause => description = self.clause_text(clause),
                            _ => {}
                        }
                    }
                    module
                        .items
                        .push(ComplianceItem::Object(Box::new(ObjectRefinement {
                            name,
                            syntax,
                            write_syntax,
                            min_access,
                            description,
                        })));
                }
                _ => {}
            }
        }
        module
    }

    fn supports(&mut self, pair: P<'_>) -> Option<SupportsModule> {
        let mut module = None;
        let mut includes = Vec::new();
        let mut variations = Vec::new();
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::name if module.is_none() => module = Some(self.ident(child)),
                Rule::name_list => includes = self.name_list(child),
                Rule::variation => {
                    let mut it = child
                        .into_inner()
                        .filter(|p| p.as_rule() != Rule::kw_VARIATION);
                    let Some(name) = it.next() else { continue };
                    let mut v = Variation {
                        name: self.ident(name),
                        syntax: None,
                        write_syntax: None,
                        access: None,
                        creation_requires: Vec::new(),
                        defval: None,
                        description: None,
                    };
                    for clause in it {
                        match clause.as_rule() {
                            Rule::syntax_clause => v.syntax = self.syntax_in(clause),
                            Rule::write_syntax_clause => v.write_syntax = self.syntax_in(clause),
                            Rule::access_clause => v.access = self.clause_ident(clause),
                            Rule::creation_requires_clause => {
                                v.creation_requires = self.name_list(clause)
                            }
                            Rule::defval_clause => {
                                v.defval = clause
                                    .into_inner()
                                    .find(|p| p.as_rule() == Rule::value)
                                    .map(|p| self.value(p));
                            }
                            Rule::description_clause => v.description = self.clause_text(clause),
                            _ => {}
                        }
                    }
                    variations.push(v);
                }
                _ => {}
            }
        }
        Some(SupportsModule {
            module: module?,
            includes,
            variations,
        })
    }

    fn take_text(&mut self, clauses: &mut Clauses<'_>, rule: Rule) -> Option<Text> {
        clauses.take(rule, self).and_then(|c| self.clause_text(c))
    }

    fn take_ident(&mut self, clauses: &mut Clauses<'_>, rule: Rule) -> Option<Ident> {
        clauses.take(rule, self).and_then(|c| self.clause_ident(c))
    }

    /// Missing clauses whose absence leaves the meaning clear: quirks, not errors.
    fn require_soft(&mut self, name: &Ident, kind: &str, clauses: &[(&str, bool)]) {
        let missing: Vec<&str> = clauses
            .iter()
            .filter(|(_, present)| !present)
            .map(|(c, _)| *c)
            .collect();
        if missing.is_empty() {
            return;
        }
        self.push(
            Diagnostic::new(
                Code::MissingOptionalClause,
                format!("{kind} {} has no {}", name.name, missing.join(" or ")),
            )
            .at(name.span, "defined here")
            .help(format!("the SMI requires {}", missing.join(", "))),
        );
    }

    fn check_order(&mut self, clauses: &Clauses<'_>, name: &Ident, order: &[Rule]) {
        let ranks: Vec<(usize, Span)> = clauses
            .all
            .iter()
            .filter_map(|p| {
                order
                    .iter()
                    .position(|&r| r == p.as_rule())
                    .map(|rank| (rank, self.span(p)))
            })
            .collect();
        let misordered = ranks.windows(2).find_map(|pair| match *pair {
            [early, late] if late.0 < early.0 => Some((early.1, late.1)),
            _ => None,
        });
        if let Some((early_span, late_span)) = misordered {
            let keyword = |span: Span| {
                let start = span.start as usize - self.base;
                self.text[start..]
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_string()
            };
            let (late, early) = (keyword(late_span), keyword(early_span));
            self.push(
                Diagnostic::new(Code::ClauseOrder, format!("in {}, {late} comes after {early}", name.name))
                    .at(late_span, format!("{late} belongs before {early}"))
                    .also(early_span, "this clause")
                    .help("the SMI fixes the order of clauses: SYNTAX, UNITS, MAX-ACCESS, STATUS, DESCRIPTION, REFERENCE, INDEX or AUGMENTS, DEFVAL"),
            );
        }
    }

    // ------------------------------------------------------------------ types

    fn syntax_in(&mut self, clause: P<'_>) -> Option<Syntax> {
        let syntax = clause.into_inner().find(|p| p.as_rule() == Rule::syntax)?;
        Some(self.syntax(syntax))
    }

    fn syntax(&mut self, pair: P<'_>) -> Syntax {
        let span = self.span(&pair);
        let mut tag = None;
        let mut kind = SyntaxKind::ObjectIdentifier;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::tag => tag = Some(self.tag(child)),
                Rule::integer_type => {
                    let (named, constraint) = self.refinements(child);
                    let constraint = constraint.map(Box::new);
                    kind = SyntaxKind::Integer { named, constraint };
                }
                Rule::octet_string_type => {
                    let (_, constraint) = self.refinements(child);
                    let constraint = constraint.map(Box::new);
                    kind = SyntaxKind::OctetString { constraint };
                }
                Rule::object_identifier_type => kind = SyntaxKind::ObjectIdentifier,
                Rule::bits_type => {
                    let (named, _) = self.refinements(child);
                    kind = SyntaxKind::Bits { named };
                }
                Rule::sequence_type | Rule::choice_type => {
                    let is_sequence = child.as_rule() == Rule::sequence_type;
                    let inner = child
                        .into_inner()
                        .filter(|p| matches!(p.as_rule(), Rule::sequence_item | Rule::separator));
                    let items: Vec<SequenceItem> = self
                        .separated_vec(inner.collect())
                        .into_iter()
                        .filter_map(|item| {
                            let mut it = item.into_inner();
                            let name = self.ident(it.next()?);
                            let syntax = self.syntax(it.next()?);
                            Some(SequenceItem { name, syntax })
                        })
                        .collect();
                    kind = if is_sequence {
                        SyntaxKind::Sequence(items)
                    } else {
                        SyntaxKind::Choice(items)
                    };
                }
                Rule::sequence_of_type => {
                    if let Some(entry) = child.into_inner().find(|p| p.as_rule() == Rule::syntax) {
                        kind = SyntaxKind::SequenceOf(Box::new(self.syntax(entry)));
                    }
                }
                Rule::named_type => {
                    let mut module = None;
                    let mut name = None;
                    if let Some(type_ref) = child
                        .clone()
                        .into_inner()
                        .find(|p| p.as_rule() == Rule::type_ref)
                    {
                        for part in type_ref.into_inner() {
                            match part.as_rule() {
                                Rule::ident => module = Some(self.ident(part)),
                                Rule::name => name = Some(self.ident(part)),
                                _ => {}
                            }
                        }
                    }
                    let (named, constraint) = self.refinements(child);
                    let Some(name) = name else { continue };
                    kind = SyntaxKind::Named {
                        module: module.map(Box::new),
                        name,
                        named,
                        constraint: constraint.map(Box::new),
                    };
                }
                _ => {}
            }
        }
        Syntax { tag, kind, span }
    }

    fn tag(&mut self, pair: P<'_>) -> Tag {
        let mut tag = Tag {
            class: TagClass::Context,
            number: 0,
            implicit: false,
        };
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::tag_class => {
                    tag.class = match child.as_str() {
                        "APPLICATION" => TagClass::Application,
                        "UNIVERSAL" => TagClass::Universal,
                        _ => TagClass::Private,
                    }
                }
                Rule::number => {
                    let n = self.number(child);
                    tag.number = u32::try_from(n.value).unwrap_or_else(|_| {
                        self.push(
                            Diagnostic::new(Code::InvalidNumber, "tag number out of range")
                                .at(n.span, "must be 0..2^32-1"),
                        );
                        0
                    });
                }
                Rule::kw_IMPLICIT => tag.implicit = child.as_str() == "IMPLICIT",
                _ => {}
            }
        }
        tag
    }

    /// Named numbers and a constraint following a type keyword.
    fn refinements(&mut self, pair: P<'_>) -> (Vec<NamedNumber>, Option<Constraint>) {
        let mut named = Vec::new();
        let mut constraint = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::named_numbers => {
                    for nn in self.separated(child.into_inner()) {
                        if nn.as_rule() == Rule::bad_named_number {
                            let span = self.span(&nn);
                            self.push(
                                Diagnostic::new(
                                    Code::UnexpectedToken,
                                    format!("`{}` is not a named number", shorten(nn.as_str().trim())),
                                )
                                .at(span, "expected `label(number)`")
                                .help("each item of an enumeration or BITS is `label(number)`, separated by commas"),
                            );
                            continue;
                        }
                        let mut it = nn.into_inner();
                        let (Some(name), Some(value)) = (it.next(), it.next()) else {
                            continue;
                        };
                        let name = Ident {
                            name: name.as_str().to_string(),
                            span: self.span(&name),
                        };
                        if name.name.starts_with(|c: char| c.is_ascii_digit()) {
                            self.push(
                                Diagnostic::new(
                                    Code::DigitInitialLabel,
                                    format!("label `{}` starts with a digit", name.name),
                                )
                                .at(name.span, "labels start with a letter")
                                .help(format!("rename it, e.g. `x{}`", name.name)),
                            );
                        } else {
                            self.check_value_name(&name, "label");
                        }
                        let value = self.number(value);
                        named.push(NamedNumber { name, value });
                    }
                }
                Rule::constraint => constraint = self.constraint(child),
                _ => {}
            }
        }
        (named, constraint)
    }

    fn constraint(&mut self, pair: P<'_>) -> Option<Constraint> {
        let span = self.span(&pair);
        let child = pair.into_inner().next()?;
        Some(match child.as_rule() {
            Rule::size_constraint => {
                let list = child
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::range_list)?;
                Constraint::Size(self.ranges(list), span)
            }
            _ => Constraint::Range(self.ranges(child), span),
        })
    }

    fn ranges(&mut self, list: P<'_>) -> Vec<Range> {
        list.into_inner()
            .filter_map(|range| {
                let mut it = range.into_inner();
                let low = self.range_value(it.next()?)?;
                let high = it.next().and_then(|h| self.range_value(h));
                Some(Range { low, high })
            })
            .collect()
    }

    fn range_value(&mut self, pair: P<'_>) -> Option<RangeValue> {
        let child = pair.into_inner().next()?;
        let span = self.span(&child);
        Some(match child.as_rule() {
            Rule::number => RangeValue::Number(self.number(child)),
            Rule::hex_string => RangeValue::Hex(quoted_digits(child.as_str()), span),
            Rule::bin_string => RangeValue::Binary(quoted_digits(child.as_str()), span),
            _ => RangeValue::Name(self.ident(child)),
        })
    }

    // ------------------------------------------------------------------ values

    fn value(&mut self, pair: P<'_>) -> Value {
        let span = self.span(&pair);
        let Some(child) = pair.into_inner().next() else {
            return Value::Braced(Vec::new(), span);
        };
        let span = self.span(&child);
        match child.as_rule() {
            Rule::number => Value::Number(self.number(child)),
            Rule::hex_string => Value::Hex(quoted_digits(child.as_str()), span),
            Rule::bin_string => Value::Binary(quoted_digits(child.as_str()), span),
            Rule::string => Value::String(self.text(child)),
            Rule::dotted_oid => {
                self.push(
                    Diagnostic::new(Code::DottedOid, "OID value in dotted form")
                        .at(span, "written as dotted numbers")
                        .help(format!(
                            "write `{{ {} }}`",
                            child.as_str().replace('.', " ")
                        )),
                );
                let arcs = child
                    .as_str()
                    .split('.')
                    .map(|a| a.parse().unwrap_or(u32::MAX))
                    .collect();
                Value::DottedOid(arcs, span)
            }
            Rule::braced_value => Value::Braced(self.braced(child), span),
            _ => Value::Name(self.ident(child)),
        }
    }

    fn braced(&mut self, pair: P<'_>) -> Vec<BracedItem> {
        pair.into_inner()
            .filter_map(|item| {
                let child = item.into_inner().next()?;
                let span = self.span(&child);
                Some(match child.as_rule() {
                    Rule::named_arc => {
                        let mut it = child.into_inner();
                        let name = self.ident(it.next()?);
                        BracedItem::NamedNumber(name, self.number(it.next()?))
                    }
                    Rule::number => BracedItem::Number(self.number(child)),
                    Rule::braced_value => BracedItem::Braced(self.braced(child), span),
                    _ => BracedItem::Name(self.ident(child)),
                })
            })
            .collect()
    }

    fn oid_value(&mut self, pair: P<'_>) -> OidValue {
        let span = self.span(&pair);
        let components = pair
            .into_inner()
            .filter_map(|component| {
                let child = component.into_inner().next()?;
                Some(match child.as_rule() {
                    Rule::named_arc => {
                        let mut it = child.into_inner();
                        let name = self.ident(it.next()?);
                        let number = self.number(it.next()?);
                        self.check_arc(number);
                        OidComponent::NamedNumber(name, number)
                    }
                    Rule::number => {
                        let number = self.number(child);
                        self.check_arc(number);
                        OidComponent::Number(number)
                    }
                    _ => {
                        let mut idents: Vec<Ident> =
                            child.into_inner().map(|p| self.ident(p)).collect();
                        let name = idents.pop()?;
                        OidComponent::Name {
                            module: idents.pop(),
                            name,
                        }
                    }
                })
            })
            .collect();
        OidValue { components, span }
    }

    // ------------------------------------------------------------------ checks

    /// OID arcs are unsigned 32-bit numbers (RFC 2578 §3.5).
    fn check_arc(&mut self, number: Number) {
        if !(0..=i128::from(u32::MAX)).contains(&{ number.value }) {
            self.push(
                Diagnostic::new(
                    Code::InvalidNumber,
                    format!("OID arc {} is out of range", { number.value }),
                )
                .at(number.span, "arcs are 0..4294967295")
                .help("check the number; OID components are unsigned 32-bit integers"),
            );
        }
    }

    fn check_module_name(&mut self, name: &Ident) {
        self.check_identifier_chars(name);
    }

    fn check_identifier_chars(&mut self, name: &Ident) {
        if name.name.contains('_') {
            self.push(
                Diagnostic::new(
                    Code::Underscore,
                    format!("identifier `{}` contains `_`", name.name),
                )
                .at(name.span, "the SMI allows letters, digits and `-` only")
                .help(format!("rename it `{}`", without_underscores(&name.name))),
            );
        }
        if name.name.ends_with('-') {
            self.push(
                Diagnostic::new(
                    Code::TrailingHyphen,
                    format!("identifier `{}` ends with `-`", name.name),
                )
                .at(name.span, "an identifier may not end with a hyphen")
                .help(format!("rename it `{}`", name.name.trim_end_matches('-'))),
            );
        }
    }

    /// Objects, values and labels start lower-case.
    fn check_value_name(&mut self, name: &Ident, what: &str) {
        self.check_identifier_chars(name);
        if name.name.starts_with(|c: char| c.is_ascii_uppercase()) {
            self.push(
                Diagnostic::new(
                    Code::UppercaseValueName,
                    format!("{what} `{}` starts with an upper-case letter", name.name),
                )
                .at(name.span, "value names start lower-case")
                .help("the SMI reserves upper-case initials for types and modules"),
            );
        }
    }

    fn check_defined_name(&mut self, definition: &Definition) {
        let name = definition.name();
        match definition {
            Definition::TypeAssignment(_) | Definition::TextualConvention(_) => {
                self.check_identifier_chars(name);
                if name.name.starts_with(|c: char| c.is_ascii_lowercase()) {
                    self.push(
                        Diagnostic::new(
                            Code::LowercaseTypeName,
                            format!("type `{}` starts with a lower-case letter", name.name),
                        )
                        .at(name.span, "type names start upper-case")
                        .help("the SMI reserves lower-case initials for values and objects"),
                    );
                }
            }
            Definition::Macro(_) => {}
            Definition::ObjectType(ot) => {
                self.check_value_name(name, "object");
                if let Some(SyntaxKind::Sequence(items)) = ot.syntax.as_ref().map(|s| &s.kind) {
                    for item in items {
                        self.check_identifier_chars(&item.name);
                    }
                }
            }
            _ => self.check_value_name(name, "value"),
        }
        if let Definition::TypeAssignment(assignment) = definition {
            if let SyntaxKind::Sequence(items) = &assignment.syntax.kind {
                for item in items {
                    self.check_identifier_chars(&item.name);
                }
            }
        }
    }

    fn check_date(&mut self, date: &Text, clause: &str) {
        if !valid_date(&date.value) {
            self.push(
                Diagnostic::new(
                    Code::MalformedDate,
                    format!("{clause} \"{}\" is not a valid SMI date", date.value),
                )
                .at(date.span, "expected YYYYMMDDHHMMZ")
                .help("write the UTC date as \"YYYYMMDDHHMMZ\", e.g. \"202611210000Z\""),
            );
        }
    }

    fn check_defval(&mut self, ot: &ObjectType) {
        let (Some(syntax), Some(defval)) = (&ot.syntax, ot.defval.as_deref()) else {
            return;
        };
        let integer = is_integer_syntax(syntax);
        if let (true, Value::Hex(_, span) | Value::Binary(_, span)) = (integer, defval) {
            self.push(
                Diagnostic::new(
                    Code::HexDefvalForInteger,
                    format!(
                        "DEFVAL of integer object {} is a hex or binary string",
                        ot.name.name
                    ),
                )
                .at(*span, "an integer is expected")
                .help("write the default as a decimal number"),
            );
        }
    }

    /// Checks that need the whole module: SMIv1 constructs in SMIv2 and a missing MODULE-IDENTITY.
    fn check_module(&mut self, module: &Module) {
        if module.language != Language::SMIv2 {
            return;
        }
        let mut has_identity = false;
        let mut has_oids = false;
        for definition in &module.definitions {
            match definition {
                Definition::ModuleIdentity(_) => has_identity = true,
                Definition::ObjectType(ot) => {
                    has_oids = true;
                    if let Some(access) = &ot.access {
                        if access.keyword.name == "ACCESS" {
                            self.push(
                                Diagnostic::new(
                                    Code::Smiv1InSmiv2,
                                    format!("SMIv1 ACCESS clause in SMIv2 object {}", ot.name.name),
                                )
                                .at(access.keyword.span, "SMIv2 uses MAX-ACCESS")
                                .help("write `MAX-ACCESS`"),
                            );
                        }
                    }
                    if let Some(status) = &ot.status {
                        if matches!(status.name.as_str(), "mandatory" | "optional") {
                            self.push(
                                Diagnostic::new(
                                    Code::Smiv1InSmiv2,
                                    format!(
                                        "SMIv1 status `{}` in SMIv2 object {}",
                                        status.name, ot.name.name
                                    ),
                                )
                                .at(
                                    status.span,
                                    "SMIv2 statuses are current, deprecated and obsolete",
                                )
                                .help("write `current`"),
                            );
                        }
                    }
                    for item in ot.index.iter().flatten() {
                        let is_type = item.name.name.contains(' ')
                            || item.name.name.starts_with(|c: char| c.is_ascii_uppercase());
                        if is_type {
                            self.push(
                                Diagnostic::new(
                                    Code::Smiv1InSmiv2,
                                    format!(
                                        "SMIv1 type `{}` in the INDEX of SMIv2 row {}",
                                        item.name.name, ot.name.name
                                    ),
                                )
                                .at(item.name.span, "SMIv2 indexes name columns")
                                .help("index by an object whose SYNTAX is this type"),
                            );
                        }
                    }
                }
                Definition::ObjectIdentity(_)
                | Definition::NotificationType(_)
                | Definition::ObjectGroup(_)
                | Definition::NotificationGroup(_)
                | Definition::ModuleCompliance(_)
                | Definition::AgentCapabilities(_)
                | Definition::ValueAssignment(_) => has_oids = true,
                _ => {}
            }
        }
        let imports_smi = module.imports.iter().any(|i| i.from.name == "SNMPv2-SMI");
        if imports_smi && has_oids && !has_identity {
            self.push(
                Diagnostic::new(
                    Code::MissingModuleIdentity,
                    format!("SMIv2 module {} has no MODULE-IDENTITY", module.name.name),
                )
                .at(module.name.span, "module declared here")
                .help("an SMIv2 module starts with a MODULE-IDENTITY after its IMPORTS"),
            );
        }
    }
}

/// Clauses of one definition, collected in source order.
#[derive(Default)]
struct Clauses<'i> {
    all: Vec<P<'i>>,
    taken: Vec<Rule>,
    duplicates: Vec<Diagnostic>,
}

impl<'i> Clauses<'i> {
    fn push(&mut self, pair: P<'i>) {
        self.all.push(pair);
    }

    /// The first clause of `rule`; a second one is reported as a duplicate.
    fn take(&mut self, rule: Rule, lower: &Lowerer<'_>) -> Option<P<'i>> {
        if self.taken.contains(&rule) {
            return None;
        }
        self.taken.push(rule);
        let mut matching = self.all.iter().filter(|p| p.as_rule() == rule);
        let first = matching.next().cloned();
        if let (Some(first), Some(second)) = (&first, matching.next()) {
            let keyword = second
                .as_str()
                .split_whitespace()
                .next()
                .unwrap_or("clause")
                .to_string();
            self.duplicates.push(
                Diagnostic::new(
                    Code::DuplicateClause,
                    format!("{keyword} appears twice; the first is used"),
                )
                .at(lower.span(second), "ignored")
                .also(lower.span(first), "first given here"),
            );
        }
        first
    }

    fn take_all(&mut self, rule: Rule) -> Vec<P<'i>> {
        self.taken.push(rule);
        self.all
            .iter()
            .filter(|p| p.as_rule() == rule)
            .cloned()
            .collect()
    }
}

pub(super) const STATUS_VALUES: &[&str] =
    &["current", "deprecated", "obsolete", "mandatory", "optional"];

pub(super) const ACCESS_VALUES: &[&str] = &[
    "read-only",
    "read-write",
    "read-create",
    "not-accessible",
    "accessible-for-notify",
    "write-only",
    "not-implemented",
];

/// Levenshtein distance, for "did you mean" help on short keywords.
#[expect(
    clippy::indexing_slicing,
    reason = "j + 1 and b.len() index a row of b.len() + 1 entries"
)]
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

const OBJECT_TYPE_ORDER: &[Rule] = &[
    Rule::syntax_clause,
    Rule::units_clause,
    Rule::access_clause,
    Rule::status_clause,
    Rule::description_clause,
    Rule::reference_clause,
    Rule::index_clause,
    Rule::augments_clause,
    Rule::defval_clause,
];

fn is_clause(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::syntax_clause
            | Rule::write_syntax_clause
            | Rule::units_clause
            | Rule::access_clause
            | Rule::status_clause
            | Rule::description_clause
            | Rule::reference_clause
            | Rule::display_hint_clause
            | Rule::index_clause
            | Rule::augments_clause
            | Rule::defval_clause
            | Rule::objects_clause
            | Rule::notifications_clause
            | Rule::variables_clause
            | Rule::enterprise_clause
            | Rule::last_updated_clause
            | Rule::organization_clause
            | Rule::contact_info_clause
            | Rule::revision_clause
            | Rule::creation_requires_clause
            | Rule::product_release_clause
    )
}

fn language_of(name: &str, imports: &[Import], definitions: &[Definition]) -> Language {
    // Importing only SNMPv2-TC is common in SMIv1 modules (for DisplayString); what
    // makes a module SMIv2 is the SMIv2 SMI or its macros.
    let v2_import = imports
        .iter()
        .any(|i| i.from.name == "SNMPv2-SMI" && !i.symbols.is_empty());
    let v1_object_type = imports
        .iter()
        .any(|i| i.from.name == "RFC-1212" && i.symbols.iter().any(|s| s.name == "OBJECT-TYPE"));
    if v1_object_type {
        return Language::SMIv1;
    }
    let v2_macro = definitions.iter().any(|d| {
        matches!(
            d,
            Definition::ModuleIdentity(_)
                | Definition::ObjectIdentity(_)
                | Definition::NotificationType(_)
                | Definition::TextualConvention(_)
                | Definition::ObjectGroup(_)
                | Definition::NotificationGroup(_)
                | Definition::ModuleCompliance(_)
                | Definition::AgentCapabilities(_)
        )
    });
    if v2_import || v2_macro || matches!(name, "SNMPv2-SMI" | "SNMPv2-TC" | "SNMPv2-CONF") {
        Language::SMIv2
    } else {
        Language::SMIv1
    }
}

/// The offset of the last `{` in `text` left open at its end (strings and comments
/// skipped), if any.
fn unclosed_brace(text: &str) -> Option<usize> {
    let mut open = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let at = text.len() - rest.len();
        if rest.starts_with("--") {
            let trivia = skip_trivia(rest);
            rest = if trivia.len() == rest.len() {
                &rest[2..]
            } else {
                trivia
            };
            continue;
        }
        match c {
            '"' => {
                let close = rest[1..].find('"').map_or(rest.len(), |n| n + 2);
                rest = &rest[close..];
                continue;
            }
            '{' => open.push(at),
            '}' => {
                open.pop();
            }
            _ => {}
        }
        rest = &rest[c.len_utf8()..];
    }
    open.pop()
}

/// A spelling without `_`: camelCase for value names (SMIv2 forbids hyphens in them),
/// hyphens for type and module names.
fn without_underscores(name: &str) -> String {
    if name.starts_with(|c: char| c.is_ascii_lowercase()) {
        let mut out = String::with_capacity(name.len());
        let mut upper = false;
        for c in name.chars() {
            match c {
                '_' => upper = !out.is_empty(),
                _ if upper => {
                    out.extend(c.to_uppercase());
                    upper = false;
                }
                _ => out.push(c),
            }
        }
        out
    } else {
        name.replace('_', "-")
    }
}

/// Parses `text` again with pest's detailed error tracking, which names the literal
/// tokens (`::=`, `}`) that were expected. Tracking slows every parse, so it is on only
/// here, under a lock: the switch is global to pest, and a parse that starts while it
/// is on elsewhere only collects detail it never shows.
fn detailed_error(rule: Rule, text: &str) -> Option<pest::error::Error<Rule>> {
    static DETAIL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = DETAIL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    pest::set_error_detail(true);
    let result = SmiParser::parse(rule, text);
    pest::set_error_detail(false);
    result.err()
}

/// Whether only `END`, blanks and comments remain. Checked before every item, so it is
/// done here rather than by pest, whose failed parses cost a line-number computation.
fn at_module_end(rest: &str) -> bool {
    let rest = skip_trivia(rest);
    let rest = rest
        .strip_prefix("END")
        .filter(|r| !r.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(rest);
    skip_trivia(rest).is_empty()
}

/// Whether `text` starts `name MACRO-KEYWORD` or `name OBJECT IDENTIFIER`.
fn starts_macro_definition(text: &str) -> bool {
    let text = skip_trivia(text);
    let name_len = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(text.len());
    if name_len == 0 {
        return false;
    }
    let rest = skip_trivia(&text[name_len..]);
    const STARTS: [&str; 11] = [
        "OBJECT-TYPE",
        "OBJECT IDENTIFIER",
        "NOTIFICATION-TYPE",
        "TRAP-TYPE",
        "OBJECT-IDENTITY",
        "MODULE-IDENTITY",
        "OBJECT-GROUP",
        "NOTIFICATION-GROUP",
        "MODULE-COMPLIANCE",
        "AGENT-CAPABILITIES",
        "MACRO",
    ];
    STARTS.iter().any(|s| rest.starts_with(s))
}

/// `text` past leading white space and comments (with the grammar's comment rule).
fn skip_trivia(mut text: &str) -> &str {
    loop {
        text = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{1A}');
        let Some(comment) = text.strip_prefix("--") else {
            return text;
        };
        let end = memchr::memchr2(b'\n', b'\r', comment.as_bytes()).unwrap_or(comment.len());
        let line = comment.as_bytes().get(..end).unwrap_or_default();
        text = match memchr::memmem::find(line, b"--") {
            Some(close) => &comment[close + 2..],
            None => &comment[end..],
        };
    }
}

/// Whether a syntax is an integer type (a hex or binary DEFVAL for it is a quirk).
pub(super) fn is_integer_syntax(syntax: &Syntax) -> bool {
    match &syntax.kind {
        SyntaxKind::Integer { .. } => true,
        SyntaxKind::Named { name, .. } => matches!(
            name.name.as_str(),
            "Integer32"
                | "Unsigned32"
                | "Gauge"
                | "Gauge32"
                | "Counter"
                | "Counter32"
                | "Counter64"
                | "TimeTicks"
        ),
        _ => false,
    }
}

/// `YYMMDDHHMMZ` or `YYYYMMDDHHMMZ` with plausible fields (RFC 2578 §3.1).
pub(super) fn valid_date(date: &str) -> bool {
    let Some(digits) = date.strip_suffix('Z').or_else(|| date.strip_suffix('z')) else {
        return false;
    };
    if !(digits.len() == 10 || digits.len() == 12) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let rest = &digits[digits.len() - 8..];
    let field = |i: usize| rest[i..i + 2].parse::<u32>().unwrap_or(99);
    (1..=12).contains(&field(0)) && (1..=31).contains(&field(2)) && field(4) <= 23 && field(6) <= 59
}

/// The digits of `'0A'H` or `'01'B`, blanks removed.
fn quoted_digits(literal: &str) -> String {
    let body = literal
        .get(1..literal.len().saturating_sub(2))
        .unwrap_or("");
    body.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The token starting at `at` (a word, or one character), for messages.
fn token_at(text: &str, at: usize) -> &str {
    let Some(rest) = text.get(at..) else {
        return "";
    };
    let word_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(rest.len());
    if word_len > 0 {
        return &rest[..word_len];
    }
    if rest.starts_with("::=") {
        return &rest[..3];
    }
    rest.chars().next().map_or("", |c| &rest[..c.len_utf8()])
}

fn shorten(token: &str) -> String {
    if token.chars().count() > 40 {
        format!("{}...", token.chars().take(40).collect::<String>())
    } else {
        token.escape_debug().to_string()
    }
}

fn join_or(items: &[String]) -> String {
    // Nine fit; past that, "one of N more" is shorter than the list.
    const MAX: usize = 8;
    let limit = if items.len() == MAX + 1 { MAX + 1 } else { MAX };
    let shown: Vec<&str> = items.iter().take(limit).map(String::as_str).collect();
    let more = if items.len() > limit {
        format!(" or one of {} more", items.len() - limit)
    } else {
        String::new()
    };
    match shown.as_slice() {
        [] => String::new(),
        [one] => format!("{one}{more}"),
        [init @ .., last] if more.is_empty() => format!("{} or {last}", init.join(", ")),
        _ => format!("{}{more}", shown.join(", ")),
    }
}

/// Advice for tokens that commonly mean one specific mistake.
fn hint_for(found: &str) -> Option<&'static str> {
    match found {
        "\"" => Some("a string may be unterminated; check the previous quote"),
        "::=" => Some("a clause before `::=` may be incomplete"),
        _ if found.starts_with('\'') => {
            Some("hex strings are written '0A'H and binary strings '01'B")
        }
        _ => None,
    }
}
