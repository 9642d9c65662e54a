//! DISPLAY-HINT formatting (RFC 2579 §3.1): how a textual convention says its values
//! are shown, such as `255a` (text), `1x:` (a MAC address) or `d-2` (hundredths).

/// Formats octets with an OCTET STRING hint; `None` when the hint does not parse.
///
/// ```
/// use smic_smi::display_hint::format_octets;
/// assert_eq!(format_octets("1x:", &[0, 0x1b, 0x21, 0xa, 0xb, 0xc]).as_deref(), Some("0:1b:21:a:b:c"));
/// assert_eq!(format_octets("255a", b"router-1").as_deref(), Some("router-1"));
/// assert_eq!(format_octets("1d.1d.1d.1d/1d", &[10, 0, 0, 0, 8]).as_deref(), Some("10.0.0.0/8"));
/// assert_eq!(format_octets("2d-1d-1d,1d:1d:1d.1d", &[0x07, 0xea, 11, 21, 13, 5, 9, 3]).as_deref(), Some("2026-11-21,13:5:9.3"));
/// ```
pub fn format_octets(hint: &str, bytes: &[u8]) -> Option<String> {
    let specs = parse(hint)?;
    let mut out = String::new();
    let mut rest = bytes;
    let mut i = 0;
    while !rest.is_empty() {
        // The last specification repeats until the octets run out.
        let spec = specs.get(i).or(specs.last())?;
        i += 1;
        let mut repeat = 1usize;
        if spec.star {
            let (&count, tail) = rest.split_first()?;
            repeat = usize::from(count);
            rest = tail;
        }
        for r in 0..repeat {
            if rest.is_empty() {
                break;
            }
            let take = spec.length.min(rest.len());
            let (chunk, tail) = rest.split_at(take);
            rest = tail;
            match spec.format {
                'a' | 't' => out.push_str(&String::from_utf8_lossy(chunk)),
                // Numbers unpadded, as net-snmp prints them (a MAC address as 0:1b:…).
                'x' | 'd' | 'o' => {
                    let n = chunk.iter().fold(0u128, |n, &b| (n << 8) | u128::from(b));
                    out.push_str(&match spec.format {
                        'x' => format!("{n:x}"),
                        'd' => n.to_string(),
                        _ => format!("{n:o}"),
                    });
                }
                _ => return None,
            }
            let more = !rest.is_empty();
            if let (Some(sep), true) = (spec.separator, more) {
                if !(spec.star && r + 1 == repeat && spec.terminator.is_some()) {
                    out.push(sep);
                }
            }
            if spec.star && r + 1 == repeat && more {
                if let Some(t) = spec.terminator {
                    out.push(t);
                }
            }
        }
    }
    Some(out)
}

/// Formats an integer with an INTEGER hint (`d`, `d-2`, `x`, `o`, `b`).
///
/// ```
/// use smic_smi::display_hint::format_integer;
/// assert_eq!(format_integer("d-2", 1234).as_deref(), Some("12.34"));
/// assert_eq!(format_integer("x", 255).as_deref(), Some("ff"));
/// assert_eq!(format_integer("d-1", -5).as_deref(), Some("-0.5"));
/// ```
pub fn format_integer(hint: &str, value: i64) -> Option<String> {
    let mut chars = hint.chars();
    Some(match chars.next()? {
        'd' => {
            let places: usize = match chars.as_str() {
                "" => 0,
                rest => rest.strip_prefix('-')?.parse().ok()?,
            };
            if places == 0 {
                return Some(value.to_string());
            }
            let digits = format!("{:0>width$}", value.unsigned_abs(), width = places + 1);
            let (int, frac) = digits.split_at(digits.len() - places);
            format!("{}{int}.{frac}", if value < 0 { "-" } else { "" })
        }
        'x' => format!("{value:x}"),
        'o' => format!("{value:o}"),
        'b' => format!("{value:b}"),
        _ => return None,
    })
}

struct Spec {
    star: bool,
    length: usize,
    format: char,
    separator: Option<char>,
    terminator: Option<char>,
}

/// RFC 2579 §3.1: `[*]length format [separator] [terminator]`, repeated.
fn parse(hint: &str) -> Option<Vec<Spec>> {
    let mut specs = Vec::new();
    let chars: Vec<char> = hint.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let star = chars.get(i) == Some(&'*');
        if star {
            i += 1;
        }
        let mut length_digits = String::new();
        while let Some(digit) = chars.get(i).filter(|c| c.is_ascii_digit()) {
            length_digits.push(*digit);
            i += 1;
        }
        let length: usize = length_digits.parse().ok()?;
        let format = *chars.get(i)?;
        if !matches!(format, 'a' | 't' | 'x' | 'd' | 'o') || length == 0 {
            return None;
        }
        i += 1;
        let separator = chars
            .get(i)
            .copied()
            .filter(|c| !c.is_ascii_digit() && *c != '*');
        if separator.is_some() {
            i += 1;
        }
        let terminator = if star {
            chars
                .get(i)
                .copied()
                .filter(|c| !c.is_ascii_digit() && *c != '*')
        } else {
            None
        };
        if terminator.is_some() {
            i += 1;
        }
        specs.push(Spec {
            star,
            length,
            format,
            separator,
            terminator,
        });
    }
    (!specs.is_empty()).then_some(specs)
}

/// Reads text written with an OCTET STRING hint back into octets: the inverse of
/// [`format_octets`] for hints without `*` repeat counts. `None` when the text does not
/// follow the hint.
///
/// ```
/// use smic_smi::display_hint::parse_octets;
/// assert_eq!(parse_octets("1x:", "0:1b:21:a:b:c"), Some(vec![0, 0x1b, 0x21, 0xa, 0xb, 0xc]));
/// assert_eq!(parse_octets("255a", "router-1"), Some(b"router-1".to_vec()));
/// assert_eq!(parse_octets("2d-1d-1d,1d:1d:1d.1d", "2026-11-21,13:5:9.3"), Some(vec![0x07, 0xea, 11, 21, 13, 5, 9, 3]));
/// let date_and_time = "2d-1d-1d,1d:1d:1d.1d,1a1d:1d";
/// assert_eq!(
///     parse_octets(date_and_time, "2026-11-21,13:5:9.3,+1:0"),
///     Some(vec![0x07, 0xea, 11, 21, 13, 5, 9, 3, b'+', 1, 0])
/// );
/// assert_eq!(parse_octets("1x:", "0:zz"), None);
/// ```
pub fn parse_octets(hint: &str, text: &str) -> Option<Vec<u8>> {
    let specs = parse(hint)?;
    if specs.iter().any(|s| s.star) {
        return None;
    }
    let mut out = Vec::new();
    let mut rest = text;
    let mut i = 0;
    while !rest.is_empty() {
        // The last specification repeats until the text runs out.
        let spec = specs.get(i).or(specs.last())?;
        i += 1;
        let end = match (spec.format, spec.separator) {
            ('a' | 't', Some(sep)) => rest.find(sep).unwrap_or(rest.len()),
            ('a' | 't', None) => rest
                .char_indices()
                .map(|(at, c)| at + c.len_utf8())
                .take_while(|&end| end <= spec.length)
                .last()
                .unwrap_or(0),
            _ => rest
                .find(|c: char| !c.is_ascii_alphanumeric())
                .unwrap_or(rest.len()),
        };
        if end == 0 {
            return None;
        }
        let (field, tail) = rest.split_at(end);
        rest = tail;
        if matches!(spec.format, 'a' | 't') {
            out.extend_from_slice(field.as_bytes());
        } else {
            let radix = match spec.format {
                'x' => 16,
                'd' => 10,
                _ => 8,
            };
            let n = u128::from_str_radix(field, radix).ok()?;
            let width = spec.length.min(16);
            if width < 16 && n >> (8 * width) != 0 {
                return None;
            }
            out.extend_from_slice(n.to_be_bytes().get(16 - width..)?);
        }
        if let (Some(sep), false) = (spec.separator, rest.is_empty()) {
            // A field is followed by its own separator, and nothing else; a field
            // without one is followed directly by the next (`1a1d` in DateAndTime).
            rest = rest.strip_prefix(sep)?;
        }
    }
    Some(out)
}

/// Reads text written with an INTEGER hint (`d`, `d-2`, `x`, `o`, `b`) back into the
/// number.
///
/// ```
/// use smic_smi::display_hint::parse_integer;
/// assert_eq!(parse_integer("d-2", "12.34"), Some(1234));
/// assert_eq!(parse_integer("d-1", "-0.5"), Some(-5));
/// assert_eq!(parse_integer("x", "ff"), Some(255));
/// assert_eq!(parse_integer("d-2", "1.234"), None);
/// ```
pub fn parse_integer(hint: &str, text: &str) -> Option<i64> {
    let mut chars = hint.chars();
    let radix = match chars.next()? {
        'd' => {
            let places: usize = match chars.as_str() {
                "" => 0,
                rest => rest.strip_prefix('-')?.parse().ok()?,
            };
            if places == 0 {
                return text.parse().ok();
            }
            let (negative, digits) = match text.strip_prefix('-') {
                Some(d) => (true, d),
                None => (false, text),
            };
            let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
            if frac.len() > places || !frac.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let scaled: i64 = format!("{int}{frac:0<places$}").parse().ok()?;
            return Some(if negative { -scaled } else { scaled });
        }
        'x' => 16,
        'o' => 8,
        'b' => 2,
        _ => return None,
    };
    match text.strip_prefix('-') {
        Some(digits) => i64::from_str_radix(digits, radix).ok().map(|n| -n),
        None => i64::from_str_radix(text, radix).ok(),
    }
}
