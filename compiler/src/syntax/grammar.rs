//! The pest parser. Private to `syntax`: pest types never leave this module tree.

#[derive(pest_derive::Parser)]
#[grammar = "syntax/smi.pest"]
pub(super) struct SmiParser;

impl Rule {
    /// How a rule is named in "expected ..." messages.
    pub(super) fn describe(self) -> String {
        let name = format!("{self:?}");
        if self == Rule::kw_ACCESS {
            return "`MAX-ACCESS`".into();
        }
        if let Some(keyword) = name.strip_prefix("kw_") {
            return format!("`{}`", keyword.replace('_', "-"));
        }
        match self {
            Rule::ident
            | Rule::name
            | Rule::import_symbol
            | Rule::type_ref
            | Rule::qualified_name => "a name".into(),
            Rule::number | Rule::trap_number => "a number".into(),
            Rule::string => "a quoted string".into(),
            Rule::hex_string => "a hex string".into(),
            Rule::bin_string => "a binary string".into(),
            Rule::oid_value => "an OID value `{ parent n }`".into(),
            Rule::syntax | Rule::value_type => "a type".into(),
            Rule::value | Rule::braced_value | Rule::braced_item => "a value".into(),
            Rule::named_number | Rule::bad_named_number | Rule::label => "`label(number)`".into(),
            Rule::oid_component | Rule::named_arc => "an OID component".into(),
            Rule::EOI => "the end of the module".into(),
            Rule::named_numbers => "`{ name(n), ... }`".into(),
            Rule::constraint => "a constraint `(...)`".into(),
            Rule::separator => "`,`".into(),
            Rule::import_end => "`;`".into(),
            Rule::range_value => "a range bound".into(),
            _ => name.replace('_', " "),
        }
    }
}
