//! End-to-end tests of the document formats, on the fixtures of `tests/data/formats/`
//! (made by `cargo run --example make_fixtures`, or written by hand: the news page and
//! the Markdown lecture): text, sections, pages and page labels, chrome, skips and the
//! citations of each. The words are of neither development corpus.

mod common;

use common::{texts, Sandbox};
use serde_json::Value;

fn fixture(name: &str) -> Vec<u8> {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/formats").join(name);
    std::fs::read(path).unwrap()
}

fn with(files: &[(&str, &str)]) -> Sandbox {
    let s = Sandbox::new();
    for (name, fixture_name) in files {
        s.write(name, fixture(fixture_name));
    }
    s
}

/// Every passage of the corpus as `passages --json` prints them.
fn passages(s: &Sandbox, doc: &str) -> Vec<Value> {
    let out = s.run(&["passages", "--doc", doc, "--json"]);
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn text_of(p: &[Value]) -> Vec<&str> {
    p.iter().map(|v| v["text"].as_str().unwrap()).collect()
}

#[test]
fn a_two_column_pdf_reads_in_order_with_its_printed_page_labels() {
    let s = with(&[("atlas.pdf", "atlas-columns.pdf")]);
    let p = passages(&s, "atlas.pdf");
    let t = text_of(&p);
    // The left column, then the right one; running heads and page numbers are left out.
    let left = t.iter().position(|x| x.starts_with("The survey counted forty kinds")).unwrap();
    let right =
        t.iter().position(|x| x.starts_with("Лишайник растёт на граните медленно")).unwrap();
    assert!(left < right, "{t:?}");
    assert!(
        !t.iter().any(|x| x.contains("The Lichen Atlas of Thornwick 1")),
        "running head: {t:?}"
    );
    // A word hyphenated at a line end is one word again.
    assert!(t.iter().any(|x| x.contains("a millimetre a year")), "{t:?}");
    // Front matter is page i; the body pages are 1 and 2, as printed.
    let labels: Vec<(u64, &str)> = p
        .iter()
        .map(|v| (v["page"].as_u64().unwrap(), v["page_label"].as_str().unwrap()))
        .collect();
    assert_eq!(labels[0], (1, "i"));
    assert!(labels.contains(&(2, "1")) && labels.contains(&(3, "2")));
    // The paragraph that crosses the page break is one passage, cited pp. 1–2.
    let across =
        p.iter().find(|v| v["text"].as_str().unwrap().starts_with("Spores travel far")).unwrap();
    assert_eq!(
        (across["page_end"].as_u64(), across["page_end_label"].as_str()),
        (Some(3), Some("2"))
    );
    let id = across["id"].as_str().unwrap();
    let out = String::from_utf8(s.run(&["cite", id]).stdout).unwrap();
    assert!(out.ends_with("pp. 1–2 (atlas.pdf)\n"), "{out}");
    // Words on the second page alone are cited by that page.
    let out = String::from_utf8(s.run(&["cite", id, "--quote", "the moor is green again"]).stdout)
        .unwrap();
    assert!(out.ends_with("p. 2 (atlas.pdf)\n"), "{out}");
    let j: Value =
        serde_json::from_slice(&s.run(&["cite", id, "--json", "--locale", "ru"]).stdout).unwrap();
    assert_eq!(j["pandoc"], "[@atlas, с. 1-2]");
    // The document's title is its metadata's.
    assert_eq!(p[2]["title"], "The Lichen Atlas of Thornwick");
    // And the Russian text of a font with a ToUnicode map is found in any form.
    let hits = texts(&s.search_json("лишайники", &["--lang", "ru"]));
    assert!(hits.iter().any(|x| x.starts_with("Редкий щитовидный лишайник")), "{hits:?}");
}

#[test]
fn every_page_locator_of_a_pdf_is_true_by_pdftotext() {
    if std::process::Command::new("pdftotext").arg("-v").output().is_err() {
        assert!(
            std::env::var_os("QUELLE_REQUIRE_TOOLS").is_none(),
            "pdftotext (poppler-utils) is needed"
        );
        eprintln!("skipped: pdftotext (poppler-utils) is not installed");
        return;
    }
    let s = with(&[("atlas.pdf", "atlas-columns.pdf")]);
    let fold =
        |t: &str| -> String { t.to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect() };
    for p in passages(&s, "atlas.pdf") {
        let (first, last) =
            (p["page"].as_u64().unwrap(), p["page_end"].as_u64().or(p["page"].as_u64()).unwrap());
        let out = std::process::Command::new("pdftotext")
            .args(["-f", &first.to_string(), "-l", &last.to_string()])
            .arg(s.corpus().join("atlas.pdf"))
            .arg("-")
            .output()
            .unwrap();
        let pages = fold(&String::from_utf8_lossy(&out.stdout));
        for word in p["text"].as_str().unwrap().split_whitespace() {
            let w = fold(word);
            assert!(pages.contains(&w), "{w:?} of {} is not on pages {first}–{last}", p["id"]);
        }
    }
}

#[test]
fn scanned_and_encrypted_pdfs_are_named_with_the_reason() {
    let s = with(&[("scan.pdf", "scanned.pdf"), ("secret.pdf", "encrypted.pdf")]);
    let out = s.run(&["index"]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("secret.pdf: an encrypted PDF (a password is needed to read it)"),
        "{err}"
    );
    assert!(
        err.contains("scan.pdf: pages 2 without a text layer (scanned?): `quelle index --ocr`"),
        "{err}"
    );
    // The page with text is indexed.
    assert_eq!(
        texts(&s.search_json("granite", &[])),
        ["The first page has a text layer: moss on granite."]
    );
    // Named again by every `quelle index`.
    let again = String::from_utf8_lossy(&s.run(&["index"]).stderr).into_owned();
    assert!(again.contains("secret.pdf"), "{again}");
}

#[test]
fn an_epub_gives_its_chapters_as_sections_and_its_page_list_as_pages() {
    let s = with(&[("atlas.epub", "atlas.epub")]);
    let p = passages(&s, "atlas.epub");
    let at =
        |start: &str| p.iter().find(|v| v["text"].as_str().unwrap().starts_with(start)).unwrap();
    assert_eq!(at("The grey crust lichen")["page_label"], "iv");
    assert_eq!(at("Лишайник растёт")["page_label"], "5");
    assert_eq!(at("The alder wood")["page_label"], "6");
    assert_eq!(at("Moss in the damp hollows")["section"], "2. Moss › 2.1. The hollows");
    assert_eq!(at("The grey crust lichen")["title"], "The Lichen Atlas & its Mosses");
    let out = String::from_utf8(
        s.run(&["cite", at("Лишайник растёт")["id"].as_str().unwrap(), "--style", "gost"]).stdout,
    )
    .unwrap();
    assert!(out.contains("— [1, с. 5]"), "{out}");
}

#[test]
fn a_saved_news_page_gives_its_article_only_also_under_a_txt_name() {
    for name in ["page.html", "page.txt"] {
        let s = with(&[(name, "news-page.html")]);
        let t = text_of(&passages(&s, name)).into_iter().map(str::to_string).collect::<Vec<_>>();
        assert_eq!(t[0], "Rare shield lichen found twice on the moor");
        assert!(t.iter().any(|x| x.starts_with("A pale shield lichen, thought lost")), "{t:?}");
        assert!(t.iter().any(|x| x.starts_with("We had walked past that stone")), "{t:?}");
        for chrome in [
            "cookies",
            "Share on social media",
            "Related stories",
            "Great news",
            "All rights reserved",
            "Weather",
        ] {
            assert!(!t.iter().any(|x| x.contains(chrome)), "{chrome}: {t:?}");
        }
        let p = passages(&s, name);
        assert_eq!(
            p[1]["title"],
            "Rare shield lichen found twice on the moor — The Moorland Courier"
        );
        assert_eq!(
            p.iter()
                .find(|v| v["text"].as_str().unwrap().starts_with("The lichen needs shade"))
                .unwrap()["section"],
            "Rare shield lichen found twice on the moor › Where it grows"
        );
    }
}

#[test]
fn word_files_give_headings_notes_tables_and_pages() {
    for (name, fixture_name) in [("atlas.docx", "atlas.docx"), ("atlas.odt", "atlas.odt")] {
        let s = with(&[(name, fixture_name)]);
        let p = passages(&s, name);
        let t = text_of(&p);
        let at = |start: &str| {
            p.iter()
                .find(|v| v["text"].as_str().unwrap().starts_with(start))
                .unwrap_or_else(|| panic!("{start}: {t:?}"))
        };
        assert_eq!(at("The grey crust lichen grows slowly")["section"], "Granite", "{name}");
        assert_eq!(
            at("The grey crust lichen grows slowly")["text"],
            "The grey crust lichen grows slowly on the granite of the northern moor.",
            "{name}"
        );
        assert_eq!(at("Мох на северных склонах")["section"], "Granite › Мхи", "{name}");
        assert_eq!(at("Measured over ten years")["kind"], "note", "{name}");
        assert_eq!(at("Moss fast")["kind"], "body", "{name}: a table row");
        assert!(!t.iter().any(|x| x.contains("Deleted words")), "{name}: {t:?}");
        // The page break starts page 2.
        assert_eq!(at("The grey crust lichen grows slowly")["page"], 1, "{name}");
        assert_eq!(at("Мох на северных склонах")["page"], 2, "{name}");
    }
}

#[test]
fn markdown_is_read_as_commonmark_with_true_lines() {
    let s = with(&[("lecture.md", "lecture.md")]);
    let p = passages(&s, "lecture.md");
    let t = text_of(&p);
    assert!(t.contains(&"Лишайник растёт на граните медленно, по миллиметру в год."), "{t:?}");
    assert!(t.contains(&"серая корка медленно гранит"), "a table row: {t:?}");
    assert!(t.contains(&"Никто не смотрел на этот камень внимательно."), "{t:?}");
    assert!(!t.iter().any(|x| x.contains("**") || x.contains("](") || x.starts_with('#')), "{t:?}");
    let row = p.iter().find(|v| v["text"] == "серая корка медленно гранит").unwrap();
    assert_eq!((row["line_start"].as_u64(), row["section"].as_str()), (Some(13), Some("Виды")));
    assert_eq!(row["title"], "Лекция 5. Лишайники болот");
    // The locator is the file's own: the words stand on that line.
    let line =
        String::from_utf8(fixture("lecture.md")).unwrap().lines().nth(12).unwrap().to_string();
    assert!(line.contains("серая корка"), "{line}");
}

#[test]
fn nothing_is_skipped_silently() {
    let s = Sandbox::new();
    s.write("photo.png", b"\x89PNG\r\n\x1a\n");
    s.write("README", "Notes about the moor, with no extension.\n");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, "Compressed notes about ferns.\n".as_bytes()).unwrap();
    s.write("ferns.txt.gz", gz.finish().unwrap());
    s.write("library.bib", "@book{x, title = {Not a document}}\n");
    let out = s.run(&["index"]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("photo.png: not a format quelle reads (.png;"), "{err}");
    assert!(err.contains("1 file skipped"), "{err}");
    assert!(!err.contains("library.bib"), "settings are no documents: {err}");
    assert_eq!(texts(&s.search_json("ferns", &[])), ["Compressed notes about ferns."]);
    assert_eq!(
        texts(&s.search_json("extension", &[])),
        ["Notes about the moor, with no extension."]
    );
}

#[test]
fn a_folder_of_images_is_one_line_of_warning() {
    let s = Sandbox::new();
    s.write("heron.txt", "The heron waits in the reeds at dawn.\n");
    for name in ["wing", "beak", "nest", "reed"] {
        s.write(&format!("pictures/{name}.png"), b"\x89PNG\r\n\x1a\n");
    }
    s.write("style.css", "p { margin: 0 }\n");
    // Said on the run that skips them and on every run after.
    for _ in 0..2 {
        let out = s.run(&["index"]);
        let err = String::from_utf8_lossy(&out.stderr);
        let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning:")).collect();
        assert_eq!(warnings.len(), 2, "{err}");
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("pictures/beak.png and 3 more .png files: not a format")),
            "{err}"
        );
        assert!(warnings.iter().any(|w| w.contains("style.css: not a format")), "{err}");
        assert!(err.contains("5 files skipped"), "{err}");
    }
    assert_eq!(texts(&s.search_json("heron", &[])), ["The heron waits in the reeds at dawn."]);
}

/// Text with whitespace of any kind as one space.
fn spaced(text: &str) -> String {
    text.split(|c: char| c.is_whitespace()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

#[test]
fn a_saved_page_is_cited_by_the_lines_and_bytes_of_its_file() {
    // A paragraph wrapped over three lines with inline tags and references, a second one
    // on the line where the first ends, list items on that line too, and headings that
    // the page's title and navigation name before them.
    let page = "<!DOCTYPE html>\n<html><head><title>Quarry notes</title>\n\
                <script>var bench = \"Granite benches\";</script></head>\n<body>\n\
                <nav><a href=\"#g\">Granite benches</a></nav>\n<main><h1>Quarry notes</h1>\n\
                <h2 id=\"g\">Granite benches</h2>\n\
                <p>The <em>upper</em> bench was cut in&nbsp;1874 &amp; abandoned\n\
                when the water rose; the masons&#8217; marks\n\
                are still on the <a href=\"x\">lintels</a>.<a class=\"footnote-reference\" \
                href=\"#n1\">[1]</a></p><p>A second paragraph begins on \
                the line where the first ends.</p><ul><li>Chisels</li><li>Wedges &lt;iron&gt;</li></ul>\n\
                <aside class=\"footnote\" role=\"note\" id=\"n1\"><span class=\"label\">[1]</span>\n\
                <p>Counted by the county surveyor.</p></aside>\n\
                </main></body></html>\n";
    let s = Sandbox::new();
    s.write("quarry.html", page);
    let p = passages(&s, "quarry.html");
    let at = |start: &str| {
        p.iter()
            .find(|v| v["text"].as_str().unwrap().starts_with(start))
            .unwrap_or_else(|| panic!("{start}: {:?}", text_of(&p)))
    };
    let lines = |v: &Value| (v["line_start"].as_u64().unwrap(), v["line_end"].as_u64().unwrap());
    assert_eq!(lines(at("Quarry notes")), (6, 6), "the heading, not the title");
    assert_eq!(lines(at("Granite benches")), (7, 7), "the heading, not the navigation");
    assert_eq!(lines(at("The upper bench")), (8, 10));
    assert_eq!(lines(at("A second paragraph")), (10, 10));
    assert_eq!(lines(at("Wedges")), (10, 10));
    // A footnote in an `<aside>` is the author's: a note, on its own lines, not at its
    // mark in the text.
    assert_eq!(at("[1] Counted by")["kind"], "note");
    assert_eq!(lines(at("[1] Counted by")), (11, 12));
    for v in &p {
        assert!(common::locator_is_true(&s.corpus(), v), "{v}");
        let (a, b) = (v["byte_start"].as_u64().unwrap(), v["byte_end"].as_u64().unwrap());
        let bytes = &page.as_bytes()[a as usize..b as usize];
        assert_eq!(
            spaced(&common::visible_text(std::str::from_utf8(bytes).unwrap())),
            spaced(v["text"].as_str().unwrap()),
            "bytes {a}–{b}"
        );
    }
}

#[test]
fn a_page_in_a_legacy_encoding_is_cited_by_its_file_bytes() {
    let page = "<html><head><meta charset=\"windows-1251\"><title>Карьер</title></head>\n\
                <body><article><h1>Старый карьер</h1>\n<p>Верхний уступ вырубили в 1874 году,\n\
                а бросили, когда&nbsp;поднялась вода.</p>\n<p>Клейма каменотёсов видны до сих пор.</p>\n\
                </article></body></html>\n";
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(page);
    let s = Sandbox::new();
    s.write("karier.html", &bytes);
    let p = passages(&s, "karier.html");
    assert_eq!(text_of(&p).len(), 3, "{:?}", text_of(&p));
    for (v, want) in p.iter().zip([(2, 2), (3, 4), (5, 5)]) {
        let lines = (v["line_start"].as_u64().unwrap(), v["line_end"].as_u64().unwrap());
        assert_eq!(lines, want, "{v}");
        let (a, b) = (v["byte_start"].as_u64().unwrap(), v["byte_end"].as_u64().unwrap());
        let (shown, _, _) = encoding_rs::WINDOWS_1251.decode(&bytes[a as usize..b as usize]);
        assert_eq!(
            spaced(&common::visible_text(&shown)),
            spaced(v["text"].as_str().unwrap()),
            "bytes {a}–{b}"
        );
    }
}

#[test]
fn a_page_s_heading_that_is_its_title_heads_every_passage_of_it() {
    // The page's <title> is its <h1>, so the heading is no section of the citation; its
    // words still find the passages it heads, as a section's do.
    let s = Sandbox::new();
    s.write(
        "quern.html",
        "<html><head><title>Quern stones</title></head><body>\
         <h1>Quern stones</h1><p>The upper stone turns on the lower by a wooden handle.</p>\
         <h2>Dressing</h2><p>The grooves are cut again with a pick every spring.</p>\
         </body></html>",
    );
    s.write("mill.txt", "A mill of the valley ground the grain of three villages.\n");
    let v = s.search_json("quern turns", &[]);
    let hits = v["hits"].as_array().unwrap();
    let whole: Vec<&Value> = hits.iter().filter(|h| h["partial"] == false).collect();
    assert_eq!(whole.len(), 1, "{v}");
    assert!(whole[0]["text"].as_str().unwrap().starts_with("The upper stone"), "{v}");
    assert_eq!(hits[0]["section"], "", "{v}");
    let v = s.search_json("quern pick", &[]);
    assert_eq!(v["hits"][0]["section"], "Dressing", "{v}");
    // So does the first line of a note, which names it.
    s.write("whorl.md", "# Spindle whorls\n\nA weight of fired clay keeps the spindle turning.\n");
    let v = s.search_json("whorls clay", &[]);
    assert_eq!(v["hits"][0]["doc"], "whorl.md", "{v}");
    assert_eq!(v["hits"][0]["partial"], false, "{v}");
}
