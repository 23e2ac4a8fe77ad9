//! Display normalisation: what a passage's text looks like when it is shown and quoted.
//! Unicode NFC, zero-width and soft-hyphen characters removed, whitespace runs collapsed
//! to one space. The letters themselves are never changed, so a quote stays verbatim.

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Characters that carry no text: zero-width spaces and joiners, word joiner, BOM, soft hyphen.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// True when NFC leaves every character of `text` as it is, whatever stands around it: each
/// is in a block with no combining mark and no character that composition replaces (Basic
/// Latin to Latin Extended-B and IPA, Cyrillic without its combining marks, the common
/// punctuation). Nearly all text is, and this is far cheaper than the general quick check,
/// which looks every character up in Unicode's tables. Read from the bytes: a character's
/// lead byte names its block.
fn plainly_composed(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // `text` is UTF-8: a lead byte has its continuation bytes after it.
        i += match bytes[i] {
            0x00..=0x7F => 1,
            // U+0080–U+02FF, U+0400–U+047F, U+04C0–U+04FF.
            0xC2..=0xCB | 0xD0 | 0xD1 | 0xD3 => 2,
            // U+0480–U+0482, U+048A–U+04BF (not the combining marks between).
            0xD2 if !(0x83..=0x89).contains(&bytes[i + 1]) => 2,
            // U+0500–U+052F.
            0xD4 if bytes[i + 1] <= 0xAF => 2,
            // U+2010–U+2027, U+2030–U+205E.
            0xE2 => match (bytes[i + 1], bytes[i + 2]) {
                (0x80, 0x90..=0xA7 | 0xB0..=0xBF) | (0x81, 0x80..=0x9E) => 3,
                _ => return false,
            },
            _ => return false,
        };
    }
    true
}

/// True when `text`, its invisible characters dropped, is in NFC.
fn is_composed(text: &str) -> bool {
    plainly_composed(text)
        || is_nfc_quick(text.chars().filter(|&c| !is_invisible(c))) == IsNormalized::Yes
}

/// Normalises text for display and quoting.
pub fn display(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Most text is already NFC, and that is proved without composing anything: its words
    // are copied whole.
    if is_composed(text) {
        for word in SpaceSplit::new(text) {
            let before = out.len();
            let shown = before + usize::from(before > 0);
            if before > 0 {
                out.push(' ');
            }
            if may_hold_invisible(word) {
                out.extend(word.chars().filter(|&c| !is_invisible(c)));
            } else {
                out.push_str(word);
            }
            // Nothing shown (an empty run between two spaces, or only invisible
            // characters): no space for it either.
            if out.len() == shown {
                out.truncate(before);
            }
        }
        return out;
    }
    display_by_characters(text, &mut out);
    out
}

/// `display`, one character at a time: composed, its spaces collapsed. Invisible
/// characters go before composing, so a mark they separated from its letter composes with
/// it: normalising twice changes nothing.
fn display_by_characters(text: &str, out: &mut String) {
    let mut pending_space = false;
    for c in text.chars().filter(|&c| !is_invisible(c)).nfc() {
        if is_space(c) {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
}

/// What separates the words shown: whitespace and control characters.
fn is_space(c: char) -> bool {
    c.is_whitespace() || c.is_control()
}

/// The length of the character at the start of `bytes` (valid UTF-8) when it is a space
/// (`is_space`), read from its bytes: ASCII controls and space; U+0080–U+00A0 (C1
/// controls, NEL, no-break space); U+1680; U+2000–U+200A, U+2028, U+2029, U+202F,
/// U+205F; U+3000. Every other character is not.
fn space_len(bytes: &[u8]) -> Option<usize> {
    match *bytes {
        [b, ..] if b < 0x80 => (b <= 0x20 || b == 0x7F).then_some(1),
        [0xC2, b, ..] => (b <= 0xA0).then_some(2),
        [0xE1, 0x9A, 0x80, ..] | [0xE3, 0x80, 0x80, ..] => Some(3),
        [0xE2, 0x80, b, ..] if b <= 0x8A || matches!(b, 0xA8 | 0xA9 | 0xAF) => Some(3),
        [0xE2, 0x81, 0x9F, ..] => Some(3),
        _ => None,
    }
}

/// `text.split(is_space)` read byte by byte: only the bytes that may begin a space are
/// looked at twice, the rest are passed over without decoding a character.
struct SpaceSplit<'a> {
    text: &'a str,
    at: usize,
    done: bool,
}

impl<'a> SpaceSplit<'a> {
    fn new(text: &'a str) -> SpaceSplit<'a> {
        SpaceSplit { text, at: 0, done: false }
    }
}

impl<'a> Iterator for SpaceSplit<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.done {
            return None;
        }
        let bytes = self.text.as_bytes();
        let start = self.at;
        let mut i = start;
        while i < bytes.len() {
            let b = bytes[i];
            if b > 0x20 && b != 0x7F && !matches!(b, 0xC2 | 0xE1 | 0xE2 | 0xE3) {
                i += 1;
                continue;
            }
            if let Some(len) = space_len(&bytes[i..]) {
                self.at = i + len;
                return Some(&self.text[start..i]);
            }
            i += 1;
        }
        self.done = true;
        Some(&self.text[start..])
    }
}

/// False when `word` surely holds no invisible character: none of the bytes that begin one
/// in UTF-8 (U+00AD begins with 0xC2, U+200B–U+2060 with 0xE2, U+FEFF with 0xEF).
fn may_hold_invisible(word: &str) -> bool {
    word.bytes().any(|b| matches!(b, 0xC2 | 0xE2 | 0xEF))
}

/// Where raw offsets `cuts` (ascending, each at a character boundary of `text`) fall in
/// `display(text)`: the offset of the first character shown at or after each cut (the end
/// of the text when nothing is). A passage keeps these for the source lines it spans, so
/// the line of any of its words is known.
pub fn display_offsets(text: &str, cuts: &[usize]) -> Vec<usize> {
    let mut marks = Vec::with_capacity(cuts.len());
    if cuts.is_empty() {
        return marks;
    }
    if is_composed(text) {
        // The same walk as `display`, counting instead of writing.
        let (mut len, mut pending_space) = (0usize, false);
        let mut next = 0;
        for (at, c) in text.char_indices().filter(|&(_, c)| !is_invisible(c)) {
            if is_space(c) {
                pending_space = len > 0;
                continue;
            }
            let shown = len + usize::from(pending_space);
            while next < cuts.len() && cuts[next] <= at {
                marks.push(shown);
                next += 1;
            }
            if next == cuts.len() {
                return marks; // the rest of the text moves no cut
            }
            len = shown + c.len_utf8();
            pending_space = false;
        }
        marks.resize(cuts.len(), len);
        return marks;
    }
    // Composition may join characters across a cut (rarely): measure each prefix.
    let full = display(text);
    for &cut in cuts {
        let mut at = display(&text[..cut.min(text.len())]).len().min(full.len());
        if full[at..].starts_with(' ') {
            at += 1;
        }
        while !full.is_char_boundary(at) {
            at += 1;
        }
        marks.push(at);
    }
    marks
}

#[cfg(test)]
mod tests {
    use super::{display, display_offsets};

    #[test]
    fn offsets_of_cuts_follow_the_collapsed_text() {
        let text = "  first  line\n   second\u{00AD}line \n\nthird";
        let shown = display(text);
        assert_eq!(shown, "first line secondline third");
        let cuts = [text.find("second").unwrap(), text.find("third").unwrap(), text.len()];
        let marks = display_offsets(text, &cuts);
        assert_eq!(&shown[marks[0]..marks[0] + 6], "second");
        assert_eq!(&shown[marks[1]..], "third");
        assert_eq!(marks[2], shown.len());
        // Text that composes takes the slower way to the same answer.
        let text = "и\u{0306}ти\nдои\u{0306}";
        let shown = display(text);
        let marks = display_offsets(text, &[text.find('\n').unwrap() + 1]);
        assert_eq!(&shown[marks[0]..], "дой");
    }

    #[test]
    fn plainly_composed_characters_pass_the_quick_check_alone() {
        use unicode_normalization::char::canonical_combining_class;
        use unicode_normalization::{is_nfc_quick, IsNormalized};
        // What `plainly_composed` lets through must be what the general check says of
        // any sequence of them: no combining class, and "yes" on its own.
        let mut checked = 0;
        for c in (0..=0x2FFFu32).filter_map(char::from_u32) {
            if super::plainly_composed(c.encode_utf8(&mut [0; 4])) {
                assert_eq!(canonical_combining_class(c), 0, "{c:?}");
                assert_eq!(is_nfc_quick(std::iter::once(c)), IsNormalized::Yes, "{c:?}");
                checked += 1;
            }
        }
        assert!(checked > 1000);
        assert!(!super::plainly_composed("и\u{0306}"));
        assert!(!super::plainly_composed("\u{212B}"), "the angstrom sign composes to Å");
    }

    #[test]
    fn whole_words_are_copied_as_characters_would_be() {
        let pieces = [
            "a",
            "Жук",
            " ",
            "  ",
            "\t",
            "\n",
            "\u{00A0}",
            "\u{00AD}",
            "\u{200B}",
            "\u{FEFF}",
            "\u{2060}",
            "—",
            "…",
            "é",
            "e\u{0301}",
            "и\u{0306}",
            "\u{0085}",
            "\u{2028}",
            "x",
        ];
        // Every sequence of up to four pieces.
        let mut texts = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> =
                texts.iter().flat_map(|t| pieces.iter().map(move |p| format!("{t}{p}"))).collect();
            texts.extend(longer);
            texts.sort();
            texts.dedup();
        }
        for t in &texts {
            let mut by_characters = String::new();
            super::display_by_characters(t, &mut by_characters);
            assert_eq!(display(t), by_characters, "{t:?}");
        }
    }

    #[test]
    fn plain_blocks_are_read_from_bytes_as_from_characters() {
        let by_characters = |t: &str| {
            t.chars().all(|c| {
                matches!(c as u32, 0..=0x2FF | 0x400..=0x482 | 0x48A..=0x52F | 0x2010..=0x2027 | 0x2030..=0x205E)
            })
        };
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            for t in [c.to_string(), format!("aЖ{c}—é")] {
                assert_eq!(super::plainly_composed(&t), by_characters(&t), "{t:?}");
            }
        }
    }

    #[test]
    fn spaces_are_read_from_bytes_as_from_characters() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let mut buf = [0; 4];
            let bytes = c.encode_utf8(&mut buf).as_bytes();
            let expected = super::is_space(c).then_some(bytes.len());
            assert_eq!(super::space_len(bytes), expected, "{c:?}");
        }
        for t in ["", " ", "a", " a  b\u{a0}c\u{3000}", "\u{2028}x\u{85}", "жук\tжук\n"] {
            let by_chars: Vec<&str> = t.split(super::is_space).collect();
            assert_eq!(super::SpaceSplit::new(t).collect::<Vec<_>>(), by_chars, "{t:?}");
        }
    }

    #[test]
    fn collapses_whitespace_and_trims() {
        assert_eq!(display("  a \t b\u{00A0}\u{00A0}c  "), "a b c");
    }

    #[test]
    fn removes_invisible_characters_but_keeps_stress_marks() {
        assert_eq!(display("со\u{00AD}труд\u{200B}ничество"), "сотрудничество");
        assert_eq!(display("Адо\u{0301}льф"), "Адо\u{0301}льф");
    }

    #[test]
    fn composes_to_nfc() {
        assert_eq!(display("и\u{0306}"), "й");
        assert_eq!(display("A\u{ad}\u{301}"), "Á");
    }

    #[test]
    fn is_idempotent() {
        for s in ["A\u{ad}\u{301}–", " x\u{200b} \u{301}y ", "Адо\u{301}льф\u{feff}"] {
            assert_eq!(display(&display(s)), display(s), "{s:?}");
        }
    }
}
