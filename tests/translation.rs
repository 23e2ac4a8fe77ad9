//! End-to-end tests of search across the two languages through the bilingual dictionary,
//! of Russian word families, and of what a new user meets first (one-word glossary terms,
//! typos of names, hyphenated names, technical words, bad limits and empty queries). The
//! words are of neither development corpus.

mod common;

use common::manual::manual;
use common::{matched, texts, Sandbox};
use serde_json::Value;

fn sandbox() -> Sandbox {
    let s = Sandbox::new();
    s.write(
        "en.txt",
        "The glacier above the village moves a few metres every year.\n\
         An avalanche buried the old road to the pass in the winter of 1951.\n\
         The lighthouse keeper wrote down every ship that passed the cape.\n\
         The Rimsky-Korsakov opera was staged in the new theatre.\n\
         Novosibirsk grew quickly after the railway bridge was built.\n\
         Novosibirsk has a large academic town to its south.\n\
         The beekeeper moved the hives before the frost.\n\
         To install it, run lsb_release first and then exim4 from the shell.\n",
    );
    s.write(
        "ru.txt",
        "Ледник над деревней каждый год сползает на несколько метров.\n\
         Смотритель маяка записывал каждое судно, проходившее мыс.\n\
         Пасечник перенёс ульи до заморозков.\n\
         Вычитание дробей объясняли на втором уроке.\n\
         Учитель предложил вычитать столбиком.\n\
         Оперу Римского-Корсакова поставили в новом театре.\n",
    );
    s.write("glossary.tsv", "beekeeper\tпасечник\n");
    s
}

fn explain(s: &Sandbox, query: &str) -> String {
    let out = s.run(&["search", "--explain", "--", query]);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_word_finds_its_translation_in_the_other_language() {
    let s = sandbox();
    let v = s.search_json("glacier", &[]);
    let t = texts(&v);
    assert_eq!(t.len(), 2, "{t:?}");
    assert!(t[0].starts_with("The glacier"), "the query's language leads: {t:?}");
    assert!(t[1].starts_with("Ледник"), "{t:?}");
    assert_eq!(matched(&v["hits"][1]), ["translation"]);
    // The Russian word highlighted is the translation.
    let h = &v["hits"][1]["highlights"][0];
    let text = t[1].as_str();
    assert_eq!(&text[h[0].as_u64().unwrap() as usize..h[1].as_u64().unwrap() as usize], "Ледник");
    // And back: any form of the Russian word finds the English passage.
    let t = texts(&s.search_json("ледниками", &[]));
    assert!(t.iter().any(|x| x.starts_with("The glacier")), "{t:?}");
    // --explain names the translations with their weights.
    assert!(
        explain(&s, "glacier").contains("translation ледник ×0.70"),
        "{}",
        explain(&s, "glacier")
    );
}

#[test]
fn lang_and_doc_in_the_query_hold_for_its_translation_too() {
    let s = sandbox();
    for q in ["lang:en glacier", "glacier doc:en", "ледник lang:ru", "doc:ru.txt ледник"]
    {
        let v = s.search_json(q, &[]);
        let hits = v["hits"].as_array().unwrap();
        assert_eq!(hits.len(), 1, "{q}: {v}");
        let want = if q.contains("en") { "en.txt" } else { "ru.txt" };
        assert_eq!(hits[0]["doc"], want, "{q}: {v}");
    }
}

#[test]
fn a_name_found_in_the_other_script_is_not_translated_as_a_word_it_derives_from() {
    // `Мазань` is a village (`Mazan` in the English text); the dictionary does not know
    // it, but its family holds `маза` (`мазал`, smeared), which it translates.
    let s = Sandbox::new();
    s.write("en.txt", "The village of Mazan stands on a hill.\nHe smeared butter on the bread.\n");
    s.write("ru.txt", "Село Мазань стоит на холме.\nОн мазал хлеб маслом.\n");
    let v = s.search_json("Мазань", &[]);
    let t = texts(&v);
    assert!(t.iter().all(|t| !t.starts_with("He smeared")), "{t:?}");
    assert_eq!(
        t.get(1).map(String::as_str),
        Some("The village of Mazan stands on a hill."),
        "{t:?}"
    );
}

#[test]
fn function_words_among_content_words_are_not_translated() {
    let s = sandbox();
    // The dictionary's senses of `of` are glosses of grammar, not words to find.
    let e = explain(&s, "keeper of the lighthouse");
    let line = |word: &str| e.lines().find(|l| l.contains(word)).unwrap_or_default().to_string();
    assert!(line("«keeper»").contains("translation"), "{e}");
    assert!(!line("«of»").is_empty() && !line("«of»").contains("translation"), "{e}");
    let t = texts(&s.search_json("keeper of the lighthouse", &[]));
    assert!(t.iter().any(|x| x.starts_with("Смотритель маяка")), "{t:?}");
}

#[test]
fn a_translation_in_the_section_heading_counts_as_the_word_typed_there_does() {
    let s = Sandbox::new();
    s.write("en.md", "# Bees\n\nThe hives stand near the old mill.\n");
    s.write(
        "ru.md",
        "# Горы\n\n## Ледник\n\nНад деревней он сползает на несколько метров в год.\n",
    );
    // `glacier` is only in the heading above the paragraph with `деревня`.
    let v = s.search_json("glacier village", &[]);
    let t = texts(&v);
    assert!(t.iter().any(|x| x.starts_with("Над деревней")), "{v}");
    assert!(explain(&s, "glacier").contains("(body, section ×0.5, dictionary)"));
}

#[test]
fn a_stem_two_senses_share_is_searched_once_at_the_better_weight() {
    let s = Sandbox::new();
    s.write("ru.txt", "Обветшавший мост закрыли весной.\n");
    s.write("en.txt", "The bridge was closed in spring.\n");
    // The second sense is absent; its family's word is the first sense's stem.
    s.write("dictionary.tsv", "dilapidated\tобветшавший; обветшалый\n");
    let e = explain(&s, "dilapidated");
    let line = e.lines().find(|l| l.contains("«dilapidated»")).unwrap_or_default();
    let translations = line.split("translation ").nth(1).unwrap_or_default();
    let translations = translations.split(" (").next().unwrap_or_default();
    assert_eq!(translations.split(", ").count(), 1, "{e}");
    assert!(translations.ends_with("×0.70"), "{e}");
}

#[test]
fn a_dictionary_phrase_matches_as_a_phrase() {
    let s = sandbox();
    // `lighthouse keeper` is two words, each translated: the Russian passage has both.
    let t = texts(&s.search_json("lighthouse keeper", &[]));
    assert!(t.iter().any(|x| x.starts_with("Смотритель маяка")), "{t:?}");
}

#[test]
fn the_dictionary_can_be_switched_off_extended_and_told_to_keep_a_word() {
    let s = sandbox();
    assert_eq!(texts(&s.search_json("glacier", &["--no-translate"])).len(), 1);
    // `=word` is the word as typed, never translated.
    assert_eq!(texts(&s.search_json("=glacier", &[])).len(), 1);
    // The user's dictionary.tsv adds words, and a headword without senses is kept as is.
    s.write("dictionary.tsv", "frost\tзаморозки\nglacier\n");
    let t = texts(&s.search_json("frost", &[]));
    assert!(t.iter().any(|x| x.starts_with("Пасечник")), "{t:?}");
    assert_eq!(texts(&s.search_json("glacier", &[])).len(), 1);
    // QUELLE_DICTIONARY=off turns it off for every search.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_quelle"))
        .args(["--corpus"])
        .arg(s.corpus())
        .arg("--index")
        .arg(s.index())
        .args(["search", "--json", "avalanche"])
        .env("QUELLE_DICTIONARY", "off")
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(texts(&v).len(), 1);
}

#[test]
fn the_glossary_wins_over_the_dictionary_and_serves_one_word() {
    let s = sandbox();
    let v = s.search_json("beekeeper", &[]);
    let t = texts(&v);
    assert!(t.iter().any(|x| x.starts_with("Пасечник")), "{t:?}");
    let ru = v["hits"].as_array().unwrap().iter().find(|h| h["lang"] == "ru").unwrap();
    assert_eq!(matched(ru), ["glossary"]);
}

#[test]
fn forms_and_derivatives_of_a_russian_word_meet_below_its_own_forms() {
    let s = sandbox();
    let v = s.search_json("вычитание", &[]);
    let t = texts(&v);
    assert_eq!(t.len(), 2, "{t:?}");
    assert!(t[0].starts_with("Вычитание"), "the word's own form first: {t:?}");
    assert_eq!(matched(&v["hits"][1]), ["derived form"]);
}

#[test]
fn a_hyphenated_name_is_found_in_both_scripts() {
    let s = sandbox();
    for query in ["Римский-Корсаков", "оперу Римского-Корсакова"]
    {
        let t = texts(&s.search_json(query, &[]));
        assert!(t.iter().any(|x| x.starts_with("The Rimsky-Korsakov")), "{query}: {t:?}");
        assert!(t.iter().any(|x| x.starts_with("Оперу Римского")), "{query}: {t:?}");
    }
}

#[test]
fn a_misspelt_name_says_did_you_mean_though_the_other_script_has_it() {
    let s = sandbox();
    let v = s.search_json("Novosibirk", &[]);
    assert!(v["notice"].as_str().unwrap_or("").contains("did you mean «novosibirsk»"), "{v}");
    assert_eq!(texts(&v).len(), 2);
}

#[test]
fn technical_words_keep_their_digits_and_their_typos_are_corrected() {
    let s = sandbox();
    assert_eq!(texts(&s.search_json("exim4", &[])).len(), 1);
    let v = s.search_json("lsb_relase", &[]);
    assert_eq!(texts(&v).len(), 1, "{v}");
    assert!(v["notice"].as_str().unwrap_or("").contains("did you mean «release»"), "{v}");
}

#[test]
fn bad_limits_and_empty_queries_are_usage_errors() {
    let s = sandbox();
    for args in [
        &["search", "--limit", "0", "glacier"][..],
        &["search", "--limit", "18446744073709551615", "glacier"],
        &["search", ""],
    ] {
        let out = s.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
    }
    let long = "слово ".repeat(300);
    let out = s.run(&["search", &long]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing was searched"));
}

#[test]
fn the_translation_of_a_best_hit_is_found_by_the_rare_words_they_share() {
    // No dictionary knows `kombucha`; the Russian translation of the passage that answers
    // keeps its code and its year.
    let s = Sandbox::new();
    s.write(
        "en.txt",
        "The kombucha must rest in crock ZX330 until March 1987 before bottling.\n\
         Bottles are kept in a cool cellar.\n\
         The cellar door faces north.\n",
    );
    s.write(
        "ru.txt",
        "Напиток должен стоять в горшке ZX330 до марта 1987 года, а затем его разливают.\n\
         Бутылки хранят в прохладном погребе.\n",
    );
    let v = s.search_json("kombucha", &[]);
    let t = texts(&v);
    assert!(t[0].starts_with("The kombucha"), "{t:?}");
    let ru =
        v["hits"].as_array().unwrap().iter().find(|h| h["lang"] == "ru").expect("a Russian hit");
    assert!(ru["text"].as_str().unwrap().starts_with("Напиток"), "{ru}");
    assert_eq!(matched(ru), ["related passage"]);
    // Only with expansion on.
    assert_eq!(texts(&s.search_json("kombucha", &["--no-expand"])).len(), 1);
}

#[test]
fn a_fair_match_in_the_other_language_is_on_the_first_page() {
    // Twelve equally good English passages would fill the page; the Russian one still has
    // a place on it, after the query's language leads.
    let s = Sandbox::new();
    let en: String =
        (1..=12).map(|i| format!("Glacier number {i} retreats a little every summer.\n")).collect();
    s.write("en.txt", en);
    s.write("ru.txt", "Ледник отступает каждое лето.\n");
    let v = s.search_json("glacier", &["--limit", "5"]);
    let langs: Vec<&str> =
        v["hits"].as_array().unwrap().iter().map(|h| h["lang"].as_str().unwrap()).collect();
    assert_eq!(langs[0], "en");
    assert!(langs.contains(&"ru"), "{langs:?}");
}

#[test]
fn a_document_and_its_translation_teach_their_words() {
    let s = Sandbox::new();
    let (en, ru): (Vec<String>, Vec<String>) = (0..40).map(manual).unzip();
    s.write("manual.en.txt", en.join("\n\n") + "\n");
    s.write("manual.ru.txt", ru.join("\n\n") + "\n");
    // An invented Russian word, inflected, finds the English passages through the
    // translation learnt from the two files; and the other way round.
    let v = s.search_json("бурдыша", &["--lang", "en"]);
    let t = texts(&v);
    assert!(!t.is_empty() && t.iter().all(|x| x.contains("wombrel")), "{t:?}");
    assert!(matched(&v["hits"][0]).contains(&"translation".to_string()), "{v}");
    let t = texts(&s.search_json("trosket", &["--lang", "ru"]));
    assert!(!t.is_empty() && t.iter().all(|x| x.contains("ктомк")), "{t:?}");
    // The learnt table belongs to the corpus: with the translation gone, so is it.
    std::fs::remove_file(s.corpus().join("manual.ru.txt")).unwrap();
    assert!(texts(&s.search_json("бурдыша", &[])).is_empty());
}

#[test]
fn a_translated_pair_saved_twice_teaches_no_more_than_once() {
    // Two editions of one translated manual: a paragraph of words met nowhere else is
    // one piece of evidence, not two, so its words are not learnt as each other's
    // translations (`сурки` as `doze`).
    let s = Sandbox::new();
    let (en, ru) = manual_pair(&[
        (12, "Quiet marmots doze.", "Тихие сурки дремлют."),
        (
            20,
            "The doze of the afternoon is short for the keepers of the lock.",
            "Послеобеденный отдых смотрителей шлюза короток.",
        ),
    ]);
    for dir in ["html", "print"] {
        s.write(&format!("{dir}/manual.en.txt"), en.join("\n\n") + "\n");
        s.write(&format!("{dir}/manual.ru.txt"), ru.join("\n\n") + "\n");
    }
    let t = texts(&s.search_json("сурки", &["--lang", "en"]));
    assert!(!t.iter().any(|x| x.contains("afternoon")), "{t:?}");
}

#[test]
fn documents_that_do_not_translate_each_other_teach_nothing() {
    let s = Sandbox::new();
    let (en, mut ru): (Vec<String>, Vec<String>) = (0..40).map(manual).unzip();
    // The same Russian paragraphs in another order: the numbers still meet, the order not.
    let n = ru.len();
    for i in 0..n {
        ru.swap(i, (i * 17 + 5) % n);
    }
    s.write("manual.en.txt", en.join("\n\n") + "\n");
    s.write("notes.ru.txt", ru.join("\n\n") + "\n");
    let t = texts(&s.search_json("бурдыша", &["--lang", "en"]));
    assert!(t.is_empty(), "{t:?}");
}

/// A manual in English and its Russian translation, paragraph 12 of each given.
fn manual_with(en12: &str, ru12: &str) -> Sandbox {
    let s = Sandbox::new();
    let (en, ru) = manual_pair(&[(12, en12, ru12)]);
    s.write("manual.en.txt", en.join("\n\n") + "\n");
    s.write("manual.ru.txt", ru.join("\n\n") + "\n");
    s
}

/// The manual's 40 paragraphs in both languages, with the given ones replaced.
fn manual_pair(changes: &[(usize, &str, &str)]) -> (Vec<String>, Vec<String>) {
    let (mut en, mut ru): (Vec<String>, Vec<String>) = (0..40).map(manual).unzip();
    for &(n, e, r) in changes {
        (en[n], ru[n]) = (e.to_string(), r.to_string());
    }
    (en, ru)
}

#[test]
fn each_hit_in_a_translated_document_comes_with_its_translation() {
    // The paragraph on the marmot keeps nothing as written, so no dictionary word or code
    // leads to its translation: the alignment of the two documents does.
    let s = manual_with(
        "The quiet marmot sleeps under the northern hill all winter.",
        "Тихий сурок спит под северным холмом всю зиму.",
    );
    let v = s.search_json("marmot", &["--no-translate"]);
    let t = texts(&v);
    assert_eq!(t.len(), 2, "{t:?}");
    assert!(t[0].contains("marmot") && t[1].contains("сурок"), "{t:?}");
    assert_eq!(matched(&v["hits"][1]), ["aligned translation"]);
    // The other way round, and only on request: `--lang` keeps to one language.
    let t = texts(&s.search_json("сурок", &["--no-translate"]));
    assert!(t.len() == 2 && t[1].contains("marmot"), "{t:?}");
    assert_eq!(texts(&s.search_json("сурок", &["--lang", "ru"])).len(), 1);
    // So do filters written in the query.
    for q in ["сурок lang:ru", "сурок doc:manual.ru", "marmot -lang:ru"] {
        let t = texts(&s.search_json(q, &["--no-translate"]));
        assert_eq!(t.len(), 1, "{q}: {t:?}");
    }
}

#[test]
fn a_translation_copied_into_a_third_document_is_shown_once() {
    // The Russian paragraph stands again in a note under a heading with the code, which
    // ranks the note's copy above the aligned one: the aligned copy, put after the
    // English hit, takes the note's place into `also_in` instead of showing the text twice.
    let ru = "Тихий сурок спит под холмом QZ-77 всю зиму.";
    let s = manual_with("The quiet marmot sleeps under hill QZ-77 all winter.", ru);
    s.write("notes.md", format!("# Холм QZ-77\n\n{ru}\n"));
    let v = s.search_json("QZ-77", &["--no-translate"]);
    let t = texts(&v);
    assert!(t[0].contains("marmot") && t[1].contains("сурок"), "{t:?}");
    assert_eq!(t.iter().filter(|x| x.contains("сурок")).count(), 1, "{t:?}");
    assert_eq!(v["hits"][1]["doc"], "manual.ru.txt", "{v}");
    let how = matched(&v["hits"][1]);
    assert!(how.contains(&"exact form".into()) && how.ends_with(&["aligned translation".into()]));
    let also: Vec<&str> =
        v["hits"][1]["also_in"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert_eq!(also, ["notes.md:3"], "{v}");
}

#[test]
fn a_translation_on_the_page_is_not_shown_again_as_a_partial_match() {
    // The Russian paragraph holds both words; its English translation, put after it as
    // its aligned translation, also holds one of them, so it is a partial match too.
    let s = manual_with(
        "The quiet marmot sleeps under the northern hill all winter.",
        "Тихий сурок (marmot) спит под северным холмом всю зиму.",
    );
    let v = s.search_json("сурок marmot", &["--no-translate"]);
    let ids: Vec<&str> =
        v["hits"].as_array().unwrap().iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert!(ids.len() >= 2 && ids[1].starts_with("manual.en.txt"), "{v}");
    let unique: std::collections::HashSet<&&str> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "{ids:?}");
}

#[test]
fn a_words_translations_count_as_one_word_so_a_rare_sense_wins_nothing_by_rarity() {
    let s = Sandbox::new();
    let mut en = String::from(
        "The lighthouse on the cape was lit. The keeper climbed the lighthouse stairs.\n\
         A beacon burned on the hill.\n",
    );
    for i in 0..20 {
        en.push_str(&format!("The lighthouse number {i} stood by a harbour of grey stone.\n"));
    }
    s.write("en.txt", &en);
    s.write("ru.txt", "Маяк стоял у моря.\n");
    // `маяк` is `lighthouse` first, `beacon` later: scored one by one, the one passage
    // with the rare `beacon` led the English ones on its rarity alone.
    let t = texts(&s.search_json("маяк", &["--lang", "en", "--limit", "30"]));
    assert!(t[0].starts_with("The lighthouse on the cape"), "{t:?}");
    let beacon = t.iter().position(|x| x.starts_with("A beacon")).expect("beacon found");
    assert!(beacon > 1, "{t:?}");
}

/// The manual's 40 paragraphs as 8 pages of 5 in `en/` and `ru/`, the Russian page `k`
/// holding the paragraphs of page `order(k)`: each page is too short to show on its own
/// that it is a translation.
fn manual_in_pages(order: impl Fn(usize) -> usize) -> Sandbox {
    manual_in_folders("en", "ru", order)
}

/// The same in folders of other names.
fn manual_in_folders(english: &str, russian: &str, order: impl Fn(usize) -> usize) -> Sandbox {
    let s = Sandbox::new();
    let (en, ru) = manual_pair(&[(
        12,
        "The quiet marmot sleeps under the northern hill all winter.",
        "Тихий сурок спит под северным холмом всю зиму.",
    )]);
    for page in 0..8 {
        let name = format!("page{page}.txt");
        s.write(&format!("{english}/{name}"), en[page * 5..page * 5 + 5].join("\n\n") + "\n");
        let other = order(page);
        s.write(&format!("{russian}/{name}"), ru[other * 5..other * 5 + 5].join("\n\n") + "\n");
    }
    s
}

#[test]
fn a_manual_cut_into_pages_aligns_page_by_page_with_its_translation() {
    let s = manual_in_pages(|page| page);
    let out = s.run(&["index"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Eight pairs, named in one line.
    let notes: Vec<&str> = stderr.lines().filter(|l| l.contains("translate each other")).collect();
    assert_eq!(notes.len(), 1, "{stderr}");
    assert!(notes[0].contains("en/page0.txt and ru/page0.txt, and 7 more pairs"), "{stderr}");
    let v = s.search_json("marmot", &["--no-translate"]);
    let t = texts(&v);
    assert!(t.len() == 2 && t[1].contains("сурок"), "{t:?}");
    assert_eq!(matched(&v["hits"][1]), ["aligned translation"]);
    // The words of the pages are learnt as one document's would be.
    let t = texts(&s.search_json("бурдыша", &["--lang", "en"]));
    assert!(!t.is_empty() && t.iter().all(|x| x.contains("wombrel")), "{t:?}");
}

#[test]
fn pages_of_one_name_that_hold_other_text_do_not_align() {
    // Each Russian page holds the translation of another English page: the passages
    // match across pages, but a page translates only the page of its name.
    let s = manual_in_pages(|page| (page + 3) % 8);
    let out = s.run(&["index"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("translate each other"), "{stderr}");
    let t = texts(&s.search_json("marmot", &["--no-translate"]));
    assert_eq!(t.len(), 1, "{t:?}");
}

#[test]
fn a_folder_named_for_its_language_pairs_with_one_named_for_none() {
    // `guide/` and `guide-ru/`: the English pages name no language.
    let s = manual_in_folders("guide", "guide-ru", |page| page);
    let out = s.run(&["index"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("guide/page0.txt and guide-ru/page0.txt, and 7 more"), "{stderr}");
    let t = texts(&s.search_json("marmot", &["--no-translate"]));
    assert!(t.len() == 2 && t[1].contains("сурок"), "{t:?}");
}
