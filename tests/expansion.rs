//! End-to-end tests of what quelle understands beyond the words typed: typos (in the query
//! and in OCR'd sources), the wrong keyboard layout, derived forms, names across scripts,
//! glossary synonyms, pre-1918 spelling and look-alike letters. The words are deliberately
//! not those of the bundled corpus.

mod common;

use common::{matched, strict_texts, texts, Sandbox};

fn sandbox() -> Sandbox {
    let s = Sandbox::new();
    s.write(
        "de.txt",
        "Konrad Adenauer visited Moscow in 1955 to negotiate the release of prisoners of war.\n\
         The government of the Federal Republic sent a delegation.\n\
         The government in Bonn debated the visit for weeks.\n\
         The government press office reported the result.\n\
         The govemment archive keeps the minutes of the visit.\n\
         Nikita Khrushchev received the delegation in the Kremlin.\n",
    );
    s.write(
        "ru.txt",
        "Визит Аденауэра в Москву состоялся в сентябре 1955 года.\n\
         Потсдамская конференция определила судьбу Германии.\n\
         Переговоры в Потсдаме шли две недели.\n\
         Организация Варшавского договора была создана в 1955 году.\n\
         Хрущёв принял делегацию в Кремле.\n\
         Въ Россіи наступилъ миръ.\n\
         Это был cоветский ответ.\n",
    );
    s.write("glossary.tsv", "# test glossary\nWarsaw Pact\tОрганизация Варшавского договора\n");
    s
}

#[test]
fn a_typo_in_the_query_finds_the_word_and_says_did_you_mean() {
    let s = sandbox();
    let v = s.search_json("Adenaur", &[]);
    assert_eq!(v["hits"][0]["text"].as_str().unwrap().split(' ').next(), Some("Konrad"));
    assert!(matched(&v["hits"][0]).contains(&"typo".to_string()));
    assert!(v["notice"].as_str().unwrap().contains("did you mean «adenauer»"), "{}", v["notice"]);
    // Without expansion, nothing is guessed.
    assert_eq!(texts(&s.search_json("Adenaur", &["--no-expand"])).len(), 0);
}

#[test]
fn a_word_no_passage_has_is_searched_as_the_word_meant_in_all_its_forms() {
    let s = Sandbox::new();
    s.write(
        "farm.md",
        "# Farm notes\n\n## Harvests\n\nThe fields gave little grain that autumn.\n\nThe villages stored what they could.\n\n\
         ## Markets\n\nPrices rose after the poor harvest.\n\nThe fair closed early.\n",
    );
    let v = s.search_json("Harvsets", &[]);
    assert!(v["notice"].as_str().unwrap().contains("did you mean «harvests»"), "{}", v["notice"]);
    let t = texts(&v);
    // Another form of the word meant (one edit further from the typo than the typo goes),
    // and passages under a heading that has it.
    assert!(t.iter().any(|t| t == "Prices rose after the poor harvest."), "{t:?}");
    assert!(t.iter().any(|t| t == "The fields gave little grain that autumn."), "{t:?}");
    assert!(!t.iter().any(|t| t == "The fair closed early."), "{t:?}");
    let hits = v["hits"].as_array().unwrap();
    let other_form = hits.iter().find(|h| h["text"] == "Prices rose after the poor harvest.");
    assert_eq!(matched(other_form.unwrap()), ["typo"]);
    // A word one passage has (the same typo in a source) is still taken for a typo.
    s.write("log.txt", "Harvsets were poor.\n");
    let t = texts(&s.search_json("Harvsets", &[]));
    assert!(t.iter().any(|t| t == "Prices rose after the poor harvest."), "{t:?}");
    assert!(t.iter().any(|t| t == "Harvsets were poor."), "{t:?}");
}

#[test]
fn an_initialism_meets_its_plural() {
    let s = Sandbox::new();
    s.write(
        "bank.txt",
        "Two ATMs stood in the hall.\n\nThe ATM took only coins.\n\nThe hall was cold.\n",
    );
    for query in ["ATM", "ATMs"] {
        let t = texts(&s.search_json(query, &[]));
        assert_eq!(t.len(), 2, "{query}: {t:?}");
    }
}

#[test]
fn british_and_american_spellings_meet() {
    let s = Sandbox::new();
    s.write(
        "ports.txt",
        "The harbour glowed with colour at dusk.\n\nThe harbor pilots standardized the signals.\n\n\
         Nobody rowed that night.\n",
    );
    for query in ["harbor color", "harbour colour"] {
        let v = s.search_json(query, &[]);
        assert_eq!(strict_texts(&v), ["The harbour glowed with colour at dusk."], "{query}");
    }
    for query in ["harbour", "harbor", "standardised"] {
        let t = texts(&s.search_json(query, &[]));
        assert!(
            t.contains(&"The harbor pilots standardized the signals.".to_string()),
            "{query}: {t:?}"
        );
    }
}

#[test]
fn ocr_misspellings_in_sources_are_found_after_exact_matches() {
    let s = sandbox();
    let v = s.search_json("government", &["--lang", "en"]);
    let t = texts(&v);
    assert_eq!(t.len(), 4);
    assert!(t[3].contains("govemment"), "{t:?}");
    assert_eq!(matched(&v["hits"][3]), ["typo"]);
}

#[test]
fn a_name_misspelt_by_its_double_letters_is_found_in_its_own_script() {
    // Two edits (one double letter dropped, another doubled), beyond the one edit a word
    // of eight letters or fewer is allowed; the names sound alike, so they meet. The
    // English spelling is in the corpus too, so the name is found in the other script
    // either way: what the rule adds is the passages in the query's own script.
    let s = Sandbox::new();
    s.write(
        "ru.txt",
        "Губернатор Моррисон открыл новый маяк на мысе.\n\
         Смотритель маяка вёл журнал погоды.\n",
    );
    s.write("en.txt", "Governor Morrison opened the new lighthouse on the cape.\n");
    for (typed, meant, text) in [
        ("Морисонн", "моррисон", "Губернатор Моррисон открыл новый маяк на мысе."),
        ("Morisonn", "morrison", "Governor Morrison opened the new lighthouse on the cape."),
    ] {
        let v = s.search_json(typed, &[]);
        let notice = v["notice"].as_str().unwrap_or("");
        assert!(notice.contains(&format!("did you mean «{meant}»")), "{v}");
        assert_eq!(v["hits"][0]["text"], text, "{v}");
    }
    // Two edits that do not sound alike are no guess: `Марисонк` ends in another letter.
    let v = s.search_json("Морисонк", &["--lang", "ru"]);
    assert_eq!(texts(&v).len(), 0, "{v}");
}

#[test]
fn words_with_no_close_match_return_nothing() {
    let s = sandbox();
    assert_eq!(texts(&s.search_json("Xylophone", &[])).len(), 0);
    // Short words are never guessed at.
    assert_eq!(texts(&s.search_json("Bonm", &[])).len(), 0);
}

#[test]
fn the_wrong_keyboard_layout_is_read_as_meant() {
    let s = sandbox();
    // `Аденауэр` typed with the English layout active.
    let v = s.search_json("Fltyfe'h", &[]);
    assert!(v["notice"].as_str().unwrap().contains("wrong keyboard layout"), "{}", v["notice"]);
    assert!(texts(&v).iter().any(|t| t.starts_with("Визит Аденауэра")));
}

#[test]
fn derived_forms_meet_their_names() {
    let s = sandbox();
    let t = texts(&s.search_json("Потсдам", &[]));
    assert_eq!(t.len(), 2, "{t:?}");
    let t = texts(&s.search_json("Потсдамская", &[]));
    assert!(t.iter().any(|x| x.starts_with("Переговоры в Потсдаме")), "{t:?}");
}

#[test]
fn a_derived_form_in_a_passage_s_own_heading_finds_it() {
    let s = Sandbox::new();
    s.write(
        "bees.md",
        "# Пасека у реки\n\n## Окуривание ульев\n\n\
         Перед осмотром пасечник раздувает дымарь, и пчёлы уходят вглубь улья.\n\n\
         ## Зимовка\n\nУльи ставят в омшаник, когда пчёлы собираются в клуб.\n",
    );
    s.write(
        "notes.md",
        "# Окуривание, роение и другие заботы пасечника\n\n## Роение\n\n\
         Рой садится на ветку, и пасечник снимает его роевней, пока улей пуст.\n",
    );
    // The verb typed, the noun in the heading of the passage about it.
    let strict = strict_texts(&s.search_json("окуривать улей", &[]));
    assert!(strict.iter().any(|t| t.starts_with("Перед осмотром")), "{strict:?}");
    // A title naming many things lifts none of the passages under another heading.
    assert!(!strict.iter().any(|t| t.starts_with("Рой садится")), "{strict:?}");
}

#[test]
fn names_are_found_across_scripts() {
    let s = sandbox();
    let v = s.search_json("Khrushchev", &[]);
    let t = texts(&v);
    assert_eq!(t.len(), 2, "{t:?}");
    let ru = v["hits"].as_array().unwrap().iter().find(|h| h["lang"] == "ru").unwrap();
    assert_eq!(matched(ru), ["transliteration"]);
    assert_eq!(v["hits"][0]["lang"], "en", "same-language hits first");
    let t = texts(&s.search_json("Аденауэр", &[]));
    assert_eq!(t.len(), 2, "{t:?}");
}

#[test]
fn the_glossary_connects_terms_across_languages() {
    let s = sandbox();
    let v = s.search_json("Warsaw Pact", &[]);
    assert_eq!(texts(&v), ["Организация Варшавского договора была создана в 1955 году."]);
    assert_eq!(matched(&v["hits"][0]), ["glossary"]);
    assert_eq!(texts(&s.search_json("Warsaw Pact", &["--no-expand"])).len(), 0);
}

#[test]
fn old_spelling_and_look_alike_letters_match_modern_words() {
    let s = sandbox();
    assert_eq!(texts(&s.search_json("России мир", &[])), ["Въ Россіи наступилъ миръ."]);
    assert_eq!(texts(&s.search_json("советский", &[])), ["Это был cоветский ответ."]);
}

#[test]
fn exact_forms_are_only_the_form_typed() {
    let s = sandbox();
    assert_eq!(texts(&s.search_json("=Потсдаме", &[])).len(), 1);
    assert_eq!(texts(&s.search_json("=Потсдам", &[])).len(), 0);
}

#[test]
fn explain_shows_how_the_query_was_read() {
    let s = sandbox();
    let out = s.run(&["search", "--explain", "Khrushchev Adenaur"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("«Khrushchev»: word form khrushchev"), "{stdout}");
    assert!(stdout.contains("transliteration"), "{stdout}");
    assert!(stdout.contains("«Adenaur»") && stdout.contains("typo adenauer"), "{stdout}");
}

#[test]
fn a_phrase_is_highlighted_where_it_stands_whole() {
    let s = sandbox();
    let v = s.search_json("\"government press office\"", &[]);
    assert_eq!(v["hits"][0]["snippet"], "The **government press office** reported the result.");
}

#[test]
fn an_exact_phrase_is_found_only_where_its_text_shows_it() {
    let s = Sandbox::new();
    s.write(
        "kettles.txt",
        "The copper kettle whistled on the stove all morning.\n\n\
         Two copper kettles boiled beside one small kettle.\n\n\
         The kettle of copper stood on the shelf.\n\n\
         Медный чайник свистел на плите, а медные чайники молчали.\n\n\
         Медные чайники стояли рядом с медной посудой.\n",
    );
    // Every form of the phrase: the stems' phrase.
    assert_eq!(texts(&s.search_json("\"copper kettle\"", &[])).len(), 2);
    // Exactly these forms, side by side: the second passage has both words and the
    // phrase in another form, yet not the phrase typed.
    let v = s.search_json("=\"copper kettle\"", &[]);
    assert_eq!(texts(&v), ["The copper kettle whistled on the stove all morning."]);
    assert_eq!(v["hits"][0]["snippet"], "The **copper kettle** whistled on the stove all morning.");
    assert_eq!(v["total_hits"], 1, "{v}");
    assert_eq!(texts(&s.search_json("=\"copper kettles\"", &[])).len(), 1);
    assert_eq!(texts(&s.search_json("=\"kettle copper\"", &[])).len(), 0);
    let ru = texts(&s.search_json("=\"медные чайники\"", &[]));
    assert_eq!(ru.len(), 2, "{ru:?}");
    assert_eq!(texts(&s.search_json("=\"медный чайники\"", &[])).len(), 0);
}

#[test]
fn an_abbreviation_the_text_defines_meets_its_long_form_both_ways() {
    let s = Sandbox::new();
    s.write(
        "survey.txt",
        "The Quarry Mapping Survey (QMS) keeps maps of every quarry.\n\n\
         Later the QMS drew the hills again.\n\n\
         A quarry mapping survey of the moors began in spring.\n\n\
         Отчёты шли в Областное бюро картографии (ОБК) весной.\n\n\
         Областное бюро картографии закрыли осенью.\n\n\
         Source fixes differ from Binary-only Sieve Fixes (binSFs) in one way.\n\n\
         Each binSF is built by the sieve daemon.\n",
    );
    let hit = |v: &serde_json::Value, start: &str| {
        let hits = v["hits"].as_array().unwrap();
        hits.iter().find(|h| h["text"].as_str().unwrap().starts_with(start)).cloned()
    };
    let v = s.search_json("QMS", &[]);
    let moors = hit(&v, "A quarry mapping survey").expect("the long form found");
    assert_eq!(matched(&moors), ["abbreviation"]);
    assert!(hit(&v, "Later the QMS").is_some());
    let v = s.search_json("quarry mapping survey", &[]);
    let later = hit(&v, "Later the QMS").expect("the short form found");
    assert_eq!(matched(&later), ["abbreviation"]);
    // In Russian too, in any form of the long form's words.
    let v = s.search_json("ОБК", &[]);
    assert!(hit(&v, "Областное бюро картографии закрыли").is_some(), "{v}");
    // A hyphenated long form, typed with its hyphen.
    let v = s.search_json("binary-only sieve fixes", &[]);
    assert!(hit(&v, "Each binSF").is_some(), "{v}");
    // What no text defines is not guessed: `QM` spells no definition.
    let v = s.search_json("QM", &[]);
    assert!(v["hits"].as_array().unwrap().is_empty(), "{v}");
}

#[test]
fn a_misspelt_word_found_through_a_derivative_says_did_you_mean() {
    let s = Sandbox::new();
    s.write(
        "bees.txt",
        "Пчеловод занимался переокуриванием ульев весной.\n\n\
         Переокуривание ульев помогает пасеке.\n\n\
         Мёд собрали осенью.\n",
    );
    // The typo's stem meets the word's family, so passages are found; the typo is
    // still named.
    let v = s.search_json("переокурвание", &[]);
    assert!(!v["hits"].as_array().unwrap().is_empty(), "{v}");
    let notice = v["notice"].as_str().unwrap_or_default();
    assert!(notice.contains("did you mean «переокуривание»"), "{v}");
    // A word spelt right says nothing of the kind.
    let v = s.search_json("переокуривание", &[]);
    assert!(v["notice"].is_null(), "{v}");
}
