//! Folding: the character-level normalisation of a word before it is stemmed or indexed.
//! Lowercase; ё→е; combining marks dropped (so the stress accent in `Адо́льф` vanishes
//! instead of splitting the word); Latin letters lose their diacritics (`Traité` →
//! `traite`, Greek `λόγος` → `λογος`), Cyrillic ones keep theirs (`й` is a letter of its own); typographic
//! apostrophes become `'`.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

use crate::lang::{script_of, Script};
use crate::normalize::is_invisible;

/// Appends the folded form of `word` to `out`.
pub fn fold_into(word: &str, out: &mut String) {
    for c in word.chars() {
        fold_char(c, out);
    }
}

fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    if is_combining_mark(c) || is_invisible(c) {
        return;
    }
    match c {
        'ё' | 'Ё' | 'ѐ' | 'Ѐ' => out.push('е'),
        'ѝ' | 'Ѝ' => out.push('и'),
        '\u{2019}' | '\u{2018}' | '\u{02BC}' => out.push('\''),
        _ if drops_diacritics(c) => {
            for lower in c.to_lowercase() {
                decompose_canonical(lower, |d| {
                    if !is_combining_mark(d) {
                        out.push(d);
                    }
                });
            }
        }
        _ => out.extend(c.to_lowercase()),
    }
}

/// Latin and Greek letters lose their accents; Cyrillic ones do not (`й` ≠ `и`).
fn drops_diacritics(c: char) -> bool {
    script_of(c) == Some(Script::Latin)
        || matches!(c, '\u{0370}'..='\u{03FF}' | '\u{1F00}'..='\u{1FFF}')
}

#[cfg(test)]
mod tests {
    use super::fold_into;

    fn fold(s: &str) -> String {
        let mut out = String::new();
        fold_into(s, &mut out);
        out
    }

    #[test]
    fn folds_case_yo_and_stress() {
        assert_eq!(fold("Адо\u{301}льф"), "адольф");
        assert_eq!(fold("ЁЛКА"), "елка");
        assert_eq!(fold("Германия"), "германия");
    }

    #[test]
    fn keeps_short_i_and_folds_latin_diacritics() {
        assert_eq!(fold("Май"), "май");
        assert_eq!(fold("Traité"), "traite");
        assert_eq!(fold("Aufstände"), "aufstande");
    }

    #[test]
    fn folds_apostrophes() {
        assert_eq!(fold("Germany’s"), "germany's");
    }
}
