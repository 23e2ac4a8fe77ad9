//! Display normalisation: what a passage's text looks like when it is shown and quoted.
//! Unicode NFC, zero-width and soft-hyphen characters removed, whitespace runs collapsed
//! to one space. The letters themselves are never changed, so a quote stays verbatim.

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Characters that carry no text: zero-width spaces and joiners, word joiner, BOM, soft hyphen.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// Normalises text for display and quoting.
pub fn display(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    let mut push = |c: char| {
        if c.is_whitespace() || c.is_control() {
            pending_space = !out.is_empty();
            return;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    };
    // Invisible characters go before composing, so a mark they separated from its letter
    // composes with it: normalising twice changes nothing.
    let visible = || text.chars().filter(|&c| !is_invisible(c));
    // Most text is already NFC, and the quick check proves it without composing anything.
    if is_nfc_quick(visible()) == IsNormalized::Yes {
        visible().for_each(&mut push);
    } else {
        visible().nfc().for_each(&mut push);
    }
    out
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
    let visible = || text.chars().filter(|&c| !is_invisible(c));
    if is_nfc_quick(visible()) == IsNormalized::Yes {
        // The same walk as `display`, counting instead of writing.
        let (mut len, mut pending_space) = (0usize, false);
        let mut next = 0;
        for (at, c) in text.char_indices().filter(|&(_, c)| !is_invisible(c)) {
            if c.is_whitespace() || c.is_control() {
                pending_space = len > 0;
                continue;
            }
            let shown = len + usize::from(pending_space);
            while next < cuts.len() && cuts[next] <= at {
                marks.push(shown);
                next += 1;
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
