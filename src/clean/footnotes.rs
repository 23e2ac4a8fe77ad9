//! Footnote markers glued to words: `мотоцикла18`, `фирмами5`, `лет4.`, `…»6.` The digits
//! are cut so the word indexes and reads without them. Numbers that are text (`1920-х`,
//! `23,7%`, `Ju52`) stay: a marker follows three or more letters or a closing quote, and
//! ends the word. A wrong cut damages a word (`libc6`, `exim4`, `amd64` become
//! unsearchable and misquoted), so a candidate is cut only on evidence that it is a note
//! mark: the document's marks run in sequence (a mark numbered n has n − 1 before it or
//! n + 1 after it), the same word with the same digits is not written again elsewhere (a
//! name with digits recurs; a mark is unique), and at least `MIN_MARKERS` marks qualify.

use std::collections::HashMap;

use super::{cut_piece, text_of};
use crate::ingest::SourceDoc;
use crate::segment::{Block, Glue, Kind};

/// Fewest markers in a document before it is taken to use glued footnote numbers.
const MIN_MARKERS: usize = 3;

/// Byte ranges of the footnote markers in a line.
pub fn markers(line: &str) -> Vec<(usize, usize)> {
    // Most lines hold no digit, and need no characters listed.
    if !line.bytes().any(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
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
            // A word joined to what comes before it by a hyphen, or by a sign that joins
            // the parts of a version, path or address (`1.5+nmu4`, `usr/lib64`), is part
            // of a longer token whose digits are its own.
            word_start == 0
                || !matches!(
                    chars[word_start - 1].1,
                    '-' | '–' | '_' | '+' | '.' | '/' | '\\' | '@' | '=' | '~' | '#'
                ) && !chars[word_start - 1].1.is_ascii_digit()
        };
        if after_quote || after_word {
            let end = chars.get(i).map_or(line.len(), |&(b, _)| b);
            out.push((chars[start].0, end));
        }
    }
    out
}

/// A candidate mark: its piece, its byte range in the piece, its number, and the word it
/// is glued to with its digits (`фирмами5`).
struct Candidate {
    block: usize,
    piece: usize,
    range: (usize, usize),
    number: u32,
    token: String,
}

/// The word a mark at `start` of `text` is glued to, with the mark (`libc6`).
fn token_at(text: &str, start: usize, end: usize) -> String {
    let word_start = start - crate::ingest::word_before(text, start).len();
    text[word_start..end].to_lowercase()
}

/// The candidates that are note marks, by the evidence described above.
fn confirmed(candidates: &[Candidate], counts: &HashMap<String, usize>) -> Vec<bool> {
    let unique: Vec<bool> = candidates.iter().map(|c| counts.get(&c.token) == Some(&1)).collect();
    candidates
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let before = candidates[..i]
                .iter()
                .zip(&unique)
                .any(|(o, &u)| u && c.number > 0 && o.number == c.number - 1);
            let after = candidates[i + 1..]
                .iter()
                .zip(&unique[i + 1..])
                .any(|(o, &u)| u && o.number == c.number + 1);
            unique[i] && (before || after)
        })
        .collect()
}

/// Cuts footnote markers from body text, where the document's evidence confirms them.
pub fn cut(doc: &SourceDoc, blocks: Vec<Block>) -> Vec<Block> {
    let mut candidates = Vec::new();
    for (bi, b) in blocks.iter().enumerate().filter(|(_, b)| b.kind == Kind::Body) {
        for (pi, p) in b.pieces.iter().enumerate() {
            let text = text_of(doc, p);
            for (a, e) in markers(text) {
                let Ok(number) = text[a..e].parse::<u32>() else { continue };
                let token = token_at(text, a, e);
                candidates.push(Candidate { block: bi, piece: pi, range: (a, e), number, token });
            }
        }
    }
    if candidates.len() < MIN_MARKERS {
        return blocks;
    }
    // How often each glued word is written anywhere in the document, mark or not.
    let counts: HashMap<String, usize> =
        candidates.iter().map(|c| (c.token.clone(), doc.word_count(&c.token) as usize)).collect();
    let ok = confirmed(&candidates, &counts);
    if ok.iter().filter(|&&o| o).count() < MIN_MARKERS {
        return blocks;
    }
    let mut cuts: HashMap<(usize, usize), Vec<(usize, usize)>> = HashMap::new();
    for (c, _) in candidates.iter().zip(&ok).filter(|(_, &o)| o) {
        cuts.entry((c.block, c.piece)).or_default().push(c.range);
    }
    blocks
        .into_iter()
        .enumerate()
        .map(|(bi, mut b)| {
            b.pieces = b
                .pieces
                .iter()
                .enumerate()
                .flat_map(|(pi, p)| match cuts.get(&(bi, pi)) {
                    Some(ranges) => cut_piece(doc, p, ranges, Glue::Join),
                    None => vec![*p],
                })
                .collect();
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
        let text = "Школа имела два мотоцикла17. Фирмы работали с 27 германскими фирмами18. Договор заключён на 15 лет19.\n";
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

    #[test]
    fn technical_words_with_digits_keep_them() {
        // Numbers that do not run in sequence, and words written more than once, are
        // part of the word.
        let text = "Install libc6 and gcc4 on amd64, then exim4. Check SHA256 sums.\n\
                    The exim4 daemon links libc6 only. Hash with sha256 again.\n";
        let body = of_kind(text, Kind::Body).join(" ");
        for word in ["libc6", "gcc4", "amd64", "exim4", "SHA256"] {
            assert!(body.contains(word), "{word} lost from {body:?}");
        }
    }

    #[test]
    fn tokens_joined_by_signs_keep_their_digits() {
        // Marks run 1, 2, 3 in prose; a version, a path and an address end in digits
        // that would continue the run, but are parts of their tokens.
        let text = "The quarry closed early1. The miners left the valley2. The road washed out3.
                    The next release is 2.1+quarry4. Its files go to opt/lib64. Write to ops@quarry5.
";
        let body = of_kind(text, Kind::Body).join(" ");
        assert!(body.contains("closed early."), "{body:?}");
        for token in ["2.1+quarry4", "opt/lib64", "ops@quarry5"] {
            assert!(body.contains(token), "{token} lost from {body:?}");
        }
    }

    #[test]
    fn marks_need_their_sequence() {
        // Real marks run 1, 2, 3 beside a model name that happens to be glued to a 7.
        let text = "Письмо пришло в Берлин1. Ответ ждали долго2. Переговоры шли трудно3. Самолёт Фоккер7 летал.\n";
        assert_eq!(
            of_kind(text, Kind::Body),
            ["Письмо пришло в Берлин. Ответ ждали долго. Переговоры шли трудно. Самолёт Фоккер7 летал."]
        );
    }
}
