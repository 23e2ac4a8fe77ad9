//! Properties of ingestion and cleaning on arbitrary input: no panic, locators inside the
//! file, and no invented words (every word of every passage is in the source lines cited).

mod common;

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

/// Pages built from fragments of markup: tags, references, comments, scripts, furniture,
/// words on lines of their own and several blocks to a line.
fn markup() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        Just("<p>".to_string()),
        Just("</p>".to_string()),
        Just("<h2>".to_string()),
        Just("</h2>".to_string()),
        Just("<li>".to_string()),
        Just("<em>".to_string()),
        Just("</em>".to_string()),
        Just("<nav><a href=\"#x\">Quarry</a></nav>".to_string()),
        Just("<script>var s = \"<p>not text</p>\";</script>".to_string()),
        Just("<!-- a comment <p> -->".to_string()),
        Just("&amp;".to_string()),
        Just("&#8217;".to_string()),
        Just("&nbsp;".to_string()),
        Just("&bogus;".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        "[a-zA-Zа-яА-Я0-9 .,;]{0,40}",
    ];
    prop::collection::vec(fragment, 0..60)
        .prop_map(|v| format!("<html><body><main>{}</main></body></html>", v.concat()))
}

/// Words of neither development corpus, for manual-like documents.
const VOCABULARY: &[&str] = &[
    "lichen",
    "granite",
    "moss",
    "crust",
    "spore",
    "shade",
    "damp",
    "north",
    "Alder",
    "Birch",
    "grows",
    "slowly",
    "on",
    "the",
    "and",
    "лишайник",
    "гранит",
    "мох",
    "кора",
    "спора",
    "растёт",
    "медленно",
    "на",
    "севере",
    "Ольха",
    "Берёза",
    "и",
    "в",
    "x86",
    "v2",
];

/// Wraps `words` at 60 columns; lines after the first are indented by `indent`.
fn wrap(first: &str, words: &[usize], indent: usize) -> String {
    let mut out = first.to_string();
    let mut col = out.chars().count();
    for (i, &w) in words.iter().enumerate() {
        let word = VOCABULARY[w % VOCABULARY.len()];
        if i > 0 && col + word.chars().count() > 60 {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            col = indent;
        } else if i > 0 || !first.is_empty() {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += word.chars().count();
    }
    out
}

/// A hard-wrapped document as documentation tools render it: underlined numbered
/// headings, paragraphs, bullets and numbered items with hanging indents, notes and a
/// bulleted table of contents, blank lines between.
fn manual_text() -> impl Strategy<Value = String> {
    let element = (0..7u8, 1..4usize, prop::collection::vec(0..VOCABULARY.len(), 1..30));
    prop::collection::vec(element, 1..25).prop_map(|elements| {
        let mut parts = Vec::new();
        for (i, (kind, depth, words)) in elements.into_iter().enumerate() {
            let number: Vec<String> = (0..depth).map(|d| (i + d + 1).to_string()).collect();
            let number = number.join(".") + ".";
            let capital = |w: &[usize]| {
                let mut t = wrap("", &w[..w.len().min(6)], 0).replace('\n', " ");
                if let Some(c) = t.chars().next() {
                    t = c.to_uppercase().collect::<String>() + &t[c.len_utf8()..];
                }
                t
            };
            parts.push(match kind {
                0 => {
                    let title = format!("{number} {}", capital(&words));
                    let rule = ["=", "-", "~"][depth % 3].repeat(title.chars().count());
                    format!("{title}\n{rule}")
                }
                1 => wrap("* ", &words, 2),
                2 => wrap(&format!("{}. ", depth), &words, 3),
                3 => wrap(&format!("[{depth}]"), &words, 4),
                4 => format!("{}* {number} {}", "  ".repeat(depth - 1), capital(&words)),
                // List items that mention what site chrome also says.
                5 if depth == 1 => "* readers saw it on a mailing list or a forum".to_string(),
                5 if depth == 2 => format!("* Copyright © 2001 - 2004 {}", capital(&words)),
                _ => wrap("", &words, 0),
            });
        }
        parts.join("\n\n") + "\n"
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn every_word_of_every_line_is_in_a_passage(text in manual_text()) {
        let doc = decode("manual.txt", text.as_bytes()).expect("UTF-8 text decodes");
        let seg = segment(&doc);
        for (n, line) in text.split('\n').enumerate() {
            let line_no = n as u32 + 1;
            let covering: Vec<String> = seg
                .passages
                .iter()
                .filter(|p| p.line_start <= line_no && line_no <= p.line_end)
                .flat_map(|p| words(&p.text))
                .collect();
            for w in words(line) {
                prop_assert!(covering.contains(&w), "{w:?} of line {line_no} {line:?} is in no passage");
            }
        }
    }

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
    fn every_word_stands_on_the_lines_its_passage_gives_it(text in prop_oneof![manual_text(), messy_text()]) {
        let Ok(doc) = decode("p.txt", text.as_bytes()) else { return Ok(()) };
        let lines: Vec<&str> = text.split('\n').collect();
        for p in &segment(&doc).passages {
            let mut last = p.line_start;
            for (a, b) in quelle::analysis::words(&p.text) {
                let (first, end) = p.lines_of(a, b);
                prop_assert!(p.line_start <= first && first <= end && end <= p.line_end);
                prop_assert!(first >= last, "lines go forward: {:?}", p.line_marks);
                last = first;
                let w = p.text[a..b].to_lowercase();
                let source = words(&lines[first as usize - 1..end as usize].join(" "));
                let known = source.iter().any(|s| s.starts_with(&w))
                    || source.windows(2).any(|pair| format!("{}{}", pair[0], pair[1]).starts_with(&w));
                prop_assert!(known, "{w:?} of {:?} is not on lines {first}–{end}", p.text);
            }
        }
    }

    #[test]
    fn a_page_s_passages_stand_on_the_lines_of_its_markup(page in markup()) {
        let Ok(read) = quelle::source::html::read("p.html", page.as_bytes()) else { return Ok(()) };
        // A page whose text is not found in its markup is cited by quelle's own lines.
        if read.doc.lines.iter().any(|l| l.number.is_none()) {
            return Ok(());
        }
        let lines: Vec<&str> = page.split('\n').collect();
        for p in &segment(&read.doc).passages {
            prop_assert!(p.byte_start <= p.byte_end && (p.byte_end as usize) <= page.len());
            prop_assert!(1 <= p.line_start && p.line_start <= p.line_end);
            prop_assert!((p.line_end as usize) <= lines.len(), "{p:?}");
            // Every character, in order, on the lines cited (markup, references and the
            // page's furniture between them).
            let cited = lines[p.line_start as usize - 1..p.line_end as usize].join(" ");
            let shown = words(&common::visible_text(&cited)).concat();
            let mut rest = shown.chars();
            for c in words(&p.text).concat().chars() {
                prop_assert!(
                    rest.any(|s| s == c),
                    "{:?} is not on lines {}–{}: {shown:?}", p.text, p.line_start, p.line_end
                );
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
    fn abbreviations_are_found_without_panic_and_stand_in_the_text(
        text in prop_oneof![
            messy_text(),
            prop::collection::vec(
                prop_oneof![
                    Just("Quarry Mapping Survey"), Just("(QMS)"), Just("QMS"), Just("("),
                    Just("(Quarry Mapping Survey)"), Just("Binary-only"), Just("SFs)"),
                    Just(", *"), Just("."), Just("Областное бюро"), Just("(ОБ)"), Just("Sieve"),
                ],
                0..12,
            )
            .prop_map(|v| v.join(" ")),
        ],
    ) {
        for d in quelle::abbreviations::defined(&text) {
            prop_assert!(text.contains(&d.short), "{:?}", d);
            prop_assert!(text.contains(&d.long), "{:?}", d);
            let analyzer = quelle::analysis::Analyzer::shared();
            let terms = quelle::abbreviations::index_terms(std::slice::from_ref(&d), &analyzer);
            for t in terms.split(' ').filter(|t| !t.is_empty()) {
                prop_assert_eq!(quelle::abbreviations::from_term(t), Some(d.clone()));
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
            m.files.insert(rel, FileState { size, mtime_ns, hash, passages: size % 1000, russian: hash % 7, english: mtime_ns % 5, transient: skipped.is_some() && size % 2 == 0, encoding, skipped });
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
