//! HTML: a saved web page read for its author's text only. The main content is found as
//! readability tools find it (an `<article>` or `<main>` when the page has one, else the
//! element whose paragraphs score best, long text with commas scoring more and text made
//! of links less, or the nearest element around it holding most of the page's paragraphs
//! when it is one section of several); navigation, headers and footers, sidebars, comment threads, cookie and
//! sharing banners, scripts and forms stay out. Headings are headings, paragraphs, list
//! items, quotes and table rows are blocks, and `<title>` names the document. The EPUB
//! reader uses [`blocks`] on its chapters, whole.

use scraper::{ElementRef, Html, Node};

use super::anchor::{Visible, Width};
use super::{collapse, Builder, Read};
use crate::ingest::Hint;

/// Elements that never hold the author's text.
const SKIPPED: [&str; 18] = [
    "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "form",
    "button", "select", "input", "textarea", "nav", "header", "footer", "aside", "menu",
];

/// Words of a class or id that mark page furniture, and words that keep an element
/// anyway (readability's "unlikely" and "maybe" candidates).
const UNLIKELY: [&str; 22] = [
    "comment",
    "cookie",
    "consent",
    "share",
    "social",
    "related",
    "sidebar",
    "footer",
    "header",
    "nav",
    "menu",
    "breadcrumb",
    "banner",
    "promo",
    "advert",
    "sponsor",
    "subscribe",
    "newsletter",
    "popup",
    "modal",
    "skip",
    "masthead",
];
const LIKELY: [&str; 6] = ["article", "content", "main", "post", "entry", "story"];

/// Reads an HTML page for its main content.
///
/// Its passages are cited by the lines of the file (the page's source, as an editor shows
/// it): each block is found in the markup. Where one is not (a parser's repair of broken
/// markup moved it, or bytes did not decode), the page is cited by the lines of quelle's
/// own text of it instead, as `quelle passages` shows them.
pub fn read(rel: &str, bytes: &[u8]) -> Result<Read, String> {
    let (text, width) = decode_with_width(bytes);
    let html = Html::parse_document(&text);
    let title = title_of(&html);
    let root = main_content(&html).ok_or("no text to index")?;
    let mut builder = match width {
        Some((width, base)) => Builder::anchored(Visible::of(&text, width, base)),
        None => Builder::default(),
    };
    blocks(root, &mut builder, &Pages::default(), Hint::Paragraph, true);
    if builder.unplaced() > 0 {
        builder = Builder::default();
        blocks(root, &mut builder, &Pages::default(), Hint::Paragraph, true);
    }
    if builder.is_empty() {
        return Err("no text to index".into());
    }
    Ok(Read { doc: builder.finish(rel, "HTML", title), notes: Vec::new() })
}

/// The page's text: its declared charset (a `<meta>` in the first kilobytes, or a BOM),
/// else UTF-8 when it is, else what chardetng guesses.
pub fn decode(bytes: &[u8]) -> String {
    decode_with_width(bytes).0
}

/// The page's text, and how its characters map back to the file's bytes (the width of
/// each and where the text begins), unless some bytes did not decode.
fn decode_with_width(bytes: &[u8]) -> (String, Option<(Width, usize)>) {
    let width_of = |enc: &'static encoding_rs::Encoding| {
        if enc == encoding_rs::UTF_8 {
            Width::Utf8
        } else if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
            Width::Utf16
        } else {
            Width::Encoded(enc)
        }
    };
    let with = |enc: &'static encoding_rs::Encoding, base: usize| {
        let (text, errors) = enc.decode_without_bom_handling(&bytes[base..]);
        let width = (!errors).then_some((width_of(enc), base));
        (text.into_owned(), width)
    };
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return with(enc, bom);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_lowercase();
    let declared = head.find("charset=").and_then(|at| {
        let rest = head[at + 8..].trim_start_matches(['"', '\'']);
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        encoding_rs::Encoding::for_label(name.as_bytes())
    });
    if let Some(enc) = declared {
        return with(enc, 0);
    }
    match std::str::from_utf8(bytes) {
        Ok(t) => (t.to_string(), Some((Width::Utf8, 0))),
        Err(_) => {
            let mut det = chardetng::EncodingDetector::new();
            det.feed(bytes, true);
            with(det.guess(None, true), 0)
        }
    }
}

/// `<title>`, else the `og:title` of its metadata.
fn title_of(html: &Html) -> Option<String> {
    let select = |s: &str| scraper::Selector::parse(s).ok();
    let title = select("title")
        .and_then(|s| html.select(&s).next().map(|t| collapse(&t.text().collect::<String>())));
    title.filter(|t| !t.is_empty()).or_else(|| {
        let s = select("meta[property=\"og:title\"]")?;
        html.select(&s).next()?.value().attr("content").map(collapse)
    })
}

/// True for an element that is page furniture by its name, role or class.
fn is_furniture(e: &ElementRef) -> bool {
    let v = e.value();
    if SKIPPED.contains(&v.name()) {
        return true;
    }
    if v.attr("aria-hidden") == Some("true") || v.attr("hidden").is_some() {
        return true;
    }
    if matches!(
        v.attr("role"),
        Some("navigation" | "banner" | "contentinfo" | "complementary" | "search")
    ) {
        return true;
    }
    let (class, id) = (v.attr("class").unwrap_or(""), v.id().unwrap_or(""));
    if class.is_empty() && id.is_empty() {
        return false;
    }
    // Most names hold no furniture word at all: only those that do are read word by word
    // (this runs for every element of every paragraph).
    let names = format!("{class} {id}").to_lowercase();
    if !UNLIKELY.iter().any(|u| names.contains(u)) {
        return false;
    }
    let mut named =
        class.split_whitespace().chain(std::iter::once(id)).filter_map(furniture_name).peekable();
    if named.peek().is_none()
        || LIKELY.iter().any(|l| names.contains(l))
        || v.name() == "body"
        || v.name() == "article"
    {
        return false;
    }
    // Comment threads are long text too, but not the author's. Other furniture is links
    // or a line or two: an element so named that holds paragraphs of prose is a section
    // whose id was made from its heading (`sponsoring-a-new-package`, `related-work`).
    named.any(|word| word == "comment") || !mostly_prose(e)
}

/// True for a footnote or endnote, or a list of them (an element of blocks): by its role
/// (`note`, DPUB-ARIA's `doc-footnote`), its EPUB type, or the first word of a class or id
/// (`footnote`, `endnotes`).
fn is_note(e: &ElementRef) -> bool {
    let v = e.value();
    // A note's mark in the text (`<a class="footnote-reference">`) is no note.
    if matches!(v.name(), "a" | "sup" | "sub" | "span" | "em" | "strong" | "b" | "i" | "small") {
        return false;
    }
    let note_word = |w: &str| matches!(w, "footnote" | "footnotes" | "endnote" | "endnotes");
    matches!(
        v.attr("role"),
        Some("note" | "doc-footnote" | "doc-endnote" | "doc-endnotes" | "doc-footnotes")
    ) || v.attr("epub:type").is_some_and(|t| t.split_whitespace().any(note_word))
        || v.attr("class").unwrap_or("").split_whitespace().chain(v.id()).any(|n| {
            let words = name_words(n);
            words.first().is_some_and(|w| note_word(w))
        })
}

/// The word of `UNLIKELY` that a class or id names page furniture by (`related-stories`,
/// `commentList`): one of its words begins with it.
fn furniture_name(name: &str) -> Option<&'static str> {
    name_words(name).iter().find_map(|w| UNLIKELY.iter().find(|u| w.starts_with(*u)).copied())
}

/// Text an element needs outside links to be prose, not furniture.
const PROSE_CHARS: usize = 500;
/// Share of the text read that may be link text in prose.
const PROSE_LINK_SHARE: f64 = 0.3;

/// True when an element holds prose: `PROSE_CHARS` characters outside links, with link
/// text at most `PROSE_LINK_SHARE` of what was read to find them. Not [`text_and_links`]:
/// that reads the whole element and asks each child whether it is furniture, while this
/// is asked for each furniture-named ancestor of every paragraph and stops early.
fn mostly_prose(e: &ElementRef) -> bool {
    let (mut plain, mut linked) = (0usize, 0usize);
    for node in e.descendants() {
        let Node::Text(t) = node.value() else { continue };
        let (mut hidden, mut in_link) = (false, false);
        for a in node.ancestors().take_while(|a| a.id() != e.id()) {
            if let Node::Element(el) = a.value() {
                hidden |= matches!(el.name(), "script" | "style" | "noscript" | "template");
                in_link |= el.name() == "a";
            }
        }
        if hidden {
            continue;
        }
        let n = t.chars().filter(|c| !c.is_whitespace()).count();
        if in_link {
            linked += n;
        } else {
            plain += n;
        }
        if plain >= PROSE_CHARS {
            return (linked as f64) <= PROSE_LINK_SHARE * (plain + linked) as f64;
        }
        // Links and little else this far: furniture, whatever follows.
        if linked >= 4 * PROSE_CHARS {
            return false;
        }
    }
    false
}

/// The words of a class or id, lowercase: split at anything but letters and digits, and
/// where a lowercase letter is followed by a capital (`relatedPosts`).
fn name_words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut previous_lower = false;
    let mut current = String::new();
    for c in name.chars() {
        let boundary = !c.is_alphanumeric() || (previous_lower && c.is_uppercase());
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        if c.is_alphanumeric() {
            current.extend(c.to_lowercase());
        }
        previous_lower = c.is_lowercase();
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// The text of an element, furniture left out, whitespace collapsed; and how much of it
/// is link text.
fn text_and_links(e: ElementRef) -> (String, usize) {
    let mut text = String::new();
    let mut links = 0;
    collect_text(e, &mut text, &mut links, false);
    (collapse(&text), links)
}

fn collect_text(e: ElementRef, out: &mut String, links: &mut usize, in_link: bool) {
    for child in e.children() {
        match child.value() {
            Node::Text(t) => {
                out.push_str(t);
                if in_link {
                    *links += t.chars().filter(|c| !c.is_whitespace()).count();
                }
            }
            Node::Element(el) => {
                let Some(ce) = ElementRef::wrap(child) else { continue };
                if is_furniture(&ce) {
                    continue;
                }
                if matches!(el.name(), "br" | "p" | "div" | "li" | "td" | "th") {
                    out.push(' ');
                }
                collect_text(ce, out, links, in_link || el.name() == "a");
            }
            _ => {}
        }
    }
}

/// Words of the term an entry of a book's index opens with, at most.
const MAX_INDEX_TERM_WORDS: usize = 8;

/// True for the text before the links of an entry of a book's index: a term and a comma
/// (`Layer mask, <a>Adding a mask</a>, <a>Masks</a>`; `Rapallo, Treaty of, <a>34</a>`).
fn is_index_term(before: &str) -> bool {
    let term = before.trim();
    term.ends_with(',') && (1..=MAX_INDEX_TERM_WORDS).contains(&term.split_whitespace().count())
}

/// True for the text before the link of an entry of a table of contents whose number
/// stands outside it (`1. <a>Presentation</a>`).
fn is_section_number(before: &str) -> bool {
    let number = before.trim();
    !number.is_empty() && number.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// The text of `e` before its first link, when after it come only links and the commas
/// between them; `None` when it has no link, or other text after one.
fn text_before_links(e: ElementRef) -> Option<String> {
    let mut before = String::new();
    let mut linked = false;
    for node in e.descendants() {
        let Node::Text(t) = node.value() else { continue };
        let in_link = node
            .ancestors()
            .take_while(|a| a.id() != e.id())
            .filter_map(ElementRef::wrap)
            .any(|a| a.value().name() == "a");
        if in_link {
            linked = true;
        } else if !linked {
            before.push_str(t);
        } else if t.chars().any(|c| !c.is_whitespace() && !matches!(c, ',' | ';')) {
            return None;
        }
    }
    linked.then_some(before)
}

/// The element holding the page's main text.
fn main_content(html: &Html) -> Option<ElementRef<'_>> {
    let select = |s: &str| scraper::Selector::parse(s).expect("a valid selector");
    let longest = |sel: &str| {
        html.select(&select(sel))
            .filter(|e| !is_furniture(e))
            .map(|e| (text_and_links(e).0.len(), e))
            .max_by_key(|(n, _)| *n)
            .filter(|(n, _)| *n >= 200)
            .map(|(_, e)| e)
    };
    if let Some(e) = longest("article").or_else(|| longest("main, [role=main]")) {
        return Some(e);
    }
    // Readability's scoring: each paragraph gives its parent its score, and half of it to
    // the grandparent; a paragraph of links gives little. Every ancestor also holds the
    // scores of all the paragraphs inside it (`held`).
    let mut scores: std::collections::HashMap<ego_tree::NodeId, f32> = Default::default();
    let mut held: std::collections::HashMap<ego_tree::NodeId, (f32, usize)> = Default::default();
    let (mut total, mut count) = (0.0, 0);
    for p in html.select(&select("p, pre, td, blockquote")) {
        if p.ancestors().filter_map(ElementRef::wrap).any(|a| is_furniture(&a)) {
            continue;
        }
        let (text, links) = text_and_links(p);
        if text.chars().count() < 25 {
            continue;
        }
        let density =
            links as f32 / text.chars().filter(|c| !c.is_whitespace()).count().max(1) as f32;
        let score = (1.0
            + text.matches([',', '，']).count() as f32
            + (text.chars().count() as f32 / 100.0).min(3.0))
            * (1.0 - density);
        let mut ancestors = p.ancestors().filter_map(ElementRef::wrap);
        if let Some(parent) = ancestors.next() {
            *scores.entry(parent.id()).or_default() += score;
        }
        if let Some(grand) = ancestors.next() {
            *scores.entry(grand.id()).or_default() += score / 2.0;
        }
        // Paragraphs of prose are counted as well as scored: three long paragraphs of a
        // licence should not outweigh the short abstract beside them.
        let prose = usize::from(density < 0.5);
        for a in p.ancestors() {
            let h = held.entry(a.id()).or_default();
            h.0 += score;
            h.1 += prose;
        }
        total += score;
        count += prose;
    }
    let best = scores.into_iter().max_by(|a, b| a.1.total_cmp(&b.1)).map(|(id, _)| id);
    let best = best.and_then(|id| html.tree.get(id)).and_then(ElementRef::wrap);
    // The best-scoring element may be one section of several (a manual's page of
    // sections, each a `<div>` of its paragraphs): the main content is the nearest
    // element around it that holds most of the page's paragraphs.
    let holds_most = |e: &ElementRef| {
        held.get(&e.id()).is_some_and(|&(score, prose)| {
            score >= MAIN_SHARE * total && prose as f32 >= MAIN_SHARE * count as f32
        })
    };
    let main = best.map(|best| {
        let main = std::iter::once(best)
            .chain(best.ancestors().filter_map(ElementRef::wrap))
            .take_while(|e| e.value().name() != "html")
            .find(holds_most)
            .unwrap_or(best);
        with_its_kind(main)
    });
    main.or_else(|| html.select(&select("body")).next())
}

/// `main`, or the nearest element around it that also holds a sibling of its kind: the
/// same element and class, or, without a class, the same element opened by a heading of
/// the same level. One section of several alike is part of the content however short the
/// others are (a bibliography's `Books` beside its long `Online resources`, a manual's
/// `1. Presentation` beside its long `3. Options`), as readability tools take in siblings
/// of the best candidate's class.
fn with_its_kind(mut main: ElementRef) -> ElementRef {
    // The section is the nearest element at or around the main content of a kind (the main
    // content may be a table in it).
    loop {
        let section = std::iter::successors(Some(main), |e| parent_within(*e))
            .find(|e| section_kind(*e).is_some());
        match section.and_then(around_alike) {
            Some(wider) => main = wider,
            None => return main,
        }
    }
}

/// The element around `e`, unless that is the page's body.
fn parent_within(e: ElementRef<'_>) -> Option<ElementRef<'_>> {
    e.parent().and_then(ElementRef::wrap).filter(|p| !matches!(p.value().name(), "body" | "html"))
}

/// What makes an element one section among others alike: its class, or without one, the
/// level of the heading it opens with.
#[derive(PartialEq)]
enum SectionKind<'a> {
    Class(&'a str),
    Heading(u8),
}

/// The kind of section `e` is, if any (see [`SectionKind`]).
fn section_kind(e: ElementRef<'_>) -> Option<SectionKind<'_>> {
    if let Some(class) = e.value().attr("class").filter(|c| !c.trim().is_empty()) {
        return Some(SectionKind::Class(class));
    }
    let first = e.children().find_map(ElementRef::wrap)?;
    match first.value().name().as_bytes() {
        [b'h', level @ b'1'..=b'6'] => Some(SectionKind::Heading(*level - b'0')),
        _ => None,
    }
}

/// The element around `e` when `e` stands in it beside another of its element and kind
/// (see [`with_its_kind`]).
fn around_alike(e: ElementRef<'_>) -> Option<ElementRef<'_>> {
    let parent = parent_within(e)?;
    let (name, kind) = (e.value().name(), section_kind(e)?);
    let alike = parent.children().filter_map(ElementRef::wrap).any(|c| {
        c.id() != e.id() && c.value().name() == name && section_kind(c).as_ref() == Some(&kind)
    });
    alike.then_some(parent)
}

/// The share of a page's paragraphs (by readability's score) the main content holds.
const MAIN_SHARE: f32 = 0.8;

/// Page breaks of an EPUB: element ids that start a page of the page list, with labels.
#[derive(Debug, Default)]
pub struct Pages {
    /// `id` → (physical page, label).
    pub targets: std::collections::HashMap<String, (u32, String)>,
    /// The book has a page list: its pages alone count, not `pagebreak` marks.
    pub listed: bool,
    /// Pages are numbered by the `epub:type="pagebreak"` elements met, when there is no
    /// page list; the next number.
    pub next: std::cell::Cell<u32>,
}

/// Elements that make a block of their own, and what it is.
fn block_hint(name: &str, inherited: Hint) -> Option<Hint> {
    Some(match name {
        "h1" => Hint::Heading(1),
        "h2" => Hint::Heading(2),
        "h3" => Hint::Heading(3),
        "h4" => Hint::Heading(4),
        "h5" => Hint::Heading(5),
        "h6" => Hint::Heading(6),
        "p" | "dt" | "dd" | "figcaption" | "caption" | "address" => inherited,
        "li" => {
            if inherited == Hint::Paragraph {
                Hint::Item
            } else {
                inherited
            }
        }
        "pre" => Hint::Code,
        "tr" => Hint::Row,
        _ => return None,
    })
}

/// Elements that contain blocks without being one.
fn is_container(name: &str) -> bool {
    matches!(
        name,
        "div"
            | "section"
            | "article"
            | "main"
            | "body"
            | "blockquote"
            | "ul"
            | "ol"
            | "dl"
            | "table"
            | "thead"
            | "tbody"
            | "tfoot"
            | "figure"
            | "details"
            | "center"
            | "html"
    )
}

/// True for an element read as a block or as holding blocks. A span is neither: it is
/// inline, as HTML has it (`<strong><span>Default: </span></strong><code>true</code>` is
/// one line of text, not three), unless it holds a block itself ([`holds_blocks`]).
fn is_block(name: &str, hint: Hint) -> bool {
    block_hint(name, hint).is_some() || is_container(name)
}

/// True when `e` is read as holding blocks: a container, or an element with a block among
/// its children.
fn holds_blocks(e: ElementRef, hint: Hint) -> bool {
    is_container(e.value().name())
        || e.children().filter_map(ElementRef::wrap).any(|c| is_block(c.value().name(), hint))
}

/// Adds the blocks of `root` to `builder`: headings, paragraphs, items, quotes, rows;
/// text directly in a container makes a paragraph of its own. `skip_furniture` leaves
/// navigation and the like out (a chapter of a book has none).
pub fn blocks(
    root: ElementRef,
    builder: &mut Builder,
    pages: &Pages,
    hint: Hint,
    skip_furniture: bool,
) {
    let mut loose = String::new();
    let flush = |loose: &mut String, builder: &mut Builder| {
        let t = collapse(loose);
        if !t.is_empty() {
            builder.block(&t, hint);
        }
        loose.clear();
    };
    for child in root.children() {
        match child.value() {
            Node::Text(t) => loose.push_str(t),
            Node::Element(el) => {
                let Some(ce) = ElementRef::wrap(child) else { continue };
                let name = el.name();
                // A footnote is the author's text, whatever element holds it (`<aside>`).
                if is_note(&ce) && hint != Hint::Note {
                    flush(&mut loose, builder);
                    let notes_inside =
                        ce.descendants().skip(1).filter_map(ElementRef::wrap).any(|d| is_note(&d));
                    if notes_inside {
                        blocks(ce, builder, pages, Hint::Paragraph, skip_furniture);
                    } else {
                        // Its number and its paragraphs, one note.
                        builder.block(&text_and_links(ce).0, Hint::Note);
                    }
                    continue;
                }
                if skip_furniture && is_furniture(&ce) {
                    continue;
                }
                if matches!(name, "script" | "style" | "noscript" | "template") {
                    continue;
                }
                page_break(&ce, builder, pages);
                if name == "blockquote" {
                    flush(&mut loose, builder);
                    blocks(ce, builder, pages, Hint::Quote, skip_furniture);
                } else if let Some(h) = block_hint(name, hint) {
                    // A block holding blocks (a list item with paragraphs) is read inside.
                    let nested = ce
                        .children()
                        .filter_map(ElementRef::wrap)
                        .any(|c| is_block(c.value().name(), hint));
                    flush(&mut loose, builder);
                    if nested && name != "tr" {
                        blocks(ce, builder, pages, h, skip_furniture);
                    } else {
                        let mut text = String::new();
                        let mut links = 0;
                        collect_text(ce, &mut text, &mut links, false);
                        let text = collapse(&text);
                        // A list item that is all a link is an entry of a table of contents;
                        // a term and its links, one of a book's index.
                        let words = text.chars().filter(|c| !c.is_whitespace()).count();
                        // An item, or a paragraph of a list (a paragraph inside an item
                        // has the item's hint).
                        let entry = h == Hint::Item
                            || h == Hint::Paragraph && matches!(name, "li" | "dt" | "dd");
                        let contents = entry
                            && (links * 10 >= words * 9 && words > 0
                                || text_before_links(ce).is_some_and(|before| {
                                    is_section_number(&before) || is_index_term(&before)
                                }));
                        let h = if contents { Hint::Contents } else { h };
                        builder.block(&text, h);
                        breaks_inside(&ce, builder, pages);
                    }
                } else if holds_blocks(ce, hint) {
                    flush(&mut loose, builder);
                    blocks(ce, builder, pages, hint, skip_furniture);
                } else {
                    // Inline: part of the loose text around it.
                    if name == "br" {
                        loose.push(' ');
                    }
                    let mut links = 0;
                    collect_text(ce, &mut loose, &mut links, false);
                }
            }
            _ => {}
        }
    }
    flush(&mut loose, builder);
}

/// A page break at `e` (an element the page list points at, or an EPUB page break).
fn page_break(e: &ElementRef, builder: &mut Builder, pages: &Pages) {
    let v = e.value();
    if let Some(&(n, ref label)) = v.id().and_then(|id| pages.targets.get(id)) {
        builder.page(n, Some(label.clone()));
        return;
    }
    let is_break =
        v.attr("epub:type").is_some_and(|t| t.split_whitespace().any(|t| t == "pagebreak"))
            || v.attr("role") == Some("doc-pagebreak");
    if is_break && !pages.listed {
        let n = pages.next.get() + 1;
        pages.next.set(n);
        let label = v.attr("title").or(v.attr("aria-label")).map(str::to_string);
        builder.page(
            n,
            label
                .or_else(|| Some(collapse(&e.text().collect::<String>())))
                .filter(|l| !l.is_empty()),
        );
    }
}

/// Page breaks inside a block read whole: they start the page with the next block.
fn breaks_inside(e: &ElementRef, builder: &mut Builder, pages: &Pages) {
    for d in e.descendants().filter_map(ElementRef::wrap).skip(1) {
        page_break(&d, builder, pages);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(html: &str) -> Vec<(String, String)> {
        texts_of(html.as_bytes())
    }

    fn texts_of(bytes: &[u8]) -> Vec<(String, String)> {
        let doc = read("p.html", bytes).unwrap().doc;
        crate::segment::segment(&doc)
            .passages
            .into_iter()
            .map(|p| (p.kind.as_str().to_string(), p.text))
            .collect()
    }

    #[test]
    fn furniture_is_links_and_lines_not_a_section_of_prose() {
        assert_eq!(furniture_name("related-stories"), Some("related"));
        assert_eq!(furniture_name("commentList"), Some("comment"));
        assert_eq!(furniture_name("bylines"), None);
        // A manual's sections whose ids, made from their headings, hold furniture words.
        let prose = "A splinter of slate is washed out before the cut is dressed, the foreman \
            said, and the bench is closed until the face has been checked for loose blocks. ";
        let section = |id: &str, heading: &str| {
            format!("<section id=\"{id}\"><h2>{heading}</h2><p>{}</p></section>", prose.repeat(4))
        };
        let html = format!(
            "<html><body><main>{}{}<div class=\"related-stories\"><a href=\"/x\">More from \
             the quarry</a> <a href=\"/y\">Slate prices</a></div><div class=\"comments\">\
             <p>{}</p></div></main></body></html>",
            section("handling-quarry-related-injuries", "Handling quarry-related injuries"),
            section("sponsoring-a-new-apprentice", "Sponsoring a new apprentice"),
            "What a lovely report, thank you! ".repeat(20),
        );
        let t: Vec<String> = texts(&html).into_iter().map(|(_, t)| t).collect();
        assert!(t.iter().any(|x| x == "Handling quarry-related injuries"), "{t:?}");
        assert!(t.iter().any(|x| x == "Sponsoring a new apprentice"), "{t:?}");
        assert_eq!(t.iter().filter(|x| x.starts_with("A splinter of slate")).count(), 2, "{t:?}");
        assert!(!t.iter().any(|x| x.contains("More from the quarry")), "{t:?}");
        assert!(!t.iter().any(|x| x.contains("lovely report")), "a comment thread: {t:?}");
    }

    #[test]
    fn a_span_of_inline_text_is_part_of_its_line() {
        // As DocBook writes a list of settings and a command's name: the label, the value
        // and the sentence around a span are one line of text each.
        let html = r#"<html><head><title>Settings</title></head><body><div class="body">
            <h2>Settings of the loom</h2>
            <p>Each setting of the loom is listed with its default value and what it changes when the shuttle runs.</p>
            <div class="seglistitem"><div class="seg"><strong><span class="segtitle">Option: </span></strong><code>Loom::Shuttle::Speed</code></div>
            <div class="seg"><strong><span class="segtitle">Default: </span></strong><code>12</code></div>
            <div class="seg">If this option is set, <span class="command">weaver</span> slows the shuttle down at each edge of the cloth.</div></div>
            <p>A span may also hold paragraphs: <span class="box"><p>The warp is wound first, before the weft is chosen for the pattern.</p></span></p>
            </div></body></html>"#;
        let t: Vec<String> = texts(html).into_iter().map(|(_, t)| t).collect();
        for line in [
            "Option: Loom::Shuttle::Speed",
            "Default: 12",
            "If this option is set, weaver slows the shuttle down at each edge of the cloth.",
        ] {
            assert!(t.iter().any(|x| x == line), "{line}: {t:?}");
        }
        assert!(t.iter().any(|x| x.starts_with("The warp is wound first")), "{t:?}");
    }

    #[test]
    fn navigation_headers_and_footers_are_furniture() {
        // DocBook's pages: links to the previous and next page, with their titles, above
        // and below the text.
        let prose = "The dyer soaks the wool overnight before it goes into the vat. ";
        let html = format!(
            r#"<html><head><title>Dyeing</title></head><body>
            <div class="navheader"><table><tr><th>3.2. Dyeing the wool</th></tr><tr><td><a href="a.html">Prev</a></td></tr></table></div>
            <div class="section"><h2>3.2. Dyeing the wool</h2><p>{}</p></div>
            <div class="navfooter"><table><tr><td>3.1. Carding and spinning the fleece </td><td>3.3. Weaving the finished cloth on the loom</td></tr></table></div>
            </body></html>"#,
            prose.repeat(3)
        );
        let t: Vec<String> = texts(&html).into_iter().map(|(_, t)| t).collect();
        assert!(t.iter().any(|x| x.starts_with("The dyer soaks")), "{t:?}");
        assert!(!t.iter().any(|x| x.contains("Carding") || x.contains("Weaving")), "{t:?}");
    }

    #[test]
    fn a_title_page_keeps_its_short_abstract_beside_a_long_licence() {
        // Three long paragraphs of a licence and one short abstract: the licence holds most
        // of the page's score, not most of its paragraphs.
        let licence = "Permission is granted to copy, print and share this guide, in whole or in part, provided that this notice, the names of its authors, and the date are kept on every copy, and that no fee is asked for it beyond the cost of the paper. ";
        let html = format!(
            r#"<html><head><title>The Shepherd's Almanac</title></head><body><div class="book">
            <div class="titlepage"><div><h1>The Shepherd's Almanac</h1></div>
            <div><div class="legalnotice"><p>{licence}</p><p>{licence}</p><p>{licence}</p></div></div>
            <div><div class="abstract"><p>This almanac answers the questions shepherds ask.</p></div></div>
            </div></div></body></html>"#
        );
        let t: Vec<String> = texts(&html).into_iter().map(|(_, t)| t).collect();
        assert!(
            t.iter().any(|x| x == "This almanac answers the questions shepherds ask."),
            "{t:?}"
        );
        assert!(t.iter().any(|x| x == "The Shepherd's Almanac"), "{t:?}");
    }

    #[test]
    fn a_book_s_index_is_contents() {
        // A term, a comma and links to its places; a sentence ending in a link stays text.
        let html = r#"<html><head><title>Index</title></head><body><div class="index"><h2>Index</h2>
            <p>The entries below lead to the pages of the almanac where each subject is treated at length.</p>
            <dl><dt>Shearing, <a href="a.html">Spring work</a>, <a href="b.html">Tools</a></dt>
            <dt>Lambing pen, <a href="c.html">Building a pen</a></dt>
            <dt>Dipping, <a href="d.html">12</a>; <a href="e.html">40</a></dt></dl>
            <ul><li>The fleece is rolled and tied, as <a href="f.html">the wool chapter</a> shows.</li>
            <li>Carding, then spinning, see <a href="g.html">Spinning</a></li></ul>
            </div></body></html>"#;
        let t = texts(html);
        let kind =
            |start: &str| t.iter().find(|(_, x)| x.starts_with(start)).map(|(k, _)| k.as_str());
        for entry in ["Shearing,", "Lambing pen,", "Dipping,"] {
            assert_eq!(kind(entry), Some("toc"), "{entry}: {t:?}");
        }
        assert_eq!(kind("The fleece is rolled"), Some("body"), "{t:?}");
        assert_eq!(kind("Carding, then spinning"), Some("body"), "{t:?}");
    }

    #[test]
    fn a_short_section_beside_a_long_one_of_its_kind_is_kept() {
        // A manual's page: a long section of options and a short one on where to find the
        // tool; the second holds far less than a fifth of the page's text.
        let option = "<p>The width of the stitch, in millimetres, set before the needle goes down, and kept until it is changed again by hand.</p>";
        let html = format!(
            r#"<html><head><title>Stitch tool</title></head><body><div class="chapter">
            <div class="toc"><dl class="toc"><dt><span class="sect1"><a href="a.html">1. Activating the tool</a></span></dt>
            <dt><span class="sect1"><a href="b.html">2. Options</a></span></dt></dl></div>
            <dl><dt>1. <a href="act.html">Activating</a></dt><dt>2. <a href="opt.html">Settings</a></dt></dl>
            <div class="sect1"><h2>1. Activating the tool</h2><p>The stitch tool is found under Tools, Sewing, Stitch.</p></div>
            <div class="sect1"><h2>2. Options</h2>{}</div></div></body></html>"#,
            option.repeat(12)
        );
        let t = texts(&html);
        let kind =
            |start: &str| t.iter().find(|(_, x)| x.starts_with(start)).map(|(k, _)| k.as_str());
        assert_eq!(kind("The stitch tool is found"), Some("body"), "{t:?}");
        assert_eq!(kind("1. Activating the tool"), Some("toc"), "a contents entry: {t:?}");
        assert_eq!(kind("1. Activating"), Some("toc"), "its number outside the link: {t:?}");
        assert!(t.iter().any(|(k, x)| k == "heading" && x == "1. Activating the tool"), "{t:?}");
    }

    #[test]
    fn sections_without_a_class_opened_by_headings_of_one_level_are_kept_together() {
        // A help page: short sections of paragraphs, then one holding a long table (the
        // page's best-scoring element is the table's body, not its section).
        let row = "<tr><td>Needle</td><td>The width of the stitch, in millimetres, set before the needle goes down, and kept until it is changed again.</td></tr>";
        let html = format!(
            r#"<html><head><title>Settings file</title></head><body><div class="page">
            <div><h2>1. Presentation</h2><p>The settings of the sewing machine are kept in one file beside the program.</p></div>
            <div><h2>2. Options</h2><p>Some settings are only changed in the file itself.</p><table>{}</table></div>
            </div></body></html>"#,
            row.repeat(20)
        );
        let t: Vec<String> = texts(&html).into_iter().map(|(_, t)| t).collect();
        assert!(t.iter().any(|x| x.starts_with("The settings of the sewing machine")), "{t:?}");
        assert!(t.iter().any(|x| x == "1. Presentation"), "{t:?}");
    }

    #[test]
    fn a_word_that_markup_carries_over_a_line_stays_one_word() {
        let doc = read(
            "p.html",
            b"<html><body><main><p>Grey slate<b\n>s</b> roof the mill.</p></main></body></html>",
        )
        .unwrap()
        .doc;
        let p = &crate::segment::segment(&doc).passages[0];
        assert_eq!(p.text, "Grey slates roof the mill.");
        assert_eq!((p.line_start, p.line_end), (1, 2));
    }

    #[test]
    fn a_news_page_gives_its_article_only() {
        let html = r#"<!DOCTYPE html><html><head><title>Moss on the moor — Daily Lichen</title>
            <script>var x = "tracking";</script></head><body>
            <header><nav><a href="/">Home</a> <a href="/news">News</a></nav></header>
            <div class="cookie-banner">We use cookies. <button>Accept</button></div>
            <div id="content"><h1>Moss on the moor</h1>
            <p>The grey moss spreads slowly over the granite of the northern moor, a survey found.</p>
            <p>Its spores travel far in the damp autumn wind, and the birch woods shelter it.</p>
            <ul><li>First site, by the alder wood</li><li>Second site, on the ridge</li></ul>
            </div>
            <aside class="related"><p>Read also: ten facts about ferns</p></aside>
            <section class="comments"><p>Great article, thanks for sharing it with us all!</p></section>
            <footer>© Daily Lichen</footer></body></html>"#;
        let t = texts(html);
        let body: Vec<&str> = t.iter().map(|(_, x)| x.as_str()).collect();
        assert_eq!(
            body,
            [
                "Moss on the moor",
                "The grey moss spreads slowly over the granite of the northern moor, a survey found.",
                "Its spores travel far in the damp autumn wind, and the birch woods shelter it.",
                "First site, by the alder wood",
                "Second site, on the ridge"
            ]
        );
        assert_eq!(t[0].0, "heading");
        let doc = read("p.html", html.as_bytes()).unwrap().doc;
        assert_eq!(doc.title.as_deref(), Some("Moss on the moor — Daily Lichen"));
    }

    #[test]
    fn a_page_of_several_sections_gives_them_all() {
        // A manual's page as DocBook renders it: a navigation table, then one `<div>` per
        // section, the longest holding less than most of the page.
        let para = |topic: &str, n: usize| {
            (0..n)
                .map(|i| format!("<p>The {topic} is tended in the {i}th week, when the beds are dry, the frames are open, and the keeper has time.</p>"))
                .collect::<String>()
        };
        let html = format!(
            r#"<html><head><title>4.2. Cold frames</title></head><body>
            <div class="navheader"><table><tr><th>4.2. Cold frames</th></tr>
            <tr><td><a href="prev.html">Prev</a></td><td><a href="next.html">Next</a></td></tr></table></div>
            <div class="sect1"><h2>4.2. Cold frames</h2>{}
            <div class="sect2"><h3>4.2.1. Glass</h3>{}</div>
            <div class="sect2"><h3>4.2.2. Soil</h3>{}</div>
            <div class="sect2"><h3>4.2.3. Seedlings</h3>
            <div class="sect3"><h4>4.2.3.1. Trays</h4>{}</div>
            <div class="sect3"><h4>4.2.3.2. Pots</h4>{}</div>
            <div class="sect3"><h4>4.2.3.3. Pricking out</h4>{}</div></div></div>
            <div class="navfooter"><a href="index.html">Home</a></div></body></html>"#,
            para("cold frame", 2),
            para("glass", 3),
            para("soil", 3),
            para("seedling tray", 4),
            para("clay pot", 4),
            para("seedling", 4),
        );
        let t = texts(&html);
        let headings: Vec<&str> =
            t.iter().filter(|(k, _)| k == "heading").map(|(_, x)| x.as_str()).collect();
        assert_eq!(
            headings,
            [
                "4.2. Cold frames",
                "4.2.1. Glass",
                "4.2.2. Soil",
                "4.2.3. Seedlings",
                "4.2.3.1. Trays",
                "4.2.3.2. Pots",
                "4.2.3.3. Pricking out"
            ],
            "{t:?}"
        );
        assert_eq!(t.iter().filter(|(k, _)| k == "body").count(), 20, "{t:?}");
        assert!(!t.iter().any(|(_, x)| x.contains("Prev") || x.contains("Home")), "{t:?}");
    }

    #[test]
    fn charset_is_taken_from_the_page() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode("<html><head><meta charset=\"windows-1251\"></head><body><p>Мох растёт на граните медленно, год за годом.</p></body></html>");
        let t = texts_of(&bytes);
        assert_eq!(t[0].1, "Мох растёт на граните медленно, год за годом.");
    }
}
