//! Segmentation: a decoded file becomes passages with true locators. Lines group into
//! paragraphs (one line each, or blank-line separated in hard-wrapped text: detected per
//! file), the cleaning rules in `clean` cut and label what is not the author's prose,
//! headings set the section path, and long paragraphs split at sentence boundaries into
//! windows of whole sentences. A passage's text is made of pieces of source lines, so its
//! line and byte locators are those of its first and last piece, whatever was cut between.

use crate::clean;
use crate::ingest::{word_after, word_before, Hint, SourceDoc};
use crate::normalize;

/// Bumped whenever segmentation or cleaning changes what passages are made, or the
/// alignment which passages translate which (`parallel`): an index made by another version
/// is rebuilt.
pub const SEGMENT_VERSION: u32 = 48;

/// Paragraphs longer than this many characters are split into sentence windows.
pub const MAX_PASSAGE_CHARS: usize = 700;
/// A window with no sentence end for this long is cut at a space (or anywhere, if it has
/// none): text without punctuation still makes passages of a readable size.
const MAX_WINDOW_CHARS: usize = 4 * MAX_PASSAGE_CHARS;
/// Lines longer than this (a 50 MB file with no newline) are cut into blocks of at most
/// this size at spaces before cleaning, so every later stage works on bounded text.
const MAX_BLOCK_BYTES: usize = 64 * 1024;

/// What a passage is, as far as a reader is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// The author's own text.
    Body,
    /// A summary of a linked article, scraped into the page (not the page's own words).
    Gloss,
    /// A table of contents.
    Toc,
    /// A bibliographic reference.
    Reference,
    /// A heading (or the document's title line): the name of what follows.
    Heading,
    /// A footnote or endnote, as a format marks it.
    Note,
}

impl Kind {
    /// The name used in the index and in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Body => "body",
            Kind::Gloss => "gloss",
            Kind::Toc => "toc",
            Kind::Reference => "reference",
            Kind::Heading => "heading",
            Kind::Note => "note",
        }
    }

    /// How much a match in this kind of passage counts against one in the author's text.
    pub fn weight(self) -> f32 {
        match self {
            Kind::Body => 1.0,
            Kind::Gloss => 0.5,
            Kind::Reference => 0.3,
            Kind::Toc => 0.2,
            Kind::Heading => 0.4,
            Kind::Note => 0.5,
        }
    }

    /// Code stored in the index's fast field (the order of [`Kind::ALL`]).
    pub fn code(self) -> u64 {
        Kind::ALL.iter().position(|&k| k == self).unwrap_or(0) as u64
    }

    /// Every kind.
    pub const ALL: [Kind; 6] =
        [Kind::Body, Kind::Gloss, Kind::Toc, Kind::Reference, Kind::Heading, Kind::Note];
}

/// How a piece attaches to the text before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Glue {
    /// With a space (a line break or a cut inside a line).
    Space,
    /// Directly (a word hyphenated at a line end, or a footnote mark cut from a word).
    Join,
}

/// Bytes `start..end` of line `line` (0-based) of the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    /// 0-based line index.
    pub line: usize,
    /// Start byte in the decoded line.
    pub start: usize,
    /// End byte in the decoded line.
    pub end: usize,
    /// How it attaches to the previous piece.
    pub glue: Glue,
}

/// A paragraph-to-be: pieces of source lines and what kind of text they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The block's text, in order.
    pub pieces: Vec<Piece>,
    /// Its kind.
    pub kind: Kind,
}

impl Block {
    /// A block of one whole line, trimmed.
    pub fn line(doc: &SourceDoc, line: usize) -> Block {
        let text = &doc.lines[line].text;
        let start = text.len() - text.trim_start().len();
        let end = text.trim_end().len();
        Block { pieces: vec![Piece { line, start, end, glue: Glue::Space }], kind: Kind::Body }
    }

    /// The block's raw text (pieces glued, not yet display-normalised) and the offset of
    /// each piece in it.
    pub fn text(&self, doc: &SourceDoc) -> (String, Vec<usize>) {
        let mut text = String::new();
        let mut starts = Vec::with_capacity(self.pieces.len());
        for (i, p) in self.pieces.iter().enumerate() {
            if i > 0 && p.glue == Glue::Space {
                text.push(' ');
            }
            starts.push(text.len());
            text.push_str(&doc.lines[p.line].text[p.start..p.end]);
        }
        (text, starts)
    }

    /// The sub-block covering bytes `a..b` of [`Block::text`].
    fn slice(&self, starts: &[usize], a: usize, b: usize) -> Block {
        let mut pieces = Vec::new();
        for (p, &s) in self.pieces.iter().zip(starts) {
            let e = s + (p.end - p.start);
            let (from, to) = (a.max(s), b.min(e));
            if from < to {
                let glue = if pieces.is_empty() { Glue::Space } else { p.glue };
                pieces.push(Piece {
                    line: p.line,
                    start: p.start + from - s,
                    end: p.start + to - s,
                    glue,
                });
            }
        }
        Block { pieces, kind: self.kind }
    }
}

/// Between the headings of a section path, outermost first.
pub const SECTION_SEPARATOR: &str = " › ";

/// A passage as indexed: display text, kind, section and true locators.
#[derive(Debug, Clone, PartialEq)]
pub struct Passage {
    /// Stable id, unique in an index: the document's path, `:`, the first line (and `.N`
    /// for the N-th passage of the file starting on that line).
    pub id: String,
    /// Path of the document relative to the corpus folder.
    pub doc: String,
    /// 0-based position among the document's passages.
    pub ordinal: u32,
    /// What kind of text it is.
    pub kind: Kind,
    /// Section path, outermost first, joined with [`SECTION_SEPARATOR`] (empty before the
    /// first heading).
    pub section: String,
    /// The passage's text, display-normalised.
    pub text: String,
    /// Language code (`ru`, `en`, …), set by the language stage.
    pub lang: &'static str,
    /// First line, 1-based.
    pub line_start: u32,
    /// Last line, 1-based, inclusive.
    pub line_end: u32,
    /// First byte in the raw file.
    pub byte_start: u64,
    /// End byte in the raw file, exclusive.
    pub byte_end: u64,
    /// Where each line after the first begins in `text`: `(byte offset, line)`, ascending,
    /// so any words of the passage can be cited by their own lines.
    pub line_marks: Vec<(u32, u32)>,
    /// For paged formats: the page of the first line, and each page that begins within the
    /// passage, as `(first line, physical page, printed label)`.
    pub pages: Vec<PageMark>,
}

/// A page as a passage knows it: from which of its lines, its physical number and label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageMark {
    pub line: u32,
    pub page: u32,
    pub label: Option<String>,
}

/// The pages (first, last) holding lines `first..=last`, from a passage's page marks.
pub fn pages_of(marks: &[PageMark], first: u32, last: u32) -> Option<(&PageMark, &PageMark)> {
    let at = |line: u32| marks.iter().take_while(|m| m.line <= line).last().or(marks.first());
    Some((at(first)?, at(last)?))
}

/// Page marks as stored: `line:page:label` entries, separated by U+001E.
pub fn pages_to_string(marks: &[PageMark]) -> String {
    marks
        .iter()
        .map(|m| format!("{}:{}:{}", m.line, m.page, m.label.as_deref().unwrap_or("")))
        .collect::<Vec<_>>()
        .join("\u{1e}")
}

/// Page marks read back; what does not parse is left out.
pub fn pages_from_str(s: &str) -> Vec<PageMark> {
    s.split('\u{1e}')
        .filter_map(|m| {
            let mut parts = m.splitn(3, ':');
            let line = parts.next()?.parse().ok()?;
            let page = parts.next()?.parse().ok()?;
            let label = parts.next().filter(|l| !l.is_empty()).map(str::to_string);
            Some(PageMark { line, page, label })
        })
        .collect()
}

impl Passage {
    /// The lines holding bytes `start..end` of the text.
    pub fn lines_of(&self, start: usize, end: usize) -> (u32, u32) {
        lines_of(self.line_start, &self.line_marks, start, end)
    }
}

/// The lines holding bytes `start..end` of a passage's text that begins on `line_start`
/// and whose later lines begin at `marks`.
pub fn lines_of(line_start: u32, marks: &[(u32, u32)], start: usize, end: usize) -> (u32, u32) {
    let line_at = |offset: usize| {
        marks
            .iter()
            .take_while(|&&(at, _)| at as usize <= offset)
            .last()
            .map_or(line_start, |m| m.1)
    };
    let last = end.saturating_sub(1).max(start);
    (line_at(start), line_at(last))
}

/// Line marks as stored: `offset:line` pairs separated by spaces.
pub fn marks_to_string(marks: &[(u32, u32)]) -> String {
    marks.iter().map(|(a, l)| format!("{a}:{l}")).collect::<Vec<_>>().join(" ")
}

/// Line marks read back; what does not parse is left out.
pub fn marks_from_str(s: &str) -> Vec<(u32, u32)> {
    s.split(' ')
        .filter_map(|m| {
            let (a, l) = m.split_once(':')?;
            Some((a.parse().ok()?, l.parse().ok()?))
        })
        .collect()
}

/// A segmented document: its title (when the file shows one) and its passages.
#[derive(Debug, Clone, PartialEq)]
pub struct Segmented {
    /// The document's own title: its first line, when that reads as a heading.
    pub title: Option<String>,
    /// The title is also a heading of the text, left out of the sections it heads (a
    /// page whose `<title>` is its `<h1>`, a note's first line): its words belong to
    /// every section's terms.
    pub title_heads: bool,
    /// The passages, in document order.
    pub passages: Vec<Passage>,
}

/// Splits a decoded document into passages.
pub fn segment(doc: &SourceDoc) -> Segmented {
    segment_counting(doc, &mut Ids::default())
}

/// Passages per first line so far: a passage's id is its file and first line, and `.N` for
/// the N-th passage starting on that line, wherever it comes in the file (a reference
/// split from the body on the same line, say), so ids are unique in an index.
#[derive(Debug, Default)]
pub struct Ids(rustc_hash::FxHashMap<u32, u32>);

impl Ids {
    /// Keeps only what a next part of the file can continue: its last line's count.
    pub fn keep_last_line(&mut self) {
        if let Some(&last) = self.0.keys().max() {
            self.0.retain(|&line, _| line == last);
        }
    }

    fn next(&mut self, line: u32) -> u32 {
        let n = self.0.entry(line).or_insert(0);
        *n += 1;
        *n
    }
}

/// [`segment`] for a part of a file, numbering ids after those of the parts before it.
pub fn segment_counting(doc: &SourceDoc, ids: &mut Ids) -> Segmented {
    let margin = Margins::of(doc);
    let blocks = clean::clean(doc, paragraphs(doc, margin));
    let mut outline = Outline::default();
    let mut passages: Vec<Passage> = Vec::new();
    // The whole path names the file: `notes.txt` and `notes.md` are two documents.
    let id_stem = doc.rel.as_str();
    let mut skip_next = false;
    // Underline characters in the order the document first uses them: its heading levels.
    let mut underlines: Vec<char> = Vec::new();
    // A document that underlines its headings, or whose format marks them (a PDF's by
    // their type), says which lines are headings: other lines are not, unless numbered
    // as sections (`5.9.2.1. …`).
    let underlined = blocks
        .iter()
        .filter(|b| {
            b.kind == Kind::Heading
                || b.pieces.len() == 1 && underline_below(doc, b.pieces[0].line, margin).is_some()
        })
        .take(2)
        .count()
        == 2;
    for (i, block) in blocks.iter().enumerate() {
        if std::mem::take(&mut skip_next) {
            continue;
        }
        let (raw, starts) = block.text(doc);
        // A heading the format marked; or a numbered heading wrapped over a few lines at
        // the margin, where the text is indented past it (`1.5. What is the difference …
        // other Linux` / `distributions? …`), when the document's numbering goes on with it.
        let marked = (block.kind == Kind::Heading)
            .then(|| marked_heading(doc, block.pieces[0].line))
            .flatten();
        let wrapped_at_margin = block.kind == Kind::Body
            && !doc.headings_known
            && (2..=MAX_HEADING_LINES).contains(&block.pieces.len())
            && margin.indents_text()
            && block.pieces.iter().all(|p| margin.at_margin(&doc.lines[p.line].text));
        let depth = marked.or_else(|| {
            wrapped_at_margin
                .then(|| outline.sections.next_in_sequence(&raw, block.pieces.len()))
                .flatten()
        });
        if let Some(depth) = depth {
            let heading = normalize::display(&raw);
            let section = outline.sections.parent_of(depth);
            let mut passage = make_passage(
                doc,
                id_stem,
                ids,
                &passages,
                &block.pieces,
                Kind::Heading,
                section,
                heading.clone(),
            );
            passage.line_marks = line_marks(doc, block, &starts, 0, raw.len(), &raw);
            passages.push(passage);
            // The first heading of a document that names itself nowhere else is its title.
            let is_title =
                doc.title.is_none() && doc.first_line == 0 && passages.len() == 1 && depth == 1;
            outline.take(doc, heading, depth, is_title);
            continue;
        }
        if block.kind == Kind::Body && block.pieces.len() == 1 && !doc.headings_known {
            let underline = underline_below(doc, block.pieces[0].line, margin);
            let wrapped = if underline.is_some() {
                None
            } else {
                wrapped_heading(doc, &raw, block, blocks.get(i + 1))
            };
            let joined = wrapped.is_some();
            let heading_text = wrapped.unwrap_or_else(|| raw.clone());
            // A numbered line indented into the text is a list's item unless the
            // document's numbering goes on with it.
            let line = &doc.lines[block.pieces[0].line].text;
            // Where documentation tools indent the text past headings at the margin, a
            // centred line after the title is title-page matter (an author, a version),
            // no section.
            let title_page =
                margin.indents_text() && !margin.at_margin(line) && !passages.is_empty();
            let at_margin = margin.allows(line) && !title_page;
            let numbered = numbering(&heading_text).0;
            let next = outline.sections.next_in_sequence(&heading_text, 1);
            let depth = match underline {
                Some(c) => underlined_depth(&heading_text, c, &mut underlines),
                None if underlined => heading_depth(&heading_text).filter(|_| numbered >= 2),
                None => heading_depth(&heading_text),
            }
            .filter(|_| underline.is_some() || at_margin || next.is_some())
            .or(next.filter(|_| at_margin));
            // The next line is taken into the heading only when the two make one.
            skip_next = joined && depth.is_some();
            if let Some(depth) = depth {
                let heading = normalize::display(&heading_text);
                let mut pieces = block.pieces.clone();
                if skip_next {
                    pieces.extend(blocks[i + 1].pieces.iter().copied());
                }
                // The heading is a passage too: the name of what follows is findable.
                let section = outline.sections.parent_of(depth);
                let mut passage = make_passage(
                    doc,
                    id_stem,
                    ids,
                    &passages,
                    &pieces,
                    Kind::Heading,
                    section,
                    heading.clone(),
                );
                if skip_next {
                    let cut = raw.trim().len() + 1;
                    let at = normalize::display_offsets(&heading_text, &[cut])[0];
                    passage.line_marks = vec![(at as u32, passage.line_end)];
                }
                passages.push(passage);
                let is_title = i == 0
                    && doc.first_line == 0
                    && passages.len() == 1
                    && heading.split_whitespace().count() >= 2;
                outline.take(doc, heading, depth, is_title);
                continue;
            }
        }
        // Everything under `References`, `Further reading`, `Литература` is references.
        let kind_here = if outline.bibliography && block.kind == Kind::Body {
            Kind::Reference
        } else {
            block.kind
        };
        // A table of contents stays whole: its windows would not be sentences.
        let windows =
            if block.kind == Kind::Toc { vec![(0, raw.len())] } else { sentence_windows(&raw) };
        for (a, b) in windows {
            let part = block.slice(&starts, a, b);
            let text = normalize::display(&raw[a..b]);
            if part.pieces.is_empty() || !text.chars().any(char::is_alphanumeric) {
                continue;
            }
            let mut passage = make_passage(
                doc,
                id_stem,
                ids,
                &passages,
                &part.pieces,
                kind_here,
                outline.sections.joined(),
                text,
            );
            passage.line_marks = line_marks(doc, block, &starts, a, b, &raw);
            passages.push(passage);
        }
    }
    Segmented {
        title: doc.title.clone().or(outline.title),
        title_heads: outline.title_heads,
        passages,
    }
}

/// What the headings found so far make of a document: its title, whether that heads the
/// text, the path of sections, and whether the current one is a bibliography.
#[derive(Default)]
struct Outline {
    title: Option<String>,
    title_heads: bool,
    sections: SectionPath,
    bibliography: bool,
}

impl Outline {
    /// A heading found at `depth`: the document's title when `is_title`; no section when it
    /// repeats the title the document names itself by; else the section it opens.
    fn take(&mut self, doc: &SourceDoc, heading: String, depth: usize, is_title: bool) {
        if is_title {
            self.title = Some(heading);
            self.title_heads = true;
        } else if is_own_title(doc, &heading) {
            self.title_heads = true;
        } else {
            self.bibliography = clean::is_bibliography_heading(&heading);
            self.sections.enter(depth, heading);
        }
    }
}

/// A passage of `pieces` (never empty), numbered after `before`.
#[allow(clippy::too_many_arguments)]
fn make_passage(
    doc: &SourceDoc,
    id_stem: &str,
    ids: &mut Ids,
    before: &[Passage],
    pieces: &[Piece],
    kind: Kind,
    section: String,
    text: String,
) -> Passage {
    let first = pieces[0];
    let last = *pieces.last().expect("non-empty");
    let line_start = doc.line_number(first.line);
    let id = match ids.next(line_start) {
        1 => format!("{id_stem}:{line_start}"),
        n => format!("{id_stem}:{line_start}.{n}"),
    };
    Passage {
        id,
        doc: doc.rel.clone(),
        ordinal: before.len() as u32,
        kind,
        section,
        text,
        lang: crate::lang::UNDETERMINED,
        line_start,
        line_end: doc.line_number(last.line),
        byte_start: doc.raw_offset(first.line, first.start) as u64,
        byte_end: doc.raw_offset(last.line, last.end) as u64,
        line_marks: Vec::new(),
        pages: page_marks(doc, first.line, last.line),
    }
}

/// The page marks of a passage on lines `first..=last` (indexes into the doc's lines).
fn page_marks(doc: &SourceDoc, first: usize, last: usize) -> Vec<PageMark> {
    if doc.pages.is_empty() {
        return Vec::new();
    }
    let mut marks: Vec<PageMark> = doc
        .page_of(first)
        .map(|p| PageMark { line: doc.line_number(first), page: p.number, label: p.label.clone() })
        .into_iter()
        .collect();
    marks.extend(doc.pages.iter().filter(|p| p.line > first && p.line <= last).map(|p| PageMark {
        line: doc.line_number(p.line),
        page: p.number,
        label: p.label.clone(),
    }));
    marks
}

/// The line marks of the passage cut from bytes `a..b` of `block`'s text `raw` (whose
/// pieces start at `starts`): where each piece on a new line begins in the shown text.
fn line_marks(
    doc: &SourceDoc,
    block: &Block,
    starts: &[usize],
    a: usize,
    b: usize,
    raw: &str,
) -> Vec<(u32, u32)> {
    let mut cuts = Vec::new();
    let mut lines = Vec::new();
    let mut previous = None;
    for (p, &s) in block.pieces.iter().zip(starts) {
        let (from, to) = (a.max(s), b.min(s + (p.end - p.start)));
        if from >= to {
            continue;
        }
        if previous.is_some_and(|l| l != p.line) {
            cuts.push(from - a);
            lines.push(doc.line_number(p.line));
        }
        previous = Some(p.line);
    }
    let offsets = normalize::display_offsets(&raw[a..b], &cuts);
    offsets.into_iter().zip(lines).map(|(at, line)| (at as u32, line)).collect()
}

/// A numbered heading wrapped over two lines (`3. Отношения после прихода к` /
/// `власти А. Гитлера`): the joined text, when the first line alone is no heading and the
/// two together are.
fn wrapped_heading(
    doc: &SourceDoc,
    raw: &str,
    block: &Block,
    next: Option<&Block>,
) -> Option<String> {
    let next = next?;
    let (depth, _) = numbering(raw.trim());
    let adjacent = next.pieces.len() == 1 && next.pieces[0].line == block.pieces[0].line + 1;
    if depth == 0 || !adjacent || next.kind != Kind::Body || heading_depth(raw).is_some() {
        return None;
    }
    let (next_raw, _) = next.text(doc);
    if next_raw.trim().chars().count() > 60 {
        return None;
    }
    let joined = format!("{} {}", raw.trim(), next_raw.trim());
    heading_depth(&joined).map(|_| joined)
}

/// The headings above the current position.
#[derive(Default)]
struct SectionPath {
    /// (depth, heading), outermost first.
    stack: Vec<(usize, String)>,
    /// The section number of the last numbered heading (`5.9.2.` is [5, 9, 2]).
    last_number: Vec<u32>,
}

impl SectionPath {
    fn enter(&mut self, depth: usize, heading: String) {
        let number = section_number(&heading);
        if !number.is_empty() {
            self.last_number = number;
        }
        self.stack.retain(|&(d, _)| d < depth);
        self.stack.push((depth, heading));
    }

    /// The depth of `text` as a heading on the evidence of its number alone: a section
    /// number of two parts or more that comes next after the last heading's (`5.2. compat`
    /// after `5.1. README`, `6.1. …` after `5.21.3. …`), on `lines` lines short enough
    /// and not ending a sentence. The document's own numbering says it is a heading
    /// where its words (a file name, a command) do not look like one.
    fn next_in_sequence(&self, text: &str, lines: usize) -> Option<usize> {
        let text = text.trim();
        let number = section_number(text);
        let words = text.split_whitespace().count();
        let plausible = number.len() >= 2
            && text.chars().count() <= 100 * lines
            && (2..=14 * lines).contains(&words)
            && (!text.ends_with(['.', ',', ';', ':']) || ends_in_ellipsis(text))
            && numbering(text).1.chars().any(char::is_alphabetic);
        (plausible && follows(&self.last_number, &number)).then_some(number.len())
    }

    /// The path of the sections a heading of `depth` sits in.
    fn parent_of(&self, depth: usize) -> String {
        let parents: Vec<&str> =
            self.stack.iter().filter(|&&(d, _)| d < depth).map(|(_, h)| h.as_str()).collect();
        parents.join(SECTION_SEPARATOR)
    }

    fn joined(&self) -> String {
        self.stack.iter().map(|(_, h)| h.as_str()).collect::<Vec<_>>().join(SECTION_SEPARATOR)
    }
}

/// Groups lines into paragraph blocks: one per line, or one per blank-line separated run
/// in hard-wrapped text (where a word hyphenated at a line end is joined again).
fn paragraphs(doc: &SourceDoc, margin: Margins) -> Vec<Block> {
    if !doc.structure.is_empty() {
        return structured_paragraphs(doc);
    }
    let blank = |i: usize| doc.lines[i].text.trim().is_empty();
    if !is_hard_wrapped(doc, margin) {
        return (0..doc.lines.len())
            .filter(|&i| !blank(i))
            .flat_map(|i| bounded(doc, Block::line(doc, i)))
            .collect();
    }
    let mut blocks: Vec<Block> = Vec::new();
    let mut current: Option<Block> = None;
    for i in 0..doc.lines.len() {
        if blank(i) {
            blocks.extend(current.take());
            continue;
        }
        // A setext underline (`-----` under `3.2. Voting`) ends its heading's block and
        // carries no text; `segment` reads the heading from the line above.
        if i > 0
            && underline_below(doc, i - 1, margin).is_some()
            && current.as_ref().is_some_and(|b| b.pieces.len() == 1 && b.pieces[0].line + 1 == i)
        {
            blocks.extend(current.take());
            continue;
        }
        let line = Block::line(doc, i);
        let indented = doc.lines[i].text.starts_with(char::is_whitespace);
        match current.as_mut() {
            Some(block)
                if (!starts_item(&doc.lines[i].text) || ends_in_cut_mark(doc, block, i))
                    && (!indented || starts_indented(doc, block) || hangs_from(doc, block, i)) =>
            {
                continue_block(doc, block, i);
            }
            _ => {
                blocks.extend(current.take());
                current = Some(line);
            }
        }
    }
    blocks.extend(current);
    blocks.into_iter().flat_map(|b| bounded(doc, b)).collect()
}

/// Adds line `i` to `block`, joining a word or path broken across the line break.
pub(crate) fn continue_block(doc: &SourceDoc, block: &mut Block, i: usize) {
    let mut piece = Block::line(doc, i).pieces[0];
    let prev = block.pieces.last_mut().expect("blocks are never empty");
    if !join_at_break(doc, prev, &mut piece) {
        let prev_text = &doc.lines[prev.line].text[prev.start..prev.end];
        if cut_mark(prev_text, &doc.lines[i].text[piece.start..piece.end]) {
            piece.glue = Glue::Join;
        }
    }
    block.pieces.push(piece);
}

/// A block whose one-line pieces are cut to at most `MAX_BLOCK_BYTES`, at spaces where
/// there are any. Cut parts of one line become blocks of their own.
fn bounded(doc: &SourceDoc, block: Block) -> Vec<Block> {
    if block.pieces.iter().all(|p| p.end - p.start <= MAX_BLOCK_BYTES) {
        return vec![block];
    }
    let mut out = Vec::new();
    for p in block.pieces {
        let text = &doc.lines[p.line].text;
        let mut start = p.start;
        while start < p.end {
            let mut end =
                crate::lang::floor_char_boundary(text, (start + MAX_BLOCK_BYTES).min(p.end));
            if end < p.end {
                if let Some(space) = text[start..end].rfind(char::is_whitespace) {
                    if space > 0 {
                        end = start + space;
                    }
                }
            }
            if end <= start {
                end = (start + 1..=p.end).find(|&e| text.is_char_boundary(e)).unwrap_or(p.end);
            }
            let piece = Piece { line: p.line, start, end, glue: Glue::Space };
            if !text[start..end].trim().is_empty() {
                out.push(Block { pieces: vec![piece], kind: block.kind });
            }
            start = end;
        }
    }
    out
}

/// True when section number `next` comes right after `prev`: the next at some level
/// (`5.2` after `5.1.3`), its first parts as `prev`'s and any further parts 1 (`6.1` after
/// `5.4`, `5.1.1` after `5.1`).
fn follows(prev: &[u32], next: &[u32]) -> bool {
    (0..=prev.len()).any(|at| {
        let step = prev.get(at).map_or(1, |n| n + 1);
        next.len() > at
            && next[..at] == prev[..at]
            && next[at] == step
            && next[at + 1..].iter().all(|&n| n == 1)
    })
}

/// The parts of the section number opening `text` (`5.9.2. Title` is [5, 9, 2]); empty
/// when it opens with none.
fn section_number(text: &str) -> Vec<u32> {
    let text = text.trim_start();
    let (depth, rest) = numbering(text);
    // An appendix's letter is a number past any chapter's (`B` follows `A`).
    let letter = appendix_letter(text).and(text.chars().next()).map(|c| APPENDIX + c as u32);
    let numbered = &text[..text.len() - rest.len()];
    let numbers = numbered.split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse().ok());
    letter.into_iter().chain(numbers).take(depth).collect()
}

/// Where appendix letters count from in [`section_number`].
const APPENDIX: u32 = 100_000;

/// Columns of indentation a line may have beyond the document's margin and still be at it.
const MAX_HEADING_INDENT: usize = 3;
/// Lines a numbered heading may be wrapped over at the margin.
const MAX_HEADING_LINES: usize = 4;

/// The columns of whitespace opening `line` (a tab counts 4, a no-break space 1).
fn indent_width(line: &str) -> usize {
    line.chars().take_while(|c| c.is_whitespace()).map(|c| if c == '\t' { 4 } else { 1 }).sum()
}

/// Where a document's lines start: its margin (the least indentation of a line with
/// text) and its text's (the most common).
#[derive(Clone, Copy)]
struct Margins {
    margin: usize,
    text: usize,
}

impl Margins {
    fn of(doc: &SourceDoc) -> Margins {
        let mut counts: std::collections::HashMap<usize, usize> = Default::default();
        for line in doc.lines.iter().filter(|l| !l.text.trim().is_empty()) {
            *counts.entry(indent_width(&line.text)).or_default() += 1;
        }
        let margin = counts.keys().copied().min().unwrap_or(0);
        let text =
            counts.iter().max_by_key(|&(w, n)| (n, std::cmp::Reverse(w))).map_or(0, |p| *p.0);
        Margins { margin, text }
    }

    /// The text is indented past the margin, where headings stand (as documentation
    /// tools render text).
    fn indents_text(self) -> bool {
        self.text > self.margin + MAX_HEADING_INDENT
    }

    /// `line` stands at the margin.
    fn at_margin(self, line: &str) -> bool {
        indent_width(line) <= self.margin + MAX_HEADING_INDENT
    }

    /// A heading may stand on `line`: at the margin, or away from the text's
    /// indentation (centred). Where the text is indented past headings at the margin
    /// (as documentation tools render it), a line at the text's indentation is part of
    /// the text, an example or a list, as in Markdown and reStructuredText.
    fn allows(self, line: &str) -> bool {
        self.at_margin(line) || indent_width(line) > self.text + MAX_HEADING_INDENT
    }
}

/// A line of one punctuation character repeated (`=====`, `-----`, `~~~~`): the underline
/// of a heading in reStructuredText, Markdown and the text that tools render from them.
pub fn is_underline(line: &str) -> bool {
    let t = line.trim();
    let mut chars = t.chars();
    let Some(first) = chars.next() else { return false };
    t.len() >= 3 && "=-~*^#+_`'\".:".contains(first) && chars.all(|c| c == first)
}

/// The underline character right below line `line`, if line `line` is a heading it
/// underlines: both lines where `margin` allows a heading (an indented pair in indented
/// text is part of an example or a quotation), and an underline of other characters than
/// `-` and `=` as long as the heading (a short `...` under a command is an ellipsis, not
/// an underline), as reStructuredText asks.
fn underline_below(doc: &SourceDoc, line: usize, margin: Margins) -> Option<char> {
    let (heading, next) = (&doc.lines.get(line)?.text, &doc.lines.get(line + 1)?.text);
    let mark = next.trim().chars().next()?;
    let long_enough =
        matches!(mark, '-' | '=') || next.trim().chars().count() >= heading.trim().chars().count();
    (is_underline(next)
        && !heading.trim().is_empty()
        && margin.allows(heading)
        && margin.allows(next)
        && long_enough)
        .then_some(mark)
}

/// Width of a list marker opening `text` (`* `, `- `, `• `, `1. `, `a) `, `[1] `), with
/// the spaces after it; 0 when the text opens with none.
pub fn list_marker_width(text: &str) -> usize {
    let marker_end = if text.starts_with(['*', '-', '•', '–', '+']) {
        text.chars().next().map_or(0, char::len_utf8)
    } else if let Some(rest) = text.strip_prefix('[').or_else(|| text.strip_prefix("^[")) {
        // `[1] ` and, as text browsers render a note, `^[1] `.
        let caret = usize::from(text.starts_with('^'));
        match rest.find(']') {
            Some(n) if n > 0 && n <= 4 && rest[..n].chars().all(|c| c.is_ascii_digit()) => {
                caret + n + 2
            }
            _ => return 0,
        }
    } else {
        let digits =
            text.len() - text.trim_start_matches(|c: char| c.is_ascii_alphanumeric()).len();
        let alnum = &text[..digits];
        let ordinal = (1..=3).contains(&digits) && alnum.chars().all(|c| c.is_ascii_digit())
            || digits == 1 && alnum.chars().all(|c| c.is_ascii_lowercase());
        if !ordinal || !text[digits..].starts_with(['.', ')']) {
            return 0;
        }
        digits + 1
    };
    let after = &text[marker_end..];
    let spaces = after.len() - after.trim_start_matches(' ').len();
    if spaces == 0 || after.trim().is_empty() {
        return 0;
    }
    marker_end + spaces
}

/// A line opening a bulleted item (`* `, `- `, `• `) or a note (`[1] `) starts a block.
pub(crate) fn starts_item(line: &str) -> bool {
    let t = line.trim_start();
    !t.starts_with(|c: char| c.is_ascii_digit()) && list_marker_width(t) > 0
}

/// Line `i` continues a list item (or a note) with a hanging indent: the block opens with
/// a marker and the line is indented to the text after it.
fn hangs_from(doc: &SourceDoc, block: &Block, i: usize) -> bool {
    let first = &doc.lines[block.pieces[0].line].text;
    let lead = first.len() - first.trim_start().len();
    let width = list_marker_width(&first[lead..]);
    width > 0 && indent_width(&doc.lines[i].text) == indent_width(first) + width
}

/// In a block whose first line is indented, indentation does not start new paragraphs.
fn starts_indented(doc: &SourceDoc, block: &Block) -> bool {
    doc.lines[block.pieces[0].line].text.starts_with(char::is_whitespace)
}

/// `… the package. ^` / `[58] The changes …`: a note mark (`^[58]`, as text browsers
/// print one) that the line break cut after its caret. The next line goes on with the
/// paragraph; it opens with the rest of the mark, not with a note.
fn cut_mark(prev: &str, next: &str) -> bool {
    let number = next.trim_start().strip_prefix('[').map_or(0, |rest| {
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if rest[digits..].starts_with(']') {
            digits
        } else {
            0
        }
    });
    prev.ends_with('^') && number > 0
}

/// Line `i` opens with the rest of a note mark that the last line of `block` ends with.
fn ends_in_cut_mark(doc: &SourceDoc, block: &Block, i: usize) -> bool {
    let last = block.pieces.last().expect("blocks are never empty");
    cut_mark(&doc.lines[last.line].text[last.start..last.end], &doc.lines[i].text)
}

/// Joins `piece` to `prev` when the line break between them falls inside a word: at a
/// hyphen, the hyphen the break put there dropped (`сотруд-` / `ничество`), one the word
/// has of its own kept (`ftp-` / `master`, see [`compound_across`]); or after the slash
/// of a path the document writes whole elsewhere (`/usr/` / `share/doc`). True when
/// joined.
fn join_at_break(doc: &SourceDoc, prev: &mut Piece, piece: &mut Piece) -> bool {
    let prev_text = &doc.lines[prev.line].text[prev.start..prev.end];
    let next_text = &doc.lines[piece.line].text[piece.start..piece.end];
    if hyphenated_break(prev_text, next_text) {
        if !compound_across(doc, prev_text, next_text) {
            prev.end -= 1;
        }
    } else if !path_across(doc, prev_text, next_text) {
        return false;
    }
    piece.glue = Glue::Join;
    true
}

/// `/usr/` / `share/doc`: a path broken after a slash, where the document writes the
/// two names joined by it inside a line (`usr/share`); or broken after its first slash
/// (`вместо /` / `usr/local/bin`), where the document starts a path with the name.
fn path_across(doc: &SourceDoc, prev: &str, next: &str) -> bool {
    let Some(head) = prev.strip_suffix('/') else { return false };
    let (left, right) = (word_before(head, head.len()), word_after(next, 0));
    if right.is_empty() {
        return false;
    }
    if head.is_empty() || head.ends_with(char::is_whitespace) {
        return doc.has_path("", right) && next[right.len()..].starts_with('/');
    }
    !left.is_empty() && doc.has_path(left, right)
}

/// `ftp-` / `master`: a word the document writes with a hyphen elsewhere (`ftp-master`),
/// broken at its own hyphen. It is joined with the hyphen kept; a word the document never
/// writes so (`сотруд-` / `ничество`) was hyphenated by the break and loses it.
fn compound_across(doc: &SourceDoc, prev: &str, next: &str) -> bool {
    let head = prev.strip_suffix('-').unwrap_or(prev);
    let (left, right) = (word_before(head, head.len()), word_after(next, 0));
    !left.is_empty() && !right.is_empty() && doc.has_compound(left, right)
}

/// `сотруд-` / `ничество`: a letter and a hyphen at the end, a lowercase letter next.
fn hyphenated_break(prev: &str, next: &str) -> bool {
    let mut back = prev.chars().rev();
    back.next() == Some('-')
        && back.next().is_some_and(char::is_alphabetic)
        && next.chars().next().is_some_and(char::is_lowercase)
}

/// The blocks a format marked: one per paragraph, heading, list item, quote, note, table
/// row or code block, its lines joined (a word hyphenated at a line end joined again).
fn structured_paragraphs(doc: &SourceDoc) -> Vec<Block> {
    let mut blocks = Vec::with_capacity(doc.structure.len());
    for s in &doc.structure {
        let kind = match s.hint {
            Hint::Heading(_) => Kind::Heading,
            Hint::Note => Kind::Note,
            Hint::Contents => Kind::Toc,
            _ => Kind::Body,
        };
        let mut block = Block { pieces: Vec::new(), kind };
        for i in s.first..=s.last.min(doc.lines.len().saturating_sub(1)) {
            let text = &doc.lines[i].text;
            if text.trim().is_empty() {
                continue;
            }
            let mut piece = Block::line(doc, i).pieces[0];
            if let Some(prev) = block.pieces.last_mut() {
                if doc.lines[i].joins {
                    piece.glue = Glue::Join;
                } else if s.hint != Hint::Code {
                    join_at_break(doc, prev, &mut piece);
                }
            }
            block.pieces.push(piece);
        }
        if !block.pieces.is_empty() {
            blocks.extend(bounded(doc, block));
        }
    }
    blocks
}

/// True when `heading` is the title the document's format gives it (a PDF's or a Word
/// file's metadata, an HTML `<title>`).
fn is_own_title(doc: &SourceDoc, heading: &str) -> bool {
    doc.title.as_deref().is_some_and(|t| t.trim().eq_ignore_ascii_case(heading.trim()))
}

/// The depth of the heading a format marked on line `line`, if it marked one there.
fn marked_heading(doc: &SourceDoc, line: usize) -> Option<usize> {
    let at = doc.structure.partition_point(|s| s.last < line);
    doc.structure.get(at).filter(|s| s.first <= line).and_then(|s| match s.hint {
        Hint::Heading(depth) => Some(depth),
        _ => None,
    })
}

/// Characters a line needs to count as wrapped in [`is_hard_wrapped`]'s test (and in
/// `clean::wraps`).
pub(crate) const MIN_RUN_ON_CHARS: usize = 40;
/// The narrowest column [`is_narrow_column`] takes for wrapped text.
const MIN_COLUMN_CHARS: usize = 20;

/// A line (trimmed) that ends a sentence, or a quotation ending one.
pub(crate) fn ends_sentence(line: &str) -> bool {
    line.ends_with(['.', '!', '?', '…', ':', ';', '»', '"', '”'])
}

/// True when `text` ends with an ellipsis (`And finally...`, `Что дальше…`): a title may,
/// where its section number says it is one, as a question may.
pub(crate) fn ends_in_ellipsis(text: &str) -> bool {
    text.ends_with("...") || text.ends_with('…')
}

/// Hard-wrapped text: few long lines, most lines run on into the next one, and most of
/// those break mid-sentence (one-sentence-per-line text ends its lines with a period).
fn is_hard_wrapped(doc: &SourceDoc, margin: Margins) -> bool {
    // Underlined headings and their underlines are structure, not lines of text.
    let underlined = |i: usize| underline_below(doc, i, margin).is_some();
    let lines: Vec<Option<(usize, bool)>> = doc
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let t = l.text.trim();
            let ends_sentence = ends_sentence(t);
            let structure = underlined(i) || i > 0 && underlined(i - 1);
            (!t.is_empty() && !structure).then(|| (t.chars().count(), ends_sentence))
        })
        .collect();
    let nonblank = lines.iter().flatten().count();
    if nonblank < 4 {
        return false;
    }
    let long = lines.iter().flatten().filter(|&&(n, _)| n > 120).count();
    let run_on: Vec<bool> = lines
        .windows(2)
        .filter_map(|w| match w {
            [Some((n, ends)), Some(_)] if *n >= MIN_RUN_ON_CHARS => Some(*ends),
            _ => None,
        })
        .collect();
    let mid_sentence = run_on.iter().filter(|&&ends| !ends).count();
    long * 10 <= nonblank && run_on.len() * 2 >= nonblank && mid_sentence * 2 > run_on.len()
        || is_narrow_column(doc, &lines, nonblank)
}

/// Text wrapped in a narrow column (a newspaper's, as OCR gives it, at 25–40 characters):
/// lines too short for [`is_hard_wrapped`]'s test, but most of them near the column's
/// width, running on into the next line, which starts in lowercase (a list's or a poem's
/// lines start with capitals).
fn is_narrow_column(doc: &SourceDoc, lines: &[Option<(usize, bool)>], nonblank: usize) -> bool {
    let mut lengths: Vec<usize> = lines.iter().flatten().map(|&(n, _)| n).collect();
    let at = lengths.len() * 9 / 10;
    let width = *lengths.select_nth_unstable(at).1;
    if !(MIN_COLUMN_CHARS..MIN_RUN_ON_CHARS).contains(&width) {
        return false;
    }
    let near_width = width * 7 / 10;
    let mut run_on = 0;
    let mut continued = 0;
    for (i, w) in lines.windows(2).enumerate() {
        if let [Some((n, ends)), Some(_)] = w {
            if *n >= near_width && !ends {
                run_on += 1;
                let next = doc.lines[i + 1].text.trim_start();
                continued += usize::from(next.starts_with(char::is_lowercase));
            }
        }
    }
    run_on * 2 >= nonblank && continued * 2 > run_on
}

/// Function words that cannot end a heading: a line ending in one runs on.
const RUN_ON_WORDS: &[&str] = &[
    "и", "в", "во", "на", "с", "со", "к", "о", "об", "для", "по", "из", "от", "а", "но", "или",
    "of", "and", "the", "a", "an", "to", "in", "for", "on", "with", "by", "or",
];

/// The depth of an underlined heading: its numbering's (`5.9.2.` is 3) where it is
/// numbered, else the level of its underline character, in the order the document first
/// uses them (as reStructuredText reads them). `None` for a line that cannot be a heading
/// even underlined (no letters, a list item, a long sentence).
fn underlined_depth(text: &str, underline: char, seen: &mut Vec<char>) -> Option<usize> {
    let text = text.trim();
    if !text.chars().any(char::is_alphabetic)
        || text.chars().count() > 200
        || list_marker_width(text) > 0 && numbering(text).0 == 0
    {
        return None;
    }
    let level = match seen.iter().position(|&c| c == underline) {
        Some(p) => p + 1,
        None => {
            seen.push(underline);
            seen.len()
        }
    };
    let (depth, _) = numbering(text);
    Some(if depth > 0 { depth } else { level })
}

/// If `line` reads as a heading, its depth: the number of parts of its numbering
/// (`2.1. …` is 2), or 1 when it is not numbered.
pub fn heading_depth(line: &str) -> Option<usize> {
    let text = line.trim();
    let chars = text.chars().count();
    if !(2..=100).contains(&chars) || text.split_whitespace().count() > 14 {
        return None;
    }
    // A list item or a note is not a heading (`* Other NMUs: 10 days`, `[1] This is`).
    if !text.starts_with(|c: char| c.is_ascii_digit()) && list_marker_width(text) > 0 {
        return None;
    }
    // A question may be a heading when its numbering says so (`7.9. What is …?`), and so
    // may a title ending in an ellipsis (`A.5. And finally...`).
    let multilevel = numbering(text).0 >= 2;
    // What a sentence ends with, also inside a bracket or before a note's mark
    // (`(as shown above.)`, `as follows: ^[3]`).
    let end = without_note_mark(text).trim_end_matches([')', ']', '"', '»', '”', '\'']);
    if end.ends_with(['.', ',', ';', ':', '!', '…', '-', '–', '—'])
        && !(multilevel && ends_in_ellipsis(end))
        || end.ends_with('?') && !multilevel
    {
        return None;
    }
    // A line of code or a setting (`LIBS = -lfoo`, `KEY=value`, `$HOME/bin`).
    if text.contains(['=', '$', '{', '}', '|', '<', '>', '\\']) {
        return None;
    }
    // A date and time, a version line: mostly digits (`2022-10-08 03:52:48 UTC`).
    let digits = text.chars().filter(char::is_ascii_digit).count();
    if numbering(text).0 == 0 && digits * 2 > text.chars().filter(|c| !c.is_whitespace()).count() {
        return None;
    }
    let last_word = text.rsplit(char::is_whitespace).next().unwrap_or("").to_lowercase();
    if RUN_ON_WORDS.contains(&last_word.as_str()) {
        return None;
    }
    // Leader dots (`Введение ……… 3`) belong to a table of contents, not a heading.
    if text.contains("...") || text.contains("……") {
        return None;
    }
    let (depth, rest) = numbering(text);
    // The first word that starts with a letter is capitalised (`1920s - Cooperation …`).
    let first_word = rest
        .split_whitespace()
        .map(|w| w.trim_start_matches(['\'', '"', '«', '“', '(']))
        .find(|w| w.starts_with(char::is_alphabetic))?;
    if !first_word.starts_with(char::is_uppercase) {
        return None;
    }
    Some(depth.max(1))
}

/// `text` without a note mark at its end (`… as follows: ^[3]`, `… [12]`).
fn without_note_mark(text: &str) -> &str {
    let Some(open) = text.strip_suffix(']').and_then(|t| t.rfind('[')) else { return text };
    let number = &text[open + 1..text.len() - 1];
    if number.is_empty() || number.len() > 3 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return text;
    }
    text[..open].trim_end_matches('^').trim_end()
}

/// Splits `2.1. Title` into (2, "Title"); an unnumbered line is (0, line). A bullet is not
/// numbering. An appendix's letter counts as a part before a number (`A.2. Title`).
pub(crate) fn numbering(text: &str) -> (usize, &str) {
    let mut depth = 0;
    let mut rest = text;
    if let Some(after) = appendix_letter(text) {
        depth = 1;
        rest = after;
    }
    loop {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 || digits > 3 {
            break;
        }
        let after = &rest[digits..];
        if let Some(next) = after.strip_prefix('.') {
            depth += 1;
            rest = next;
        } else if depth > 0 {
            depth += 1;
            rest = after;
            break;
        } else {
            break;
        }
    }
    if depth == 0 {
        (0, text)
    } else {
        (depth, rest.trim_start())
    }
}

/// What follows an appendix's letter and its period opening `text` (`A.2. Title` gives
/// `2. Title`), when a number follows.
fn appendix_letter(text: &str) -> Option<&str> {
    let mut chars = text.chars();
    let letter = chars.next().filter(|c| c.is_uppercase())?;
    let after = text[letter.len_utf8()..].strip_prefix('.')?;
    after.starts_with(|c: char| c.is_ascii_digit()).then_some(after)
}

/// Abbreviations after which a period does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "г", "гг", "т", "др", "см", "ст", "им", "тыс", "млн", "млрд", "руб", "проф", "акад", "ген",
    "mr", "mrs", "ms", "dr", "st", "vol", "no", "pp", "p", "cf", "jr", "sr", "gen", "col", "lt",
    "capt", "prof", "vs", "e.g", "i.e", "ca",
];

/// Byte ranges of `text` to make passages of: the whole text when it is short, else
/// windows of whole sentences of roughly equal length, none much over the limit.
pub fn sentence_windows(text: &str) -> Vec<(usize, usize)> {
    let total = text.chars().count();
    if total <= MAX_PASSAGE_CHARS {
        return vec![(0, text.len())];
    }
    let ends = sentence_ends(text);
    let windows = total.div_ceil(MAX_PASSAGE_CHARS);
    let target = total / windows;
    let mut out = Vec::new();
    let mut start = 0;
    let mut start_chars = 0;
    let mut chars_at = 0;
    let mut last = 0;
    for &end in &ends {
        chars_at += text[last..end].chars().count();
        last = end;
        if chars_at - start_chars >= target && end < text.len() {
            out.push((start, end));
            start = end;
            start_chars = chars_at;
        }
    }
    if start < text.len() {
        out.push((start, text.len()));
    }
    out.into_iter()
        .flat_map(|(a, b)| cap_window(text, a, b))
        .map(|(a, b)| {
            let s = &text[a..b];
            let lead = s.len() - s.trim_start().len();
            (a + lead, a + s.trim_end().len())
        })
        .filter(|(a, b)| a < b)
        .collect()
}

/// Cuts a window longer than `MAX_WINDOW_CHARS` (a "sentence" with no end) at spaces.
fn cap_window(text: &str, a: usize, b: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = a;
    while text[start..b].chars().count() > MAX_WINDOW_CHARS {
        let limit =
            text[start..b].char_indices().nth(MAX_WINDOW_CHARS).map_or(b, |(i, _)| start + i);
        let cut = match text[start..limit].rfind(char::is_whitespace) {
            Some(space) if space > 0 => start + space,
            _ => limit,
        };
        out.push((start, cut));
        start = cut;
    }
    out.push((start, b));
    out
}

/// Byte offsets just after each sentence end (and the text's end): a run of `.`, `!`,
/// `?` or `…` and closing marks, then a space, then a capital, a digit or an opening mark;
/// not after an abbreviation. The text is searched for the ends, not listed by character.
fn sentence_ends(text: &str) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut from = 0;
    while let Some(found) = text[from..].find(SENTENCE_END) {
        let at = from + found;
        let c = text[at..].chars().next().expect("a character found at `at`");
        let rest = &text[at + c.len_utf8()..];
        let closing = rest.len() - rest.trim_start_matches(CLOSING).len();
        let end = at + c.len_utf8() + closing;
        let after = &text[end..];
        let space = after.starts_with(char::is_whitespace);
        let next_starts = after.trim_start().chars().next().is_some_and(|n| {
            n.is_uppercase() || n.is_ascii_digit() || matches!(n, '«' | '"' | '“' | '(' | '—' | '–')
        });
        if space && next_starts && !(c == '.' && is_abbreviation(&text[..at])) {
            ends.push(end);
        }
        from = end;
    }
    ends.push(text.len());
    ends
}

/// What ends a sentence, and what may close it after that.
const SENTENCE_END: [char; 4] = ['.', '!', '?', '…'];
const CLOSING: [char; 10] = ['.', '!', '?', '…', '»', '"', '”', '\'', ')', ']'];

/// True when the word just before a period is an abbreviation or an initial.
fn is_abbreviation(before: &str) -> bool {
    let word: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic() || *c == '.')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let word = word.trim_start_matches('.').to_lowercase();
    word.chars().count() == 1 && word.chars().all(char::is_alphabetic)
        || ABBREVIATIONS.contains(&word.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::decode;

    /// `sentence_ends` as first written, over a list of the characters: the reference it
    /// is checked against.
    fn sentence_ends_by_characters(text: &str) -> Vec<usize> {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let mut ends = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let (at, c) = chars[i];
            if matches!(c, '.' | '!' | '?' | '…') {
                let mut j = i + 1;
                while j < chars.len()
                    && matches!(
                        chars[j].1,
                        '.' | '!' | '?' | '…' | '»' | '"' | '”' | '\'' | ')' | ']'
                    )
                {
                    j += 1;
                }
                let space = j < chars.len() && chars[j].1.is_whitespace();
                let mut k = j;
                while k < chars.len() && chars[k].1.is_whitespace() {
                    k += 1;
                }
                let next_starts = k < chars.len()
                    && (chars[k].1.is_uppercase()
                        || chars[k].1.is_ascii_digit()
                        || matches!(chars[k].1, '«' | '"' | '“' | '(' | '—' | '–'));
                if space && next_starts && !(c == '.' && is_abbreviation(&text[..at])) {
                    let end = if j < chars.len() { chars[j].0 } else { text.len() };
                    ends.push(end);
                }
                i = j;
                continue;
            }
            i += 1;
        }
        ends.push(text.len());
        ends
    }

    #[test]
    fn sentence_ends_are_found_as_by_characters() {
        // Every string of up to five pieces over the pieces the rule reads.
        let pieces = ["a", "Б", ".", "!", "…", "»", ")", " ", "\n", "7", "«", "г.", "т. е."];
        let mut texts = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> =
                texts.iter().flat_map(|t| pieces.iter().map(move |p| format!("{t}{p}"))).collect();
            texts.extend(longer);
        }
        texts.push("Он приехал в 1922 г. В Рапалло. Затем — Берлин!» (См. выше.) Конец…".into());
        for t in &texts {
            assert_eq!(sentence_ends(t), sentence_ends_by_characters(t), "{t:?}");
        }
    }

    fn passages(text: &str) -> Segmented {
        segment(&decode("doc.txt", text.as_bytes()).unwrap())
    }

    #[test]
    fn one_line_one_passage_with_true_locators() {
        let text = "Заголовок документа\n\nПервый абзац текста.\nВторой абзац текста.\n";
        let seg = passages(text);
        assert_eq!(seg.title.as_deref(), Some("Заголовок документа"));
        assert_eq!(seg.passages[0].kind, Kind::Heading, "the title line is findable too");
        let p = &seg.passages[2];
        assert_eq!(p.text, "Второй абзац текста.");
        assert_eq!((p.line_start, p.line_end), (4, 4));
        assert_eq!(&text[p.byte_start as usize..p.byte_end as usize], "Второй абзац текста.");
        assert_eq!(p.id, "doc.txt:4");
    }

    #[test]
    fn numbered_headings_nest() {
        let text = "Введение в тему\nТекст о теме.\n2. Отношения\n2.1. Экономика\nТекст об экономике.\n2.2. Армия\nТекст об армии.\n3. Итоги\nТекст итогов.\n";
        let seg = passages(text);
        let body = seg.passages.iter().filter(|p| p.kind == Kind::Body);
        let sections: Vec<&str> = body.map(|p| p.section.as_str()).collect();
        assert_eq!(
            sections,
            ["", "2. Отношения › 2.1. Экономика", "2. Отношения › 2.2. Армия", "3. Итоги"]
        );
        // A heading passage sits in the section above it.
        let heading = seg.passages.iter().find(|p| p.text == "2.2. Армия").unwrap();
        assert_eq!((heading.kind, heading.section.as_str()), (Kind::Heading, "2. Отношения"));
    }

    #[test]
    fn wrapped_numbered_headings_are_joined() {
        let text = "Начало текста.\n 3. Отношения после прихода к \n     власти А. Гитлера\nТекст главы.\n";
        let seg = passages(text);
        let body = seg.passages.iter().filter(|p| p.kind == Kind::Body);
        let got: Vec<(&str, &str)> = body.map(|p| (p.section.as_str(), p.text.as_str())).collect();
        assert_eq!(
            got,
            [
                ("", "Начало текста."),
                ("3. Отношения после прихода к власти А. Гитлера", "Текст главы.")
            ]
        );
        let heading = seg.passages.iter().find(|p| p.kind == Kind::Heading).unwrap();
        assert_eq!((heading.line_start, heading.line_end), (2, 3));
    }

    #[test]
    fn a_line_is_joined_to_a_heading_only_when_they_make_one() {
        // The numbered item below is no heading in a document that underlines its
        // headings, so the indented line after it stays text of its own.
        let text =
            "1. Lichen\n---------\n\n1.  Birch moss on\n   lichen crust\n\n2. Moss\n-------\n";
        let seg = passages(text);
        assert!(seg.passages.iter().any(|p| p.text.contains("lichen crust")), "{:?}", seg.passages);
    }

    #[test]
    fn underlined_headings_and_hanging_indents() {
        let text = "Field Guide\n===========\n\n3.2. What grows on granite?\n--------------------------\n\n* Crustose lichens grow flat on the bare stone of the northern\n  slopes and hold fast.\n\n[1] Some of them grow no more than a millimetre in a whole year of\n    damp weather.\n\nA paragraph of text that runs on over two lines, as text rendered\nfrom documentation tools does.\n";
        let seg = passages(text);
        let got: Vec<(Kind, &str, &str)> =
            seg.passages.iter().map(|p| (p.kind, p.section.as_str(), p.text.as_str())).collect();
        assert_eq!(seg.title.as_deref(), Some("Field Guide"));
        assert_eq!(
            got,
            [
                (Kind::Heading, "", "Field Guide"),
                (Kind::Heading, "", "3.2. What grows on granite?"),
                (Kind::Body, "3.2. What grows on granite?", "* Crustose lichens grow flat on the bare stone of the northern slopes and hold fast."),
                (Kind::Body, "3.2. What grows on granite?", "[1] Some of them grow no more than a millimetre in a whole year of damp weather."),
                (Kind::Body, "3.2. What grows on granite?", "A paragraph of text that runs on over two lines, as text rendered from documentation tools does."),
            ]
        );
    }

    #[test]
    fn bibliography_sections_are_references() {
        let text = "Title of the page\n\nThe treaty was signed.\n\nFurther reading\n\n* Carr, E. H. German-Soviet Relations. 1951.\nonline\n\nAftermath\nLater text.\n";
        let seg = passages(text);
        let got: Vec<(Kind, &str)> =
            seg.passages.iter().map(|p| (p.kind, p.text.as_str())).collect();
        assert_eq!(
            got,
            [
                (Kind::Heading, "Title of the page"),
                (Kind::Body, "The treaty was signed."),
                (Kind::Heading, "Further reading"),
                (Kind::Reference, "* Carr, E. H. German-Soviet Relations. 1951."),
                (Kind::Reference, "online"),
                (Kind::Heading, "Aftermath"),
                (Kind::Body, "Later text."),
            ]
        );
    }

    /// A hard-wrapped paragraph of a lock keeper's manual, indented four spaces: enough of
    /// them make a document read as hard-wrapped.
    const LOCK_PARAGRAPH: &str =
        "    Boats wait below the lower gates while the chamber empties, and\n    \
        the keeper walks the balance beams across once the levels meet,\n    \
        so that the boats can move in and tie up against the walls.\n\n";

    /// A note mark that a text browser printed as `^[58]` and a line break cut after the
    /// caret stays in its paragraph, one mark again; a note of its own (`[2] …`, after a
    /// line ending otherwise) still starts a passage.
    #[test]
    fn a_note_mark_cut_by_a_line_break_stays_in_its_paragraph() {
        let text = format!(
            "Sluice Keeping\n\n{LOCK_PARAGRAPH}    The keeper opens the upper paddles first and waits for the\n    \
             levels to meet before the gates are swung. ^\n\u{a0}\u{a0}\u{a0}\u{a0}[58] A gate\n    \
             forced against a head of water strains its heel post.\n\n{LOCK_PARAGRAPH}    [2] Older \
             locks have ground paddles that let the water in\n    below the boats.\n"
        );
        let seg = passages(&text);
        let body = texts_of(&rows(&seg), Kind::Body);
        assert_eq!(
            body[1],
            "The keeper opens the upper paddles first and waits for the levels to meet before \
             the gates are swung. ^[58] A gate forced against a head of water strains its heel post."
        );
        assert_eq!(
            body[3],
            "[2] Older locks have ground paddles that let the water in below the boats."
        );
        let p = seg.passages.iter().find(|p| p.text.contains("^[58]")).unwrap();
        assert_eq!((p.line_start, p.line_end), (7, 10));
    }

    /// A word broken at a line end keeps its hyphen where the document writes it with
    /// one (`sluice-gate`), or writes two or more words so with its first part before a
    /// word it also writes (`sluice-gate`, `sluice-keeper`, so `sluice-` / `house`), and
    /// loses it where the hyphen is the break's (`keep-` / `ers`, `over-` / `whelmed`
    /// though `over-full` and `over-long` stand elsewhere).
    #[test]
    fn a_compound_broken_at_its_own_hyphen_keeps_it() {
        let text = format!(
            "Lock Keeping\n\n{LOCK_PARAGRAPH}    The sluice-gate is opened first, and the keepers of the\n    \
             upper pound wait for the sluice-keeper by the house, over-full or over-long.\n\n\
             {LOCK_PARAGRAPH}    \
             When the water is low the gates stay shut, and the big sluice-\n    \
             gate upstream is left alone by the lock crew, while the keep-\n    \
             ers walk the towpath to the sluice-\n    house, over-\n    \
             whelmed by the work at the next lock instead.\n"
        );
        let seg = passages(&text);
        let body = texts_of(&rows(&seg), Kind::Body);
        assert_eq!(
            body[3],
            "When the water is low the gates stay shut, and the big sluice-gate upstream is left \
             alone by the lock crew, while the keepers walk the towpath to the sluice-house, \
             overwhelmed by the work at the next lock instead."
        );
        let p = seg.passages.iter().find(|p| p.text.starts_with("When")).unwrap();
        assert_eq!((p.line_start, p.line_end), (14, 18));
    }

    /// A path broken after a slash is joined without a space where the document writes
    /// the two names joined (`/srv/` / `lockbook/tides.txt`, as `srv/lockbook` stands
    /// elsewhere); a listing's paths, one a line, stay apart.
    #[test]
    fn a_path_broken_at_its_slash_is_one_path() {
        let text = format!(
            "Lock Keeping\n\n{LOCK_PARAGRAPH}    The keeper writes the tides in /srv/lockbook/tides.txt every\n    \
             evening.\n\n{LOCK_PARAGRAPH}    When the water is low he reads the file /srv/\n    \
             lockbook/tides.txt again, and the folders\n    srv/gates/\n    lockbook/ropes/\n    \
             are kept for the crew and the harbour master, but not the logs in /\n    \
             srv/logs/ which the keeper alone reads at the end of the season.\n"
        );
        let seg = passages(&text);
        let body = texts_of(&rows(&seg), Kind::Body);
        assert_eq!(
            body[3],
            "When the water is low he reads the file /srv/lockbook/tides.txt again, and the \
             folders srv/gates/ lockbook/ropes/ are kept for the crew and the harbour master, \
             but not the logs in /srv/logs/ which the keeper alone reads at the end of the \
             season."
        );
    }

    /// Each passage's kind, section and text.
    fn rows(seg: &Segmented) -> Vec<(Kind, &str, &str)> {
        seg.passages.iter().map(|p| (p.kind, p.section.as_str(), p.text.as_str())).collect()
    }

    /// The texts of the passages of one kind.
    fn texts_of<'a>(rows: &[(Kind, &'a str, &'a str)], kind: Kind) -> Vec<&'a str> {
        rows.iter().filter(|r| r.0 == kind).map(|r| r.2).collect()
    }

    /// A manual as documentation tools render it to text: headings at the margin, the
    /// text indented and wrapped (a paragraph's first line indented by no-break spaces),
    /// a contents list with neither leaders nor bullets, sections named after files, an
    /// example underlined inside the text, a command with an ellipsis, text-browser notes.
    fn apiary() -> String {
        // `text` wrapped at 66 columns, indented 4, its first line by no-break spaces.
        let para = |text: &str| {
            let mut lines = vec![String::new()];
            for word in text.split(' ') {
                if lines.last().unwrap().len() + word.len() > 62 {
                    lines.push(String::new());
                }
                let line = lines.last_mut().unwrap();
                line.push_str(if line.is_empty() { "" } else { " " });
                line.push_str(word);
            }
            let mut out = String::new();
            for (i, line) in lines.iter().enumerate() {
                out.push_str(if i == 0 { "\u{a0}\u{a0}\u{a0} " } else { "    " });
                out.push_str(line);
                out.push('\n');
            }
            out + "\n"
        };
        let prose = "and the keeper lifts them out one at a time to look at the brood and \
                     at the stores of honey, which grow through the summer and shrink \
                     through the winter as the colony eats what it has put away, so that \
                     a hive that was heavy in the autumn is light by the time the willows \
                     flower again and the first foragers fly out to the catkins";
        [
            "Apiary Handbook\n\nTable of Contents\n\n1. Hives\n    1.1. Frames and foundation\n    \
             1.2. smoker.cfg\n2. Colonies\n    2.1. queen_marking\n\nChapter 1. Hives\n\n",
            &para(&format!("A hive holds frames of wax foundation on which the colony builds its comb, {prose}.")),
            "1.1. Frames and foundation\n\n",
            &para(&format!("Each frame carries a sheet of pressed wax that the workers draw out, {prose}.")),
            &para("The inspection sheet that the keeper fills in looks like this:"),
            "    Hive notes for Linden Row\n    -------------------------\n    <write the date>\n\n",
            &para(&format!("Then the frames go back in the order they came out of the box, {prose}.")),
            "1.2. smoker.cfg\n\n",
            &para(&format!("The smoker calms the bees while the keeper works, {prose}.")),
            "    $ light-smoker --fuel pine\n    ...\n\n",
            &para("Here is what the small file beside the tools holds for the shed: ^[1]"),
            "    FUEL=pine\n\nChapter 2. Colonies\n\n2.1. queen_marking\n\n",
            &para(&format!("A marked queen is easier to find among forty thousand workers, {prose}.")),
            &para(&format!("^[1] The file is read once, when the smoker is lit, {prose}.")),
        ]
        .concat()
    }

    #[test]
    fn a_title_page_s_centred_lines_are_no_sections() {
        let rule = "-".repeat(69);
        let title_page = format!(
            "\n{0}Apiary Handbook\n\n\n{rule}\n\n{1}Ada Quernsby\n\n{2}first notes \
             <ada@example.org>\n\n{1}version 2.1\n\n{rule}\n\n",
            " ".repeat(26),
            " ".repeat(29),
            " ".repeat(22),
        );
        let licence = "    This handbook may be copied and handed on to any keeper who\n    \
                       asks for it.\n\n";
        let text =
            format!("{title_page}{licence}{}", apiary().replacen("Apiary Handbook\n\n", "", 1));
        let seg = passages(&text);
        let got = rows(&seg);
        let headings = texts_of(&got, Kind::Heading);
        assert_eq!(headings[..2], ["Apiary Handbook", "Chapter 1. Hives"], "{got:#?}");
        for start in ["Ada Quernsby", "version 2.1", "This handbook may be copied"] {
            let row = got.iter().find(|g| g.2.starts_with(start)).expect(start);
            assert_eq!((row.0, row.1), (Kind::Body, ""), "{start}: {got:#?}");
        }
    }

    #[test]
    fn a_rendered_manual_keeps_its_sections_and_its_examples() {
        let text = apiary();
        let seg = passages(&text);
        let got = rows(&seg);
        let headings = texts_of(&got, Kind::Heading);
        // Lowercase headings count where the numbering goes on with them; the example's
        // underlined line, the command, the note's lead-in and the setting do not.
        assert_eq!(
            headings,
            [
                "Apiary Handbook",
                "Chapter 1. Hives",
                "1.1. Frames and foundation",
                "1.2. smoker.cfg",
                "Chapter 2. Colonies",
                "2.1. queen_marking"
            ],
            "{got:#?}"
        );
        let section_of = |start: &str| {
            let p = got
                .iter()
                .find(|g| g.2.starts_with(start))
                .unwrap_or_else(|| panic!("{start}: {got:#?}"));
            (p.0, p.1)
        };
        assert_eq!(
            section_of("Each frame carries"),
            (Kind::Body, "Chapter 1. Hives › 1.1. Frames and foundation")
        );
        assert_eq!(
            section_of("Hive notes for Linden Row"),
            (Kind::Body, "Chapter 1. Hives › 1.1. Frames and foundation")
        );
        assert_eq!(
            section_of("Then the frames go back"),
            (Kind::Body, "Chapter 1. Hives › 1.1. Frames and foundation")
        );
        assert_eq!(
            section_of("$ light-smoker --fuel pine ..."),
            (Kind::Body, "Chapter 1. Hives › 1.2. smoker.cfg")
        );
        assert_eq!(section_of("Here is what"), (Kind::Body, "Chapter 1. Hives › 1.2. smoker.cfg"));
        assert_eq!(section_of("FUEL=pine"), (Kind::Body, "Chapter 1. Hives › 1.2. smoker.cfg"));
        assert_eq!(
            section_of("A marked queen"),
            (Kind::Body, "Chapter 2. Colonies › 2.1. queen_marking")
        );
        assert_eq!(section_of("^[1] The file is read once").0, Kind::Note);
        // A paragraph opened by no-break spaces is one passage, not its first line apart.
        let frame = seg.passages.iter().find(|p| p.text.starts_with("Each frame")).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let first = lines.iter().position(|l| l.contains("Each frame")).unwrap();
        let wrapped = lines[first + 1..].iter().take_while(|l| !l.trim().is_empty()).count();
        assert!(wrapped >= 3);
        assert_eq!(
            (frame.line_start, frame.line_end),
            (first as u32 + 1, (first + 1 + wrapped) as u32)
        );
        // The contents list is one passage of kind toc, its entries found again below.
        let toc = texts_of(&got, Kind::Toc);
        assert_eq!(toc, ["Table of Contents 1. Hives 1.1. Frames and foundation 1.2. smoker.cfg 2. Colonies 2.1. queen_marking"]);
    }

    /// A book of questions as documentation tools render it to text: questions wrapped
    /// over lines at the margin, answers indented, a contents list whose entries wrap
    /// elsewhere than the questions do.
    fn questions() -> String {
        let answer = "    The answer runs on over several lines of text, as the tool wraps it at\n    a fixed width, and says what the keeper of the hives should do about\n    it in the spring and in the autumn, when the work is heaviest and the\n    colonies are at their strongest, and what to leave alone until the\n    weather turns, because a cold hive opened too early loses its brood\n    and a strong one opened too late has swarmed already, taking with it\n    the old queen and half of the workers to some hollow tree nearby.\n\n";
        [
            "Questions on Bees\n\nContents\n\n1. Hives\n    1.1. Where should a hive stand?\n",
            "    1.2. What is the difference between a frame hive and a skep, and\n    why should I choose one over the other?\n",
            "    1.3. How often is the hive opened?\n2. Swarms\n    2.1. Why does a colony swarm in May/\n    June?\n\n",
            "Chapter 1. Hives\n\n", "1.1. Where should a hive stand?\n\n", answer,
            "1.2. What is the difference between a frame hive and a skep, and why\nshould I choose one over the other?\n\n", answer,
            "1.3. How often is the hive opened?\n\n", answer,
            "Chapter 2. Swarms\n\n", "2.1. Why does a colony swarm in May/June?\n\n", answer,
        ]
        .concat()
    }

    #[test]
    fn a_question_wrapped_at_the_margin_heads_its_answer() {
        let text = questions();
        let doc = decode("doc.txt", text.as_bytes()).unwrap();
        assert!(is_hard_wrapped(&doc, Margins::of(&doc)));
        let seg = passages(&text);
        let got = rows(&seg);
        let headings = texts_of(&got, Kind::Heading);
        assert_eq!(
            headings,
            [
                "Questions on Bees",
                "Chapter 1. Hives",
                "1.1. Where should a hive stand?",
                "1.2. What is the difference between a frame hive and a skep, and why should I choose one over the other?",
                "1.3. How often is the hive opened?",
                "Chapter 2. Swarms",
                "2.1. Why does a colony swarm in May/June?"
            ],
            "{got:#?}"
        );
        let sections: Vec<&str> = got.iter().filter(|g| g.0 == Kind::Body).map(|g| g.1).collect();
        assert!(sections.contains(&"Chapter 1. Hives › 1.2. What is the difference between a frame hive and a skep, and why should I choose one over the other?"), "{sections:?}");
        assert_eq!(
            sections.last(),
            Some(&"Chapter 2. Swarms › 2.1. Why does a colony swarm in May/June?")
        );
        // The contents list, its entries wrapped elsewhere than the questions, is one
        // passage of kind toc.
        let toc = texts_of(&got, Kind::Toc);
        assert_eq!(toc.len(), 1, "{got:#?}");
        assert!(
            toc[0].starts_with("Contents 1. Hives 1.1.") && toc[0].ends_with("May/ June?"),
            "{toc:?}"
        );
    }

    #[test]
    fn a_contents_list_opened_by_the_title_and_a_title_ending_in_an_ellipsis_are_read() {
        // As DocBook's text gives a book's contents: the book's title first, unnumbered,
        // then its chapters; a title may end with an ellipsis, which ends no sentence.
        let answer = "    A frame holds a sheet of wax foundation, which the bees draw out into\n    comb over the first weeks of the flow, and the keeper lifts it by its\n    lugs, never by the top bar alone, because a full frame of honey is\n    heavier than it looks and the comb tears away from the wood when it is\n    warm, which spills the honey over the brood below and sets the whole\n    colony against the keeper for the rest of the afternoon, so that the\n    wise keeper works early on a cool morning and keeps the frames upright\n    from the moment they leave the box until they are back in it again.\n\n";
        let text = [
            "The Beekeeper's Year\n\nContents\n\nThe Beekeeper's Year\n1. Hives\n",
            "    1.1. Frames and wax\n    1.2. Smokers and veils\n2. Swarms\n    2.1. And after that...\n\n",
            "The Beekeeper's Year\n\n", "Chapter 1. Hives\n\n", "1.1. Frames and wax\n\n", answer,
            "1.2. Smokers and veils\n\n", answer, "Chapter 2. Swarms\n\n",
            "2.1. And after that...\n\n", answer,
        ]
        .concat();
        let seg = passages(&text);
        let got = rows(&seg);
        let toc = texts_of(&got, Kind::Toc);
        assert_eq!(toc.len(), 1, "{got:#?}");
        assert!(
            toc[0].contains("The Beekeeper's Year 1. Hives 1.1.")
                && toc[0].ends_with("2.1. And after that..."),
            "{toc:?}"
        );
        // And the section it names heads its text.
        assert!(texts_of(&got, Kind::Heading).contains(&"2.1. And after that..."), "{got:#?}");
        assert!(texts_of(&got, Kind::Body).iter().all(|t| t.starts_with("A frame")), "{got:#?}");
    }

    #[test]
    fn contents_lines_read_as_one_paragraph_are_a_table_of_contents() {
        // As a PDF's contents come out: entries as close as lines of text, one paragraph,
        // one entry wrapped before its leader, one ending with its page and no leader.
        use crate::ingest::Structured;
        let text = "Contents\n1 Spring sluices . . . . . . . . 3\n1.1 Clearing the weed from the upper\ngates and the lower . . . . . . . 4\n1.2 Why are the paddles oiled so often? 6\n2 Summer . . . . . . . . 9\nThe keeper begins the year with the sluices, at 6\nin the morning . . . or at 7.\n";
        let mut doc = decode("doc.txt", text.as_bytes()).unwrap();
        doc.structure = vec![
            Structured { first: 0, last: 0, hint: Hint::Heading(1) },
            Structured { first: 1, last: 5, hint: Hint::Paragraph },
            Structured { first: 6, last: 7, hint: Hint::Paragraph },
        ];
        let seg = segment(&doc);
        let kinds: Vec<(Kind, &str)> =
            seg.passages.iter().map(|p| (p.kind, p.text.as_str())).collect();
        assert_eq!(kinds.len(), 2, "{kinds:?}");
        assert_eq!(kinds[0].0, Kind::Toc, "{kinds:?}");
        assert!(kinds[0].1.starts_with("Contents 1 Spring"), "{kinds:?}");
        assert!(kinds[0].1.ends_with("2 Summer . . . . . . . . 9"), "{kinds:?}");
        // Text with one leader-like line stays text.
        assert_eq!(kinds[1].0, Kind::Body, "{kinds:?}");
    }

    #[test]
    fn links_to_the_headings_in_a_row_are_a_table_of_contents() {
        // A Word file's contents at its end, one paragraph per entry; a single line
        // repeating a heading in the text stays text.
        use crate::ingest::Structured;
        let text = "Smoking the hive\nA little smoke calms the bees.\nLifting frames\nLift each frame straight up.\nSee also:\nSmoking the hive\nContents\nSmoking the hive\nLifting frames\nExtracting honey\nExtracting honey\nSpin the frames slowly.\n";
        let mut doc = decode("hives.docx", text.as_bytes()).unwrap();
        let hints = [
            Hint::Heading(1),
            Hint::Paragraph,
            Hint::Heading(1),
            Hint::Paragraph,
            Hint::Paragraph,
            Hint::Paragraph,
            Hint::Heading(1),
            Hint::Item,
            Hint::Item,
            Hint::Item,
            Hint::Heading(1),
            Hint::Paragraph,
        ];
        doc.structure = hints
            .iter()
            .enumerate()
            .map(|(line, &hint)| Structured { first: line, last: line, hint })
            .collect();
        let seg = segment(&doc);
        let kinds: Vec<(Kind, &str)> =
            seg.passages.iter().map(|p| (p.kind, p.text.as_str())).collect();
        assert!(kinds.contains(&(Kind::Body, "Smoking the hive")), "{kinds:?}");
        let toc: Vec<&str> =
            kinds.iter().filter(|(k, _)| *k == Kind::Toc).map(|(_, t)| *t).collect();
        assert_eq!(toc, ["Contents Smoking the hive Lifting frames Extracting honey"], "{kinds:?}");
    }

    #[test]
    fn where_a_format_marks_headings_an_unmarked_line_is_text() {
        use crate::ingest::Structured;
        let text = "Moth Traps\nA light trap draws moths at night.\nOther moths: ten nights\n2.1 Sugaring\nA paste of treacle on bark.\n3 Nets\n";
        let mut doc = decode("doc.txt", text.as_bytes()).unwrap();
        let span = |line, hint| Structured { first: line, last: line, hint };
        doc.structure = vec![
            span(0, Hint::Heading(1)),
            span(1, Hint::Paragraph),
            span(2, Hint::Item),
            span(3, Hint::Heading(2)),
            span(4, Hint::Paragraph),
            span(5, Hint::Item),
        ];
        let seg = segment(&doc);
        let kinds: Vec<(Kind, &str)> =
            seg.passages.iter().map(|p| (p.kind, p.text.as_str())).collect();
        assert_eq!(
            kinds,
            [
                (Kind::Heading, "Moth Traps"),
                (Kind::Body, "A light trap draws moths at night."),
                (Kind::Body, "Other moths: ten nights"),
                (Kind::Heading, "2.1 Sugaring"),
                (Kind::Body, "A paste of treacle on bark."),
                (Kind::Body, "3 Nets"),
            ]
        );
    }

    #[test]
    fn an_underline_is_as_long_as_its_heading_unless_dashes() {
        let seg = passages(
            "Spindle Whorls\n==============
\nSpun wool is wound on the spindle.\n\n$ spin --wool\n...\n\nKnots\n---\n\nA reef knot holds.\n",
        );
        let headings: Vec<&str> = seg
            .passages
            .iter()
            .filter(|p| p.kind == Kind::Heading)
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(headings, ["Spindle Whorls", "Knots"]);
        let spin = seg.passages.iter().find(|p| p.text.starts_with("$ spin")).unwrap();
        assert_eq!(spin.kind, Kind::Body);
    }

    #[test]
    fn section_numbers_follow_one_another() {
        assert!(follows(&[5, 1], &[5, 2]));
        assert!(follows(&[5, 1, 3], &[5, 2]));
        assert!(follows(&[4, 4, 3], &[5, 1]));
        assert!(follows(&[5, 1], &[5, 1, 1]));
        assert!(follows(&[], &[1, 1]));
        assert!(!follows(&[5, 1], &[5, 3]));
        assert!(!follows(&[5, 1], &[4, 2]));
        assert!(!follows(&[5, 1], &[6, 2]));
        assert_eq!(section_number("5.9.2. Title"), [5, 9, 2]);
        assert_eq!(section_number("B.2. Title")[1], 2);
        assert!(follows(&section_number("A.5. Last"), &section_number("B.1. First")));
        assert_eq!(numbering("A.2. Managing"), (2, "Managing"));
        assert_eq!(numbering("A. Lincoln"), (0, "A. Lincoln"));
        assert_eq!(heading_depth("Here is what it holds: ^[3]"), None);
        assert_eq!(heading_depth("(The lines are numbered.)"), None);
        assert_eq!(heading_depth("KEY_ID=Your_key"), None);
        assert_eq!(heading_depth("Trade Treaty (1921) [2]"), Some(1));
        assert_eq!(heading_depth("2019-04-02 11:30:05 UTC"), None);
        assert_eq!(heading_depth("1920s - Cooperation With Germany"), Some(1));
    }

    #[test]
    fn headings_are_short_capitalised_and_unpunctuated() {
        assert_eq!(heading_depth("Overview"), Some(1));
        assert_eq!(heading_depth("  1. Trade Treaty (1921)"), Some(1));
        assert_eq!(heading_depth("2.1. Взаимоотношения Германии и СССР"), Some(2));
        assert_eq!(heading_depth("1.1.Поражение Германии в войне"), Some(2));
        assert_eq!(heading_depth("The treaty was signed."), None);
        assert_eq!(heading_depth("dictated by Germany"), None);
        assert_eq!(heading_depth("Введение ……………3"), None);
        assert_eq!(heading_depth("1922"), None);
        assert_eq!(heading_depth("1920s - Cooperation With Germany"), Some(1));
        assert_eq!(heading_depth("1920s saw cooperation"), None);
        assert_eq!(heading_depth("''Volksdeutsche'' in the Soviet Union"), Some(1));
    }

    #[test]
    fn hard_wrapped_paragraphs_join_lines_and_hyphenation() {
        let text = "Германо-советское военное сотрудничество началось вскоре после подписания\n\
                    договора в Рапалло и продолжалось более десяти лет, несмотря на сотруд-\n\
                    ничество с Антантой и многочисленные политические трудности того времени.\n\
                    \n\
                    Второй абзац начинается здесь и тоже занимает несколько строк текста,\n\
                    как это обычно бывает в отсканированных книгах и статьях того времени.\n";
        let seg = passages(text);
        assert_eq!(seg.passages.len(), 2);
        let p = &seg.passages[0];
        assert!(p.text.contains("несмотря на сотрудничество с Антантой"), "{}", p.text);
        assert_eq!((p.line_start, p.line_end), (1, 3));
        assert_eq!(seg.passages[1].line_start, 5);
    }

    #[test]
    fn a_narrow_column_is_read_as_wrapped_text() {
        let text = "THE EVENING POST\n\n\
                    The ferry left the quay at\n\
                    noon and reached the island\n\
                    before the storm, which kept\n\
                    the fishermen ashore all week.\n\n\
                    Repairs to the pier begin\n\
                    on Monday, the council said.\n";
        let seg = passages(text);
        let texts: Vec<&str> = seg.passages.iter().map(|p| p.text.as_str()).collect();
        assert!(texts.contains(&"The ferry left the quay at noon and reached the island before the storm, which kept the fishermen ashore all week."), "{texts:?}");
        // The first line of a paragraph is no heading.
        assert!(
            texts.contains(&"Repairs to the pier begin on Monday, the council said."),
            "{texts:?}"
        );
        // A list of short capitalised lines stays a line each.
        let list = "Apples from the north orchard\nPears from the old garden\nPlums from the hill farm\nQuinces from the river bank\nCherries from the school yard\n";
        assert_eq!(passages(list).passages.len(), 5);
    }

    #[test]
    fn long_paragraphs_split_into_sentence_windows() {
        let sentence = "Это довольно длинное предложение о германо-советских отношениях в 1920-х гг. и о договоре. ";
        let text = sentence.repeat(20);
        let seg = passages(&text);
        assert!(seg.passages.len() >= 3);
        for p in &seg.passages {
            assert!(p.text.chars().count() <= MAX_PASSAGE_CHARS + sentence.len());
            assert!(p.text.starts_with("Это") && p.text.ends_with("договоре."), "{}", p.text);
            assert_eq!(&text[p.byte_start as usize..p.byte_end as usize], p.text);
        }
        let ids: Vec<&str> = seg.passages.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(&ids[..2], ["doc.txt:1", "doc.txt:1.2"]);
    }

    #[test]
    fn text_without_newlines_or_punctuation_makes_bounded_passages() {
        let text = "слово ".repeat(100_000) + &"x".repeat(10_000);
        let seg = passages(&text);
        assert!(seg.passages.len() > 50);
        for p in &seg.passages {
            assert!(p.text.chars().count() <= MAX_WINDOW_CHARS, "{}", p.text.len());
            assert_eq!(&text[p.byte_start as usize..p.byte_end as usize], p.text);
        }
    }

    #[test]
    fn abbreviations_and_initials_do_not_end_sentences() {
        let text = "Приход к власти А. Гитлера в 1933 г. изменил всё. Новая глава началась.";
        let ends = sentence_ends(text);
        assert_eq!(ends.len(), 2);
        assert_eq!(&text[..ends[0]], "Приход к власти А. Гитлера в 1933 г. изменил всё.");
    }
}
