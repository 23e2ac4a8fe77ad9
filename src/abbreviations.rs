//! Abbreviations a text defines, `Non-Maintainer Upload (NMU)` or `РККА (Рабоче-крестьянская
//! Красная армия)`, found as Schwartz and Hearst find them (2003): a short form in brackets
//! beside words whose letters spell it, the first at the start of a word. Each definition
//! is indexed with the passage that makes it; at query time a query's short form also
//! matches its long form as a phrase, and the long form its short one, as a glossary
//! concept does. The text's own definitions, so no list names any corpus's words.

use crate::analysis::{Analyzer, Mode};

/// A short form and the words it stands for, as the text writes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    /// `NMU`, `binNMUs`, `РККА`.
    pub short: String,
    /// `Non-Maintainer Upload`, `Рабоче-крестьянская Красная армия`.
    pub long: String,
}

/// Characters in a short form, at most.
const MAX_SHORT: usize = 10;

/// Ends a long form: what ends a sentence or a clause, or opens another bracket.
const CLAUSE_ENDS: &[char] =
    &['.', ';', ':', '!', '?', '(', ')', '[', ']', '"', '«', '»', '“', '”'];

/// The abbreviations `text` defines, each once, in order.
pub fn defined(text: &str) -> Vec<Definition> {
    let mut out: Vec<Definition> = Vec::new();
    let mut at = 0;
    while let Some(open) = text[at..].find('(').map(|i| at + i) {
        let Some(close) = text[open + 1..].find(['(', ')']).map(|i| open + 1 + i) else {
            break;
        };
        at = open + 1;
        if &text[close..close + 1] != ")" {
            continue;
        }
        let inside = text[open + 1..close].trim();
        let before = clause_before(&text[..open]);
        let found = if is_short_form(inside) {
            // `long form (SF)`: the long form among the last words before the bracket.
            let words: Vec<&str> = before.split_whitespace().collect();
            let n = (inside.chars().count() + 5).min(inside.chars().count() * 2);
            let tail = words[words.len().saturating_sub(n)..].join(" ");
            long_form(inside, &tail).map(|long| (inside, long))
        } else {
            // `SF (long form)`: the word before the bracket, spelt by what the bracket holds.
            let short = before.split_whitespace().last().unwrap_or("");
            let short = short.trim_matches(|c: char| !c.is_alphanumeric());
            let words = inside.split_whitespace().count();
            if is_short_form(short) && words >= 2 && words <= short.chars().count() * 2 {
                long_form(short, inside).filter(|l| l == inside).map(|long| (short, long))
            } else {
                None
            }
        };
        if let Some((short, long)) = found {
            let d = Definition { short: short.to_string(), long };
            if !out.contains(&d) {
                out.push(d);
            }
        }
    }
    out
}

/// The text since the last end of a clause.
fn clause_before(text: &str) -> &str {
    // Read back from the end, so that text full of brackets is read once in all. A full
    // stop inside a word (`e.g`, `U.S`) is no end; one before a space is.
    let mut next: Option<char> = None;
    for (i, c) in text.char_indices().rev() {
        if CLAUSE_ENDS.contains(&c) && (c != '.' || next.is_none_or(char::is_whitespace)) {
            return &text[i + c.len_utf8()..];
        }
        next = Some(c);
    }
    text
}

/// A short form: one word of 2 to 10 characters, opening with a letter or digit, with two
/// capitals or more (`NMU`, `binNMU`, `РККА`; not `Mr`, not an ordinary word).
fn is_short_form(s: &str) -> bool {
    let n = s.chars().count();
    (2..=MAX_SHORT).contains(&n)
        && s.chars().next().is_some_and(char::is_alphanumeric)
        && s.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '.' || c == '&')
        && s.chars().filter(|c| c.is_uppercase()).count() >= 2
}

/// The shortest end of `text` whose letters spell `short` in order, its first letter at
/// the start of a word (Schwartz and Hearst's `findBestLongForm`); two words at least, or
/// one hyphenated, and longer than the short form.
fn long_form(short: &str, text: &str) -> Option<String> {
    let s: Vec<char> = short.chars().flat_map(char::to_lowercase).collect();
    let t: Vec<char> = text.chars().collect();
    let lower: Vec<char> = t.iter().map(|c| c.to_lowercase().next().unwrap_or(*c)).collect();
    let (mut si, mut ti) = (s.len() as isize - 1, t.len() as isize - 1);
    while si >= 0 {
        let c = s[si as usize];
        if !c.is_alphanumeric() {
            si -= 1;
            continue;
        }
        loop {
            if ti < 0 {
                return None;
            }
            let word_start = ti == 0 || !t[ti as usize - 1].is_alphanumeric();
            if lower[ti as usize] == c && (si > 0 || word_start) {
                break;
            }
            ti -= 1;
        }
        ti -= 1;
        si -= 1;
    }
    let start = (ti + 1) as usize;
    let long: String = t[start..].iter().collect();
    let long = long.trim_matches(|c: char| !c.is_alphanumeric()).to_string();
    let words = long.split_whitespace().count();
    let fits = words >= 2 || long.contains('-');
    let spelt_out = long.chars().count() > short.chars().count() + 2;
    let holds_itself = long.split(|c: char| !c.is_alphanumeric()).any(|w| w == short);
    // Words only: a comma, a star or a sign means the letters were picked across a list
    // or code (`libraries for each of them, * TeX` does not define `LaTeX`).
    let words_only = long.chars().all(|c| c.is_alphanumeric() || " -'’&".contains(c));
    (fits && spelt_out && !holds_itself && words_only).then_some(long)
}

/// Separates a key from the forms in an index term; spaces separate terms there.
const SEP: char = '\u{1f}';
/// Opens the key of a long form's entry.
const BY_LONG: char = '\u{1e}';

/// The index terms of `definitions`: each found by its short form's stem, and by the stem
/// of its long form's first word.
pub fn index_terms(definitions: &[Definition], analyzer: &Analyzer) -> String {
    let mut out = String::new();
    for d in definitions {
        let short = analyzer.term(&d.short, Mode::Stem);
        let first = analyzer.tokens(&d.long, Mode::Stem).into_iter().next().map(|t| t.text);
        let (Some(first), false) = (first, short.is_empty()) else { continue };
        let forms = format!("{}{SEP}{}", d.short, d.long).replace(' ', "\u{a0}");
        for key in [short, format!("{BY_LONG}{first}")] {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&key.replace(' ', "\u{a0}"));
            out.push(SEP);
            out.push_str(&forms);
        }
    }
    out
}

/// The prefix of the index terms of definitions whose short form has `stem`, or (`long`)
/// whose long form opens with a word of `stem`.
pub fn key(stem: &str, long: bool) -> String {
    if long {
        format!("{BY_LONG}{stem}{SEP}")
    } else {
        format!("{stem}{SEP}")
    }
}

/// The definition an index term holds.
pub fn from_term(term: &str) -> Option<Definition> {
    let mut parts = term.split(SEP).skip(1);
    let (short, long) = (parts.next()?, parts.next()?);
    let unspace = |s: &str| s.replace('\u{a0}', " ");
    Some(Definition { short: unspace(short), long: unspace(long) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String)> {
        defined(text).into_iter().map(|d| (d.short, d.long)).collect()
    }

    fn pair(short: &str, long: &str) -> (String, String) {
        (short.to_string(), long.to_string())
    }

    #[test]
    fn finds_a_long_form_before_its_short_form() {
        assert_eq!(
            pairs("Reports go to the Quarry Mapping Survey (QMS) each spring."),
            [pair("QMS", "Quarry Mapping Survey")]
        );
        // Letters inside words, a plural, a hyphen.
        assert_eq!(
            pairs("Source uploads vs Binary-only Sieve Fixes (binSFs) differ."),
            [pair("binSFs", "Binary-only Sieve Fixes")]
        );
        assert_eq!(
            pairs("Отчёты шли в Областное бюро картографии (ОБК) весной."),
            [pair("ОБК", "Областное бюро картографии")]
        );
        // Only the words that spell it, not the whole clause.
        assert_eq!(
            pairs("Every spring we wrote to the Lichen Survey Office (LSO)."),
            [pair("LSO", "Lichen Survey Office")]
        );
    }

    #[test]
    fn finds_a_long_form_in_brackets_after_its_short_form() {
        assert_eq!(
            pairs("The QMS (Quarry Mapping Survey) keeps the maps."),
            [pair("QMS", "Quarry Mapping Survey")]
        );
    }

    #[test]
    fn leaves_what_is_no_definition() {
        // No capitals to speak of, a year, a word that is no abbreviation, letters that
        // do not spell it, a long form across a sentence's end.
        for text in [
            "The moth (noctuid) flew.",
            "The mill was built (1871) on the quern.",
            "It was Mr (sic) Marmot.",
            "The apiary keeps hives (QX) in rows.",
            "Quern stones. Mapping them (QM) took years.",
            "Ring the bell (see 5.2) twice.",
            "Lists for each of them, * TeX (LaTeX) too.",
        ] {
            assert_eq!(pairs(text), [], "{text}");
        }
    }

    #[test]
    fn index_terms_give_the_definition_back_by_either_form() {
        let analyzer = Analyzer::shared();
        let d = defined("The Quarry Mapping Survey (QMS) and the QMS again (QMS).");
        assert_eq!(d.len(), 1);
        let terms = index_terms(&d, &analyzer);
        let terms: Vec<&str> = terms.split(' ').collect();
        assert_eq!(terms.len(), 2);
        let short = analyzer.term("QMS", Mode::Stem);
        assert!(terms[0].starts_with(&key(&short, false)), "{terms:?}");
        let first = analyzer.term("Quarry", Mode::Stem);
        assert!(terms[1].starts_with(&key(&first, true)), "{terms:?}");
        for t in terms {
            assert_eq!(from_term(t), Some(d[0].clone()));
        }
    }
}
