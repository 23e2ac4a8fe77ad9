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
    // Basic Russian letters, the hot case.
    match c {
        'а'..='я' => return out.push(c),
        'А'..='Я' => return out.push(char::from_u32(c as u32 + 0x20).unwrap_or(c)),
        _ => {}
    }
    if is_combining_mark(c) || is_invisible(c) {
        return;
    }
    match c {
        'ё' | 'Ё' | 'ѐ' | 'Ѐ' => out.push('е'),
        'ѝ' | 'Ѝ' | 'і' | 'І' | 'ѵ' | 'Ѵ' => out.push('и'),
        // Pre-1918 spelling reads as modern spelling: мѣсто, Россіи, Ѳеодоръ.
        'ѣ' | 'Ѣ' => out.push('е'),
        'ѳ' | 'Ѳ' => out.push('ф'),
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

/// Latin letters that look like Cyrillic ones, and the Cyrillic letter each stands for.
const LOOK_ALIKES: &[(char, char)] = &[
    ('a', 'а'),
    ('b', 'в'),
    ('c', 'с'),
    ('e', 'е'),
    ('h', 'н'),
    ('k', 'к'),
    ('m', 'м'),
    ('o', 'о'),
    ('p', 'р'),
    ('t', 'т'),
    ('x', 'х'),
    ('y', 'у'),
];

/// Repairs a folded token: a word-final hard sign of pre-1918 spelling is dropped (`миръ`),
/// and a word mixing scripts (OCR's `cоветский` with a Latin `c`) is written in the script
/// of most of its letters, when every odd letter has a look-alike there.
pub fn repair(token: &mut String) {
    if token.ends_with('ъ') && token.chars().count() > 1 {
        token.pop();
    }
    let (mut latin, mut cyrillic) = (0, 0);
    for c in token.chars() {
        match script_of(c) {
            Some(Script::Latin) => latin += 1,
            Some(Script::Cyrillic) => cyrillic += 1,
            _ => {}
        }
    }
    if latin == 0 || cyrillic == 0 {
        return;
    }
    let to_cyrillic = cyrillic >= latin;
    let swap = |c: char| {
        LOOK_ALIKES
            .iter()
            .find(|&&(l, k)| if to_cyrillic { l == c } else { k == c })
            .map(|&(l, k)| if to_cyrillic { k } else { l })
    };
    let odd =
        |c: char| script_of(c) == Some(if to_cyrillic { Script::Latin } else { Script::Cyrillic });
    if token.chars().filter(|&c| odd(c)).all(|c| swap(c).is_some()) {
        *token = token.chars().map(|c| if odd(c) { swap(c).unwrap_or(c) } else { c }).collect();
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

    fn repaired(s: &str) -> String {
        let mut t = fold(s);
        super::repair(&mut t);
        t
    }

    #[test]
    fn old_spelling_folds_to_modern() {
        assert_eq!(repaired("мѣсто"), "место");
        assert_eq!(repaired("Россіи"), "россии");
        assert_eq!(repaired("миръ"), "мир");
        assert_eq!(repaired("Ѳеодоръ"), "феодор");
        assert_eq!(repaired("ъ"), "ъ");
    }

    #[test]
    fn mixed_scripts_are_repaired_towards_the_majority() {
        assert_eq!(repaired("cоветский"), "советский");
        assert_eq!(repaired("Пaрижcкий"), "парижский");
        assert_eq!(repaired("Trеaty"), "treaty");
        assert_eq!(repaired("sоviet"), "soviet");
        // An odd letter with no look-alike: left as it is.
        assert_eq!(repaired("жz"), "жz");
    }

    #[test]
    fn folds_apostrophes() {
        assert_eq!(fold("Germany’s"), "germany's");
    }
}
