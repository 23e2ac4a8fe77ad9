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
/// which looks every character up in Unicode's tables.
fn plainly_composed(text: &str) -> bool {
    text.chars().all(|c| matches!(c as u32, 0..=0x2FF | 0x400..=0x482 | 0x48A..=0x52F | 0x2010..=0x2027 | 0x2030..=0x205E))
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
        for word in text.split(is_space) {
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
