//! Name keys: one spelling for a name in either script, so `Штреземан` meets `Stresemann`,
//! `Юнкерс` meets `Junkers` and `Казань` meets `Kazan`. A Cyrillic token is romanised
//! (BGN/PCGN, from its stem, so inflection does not matter); a Latin token is taken as it
//! is written. Both then go through the same folding of the spellings the two scripts
//! disagree on: German `h` and Russian `г`, `z`/`s`, `j`/`y`, `w`/`v`, `c`/`k`, `th`/`t`,
//! double letters. Keys are only compared with keys, never shown.

/// BGN/PCGN romanisation of one folded Cyrillic letter.
fn romanise(c: char) -> &'static str {
    match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' | 'э' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' | 'й' | 'ы' => "i",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ю' => "yu",
        'я' => "ya",
        _ => "",
    }
}

/// The key of a folded, stemmed Cyrillic token.
pub fn key_of_cyrillic(stem: &str) -> String {
    let latin: String = stem.chars().map(romanise).collect();
    normalise(&latin)
}

/// The key of a folded Latin token (unstemmed: English stems cut names short).
pub fn key_of_latin(folded: &str) -> String {
    let word = folded.strip_suffix("'s").unwrap_or(folded);
    let word: String = word.chars().filter(|c| c.is_ascii_alphabetic()).collect();
    normalise(&word)
}

/// The spellings on which romanised Russian and Western names differ, replaced in this
/// order (each replacement sees the text the ones before it left).
const SPELLINGS: [(&[u8], &[u8]); 20] = [
    (b"shch", b"sh"),
    (b"sch", b"sh"),
    (b"tsch", b"ch"),
    (b"tch", b"ch"),
    (b"kh", b"h"),
    (b"ck", b"k"),
    (b"ph", b"f"),
    (b"th", b"t"),
    (b"tz", b"ts"),
    (b"ks", b"x"),
    (b"j", b"y"),
    (b"ie", b"i"),
    (b"yu", b"u"),
    (b"iu", b"u"),
    (b"ya", b"a"),
    (b"ia", b"a"),
    (b"y", b"i"),
    (b"w", b"v"),
    (b"z", b"s"),
    (b"q", b"k"),
];

/// Folds the spellings on which romanised Russian and Western names differ. Every word
/// met in the index has its key made once per thread, so this works on bytes in place
/// (keys are ASCII letters: romanised, or Latin letters only).
fn normalise(latin: &str) -> String {
    // Compared byte by byte: `==` on slices this short would call `memcmp` at every place.
    let at = |s: &[u8], i: usize, pattern: &[u8]| {
        s.len() - i >= pattern.len() && pattern.iter().zip(&s[i..]).all(|(a, b)| a == b)
    };
    let mut s = latin.as_bytes().to_vec();
    let mut next = Vec::with_capacity(s.len());
    // A spelling can only be there when each of its letters is: most words hold the
    // letters of few of them, and are scanned for those only.
    let mut present = letters(&s);
    for (from, to) in SPELLINGS {
        if letters(from) & !present != 0 || !(0..s.len()).any(|i| at(&s, i, from)) {
            continue;
        }
        // Non-overlapping, left to right, as `str::replace`.
        next.clear();
        let mut i = 0;
        while i < s.len() {
            if at(&s, i, from) {
                next.extend_from_slice(to);
                i += from.len();
            } else {
                next.push(s[i]);
                i += 1;
            }
        }
        std::mem::swap(&mut s, &mut next);
        present = letters(&s);
    }
    let mut out: Vec<u8> = Vec::with_capacity(s.len());
    for (i, &c) in s.iter().enumerate() {
        let c = match c {
            // `c` alone is `k` (Cyrillic `ц` arrives as `ts`, `ч` as `ch`).
            b'c' if s.get(i + 1) != Some(&b'h') => b'k',
            // German and English `h` is Russian `г` (Hitler, Гитлер), except in digraphs.
            b'h' if i == 0 || !matches!(s[i - 1], b'c' | b's' | b'z') => b'g',
            _ => c,
        };
        if out.last() == Some(&c) {
            continue; // double letters: Stresemann, Риббентроп
        }
        out.push(c);
    }
    // German `st` at the start is Russian `шт` (Stresemann, Штреземан).
    if out.starts_with(b"sht") {
        out.remove(1);
    }
    // Only ASCII letters were put in; anything else is kept as it came.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The set of ASCII lower-case letters in `bytes`, a bit each (other bytes share one bit).
fn letters(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0, |set, &b| set | 1 << b.wrapping_sub(b'a').min(26))
}

/// Two keys name the same thing: equal, or one a stem of the other (a Russian stem cuts
/// `Рапалло` to `рапалл`; an English name keeps its `-y`).
pub fn keys_meet(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    short == long || (short.len() >= 4 && long.starts_with(short) && long.len() - short.len() <= 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Analyzer, Mode};

    fn cyr(word: &str) -> String {
        key_of_cyrillic(&Analyzer::shared().term(word, Mode::Stem))
    }

    fn lat(word: &str) -> String {
        key_of_latin(&Analyzer::shared().term(word, Mode::Fold))
    }

    #[test]
    fn names_meet_across_scripts_whatever_their_case() {
        for (ru, en) in [
            ("Штреземан", "Stresemann"),
            ("Юнкерс", "Junkers"),
            ("Юнкерса", "Junkers"),
            ("Казань", "Kazan"),
            ("Казани", "Kazan"),
            ("Липецк", "Lipetsk"),
            ("Липецке", "Lipetsk"),
            ("Чичерин", "Chicherin"),
            ("Ратенау", "Rathenau"),
            ("Риббентроп", "Ribbentrop"),
            ("Гитлер", "Hitler"),
            ("Молотова", "Molotov"),
            ("Гамбург", "Hamburg"),
            ("Саратов", "Saratov"),
            ("Тухачевский", "Tukhachevsky"),
            ("Рапалло", "Rapallo"),
        ] {
            assert!(keys_meet(&cyr(ru), &lat(en)), "{ru} {} / {en} {}", cyr(ru), lat(en));
        }
    }

    /// `normalise` as first written, with strings: the reference it is checked against.
    fn normalise_by_strings(latin: &str) -> String {
        let mut s = latin.to_string();
        for (from, to) in [
            ("shch", "sh"),
            ("sch", "sh"),
            ("tsch", "ch"),
            ("tch", "ch"),
            ("kh", "h"),
            ("ck", "k"),
            ("ph", "f"),
            ("th", "t"),
            ("tz", "ts"),
            ("ks", "x"),
            ("j", "y"),
            ("ie", "i"),
            ("yu", "u"),
            ("iu", "u"),
            ("ya", "a"),
            ("ia", "a"),
            ("y", "i"),
            ("w", "v"),
            ("z", "s"),
            ("q", "k"),
        ] {
            if s.contains(from) {
                s = s.replace(from, to);
            }
        }
        // `c` alone is `k` (Cyrillic `ц` arrives as `ts`, `ч` as `ch`).
        let mut out = String::with_capacity(s.len());
        let chars: Vec<char> = s.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            let c = match c {
                'c' if chars.get(i + 1) != Some(&'h') => 'k',
                // German and English `h` is Russian `г` (Hitler, Гитлер), except in digraphs.
                'h' if i == 0 || !matches!(chars[i - 1], 'c' | 's' | 'z') => 'g',
                _ => c,
            };
            if out.ends_with(c) {
                continue; // double letters: Stresemann, Риббентроп
            }
            out.push(c);
        }
        // German `st` at the start is Russian `шт` (Stresemann, Штреземан).
        if let Some(rest) = out.strip_prefix("sht") {
            out = format!("st{rest}");
        }
        out
    }

    #[test]
    fn spellings_fold_as_with_strings() {
        // Every word of up to five letters over the letters the rules read, and a few names.
        let letters = ["a", "c", "e", "h", "i", "j", "k", "p", "q", "s", "t", "u", "y", "z", "w"];
        let mut words = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> =
                words.iter().flat_map(|w| letters.iter().map(move |l| format!("{w}{l}"))).collect();
            words.extend(longer);
        }
        words.extend(
            ["shchukin", "tschaikowsky", "stresemann", "zhukov", "yakovlev"].map(String::from),
        );
        for w in &words {
            assert_eq!(normalise(w), normalise_by_strings(w), "{w}");
        }
    }

    #[test]
    fn different_names_stay_apart() {
        assert!(!keys_meet(&lat("Moscow"), &lat("Munich")));
        assert!(!keys_meet(&cyr("Берлин"), &lat("Bern")));
        assert!(!keys_meet(&cyr("Рим"), &lat("Riga")));
    }
}
