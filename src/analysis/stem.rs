//! Stemming by script: a Cyrillic token goes through the Russian Snowball stemmer, a Latin
//! token through the English one, whatever language the passage is in, so a Russian name
//! quoted in an English page (and the reverse) is still found by its inflected forms.
//! Tokens with digits or other scripts are left as they are.

use rust_stemmers::{Algorithm, Stemmer};

use super::spelling::americanise;
use crate::lang::{script_of, Script};

/// The two Snowball stemmers quelle uses.
pub struct Stemmers {
    russian: Stemmer,
    english: Stemmer,
}

impl Default for Stemmers {
    fn default() -> Self {
        Stemmers {
            russian: Stemmer::create(Algorithm::Russian),
            english: Stemmer::create(Algorithm::English),
        }
    }
}

/// The script that decides a folded token's stemmer: all its letters must share one.
pub fn token_script(token: &str) -> Option<Script> {
    let mut script = None;
    for c in token.chars() {
        if c.is_ascii_digit() {
            return None;
        }
        match (script, script_of(c)) {
            (_, None) => {}
            (None, s) => script = s,
            (Some(a), Some(b)) if a != b => return None,
            _ => {}
        }
    }
    script
}

/// The singular of an initialism's plural as written (`ATMs`, `PhDs`, `binNMUs`): the word
/// less its final lowercase `s` when what comes before it ends in a capital and has two
/// or more. Snowball sees only the folded word and keeps the `s` of most of them (`atms`,
/// `pdfs`), so that the plural never meets the singular. `None` for any other word.
pub fn initialism_singular(raw: &str) -> Option<&str> {
    let rest = raw.strip_suffix('s')?;
    let ends_in_capital = rest.chars().next_back().is_some_and(char::is_uppercase);
    (ends_in_capital && rest.chars().filter(|c| c.is_uppercase()).nth(1).is_some()).then_some(rest)
}

impl Stemmers {
    /// Stems a folded token in place (an English one written the American way first).
    pub fn stem_in_place(&self, token: &mut String) {
        let stemmer = match token_script(token) {
            Some(Script::Cyrillic) => &self.russian,
            Some(Script::Latin) => {
                americanise(token);
                &self.english
            }
            _ => return,
        };
        let stemmed = stemmer.stem(token);
        if stemmed.len() != token.len() || stemmed != token.as_str() {
            let stemmed = stemmed.into_owned();
            token.clear();
            token.push_str(&stemmed);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::test_util::assert_terms;
    use crate::analysis::Mode;

    #[test]
    fn stems_by_script_not_by_passage() {
        assert_terms(Mode::Stem, "Рапалльского договора", &["рапалльск", "договор"]);
        assert_terms(Mode::Stem, "treaties signed", &["treati", "sign"]);
        assert_terms(
            Mode::Stem,
            "the Kazan school в Казани",
            &["the", "kazan", "school", "в", "казан"],
        );
    }

    #[test]
    fn the_plural_of_an_initialism_meets_its_singular() {
        assert_terms(Mode::Stem, "ATMs ATM PhDs PhD", &["atm", "atm", "phd", "phd"]);
        assert_terms(Mode::Stem, "subATMs", &["subatm"]);
        // Not an initialism's plural: a capital word's own `s`, a word in capitals.
        assert_terms(Mode::Stem, "Thomas ATMS Xs", &["thoma", "atm", "xs"]);
        assert_eq!(super::initialism_singular("ATMs"), Some("ATM"));
        assert_eq!(super::initialism_singular("Atms"), None);
        assert_eq!(super::initialism_singular("As"), None);
        assert_eq!(super::initialism_singular("s"), None);
    }

    #[test]
    fn leaves_numbers_and_other_scripts() {
        assert_terms(Mode::Stem, "1922 λόγος", &["1922", "λογος"]);
    }
}
