//! The fast path: a hand-written reader for the items that make up nearly every real
//! MIB, tried before pest on each item of a module.
//!
//! pest is the grammar of record (`smi.pest`): it accepts every quirk smic knows, and
//! its failures become the diagnostics users read. It is also slow, about 3,000
//! instructions per token (ARCHITECTURE.md, "Performance"). Most items, though, are
//! plain: an OBJECT-TYPE with its clauses in order, an `OBJECT IDENTIFIER` assignment.
//! This reader accepts exactly such items and builds the same [`ast`](crate::syntax::ast)
//! nodes, spans included, that lowering the pest parse would. The moment anything is
//! unusual — a quirk the lowering would warn about, a construct only base modules use,
//! a token it does not expect — it gives up on the item and pest parses it, so every
//! diagnostic still comes from the one grammar.
//!
//! The contract, checked over the shipped MIBs, the vendor corpus and a fuzz target
//! (`fast_path`): when this reader accepts an item, pest parses the same text to the
//! same tree with no diagnostic.

mod cursor;
mod definitions;
#[cfg(test)]
mod tests;
mod types;

use super::Item;
use super::ast::Import;
use cursor::Cursor;

/// Parses the item at the start of `text` (after blanks and comments), whose first byte
/// is at `base` in the file. Returns the item and how many bytes of `text` it took,
/// or `None` when the item is not plain enough for this reader.
pub(super) fn item(text: &str, base: usize) -> Option<(Item, usize)> {
    let mut cursor = Cursor::new(text, base);
    cursor.skip();
    let item = match cursor.peek_word() {
        Some("IMPORTS") => cursor.imports().map(Item::Imports),
        Some("EXPORTS") | None => None,
        Some(_) => cursor.definition().map(Item::Definition),
    };
    #[cfg(test)]
    tests::count(item.is_some());
    Some((item?, cursor.pos))
}

impl Cursor<'_> {
    /// `IMPORTS a, b FROM M c FROM N ;`, commas and the `;` as the SMI wants them.
    fn imports(&mut self) -> Option<Vec<Import>> {
        self.keyword("IMPORTS")?;
        let mut imports = Vec::new();
        loop {
            self.skip();
            if self.eat(";").is_some() {
                return Some(imports);
            }
            let start = self.pos;
            let mut symbols = Vec::new();
            loop {
                let word = self.peek_word()?;
                if matches!(word, "FROM" | "IMPORTS" | "EXPORTS" | "END") {
                    return None;
                }
                symbols.push(self.ident()?);
                self.skip();
                if self.eat(",").is_none() {
                    break;
                }
                self.skip();
            }
            self.keyword("FROM")?;
            self.skip();
            let from = self.ident()?;
            // The grammar allows an OID value after the module name; pest keeps the
            // blanks it skipped looking for one in the clause's span.
            self.skip();
            if self.at("{") {
                return None;
            }
            imports.push(Import {
                symbols,
                from,
                span: self.span_from(start),
            });
        }
    }
}

/// Clause keywords (`clause_kw`): never a `name`.
fn is_clause_keyword(word: &str) -> bool {
    matches!(
        word,
        "SYNTAX"
            | "WRITE-SYNTAX"
            | "UNITS"
            | "MAX-ACCESS"
            | "MIN-ACCESS"
            | "ACCESS"
            | "STATUS"
            | "DESCRIPTION"
            | "REFERENCE"
            | "INDEX"
            | "AUGMENTS"
            | "DEFVAL"
            | "OBJECTS"
            | "NOTIFICATIONS"
            | "ENTERPRISE"
            | "VARIABLES"
            | "DISPLAY-HINT"
            | "MODULE"
            | "MANDATORY-GROUPS"
            | "GROUP"
            | "OBJECT"
            | "LAST-UPDATED"
            | "ORGANIZATION"
            | "CONTACT-INFO"
            | "REVISION"
            | "PRODUCT-RELEASE"
            | "SUPPORTS"
            | "INCLUDES"
            | "VARIATION"
            | "CREATION-REQUIRES"
            | "END"
            | "FROM"
            | "IMPORTS"
            | "EXPORTS"
    )
}

/// Macro keywords (`macro_kw`).
fn is_macro_keyword(word: &str) -> bool {
    matches!(
        word,
        "MODULE-IDENTITY"
            | "OBJECT-IDENTITY"
            | "OBJECT-TYPE"
            | "NOTIFICATION-TYPE"
            | "TRAP-TYPE"
            | "OBJECT-GROUP"
            | "NOTIFICATION-GROUP"
            | "MODULE-COMPLIANCE"
            | "AGENT-CAPABILITIES"
    )
}

/// Letters, digits and inner hyphens only: what the lowering's identifier checks pass.
fn identifier_ok(name: &str) -> bool {
    !name.contains('_') && !name.ends_with('-')
}

/// A value, object or label name the lowering accepts without a word.
fn value_name_ok(name: &str) -> bool {
    identifier_ok(name) && !name.starts_with(|c: char| c.is_ascii_uppercase())
}

/// A type name the lowering accepts without a word.
fn type_name_ok(name: &str) -> bool {
    identifier_ok(name) && !name.starts_with(|c: char| c.is_ascii_lowercase())
}
