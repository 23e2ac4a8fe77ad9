//! quelle's machine-readable references, read by the real pandoc (Debian's `pandoc`, with
//! the CSL project's styles from `citation-style-language-styles`; `.ci/run` installs
//! both): a Markdown essay citing quelle's keys and locators is rendered to plain text in
//! GOST and in Chicago, from the CSL-JSON array and from the BibTeX entries. Where pandoc
//! or the styles are missing the test says so and passes, unless `QUELLE_REQUIRE_TOOLS`
//! is set (as in CI).

mod common;

use common::Sandbox;
use std::path::{Path, PathBuf};
use std::process::Command;

const STYLES: &str = "/usr/share/citation-style-language/styles";

/// pandoc and the two styles, or why the test cannot run.
fn tools() -> Option<(PathBuf, PathBuf)> {
    let gost = Path::new(STYLES).join("gost-r-7-0-5-2008-numeric.csl");
    let chicago = Path::new(STYLES).join("chicago-fullnote-bibliography.csl");
    let pandoc = Command::new("pandoc").arg("--version").output().is_ok_and(|o| o.status.success());
    if pandoc && gost.is_file() && chicago.is_file() {
        return Some((gost, chicago));
    }
    let why = "pandoc and citation-style-language-styles are needed (apt-get install pandoc citation-style-language-styles)";
    assert!(std::env::var_os("QUELLE_REQUIRE_TOOLS").is_none(), "{why}");
    eprintln!("skipped: {why}");
    None
}

fn sandbox() -> Sandbox {
    let s = Sandbox::new();
    s.write("atlas.ru.txt", "Атлас лишайников Торнвика\n\nВведение\nЛишайник растёт на граните медленно, по миллиметру в год.\n");
    s.write("atlas.en.txt", "The Lichen Atlas of Thornwick\n\nGranite\nThe lichen grows slowly on granite, a millimetre a year.\n");
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

fn quelle(s: &Sandbox, args: &[&str]) -> String {
    let out = s.run(args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The essay, its citations written as quelle gives them (`pandoc` of `cite --json`).
fn essay(s: &Sandbox, lang: &str) -> String {
    let cite = |id: &str| -> String {
        let args = ["cite", id, "--json", "--locale", lang];
        let j: serde_json::Value = serde_json::from_str(&quelle(s, &args)).unwrap();
        j["pandoc"].as_str().unwrap().to_string()
    };
    let (ru, en) = (cite("atlas.ru.txt:4"), cite("atlas.en.txt:4"));
    format!(
        "---\nlang: {lang}\n---\n\nЁлкин пишет, что «лишайник растёт на граните медленно» {ru}. \
         The English edition: “the lichen grows slowly on granite” {en}.\n\n# References\n"
    )
}

fn pandoc(dir: &Path, essay: &str, bibliography: &Path, csl: &Path) -> String {
    let path = dir.join("essay.md");
    std::fs::write(&path, essay).unwrap();
    let out = Command::new("pandoc")
        .arg(&path)
        .args(["--citeproc", "--wrap=none", "-t", "plain", "--bibliography"])
        .arg(bibliography)
        .arg("--csl")
        .arg(csl)
        .output()
        .expect("pandoc runs");
    assert!(out.status.success(), "pandoc: {}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("not found"), "pandoc found every key: {err}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn pandoc_renders_an_essay_with_quelles_csl_json_and_bibtex() {
    let Some((gost, chicago)) = tools() else { return };
    let s = sandbox();
    // The references of both documents, from one search across the languages.
    let json = quelle(&s, &["search", "--cite", "csl-json", "lichen"]);
    let items: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(items.as_array().map(Vec::len), Some(2), "{json}");
    let bib = quelle(&s, &["search", "--cite", "bibtex", "lichen"]);
    let dir = s.dir.path();
    std::fs::write(dir.join("refs.json"), &json).unwrap();
    std::fs::write(dir.join("refs.bib"), &bib).unwrap();
    let gost_expected = "Ёлкин пишет, что «лишайник растёт на граните медленно» [1, стр. 4]. The English edition: “the lichen grows slowly on granite” [2, стр. 4].\n\n\
        References\n\n\
        1. Ёлкин П.С., Рыжик А. Атлас лишайников Торнвика. Вологда: Мох и Камень, 2021.\n\n";
    for refs in ["refs.json", "refs.bib"] {
        let text = pandoc(dir, &essay(&s, "ru-RU"), &dir.join(refs), &gost);
        assert!(text.starts_with(gost_expected), "{refs}:\n{text}");
        // The web page: an electronic resource, with its address and date of access.
        assert!(
            text.contains("2. Brackenbury O.Q. The Lichen Atlas of Thornwick [Электронный ресурс]"),
            "{refs}:\n{text}"
        );
        assert!(
            text.contains("URL: https://lichens.example/atlas (дата обращения: 30.11.2026)."),
            "{refs}:\n{text}"
        );
        let text = pandoc(dir, &essay(&s, "en-US"), &dir.join(refs), &chicago);
        assert!(
            text.contains("[1] П. С. Ёлкин and Анна Рыжик, Атлас лишайников Торнвика (Вологда: Мох и Камень, 2021), l. 4."),
            "{refs}:\n{text}"
        );
        // Titles keep their case: BibTeX's braces and CSL-JSON's plain strings alike.
        assert!(
            text.contains("Brackenbury, Ottoline Q. “The Lichen Atlas of Thornwick.”"),
            "{refs}:\n{text}"
        );
        assert!(text.contains("Ёлкин, П. С., and Анна Рыжик. Атлас лишайников Торнвика. Вологда: Мох и Камень, 2021."), "{refs}:\n{text}");
    }
}
