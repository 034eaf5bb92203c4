//! From bytes to text: byte-order marks, UTF-16, and damaged encodings.
//!
//! Windows PowerShell 5.1 writes `az ... > file.json` as UTF-16LE with a BOM; `Out-File`
//! writes a UTF-8 BOM; a pipe through the wrong code page leaves bytes that are not UTF-8.
//! Users should hear "the encoding is damaged", not "invalid JSON at 208664".

use std::borrow::Cow;

/// Why a file could not be read as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextError {
    /// Not valid UTF-8 (nor marked as UTF-16): the file was likely re-encoded by a pipe.
    DamagedUtf8 {
        /// Byte offset of the first invalid sequence.
        offset: usize,
    },
    /// Marked as UTF-16 but holds an unpaired surrogate or an odd number of bytes.
    DamagedUtf16,
}

impl std::fmt::Display for TextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TextError::DamagedUtf8 { offset } => write!(
                f,
                "the encoding is damaged: byte {offset} is not valid UTF-8 (a pipe through the wrong code page can do \
                 this; export again with `--output json > file.json` from bash, or `Out-File -Encoding utf8`)"
            ),
            TextError::DamagedUtf16 => {
                write!(f, "the encoding is damaged: the file is marked UTF-16 but is not valid UTF-16")
            }
        }
    }
}

/// Decodes a file to UTF-8 text, borrowing when it already is UTF-8.
pub fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, TextError> {
    match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => utf8(rest),
        [0xFF, 0xFE, rest @ ..] => utf16(rest, u16::from_le_bytes),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, u16::from_be_bytes),
        _ => match unmarked_utf16(bytes) {
            Some(unit) => utf16(bytes, unit),
            None => utf8(bytes),
        },
    }
}

/// True when `head`, a file's first bytes, says the file is UTF-8 without a byte-order mark:
/// [`decode`] borrows such a file as it is, and a damaged byte's offset is the file's own.
pub fn is_plain_utf8(head: &[u8]) -> bool {
    !matches!(head, [0xEF, 0xBB, 0xBF, ..] | [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..]) && unmarked_utf16(head).is_none()
}

/// UTF-16 without a BOM: JSON starts with an ASCII character, so every other byte is 0.
fn unmarked_utf16(bytes: &[u8]) -> Option<fn([u8; 2]) -> u16> {
    match bytes {
        [a, 0, b, 0, ..] if a.is_ascii() && b.is_ascii() && *a != 0 => Some(u16::from_le_bytes),
        [0, a, 0, b, ..] if a.is_ascii() && b.is_ascii() && *a != 0 => Some(u16::from_be_bytes),
        _ => None,
    }
}

fn utf8(bytes: &[u8]) -> Result<Cow<'_, str>, TextError> {
    std::str::from_utf8(bytes).map(Cow::Borrowed).map_err(|e| TextError::DamagedUtf8 { offset: e.valid_up_to() })
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<Cow<'_, str>, TextError> {
    if !bytes.len().is_multiple_of(2) {
        return Err(TextError::DamagedUtf16);
    }
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    char::decode_utf16(units).collect::<Result<String, _>>().map(Cow::Owned).map_err(|_| TextError::DamagedUtf16)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le_with_bom(text: &str) -> Vec<u8> {
        let mut out = vec![0xFF, 0xFE];
        out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        out
    }

    #[test]
    fn plain_utf8_is_borrowed() {
        assert!(matches!(decode(b"[1]"), Ok(Cow::Borrowed("[1]"))));
    }

    #[test]
    fn utf8_bom_is_dropped() {
        assert_eq!(decode(b"\xEF\xBB\xBF{}").unwrap(), "{}");
    }

    #[test]
    fn utf16le_with_bom_as_powershell_writes_it() {
        let bytes = utf16le_with_bom("[{\"name\": \"café\"}]\r\n");
        assert_eq!(decode(&bytes).unwrap(), "[{\"name\": \"café\"}]\r\n");
    }

    #[test]
    fn utf16be_with_bom() {
        let mut bytes = vec![0xFE, 0xFF];
        bytes.extend("{}".encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode(&bytes).unwrap(), "{}");
    }

    #[test]
    fn utf16le_without_bom() {
        let bytes: Vec<u8> = "[]".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(&bytes).unwrap(), "[]");
    }

    #[test]
    fn damaged_utf8_names_the_offset() {
        let err = decode(b"{\"a\": \"\xC3\x28\"}").unwrap_err();
        assert_eq!(err, TextError::DamagedUtf8 { offset: 7 });
        assert!(err.to_string().contains("encoding is damaged"));
    }

    #[test]
    fn odd_utf16_is_damaged() {
        assert_eq!(decode(&[0xFF, 0xFE, b'{']).unwrap_err(), TextError::DamagedUtf16);
    }
}
