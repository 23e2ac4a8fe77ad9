//! Markdown, parsed as CommonMark (with tables and footnotes, as GitHub writes them) by
//! pulldown-cmark: headings are headings (`# Лекция 5` is the section `Лекция 5`),
//! emphasis markers and link syntax leave the text, table rows, list items and block
//! quotes are passages of their own, footnotes are notes. Lines stay the file's lines,
//! and every word keeps its true byte offset: where markup was taken out, the line says
//! where its text resumes in the file.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::Read;
use crate::ingest::{Hint, Line, SourceDoc, Structured};

/// A line being built: its text, and where each piece of it is in the file.
#[derive(Default)]
struct Building {
    text: String,
    checkpoints: Vec<(usize, usize)>,
    /// End of the last piece, relative to the line's start.
    end: usize,
}

/// Reads a Markdown file.
pub fn read(rel: &str, bytes: &[u8]) -> Result<Read, String> {
    let (text, base) = match std::str::from_utf8(bytes) {
        Ok(t) => {
            let bom = if t.starts_with('\u{feff}') { 3 } else { 0 };
            (t[bom..].to_string(), bom)
        }
        // Another encoding: read as plain text first, its lines joined again.
        Err(_) => {
            let doc = crate::ingest::decode(rel, bytes)?;
            (doc.lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join("\n"), 0)
        }
    };
    if text.trim().is_empty() {
        return Err("empty file".into());
    }
    let starts: Vec<usize> =
        std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let line_of = |offset: usize| starts.partition_point(|&s| s <= offset) - 1;
    let mut lines: Vec<Building> = (0..starts.len()).map(|_| Building::default()).collect();
    let mut structure: Vec<Structured> = Vec::new();
    let mut title: Option<String> = None;

    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    // Open containers (quotes, list items, footnotes) and the leaf block being read.
    let mut quotes = 0usize;
    let mut items = 0usize;
    let mut notes = 0usize;
    let mut image = 0usize;
    let mut metadata = false;
    let mut leaf: Option<(Hint, Option<usize>, Option<usize>)> = None; // hint, first, last line
    let add = |lines: &mut Vec<Building>,
               leaf: &mut Option<(Hint, Option<usize>, Option<usize>)>,
               piece: &str,
               at: usize,
               raw_end: usize| {
        let Some((_, first, last)) = leaf.as_mut() else { return };
        // A piece may hold several lines (code blocks).
        let mut offset = at;
        for (k, part) in piece.split('\n').enumerate() {
            if k > 0 {
                offset += 1;
            }
            let n = line_of(offset.min(text.len().saturating_sub(1)));
            let rel_at = offset - starts[n];
            let line = &mut lines[n];
            if !part.is_empty() {
                // Markup between two pieces (`**`, `](url)`) joins them; a blank (a table
                // cell's bar and spaces) keeps them apart.
                let between = text.get(starts[n] + line.end..offset).unwrap_or("");
                if !line.text.is_empty()
                    && rel_at > line.end
                    && between.contains(char::is_whitespace)
                {
                    line.text.push(' ');
                }
                line.checkpoints.push((line.text.len(), rel_at));
                line.text.push_str(part);
                line.end = rel_at + part.len();
                first.get_or_insert(n);
                *last = Some(n);
            }
            offset += part.len();
        }
        // The piece's markup after its text (a code span's backticks) is no gap.
        let n = line_of(raw_end.saturating_sub(1).min(text.len().saturating_sub(1)));
        if lines[n].end < raw_end - starts[n] && !piece.contains('\n') {
            lines[n].end = raw_end - starts[n];
        }
    };
    let close = |structure: &mut Vec<Structured>,
                 leaf: &mut Option<(Hint, Option<usize>, Option<usize>)>| {
        if let Some((hint, Some(first), Some(last))) = leaf.take() {
            structure.push(Structured { first, last, hint });
        }
    };
    let container_hint = |quotes: usize, items: usize, notes: usize| {
        if notes > 0 {
            Hint::Note
        } else if quotes > 0 {
            Hint::Quote
        } else if items > 0 {
            Hint::Item
        } else {
            Hint::Paragraph
        }
    };
    for (event, range) in Parser::new_ext(&text, options).into_offset_iter() {
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph => {
                    close(&mut structure, &mut leaf);
                    leaf = Some((container_hint(quotes, items, notes), None, None));
                }
                Tag::Heading { level, .. } => {
                    close(&mut structure, &mut leaf);
                    leaf = Some((Hint::Heading(heading_depth(level)), None, None));
                }
                Tag::CodeBlock(_) => {
                    close(&mut structure, &mut leaf);
                    leaf = Some((Hint::Code, None, None));
                }
                Tag::TableHead | Tag::TableRow => {
                    close(&mut structure, &mut leaf);
                    leaf = Some((Hint::Row, None, None));
                }
                Tag::BlockQuote(_) => {
                    close(&mut structure, &mut leaf);
                    quotes += 1;
                }
                Tag::Item => {
                    close(&mut structure, &mut leaf);
                    items += 1;
                    // A tight list item has its text without a paragraph.
                    leaf = Some((container_hint(quotes, items, notes), None, None));
                }
                Tag::FootnoteDefinition(_) => {
                    close(&mut structure, &mut leaf);
                    notes += 1;
                    leaf = Some((Hint::Note, None, None));
                }
                Tag::Image { .. } => image += 1,
                Tag::MetadataBlock(_) => metadata = true,
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::CodeBlock
                | TagEnd::TableHead
                | TagEnd::TableRow => close(&mut structure, &mut leaf),
                TagEnd::BlockQuote(_) => {
                    close(&mut structure, &mut leaf);
                    quotes = quotes.saturating_sub(1);
                }
                TagEnd::Item => {
                    close(&mut structure, &mut leaf);
                    items = items.saturating_sub(1);
                }
                TagEnd::FootnoteDefinition => {
                    close(&mut structure, &mut leaf);
                    notes = notes.saturating_sub(1);
                }
                TagEnd::Image => image = image.saturating_sub(1),
                TagEnd::MetadataBlock(_) => metadata = false,
                _ => {}
            },
            Event::Text(t) if metadata && title.is_none() => {
                title = t.lines().find_map(|l| {
                    let v = l.strip_prefix("title:")?.trim().trim_matches(['"', '\'']);
                    (!v.is_empty()).then(|| v.to_string())
                });
            }
            Event::Text(_) if metadata => {}
            Event::Text(t) | Event::Code(t) if image == 0 => {
                // Where the piece's own text begins: after a code span's backticks.
                let raw = &text[range.clone()];
                let at = range.start + raw.find(t.as_ref()).unwrap_or(0);
                if leaf.is_none() {
                    leaf = Some((container_hint(quotes, items, notes), None, None));
                }
                add(&mut lines, &mut leaf, &t, at, range.end);
            }
            _ => {}
        }
    }
    close(&mut structure, &mut leaf);
    structure.sort_by_key(|s| s.first);
    let lines: Vec<Line> = lines
        .into_iter()
        .zip(&starts)
        .map(|(b, &start)| Line::new(b.text, base + start, b.checkpoints))
        .collect();
    if structure.is_empty() {
        return Err("no text to index".into());
    }
    let mut doc = SourceDoc::from_reader(rel, "Markdown", lines);
    doc.structure = structure;
    doc.headings_known = true;
    doc.title = title;
    Ok(Read { doc, notes: Vec::new() })
}

fn heading_depth(level: HeadingLevel) -> usize {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passages(md: &str) -> Vec<(String, String, u32, u32)> {
        let doc = read("n.md", md.as_bytes()).unwrap().doc;
        crate::segment::segment(&doc)
            .passages
            .into_iter()
            .map(|p| (p.kind.as_str().to_string(), p.text, p.line_start, p.line_end))
            .collect()
    }

    #[test]
    fn headings_emphasis_links_tables_lists_quotes_and_notes() {
        let md = "# Лекция 5\n\nЛишайник **растёт** на [граните](https://x.example) медленно.[^1]\n\n\
                  ## Таблица\n\n| Вид | Рост |\n|---|---|\n| мох | быстро |\n\n\
                  - первый пункт\n- второй *пункт*\n\n> Цитата из `атласа`.\n\n[^1]: Примечание о граните.\n";
        let p = passages(md);
        let texts: Vec<&str> = p.iter().map(|x| x.1.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Лекция 5",
                "Лишайник растёт на граните медленно.",
                "Таблица",
                "Вид Рост",
                "мох быстро",
                "первый пункт",
                "второй пункт",
                "Цитата из атласа.",
                "Примечание о граните."
            ]
        );
        assert_eq!(p[0].0, "heading");
        assert_eq!(p[8].0, "note");
        // Lines are the file's own.
        assert_eq!((p[1].2, p[4].2, p[8].2), (3, 9, 16));
        let doc = read("n.md", md.as_bytes()).unwrap().doc;
        let seg = crate::segment::segment(&doc);
        assert_eq!(seg.title.as_deref(), Some("Лекция 5"));
        assert_eq!(seg.passages[4].section, "Таблица");
    }

    #[test]
    fn offsets_stay_true_where_markup_is_taken_out() {
        let md = "Intro with **bold words** and a [link text](u) here.\n";
        let doc = read("n.md", md.as_bytes()).unwrap().doc;
        let p = &crate::segment::segment(&doc).passages[0];
        assert_eq!(p.text, "Intro with bold words and a link text here.");
        assert_eq!(&md[p.byte_start as usize..p.byte_end as usize], md.trim_end());
        let line = &doc.lines[0];
        let at = line.text.find("link").unwrap();
        assert_eq!(&md[doc.raw_offset(0, at)..][..4], "link");
    }

    #[test]
    fn front_matter_gives_the_title_and_no_text() {
        let md = "---\ntitle: \"Мхи\"\n---\n\nТекст о мхах.\n";
        let doc = read("n.md", md.as_bytes()).unwrap().doc;
        assert_eq!(doc.title.as_deref(), Some("Мхи"));
        let seg = crate::segment::segment(&doc);
        assert_eq!(seg.passages.len(), 1);
    }
}
