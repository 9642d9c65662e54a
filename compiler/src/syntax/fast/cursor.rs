//! The fast path's lexer: a position in the item's text and the grammar's tokens, read
//! byte by byte with exactly the grammar's rules (`smi.pest`), so that what it accepts
//! it reads as pest would.

use std::cell::Cell;

use crate::diagnostic::Span;
use crate::syntax::ast::{Ident, Number, Text};
use crate::syntax::scan::{MAX_NESTING, after};

/// A position in the text of one item (the module text from the item onwards).
pub(super) struct Cursor<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pub(super) pos: usize,
    /// Where `text` starts in the file, added to every span.
    base: usize,
    /// How many types and braced values enclose the cursor.
    depth: usize,
    /// The last identifier measured (start, length): the readers look at a word, then
    /// take it, and this spares measuring it twice.
    last_word: Cell<(usize, usize)>,
}

/// Bytes that continue an identifier unconditionally: letters, digits, `_`. (A hyphen
/// continues one only when it does not start a comment.)
#[expect(
    clippy::indexing_slicing,
    reason = "built at compile time: an index out of bounds fails the build"
)]
const IDENT_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'_';
        b += 1;
    }
    table
};

/// Whether `c` continues an identifier unconditionally.
#[expect(
    clippy::indexing_slicing,
    reason = "a table of 256 entries indexed by a byte"
)]
fn continues_ident(c: u8) -> bool {
    IDENT_BYTES[usize::from(c)]
}

impl<'t> Cursor<'t> {
    pub(super) fn new(text: &'t str, base: usize) -> Self {
        Cursor {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            base,
            depth: 0,
            last_word: Cell::new((usize::MAX, 0)),
        }
    }

    /// Runs `parse` one level deeper; declines past the scanner's nesting limit, so that
    /// `SEQUENCE OF SEQUENCE OF ...` cannot exhaust the stack.
    pub(super) fn nested<T>(&mut self, parse: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        if self.depth >= MAX_NESTING {
            return None;
        }
        self.depth += 1;
        let result = parse(self);
        self.depth -= 1;
        result
    }

    /// The byte at the cursor, if any.
    pub(super) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// The byte `n` after the cursor, if any.
    pub(super) fn peek_at(&self, n: usize) -> Option<u8> {
        self.bytes.get(self.pos + n).copied()
    }

    /// Skips blanks and comments, as pest's implicit `WHITESPACE | COMMENT` does between
    /// the elements of a sequence.
    pub(super) fn skip(&mut self) {
        let b = self.bytes;
        loop {
            while let Some(&c) = b.get(self.pos) {
                if c == b' ' || (b'\t'..=b'\r').contains(&c) {
                    self.pos += 1;
                } else {
                    break;
                }
            }
            if b.get(self.pos) != Some(&b'-') || b.get(self.pos + 1) != Some(&b'-') {
                return;
            }
            // A comment runs to the end of the line or through the next `--`.
            self.pos += 2;
            loop {
                match memchr::memchr3(b'-', b'\n', b'\r', after(b, self.pos)) {
                    None => {
                        self.pos = b.len();
                        break;
                    }
                    Some(n) => {
                        self.pos += n;
                        if b.get(self.pos) != Some(&b'-') {
                            break;
                        }
                        if b.get(self.pos + 1) == Some(&b'-') {
                            self.pos += 2;
                            break;
                        }
                        self.pos += 1;
                    }
                }
            }
        }
    }

    /// The span from `start` to the cursor, without the blanks pest leaves at the end of
    /// a rule whose last optional element was absent (the lowering trims them alike).
    pub(super) fn span_from(&self, start: usize) -> Span {
        let len = self.text[start..self.pos].trim_end().len();
        Span::new(self.base + start, self.base + start + len)
    }

    /// The span of the exact bytes `start..end`.
    pub(super) fn exact(&self, start: usize, end: usize) -> Span {
        Span::new(self.base + start, self.base + end)
    }

    /// The length of the identifier at `at` (`ident`: a letter, then letters, digits,
    /// `_` and single hyphens), 0 if there is none.
    fn word_len_at(&self, at: usize) -> usize {
        let b = self.bytes;
        if !b.get(at).is_some_and(u8::is_ascii_alphabetic) {
            return 0;
        }
        let (cached_at, cached_len) = self.last_word.get();
        if cached_at == at {
            return cached_len;
        }
        let mut end = at + 1;
        loop {
            match b.get(end) {
                Some(&c) if continues_ident(c) => end += 1,
                Some(b'-') if b.get(end + 1) != Some(&b'-') => end += 1,
                _ => break,
            }
        }
        self.last_word.set((at, end - at));
        end - at
    }

    /// The identifier at the cursor, without moving.
    pub(super) fn peek_word(&self) -> Option<&'t str> {
        let len = self.word_len_at(self.pos);
        (len > 0).then(|| &self.text[self.pos..self.pos + len])
    }

    /// Consumes the identifier at the cursor.
    pub(super) fn word(&mut self) -> Option<&'t str> {
        let word = self.peek_word()?;
        self.pos += word.len();
        Some(word)
    }

    /// Consumes `keyword` if the identifier at the cursor is exactly it.
    pub(super) fn keyword(&mut self, keyword: &str) -> Option<()> {
        (self.peek_word()? == keyword).then(|| self.pos += keyword.len())
    }

    /// Consumes an identifier as an [`Ident`].
    pub(super) fn ident(&mut self) -> Option<Ident> {
        let start = self.pos;
        let word = self.word()?;
        Some(Ident {
            name: word.to_owned(),
            span: self.exact(start, self.pos),
        })
    }

    /// Whether the identifier at the cursor, which is the keyword `word`, is read as a
    /// keyword by the grammar's `keyword_shape` test: capitals and hyphens not followed
    /// by a letter, digit or `_` (a keyword glued to a comment, `END--x`, is not).
    pub(super) fn keyword_shaped(&self) -> bool {
        let b = self.bytes;
        let mut end = self.pos;
        while b
            .get(end)
            .is_some_and(|c| c.is_ascii_uppercase() || *c == b'-')
        {
            end += 1;
        }
        end > self.pos
            && !b
                .get(end)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
    }

    /// Consumes the literal `punctuation`.
    pub(super) fn eat(&mut self, punctuation: &str) -> Option<()> {
        after(self.bytes, self.pos)
            .starts_with(punctuation.as_bytes())
            .then(|| self.pos += punctuation.len())
    }

    /// Whether the literal `punctuation` is at the cursor.
    pub(super) fn at(&self, punctuation: &str) -> bool {
        after(self.bytes, self.pos).starts_with(punctuation.as_bytes())
    }

    /// Whether a number (`-`? digits) starts at the cursor.
    pub(super) fn at_number(&self) -> bool {
        match self.peek() {
            Some(b'-') => self.peek_at(1).is_some_and(|c| c.is_ascii_digit()),
            Some(c) => c.is_ascii_digit(),
            None => false,
        }
    }

    /// The end of the number at the cursor (which [`Self::at_number`] found).
    fn number_end(&self) -> usize {
        let mut end = self.pos + usize::from(self.peek() == Some(b'-'));
        while self.bytes.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
        end
    }

    /// Whether the number at the cursor is the start of a dotted OID (`0.0`), which the
    /// grammar prefers to a number in values.
    pub(super) fn at_dotted(&self) -> bool {
        let end = self.number_end();
        self.peek() != Some(b'-')
            && self.bytes.get(end) == Some(&b'.')
            && self.bytes.get(end + 1).is_some_and(u8::is_ascii_digit)
    }

    /// Consumes a number within the SMI's range; `None` (the lowering would report it)
    /// when it is out of range or absent.
    pub(super) fn number(&mut self) -> Option<Number> {
        if !self.at_number() {
            return None;
        }
        let start = self.pos;
        let end = self.number_end();
        let value: i128 = self.text[start..end].parse().ok()?;
        if !(-(1i128 << 63)..=i128::from(u64::MAX)).contains(&value) {
            return None;
        }
        self.pos = end;
        Some(Number {
            value,
            span: self.exact(start, end),
        })
    }

    /// Consumes a quoted string (a doubled quote inside stands for one).
    pub(super) fn string(&mut self) -> Option<Text> {
        if self.peek() != Some(b'"') {
            return None;
        }
        let start = self.pos;
        let mut end = start;
        let mut doubled = false;
        loop {
            let close = memchr::memchr(b'"', after(self.bytes, end + 1))?;
            end += 1 + close + 1;
            if self.bytes.get(end) != Some(&b'"') {
                break;
            }
            doubled = true;
        }
        self.pos = end;
        let inner = &self.text[start + 1..end - 1];
        let value = if doubled {
            inner.replace("\"\"", "\"")
        } else {
            inner.to_owned()
        };
        Some(Text {
            value,
            span: self.exact(start, end),
        })
    }

    /// Consumes `'...'H` or `'...'B`, returning its digits (blanks removed) and whether
    /// it is hexadecimal.
    pub(super) fn quoted_digits(&mut self) -> Option<(String, bool, Span)> {
        if self.peek() != Some(b'\'') {
            return None;
        }
        let start = self.pos;
        let close = start + 1 + memchr::memchr(b'\'', after(self.bytes, start + 1))?;
        let body = &self.text[start + 1..close];
        let blank = |c: u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
        // The grammar tries hex first; `'01'B` fails it on the suffix and is binary.
        let hex = match self.bytes.get(close + 1) {
            Some(b'H' | b'h') => true,
            Some(b'B' | b'b') => false,
            _ => return None,
        };
        let digit = |c: u8| {
            if hex {
                c.is_ascii_hexdigit()
            } else {
                matches!(c, b'0' | b'1')
            }
        };
        if !body.bytes().all(|c| digit(c) || blank(c)) {
            return None;
        }
        self.pos = close + 2;
        let digits = body.chars().filter(|c| !c.is_whitespace()).collect();
        Some((digits, hex, self.exact(start, self.pos)))
    }
}
