//! End-to-end tests: the real binary on temporary corpora.

mod common;

use common::{locator_is_true, quelle_with, strict_texts, texts, Sandbox};

const RU: &str = "Германо-советские отношения\n\n\
Рапалльский договор был подписан 16 апреля 1922 года. Он восстановил дипломатические отношения.\n\
Военные школы\n\
Немецкие лётчики учились в Липецке, а танкисты — в Казани.\n";

const EN: &str = "Soviet-German Relations\n\n\
The Treaty of Rapallo was signed in 1922 by Germany and Soviet Russia.\n\
A flying school was established near Lipetsk in 1925.\n\
The Russian word «договоры» means treaties.\n";

fn sandbox() -> Sandbox {
    let s = Sandbox::new();
    s.write("ru.txt", RU);
    s.write("en/en.txt", EN);
    s
}

#[test]
fn finds_inflected_forms_in_both_languages() {
    let s = sandbox();
    // Without the dictionary: only the forms of the word itself.
    let v = s.search_json("договоров", &["--no-translate"]);
    let t = texts(&v);
    assert_eq!(t.len(), 2, "{t:?}");
    assert!(t.iter().any(|x| x.starts_with("Рапалльский договор")));
    // A Russian word inside an English passage is stemmed as Russian.
    assert!(t.iter().any(|x| x.contains("«договоры»")));
    // The passage with both words; passages with one of them follow, marked partial.
    let v = s.search_json("treaties signing", &["--no-translate"]);
    assert_eq!(
        strict_texts(&v),
        ["The Treaty of Rapallo was signed in 1922 by Germany and Soviet Russia."]
    );
    let v = s.search_json("лётчик", &[]);
    assert_eq!(texts(&v).len(), 1, "ё and е are the same letter");
}

#[test]
fn json_hits_carry_true_locators_and_the_interface_fields() {
    let s = sandbox();
    let v = s.search_json("Lipetsk", &[]);
    let hit = &v["hits"][0];
    for key in [
        "rank",
        "score",
        "id",
        "kind",
        "doc",
        "title",
        "lang",
        "section",
        "line_start",
        "line_end",
        "byte_start",
        "byte_end",
        "text",
        "snippet",
        "citation",
    ] {
        assert!(hit.get(key).is_some(), "missing {key}");
    }
    assert_eq!(hit["doc"], "en/en.txt");
    assert_eq!(hit["title"], "Soviet-German Relations");
    assert_eq!(hit["kind"], "body");
    assert_eq!(hit["lang"], "en");
    assert_eq!(hit["line_start"], 4);
    // The Russian `Липецке` is found too, by transliteration, after the English hit.
    assert_eq!(v["total_hits"], 2);
    assert_eq!(v["hits"][1]["lang"], "ru");
    assert_eq!(v["hits"][1]["matched"], serde_json::json!(["transliteration"]));
    assert_eq!(hit["matched"], serde_json::json!(["exact form"]));
    assert_eq!(v["notice"], serde_json::Value::Null);
    let raw = std::fs::read(s.corpus().join("en/en.txt")).unwrap();
    let (a, b) =
        (hit["byte_start"].as_u64().unwrap() as usize, hit["byte_end"].as_u64().unwrap() as usize);
    assert_eq!(std::str::from_utf8(&raw[a..b]).unwrap(), hit["text"].as_str().unwrap());
    assert!(locator_is_true(&s.corpus(), hit));
    assert!(hit["snippet"].as_str().unwrap().contains("**Lipetsk**"));
}

#[test]
fn phrases_need_order_and_slop_allows_gaps() {
    let s = sandbox();
    assert_eq!(
        texts(&s.search_json("\"flying school was established near Lipetsk\"", &[])).len(),
        1
    );
    assert_eq!(texts(&s.search_json("\"school flying\"", &[])).len(), 0);
    assert_eq!(texts(&s.search_json("\"treaty signed\"", &[])).len(), 0);
    assert_eq!(texts(&s.search_json("\"treaty signed\"~5", &[])).len(), 1);
}

#[test]
fn operators_filters_and_exact_forms() {
    let s = sandbox();
    assert_eq!(texts(&s.search_json("Lipetsk OR Казани", &[])).len(), 2);
    assert_eq!(texts(&s.search_json("1922 -Rapallo", &[])).len(), 1);
    assert_eq!(texts(&s.search_json("1922 lang:ru", &[])).len(), 1);
    assert_eq!(texts(&s.search_json("1922", &["--lang", "en"])).len(), 1);
    assert_eq!(texts(&s.search_json("1922", &["--doc", "ru"])).len(), 1);
    assert_eq!(texts(&s.search_json("1922 doc:en", &[])).len(), 1);
    assert_eq!(texts(&s.search_json("=договоры", &[])).len(), 1);
    assert_eq!(texts(&s.search_json("=договор", &[])).len(), 1);
    assert_eq!(texts(&s.search_json("Rapal*", &[])).len(), 1);
    assert_eq!(texts(&s.search_json("Рапал*", &[])).len(), 1);
    let v = s.search_json("германо-советские", &[]);
    assert_eq!(v["hits"][0]["kind"], "heading", "the title line is a heading passage");
    assert_eq!(v["hits"][0]["lang"], "ru");
    // Its parts, a name and a translated word, also find the English title.
    assert!(texts(&v).contains(&"Soviet-German Relations".to_string()), "{v}");
    // Without translation only the title matches in its own words; the passages it heads
    // match in their section only, and come after it.
    let v = s.search_json("германо-советские", &["--no-translate"]);
    let own: Vec<&serde_json::Value> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["matched"] != serde_json::json!(["section"]))
        .collect();
    assert_eq!(own.len(), 1, "{v}");
    assert_eq!(v["hits"][0]["kind"], "heading", "{v}");
    let v = s.search_json("школа Казань", &[]);
    assert_eq!(strict_texts(&v).len(), 1, "words of the section match");
}

#[test]
fn legacy_encodings_and_boms_decode_to_the_same_passages() {
    let s = Sandbox::new();
    let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(RU);
    s.write("cp1251.txt", &cp1251);
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(RU.as_bytes());
    s.write("bom.txt", &bom);
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(RU.encode_utf16().flat_map(u16::to_le_bytes));
    s.write("utf16.txt", &utf16);
    // One text in three files: one hit, the other two places folded into it.
    let v = s.search_json("Липецк", &[]);
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["also_in"].as_array().map(Vec::len), Some(2));
    let by_doc = |d: &str| {
        let v = s.search_json("Липецк", &["--doc", d]);
        let h = &v["hits"][0];
        assert_eq!(h["text"], "Немецкие лётчики учились в Липецке, а танкисты — в Казани.");
        assert_eq!(h["line_start"], 5);
        h["byte_start"].as_u64().unwrap() as usize
    };
    let before = &RU[..RU.find("Немецкие").unwrap()];
    assert_eq!(by_doc("cp1251.txt"), before.chars().count());
    assert_eq!(by_doc("bom.txt"), 3 + before.len());
    assert_eq!(by_doc("utf16.txt"), 2 + 2 * before.encode_utf16().count());
}

#[test]
fn a_paragraph_repeated_with_other_link_words_is_one_hit_citing_both_places() {
    let s = Sandbox::new();
    let warning = "Never feed the lighthouse keeper's goats after the evening bell, because \
        the harbour master counts them at dusk and a missing goat delays the ferry.";
    s.write("guide.txt", format!("{warning} See Feeding livestock.\n\nThe ferry leaves at six.\n"));
    s.write("copy.txt", format!("{warning} See Кормление скота.\n\nThe ferry is slow.\n"));
    let v = s.search_json("goats", &[]);
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 1, "{v}");
    let place = hits[0]["also_in"].as_array().expect("the other place is cited");
    assert_eq!(place.len(), 1);
    assert_ne!(place[0], hits[0]["id"]);
    // Passages that only share a word stay apart.
    assert_eq!(texts(&s.search_json("ferry", &["--no-expand"])).len(), 3);
}

#[test]
fn a_repeat_that_matches_fewer_words_is_folded_into_the_hit_it_repeats() {
    // The same paragraph in two documents: under a heading with the query's other word
    // in one (a whole match), under another heading in the other (all words but one).
    let s = Sandbox::new();
    let tide = "The harbour fills at noon, and the boats that were aground float again \
        until the evening, when the water goes out past the breakwater.";
    s.write("tides.md", format!("# Tides\n\n{tide}\n"));
    s.write("copy.md", format!("# Boats\n\n{tide}\n"));
    let v = s.search_json("tides harbour", &["--no-translate"]);
    let hits = v["hits"].as_array().unwrap();
    let repeated: Vec<&serde_json::Value> = hits.iter().filter(|h| h["text"] == tide).collect();
    assert_eq!(repeated.len(), 1, "{v}");
    assert_eq!(repeated[0]["doc"], "tides.md");
    assert_eq!(repeated[0]["also_in"][0].as_str().map(|id| id.starts_with("copy.md")), Some(true));
}

#[test]
fn of_one_text_in_two_documents_the_copy_in_a_document_of_its_language_is_cited() {
    // A translation that left a paragraph in English, under a heading naming the word
    // (a section match: without the rule, that copy ranks first).
    let s = Sandbox::new();
    let smoke = "Light the smoker with dry grass before you open the hive, and puff a little \
        smoke at the entrance so that the guards stay calm.";
    s.write("original.md", format!("# Beekeeping notes\n\n## Before an inspection\n\n{smoke}\n"));
    s.write(
        "perevod.md",
        format!("# Заметки пчеловода\n\n## Как разжечь дымарь (smoker)\n\n{smoke}\n"),
    );
    let v = s.search_json("smoker", &["--no-translate"]);
    let hits: Vec<&serde_json::Value> =
        v["hits"].as_array().unwrap().iter().filter(|h| h["text"] == smoke).collect();
    assert_eq!(hits.len(), 1, "{v}");
    assert_eq!(hits[0]["doc"], "original.md", "{v}");
    let also = hits[0]["also_in"].as_array().expect("the copy is cited");
    assert_eq!(also[0].as_str().map(|id| id.starts_with("perevod.md")), Some(true), "{v}");
    assert!(locator_is_true(&s.corpus(), hits[0]));
}

#[test]
fn a_passage_under_its_own_heading_for_the_word_ranks_above_one_under_a_chapter_for_it() {
    let s = Sandbox::new();
    // The same text under a heading of the same length: in `a.md` the word is the
    // chapter's, in `b.md` the passage's own heading's.
    s.write("a.md", "# Lighthouses\n\n## Ferries\n\nThe old lighthouse is seen from the deck.\n");
    s.write("b.md", "# Harbour\n\n## Lighthouses\n\nThe old lighthouse is seen from the deck.\n");
    // The word typed, and the word a typo meant.
    for q in ["lighthouse", "lighthuose"] {
        let v = s.search_json(q, &[]);
        let docs: Vec<&str> = v["hits"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h["kind"] == "body")
            .map(|h| h["doc"].as_str().unwrap())
            .collect();
        assert_eq!(docs.first(), Some(&"b.md"), "{q}: {v}");
    }
}

#[test]
fn passages_about_most_of_a_query_rank_above_a_contents_list_holding_all_of_it() {
    let s = Sandbox::new();
    s.write(
        "lichens.txt",
        "Field Guide to Lichens\n\n* 1. Crustose lichens on rock\n\n* 2. Foliose lichens on \
         bark\n\n* 3. Harvesting dyes\n\n1. Crustose lichens on rock\n\
         ===========================\n\nFoliose lichens peel easily from bark in wet \
         weather and regrow within a decade.\n\nDyes were boiled from lichens gathered \
         along the coast by weavers.\n",
    );
    let v = s.search_json("lichens bark dyes", &["--no-translate"]);
    let hits = v["hits"].as_array().unwrap();
    let kinds: Vec<&str> = hits.iter().map(|h| h["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.last(), Some(&"toc"), "{v}");
    let first = hits[0]["text"].as_str().unwrap();
    assert!(first.starts_with("Foliose lichens peel") || first.starts_with("Dyes were"), "{v}");
    assert_eq!(hits[0]["partial"], true);
    // The contents list is still the only passage holding every word.
    assert_eq!(strict_texts(&v).len(), 1, "{v}");
}

#[test]
fn a_contents_list_gives_its_place_to_passages_holding_every_word_before_partial_ones() {
    // Long paragraphs, each with the two words once, and a contents list with them thrice:
    // the list scores above the paragraphs, and a short line holding one word above both.
    let filler = ["survey", "slope", "autumn", "specimen", "weather", "frost", "river", "teacher"];
    let mut seed = 7u32;
    let mut words = |n: usize| -> String {
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            out.push(filler[(seed >> 16) as usize % filler.len()]);
        }
        out.join(" ")
    };
    let mut text = String::from(
        "Field Guide\n\n* 1. Bark lichens\n\n* 2. Lichens of bark\n\n* 3. Bark and \
         lichens\n\n1. Survey\n=========\n\n",
    );
    for _ in 0..3 {
        text += &format!("Lichens {} bark {}.\n\n", words(200), words(200));
    }
    text += "Crustose lichens favour granite.\n";
    let s = Sandbox::new();
    s.write("lichens.txt", &text);
    let all = s.search_json("lichens bark", &["--no-translate"]);
    assert_eq!(strict_texts(&all).len(), 4, "{all}");
    // A page of two: both places go to paragraphs holding both words, none to the line
    // holding one, nor to the contents list.
    let v = s.search_json("lichens bark", &["--no-translate", "--limit", "2"]);
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 2, "{v}");
    for hit in hits {
        assert_ne!(hit["partial"], true, "{v}");
        assert_eq!(hit["kind"], "body", "{v}");
    }
}

#[test]
fn undecodable_files_are_skipped_with_one_line_and_the_rest_is_indexed() {
    let s = sandbox();
    s.write("image.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0");
    s.write("empty.txt", b"");
    let out = s.run(&["index"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(warnings.len(), 2, "{stderr}");
    assert!(warnings.iter().any(|w| w.contains("image.txt") && w.contains("not text")));
    assert!(warnings.iter().any(|w| w.contains("empty.txt") && w.contains("empty")));
    assert_eq!(texts(&s.search_json("Lipetsk", &["--no-expand"])).len(), 1);
}

#[test]
fn the_index_follows_the_corpus() {
    let s = sandbox();
    assert_eq!(texts(&s.search_json("Rathenau", &[])).len(), 0);
    s.write("new.txt", "Walther Rathenau signed the treaty.\n");
    let out = s.run(&["search", "Rathenau"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("note: index updated"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Walther Rathenau signed the treaty."));
    s.write("new.txt", "Gustav Stresemann signed it instead.\n");
    assert_eq!(texts(&s.search_json("Rathenau", &[])).len(), 0);
    assert_eq!(texts(&s.search_json("Stresemann", &[])).len(), 1);
    std::fs::remove_file(s.corpus().join("new.txt")).unwrap();
    assert_eq!(texts(&s.search_json("Stresemann", &[])).len(), 0);
    // A renamed file is the same text under a new name: the old name is gone.
    s.write("old-name.txt", "Maxim Litvinov spoke in Geneva.\n");
    assert_eq!(s.search_json("Litvinov", &[])["hits"][0]["doc"], "old-name.txt");
    std::fs::rename(s.corpus().join("old-name.txt"), s.corpus().join("new-name.txt")).unwrap();
    let v = s.search_json("Litvinov", &[]);
    assert_eq!(v["hits"].as_array().unwrap().len(), 1);
    assert_eq!(v["hits"][0]["doc"], "new-name.txt");
    assert_eq!(v["hits"][0]["id"], "new-name.txt:1");
    // --no-refresh answers from the index as it is.
    s.write("late.txt", "Chicherin arrived late.\n");
    assert_eq!(texts(&s.search_json("Chicherin", &["--no-refresh"])).len(), 0);
    assert_eq!(texts(&s.search_json("Chicherin", &[])).len(), 1);
}

/// Sets the mtime of a file or folder `secs` seconds back.
fn age(path: &std::path::Path, secs: u64) {
    let when = std::time::SystemTime::now() - std::time::Duration::from_secs(secs);
    let handle = if path.is_dir() {
        std::fs::File::open(path)
    } else {
        std::fs::File::options().write(true).open(path)
    };
    handle.unwrap().set_modified(when).unwrap();
}

/// A JSON search with `QUELLE_FULL_CHECK_SECS` set; the texts of its hits, each checked
/// against its cited lines.
fn search_checked_every(s: &Sandbox, secs: &str, query: &str) -> Vec<String> {
    let args = ["search", "--json", "--", query];
    let out = quelle_with(&s.corpus(), &s.index(), &args, &[("QUELLE_FULL_CHECK_SECS", secs)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for hit in v["hits"].as_array().unwrap() {
        assert!(locator_is_true(&s.corpus(), hit), "{hit}");
    }
    texts(&v)
}

#[test]
fn searches_skip_the_walk_only_where_nothing_shown_can_have_changed() {
    let s = Sandbox::new();
    // More files than a quick check stats one by one; two of them old.
    for i in 0..80 {
        let path = s.write(&format!("notes/n{i:02}.txt"), format!("Filler note {i}.\n"));
        age(&path, 3600 - i);
    }
    age(&s.write("notes/old.txt", "The quokka lives on an island.\n"), 86_400);
    age(&s.write("notes/older.txt", "The echidna lays eggs.\n"), 2 * 86_400);
    age(&s.corpus().join("notes"), 3600);
    age(&s.corpus(), 3600);
    let hour = "3600";
    assert_eq!(search_checked_every(&s, hour, "quokka").len(), 1);
    // An old file edited in place leaves its folder as it was: a word new in it is found
    // by the next full check, not before.
    std::fs::write(s.corpus().join("notes/older.txt"), "The echidna and the platypus.\n").unwrap();
    assert!(search_checked_every(&s, hour, "platypus").is_empty());
    assert_eq!(search_checked_every(&s, "0", "platypus").len(), 1);
    // But a file whose passages a search shows is checked first: never a stale quotation.
    let new = "The quokka now lives on two islands.\n";
    std::fs::write(s.corpus().join("notes/old.txt"), new).unwrap();
    assert_eq!(search_checked_every(&s, hour, "quokka"), vec![new.trim_end()]);
    // A file edited lately is checked by every search.
    std::fs::write(s.corpus().join("notes/n79.txt"), "Filler note 79, and a wallaby.\n").unwrap();
    assert_eq!(search_checked_every(&s, hour, "wallaby").len(), 1);
    // A file added, removed or renamed changes its folder.
    s.write("notes/new.txt", "A numbat eats termites.\n");
    assert_eq!(search_checked_every(&s, hour, "numbat").len(), 1);
    std::fs::rename(s.corpus().join("notes/new.txt"), s.corpus().join("notes/renamed.txt"))
        .unwrap();
    let out = s.search_json("numbat", &[]);
    assert_eq!(out["hits"][0]["doc"], "notes/renamed.txt");
    // A setting that is not a number is one clear error.
    let soon = [("QUELLE_FULL_CHECK_SECS", "soon")];
    let out = quelle_with(&s.corpus(), &s.index(), &["search", "quokka"], &soon);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("QUELLE_FULL_CHECK_SECS=\"soon\""), "{stderr}");
}

#[test]
fn syntax_errors_exit_2_with_the_column() {
    let s = sandbox();
    for (q, col) in
        [("treaty \"of Rapallo", 8), ("(a OR b", 1), ("a OR", 3), ("lang:xx", 1), ("a -", 3)]
    {
        let out = s.run(&["search", "--", q]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{q}: {stderr}");
        assert!(stderr.starts_with(&format!("error: query, column {col}:")), "{q}: {stderr}");
        assert_eq!(stderr.lines().count(), 1);
    }
}

#[test]
fn a_phrase_no_passage_has_says_how_many_passages_have_its_words() {
    let s = Sandbox::new();
    s.write("keeper.txt", "The keeper lit the lamp at dusk.\n\nThe lamp burnt all night.\n");
    // Misremembered word order: nothing, and a notice naming the passages with the words.
    let v = s.search_json("\"lamp keeper\"", &[]);
    assert_eq!(texts(&v).len(), 0, "{v}");
    let notice = v["notice"].as_str().unwrap_or("");
    assert!(notice.contains("without the quotes, its words match 1 passage"), "{v}");
    // A phrase that is there, and one whose words are not, say nothing of the kind.
    for q in ["\"the lamp\"", "\"harbour light\""] {
        let v = s.search_json(q, &[]);
        assert!(!v["notice"].as_str().unwrap_or("").contains("without the quotes"), "{q}: {v}");
    }
}

#[test]
fn no_match_is_not_an_error() {
    let s = sandbox();
    let out = s.run(&["search", "Pearl Harbor"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("No passage matches"));
    let v = s.search_json("…", &[]);
    assert_eq!(v["total_hits"], 0);
    assert!(v["notice"].as_str().unwrap().contains("no words"));
}

#[test]
fn a_word_too_long_to_index_is_named_and_the_rest_is_searched() {
    let s = Sandbox::new();
    let blob = "q7".repeat(80);
    s.write(
        "notes.txt",
        format!("The heron waded past the sluice gate at dawn.\n\nChecksum {blob} recorded.\n"),
    );
    // Alone: named, not only "no words".
    let v = s.search_json(&blob, &[]);
    assert_eq!(v["total_hits"], 0);
    let notice = v["notice"].as_str().unwrap_or_default();
    assert!(notice.contains("is longer than any word indexed"), "{notice}");
    assert!(notice.contains(&blob[..24]), "{notice}");
    // With other words, in a phrase or not: they are searched, the long one named.
    for q in [format!("heron {blob}"), format!("\"sluice {blob} gate\"")] {
        let v = s.search_json(&q, &[]);
        assert_eq!(v["total_hits"], 1, "{q}: {v}");
        assert!(v["notice"].as_str().unwrap_or_default().contains("left out"), "{q}: {v}");
    }
    // A long word the query does not have: no notice.
    assert!(s.search_json("heron", &[])["notice"].is_null());
}

#[test]
fn human_output_cites_title_section_and_lines() {
    let s = sandbox();
    let out = s.run(&["search", "Казани"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(" 1. Немецкие лётчики учились в Липецке, а танкисты — в Казани."),
        "{stdout}"
    );
    assert!(
        stdout.contains("— Германо-советские отношения, Военные школы, line 5 (ru.txt) · ru.txt:5"),
        "{stdout}"
    );
}
