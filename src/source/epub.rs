//! EPUB: the chapters of the book in spine order, each read as HTML, whole (a book has no
//! navigation to leave out); its headings are the sections. Where the publisher gives a
//! page list (EPUB 3 `page-list` navigation, or the NCX `pageList` of EPUB 2), its pages
//! are the book's pages, with their labels, as a printed edition numbers them; else the
//! chapter's `pagebreak` marks, if any.

use std::collections::HashMap;
use std::io::Read as _;

use quick_xml::events::Event;

use super::html::{self, Pages};
use super::{Builder, Read};
use crate::ingest::Hint;

/// Bytes one file of the archive may unpack to (a compressed bomb stops here).
const MAX_ENTRY_BYTES: u64 = 256 << 20;

/// The archive's files, read by name.
struct Archive<'a> {
    zip: zip::ZipArchive<std::io::Cursor<&'a [u8]>>,
}

impl Archive<'_> {
    fn file(&mut self, name: &str) -> Option<Vec<u8>> {
        let mut f = self.zip.by_name(name).ok()?;
        if f.size() > MAX_ENTRY_BYTES {
            return None;
        }
        let mut out = Vec::with_capacity(f.size() as usize);
        (&mut f).take(MAX_ENTRY_BYTES).read_to_end(&mut out).ok()?;
        Some(out)
    }
}

/// A path of the archive relative to the folder of `base` (`OEBPS/content.opf`), with `..`
/// and `%20` resolved.
fn join(base: &str, href: &str) -> String {
    let href = href.split('#').next().unwrap_or(href);
    let href = percent_decode(href);
    let mut parts: Vec<&str> =
        base.rsplit_once('/').map_or(vec![], |(d, _)| d.split('/').collect());
    for p in href.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// An element's attribute, unescaped.
fn attr(e: &quick_xml::events::BytesStart, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

/// What the package document says: the title, the manifest (`id` → `(href, properties,
/// media type)`) and the spine (ids in reading order).
struct Package {
    title: Option<String>,
    items: HashMap<String, (String, String, String)>,
    spine: Vec<String>,
    ncx: Option<String>,
}

fn package(opf: &[u8]) -> Package {
    let mut reader = quick_xml::Reader::from_reader(opf);
    let mut pkg = Package { title: None, items: HashMap::new(), spine: Vec::new(), ncx: None };
    let mut in_title = false;
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                b"title" => in_title = pkg.title.is_none(),
                b"item" => {
                    if let (Some(id), Some(href)) = (attr(&e, b"id"), attr(&e, b"href")) {
                        let props = attr(&e, b"properties").unwrap_or_default();
                        let media = attr(&e, b"media-type").unwrap_or_default();
                        pkg.items.insert(id, (href, props, media));
                    }
                }
                b"itemref" if attr(&e, b"linear").as_deref() != Some("no") => {
                    if let Some(id) = attr(&e, b"idref") {
                        pkg.spine.push(id);
                    }
                }
                b"spine" => pkg.ncx = attr(&e, b"toc"),
                _ => {}
            },
            Ok(ref ev @ (Event::Text(_) | Event::GeneralRef(_))) if in_title => {
                let t = super::xml_text(ev).unwrap_or_default();
                let title = pkg.title.get_or_insert_with(String::new);
                title.push_str(&t);
            }
            Ok(Event::End(ref e)) if e.local_name().as_ref() == b"title" => {
                in_title = false;
                pkg.title = pkg.title.take().map(|t| super::collapse(&t)).filter(|t| !t.is_empty());
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    pkg
}

/// The page list: `(file, id)` of each page's start, with its label, in page order. From
/// the EPUB 3 navigation document's `page-list`, else the NCX's `pageList`.
fn page_list(
    archive: &mut Archive,
    pkg: &Package,
    opf_path: &str,
) -> Vec<(String, String, String)> {
    let mut pages = Vec::new();
    let nav = pkg.items.values().find(|(_, props, _)| props.split_whitespace().any(|p| p == "nav"));
    if let Some((href, _, _)) = nav {
        let path = join(opf_path, href);
        if let Some(bytes) = archive.file(&path) {
            let doc = scraper::Html::parse_document(&String::from_utf8_lossy(&bytes));
            let navs = scraper::Selector::parse("nav").expect("a selector");
            let links = scraper::Selector::parse("a[href]").expect("a selector");
            for n in doc.select(&navs) {
                let kind = n
                    .value()
                    .attrs()
                    .find(|(k, _)| k.ends_with("type"))
                    .map(|(_, v)| v)
                    .unwrap_or("");
                if kind.split_whitespace().any(|t| t == "page-list") {
                    for a in n.select(&links) {
                        let href = a.value().attr("href").unwrap_or("");
                        let (file, id) = href.split_once('#').unwrap_or((href, ""));
                        let label = super::collapse(&a.text().collect::<String>());
                        pages.push((join(&path, file), id.to_string(), label));
                    }
                }
            }
        }
    }
    if !pages.is_empty() {
        return pages;
    }
    let Some(ncx) = pkg.ncx.as_ref().and_then(|id| pkg.items.get(id)).map(|i| join(opf_path, &i.0))
    else {
        return pages;
    };
    let Some(bytes) = archive.file(&ncx) else { return pages };
    let mut reader = quick_xml::Reader::from_reader(&bytes[..]);
    let (mut in_list, mut in_text) = (false, false);
    let mut label = String::new();
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => match e.local_name().as_ref() {
                b"pageList" => in_list = true,
                b"pageTarget" if in_list => label.clear(),
                b"text" if in_list => in_text = true,
                _ => {}
            },
            Ok(Event::Empty(e)) if in_list && e.local_name().as_ref() == b"content" => {
                let src = attr(&e, b"src").unwrap_or_default();
                let (file, id) = src.split_once('#').unwrap_or((&src, ""));
                pages.push((join(&ncx, file), id.to_string(), label.trim().to_string()));
            }
            Ok(ref ev @ (Event::Text(_) | Event::GeneralRef(_))) if in_text => {
                label.push_str(&super::xml_text(ev).unwrap_or_default());
            }
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                b"text" => in_text = false,
                b"pageList" => in_list = false,
                _ => {}
            },
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    pages
}

/// Reads an EPUB book.
pub fn read(rel: &str, bytes: &[u8]) -> Result<Read, String> {
    let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("a damaged EPUB (not a readable zip archive: {e})"))?;
    let mut archive = Archive { zip };
    let container = archive
        .file("META-INF/container.xml")
        .ok_or("a damaged EPUB (no META-INF/container.xml)")?;
    let mut opf_path = None;
    let mut reader = quick_xml::Reader::from_reader(&container[..]);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) if e.local_name().as_ref() == b"rootfile" => {
                opf_path = attr(&e, b"full-path");
                break;
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    let opf_path = opf_path.ok_or("a damaged EPUB (its container names no package)")?;
    let opf = archive.file(&opf_path).ok_or("a damaged EPUB (its package document is missing)")?;
    let pkg = package(&opf);
    let pages = page_list(&mut archive, &pkg, &opf_path);
    let mut targets: HashMap<String, HashMap<String, (u32, String)>> = HashMap::new();
    for (n, (file, id, label)) in pages.iter().enumerate() {
        targets.entry(file.clone()).or_default().insert(id.clone(), (n as u32 + 1, label.clone()));
    }
    let mut builder = Builder::default();
    let body = scraper::Selector::parse("body").expect("a selector");
    let mut next_break = 0;
    let pages_listed = pages;
    for id in &pkg.spine {
        let Some((href, _, media)) = pkg.items.get(id) else { continue };
        if !media.contains("html") && !media.is_empty() {
            continue;
        }
        let path = join(&opf_path, href);
        let Some(bytes) = archive.file(&path) else { continue };
        let doc = scraper::Html::parse_document(&html::decode(&bytes));
        let file_targets = targets.remove(&path).unwrap_or_default();
        // A page that starts at the top of a chapter file.
        if let Some((n, label)) = file_targets.get("") {
            builder.page(*n, Some(label.clone()));
        }
        let listed = !pages_listed.is_empty();
        let pages = Pages { targets: file_targets, listed, next: std::cell::Cell::new(next_break) };
        if let Some(root) = doc.select(&body).next() {
            html::blocks(root, &mut builder, &pages, Hint::Paragraph, false);
        }
        next_break = pages.next.get();
    }
    if builder.is_empty() {
        return Err("no text to index".into());
    }
    Ok(Read { doc: builder.finish(rel, "EPUB", pkg.title), notes: Vec::new() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_against_the_package() {
        assert_eq!(join("OEBPS/content.opf", "text/ch%201.xhtml#p3"), "OEBPS/text/ch 1.xhtml");
        assert_eq!(join("OEBPS/text/nav.xhtml", "../text/ch1.xhtml"), "OEBPS/text/ch1.xhtml");
        assert_eq!(join("content.opf", "ch1.xhtml"), "ch1.xhtml");
    }
}
