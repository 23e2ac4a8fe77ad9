//! Word processor files: DOCX (Office Open XML) and ODT (OpenDocument). Paragraphs in
//! order; paragraphs in a heading style (`Heading 1`, an outline level) are headings;
//! list items, table rows and footnotes (and endnotes) are passages of their own, the
//! notes as `note` passages after the text. Explicit page breaks, and the page breaks
//! Word records as it last laid the document out, make pages where the file has them.
//! Deleted text (tracked changes), comments and field codes are not the text.

use std::collections::HashMap;
use std::io::Read as _;

use quick_xml::events::{BytesStart, Event};

use super::{collapse, Builder, Read};
use crate::ingest::Hint;

/// Bytes one file of the archive may unpack to.
const MAX_ENTRY_BYTES: u64 = 256 << 20;

type Zip<'a> = zip::ZipArchive<std::io::Cursor<&'a [u8]>>;

fn open<'a>(bytes: &'a [u8], what: &str) -> Result<Zip<'a>, String> {
    zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("a damaged {what} file (not a readable zip archive: {e})"))
}

fn entry(zip: &mut Zip, name: &str) -> Option<Vec<u8>> {
    let mut f = zip.by_name(name).ok()?;
    if f.size() > MAX_ENTRY_BYTES {
        return None;
    }
    let mut out = Vec::with_capacity(f.size() as usize);
    (&mut f).take(MAX_ENTRY_BYTES).read_to_end(&mut out).ok()?;
    Some(out)
}

fn attr(e: &BytesStart, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

/// The `dc:title` of a metadata part (`docProps/core.xml`, `meta.xml`).
fn title_of(xml: Option<Vec<u8>>) -> Option<String> {
    let xml = xml?;
    let mut reader = quick_xml::Reader::from_reader(&xml[..]);
    let mut buf = Vec::new();
    let mut inside = false;
    let mut title = String::new();
    loop {
        let event = reader.read_event_into(&mut buf);
        match &event {
            Ok(Event::Start(e)) if e.local_name().as_ref() == b"title" => inside = true,
            Ok(ev @ (Event::Text(_) | Event::GeneralRef(_))) if inside => {
                title.push_str(&super::xml_text(ev).unwrap_or_default());
            }
            Ok(Event::End(_)) if inside => {
                let t = collapse(&title);
                return (!t.is_empty()).then_some(t);
            }
            Ok(Event::Eof) | Err(_) => return None,
            _ => {}
        }
        buf.clear();
    }
}

/// A paragraph being read.
#[derive(Default)]
struct Para {
    text: String,
    hint: Option<Hint>,
}

/// Word's styles: style id → heading depth, for styles named `heading N`, `Title`, or
/// with an outline level.
fn docx_styles(xml: Option<Vec<u8>>) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    let Some(xml) = xml else { return out };
    let mut reader = quick_xml::Reader::from_reader(&xml[..]);
    let mut buf = Vec::new();
    let mut current: Option<String> = None;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                b"style" => current = attr(&e, b"styleId"),
                b"name" => {
                    if let (Some(id), Some(name)) = (&current, attr(&e, b"val")) {
                        let name = name.to_lowercase();
                        let depth = if name == "title" {
                            Some(1)
                        } else {
                            name.strip_prefix("heading ")
                                .and_then(|n| n.trim().parse::<usize>().ok())
                        };
                        if let Some(d) = depth {
                            out.insert(id.clone(), d);
                        }
                    }
                }
                b"outlineLvl" => {
                    if let (Some(id), Some(level)) =
                        (&current, attr(&e, b"val").and_then(|v| v.parse::<usize>().ok()))
                    {
                        out.entry(id.clone()).or_insert(level + 1);
                    }
                }
                _ => {}
            },
            Ok(Event::End(e)) if e.local_name().as_ref() == b"style" => current = None,
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    out
}

/// The paragraphs of a WordprocessingML part (the document, or the notes), with page
/// breaks between them; for notes, each note's paragraphs by its id.
fn docx_paragraphs(
    xml: &[u8],
    styles: &HashMap<String, usize>,
    builder: &mut Builder,
    notes: Option<&mut Vec<(String, String)>>,
) -> bool {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut para: Option<Para> = None;
    let mut row: Option<String> = None;
    let (mut in_text, mut deleted, mut in_field_code) = (false, 0usize, false);
    let mut note_id: Option<String> = None;
    let mut note_text = String::new();
    let mut collected: Vec<(String, String)> = Vec::new();
    let collecting = notes.is_some();
    let mut page = 1u32;
    let mut broke = false;
    let mut any_break = false;
    let mut pending_break = false;
    loop {
        let event = reader.read_event_into(&mut buf);
        match event {
            Ok(Event::Start(ref e)) | Ok(Event::Empty(ref e)) => {
                let empty = matches!(event, Ok(Event::Empty(_)));
                match e.local_name().as_ref() {
                    b"footnote" | b"endnote" if collecting => {
                        let kind = attr(e, b"type").unwrap_or_default();
                        note_id =
                            (kind.is_empty() || kind == "normal").then(|| attr(e, b"id")).flatten();
                        note_text.clear();
                    }
                    b"p" => para = Some(Para::default()),
                    b"tr" => row = Some(String::new()),
                    b"pStyle" => {
                        if let (Some(p), Some(style)) = (para.as_mut(), attr(e, b"val")) {
                            if let Some(&d) = styles.get(&style) {
                                p.hint = Some(Hint::Heading(d));
                            } else if style.to_lowercase().starts_with("heading") {
                                let d = style
                                    .trim_start_matches(|c: char| !c.is_ascii_digit())
                                    .parse()
                                    .unwrap_or(1);
                                p.hint = Some(Hint::Heading(d));
                            }
                        }
                    }
                    b"outlineLvl" => {
                        if let (Some(p), Some(l)) =
                            (para.as_mut(), attr(e, b"val").and_then(|v| v.parse::<usize>().ok()))
                        {
                            if l < 9 {
                                p.hint.get_or_insert(Hint::Heading(l + 1));
                            }
                        }
                    }
                    b"numPr" => {
                        if let Some(p) = para.as_mut() {
                            p.hint.get_or_insert(Hint::Item);
                        }
                    }
                    b"t" if !empty => in_text = deleted == 0,
                    b"del" | b"moveFrom" if !empty => deleted += 1,
                    b"instrText" if !empty => in_field_code = true,
                    b"tab" | b"cr" => {
                        if let Some(p) = para.as_mut() {
                            p.text.push(' ');
                        }
                    }
                    b"br" => {
                        if attr(e, b"type").as_deref() == Some("page") {
                            pending_break = true;
                        } else if let Some(p) = para.as_mut() {
                            p.text.push(' ');
                        }
                    }
                    b"lastRenderedPageBreak" => pending_break = true,
                    _ => {}
                }
            }
            Ok(ref ev @ (Event::Text(_) | Event::GeneralRef(_))) if in_text && !in_field_code => {
                if let (Some(p), Some(t)) = (para.as_mut(), super::xml_text(ev)) {
                    p.text.push_str(&t);
                }
            }
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                b"t" => in_text = false,
                b"del" | b"moveFrom" => deleted = deleted.saturating_sub(1),
                b"instrText" => in_field_code = false,
                b"p" => {
                    let Some(p) = para.take() else { continue };
                    let text = collapse(&p.text);
                    if text.is_empty() {
                        continue;
                    }
                    if note_id.is_some() {
                        if !note_text.is_empty() {
                            note_text.push(' ');
                        }
                        note_text.push_str(&text);
                    } else if let Some(r) = row.as_mut() {
                        if !r.is_empty() {
                            r.push(' ');
                        }
                        r.push_str(&text);
                    } else {
                        if pending_break && !builder.is_empty() {
                            page += 1;
                            builder.page(page, None);
                            any_break = true;
                        } else if !broke {
                            builder.page(1, None);
                        }
                        broke = true;
                        pending_break = false;
                        builder.block(&text, p.hint.unwrap_or(Hint::Paragraph));
                    }
                }
                b"tr" => {
                    if let Some(r) = row.take() {
                        builder.block(&r, Hint::Row);
                    }
                }
                b"footnote" | b"endnote" => {
                    if let Some(id) = note_id.take() {
                        collected.push((id, std::mem::take(&mut note_text)));
                    }
                }
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    if let Some(n) = notes {
        n.extend(collected);
    }
    any_break
}

/// Reads a DOCX file.
pub fn read_docx(rel: &str, bytes: &[u8]) -> Result<Read, String> {
    let mut zip = open(bytes, "DOCX")?;
    let document =
        entry(&mut zip, "word/document.xml").ok_or("a damaged DOCX file (no word/document.xml)")?;
    let styles = docx_styles(entry(&mut zip, "word/styles.xml"));
    let mut builder = Builder::default();
    let paged = docx_paragraphs(&document, &styles, &mut builder, None);
    let mut notes = Vec::new();
    for part in ["word/footnotes.xml", "word/endnotes.xml"] {
        if let Some(xml) = entry(&mut zip, part) {
            let mut scratch = Builder::default();
            docx_paragraphs(&xml, &styles, &mut scratch, Some(&mut notes));
        }
    }
    let title = title_of(entry(&mut zip, "docProps/core.xml"));
    into_read(builder, notes.into_iter().map(|(_, text)| text), rel, "DOCX", title, paged)
}

/// The document of either reader: its notes after the body, as `note` passages; pages
/// only where the file had explicit page breaks.
fn into_read(
    mut builder: Builder,
    notes: impl IntoIterator<Item = String>,
    rel: &str,
    format: &'static str,
    title: Option<String>,
    paged: bool,
) -> Result<Read, String> {
    for text in notes {
        builder.block(&text, Hint::Note);
    }
    if builder.is_empty() {
        return Err("no text to index".into());
    }
    let mut doc = builder.finish(rel, format, title);
    if !paged {
        doc.pages.clear();
    }
    Ok(Read { doc, notes: Vec::new() })
}

/// Reads an ODT file.
pub fn read_odt(rel: &str, bytes: &[u8]) -> Result<Read, String> {
    let mut zip = open(bytes, "ODT")?;
    let content = entry(&mut zip, "content.xml").ok_or("a damaged ODT file (no content.xml)")?;
    let mut builder = Builder::default();
    let mut notes: Vec<String> = Vec::new();
    let mut reader = quick_xml::Reader::from_reader(&content[..]);
    let mut buf = Vec::new();
    // Open paragraphs (a note's paragraphs sit inside a paragraph): text and hint each.
    let mut stack: Vec<Para> = Vec::new();
    let mut in_body = false;
    let (mut items, mut note, mut citation, mut skip) = (0usize, 0usize, 0usize, 0usize);
    let mut row: Option<String> = None;
    let mut note_text = String::new();
    let mut page = 1u32;
    let mut started = false;
    let mut pending_break = false;
    let mut any_break = false;
    loop {
        let event = reader.read_event_into(&mut buf);
        match event {
            Ok(Event::Start(ref e)) | Ok(Event::Empty(ref e)) => {
                let empty = matches!(event, Ok(Event::Empty(_)));
                match e.local_name().as_ref() {
                    b"text" if e.name().as_ref() == b"office:text" => in_body = true,
                    b"h" if !empty => {
                        let depth =
                            attr(e, b"outline-level").and_then(|l| l.parse().ok()).unwrap_or(1);
                        stack.push(Para { text: String::new(), hint: Some(Hint::Heading(depth)) });
                    }
                    b"p" if !empty => {
                        let hint = if note > 0 {
                            Hint::Note
                        } else if items > 0 {
                            Hint::Item
                        } else {
                            Hint::Paragraph
                        };
                        stack.push(Para { text: String::new(), hint: Some(hint) });
                    }
                    b"list-item" if !empty => items += 1,
                    b"note" if !empty => note += 1,
                    b"note-citation" if !empty => citation += 1,
                    b"annotation" | b"tracked-changes" if !empty => skip += 1,
                    b"table-row" if !empty => row = Some(String::new()),
                    b"s" => {
                        let n: usize = attr(e, b"c").and_then(|c| c.parse().ok()).unwrap_or(1);
                        if let Some(p) = stack.last_mut() {
                            p.text.push_str(&" ".repeat(n.min(64)));
                        }
                    }
                    b"tab" | b"line-break" => {
                        if let Some(p) = stack.last_mut() {
                            p.text.push(' ');
                        }
                    }
                    b"soft-page-break" => pending_break = true,
                    _ => {}
                }
            }
            Ok(ref ev @ (Event::Text(_) | Event::GeneralRef(_)))
                if in_body && citation == 0 && skip == 0 =>
            {
                if let (Some(p), Some(t)) = (stack.last_mut(), super::xml_text(ev)) {
                    p.text.push_str(&t);
                }
            }
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                b"h" | b"p" => {
                    let Some(p) = stack.pop() else { continue };
                    let text = collapse(&p.text);
                    if text.is_empty() || skip > 0 {
                        continue;
                    }
                    let hint = p.hint.unwrap_or(Hint::Paragraph);
                    if hint == Hint::Note {
                        if !note_text.is_empty() {
                            note_text.push(' ');
                        }
                        note_text.push_str(&text);
                    } else if let Some(r) = row.as_mut() {
                        if !r.is_empty() {
                            r.push(' ');
                        }
                        r.push_str(&text);
                    } else {
                        if pending_break && started {
                            page += 1;
                            builder.page(page, None);
                            any_break = true;
                        } else if !started {
                            builder.page(1, None);
                        }
                        started = true;
                        pending_break = false;
                        builder.block(&text, hint);
                    }
                }
                b"list-item" => items = items.saturating_sub(1),
                b"note" => {
                    note = note.saturating_sub(1);
                    if note == 0 && !note_text.is_empty() {
                        notes.push(std::mem::take(&mut note_text));
                    }
                }
                b"note-citation" => citation = citation.saturating_sub(1),
                b"annotation" | b"tracked-changes" => skip = skip.saturating_sub(1),
                b"table-row" => {
                    if let Some(r) = row.take() {
                        builder.block(&r, Hint::Row);
                    }
                }
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    let title = title_of(entry(&mut zip, "meta.xml"));
    into_read(builder, notes, rel, "ODT", title, any_break)
}
