//! Doc comments from MIB text: a summary line, then the DESCRIPTION verbatim inside a
//! `text` fence, so rustdoc renders it as written and never reads it as Markdown
//! (MIB prose is full of brackets, backticks, angle brackets and bare URLs).

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc]` attributes: `summary`, then `description` fenced, if any.
pub(super) fn attrs(summary: &str, description: Option<&str>) -> TokenStream {
    let mut lines = vec![format!(" {}", clean(summary))];
    if let Some(text) = description.map(str::trim).filter(|t| !t.is_empty()) {
        let body = dedent(text);
        let longest_run = body
            .iter()
            .flat_map(|line| line.split(|c| c != '`'))
            .map(str::len)
            .max()
            .unwrap_or(0);
        let fence = "`".repeat(longest_run.max(2) + 1);
        lines.push(String::new());
        lines.push(format!(" {fence}text"));
        lines.extend(body.into_iter().map(|line| {
            if line.is_empty() {
                line
            } else {
                format!(" {line}")
            }
        }));
        lines.push(format!(" {fence}"));
    }
    quote! { #(#[doc = #lines])* }
}

/// One line, no control characters (a summary may quote a MIB label or units).
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The DESCRIPTION's lines with the common indentation of its continuation lines
/// removed (the first line starts right after the quote and has none).
fn dedent(text: &str) -> Vec<String> {
    let lines: Vec<String> = text
        .lines()
        .map(|line| clean(line).trim_end().to_string())
        .collect();
    let indent = lines
        .iter()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            if i == 0 {
                line.trim_start().to_string()
            } else {
                line.get(indent..).unwrap_or(line.trim_start()).to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_descriptions_longer_than_any_backtick_run() {
        let text = attrs(
            "`x`",
            Some("Uses ```code``` and\n      [links] <b>\n        indented"),
        )
        .to_string();
        assert!(text.contains("\" ````text\""), "{text}");
        assert!(text.contains("\" [links] <b>\""), "{text}");
        assert!(text.contains("\"   indented\""), "{text}");
    }
}
