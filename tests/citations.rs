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
    let gost = stdout(&s, &["cite", "ru.txt:4", "--style", "gost"]);
    assert!(gost.starts_with("«Торговый договор"), "{gost}");
    assert!(gost.contains("\nПетров П. П.. Австрия и СССР [Электронный ресурс] : студенческая работа. — 2021. — Разд. «Введение», строка 4 (файл ru.txt).\n"), "{gost}");
    let chicago = stdout(&s, &["cite", "en.txt:4", "--style", "chicago"]);
    assert_eq!(
        chicago,
        "“A commercial treaty between Austria and the Soviet Union was signed in Vienna on December 7, 1927.”\n\
         “Austria and the Soviet Union,” Example History, March 5, 2019, “Trade”, line 4, https://history.example/austria (file en.txt).\n"
    );
}

#[test]
fn bibtex_and_csl_json() {
    let s = sandbox();
    let bib = stdout(&s, &["cite", "en.txt:4", "--style", "bibtex"]);
    assert!(bib.starts_with("@misc{quelle_en_txt_4,\n  title = {Austria and the Soviet Union},\n  howpublished = {Example History},\n  year = {2019},"), "{bib}");
    let csl: Value =
        serde_json::from_str(&stdout(&s, &["cite", "ru.txt:4", "--style", "csl-json"])).unwrap();
    assert_eq!(csl["type"], "thesis");
    assert_eq!(csl["author"][0]["literal"], "Петров П. П.");
    assert_eq!(csl["locator"], "4-4");
    let j = json(&s, &["cite", "en.txt:4", "--json"]);
    assert_eq!(j["quote"], "“A commercial treaty between Austria and the Soviet Union was signed in Vienna on December 7, 1927.”");
    assert_eq!(j["reference"]["plain"], "Austria and the Soviet Union, Trade, line 4 (en.txt)");
    assert_eq!(j["csl"]["URL"], "https://history.example/austria");
}

#[test]
fn search_prints_citations_on_request() {
    let s = sandbox();
    let out = stdout(&s, &["search", "--cite", "gost", "--lang", "ru", "Вене"]);
    assert!(out.starts_with("«Торговый договор"), "{out}");
    assert!(out.contains("строка 4"), "{out}");
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

fn check(s: &Sandbox, quote: &str) -> Value {
    json(s, &["quote-check", "--json", quote])
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
