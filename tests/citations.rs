//! End-to-end tests of citing and quote checking: every reference style, `show --context`,
//! and `quote-check` on exact, changed, elided, boundary-crossing and foreign quotes, in
//! Russian and English.

mod common;

use common::Sandbox;
use serde_json::Value;

const RU: &str = "Советско-австрийские связи\n\n\
Введение\n\
Торговый договор между Австрией и СССР был подписан в Вене 7 декабря 1927 года и действовал десять лет.\n\
Переговоры вела делегация наркомата внешней торговли. Австрийская сторона настаивала на льготах для своих банков.\n";

const EN: &str = "Austria and the Soviet Union\n\n\
Trade\n\
A commercial treaty between Austria and the Soviet Union was signed in Vienna on December 7, 1927.\n\
The treaty was renewed in 1930 and remained in force until the Anschluss of 1938.\n";

const CATALOG: &str = "[documents.\"ru.txt\"]\ntitle = \"Австрия и СССР\"\nauthors = [\"Петров П. П.\"]\nkind = \"student paper\"\ndate = \"2021\"\nlanguage = \"ru\"\n\n\
[documents.\"en.txt\"]\ntitle = \"Austria and the Soviet Union\"\nkind = \"web page\"\nsite = \"Example History\"\nurl = \"https://history.example/austria\"\ndate = \"2019-03-05\"\nlanguage = \"en\"\n";

fn sandbox() -> Sandbox {
    let s = Sandbox::new();
    s.write("ru.txt", RU);
    s.write("en.txt", EN);
    s.write("catalog.toml", CATALOG);
    s
}

fn stdout(s: &Sandbox, args: &[&str]) -> String {
    let out = s.run(args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn json(s: &Sandbox, args: &[&str]) -> Value {
    serde_json::from_str(&stdout(s, args)).unwrap()
}

#[test]
fn plain_and_markdown() {
    let s = sandbox();
    assert_eq!(
        stdout(&s, &["cite", "ru.txt:4"]),
        "«Торговый договор между Австрией и СССР был подписан в Вене 7 декабря 1927 года и действовал десять лет.»\n— Австрия и СССР, Введение, line 4 (ru.txt)\n"
    );
    assert_eq!(
        stdout(&s, &["cite", "en.txt:5", "--style", "markdown"]),
        "> The treaty was renewed in 1930 and remained in force until the Anschluss of 1938.\n>\n> — *Austria and the Soviet Union*, Trade, line 5 (`en.txt`)\n"
    );
}

#[test]
fn gost_for_russian_readers_and_chicago_for_english_ones() {
    let s = sandbox();
    assert_eq!(
        stdout(&s, &["cite", "ru.txt:4", "--style", "gost"]),
        "«Торговый договор между Австрией и СССР был подписан в Вене 7 декабря 1927 года и действовал десять лет.»\n\
         — [1, строка 4]\n\n\
         1. Петров П. П. Австрия и СССР. 2021.\n"
    );
    assert_eq!(
        stdout(&s, &["cite", "en.txt:4", "--style", "chicago"]),
        "“A commercial treaty between Austria and the Soviet Union was signed in Vienna on December 7, 1927.”\n\
         — “Austria and the Soviet Union,” Example History, March 5, 2019, line 4, https://history.example/austria.\n\n\
         Example History. “Austria and the Soviet Union.” March 5, 2019. https://history.example/austria.\n"
    );
}

#[test]
fn bibtex_and_csl_json() {
    let s = sandbox();
    // One entry per document, the title in double braces so that no tool changes its case.
    assert_eq!(
        stdout(&s, &["cite", "en.txt:4", "--style", "bibtex"]),
        "@online{en,\n  title = {{Austria and the Soviet Union}},\n  organization = {{Example History}},\n  \
         date = {2019-03-05},\n  url = {https://history.example/austria},\n  langid = {english}\n}\n"
    );
    // CSL-JSON is an array of items, as pandoc and Zotero read it.
    let csl: Value =
        serde_json::from_str(&stdout(&s, &["cite", "ru.txt:4", "--style", "csl-json"])).unwrap();
    assert_eq!(csl.as_array().map(Vec::len), Some(1));
    assert_eq!((csl[0]["type"].as_str(), csl[0]["id"].as_str()), (Some("manuscript"), Some("ru")));
    assert_eq!(csl[0]["author"][0], serde_json::json!({"family": "Петров", "given": "П. П."}));
    let j = json(&s, &["cite", "en.txt:4", "--json"]);
    assert_eq!(j["quote"], "“A commercial treaty between Austria and the Soviet Union was signed in Vienna on December 7, 1927.”");
    assert_eq!(j["reference"]["plain"], "Austria and the Soviet Union, Trade, line 4 (en.txt)");
    assert_eq!(j["reference"]["gost"]["citation"], "[1, строка 4]");
    assert_eq!((j["locator"].as_str(), j["label"].as_str()), (Some("4"), Some("line")));
    assert_eq!(j["pandoc"], "[@en, line 4]");
    assert_eq!(j["csl"]["URL"], "https://history.example/austria");
    // Several hits of one document: one entry.
    let bib = stdout(&s, &["search", "--cite", "bibtex", "treaty"]);
    assert_eq!(bib.matches("@online{en,").count(), 1, "{bib}");
}

#[test]
fn search_prints_citations_on_request() {
    let s = sandbox();
    let out = stdout(&s, &["search", "--cite", "gost", "--lang", "ru", "Вене"]);
    assert!(out.starts_with("«Торговый договор"), "{out}");
    assert!(out.contains("— [1, строка 4]") && out.contains("\n1. Петров П. П."), "{out}");
    let bad = s.run(&["search", "--cite", "nonesuch", "Вене"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown style \"nonesuch\""));
}

/// A book in Russian and a web page in English, in words of neither development corpus.
fn atlas() -> Sandbox {
    let s = Sandbox::new();
    s.write(
        "atlas.ru.txt",
        "Атлас лишайников Торнвика\n\nВведение\nЛишайник растёт на граните медленно, по миллиметру в год.\nМох растёт быстрее всех.\n",
    );
    s.write(
        "atlas.en.txt",
        "The Lichen Atlas of Thornwick\n\nGranite\nThe lichen grows slowly on granite, a millimetre a year.\n",
    );
    s.write(
        "catalog.toml",
        "[documents.\"atlas.ru.txt\"]\ntitle = \"Атлас лишайников Торнвика\"\nauthors = [\"Ёлкин П. С.\", \"Рыжик, Анна\"]\n\
         kind = \"book\"\npublisher = \"Мох и Камень\"\nplace = \"Вологда\"\ndate = \"2021\"\nlanguage = \"ru\"\n\n\
         [documents.\"atlas.en.txt\"]\ntitle = \"The Lichen Atlas of Thornwick\"\nauthors = [\"Ottoline Q. Brackenbury\"]\n\
         kind = \"web page\"\nsite = \"Thornwick Field Society\"\nurl = \"https://lichens.example/atlas\"\n\
         date = \"2019-03-05\"\naccessed = \"2026-11-30\"\nlanguage = \"en\"\n",
    );
    s
}

#[test]
fn golden_references_of_each_bundled_style_in_russian_and_english() {
    let s = atlas();
    let golden: [(&str, &str, &str, &str); 10] = [
        ("gost", "ru", "[1, строка 4]", "1. Brackenbury O. Q. The Lichen Atlas of Thornwick [Электронный ресурс] // Thornwick Field Society. 2019. URL: https://lichens.example/atlas (дата обращения: 30.11.2026)."),
        ("gost", "en", "[1, l. 4]", "1. Brackenbury O. Q. The Lichen Atlas of Thornwick [Electronic resource] // Thornwick Field Society. 2019. URL: https://lichens.example/atlas (accessed: 30.11.2026)."),
        ("chicago", "ru", "Ottoline Q. Brackenbury, «The Lichen Atlas of Thornwick», Thornwick Field Society, 5 март 2019 г., строка 4, https://lichens.example/atlas.", "Brackenbury, Ottoline Q. «The Lichen Atlas of Thornwick». Thornwick Field Society, 5 март 2019 г. https://lichens.example/atlas."),
        ("chicago", "en", "Ottoline Q. Brackenbury, “The Lichen Atlas of Thornwick,” Thornwick Field Society, March 5, 2019, line 4, https://lichens.example/atlas.", "Brackenbury, Ottoline Q. “The Lichen Atlas of Thornwick.” Thornwick Field Society, March 5, 2019. https://lichens.example/atlas."),
        ("chicago-author-date", "ru", "(Brackenbury 2019, строка 4)", "Brackenbury, Ottoline Q. (Thornwick Field Society). 2019. «The Lichen Atlas of Thornwick». март 5. https://lichens.example/atlas."),
        ("chicago-author-date", "en", "(Brackenbury 2019, line 4)", "Brackenbury, Ottoline Q. (Thornwick Field Society). 2019. “The Lichen Atlas of Thornwick.” March 5. https://lichens.example/atlas."),
        ("apa", "ru", "(Brackenbury, 2019, Строка 4)", "Brackenbury, O. Q. (2019, март 5). The Lichen Atlas of Thornwick. Thornwick Field Society. https://lichens.example/atlas"),
        ("apa", "en", "(Brackenbury, 2019, Line 4)", "Brackenbury, O. Q. (2019, March 5). The Lichen Atlas of Thornwick. Thornwick Field Society. https://lichens.example/atlas"),
        ("mla", "ru", "(Brackenbury 4)", "Brackenbury, Ottoline Q. «The Lichen Atlas of Thornwick». Thornwick Field Society, 5 март 2019 г., https://lichens.example/atlas."),
        ("mla", "en", "(Brackenbury 4)", "Brackenbury, Ottoline Q. “The Lichen Atlas of Thornwick.” Thornwick Field Society, 5 Mar. 2019, https://lichens.example/atlas."),
    ];
    for (style, locale, citation, reference) in golden {
        let out = stdout(&s, &["cite", "atlas.en.txt:4", "--style", style, "--locale", locale]);
        let expected = format!(
            "“The lichen grows slowly on granite, a millimetre a year.”\n— {citation}\n\n{reference}\n"
        );
        assert_eq!(out, expected, "{style} {locale}");
    }
    // The Russian book: two authors, the publisher and its town; lines in the plural.
    let book = stdout(&s, &["cite", "atlas.ru.txt:4", "--style", "gost"]);
    assert!(
        book.ends_with(
            "1. Ёлкин П. С., Рыжик А. Атлас лишайников Торнвика. Вологда: Мох и Камень, 2021.\n"
        ),
        "{book}"
    );
    let two =
        stdout(&s, &["search", "--cite", "chicago", "--locale", "ru", "--lang", "ru", "растёт"]);
    assert!(
        two.contains(
            "П. С. Ёлкин и Анна Рыжик, Атлас лишайников Торнвика (Мох и Камень, 2021), строка 4."
        ),
        "{two}"
    );
}

#[test]
fn a_csl_file_is_a_style() {
    let s = atlas();
    let csl =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/title-and-line.csl");
    let out = stdout(&s, &["cite", "atlas.en.txt:4", "--style", csl.to_str().unwrap()]);
    assert_eq!(
        out,
        "“The lichen grows slowly on granite, a millimetre a year.”\n— The Lichen Atlas of Thornwick, l. 4\n\nThe Lichen Atlas of Thornwick (2019)\n"
    );
}

#[test]
fn chosen_words_are_cited_by_their_own_lines() {
    let s = Sandbox::new();
    // A hard-wrapped paragraph of four lines.
    s.write(
        "survey.txt",
        "Survey of the northern slopes\n\n\
         The lichen survey of the northern slopes of the moor counted\n\
         forty kinds on the bare granite, and twelve on the birch bark;\n\
         the damp hollows below the alder wood held the rarest of them,\n\
         a grey crust found nowhere else in the whole of the county.\n",
    );
    let j = json(
        &s,
        &[
            "cite",
            "survey.txt:3",
            "--json",
            "--quote",
            "twelve on the birch bark … held the rarest",
        ],
    );
    assert_eq!(j["text"], "twelve on the birch bark … held the rarest");
    assert_eq!((j["line_start"].as_u64(), j["line_end"].as_u64()), (Some(4), Some(5)));
    let j = json(&s, &["cite", "survey.txt:3", "--json", "--words", "1-4"]);
    assert_eq!(
        (j["text"].as_str(), j["line_end"].as_u64()),
        (Some("The lichen survey of"), Some(3))
    );
    let plain = stdout(&s, &["cite", "survey.txt:3", "--quote", "a grey crust found nowhere else"]);
    assert!(plain.ends_with("line 6 (survey.txt)\n"), "{plain}");
    // Words the passage does not have are refused, with how they differ.
    let bad = s.run(&["cite", "survey.txt:3", "--quote", "counted fifty kinds"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("\"fifty\" where it has \"forty\""));
    // And quote-check gives the lines of the words it matched, not the whole passage's.
    let r = check(&s, "the damp hollows below the alder wood");
    assert_eq!((r["line_start"].as_u64(), r["line_end"].as_u64()), (Some(5), Some(5)));
    let r = check(&s, "the birch bark; the damp hollows");
    assert_eq!((r["line_start"].as_u64(), r["line_end"].as_u64()), (Some(4), Some(5)));
}

#[test]
fn metadata_comes_from_the_users_bibliography() {
    let s = Sandbox::new();
    s.write(
        "Brackenbury - 1974 - Lichen Atlas.txt",
        "Lichens of the moor\n\nThe grey crust grows on granite only.\n",
    );
    s.write("ryzhik2020.txt", "Споры лишайников\n\nСпоры разносит ветер на десятки вёрст.\n");
    s.write(
        "library.bib",
        "@book{brackenbury1974,\n  title = {The Lichen Atlas of {Thornwick}},\n  author = {Brackenbury, Ottoline},\n  \
         publisher = {Moss Press},\n  location = {Leeds},\n  date = {1974},\n  \
         file = {/home/u/Zotero/storage/AB12/Brackenbury - 1974 - Lichen Atlas.txt}\n}\n",
    );
    s.write(
        "library.json",
        r#"[{"id":"ryzhik2020","type":"article-journal","title":"Споры лишайников","author":[{"family":"Рыжик","given":"Анна"}],"container-title":"Ботанический журнал","issued":{"date-parts":[[2020]]},"volume":"12","page":"34-56","language":"ru"}]"#,
    );
    let j = json(&s, &["cite", "Brackenbury - 1974 - Lichen Atlas.txt:3", "--json"]);
    assert_eq!(j["key"], "brackenbury1974", "the user's own key");
    assert_eq!(j["pandoc"], "[@brackenbury1974, line 3]");
    assert_eq!(
        j["reference"]["chicago"]["bibliography"],
        "Brackenbury, Ottoline. The Lichen Atlas of Thornwick. Moss Press, 1974."
    );
    // Matched by the key as the file's stem.
    let gost = stdout(&s, &["cite", "ryzhik2020.txt:3", "--style", "gost"]);
    assert!(
        gost.ends_with(
            "1. Рыжик А. Споры лишайников // Ботанический журнал. 2020. Т. 12. С. 34–56.\n"
        ),
        "{gost}"
    );
    // The catalogue wins field by field.
    s.write("catalog.toml", "[documents.\"ryzhik2020.txt\"]\ntitle = \"Споры и ветер\"\n");
    let gost = stdout(&s, &["cite", "ryzhik2020.txt:3", "--style", "gost"]);
    assert!(gost.contains("Рыжик А. Споры и ветер // Ботанический журнал"), "{gost}");
}

#[test]
fn catalog_fields_are_warned_about_one_by_one() {
    let s = sandbox();
    s.write("catalog.toml", format!("{CATALOG}visited = \"2026\"\n"));
    let out = s.run(&["cite", "en.txt:4"]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown field `visited` ignored"), "{err}");
    // The rest of the entry and the other entries stand.
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("Austria and the Soviet Union, Trade, line 4"));
}

#[test]
fn a_file_without_an_entry_is_cited_by_its_heading() {
    let s = sandbox();
    s.write("notes.txt", "Notes on Vienna\n\nThe legation opened in 1924.\n");
    assert_eq!(
        stdout(&s, &["cite", "notes.txt:3"]),
        "“The legation opened in 1924.”\n— Notes on Vienna, line 3 (notes.txt)\n"
    );
}

#[test]
fn show_gives_context_around_a_passage() {
    let s = sandbox();
    let out = stdout(&s, &["show", "ru.txt:4", "--context", "1"]);
    let ids: Vec<&str> = out
        .lines()
        .filter(|l| !l.starts_with(' ') && !l.is_empty())
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    assert_eq!(ids, ["ru.txt:3", "▶", "ru.txt:5"], "{out}");
    assert!(out.contains("▶ ru.txt:4 [body, ru] line 4"));
    let missing = s.run(&["show", "ru.txt:99"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("no passage has the id \"ru.txt:99\"")
    );
}

#[test]
fn every_passage_of_a_line_cut_in_several_is_shown_by_its_id() {
    let s = Sandbox::new();
    // One line of many sentences is cut into several passages, all starting on line 1,
    // in a file whose name holds the id's own separator.
    let line: Vec<String> = (1..=80)
        .map(|i| format!("The lighthouse keeper wrote entry number {i} about the gannets."))
        .collect();
    s.write("log:1.txt", format!("{}\n", line.join(" ")));
    let out = s.run(&["passages", "--doc", "log:1.txt", "--json"]);
    let passages: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(passages.len() >= 2, "one line, several passages: {passages:?}");
    for p in &passages {
        let id = p["id"].as_str().unwrap();
        let text = p["text"].as_str().unwrap();
        let out = s.run(&["show", "--json", id]);
        let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(shown["id"], p["id"], "{id}");
        assert_eq!(shown["text"].as_str(), Some(text), "{id}");
    }
}

#[test]
fn ids_find_their_passage_in_nested_and_case_twin_files() {
    let s = Sandbox::new();
    s.write("Notes/a.txt", "First upper note.\n\nSecond upper note.\n");
    s.write("notes/A.md", "First lower note.\n\nSecond lower note.\n");
    s.write("notes/a.v2/b.txt", "Dotted folder note.\n");
    for (id, text) in [
        ("Notes/a.txt:3", "Second upper note."),
        ("notes/A.md:3", "Second lower note."),
        ("notes/a.txt:3", ""),
        ("notes/a.v2/b.txt:1", "Dotted folder note."),
    ] {
        let out = s.run(&["show", id]);
        if text.is_empty() {
            assert_eq!(out.status.code(), Some(2), "{id}");
        } else {
            let out = String::from_utf8_lossy(&out.stdout);
            assert!(out.contains(&format!("▶ {id} ")) && out.contains(text), "{id}: {out}");
        }
    }
}

/// `quote-check --json`, which exits 1 when the quote is not found.
fn check(s: &Sandbox, quote: &str) -> Value {
    let out = s.run(&["quote-check", "--json", quote]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = v["verdict"] != "not_found";
    assert_eq!(out.status.code(), Some(if found { 0 } else { 1 }), "{quote}");
    v
}

#[test]
fn quote_check_exact_changed_elided_across_and_foreign_in_russian() {
    let s = sandbox();
    let r = check(&s, "Торговый договор между Австрией и СССР был подписан в Вене");
    assert_eq!((r["verdict"].as_str(), r["line_start"].as_u64()), (Some("exact"), Some(4)));
    let r = check(&s, "Торговый договор между Австрией и СССР был подписан в Праге");
    assert_eq!(r["verdict"], "close");
    assert_eq!(
        r["differences"],
        serde_json::json!([{"kind": "changed", "quote": "Праге", "source": "Вене"}])
    );
    let r = check(&s, "Торговый договор … был подписан в Вене 7 декабря 1927 года");
    assert_eq!(r["verdict"], "exact");
    let r = check(&s, "и действовал десять лет. Переговоры вела делегация наркомата");
    assert_eq!(r["verdict"], "exact");
    assert_eq!(r["sources"].as_array().unwrap().len(), 2);
    assert_eq!((r["line_start"].as_u64(), r["line_end"].as_u64()), (Some(4), Some(5)));
    let r = check(&s, "Москва слезам не верит, сказал министр иностранных дел");
    assert_eq!(r["verdict"], "not_found");
}

#[test]
fn quote_check_exact_changed_elided_across_and_foreign_in_english() {
    let s = sandbox();
    let r = check(&s, "a commercial treaty between Austria and the Soviet Union");
    assert_eq!(r["verdict"], "exact");
    assert_eq!(r["case_or_yo_only"], false, "the first letter may change case");
    let r = check(&s, "The treaty was renewed in 1931 and remained in force");
    assert_eq!(
        r["differences"],
        serde_json::json!([{"kind": "changed", "quote": "1931", "source": "1930"}])
    );
    let r = check(&s, "The treaty was renewed ... until the Anschluss of 1938");
    assert_eq!(r["verdict"], "exact");
    let r = check(&s, "signed in Vienna on December 7, 1927. The treaty was renewed in 1930");
    assert_eq!((r["verdict"].as_str(), r["sources"].as_array().unwrap().len()), (Some("exact"), 2));
    let r = check(&s, "Pearl Harbor was attacked by Japan in December 1941");
    assert_eq!(r["verdict"], "not_found");
    // The human report says so in words.
    let out = stdout(
        &s,
        &[
            "quote-check",
            "The treaty was renewed in 1930 and remained in force until the end of 1938",
        ],
    );
    assert!(out.starts_with("Close"), "{out}");
    assert!(out.contains("changed: \"end\" where the source has \"Anschluss\""), "{out}");
}

#[test]
fn quote_check_reads_standard_input() {
    let s = sandbox();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_quelle"));
    cmd.arg("--corpus")
        .arg(s.corpus())
        .arg("--index")
        .arg(s.index())
        .args(["quote-check", "--json"]);
    cmd.stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all("действовал десять лет".as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["verdict"], "exact");
}

/// Every passage of a corpus, as `passages --json` lists them.
fn all_passages(corpus: &std::path::Path, index: &std::path::Path) -> Vec<Value> {
    let out = common::quelle(corpus, index, &["passages", "--doc", "", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn every_id_names_one_passage_and_cite_quotes_exactly_it() {
    // The bundled corpus, and twins: one stem with two extensions, and references cut
    // from the body on the line they share with it.
    let s = Sandbox::new();
    s.write("notes.txt", "The vole ran along the ditch.\n\nThe stoat followed it.\n");
    s.write("notes.md", "The vole hid under a stone.\n\nThe stoat gave up.\n");
    s.write(
        "paper.txt",
        "Otters hunt at dusk, as the survey found.[1] They rest by day.\n\nReferences\n\n1. Survey of Otters (1998).\n",
    );
    let bundled = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let bundled_index = s.dir.path().join("bundled-index");
    for (corpus, index) in [(s.corpus(), s.index()), (bundled, bundled_index)] {
        let passages = all_passages(&corpus, &index);
        assert!(passages.len() > 5);
        let mut ids: Vec<&str> = passages.iter().map(|p| p["id"].as_str().unwrap()).collect();
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), before, "an id names two passages");
        for p in &passages {
            let id = p["id"].as_str().unwrap();
            let out = common::quelle(&corpus, &index, &["cite", id, "--json"]);
            let cited: Value = serde_json::from_slice(&out.stdout).unwrap();
            // The quote is the passage's text in the quotation marks of its language.
            let (quote, text) = (cited["quote"].as_str().unwrap(), p["text"].as_str().unwrap());
            let inner: String = quote.chars().skip(1).take(quote.chars().count() - 2).collect();
            assert_eq!(inner, text, "{id}");
            assert_eq!(cited["line_start"], p["line_start"], "{id}");
        }
    }
}

#[test]
fn check_reports_every_quote_of_an_essay() {
    let s = atlas();
    let essay =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/essay-lichens.md");
    let out = s.run(&["check", essay.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "some quotes differ or are not found");
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    let at = |n: usize| {
        lines[n].split_once(": ").map_or("", |(a, _)| a).rsplit('/').next().unwrap_or("")
    };
    assert_eq!(lines.len(), 8, "{text}");
    assert_eq!(at(0), "essay-lichens.md:3:18");
    assert!(
        lines[0]
            .ends_with("exact — Атлас лишайников Торнвика, line 4 (atlas.ru.txt) · atlas.ru.txt:4"),
        "{text}"
    );
    assert!(lines[1].contains(": exact — Атлас лишайников Торнвика, line 5"), "{text}");
    assert!(lines[2].contains(": differs (\"быстро\" where the source has \"медленно\"; \"сантиметру\" where the source has \"миллиметру\")"), "{text}");
    assert!(lines[3].contains(": exact — The Lichen Atlas of Thornwick, line 4"), "{text}");
    assert!(lines[4].contains(": exact — The Lichen Atlas of Thornwick"), "an ellipsis: {text}");
    assert!(
        lines[5]
            .contains("essay-lichens.md:10:1: differs (\"and sings at dawn\" not in the source)"),
        "invented words at the end are extra: {text}"
    );
    assert!(
        lines[6].contains("essay-lichens.md:12:1: not found: \"Wind carries the spores"),
        "{text}"
    );
    assert_eq!(lines[7], "7 quotations: 4 exact, 2 differ from their source, 1 not found.");
    // JSON lines for tools.
    let out = s.run(&["check", "--json", essay.to_str().unwrap()]);
    let verdicts: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["verdict"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(verdicts, ["exact", "exact", "close", "exact", "exact", "close", "not_found"]);
    // An essay whose quotes are all exact passes.
    let good = s.dir.path().join("good.txt");
    std::fs::write(&good, "As the atlas says, “the lichen grows slowly on granite”.\n").unwrap();
    assert_eq!(s.run(&["check", good.to_str().unwrap()]).status.code(), Some(0));
}
