//! Word boundaries. A word is a run of letters and digits; combining marks and invisible
//! characters stay inside it (they are folded away later), and an apostrophe between two
//! letters joins them (`Germany's`, `don't`). Everything else separates words, hyphens
//! included, so `германо-советские` yields `германо` and `советские` at consecutive
//! positions: a phrase of its parts finds the compound, and each part finds it alone.

use unicode_normalization::char::is_combining_mark;

use crate::lang::is_alphanumeric;
use crate::normalize::is_invisible;

fn is_word_char(c: char) -> bool {
    is_alphanumeric(c) || (!c.is_ascii() && (is_combining_mark(c) || is_invisible(c)))
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

/// Iterates over the byte ranges of the words of `text`.
pub fn words(text: &str) -> Words<'_> {
    Words { text, pos: 0 }
}

/// Iterator returned by [`words`].
pub struct Words<'a> {
    text: &'a str,
    pos: usize,
}

impl Iterator for Words<'_> {
    type Item = (usize, usize);

    /// Read from the bytes: ASCII and the Cyrillic letters U+0400–U+047F (lead byte 0xD0
    /// or 0xD1), nearly all of the text, are told from their first byte; any other
    /// character is decoded and asked.
    fn next(&mut self) -> Option<(usize, usize)> {
        let bytes = self.text.as_bytes();
        let mut i = self.pos;
        let start = loop {
            let b = *bytes.get(i)?;
            if b.is_ascii() {
                if b.is_ascii_alphanumeric() {
                    break i;
                }
                i += 1;
            } else if matches!(b, 0xD0 | 0xD1) {
                break i;
            } else {
                let c = self.char_at(i);
                if is_alphanumeric(c) {
                    break i;
                }
                i += c.len_utf8();
            }
        };
        let mut end = start + self.char_at(start).len_utf8();
        while let Some(&b) = bytes.get(end) {
            if b.is_ascii_alphanumeric() {
                end += 1;
            } else if matches!(b, 0xD0 | 0xD1) {
                end += 2;
            } else if b.is_ascii() && b != b'\'' {
                break;
            } else {
                let c = self.char_at(end);
                let next = || self.text[end + c.len_utf8()..].chars().next();
                let joins = is_word_char(c)
                    || (is_apostrophe(c) && next().is_some_and(char::is_alphabetic));
                if !joins {
                    break;
                }
                end += c.len_utf8();
            }
        }
        self.pos = end;
        Some((start, end))
    }
}

impl Words<'_> {
    /// The character starting at byte `i`, a character boundary.
    fn char_at(&self, i: usize) -> char {
        self.text[i..].chars().next().expect("a character starts at a boundary before the end")
    }
}

#[cfg(test)]
mod tests {
    use super::{is_apostrophe, is_word_char, words};
    use crate::lang::is_alphanumeric;

    /// The words of `text` as first found, a character at a time: the reference the byte
    /// reading is checked against.
    fn words_by_characters(text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut pos = 0;
        loop {
            let rest = &text[pos..];
            let Some((skip, first)) = rest.char_indices().find(|&(_, c)| is_alphanumeric(c)) else {
                return out;
            };
            let start = pos + skip;
            let mut end = start + first.len_utf8();
            let mut chars = text[end..].chars().peekable();
            while let Some(c) = chars.next() {
                let joins = is_word_char(c)
                    || (is_apostrophe(c) && chars.peek().is_some_and(|n| n.is_alphabetic()));
                if !joins {
                    break;
                }
                end += c.len_utf8();
            }
            pos = end;
            out.push((start, end));
        }
    }

    #[test]
    fn words_are_read_from_bytes_as_from_characters() {
        // Every character there is, alone and between letters of both scripts and an
        // apostrophe; then every string of up to four pieces that the rules tell apart.
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            for t in [c.to_string(), format!("ab{c}я'{c}d"), format!("ж{c}'x {c}")] {
                assert_eq!(words(&t).collect::<Vec<_>>(), words_by_characters(&t), "{t:?}");
            }
        }
        let pieces =
            ["a", "7", "Ж", "ё", "ҁ", "҂", "Ґ", "'", "’", " ", "-", "\u{301}", "\u{ad}", "λ", "é"];
        let mut texts = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> =
                texts.iter().flat_map(|t| pieces.iter().map(move |p| format!("{t}{p}"))).collect();
            texts.extend(longer);
        }
        for t in &texts {
            assert_eq!(words(t).collect::<Vec<_>>(), words_by_characters(t), "{t:?}");
        }
    }

    fn split(text: &str) -> Vec<&str> {
        words(text).map(|(a, b)| &text[a..b]).collect()
    }

    #[test]
    fn splits_on_punctuation_and_hyphens() {
        assert_eq!(
            split("германо-советские отношения, 1920-х"),
            ["германо", "советские", "отношения", "1920", "х"]
        );
        assert_eq!(split("Molotov–Ribbentrop Pact"), ["Molotov", "Ribbentrop", "Pact"]);
    }

    #[test]
    fn keeps_stress_marks_and_inner_apostrophes() {
        assert_eq!(split("Адо\u{301}льф Ио\u{301}ффе"), ["Адо\u{301}льф", "Ио\u{301}ффе"]);
        assert_eq!(split("Germany's ''Journal'' o'"), ["Germany's", "Journal", "o"]);
    }

    #[test]
    fn no_words_in_punctuation() {
        assert!(split(" … — «» ").is_empty());
    }
}
