//! Footnote markers glued to words: `мотоцикла18`, `фирмами5`, `лет4.`, `…»6.` The digits
//! are cut so the word indexes and reads without them. Numbers that are text (`1920-х`,
//! `23,7%`, `Ju52`) stay: a marker follows three or more letters or a closing quote, and
//! ends the word. The rule is applied only to documents where such markers recur, since
//! one glued number alone is more likely a name or a model than a footnote.

use super::{cut_piece, text_of};
use crate::ingest::SourceDoc;
use crate::segment::{Block, Glue, Kind};

/// Fewest markers in a document before it is taken to use glued footnote numbers.
const MIN_MARKERS: usize = 3;

/// Byte ranges of the footnote markers in a line.
pub fn markers(line: &str) -> Vec<(usize, usize)> {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].1.is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].1.is_ascii_digit() {
            i += 1;
        }
        let digits = i - start;
        let ends_word = match chars.get(i) {
            None => true,
            Some(&(_, c)) if c.is_whitespace() => true,
            Some(&(_, '.' | ',' | ';' | ':' | ')')) => {
                chars.get(i + 1).is_none_or(|&(_, n)| n.is_whitespace() || n.is_uppercase())
            }
            _ => false,
        };
        if digits > 3 || !ends_word || start == 0 {
            continue;
        }
        let before = chars[start - 1].1;
        let after_quote = matches!(before, '»' | '"' | '”' | ')')
            && start >= 2
            && !chars[start - 2].1.is_whitespace();
        let letters = chars[..start].iter().rev().take_while(|(_, c)| c.is_alphabetic()).count();
        let after_word = letters >= 3 && {
            let word_start = start - letters;
            word_start == 0
                || !matches!(chars[word_start - 1].1, '-' | '–' | '_')
                    && !chars[word_start - 1].1.is_ascii_digit()
        };
        if after_quote || after_word {
            let end = chars.get(i).map_or(line.len(), |&(b, _)| b);
            out.push((chars[start].0, end));
        }
    }
    out
}

/// Cuts footnote markers from body text, in documents where they recur.
pub fn cut(doc: &SourceDoc, blocks: Vec<Block>) -> Vec<Block> {
    let found: usize = blocks
        .iter()
        .filter(|b| b.kind == Kind::Body)
        .flat_map(|b| &b.pieces)
        .map(|p| markers(text_of(doc, p)).len())
        .sum();
    if found < MIN_MARKERS {
        return blocks;
    }
    blocks
        .into_iter()
        .map(|mut b| {
            if b.kind == Kind::Body {
                b.pieces = b
                    .pieces
                    .iter()
                    .flat_map(|p| {
                        let cuts = markers(text_of(doc, p));
                        if cuts.is_empty() {
                            vec![*p]
                        } else {
                            cut_piece(doc, p, &cuts, Glue::Join)
                        }
                    })
                    .collect();
            }
            b
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::markers;
    use crate::analysis::test_util::assert_terms;
    use crate::analysis::Mode;
    use crate::clean::test_util::of_kind;
    use crate::segment::Kind;

    fn cut(line: &str) -> String {
        let mut out = String::new();
        let mut at = 0;
        for (a, b) in markers(line) {
            out.push_str(&line[at..a]);
            at = b;
        }
        out.push_str(&line[at..]);
        out
    }

    #[test]
    fn cuts_markers_after_words_and_quotes() {
        assert_eq!(cut("два мотоцикла18. Далее"), "два мотоцикла. Далее");
        assert_eq!(cut("с 27 германскими фирмами5 "), "с 27 германскими фирмами ");
        assert_eq!(cut("на 15 лет4."), "на 15 лет.");
        assert_eq!(cut("пугать Европу...»7. Отвечая"), "пугать Европу...». Отвечая");
        assert_eq!(cut("военных лётчиков»14, причем"), "военных лётчиков», причем");
        assert_eq!(cut("по отношению к СССР5."), "по отношению к СССР.");
    }

    #[test]
    fn keeps_numbers_that_are_text() {
        for line in [
            "в 1920-х годах",
            "составил 23,7% бюджета",
            "самолёт Ju52 и Т-34",
            "в 1922 г.",
            "Ту-16 и МиГ-29",
            "COVID 19",
        ] {
            assert_eq!(cut(line), line);
        }
    }

    #[test]
    fn documents_with_recurring_markers_index_words_without_them() {
        let text = "Школа имела два мотоцикла18. Фирмы работали с 27 германскими фирмами5. Договор заключён на 15 лет4.\n";
        assert_eq!(of_kind(text, Kind::Body), ["Школа имела два мотоцикла. Фирмы работали с 27 германскими фирмами. Договор заключён на 15 лет."]);
        assert_terms(
            Mode::Fold,
            &of_kind(text, Kind::Body)[0],
            &[
                "школа",
                "имела",
                "два",
                "мотоцикла",
                "фирмы",
                "работали",
                "с",
                "27",
                "германскими",
                "фирмами",
                "договор",
                "заключен",
                "на",
                "15",
                "лет",
            ],
        );
        let lone = "Самолёт Heinkel111 был хорош.\n";
        assert_eq!(of_kind(lone, Kind::Body), ["Самолёт Heinkel111 был хорош."]);
    }
}
