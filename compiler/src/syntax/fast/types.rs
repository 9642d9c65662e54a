//! Types, constraints, values and OID values on the fast path (`smi.pest`'s "types" and
//! "values" sections).

use super::cursor::Cursor;
use super::{is_clause_keyword, is_macro_keyword, value_name_ok};
use crate::syntax::ast::*;

/// A list being read: kept on the stack while short, then allocated at its exact size
/// (a `Vec` grown by pushes holds up to twice what it needs, and a load keeps hundreds of
/// thousands of short lists).
type Scratch<T> = smallvec::SmallVec<[T; 8]>;

/// Where a list between braces wants commas.
#[derive(Clone, Copy)]
enum Commas {
    /// Between every two items, and nowhere else.
    Between,
    /// Between items or not (`braced_value`: `{ a b }` and `{ a, b }` alike).
    Optional,
}

/// The list at its exact size (`collect` would round a short one up to four, and a
/// spilled one keeps its doubling slack).
fn exact<T>(items: Scratch<T>) -> Vec<T> {
    let mut list = Vec::with_capacity(items.len());
    list.extend(items);
    list
}

impl Cursor<'_> {
    /// Whether the identifier at the cursor is a `name`: not a clause keyword in
    /// keyword shape.
    pub(super) fn at_name(&self) -> bool {
        self.peek_word()
            .is_some_and(|w| !(is_clause_keyword(w) && self.keyword_shaped()))
    }

    /// `name`: an identifier that is not a clause keyword.
    pub(super) fn name(&mut self) -> Option<Ident> {
        if !self.at_name() {
            return None;
        }
        self.ident()
    }

    /// `"{" item, ... "}"`, commas exactly where the SMI puts them (a missing or
    /// trailing comma is a diagnostic, so pest's business); an empty list is allowed.
    pub(super) fn comma_list<T>(
        &mut self,
        item: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<Vec<T>> {
        self.list(Commas::Between, item)
    }

    /// `"{" item ... "}"` with `commas` between the items as the rule wants them.
    fn list<T>(
        &mut self,
        commas: Commas,
        mut item: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<Vec<T>> {
        self.eat("{")?;
        self.skip();
        let mut items = Scratch::new();
        if self.eat("}").is_some() {
            return Some(Vec::new());
        }
        loop {
            items.push(item(self)?);
            self.skip();
            match commas {
                Commas::Between => {
                    if self.eat("}").is_some() {
                        return Some(exact(items));
                    }
                    self.eat(",")?;
                    self.skip();
                }
                Commas::Optional => {
                    if self.eat(",").is_some() {
                        self.skip();
                    }
                    if self.eat("}").is_some() {
                        return Some(exact(items));
                    }
                }
            }
        }
    }

    /// `"{" name, ... "}"`.
    pub(super) fn braced_names(&mut self) -> Option<Vec<Ident>> {
        self.comma_list(Self::name)
    }

    /// `syntax`: a type as written after SYNTAX or `::=`. Tags and CHOICE (base modules
    /// only) are left to pest.
    pub(super) fn syntax(&mut self) -> Option<Syntax> {
        self.nested(Self::syntax_unnested)
    }

    fn syntax_unnested(&mut self) -> Option<Syntax> {
        let start = self.pos;
        let word = self.peek_word()?;
        let kind = match word {
            "SEQUENCE" => {
                self.pos += word.len();
                self.skip();
                if self.at("{") {
                    SyntaxKind::Sequence(self.sequence_items()?)
                } else {
                    self.keyword("OF")?;
                    self.skip();
                    SyntaxKind::SequenceOf(Box::new(self.syntax()?))
                }
            }
            "INTEGER" => {
                self.pos += word.len();
                let (named, constraint) = self.refinements(true)?;
                SyntaxKind::Integer { named, constraint }
            }
            "OCTET" => {
                self.pos += word.len();
                self.skip();
                self.keyword("STRING")?;
                self.skip();
                let constraint = self.optional_constraint()?;
                SyntaxKind::OctetString { constraint }
            }
            "OBJECT" => {
                self.pos += word.len();
                self.skip();
                self.keyword("IDENTIFIER")?;
                SyntaxKind::ObjectIdentifier
            }
            "BITS" => {
                self.pos += word.len();
                self.skip();
                let named = if self.at("{") {
                    self.named_numbers()?
                } else {
                    Vec::new()
                };
                SyntaxKind::Bits { named }
            }
            "CHOICE" => return None,
            _ => {
                let (module, name) = self.type_ref()?;
                let (named, constraint) = self.refinements(true)?;
                SyntaxKind::Named {
                    module,
                    name,
                    named,
                    constraint,
                }
            }
        };
        Some(Syntax {
            tag: None,
            kind,
            span: self.span_from(start),
        })
    }

    /// `type_ref`: `name` or `Module.name`, without blanks around the dot.
    fn type_ref(&mut self) -> Option<(Option<Box<Ident>>, Ident)> {
        let start = self.pos;
        self.word()?;
        let qualified = self.peek() == Some(b'.');
        self.pos = start;
        if !qualified {
            return Some((None, self.name()?));
        }
        let module = self.ident()?;
        self.eat(".")?;
        Some((Some(Box::new(module)), self.name()?))
    }

    /// `named_numbers? ~ constraint?` after a type keyword or name; the blanks before
    /// each optional element are consumed as pest consumes them.
    fn refinements(&mut self, named: bool) -> Option<(Vec<NamedNumber>, Option<Box<Constraint>>)> {
        self.skip();
        let named = if named && self.at("{") {
            self.named_numbers()?
        } else {
            Vec::new()
        };
        self.skip();
        Some((named, self.optional_constraint()?))
    }

    /// A constraint if one starts here; `Some(None)` if none does.
    fn optional_constraint(&mut self) -> Option<Option<Box<Constraint>>> {
        if self.at("(") {
            Some(Some(Box::new(self.constraint()?)))
        } else {
            Some(None)
        }
    }

    /// `SEQUENCE { name Type, ... }`.
    fn sequence_items(&mut self) -> Option<Vec<SequenceItem>> {
        self.comma_list(|c| {
            let name = c.name()?;
            c.skip();
            let syntax = c.syntax()?;
            Some(SequenceItem { name, syntax })
        })
    }

    /// `{ label(n), ... }` with every label a proper value name.
    fn named_numbers(&mut self) -> Option<Vec<NamedNumber>> {
        self.comma_list(|c| {
            let name = c.ident()?;
            if !value_name_ok(&name.name) {
                return None;
            }
            c.skip();
            c.eat("(")?;
            c.skip();
            let value = c.number()?;
            c.skip();
            c.eat(")")?;
            Some(NamedNumber { name, value })
        })
    }

    /// `( SIZE (ranges) )` or `( ranges )`.
    fn constraint(&mut self) -> Option<Constraint> {
        let start = self.pos;
        self.eat("(")?;
        self.skip();
        let size = self.peek_word() == Some("SIZE");
        let ranges = if size {
            self.pos += "SIZE".len();
            self.skip();
            self.eat("(")?;
            self.skip();
            let ranges = self.ranges()?;
            self.skip();
            self.eat(")")?;
            ranges
        } else {
            self.ranges()?
        };
        self.skip();
        self.eat(")")?;
        let span = self.exact(start, self.pos);
        Some(if size {
            Constraint::Size(ranges, span)
        } else {
            Constraint::Range(ranges, span)
        })
    }

    /// `range ("|" range)*`.
    fn ranges(&mut self) -> Option<Vec<Range>> {
        let mut ranges = Scratch::new();
        loop {
            let low = self.range_value()?;
            self.skip();
            let high = if self.eat("..").is_some() {
                self.skip();
                let high = self.range_value()?;
                self.skip();
                Some(high)
            } else {
                None
            };
            ranges.push(Range { low, high });
            if self.eat("|").is_none() {
                return Some(exact(ranges));
            }
            self.skip();
        }
    }

    fn range_value(&mut self) -> Option<RangeValue> {
        if self.at_number() {
            return Some(RangeValue::Number(self.number()?));
        }
        if self.peek() == Some(b'\'') {
            let (digits, hex, span) = self.quoted_digits()?;
            return Some(if hex {
                RangeValue::Hex(digits, span)
            } else {
                RangeValue::Binary(digits, span)
            });
        }
        Some(RangeValue::Name(self.ident()?))
    }

    /// `value`: in DEFVAL and value assignments. Dotted OIDs (a quirk) are left to pest.
    pub(super) fn value(&mut self) -> Option<Value> {
        match self.peek()? {
            b'{' => {
                let start = self.pos;
                let items = self.braced()?;
                Some(Value::Braced(items, self.exact(start, self.pos)))
            }
            b'\'' => {
                let (digits, hex, span) = self.quoted_digits()?;
                Some(if hex {
                    Value::Hex(digits, span)
                } else {
                    Value::Binary(digits, span)
                })
            }
            b'"' => Some(Value::String(self.string()?)),
            _ if self.at_number() => {
                if self.at_dotted() {
                    return None;
                }
                Some(Value::Number(self.number()?))
            }
            _ => Some(Value::Name(self.name()?)),
        }
    }

    /// `braced_value`: `{ item [,] item ... }`, commas optional.
    fn braced(&mut self) -> Option<Vec<BracedItem>> {
        self.nested(Self::braced_unnested)
    }

    fn braced_unnested(&mut self) -> Option<Vec<BracedItem>> {
        self.list(Commas::Optional, Self::braced_item)
    }

    fn braced_item(&mut self) -> Option<BracedItem> {
        if self.at("{") {
            let start = self.pos;
            let items = self.braced()?;
            return Some(BracedItem::Braced(items, self.exact(start, self.pos)));
        }
        if self.at_number() {
            return Some(BracedItem::Number(self.number()?));
        }
        if let Some((name, number)) = self.named_arc()? {
            return Some(BracedItem::NamedNumber(name, number));
        }
        Some(BracedItem::Name(self.name()?))
    }

    /// `name(n)` if one starts here (`Some(None)` if the identifier is not followed by
    /// `(`); `None` if one starts but does not parse.
    fn named_arc(&mut self) -> Option<Option<(Ident, Number)>> {
        let start = self.pos;
        let name = self.ident()?;
        self.skip();
        if self.eat("(").is_none() {
            self.pos = start;
            return Some(None);
        }
        self.skip();
        let number = self.number()?;
        self.skip();
        self.eat(")")?;
        Some(Some((name, number)))
    }

    /// `oid_value`: `{ component ... }` with every arc within 32 bits.
    pub(super) fn oid_value(&mut self) -> Option<OidValue> {
        let start = self.pos;
        self.eat("{")?;
        self.skip();
        let mut components = Scratch::new();
        while self.eat("}").is_none() {
            components.push(self.oid_component()?);
            self.skip();
        }
        Some(OidValue {
            components: exact(components),
            span: self.exact(start, self.pos),
        })
    }

    fn oid_component(&mut self) -> Option<OidComponent> {
        let arc = |n: Number| {
            (0..=i128::from(u32::MAX))
                .contains(&{ n.value })
                .then_some(n)
        };
        if self.at_number() {
            return Some(OidComponent::Number(arc(self.number()?)?));
        }
        if let Some((name, number)) = self.named_arc()? {
            return Some(OidComponent::NamedNumber(name, arc(number)?));
        }
        // `qualified_name`: no keyword, optionally `Module.name`.
        let word = self.peek_word()?;
        if (is_clause_keyword(word) || is_macro_keyword(word)) && self.keyword_shaped() {
            return None;
        }
        let first = self.ident()?;
        if self.peek() != Some(b'.') {
            return Some(OidComponent::Name {
                module: None,
                name: first,
            });
        }
        self.eat(".")?;
        let name = self.ident()?;
        Some(OidComponent::Name {
            module: Some(first),
            name,
        })
    }
}
