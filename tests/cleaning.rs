//! End-to-end tests of cleaning on the fixtures in tests/data/: what the index holds after
//! each rule, read back through `quelle passages --json`, and searches that depend on it.

mod common;

use common::{locator_is_true, strict_texts, texts, Sandbox};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name))
        .unwrap()
}

fn sandbox_with(names: &[&str]) -> Sandbox {
    let s = Sandbox::new();
    for name in names {
        s.write(name, fixture(name));
    }
    s
}

/// (kind, section, text) of every passage of `doc`.
fn passages(s: &Sandbox, doc: &str) -> Vec<serde_json::Value> {
    let out = s.run(&["passages", "--json", "--doc", doc]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn of_kind(ps: &[serde_json::Value], kind: &str) -> Vec<String> {
    ps.iter()
        .filter(|p| p["kind"] == kind)
        .map(|p| p["text"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn scraped_page_reads_as_prose_with_glosses_and_references_apart() {
    let s = sandbox_with(&["scraped-wiki.txt"]);
    let ps = passages(&s, "scraped-wiki");
    assert_eq!(ps[0]["title"], "Austria–Soviet Union Relations, 1920–1938");
    assert_eq!(of_kind(&ps, "body"), [
        "The relations between Austria and the Soviet Union began after the First Austrian Republic was proclaimed in 1918. The first Soviet envoy, Adolph Joffe , never reached Vienna.",
        "Trade between the two countries grew slowly after 1924.",
        "A commercial treaty was signed in Vienna on December 7, 1927, and renewed in 1930. It remained in force until 1938.",
    ]);
    let glosses = of_kind(&ps, "gloss");
    assert_eq!(glosses.len(), 4);
    assert!(glosses[1].starts_with("Adolph Abramovich Joffe (russian: Адо́льф Абра́мович Ио́ффе"));
    let refs = of_kind(&ps, "reference");
    assert!(refs
        .iter()
        .any(|r| r.starts_with("Kerner, Robert J. (1931) The Soviet Union and Central Europe")));
    assert!(refs
        .iter()
        .any(|r| r == "Müller, Hans. ''Handel und Politik''. Wien: Braumüller, 1962."));
    assert!(refs.iter().any(|r| r.starts_with("* Carr, Edward Hallett.")));
    // Chrome is gone, and the stitched paragraph cites its first and last line.
    let all: Vec<&str> = ps.iter().map(|p| p["text"].as_str().unwrap()).collect();
    assert!(!all.iter().any(|t| t.contains("HOME")
        || t.contains("mailing list")
        || t.contains("SiteOfLists")
        || *t == "OR:"));
    let first = &ps.iter().find(|p| p["kind"] == "body").unwrap();
    assert_eq!((first["line_start"].as_u64(), first["line_end"].as_u64()), (Some(10), Some(14)));
    for p in &ps {
        assert!(locator_is_true(&s.corpus(), p), "{}", p["id"]);
    }
}

#[test]
fn stitched_sentences_match_phrases_and_glosses_stay_findable() {
    let s = sandbox_with(&["scraped-wiki.txt"]);
    let v = s.search_json("\"began after the First Austrian Republic was proclaimed\"", &[]);
    assert_eq!(v["hits"].as_array().unwrap().len(), 1);
    assert_eq!(v["hits"][0]["kind"], "body");
    let v = s.search_json("Адольф Иоффе", &[]);
    assert_eq!(v["hits"][0]["kind"], "gloss");
    // The body mention ranks above the gloss that restates it.
    let v = s.search_json("Joffe", &[]);
    let kinds: Vec<&str> =
        v["hits"].as_array().unwrap().iter().map(|h| h["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["body", "gloss"]);
}

#[test]
fn essay_footnotes_toc_and_wrapped_headings() {
    let s = sandbox_with(&["essay-footnotes.txt"]);
    let ps = passages(&s, "essay-footnotes");
    let tocs = of_kind(&ps, "toc");
    assert_eq!(tocs.len(), 1);
    assert!(
        tocs[0].starts_with("Содержание Введение")
            && tocs[0].ends_with("Заключение ………………………………………..…15")
    );
    assert_eq!(of_kind(&ps, "body"), [
        "Австро-советские отношения 1920-х гг. изучены слабо. Торговый договор был подписан на 10 лет.",
        "К 1929 году Советский Союз имел соглашения с 12 австрийскими фирмами. Товарооборот вырос на 23,7%.",
        "По словам посла, «торговля важнее идеологии». Самолёт Ju52 здесь ни при чём.",
        "Отношения ухудшились в 1934 году.",
    ]);
    let sections: Vec<&str> =
        ps.iter().filter(|p| p["kind"] == "body").map(|p| p["section"].as_str().unwrap()).collect();
    assert_eq!(sections[3], "2. Политические отношения после прихода к власти Дольфуса");
    // One passage has both words; the passages with one of them follow, marked partial.
    let v = s.search_json("австрийскими фирмами", &[]);
    assert_eq!(strict_texts(&v).len(), 1);
    assert_eq!(
        texts(&s.search_json("=фирмами", &[])).len(),
        1,
        "the marker is not part of the word"
    );
}

#[test]
fn hard_wrapped_lines_join_and_hyphenation_heals() {
    let s = sandbox_with(&["hardwrapped-ru.txt"]);
    let ps = passages(&s, "hardwrapped-ru");
    assert_eq!(ps.len(), 2);
    assert!(ps[0]["text"].as_str().unwrap().contains("многочисленные сотрудничества с другими"));
    assert_eq!((ps[0]["line_start"].as_u64(), ps[0]["line_end"].as_u64()), (Some(1), Some(3)));
    assert_eq!(texts(&s.search_json("\"многочисленные сотрудничества\"", &[])).len(), 1);
}

#[test]
fn every_encoding_ingests_to_the_same_text() {
    let names = [
        "encoding-cp1251.txt",
        "encoding-koi8r.txt",
        "encoding-utf16le-bom.txt",
        "encoding-utf8-bom.txt",
    ];
    let s = sandbox_with(&names);
    let texts: Vec<String> = names
        .iter()
        .map(|n| {
            let ps = passages(&s, n);
            assert_eq!(ps.len(), 1, "{n}");
            ps[0]["text"].as_str().unwrap().to_string()
        })
        .collect();
    assert!(texts.iter().all(|t| t == &texts[0]), "{texts:?}");
    assert!(texts[0].starts_with("Советско-германские отношения 1920-х годов"));
    // The same text in four files is shown once, the other three places kept with it.
    let v = s.search_json("\"военному сотрудничеству\"", &[]);
    assert_eq!(v["hits"].as_array().unwrap().len(), 1);
    assert_eq!(v["hits"][0]["also_in"].as_array().map(Vec::len), Some(3));
}

#[test]
fn a_plain_text_note_is_a_note_only_where_the_text_marks_it() {
    let s = Sandbox::new();
    s.write(
        "tides.txt",
        "Notes on tides\n\n\
         Spring tides follow the new and the full moon, when the sun and the moon pull\n\
         together and the spring tides run highest. [1] Neap tides fall between them,\n\
         when the pull of the sun works against that of the moon, and the water rises\n\
         and falls the least of the month.\n\n\
         Sailors read the tables before they leave a harbour, and they read the sky as\n\
         well, for a gale from the west can raise the water more than the moon does,\n\
         and a calm can leave a boat aground.\n\n\
         [1] Tide tables give the spring tides for each harbour.\n\n\
         [2] A numbered line that no mark in the text points at.\n",
    );
    let ps = passages(&s, "tides.txt");
    assert_eq!(of_kind(&ps, "note"), ["[1] Tide tables give the spring tides for each harbour."]);
    assert!(of_kind(&ps, "body").iter().any(|t| t.starts_with("[2] A numbered line")), "{ps:?}");
    // The paragraph about the tides ranks above the note that also names them.
    let v = s.search_json("spring tides", &[]);
    assert_eq!(v["hits"][0]["kind"], "body");
    assert_eq!(v["hits"][1]["kind"], "note");
    assert!(v["hits"].as_array().unwrap().iter().all(|h| locator_is_true(&s.corpus(), h)));
}

#[test]
fn a_sentence_wrapped_in_a_short_note_stays_whole() {
    let s = Sandbox::new();
    s.write(
        "tides.txt",
        "Notes on tides\n\n\
         Spring tides follow the new and the full moon, and neap tides fall between\n\
         them, when the pull of the sun works against that of the moon.\n\n\
         Harbour log\n\
         tides were late all week.\n",
    );
    let ps = passages(&s, "tides.txt");
    let body = of_kind(&ps, "body");
    assert!(
        body.contains(&"Spring tides follow the new and the full moon, and neap tides fall between them, when the pull of the sun works against that of the moon.".to_string()),
        "{ps:?}"
    );
    // No heading cut from the first half of the sentence; a short line stays a line.
    assert!(!of_kind(&ps, "heading").iter().any(|t| t.starts_with("Spring tides")), "{ps:?}");
    assert!(body.contains(&"tides were late all week.".to_string()), "{ps:?}");
    let v = s.search_json("neap tides", &[]);
    assert!(v["hits"].as_array().unwrap().iter().all(|h| locator_is_true(&s.corpus(), h)));
    assert_eq!(v["hits"][0]["line_start"], 3);
    assert_eq!(v["hits"][0]["line_end"], 4);
}
