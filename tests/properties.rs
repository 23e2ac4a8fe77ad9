//! Properties of ingestion and cleaning on arbitrary input: no panic, locators inside the
//! file, and no invented words (every word of every passage is in the source lines cited).

use proptest::prelude::*;
use quelle::ingest::decode;
use quelle::manifest::{FileState, Manifest};
use quelle::segment::segment;

/// Text built from fragments that exercise the cleaning rules.
fn messy_text() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        Just("Treaty of Rapallo The Treaty of Rapallo was an agreement between two states signed in Italy ...".to_string()),
        Just("Gasiorowski, Zygmunt J. (1958)".to_string()),
        Just("''".to_string()),
        Just("'' 30 (2), 99–117.".to_string()),
        Just("Введение ……………… 3".to_string()),
        Just("два мотоцикла18. Далее".to_string()),
        Just("сотруд-".to_string()),
        Just("Join the mailing list".to_string()),
        Just("2.1. Взаимодействие Германии и СССР".to_string()),
        Just("was signed by".to_string()),
        Just("".to_string()),
        "[a-zA-Zа-яА-ЯёЁ0-9 .,;:!?«»\"'()…\\-–—/\u{301}\u{AD}]{0,120}",
    ];
    prop::collection::vec(fragment, 0..40).prop_map(|v| v.join("\n"))
}

/// Lowercased words of display-normalised text (NFC, invisible characters dropped), the
/// form passages are shown in.
fn words(s: &str) -> Vec<String> {
    let s = quelle::normalize::display(s);
    quelle::analysis::words(&s).map(|(a, b)| s[a..b].to_lowercase()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn cleaning_keeps_locators_and_invents_nothing(text in messy_text()) {
        let Ok(doc) = decode("p.txt", text.as_bytes()) else { return Ok(()) };
        let seg = segment(&doc);
        let lines: Vec<&str> = text.split('\n').collect();
        for p in &seg.passages {
            prop_assert!(p.line_start >= 1 && p.line_start <= p.line_end);
            prop_assert!((p.line_end as usize) <= lines.len());
            prop_assert!(p.byte_start < p.byte_end && (p.byte_end as usize) <= text.len());
            let source = words(&lines[p.line_start as usize - 1..p.line_end as usize].join(" "));
            for w in words(&p.text) {
                // A word may be a source word cut short (a footnote mark) or two halves of a
                // hyphenated word joined; it is never new.
                let known = source.iter().any(|s| s.starts_with(&w))
                    || source.windows(2).any(|pair| format!("{}{}", pair[0], pair[1]).starts_with(&w));
                prop_assert!(known, "{w:?} of {:?} is not in lines {}–{}", p.text, p.line_start, p.line_end);
            }
        }
    }

    #[test]
    fn any_bytes_decode_or_are_refused_without_panic(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        if let Ok(doc) = decode("b.txt", &bytes) {
            for p in segment(&doc).passages {
                prop_assert!((p.byte_end as usize) <= bytes.len());
            }
        }
    }

    #[test]
    fn manifests_round_trip_and_damage_is_refused_without_panic(
        files in prop::collection::btree_map("[a-zа-я/ .\t\n]{0,20}", (any::<u64>(), any::<u64>(), any::<u64>(), "[a-z0-9-]{0,12}", prop::option::of(".{0,30}")), 0..20),
        flip in any::<prop::sample::Index>(),
        noise in prop::collection::vec(any::<u8>(), 0..300),
    ) {
        let mut m = Manifest { schema: 10, analyzer: 2, ..Manifest::default() };
        for (rel, (size, mtime_ns, hash, encoding, skipped)) in files {
            m.files.insert(rel, FileState { size, mtime_ns, hash, passages: size % 1000, encoding, skipped });
        }
        let bytes = m.encode();
        prop_assert_eq!(Manifest::decode(&bytes), Some(m.clone()));
        // Any damage is either refused or read as some manifest; never a panic.
        let mut damaged = bytes.clone();
        let at = flip.index(damaged.len());
        damaged[at] ^= 0x5a;
        let _ = Manifest::decode(&damaged);
        let _ = Manifest::decode(&noise);
    }
}
