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

#[cfg(test)]
mod tests {
    use super::display;

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
