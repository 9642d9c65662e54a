//! Stripping RFC page layout from MIB text copied out of an RFC.
//!
//! RFCs break pages with a footer (`Author   Standards Track   [Page 12]`), a form feed
//! and a header (`RFC 2863   The Interfaces Group MIB   June 2000`). Left in place they
//! land inside DESCRIPTION strings or between tokens. They are replaced by spaces, not
//! removed, so line numbers and byte offsets still match the file on disk.

/// Blanks RFC page footers, form feeds and page headers in place. Returns the byte
/// offset of the first line stripped, if any.
pub fn strip_page_layout(text: &mut String) -> Option<usize> {
    // Every file is checked and few are RFCs: memchr's vectorised search, not `str`'s
    // byte-at-a-time one (a twentieth of a load's instructions went to this line).
    memchr::memmem::find(text.as_bytes(), b"[Page ")?;
    let mut first = None;
    let mut ranges = Vec::new();
    let mut after_break = false;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim();
        let is_footer = is_page_footer(trimmed);
        let is_header = after_break && is_page_header(trimmed);
        if is_footer || is_header {
            ranges.push(offset..offset + content.len());
            first.get_or_insert(offset);
            after_break = is_footer;
        } else if trimmed.is_empty() || trimmed == "\u{c}" {
            if trimmed == "\u{c}" {
                ranges.push(offset..offset + content.len());
                after_break = true;
            }
        } else {
            after_break = false;
        }
        offset += line.len();
    }
    // Why byte edits are sound: every range covers whole lines of valid UTF-8, and each
    // char is replaced by as many spaces as it had bytes, so the text stays UTF-8.
    let mut bytes = std::mem::take(text).into_bytes();
    for range in ranges {
        for b in bytes.get_mut(range).unwrap_or_default() {
            if *b != b'\r' {
                *b = b' ';
            }
        }
    }
    *text = String::from_utf8(bytes).unwrap_or_default();
    first
}

fn is_page_footer(line: &str) -> bool {
    let Some(rest) = line.strip_suffix(']') else {
        return false;
    };
    let Some(idx) = rest.rfind("[Page ") else {
        return false;
    };
    let number = &rest[idx + 6..];
    !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit())
}

fn is_page_header(line: &str) -> bool {
    let line = line.trim_start_matches('\u{c}').trim_start();
    let Some(rest) = line.strip_prefix("RFC ") else {
        return false;
    };
    rest.bytes().next().is_some_and(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_footer_form_feed_and_header_keeping_offsets() {
        let original = "a OBJECT-TYPE\n\
            McCloghrie & Kastenholz     Standards Track                   [Page 12]\n\
            \u{c}\n\
            RFC 2863                The Interfaces Group MIB               June 2000\n\
            \n    SYNTAX Integer32\n";
        let mut text = original.to_string();
        let first = strip_page_layout(&mut text);
        assert_eq!(first, Some(14));
        assert_eq!(text.len(), original.len());
        assert!(!text.contains("Page"));
        assert!(!text.contains("RFC 2863"));
        assert!(text.contains("SYNTAX Integer32"));
        assert_eq!(text.lines().count(), original.lines().count());
    }

    #[test]
    fn leaves_ordinary_text_alone() {
        let mut text = "x OBJECT-TYPE -- see RFC 1213 [Page 3] of it\n".to_string();
        let before = text.clone();
        assert_eq!(strip_page_layout(&mut text), None);
        assert_eq!(text, before);
    }
}
