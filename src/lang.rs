//! Scripts and languages. Analysis picks a stemmer by the script of each token (Cyrillic,
//! Latin), which is what mixed Russian/English text needs. A passage's language comes from
//! its words: Russian when most are Cyrillic, else the function words of one language, else
//! whatlang; a passage whose text is no evidence (short, code, names) takes the language
//! its document is surely written in, or its script's.

use whatlang::{Detector, Lang};

/// The writing system of a letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Script {
    /// Latin letters (English, German, French, transliterations).
    Latin,
    /// Cyrillic letters (Russian and its neighbours).
    Cyrillic,
    /// Letters of any other script (Greek, CJK, …).
    Other,
}

/// The script of a letter, or `None` for digits, marks and punctuation.
pub fn script_of(c: char) -> Option<Script> {
    if c.is_ascii_alphabetic() {
        return Some(Script::Latin);
    }
    // The common Cyrillic block first: Unicode's alphabetic tables are slow to search.
    if matches!(c as u32, 0x0400..=0x0481 | 0x048A..=0x04FF) {
        return Some(Script::Cyrillic);
    }
    if c.is_ascii() || !c.is_alphabetic() {
        return None;
    }
    match c as u32 {
        0x00C0..=0x024F | 0x1E00..=0x1EFF => Some(Script::Latin),
        0x0400..=0x052F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => {
            Some(Script::Cyrillic)
        }
        _ => Some(Script::Other),
    }
}

/// `char::is_alphanumeric` with fast paths for ASCII and Cyrillic, the hot cases.
#[inline]
pub fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    matches!(c as u32, 0x0400..=0x0481 | 0x048A..=0x04FF) || c.is_alphanumeric()
}

/// The languages quelle detects, with their ISO 639-1 codes.
pub const LANGUAGES: &[(Lang, &str)] =
    &[(Lang::Rus, "ru"), (Lang::Eng, "en"), (Lang::Deu, "de"), (Lang::Fra, "fr")];

/// Code for a passage whose language cannot be told (no letters).
pub const UNDETERMINED: &str = "und";

/// True when `code` is a language code quelle can assign.
pub fn is_known(code: &str) -> bool {
    LANGUAGES.iter().any(|&(_, c)| c == code) || code == UNDETERMINED
}

/// Below this many letters whatlang guesses too often; the script decides instead.
const MIN_LETTERS: usize = 40;
/// whatlang reads this many bytes of a passage at most: enough to tell Russian, English,
/// German and French apart, and about three times faster than whole paragraphs.
const SAMPLE_BYTES: usize = 256;

/// Detects the language of passages.
pub struct LanguageDetector {
    detector: Detector,
}

impl Default for LanguageDetector {
    fn default() -> Self {
        let allow = LANGUAGES.iter().map(|&(lang, _)| lang).collect();
        LanguageDetector { detector: Detector::with_allowlist(allow) }
    }
}

/// A passage's language as its own text tells it, and whether the text is evidence enough:
/// Cyrillic words, or function words all of one language. A guess (whatlang's trigrams on
/// a line of code or a list of names, the script of a short line) defers to the language
/// its document is surely written in (see [`Detected::settle`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detected {
    pub lang: &'static str,
    pub sure: bool,
    /// The language the script alone says (`ru` or `en`).
    by_script: &'static str,
}

impl Detected {
    /// The passage's language in a document surely written in `dominant`: a guess in the
    /// document's script is the document's language; another guess the script's.
    pub fn settle(self, dominant: Option<&'static str>) -> &'static str {
        match dominant {
            _ if self.sure || self.lang == UNDETERMINED => self.lang,
            Some(dominant) if (dominant == "ru") == (self.by_script == "ru") => dominant,
            Some(_) => self.by_script,
            None => self.lang,
        }
    }
}

/// The language most of `detected` are surely in, if any is.
pub fn dominant(detected: &[Detected]) -> Option<&'static str> {
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    for d in detected.iter().filter(|d| d.sure) {
        match counts.iter_mut().find(|(l, _)| *l == d.lang) {
            Some((_, n)) => *n += 1,
            None => counts.push((d.lang, 1)),
        }
    }
    counts.into_iter().max_by_key(|&(_, n)| n).map(|(l, _)| l)
}

impl LanguageDetector {
    /// The ISO 639-1 code of the passage's language (`ru`, `en`, `de`, `fr`, or `und`),
    /// from its own text alone.
    pub fn detect(&self, text: &str) -> &'static str {
        self.detect_sure(text).lang
    }

    /// The passage's language from its own text, and whether the text is evidence enough.
    pub fn detect_sure(&self, text: &str) -> Detected {
        // Letters and words of each script: a word is of the script most of its letters
        // are in. Russian text about software counts more Latin letters than Cyrillic
        // when it names a path or two (`/usr/share/doc/…`), never more Latin words.
        let (mut latin, mut cyrillic) = (0usize, 0usize);
        let (mut latin_words, mut cyrillic_words) = (0usize, 0usize);
        for word in text.split_whitespace() {
            let (mut l, mut c) = (0usize, 0usize);
            for ch in word.chars() {
                match script_of(ch) {
                    Some(Script::Latin) => l += 1,
                    Some(Script::Cyrillic) => c += 1,
                    _ => {}
                }
            }
            latin += l;
            cyrillic += c;
            if c > l {
                cyrillic_words += 1;
            } else if l > 0 {
                latin_words += 1;
            }
        }
        let russian = cyrillic > 0 && (cyrillic >= latin || cyrillic_words >= latin_words);
        let by_script = if cyrillic == 0 && latin == 0 {
            UNDETERMINED
        } else if russian {
            "ru"
        } else {
            "en"
        };
        let found = |lang, sure| Detected { lang, sure, by_script };
        // Of the allowed languages only Russian is written in Cyrillic, so whatlang could
        // only agree; short text it guesses too often.
        if russian {
            return found(by_script, true);
        }
        if latin + cyrillic < MIN_LETTERS {
            return found(by_script, false);
        }
        let sample = &text[..floor_char_boundary(text, SAMPLE_BYTES)];
        if let Some(code) = by_function_words(sample) {
            return found(code, true);
        }
        let lang = match self.detector.detect(sample) {
            Some(info) if info.is_reliable() => {
                let code = LANGUAGES.iter().find(|&&(l, _)| l == info.lang()).map(|&(_, c)| c);
                match code {
                    // whatlang must agree with the script: Latin text is not Russian.
                    Some(code) if code != "ru" => code,
                    _ => by_script,
                }
            }
            _ => by_script,
        };
        found(lang, false)
    }
}

/// Words frequent in one of the Latin-script languages and rare in the others.
const FUNCTION_WORDS: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "the", "of", "and", "to", "is", "was", "that", "with", "for", "which", "were", "by",
            "this", "from", "have", "had", "their",
        ],
    ),
    (
        "de",
        &[
            "der", "das", "und", "den", "dem", "ist", "nicht", "mit", "von", "zu", "ein", "eine",
            "sich", "auf", "wurde", "auch", "im",
        ],
    ),
    (
        "fr",
        &[
            "le", "les", "et", "du", "est", "une", "dans", "que", "qui", "sur", "par", "au", "aux",
            "ne", "pas", "avec", "ont",
        ],
    ),
];

/// Hits of one language's function words that decide, when no other language has any.
const FUNCTION_WORD_HITS: usize = 3;

/// The language of Latin-script text whose function words all point one way: the common
/// case, decided without trigram statistics. `None` when the words are few or mixed.
fn by_function_words(sample: &str) -> Option<&'static str> {
    let mut hits = [0usize; FUNCTION_WORDS.len()];
    for word in sample.split(|c: char| !c.is_alphabetic()).filter(|w| (2..=5).contains(&w.len())) {
        for (i, (_, words)) in FUNCTION_WORDS.iter().enumerate() {
            if words.iter().any(|w| w.eq_ignore_ascii_case(word)) {
                hits[i] += 1;
            }
        }
    }
    let mut found = (0..hits.len()).filter(|&i| hits[i] > 0);
    match (found.next(), found.next()) {
        (Some(i), None) if hits[i] >= FUNCTION_WORD_HITS => Some(FUNCTION_WORDS[i].0),
        _ => None,
    }
}

/// The largest char boundary of `s` not above `at`.
pub fn floor_char_boundary(s: &str, at: usize) -> usize {
    if at >= s.len() {
        return s.len();
    }
    let mut i = at;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_of_letters() {
        assert_eq!(script_of('a'), Some(Script::Latin));
        assert_eq!(script_of('é'), Some(Script::Latin));
        assert_eq!(script_of('ж'), Some(Script::Cyrillic));
        assert_eq!(script_of('ё'), Some(Script::Cyrillic));
        assert_eq!(script_of('λ'), Some(Script::Other));
        assert_eq!(script_of('7'), None);
        assert_eq!(script_of('\u{301}'), None);
    }

    #[test]
    fn short_text_is_decided_by_script() {
        let d = LanguageDetector::default();
        assert_eq!(d.detect("Москва"), "ru");
        assert_eq!(d.detect("Kyiv"), "en");
        assert_eq!(d.detect("1922 — 1939"), "und");
    }

    #[test]
    fn function_words_decide_only_when_they_agree() {
        assert_eq!(
            by_function_words("The treaty of Rapallo was signed by the two states"),
            Some("en")
        );
        assert_eq!(
            by_function_words("Der Vertrag von Rapallo wurde im April unterzeichnet"),
            Some("de")
        );
        assert_eq!(
            by_function_words("Le traité de Rapallo est signé par les deux pays"),
            Some("fr")
        );
        // Too few, or pointing two ways: whatlang decides.
        assert_eq!(by_function_words("Treaty of Rapallo"), None);
        assert_eq!(
            by_function_words("the Treaty of Rapallo, le traité du 16 avril, und der Vertrag"),
            None
        );
    }

    #[test]
    fn russian_words_decide_over_the_letters_of_paths() {
        let d = LanguageDetector::default();
        // More Latin letters than Cyrillic, but the words are Russian.
        assert_eq!(
            d.detect("Как настроить sieve-filter, читайте в sieve-filter(5) и /usr/share/doc/sieve-filter/examples/mailbox.conf.gz"),
            "ru"
        );
        // An English sentence quoting one Russian word stays English.
        assert_eq!(
            d.detect("The word for the sieve in the village was решето, and nobody remembers why they called it so."),
            "en"
        );
    }

    #[test]
    fn a_guess_defers_to_the_language_its_document_is_surely_in() {
        let d = LanguageDetector::default();
        let texts = [
            "The sieve is shaken over the tub until the flour has gone through it.",
            "The miller keeps the sieve by the door of the mill and cleans it every week.",
            "Le tamis est secoué au-dessus de la cuve et la farine passe dans le bac.",
            "SIEVE_MESH=40 SIEVE_FRAME=beech SIEVE_RIM=copper",
            "Сито трясут над кадкой, пока мука не пройдёт сквозь него.",
        ];
        let detected: Vec<Detected> = texts.iter().map(|t| d.detect_sure(t)).collect();
        let sure: Vec<bool> = detected.iter().map(|x| x.sure).collect();
        assert_eq!(sure, [true, true, true, false, true]);
        assert_eq!(dominant(&detected), Some("en"));
        let settled: Vec<&str> = detected.iter().map(|x| x.settle(Some("en"))).collect();
        assert_eq!(settled, ["en", "en", "fr", "en", "ru"]);
        // In a Russian document a Latin guess is English; with nothing sure, the guess stays.
        assert_eq!(detected[3].settle(Some("ru")), "en");
        assert_eq!(detected[3].settle(None), detected[3].lang);
    }

    #[test]
    fn long_text_uses_whatlang() {
        let d = LanguageDetector::default();
        assert_eq!(
            d.detect("Die Beziehungen zwischen dem Deutschen Reich und der Sowjetunion waren in den zwanziger Jahren eng und wurden durch den Vertrag von Rapallo bestimmt."),
            "de"
        );
        assert_eq!(
            d.detect("Советско-германские отношения занимают особое место в политической истории двадцатого столетия."),
            "ru"
        );
        assert_eq!(
            d.detect("The relations between the Soviet Union and Germany remained generally positive until 1930."),
            "en"
        );
    }
}
