//! Writes the document-format fixtures of `tests/data/formats/` (committed; run again to
//! remake them): `cargo run --example make_fixtures -- tests/data/formats`.
//!
//! - `atlas-columns.pdf`: three pages labelled `i`, `1`, `2` (roman front matter, then
//!   arabic), two columns of English and Russian text (the Russian through a font with a
//!   ToUnicode map), a running head and a page number on each page, a paragraph that
//!   crosses the page break and a word hyphenated at a line end.
//! - `scanned.pdf`: a page of text, then a page that is only an image (a scan).
//! - `encrypted.pdf`: a page encrypted with a user password.
//! - `atlas.epub`: two chapters (EPUB 3) with a page list naming pages `iv`, `5`, `6`.
//! - `atlas.docx`, `atlas.odt`: a title, headings, a list, a table, a footnote and a page
//!   break.
//!
//! The words are of neither development corpus (lichens, mosses, a moor).
//!
//! `cargo run --release --example make_fixtures -- pages DIR FILES PAGES` writes FILES PDFs
//! of PAGES two-column pages each instead, for `scripts/bench_pdf.sh`.

use std::io::Write;

use lopdf::{dictionary, Document, Object, Stream, StringFormat};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("pages") {
        let (dir, files, pages) = (&args[2], args[3].parse().unwrap(), args[4].parse().unwrap());
        std::fs::create_dir_all(dir).unwrap();
        for f in 0..files {
            let path = std::path::Path::new(dir).join(format!("atlas-{f:03}.pdf"));
            std::fs::write(path, many_pages(pages, f)).unwrap();
        }
        return;
    }
    let dir = args.get(1).cloned().unwrap_or_else(|| "tests/data/formats".into());
    std::fs::create_dir_all(&dir).unwrap();
    let path = |name: &str| std::path::Path::new(&dir).join(name);
    std::fs::write(path("atlas-columns.pdf"), columns_pdf()).unwrap();
    std::fs::write(path("scanned.pdf"), scanned_pdf()).unwrap();
    std::fs::write(path("encrypted.pdf"), encrypted_pdf()).unwrap();
    std::fs::write(path("atlas.epub"), epub()).unwrap();
    std::fs::write(path("atlas.docx"), docx()).unwrap();
    std::fs::write(path("atlas.odt"), odt()).unwrap();
}

/// A PDF string of Latin-1 text.
fn latin(text: &str) -> Object {
    Object::String(text.chars().map(|c| c as u8).collect(), StringFormat::Literal)
}

/// A PDF string of Russian text in the one-byte code of the `F2` font (windows-1251).
fn cyrillic(text: &str) -> Object {
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(text);
    Object::String(bytes.into_owned(), StringFormat::Hexadecimal)
}

/// A ToUnicode map giving windows-1251 codes 0xC0–0xFF their Cyrillic letters, and ASCII.
fn to_unicode() -> Vec<u8> {
    let mut ranges = String::new();
    ranges.push_str("<20> <7E> <0020>\n");
    ranges.push_str("<C0> <FF> <0410>\n");
    format!(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CMapName /Cyr def\n\
         1 begincodespacerange\n<00> <FF>\nendcodespacerange\n2 beginbfrange\n{ranges}endbfrange\n\
         2 beginbfchar\n<A8> <0401>\n<B8> <0451>\nendbfchar\n\
         endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    )
    .into_bytes()
}

/// Lines of text drawn from `(x, y)` downwards, 12 points apart, in font `font`.
fn text_lines(font: &str, size: f64, x: f64, y: f64, lines: &[Object]) -> String {
    let mut out = format!("BT /{font} {size} Tf {x} {y} Td 12 TL\n");
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            out.push_str("T*\n");
        }
        let s = match l {
            Object::String(b, StringFormat::Hexadecimal) => {
                format!("<{}>", b.iter().map(|x| format!("{x:02X}")).collect::<String>())
            }
            Object::String(b, _) => {
                format!("({})", String::from_utf8_lossy(b).replace('(', "\\(").replace(')', "\\)"))
            }
            _ => String::new(),
        };
        out.push_str(&format!("{s} Tj\n"));
    }
    out.push_str("ET\n");
    out
}

/// A document of pages given as content streams, with fonts F1 (Helvetica) and F2
/// (Cyrillic through ToUnicode), and extra resources per page.
fn pdf(pages: Vec<(String, Option<lopdf::Dictionary>)>, labels: Option<Object>) -> Document {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let f1 = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    let cmap = doc.add_object(Stream::new(dictionary! {}, to_unicode()));
    // Widths, so that every reader places the letters apart (the base font's own metrics
    // name no Cyrillic glyphs).
    let widths: Vec<Object> = (32..=255).map(|_| Object::Integer(556)).collect();
    let f2 = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "ToUnicode" => cmap,
        "FirstChar" => 32, "LastChar" => 255, "Widths" => widths,
    });
    let mut kids = Vec::new();
    for (content, extra) in pages {
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.into_bytes()));
        let mut resources = dictionary! { "Font" => dictionary! { "F1" => f1, "F2" => f2 } };
        if let Some(extra) = extra {
            for (k, v) in extra.iter() {
                resources.set(k.clone(), v.clone());
            }
        }
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
            "Resources" => resources,
        });
        kids.push(Object::Reference(page));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let mut catalog = dictionary! { "Type" => "Catalog", "Pages" => pages_id };
    if let Some(l) = labels {
        catalog.set("PageLabels", l);
    }
    let catalog_id = doc.add_object(catalog);
    doc.trailer.set("Root", catalog_id);
    let info = doc.add_object(dictionary! { "Title" => latin("The Lichen Atlas of Thornwick") });
    doc.trailer.set("Info", info);
    doc
}

fn save(mut doc: Document) -> Vec<u8> {
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

fn columns_pdf() -> Vec<u8> {
    let head = |page: &str| {
        text_lines(
            "F1",
            8.0,
            72.0,
            760.0,
            &[latin(&format!("The Lichen Atlas of Thornwick {page}"))],
        )
    };
    let foot = |n: &str| text_lines("F1", 8.0, 300.0, 40.0, &[latin(n)]);
    let title = format!(
        "{}{}",
        text_lines("F1", 20.0, 150.0, 600.0, &[latin("The Lichen Atlas of Thornwick")]),
        text_lines(
            "F1",
            10.0,
            150.0,
            560.0,
            &[latin("A survey of the northern moor, with plates.")]
        )
    );
    let left1 = [
        "The grey crust lichen grows slowly on",
        "the granite of the northern moor, a milli-",
        "metre a year at most, and only where",
        "the wind leaves it some damp.",
        "",
        "The survey counted forty kinds on the",
        "bare granite and twelve on the bark of",
        "the birches below the alder wood.",
    ];
    let right1 = [
        "Лишайник растёт на граните медленно,",
        "по миллиметру в год, и только там, где",
        "ветер оставляет ему немного влаги.",
        "",
        "Мох на северных склонах растёт",
        "быстрее всех и покрывает камни",
        "за несколько лет.",
        "Spores travel far in the damp autumn",
    ];
    let left2 = [
        "wind, and the moor is green again by",
        "the next spring, the survey found.",
        "",
        "Alder shade keeps the hollows wet all",
        "summer long, where the rarest of the",
        "lichens, a pale shield, was found twice.",
        "",
        "The shield lichen was drawn in plate four.",
    ];
    let right2 = [
        "Редкий щитовидный лишайник нашли",
        "дважды, в сырых лощинах под ольхой.",
        "",
        "Его зарисовали на четвёртой таблице.",
        "",
        "Березняк у ручья укрывает мхи от",
        "ветра, и они растут там плотнее,",
        "чем на открытых склонах.",
    ];
    let lines = |ls: &[&str], cyr: bool| -> Vec<Object> {
        ls.iter().map(|l| if cyr { cyrillic(l) } else { latin(l) }).collect()
    };
    // Blank lines of the lists are paragraph gaps: drawn as an empty line.
    let page = |l: &[&str], r: &[&str], rcyr: bool, n: &str| {
        let left = text_lines("F1", 10.0, 72.0, 700.0, &lines(l, false));
        let right_font = if rcyr { "F2" } else { "F1" };
        let mut right = String::new();
        // A column may switch language: Russian lines in F2, others in F1.
        let mut y = 700.0;
        for line in r {
            let cyr = rcyr && line.chars().any(|c| ('А'..='я').contains(&c) || c == 'ё');
            let font = if cyr { right_font } else { "F1" };
            let o = if cyr { cyrillic(line) } else { latin(line) };
            right.push_str(&text_lines(font, 10.0, 330.0, y, &[o]));
            y -= 12.0;
        }
        format!("{}{left}{right}{}", head(n), foot(n))
    };
    let labels = Object::Dictionary(dictionary! {
        "Nums" => vec![
            0.into(), Object::Dictionary(dictionary! { "S" => "r" }),
            1.into(), Object::Dictionary(dictionary! { "S" => "D" }),
        ],
    });
    let doc = pdf(
        vec![
            (title, None),
            (page(&left1, &right1, true, "1"), None),
            (page(&left2, &right2, true, "2"), None),
        ],
        Some(labels),
    );
    save(doc)
}

/// A PDF of `pages` pages of two columns of 50 lines, words varying by page and file.
fn many_pages(pages: usize, file: usize) -> Vec<u8> {
    const WORDS: [&str; 16] = [
        "lichen", "moss", "granite", "alder", "birch", "spore", "hollow", "moor", "crust",
        "shield", "damp", "north", "slope", "stone", "survey", "wind",
    ];
    let line = |p: usize, k: usize| -> String {
        (0..7).map(|w| WORDS[(p * 31 + k * 7 + w * 3 + file) % 16]).collect::<Vec<_>>().join(" ")
    };
    let content: Vec<(String, Option<lopdf::Dictionary>)> = (0..pages)
        .map(|p| {
            let left: Vec<Object> = (0..50).map(|k| latin(&line(p, k))).collect();
            let right: Vec<Object> = (50..100).map(|k| latin(&line(p, k))).collect();
            let head = text_lines(
                "F1",
                8.0,
                72.0,
                760.0,
                &[latin(&format!("The Lichen Atlas {}", p + 1))],
            );
            (
                format!(
                    "{head}{}{}",
                    text_lines("F1", 10.0, 72.0, 700.0, &left),
                    text_lines("F1", 10.0, 330.0, 700.0, &right)
                ),
                None,
            )
        })
        .collect();
    save(pdf(content, None))
}

fn scanned_pdf() -> Vec<u8> {
    let text = text_lines(
        "F1",
        10.0,
        72.0,
        700.0,
        &[latin("The first page has a text layer: moss on granite.")],
    );
    let image = Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Image", "Width" => 8, "Height" => 8,
            "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
        },
        (0..64u8).map(|i| i * 4).collect(),
    );
    let mut doc =
        pdf(vec![(text, None), ("q 400 0 0 500 100 150 cm /Im1 Do Q\n".into(), None)], None);
    let image_id = doc.add_object(image);
    // The second page draws the image.
    let pages = doc.get_pages();
    let second = pages[&2];
    if let Ok(Object::Dictionary(page)) = doc.get_object_mut(second) {
        if let Ok(Object::Dictionary(res)) = page.get_mut(b"Resources") {
            res.set("XObject", dictionary! { "Im1" => image_id });
        }
    }
    save(doc)
}

fn encrypted_pdf() -> Vec<u8> {
    let text =
        text_lines("F1", 10.0, 72.0, 700.0, &[latin("A secret page about the shield lichen.")]);
    let mut doc = pdf(vec![(text, None)], None);
    doc.trailer.set("ID", vec![latin("0123456789abcdef"), latin("0123456789abcdef")]);
    let state = lopdf::EncryptionState::try_from(lopdf::EncryptionVersion::V2 {
        document: &doc,
        owner_password: "owner",
        user_password: "secret",
        key_length: 128,
        permissions: lopdf::Permissions::all(),
    })
    .unwrap();
    doc.encrypt(&state).unwrap();
    save(doc)
}

/// A zip archive of `(name, content)`, the first one stored (EPUB's `mimetype`).
fn zip(files: &[(&str, String)]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut out);
        for (i, (name, content)) in files.iter().enumerate() {
            let method = if i == 0 {
                zip::CompressionMethod::Stored
            } else {
                zip::CompressionMethod::Deflated
            };
            let opts = zip::write::SimpleFileOptions::default().compression_method(method);
            z.start_file(*name, opts).unwrap();
            z.write_all(content.as_bytes()).unwrap();
        }
        z.finish().unwrap();
    }
    out.into_inner()
}

fn epub() -> Vec<u8> {
    let chapter = |title: &str, body: &str| {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" \
             xmlns:epub=\"http://www.idpf.org/2007/ops\"><head><title>{title}</title></head><body>{body}</body></html>"
        )
    };
    let ch1 = chapter(
        "Granite",
        "<span epub:type=\"pagebreak\" id=\"p-iv\" title=\"iv\"/><h1>1. Granite</h1>\
         <p>The grey crust lichen grows slowly on the granite of the northern moor.</p>\
         <span epub:type=\"pagebreak\" id=\"p5\" title=\"5\"/>\
         <p>Лишайник растёт на граните медленно, по миллиметру в год.</p>",
    );
    let ch2 = chapter(
        "Moss",
        "<h1>2. Moss</h1><h2>2.1. The hollows</h2>\
         <p>Moss in the damp hollows grows faster than anywhere else on the moor.</p>\
         <span epub:type=\"pagebreak\" id=\"p6\" title=\"6\"/>\
         <ul><li>The birch wood</li><li>The alder wood</li></ul>",
    );
    let nav = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" \
        xmlns:epub=\"http://www.idpf.org/2007/ops\"><head><title>Contents</title></head><body>\
        <nav epub:type=\"toc\"><ol><li><a href=\"text/ch1.xhtml\">Granite</a></li><li><a href=\"text/ch2.xhtml\">Moss</a></li></ol></nav>\
        <nav epub:type=\"page-list\"><ol><li><a href=\"text/ch1.xhtml#p-iv\">iv</a></li>\
        <li><a href=\"text/ch1.xhtml#p5\">5</a></li><li><a href=\"text/ch2.xhtml#p6\">6</a></li></ol></nav></body></html>"
        .to_string();
    let opf = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" unique-identifier=\"id\">\
        <metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:identifier id=\"id\">urn:quelle:atlas</dc:identifier>\
        <dc:title>The Lichen Atlas &amp; its Mosses</dc:title><dc:language>en</dc:language></metadata>\
        <manifest><item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>\
        <item id=\"ch1\" href=\"text/ch1.xhtml\" media-type=\"application/xhtml+xml\"/>\
        <item id=\"ch2\" href=\"text/ch2.xhtml\" media-type=\"application/xhtml+xml\"/></manifest>\
        <spine><itemref idref=\"ch1\"/><itemref idref=\"ch2\"/></spine></package>"
        .to_string();
    zip(&[
        ("mimetype", "application/epub+zip".into()),
        ("META-INF/container.xml", "<?xml version=\"1.0\"?><container version=\"1.0\" xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\"><rootfiles><rootfile full-path=\"OEBPS/content.opf\" media-type=\"application/oebps-package+xml\"/></rootfiles></container>".into()),
        ("OEBPS/content.opf", opf),
        ("OEBPS/nav.xhtml", nav),
        ("OEBPS/text/ch1.xhtml", ch1),
        ("OEBPS/text/ch2.xhtml", ch2),
    ])
}

fn docx() -> Vec<u8> {
    let p = |style: &str, text: &str| {
        let ppr = if style.is_empty() {
            String::new()
        } else {
            format!("<w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>")
        };
        format!("<w:p>{ppr}<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
    };
    let body = [
        p("Title", "The Lichen Atlas"),
        p("Heading1", "Granite"),
        "<w:p><w:r><w:t xml:space=\"preserve\">The grey crust lichen grows slowly on the granite</w:t></w:r>\
         <w:r><w:footnoteReference w:id=\"2\"/></w:r><w:r><w:t xml:space=\"preserve\"> of the northern moor.</w:t></w:r>\
         <w:del><w:r><w:delText>Deleted words never count.</w:delText></w:r></w:del></w:p>"
            .to_string(),
        "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr><w:r><w:t>The birch wood by the stream</w:t></w:r></w:p>".to_string(),
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Moss</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>fast</w:t></w:r></w:p></w:tc></w:tr></w:tbl>".to_string(),
        "<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>".to_string(),
        p("Heading2", "Мхи"),
        p("", "Мох на северных склонах растёт быстрее всех."),
    ]
    .concat();
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let styles = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
        <w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/></w:style>\
        <w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/></w:style>\
        <w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:name w:val=\"heading 2\"/></w:style></w:styles>"
        .to_string();
    let footnotes = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<w:footnotes xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
        <w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>\
        <w:footnote w:id=\"2\"><w:p><w:r><w:t>Measured over ten years on the same stones.</w:t></w:r></w:p></w:footnote></w:footnotes>"
        .to_string();
    let core = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>The Lichen Atlas (Word edition)</dc:title></cp:coreProperties>".to_string();
    zip(&[
        ("[Content_Types].xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>".into()),
        ("word/document.xml", document),
        ("word/styles.xml", styles),
        ("word/footnotes.xml", footnotes),
        ("docProps/core.xml", core),
    ])
}

fn odt() -> Vec<u8> {
    let content = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-content \
        xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
        xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" \
        xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\"><office:body><office:text>\
        <text:h text:outline-level=\"1\">Granite</text:h>\
        <text:p>The grey crust lichen grows slowly<text:note text:note-class=\"footnote\"><text:note-citation>1</text:note-citation>\
        <text:note-body><text:p>Measured over ten years.</text:p></text:note-body></text:note> on the granite of the northern moor.</text:p>\
        <text:list><text:list-item><text:p>The birch wood by the stream</text:p></text:list-item></text:list>\
        <table:table><table:table-row><table:table-cell><text:p>Moss</text:p></table:table-cell><table:table-cell><text:p>fast</text:p></table:table-cell></table:table-row></table:table>\
        <text:soft-page-break/>\
        <text:h text:outline-level=\"2\">Мхи</text:h>\
        <text:p>Мох на северных<text:s/>склонах растёт быстрее всех.</text:p>\
        </office:text></office:body></office:document-content>"
        .to_string();
    let meta = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-meta xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><office:meta><dc:title>The Lichen Atlas (ODT edition)</dc:title></office:meta></office:document-meta>".to_string();
    zip(&[
        ("mimetype", "application/vnd.oasis.opendocument.text".into()),
        ("content.xml", content),
        ("meta.xml", meta),
    ])
}
