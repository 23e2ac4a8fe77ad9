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

    fn next(&mut self) -> Option<(usize, usize)> {
        let rest = &self.text[self.pos..];
        let (skip, first) = rest.char_indices().find(|&(_, c)| is_alphanumeric(c))?;
        let start = self.pos + skip;
        let mut end = start + first.len_utf8();
        let mut chars = self.text[end..].chars().peekable();
        while let Some(c) = chars.next() {
            let joins = is_word_char(c)
                || (is_apostrophe(c) && chars.peek().is_some_and(|n| n.is_alphabetic()));
            if joins {
                end += c.len_utf8();
            } else {
                break;
            }
        }
        self.pos = end;
        Some((start, end))
    }
}

#[cfg(test)]
mod tests {
    use super::words;

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
