//! ARM reads templates more leniently than JSON allows: `//` and `/* */` comments, literal
//! line breaks inside strings, and trailing commas. This pre-pass rewrites those into strict
//! JSON for `serde_json`, keeping every byte offset outside strings where it was (comments and
//! trailing commas become spaces), so a parse error still points at the right line.

use std::borrow::Cow;

/// Rewrites lenient template text into strict JSON; borrows when nothing needed rewriting.
pub fn to_strict_json(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let needs_pass = bytes.windows(2).any(|w| w == b"//" || w == b"/*") || has_trailing_comma_or_newline(bytes);
    if !needs_pass {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    // The index in `out` of the last comma outside strings and of everything since it that was
    // only whitespace or comments: a `}` or `]` there makes it a trailing comma.
    let mut pending_comma: Option<usize> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        match c {
            '"' => {
                pending_comma = None;
                out.push('"');
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => {
                            out.push('\\');
                            if let Some((_, escaped)) = chars.next() {
                                out.push(escaped);
                            }
                        }
                        '"' => {
                            out.push('"');
                            break;
                        }
                        '\n' => out.push_str("\\n"),
                        '\r' => out.push_str("\\r"),
                        '\t' => out.push_str("\\t"),
                        c => out.push(c),
                    }
                }
            }
            '/' if chars.peek().is_some_and(|(_, n)| *n == '/') => {
                out.push(' ');
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                    out.push(' ');
                }
            }
            '/' if chars.peek().is_some_and(|(_, n)| *n == '*') => {
                out.push(' ');
                let mut previous = ' ';
                for (_, c) in chars.by_ref() {
                    out.push(if c == '\n' { '\n' } else { ' ' });
                    if previous == '*' && c == '/' {
                        break;
                    }
                    previous = c;
                }
            }
            ',' => {
                pending_comma = Some(out.len());
                out.push(',');
            }
            '}' | ']' => {
                if let Some(at) = pending_comma.take() {
                    out.replace_range(at..=at, " ");
                }
                out.push(c);
            }
            c if c.is_whitespace() => out.push(c),
            c => {
                pending_comma = None;
                out.push(c);
            }
        }
    }
    Cow::Owned(out)
}

/// A cheap over-approximation: any comma followed (after whitespace) by a closing bracket, or
/// any control character inside the text (a literal line break may be inside a string).
fn has_trailing_comma_or_newline(bytes: &[u8]) -> bool {
    let mut in_string = false;
    let mut escaped = false;
    let mut after_comma = false;
    for &b in bytes {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                b'\n' | b'\r' | b'\t' => return true,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                after_comma = false;
            }
            b',' => after_comma = true,
            b'}' | b']' if after_comma => return true,
            b' ' | b'\n' | b'\r' | b'\t' => {}
            _ => after_comma = false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> serde_json::Value {
        serde_json::from_str(&to_strict_json(text)).unwrap_or_else(|e| panic!("{e}: {}", to_strict_json(text)))
    }

    #[test]
    fn strict_json_is_borrowed() {
        assert!(matches!(to_strict_json(r#"{"a": [1, 2], "b": "x/y"}"#), Cow::Borrowed(_)));
    }

    #[test]
    fn comments_are_blanked_but_not_inside_strings() {
        let value = parse("{\n // line\n \"a\": \"http://x/*y*/\", /* block\n over lines */ \"b\": 1 }");
        assert_eq!(value, serde_json::json!({"a": "http://x/*y*/", "b": 1}));
    }

    #[test]
    fn literal_line_breaks_in_strings_become_escapes() {
        let value = parse("{\"a\": \"[guid('x',\n   'y')]\"}");
        assert_eq!(value["a"], "[guid('x',\n   'y')]");
    }

    #[test]
    fn trailing_commas_are_dropped_even_before_comments() {
        let value = parse("{\"a\": [1, 2, ], \"b\": {\"c\": 1, // last\n }, }");
        assert_eq!(value, serde_json::json!({"a": [1, 2], "b": {"c": 1}}));
    }

    #[test]
    fn escaped_quotes_do_not_end_strings() {
        let value = parse("{\"a\": \"say \\\"hi\\\", // not a comment\", }");
        assert_eq!(value["a"], "say \"hi\", // not a comment");
    }

    #[test]
    fn line_numbers_survive() {
        let text = "{\n// c\n\"a\": 1,\n\"b\": ]\n}";
        let error = serde_json::from_str::<serde_json::Value>(&to_strict_json(text)).unwrap_err();
        assert_eq!(error.line(), 4);
    }
}
