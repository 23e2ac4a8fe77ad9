//! Russian word families: Snowball stems inflections away but leaves derivation
//! (`удаление` → `удален`, `удалить` → `удал`) and sometimes cuts one form of a word
//! shorter than another (`ошибки` → `ошибк`, `ошибок` → `ошибок`). `roots` strips the
//! common derivational suffixes of verbs and verbal nouns (and the fleeting vowel of
//! `-ок`/`-ек`) from a stem in every way it can, so the forms and close derivatives of one
//! word share a root.
//! It is a query-time key: nothing is indexed by it.

/// Shortest root kept: shorter ones meet unrelated words.
pub const MIN_ROOT_CHARS: usize = 4;

/// Suffixes stripped, longest first: `-ирова-`, `-ова-`/`-ева-`, `-ива-`/`-ыва-`
/// (imperfective and borrowed verbs), `-ени-`/`-ани-`/`-н-` (verbal nouns and
/// participles), `-л-`/`-вш-` (past forms: `осироте|вш|ий` beside `осироте|л|ый`), `-к-`
/// with its fleeting vowel (nouns of action: `заморозка`), and the theme vowel of
/// `-ать`/`-ять` verbs (`вычита|ть` beside `вычит|ание`).
const SUFFIXES: &[&str] = &[
    "ирован",
    "ирова",
    "ован",
    "еван",
    "ова",
    "ева",
    "ива",
    "ыва",
    "ени",
    "ани",
    "ен",
    "ан",
    "ян",
    "ок",
    "ек",
    "вш",
    "к",
    "н",
    "л",
    "ва",
    "а",
    "я",
];

/// How many suffixes are stripped at most (`пожертв|ова|н`).
const MAX_STRIPS: usize = 2;

/// The roots a Russian stem may have: itself, and what is left after stripping one or two
/// derivational suffixes, never shorter than `MIN_ROOT_CHARS` (`вышива` → `вышива`,
/// `вышив`, `выши`). Which suffix a stem has cannot be told without a dictionary, so every
/// reading is kept; two stems are of one family when their roots meet.
pub fn roots(stem: &str) -> Vec<&str> {
    let mut out = vec![stem];
    let mut frontier = vec![stem];
    for _ in 0..MAX_STRIPS {
        let mut next = Vec::new();
        for s in frontier {
            for suffix in SUFFIXES {
                if let Some(r) = s.strip_suffix(suffix) {
                    if r.chars().count() >= MIN_ROOT_CHARS && !out.contains(&r) {
                        out.push(r);
                        next.push(r);
                    }
                }
            }
        }
        frontier = next;
    }
    out
}

/// A Russian stem's family: the roots it may have, worked out once and compared with
/// many candidate stems.
pub struct Family<'a> {
    roots: Vec<&'a str>,
}

impl<'a> Family<'a> {
    /// The family of `stem`.
    pub fn of(stem: &'a str) -> Family<'a> {
        Family { roots: roots(stem) }
    }

    /// The shortest root: every stem of the family that shares it starts with it.
    pub fn shortest_root(&self) -> &'a str {
        self.roots.iter().copied().min_by_key(|r| r.len()).unwrap_or("")
    }

    /// True when `other` is of this family: one of its roots is one of ours.
    pub fn has(&self, other: &str) -> bool {
        roots(other).iter().any(|r| self.roots.contains(r))
    }
}

#[cfg(test)]
mod tests {
    use super::Family;
    use crate::analysis::{Analyzer, Mode};

    fn family(a: &str, b: &str) -> bool {
        let stem = |w| Analyzer::shared().term(w, Mode::Stem);
        Family::of(&stem(a)).has(&stem(b))
    }

    #[test]
    fn forms_and_derivatives_of_one_word_share_a_root() {
        // Words of neither development corpus.
        for (a, b) in [
            ("вычитание", "вычитать"),
            ("ошибки", "ошибок"),
            ("пожертвовать", "пожертвования"),
            ("зеркалирование", "зеркалировать"),
            ("поддержка", "поддерживаемые"),
            ("бронирование", "бронировать"),
            ("вышивка", "вышивать"),
            ("засолка", "засолить"),
            ("обледеневший", "обледенелый"),
        ] {
            assert!(family(a, b), "{a} / {b}");
        }
    }

    #[test]
    fn short_and_unrelated_words_stay_apart() {
        assert!(!family("банк", "бант"));
        assert!(!family("стена", "стон"));
        assert!(!family("крот", "крона"));
        assert!(!family("молоко", "молот"));
    }
}
