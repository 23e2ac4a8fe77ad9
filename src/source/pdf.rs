//! PDF with a text layer (lopdf for the file's structure; the page layout is worked out
//! here). Each page's content stream is interpreted for where every piece of text stands
//! (text and graphics matrices, font sizes and glyph widths), and the pieces become lines
//! in reading order: one column or two (a gutter that almost nothing crosses), top to
//! bottom. Lines become paragraphs where the spacing, the font size or the indent says a
//! new one begins; larger or bold short lines are headings. Running heads and feet (lines
//! at the top or bottom of many pages, numbers aside) and page numbers are page chrome
//! and left out. Every page starts at a line of its own, with its physical number and the
//! printed label the PDF gives it (`xi`, then `1`, `2` …). Encrypted and damaged PDFs are
//! one clear error; pages with no text (scans) are named, and read by Tesseract with
//! `--ocr` where it is installed.

use std::collections::BTreeMap;
use std::rc::Rc;

use lopdf::{Dictionary, Document, Object, ObjectId};
use rustc_hash::FxHashMap;

use super::{Options, Read, NO_TEXT};
use crate::ingest::{Hint, Line, PageStart, SourceDoc, Structured};

/// A 2D affine matrix `[a b c d e f]`, PDF's row-vector convention.
type Matrix = [f64; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn mul(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

/// Form XObjects nested deeper than this are not read (a loop would never end).
const MAX_FORM_DEPTH: usize = 8;
/// A page's first line this many body sizes above the next, no larger than the text, at
/// one height on many pages, is a running head.
const HEAD_APART: f64 = 2.5;
/// A line or heading repeated at the top or bottom of this share of pages is chrome.
const CHROME_SHARE: f64 = 0.25;

/// A piece of text placed on a page.
#[derive(Debug, Clone)]
struct Run {
    x0: f64,
    x1: f64,
    y: f64,
    size: f64,
    bold: bool,
    text: String,
}

/// A font as far as placing text goes: how its bytes decode and how wide each code is.
struct Font<'d> {
    encoding: Option<lopdf::Encoding<'d>>,
    two_byte: bool,
    widths: FxHashMap<u32, f64>,
    default_width: f64,
    /// Glyph space to text space (1/1000, except for Type 3 fonts).
    scale: f64,
    bold: bool,
}

fn number(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

/// The object `o` points at, or `o`.
fn resolve<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(o),
        _ => o,
    }
}

fn dict<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Dictionary> {
    match resolve(doc, o) {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

fn array<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Vec<Object>> {
    match resolve(doc, o) {
        Object::Array(a) => Some(a),
        _ => None,
    }
}

impl<'d> Font<'d> {
    fn new(doc: &'d Document, d: &'d Dictionary) -> Font<'d> {
        let subtype = d.get(b"Subtype").and_then(Object::as_name).unwrap_or(b"");
        let base = d.get(b"BaseFont").and_then(Object::as_name).unwrap_or(b"");
        let bold = String::from_utf8_lossy(base).to_lowercase().contains("bold");
        let encoding = d.get_font_encoding(doc).ok();
        let mut widths = FxHashMap::default();
        let mut default_width = 500.0;
        let mut scale = 0.001;
        let two_byte = subtype == b"Type0";
        if two_byte {
            default_width = 1000.0;
            let descendant = d
                .get(b"DescendantFonts")
                .ok()
                .and_then(|o| array(doc, o))
                .and_then(|a| a.first())
                .and_then(|o| dict(doc, o));
            if let Some(cid) = descendant {
                if let Some(dw) = cid.get(b"DW").ok().and_then(number) {
                    default_width = dw;
                }
                if let Some(w) = cid.get(b"W").ok().and_then(|o| array(doc, o)) {
                    let mut i = 0;
                    while i < w.len() {
                        let Some(first) = number(resolve(doc, &w[i])) else { break };
                        match w.get(i + 1).map(|o| resolve(doc, o)) {
                            Some(Object::Array(ws)) => {
                                for (k, v) in ws.iter().enumerate() {
                                    if let Some(v) = number(resolve(doc, v)) {
                                        widths.insert(first as u32 + k as u32, v);
                                    }
                                }
                                i += 2;
                            }
                            Some(last) => {
                                let (Some(last), Some(v)) = (
                                    number(last),
                                    w.get(i + 2).and_then(|o| number(resolve(doc, o))),
                                ) else {
                                    break;
                                };
                                for c in first as u32..=(last as u32).min(first as u32 + 65_535) {
                                    widths.insert(c, v);
                                }
                                i += 3;
                            }
                            None => break,
                        }
                    }
                }
            }
        } else {
            let first = d.get(b"FirstChar").ok().and_then(number).unwrap_or(0.0) as u32;
            if let Some(ws) = d.get(b"Widths").ok().and_then(|o| array(doc, o)) {
                for (k, v) in ws.iter().enumerate() {
                    if let Some(v) = number(resolve(doc, v)) {
                        widths.insert(first + k as u32, v);
                    }
                }
            }
            if let Some(missing) = d
                .get(b"FontDescriptor")
                .ok()
                .and_then(|o| dict(doc, o))
                .and_then(|fd| fd.get(b"MissingWidth").ok())
                .and_then(number)
                .filter(|w| *w > 0.0)
            {
                default_width = missing;
            }
            if subtype == b"Type3" {
                if let Some(m) = d.get(b"FontMatrix").ok().and_then(|o| array(doc, o)) {
                    scale = m.first().and_then(number).unwrap_or(0.001);
                }
            }
        }
        Font { encoding, two_byte, widths, default_width, scale, bold }
    }

    /// The text of `bytes`, and their advance in text space at size 1 (with character
    /// and word spacing `tc`, `tw` at font size `size`, and horizontal scaling `th`).
    fn show(&self, bytes: &[u8], size: f64, tc: f64, tw: f64, th: f64) -> (String, f64) {
        let text = self
            .encoding
            .as_ref()
            .and_then(|e| e.bytes_to_string(bytes).ok())
            .unwrap_or_else(|| bytes.iter().map(|&b| b as char).collect());
        let step = if self.two_byte { 2 } else { 1 };
        let mut advance = 0.0;
        for code in bytes.chunks(step) {
            let c = code.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
            let w = self.widths.get(&c).copied().unwrap_or(self.default_width) * self.scale;
            let word = if !self.two_byte && c == 32 { tw } else { 0.0 };
            advance += (w * size + tc + word) * th;
        }
        (text, advance)
    }
}

/// The text state of the interpreter (part of the graphics state, saved by `q`).
#[derive(Clone)]
struct State<'d> {
    ctm: Matrix,
    font: Option<Rc<Font<'d>>>,
    size: f64,
    tc: f64,
    tw: f64,
    th: f64,
    tl: f64,
    rise: f64,
}

/// What one page holds: its runs, and whether it draws images (a scan, if it has no
/// text).
#[derive(Default)]
struct PageContent {
    runs: Vec<Run>,
    images: bool,
}

struct Interpreter<'d> {
    doc: &'d Document,
    fonts: FxHashMap<ObjectId, Rc<Font<'d>>>,
}

impl<'d> Interpreter<'d> {
    fn font(&mut self, resources: Option<&'d Dictionary>, name: &[u8]) -> Option<Rc<Font<'d>>> {
        let fonts = resources?.get(b"Font").ok().and_then(|o| dict(self.doc, o))?;
        let o = fonts.get(name).ok()?;
        let (id, d) = match o {
            Object::Reference(id) => (*id, self.doc.get_dictionary(*id).ok()?),
            Object::Dictionary(d) => ((0, 0), d),
            _ => return None,
        };
        if id != (0, 0) {
            if let Some(f) = self.fonts.get(&id) {
                return Some(f.clone());
            }
        }
        let f = Rc::new(Font::new(self.doc, d));
        if id != (0, 0) {
            self.fonts.insert(id, f.clone());
        }
        Some(f)
    }

    /// Runs the content `content` with `resources`, from graphics state `state`.
    fn run(
        &mut self,
        content: &[u8],
        resources: Option<&'d Dictionary>,
        state: State<'d>,
        depth: usize,
        out: &mut PageContent,
    ) {
        let Ok(ops) = lopdf::content::Content::decode(content) else { return };
        let mut gs = state;
        let mut stack: Vec<State<'d>> = Vec::new();
        let (mut tm, mut tlm) = (IDENTITY, IDENTITY);
        let nums = |ops: &[Object]| -> Vec<f64> { ops.iter().filter_map(number).collect() };
        for op in &ops.operations {
            let o = &op.operands;
            match op.operator.as_str() {
                "q" => stack.push(gs.clone()),
                "Q" => {
                    if let Some(s) = stack.pop() {
                        gs = s;
                    }
                }
                "cm" => {
                    if let [a, b, c, d, e, f] = nums(o)[..] {
                        gs.ctm = mul(&[a, b, c, d, e, f], &gs.ctm);
                    }
                }
                "BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                "Tf" => {
                    if let (Some(name), Some(size)) =
                        (o.first().and_then(|n| n.as_name().ok()), o.get(1).and_then(number))
                    {
                        gs.font = self.font(resources, name);
                        gs.size = size;
                    }
                }
                "Tc" => gs.tc = o.first().and_then(number).unwrap_or(0.0),
                "Tw" => gs.tw = o.first().and_then(number).unwrap_or(0.0),
                "Tz" => gs.th = o.first().and_then(number).unwrap_or(100.0) / 100.0,
                "TL" => gs.tl = o.first().and_then(number).unwrap_or(0.0),
                "Ts" => gs.rise = o.first().and_then(number).unwrap_or(0.0),
                "Td" | "TD" => {
                    if let [tx, ty] = nums(o)[..] {
                        if op.operator == "TD" {
                            gs.tl = -ty;
                        }
                        tlm = mul(&[1.0, 0.0, 0.0, 1.0, tx, ty], &tlm);
                        tm = tlm;
                    }
                }
                "Tm" => {
                    if let [a, b, c, d, e, f] = nums(o)[..] {
                        tm = [a, b, c, d, e, f];
                        tlm = tm;
                    }
                }
                "T*" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.tl], &tlm);
                    tm = tlm;
                }
                "Tj" | "'" | "\"" => {
                    if op.operator != "Tj" {
                        if op.operator == "\"" {
                            gs.tw = o.first().and_then(number).unwrap_or(gs.tw);
                            gs.tc = o.get(1).and_then(number).unwrap_or(gs.tc);
                        }
                        tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.tl], &tlm);
                        tm = tlm;
                    }
                    if let Some(Object::String(bytes, _)) = o.last() {
                        self.show(bytes, &gs, &mut tm, out);
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = o.first() {
                        for item in items {
                            match item {
                                Object::String(bytes, _) => self.show(bytes, &gs, &mut tm, out),
                                other => {
                                    if let Some(n) = number(other) {
                                        let tx = -n / 1000.0 * gs.size * gs.th;
                                        tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &tm);
                                    }
                                }
                            }
                        }
                    }
                }
                "Do" if depth < MAX_FORM_DEPTH => {
                    let Some(name) = o.first().and_then(|n| n.as_name().ok()) else { continue };
                    let Some(xobjects) = resources
                        .and_then(|r| r.get(b"XObject").ok())
                        .and_then(|x| dict(self.doc, x))
                    else {
                        continue;
                    };
                    let Some(Object::Stream(stream)) =
                        xobjects.get(name).ok().map(|x| resolve(self.doc, x))
                    else {
                        continue;
                    };
                    match stream.dict.get(b"Subtype").and_then(Object::as_name) {
                        Ok(b"Image") => out.images = true,
                        Ok(b"Form") => {
                            let matrix = stream
                                .dict
                                .get(b"Matrix")
                                .ok()
                                .and_then(|m| array(self.doc, m))
                                .map(|m| nums(m))
                                .and_then(|m| <[f64; 6]>::try_from(m).ok())
                                .unwrap_or(IDENTITY);
                            let own =
                                stream.dict.get(b"Resources").ok().and_then(|r| dict(self.doc, r));
                            let mut inner = gs.clone();
                            inner.ctm = mul(&matrix, &gs.ctm);
                            let content = stream
                                .decompressed_content()
                                .unwrap_or_else(|_| stream.content.clone());
                            self.run(&content, own.or(resources), inner, depth + 1, out);
                        }
                        _ => {}
                    }
                }
                "BI" | "ID" | "EI" => out.images = true,
                _ => {}
            }
        }
    }

    fn show(&self, bytes: &[u8], gs: &State<'d>, tm: &mut Matrix, out: &mut PageContent) {
        let Some(font) = &gs.font else { return };
        let (text, advance) = font.show(bytes, gs.size, gs.tc, gs.tw, gs.th);
        let trm = mul(&mul(&[gs.size * gs.th, 0.0, 0.0, gs.size, 0.0, gs.rise], tm), &gs.ctm);
        let m = mul(tm, &gs.ctm);
        let size = gs.size * (m[2] * m[2] + m[3] * m[3]).sqrt();
        let (x0, y) = (trm[4], trm[5]);
        *tm = mul(&[1.0, 0.0, 0.0, 1.0, advance, 0.0], tm);
        let end = mul(tm, &gs.ctm);
        let x1 = end[4].max(x0);
        if !text.trim().is_empty() || text.contains(' ') {
            out.runs.push(Run { x0, x1, y, size: size.abs().max(1.0), bold: font.bold, text });
        }
    }
}

/// Ligatures and hyphens as text extraction usually writes them.
fn plain_glyphs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            'ﬀ' => out.push_str("ff"),
            'ﬁ' => out.push_str("fi"),
            'ﬂ' => out.push_str("fl"),
            'ﬃ' => out.push_str("ffi"),
            'ﬄ' => out.push_str("ffl"),
            'ﬅ' | 'ﬆ' => out.push_str("st"),
            '\u{2010}' | '\u{2011}' => out.push('-'),
            '\u{0}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A line of a page, in reading order.
#[derive(Debug, Clone)]
struct PageLine {
    text: String,
    x0: f64,
    x1: f64,
    y: f64,
    size: f64,
    bold: bool,
    /// The column it stands in (0 for one-column text and lines across both).
    column: usize,
}

/// Lines of runs on one baseline each, in order left to right.
fn lines_of(mut runs: Vec<Run>, column: usize) -> Vec<PageLine> {
    runs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x0.total_cmp(&b.x0)));
    let mut groups: Vec<Vec<Run>> = Vec::new();
    for r in runs {
        match groups.last_mut() {
            Some(g) if (g[0].y - r.y).abs() < 0.5 * g[0].size.max(r.size) => g.push(r),
            _ => groups.push(vec![r]),
        }
    }
    groups
        .into_iter()
        .filter_map(|mut g| {
            g.sort_by(|a, b| a.x0.total_cmp(&b.x0));
            let size = g.iter().map(|r| r.size).fold(0.0, f64::max);
            let mut text = String::new();
            let mut end = f64::NEG_INFINITY;
            for r in &g {
                let gap = r.x0 - end;
                if !text.is_empty()
                    && gap > 0.15 * size
                    && !text.ends_with(' ')
                    && !r.text.starts_with(' ')
                {
                    text.push(' ');
                }
                text.push_str(&r.text);
                end = end.max(r.x1);
            }
            let text = plain_glyphs(&super::collapse(&text));
            let bold = g.iter().all(|r| r.bold || r.text.trim().is_empty());
            (!text.is_empty()).then(|| PageLine {
                text,
                x0: g[0].x0,
                x1: end,
                y: g[0].y,
                size,
                bold,
                column,
            })
        })
        .collect()
}

/// The page's lines in reading order: one column, or two with a gutter between them
/// (full-width lines above the columns first, those below last).
fn reading_order(runs: Vec<Run>) -> Vec<PageLine> {
    let runs: Vec<Run> = runs.into_iter().filter(|r| !r.text.trim().is_empty()).collect();
    if runs.len() < 8 {
        return lines_of(runs, 0);
    }
    let (left, right) =
        runs.iter().fold((f64::MAX, f64::MIN), |(l, r), x| (l.min(x.x0), r.max(x.x1)));
    let width = right - left;
    if width <= 0.0 {
        return lines_of(runs, 0);
    }
    // Runs covering each 1/100 of the width.
    const BINS: usize = 100;
    let mut cover = [0usize; BINS];
    for r in &runs {
        let a = (((r.x0 - left) / width) * BINS as f64) as usize;
        let b = ((((r.x1 - left) / width) * BINS as f64).ceil() as usize).min(BINS);
        for c in cover.iter_mut().take(b).skip(a.min(BINS)) {
            *c += 1;
        }
    }
    let busiest = cover.iter().copied().max().unwrap_or(0);
    // The widest run of nearly empty bins in the middle third: a gutter.
    let quiet = |c: usize| c * 20 <= busiest;
    let mut best: Option<(usize, usize)> = None;
    let mut start = None;
    for (i, &c) in cover.iter().enumerate().take(BINS * 2 / 3).skip(BINS / 3) {
        match (quiet(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                if best.is_none_or(|(a, b)| i - s > b - a) {
                    best = Some((s, i));
                }
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        let end = BINS * 2 / 3;
        if best.is_none_or(|(a, b)| end - s > b - a) {
            best = Some((s, end));
        }
    }
    let Some((a, b)) = best.filter(|(a, b)| b > a) else { return lines_of(runs, 0) };
    let gutter = left + width * (a + b) as f64 / (2 * BINS) as f64;
    let (mut lc, mut rc, mut full) = (Vec::new(), Vec::new(), Vec::new());
    for r in runs {
        if r.x1 <= gutter + 1.0 {
            lc.push(r);
        } else if r.x0 >= gutter - 1.0 {
            rc.push(r);
        } else {
            full.push(r);
        }
    }
    // A column has a left margin most of its lines start at (a table of contents, whose
    // page numbers stand right-aligned apart from the titles, has none on the right).
    let aligned = |runs: &[Run]| {
        let mut starts: FxHashMap<i64, f64> = FxHashMap::default();
        let mut by_line: BTreeMap<i64, f64> = BTreeMap::new();
        for r in runs {
            let e = by_line.entry((r.y / 2.0).round() as i64).or_insert(f64::MAX);
            *e = e.min(r.x0);
        }
        for x in by_line.values() {
            *starts.entry((x / 3.0).round() as i64).or_default() += 1.0;
        }
        let top = starts.values().copied().fold(0.0, f64::max);
        by_line.len() >= 3 && top * 2.0 >= by_line.len() as f64
    };
    if lc.len() < 3 || rc.len() < 3 || !aligned(&lc) || !aligned(&rc) {
        let all: Vec<Run> = lc.into_iter().chain(rc).chain(full).collect();
        return lines_of(all, 0);
    }
    let (lc, rc, full) = (lines_of(lc, 1), lines_of(rc, 2), lines_of(full, 0));
    let top = lc.iter().chain(&rc).map(|l| l.y).fold(f64::MIN, f64::max);
    let (above, below): (Vec<PageLine>, Vec<PageLine>) = full.into_iter().partition(|l| l.y >= top);
    above.into_iter().chain(lc).chain(rc).chain(below).collect()
}

/// `line` with its digits as `#`, for comparing running heads across pages.
fn shape(line: &str) -> String {
    line.chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c.to_lowercase().next().unwrap_or(c) })
        .collect()
}

/// A page number, or a roman one (`xi`).
fn is_page_number(line: &str) -> bool {
    let t = line
        .trim()
        .trim_start_matches("Page ")
        .trim_start_matches("Стр. ")
        .trim_start_matches("— ")
        .trim_end_matches(" —");
    !t.is_empty()
        && (t.chars().all(|c| c.is_ascii_digit())
            || (t.len() <= 6 && t.chars().all(|c| "ivxlcdm".contains(c.to_ascii_lowercase()))))
}

/// Drops running heads and feet and page numbers: lines among the first or last two of
/// a page that are its number, that begin or end with its number or printed label
/// (`22 Chapter 4. Resources`, `4.6. The Debian archive 23`), or whose shape recurs at
/// the top or bottom of many pages.
fn drop_chrome(pages: &mut [Vec<PageLine>], numbers: &[(u32, Option<String>)]) {
    let edges = |lines: &[PageLine]| -> Vec<usize> {
        let n = lines.len();
        let mut idx: Vec<usize> = (0..n.min(2)).collect();
        idx.extend((n.saturating_sub(2)..n).filter(|i| *i >= 2));
        idx
    };
    let mut counts: FxHashMap<String, usize> = FxHashMap::default();
    for lines in pages.iter() {
        let mut seen = std::collections::HashSet::new();
        for i in edges(lines) {
            let s = shape(&lines[i].text);
            if seen.insert(s.clone()) {
                *counts.entry(s).or_default() += 1;
            }
        }
    }
    let needed = ((pages.len() as f64 * CHROME_SHARE).ceil() as usize).max(3);
    // A running head that names the page's chapter and section changes from page to page
    // (`CHAPTER 3. CHOOSING …  3.1. WHICH DEBIAN …`): its place tells it, the first line
    // of many pages at one height, no larger than the text and set well apart from it.
    let body = body_size(pages);
    // The head: the lines on the first line's baseline (to within 2 points, its parts
    // set apart as runs may be), their height and size, and how many they are.
    let head_at = |lines: &[PageLine]| -> Option<((i64, i64), usize)> {
        let first = lines.first()?;
        let row = lines.iter().take_while(|l| (first.y - l.y).abs() <= 2.0).count();
        let next = lines.get(row)?;
        let small = lines[..row].iter().all(|l| l.size <= body * 1.05);
        (small && lines[row - 1].y - next.y >= body * HEAD_APART)
            .then(|| (((first.y / 2.0).round() as i64, (first.size * 2.0).round() as i64), row))
    };
    let mut heads: FxHashMap<(i64, i64), usize> = FxHashMap::default();
    for lines in pages.iter() {
        if let Some((at, _)) = head_at(lines) {
            *heads.entry(at).or_default() += 1;
        }
    }
    for lines in pages.iter_mut() {
        if let Some((at, row)) = head_at(lines) {
            if heads[&at] >= needed {
                lines.drain(..row);
            }
        }
    }
    for (k, lines) in pages.iter_mut().enumerate() {
        let (number, label) = numbers.get(k).cloned().unwrap_or((0, None));
        let own = |token: Option<&str>| {
            token.is_some_and(|t| t == number.to_string() || label.as_deref() == Some(t))
        };
        let drop: Vec<usize> = edges(lines)
            .into_iter()
            .filter(|&i| {
                let t = &lines[i].text;
                let mut words = t.split_whitespace();
                let numbered =
                    t.chars().count() <= 120 && (own(words.next()) || own(words.next_back()));
                is_page_number(t) || numbered || counts.get(&shape(t)).is_some_and(|&c| c >= needed)
            })
            .collect();
        let mut k = 0;
        lines.retain(|_| {
            let keep = !drop.contains(&k);
            k += 1;
            keep
        });
    }
}

/// Printed page labels from the catalogue's `/PageLabels` number tree, one per page
/// index; `None` where the PDF gives none.
fn page_labels(doc: &Document, pages: usize) -> Vec<Option<String>> {
    let mut ranges: BTreeMap<usize, (String, String, i64)> = BTreeMap::new();
    let Some(tree) =
        doc.catalog().ok().and_then(|c| c.get(b"PageLabels").ok()).and_then(|t| dict(doc, t))
    else {
        return vec![None; pages];
    };
    fn walk(
        doc: &Document,
        node: &Dictionary,
        ranges: &mut BTreeMap<usize, (String, String, i64)>,
        depth: usize,
    ) {
        if depth > 16 {
            return;
        }
        if let Some(nums) = node.get(b"Nums").ok().and_then(|n| array(doc, n)) {
            for pair in nums.chunks(2) {
                let (Some(start), Some(d)) =
                    (pair.first().and_then(number), pair.get(1).and_then(|d| dict(doc, d)))
                else {
                    continue;
                };
                let style = d
                    .get(b"S")
                    .and_then(Object::as_name)
                    .map(|s| String::from_utf8_lossy(s).into_owned())
                    .unwrap_or_default();
                let prefix = match d.get(b"P").map(|p| resolve(doc, p)) {
                    Ok(Object::String(bytes, _)) => lopdf::decode_text_string(&Object::String(
                        bytes.clone(),
                        lopdf::StringFormat::Literal,
                    ))
                    .unwrap_or_default(),
                    _ => String::new(),
                };
                let first = d.get(b"St").ok().and_then(number).unwrap_or(1.0) as i64;
                ranges.insert(start as usize, (style, prefix, first));
            }
        }
        if let Some(kids) = node.get(b"Kids").ok().and_then(|k| array(doc, k)) {
            for k in kids {
                if let Some(kd) = dict(doc, k) {
                    walk(doc, kd, ranges, depth + 1);
                }
            }
        }
    }
    walk(doc, tree, &mut ranges, 0);
    if ranges.is_empty() {
        return vec![None; pages];
    }
    (0..pages)
        .map(|i| {
            let (&start, (style, prefix, first)) = ranges.range(..=i).next_back()?;
            let n = first + (i - start) as i64;
            let number = match style.as_str() {
                "D" => n.to_string(),
                "r" => roman(n).to_lowercase(),
                "R" => roman(n),
                "a" => letters(n).to_lowercase(),
                "A" => letters(n),
                _ => String::new(),
            };
            let label = format!("{prefix}{number}");
            (!label.is_empty()).then_some(label)
        })
        .collect()
}

fn roman(mut n: i64) -> String {
    const R: [(i64, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (v, s) in R {
        while n >= v && out.len() < 32 {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

/// `A`…`Z`, then `AA`…`ZZ`, as PDF numbers pages with letters.
fn letters(n: i64) -> String {
    if n < 1 {
        return String::new();
    }
    let letter = (b'A' + ((n - 1) % 26) as u8) as char;
    std::iter::repeat_n(letter, ((n - 1) / 26 + 1).min(32) as usize).collect()
}

/// Pages (1-based) as `3, 7–9`.
fn page_list(pages: &[u32]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < pages.len() {
        let mut j = i;
        while j + 1 < pages.len() && pages[j + 1] == pages[j] + 1 {
            j += 1;
        }
        parts.push(if j > i {
            format!("{}–{}", pages[i], pages[j])
        } else {
            pages[i].to_string()
        });
        i = j + 1;
    }
    parts.join(", ")
}

/// Reads a PDF's text layer, page by page.
pub fn read(rel: &str, bytes: &[u8], options: &Options) -> Result<Read, String> {
    let doc = Document::load_mem(bytes).map_err(|e| {
        let e = e.to_string();
        if e.to_lowercase().contains("decrypt") || e.to_lowercase().contains("password") {
            "an encrypted PDF (a password is needed to read it)".to_string()
        } else {
            format!("a damaged PDF ({e})")
        }
    })?;
    if doc.is_encrypted() {
        return Err("an encrypted PDF (a password is needed to read it)".into());
    }
    read_doc(rel, &doc, bytes, options)
}

fn read_doc(rel: &str, doc: &Document, bytes: &[u8], options: &Options) -> Result<Read, String> {
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err("a PDF with no pages".into());
    }
    let labels = page_labels(doc, pages.len());
    let mut interpreter = Interpreter { doc, fonts: FxHashMap::default() };
    let mut page_lines: Vec<Vec<PageLine>> = Vec::with_capacity(pages.len());
    let mut scanned: Vec<u32> = Vec::new();
    for (&number, &id) in &pages {
        let mut content = PageContent::default();
        let page = doc.get_dictionary(id).ok();
        let resources = doc.get_page_resources(id).ok().and_then(|(own, inherited)| {
            own.or_else(|| inherited.first().and_then(|r| doc.get_dictionary(*r).ok()))
        });
        let data = doc.get_page_content(id).unwrap_or_default();
        let state = State {
            ctm: IDENTITY,
            font: None,
            size: 0.0,
            tc: 0.0,
            tw: 0.0,
            th: 1.0,
            tl: 0.0,
            rise: 0.0,
        };
        // A broken content stream loses its page, not the document.
        let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            interpreter.run(&data, resources, state, 0, &mut content);
        }));
        let _ = page;
        if ok.is_err() {
            content.runs.clear();
        }
        let lines = reading_order(content.runs);
        // A page that draws an image and no text is a scan; one with neither is blank.
        if lines.is_empty() && content.images {
            scanned.push(number);
        }
        page_lines.push(lines);
    }
    let numbers: Vec<(u32, Option<String>)> =
        pages.keys().zip(&labels).map(|(&n, l)| (n, l.clone())).collect();
    drop_chrome(&mut page_lines, &numbers);
    let mut notes = Vec::new();
    let mut ocr_text: FxHashMap<u32, Vec<String>> = FxHashMap::default();
    if !scanned.is_empty() {
        if options.ocr {
            match ocr(bytes, &scanned) {
                Ok(texts) => ocr_text = texts,
                Err(why) => notes.push(format!("pages {} {NO_TEXT}: {why}", page_list(&scanned))),
            }
        } else {
            notes.push(format!(
                "pages {} {NO_TEXT} (scanned?): `quelle index --ocr` reads them with Tesseract \
                 (Debian: tesseract-ocr tesseract-ocr-rus poppler-utils)",
                page_list(&scanned)
            ));
        }
    }
    let body = body_size(&page_lines);
    let mut lines: Vec<Line> = Vec::new();
    let mut structure: Vec<Structured> = Vec::new();
    let mut page_starts: Vec<PageStart> = Vec::new();
    let mut offset = 0usize;
    let mut push_line = |lines: &mut Vec<Line>, text: String| {
        let len = text.len();
        lines.push(Line::new(text, offset, Vec::new()));
        offset += len + 1;
    };
    for (k, (&number, page)) in pages.keys().zip(&page_lines).enumerate() {
        let label = labels.get(k).cloned().flatten();
        let from = lines.len();
        if let Some(texts) = ocr_text.get(&number) {
            for para in texts {
                let first = lines.len();
                for l in para.lines().filter(|l| !l.trim().is_empty()) {
                    push_line(&mut lines, l.trim().to_string());
                }
                if lines.len() > first {
                    structure.push(Structured {
                        first,
                        last: lines.len() - 1,
                        hint: Hint::Paragraph,
                    });
                }
            }
        } else {
            for block in paragraphs(page, body) {
                let first = lines.len();
                for l in block.lines {
                    push_line(&mut lines, l);
                }
                structure.push(Structured { first, last: lines.len() - 1, hint: block.hint });
            }
        }
        if lines.len() > from {
            page_starts.push(PageStart { line: from, number, label });
            // A paragraph that runs on from the page before (it did not end a sentence,
            // and this page goes on in lowercase) is one paragraph across the break.
            let first = structure.iter().position(|s| s.first == from);
            if let Some(k) = first.filter(|&k| k > 0) {
                let (prev, this) = (structure[k - 1], structure[k]);
                let ends = lines[prev.last]
                    .text
                    .trim_end()
                    .ends_with(['.', '!', '?', ':', ';', '»', '”', '"']);
                let goes_on = lines[from].text.chars().next().is_some_and(char::is_lowercase);
                if prev.hint == Hint::Paragraph && this.hint == Hint::Paragraph && !ends && goes_on
                {
                    structure[k - 1].last = this.last;
                    structure.remove(k);
                }
            }
        }
    }
    if lines.is_empty() {
        return Err(match notes.pop() {
            Some(n) => format!("no text to index: {n}"),
            None => "no text to index".into(),
        });
    }
    let mut out = SourceDoc::from_reader(rel, "PDF", lines);
    out.structure = structure;
    out.pages = page_starts;
    out.title = info_title(doc);
    Ok(Read { doc: out, notes })
}

/// The title of the document information dictionary.
fn info_title(doc: &Document) -> Option<String> {
    let info = doc.trailer.get(b"Info").ok().and_then(|i| dict(doc, i))?;
    let title = lopdf::decode_text_string(resolve(doc, info.get(b"Title").ok()?)).ok()?;
    let title = super::collapse(&title);
    (!title.is_empty() && title.chars().count() < 300).then_some(title)
}

/// The most common font size of the document's lines: its body text.
fn body_size(pages: &[Vec<PageLine>]) -> f64 {
    let mut counts: FxHashMap<i64, usize> = FxHashMap::default();
    for l in pages.iter().flatten() {
        *counts.entry((l.size * 2.0).round() as i64).or_default() += l.text.len();
    }
    counts.into_iter().max_by_key(|&(_, n)| n).map_or(10.0, |(s, _)| s as f64 / 2.0)
}

/// Where lines ending at `x1` have their right margin: the furthest end that three or more
/// of them share (to within 2 points), as the lines of justified text do, so that a line
/// overrunning the margin (a long address) does not move it; else the furthest end.
fn right_edge(x1: &[f64]) -> f64 {
    let mut buckets: FxHashMap<i64, usize> = FxHashMap::default();
    for x in x1 {
        *buckets.entry((x / 2.0).round() as i64).or_default() += 1;
    }
    let shared =
        |b: i64| (b - 1..=b + 1).map(|k| buckets.get(&k).copied().unwrap_or(0)).sum::<usize>();
    let margin = buckets.keys().copied().filter(|&b| shared(b) >= 3).max();
    let near = |x: f64| margin.is_none_or(|b| ((x / 2.0).round() as i64) <= b + 1);
    x1.iter().copied().filter(|&x| near(x)).fold(f64::MIN, f64::max)
}

/// A paragraph of a page: its lines and what it is.
struct Paragraph {
    lines: Vec<String>,
    hint: Hint,
}

/// The page's lines grouped into paragraphs and headings.
fn paragraphs(page: &[PageLine], body: f64) -> Vec<Paragraph> {
    let mut out: Vec<Paragraph> = Vec::new();
    // The usual distance between lines of body text on this page: the lower quartile of
    // the distances, as a page of short paragraphs has as many distances between
    // paragraphs as within them.
    let mut gaps: Vec<f64> = page
        .windows(2)
        .filter(|w| w[0].column == w[1].column && (w[0].size - body).abs() < 0.5)
        .map(|w| w[0].y - w[1].y)
        .filter(|g| *g > 0.0)
        .collect();
    gaps.sort_by(f64::total_cmp);
    let leading = gaps.get(gaps.len() / 4).copied().unwrap_or(body * 1.2);
    let left: FxHashMap<usize, f64> = page.iter().fold(FxHashMap::default(), |mut m, l| {
        let e = m.entry(l.column).or_insert(f64::MAX);
        *e = e.min(l.x0);
        m
    });
    // The right edge of a column (see `right_edge`): a line overrunning the margin (a
    // long address) does not move it.
    let mut ends: FxHashMap<usize, Vec<f64>> = FxHashMap::default();
    for l in page {
        ends.entry(l.column).or_default().push(l.x1);
    }
    let right: FxHashMap<usize, f64> =
        ends.into_iter().map(|(column, x1)| (column, right_edge(&x1))).collect();
    // Set as a heading: larger than the body, or bold. A line ending as a sentence or a
    // clause does (`.`, `,`, `;`) is a bold sentence of the text, unless a line set the
    // same way follows it closely: a heading wrapped after a comma (`3.1.5 Не могли бы
    // вы подсказать, какой выпуск следует устанавливать,` / `стабильный или тестируемый?`).
    let styled = |l: &PageLine| {
        l.text.chars().count() <= 120
            && (l.size >= body * 1.15 || (l.bold && l.size >= body * 0.95))
    };
    let headings: Vec<bool> = page
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let wraps_on = || {
                page.get(i + 1).is_some_and(|n| {
                    let gap = l.y - n.y;
                    styled(n)
                        && n.column == l.column
                        && (n.size - l.size).abs() <= body * 0.1
                        && gap > 0.0
                        && gap <= leading * 1.45 * (l.size / body).max(1.0)
                })
            };
            styled(l) && (!l.text.ends_with(['.', ',', ';']) || wraps_on())
        })
        .collect();
    let mut prev: Option<(&PageLine, bool)> = None;
    for (l, &is_heading) in page.iter().zip(&headings) {
        let starts_new = match prev {
            None => true,
            Some((p, prev_heading)) => {
                let gap = p.y - l.y;
                let col_left = left.get(&l.column).copied().unwrap_or(l.x0);
                let col_right = right.get(&l.column).copied().unwrap_or(l.x1);
                // A first line set in marks a new paragraph; a line set in under a list
                // item's bullet, or under a numbered heading's number (`5.9 Moving, …
                // reintro-` / `ducing packages`), is its hanging indent. (A line of text
                // may start with a number too, `3.5 miles …`: only a heading's counts.)
                let numbered = prev_heading && crate::segment::numbering(&p.text).0 > 0;
                let hanging = (starts_item(&p.text) || numbered) && l.x0 > p.x0;
                // Lines of a heading stand as far apart as its size sets them.
                let spacing =
                    if is_heading && prev_heading { l.size.max(p.size) / body } else { 1.0 };
                let indented =
                    l.x0 - col_left > body * 0.8 && p.x0 - col_left < body * 0.3 && !hanging;
                let short_prev = p.x1 < col_right - body * 3.0
                    && p.text.ends_with(['.', '!', '?', ':', '»', '”', '"']);
                p.column != l.column
                    || gap < 0.0
                    || gap > leading * 1.45 * spacing.max(1.0)
                    || (l.size - p.size).abs() > body * 0.1
                    || prev_heading != is_heading
                    || indented
                    || short_prev
                    || starts_item(&l.text)
                    || starts_note(&l.text)
            }
        };
        if starts_new || out.is_empty() {
            let hint = if is_heading {
                Hint::Heading(0)
            } else if starts_item(&l.text) {
                Hint::Item
            } else {
                Hint::Paragraph
            };
            out.push(Paragraph { lines: Vec::new(), hint });
        }
        let para = out.last_mut().expect("a paragraph");
        match para.lines.last_mut() {
            // A word broken at a hyphen before a capital (`binN-` / `MUs`): one word,
            // its hyphen kept (the lowercase case is joined like any wrapped text).
            Some(last)
                if last.ends_with(['-', '\u{ad}'])
                    && l.text.chars().next().is_some_and(char::is_uppercase)
                    && last.chars().rev().nth(1).is_some_and(char::is_alphanumeric) =>
            {
                if last.ends_with('\u{ad}') {
                    last.pop();
                    last.push('-');
                }
                last.push_str(&l.text);
            }
            Some(last) if last.ends_with('\u{ad}') => {
                last.pop();
                last.push('-');
                para.lines.push(l.text.clone());
            }
            _ => para.lines.push(l.text.clone()),
        }
        prev = Some((l, is_heading));
    }
    // Heading levels by size: the largest are the highest.
    let mut sizes: Vec<i64> = Vec::new();
    let mut by_para: Vec<Option<i64>> = Vec::new();
    let mut k = 0;
    for p in &out {
        let size = page.get(k).map(|l| (l.size * 2.0).round() as i64);
        k += p.lines.len();
        if matches!(p.hint, Hint::Heading(_)) {
            if let Some(s) = size {
                if !sizes.contains(&s) {
                    sizes.push(s);
                }
            }
        }
        by_para.push(size);
    }
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    for (p, size) in out.iter_mut().zip(by_para) {
        if let (Hint::Heading(_), Some(s)) = (p.hint, size) {
            // A numbered heading says its depth (`4.6.4.2`); else the larger, the higher.
            let (numbered, _) =
                crate::segment::numbering(p.lines.first().map_or("", String::as_str));
            let by_size = sizes.iter().position(|&x| x == s).unwrap_or(0) + 1;
            p.hint = Hint::Heading(if numbered > 0 { numbered } else { by_size });
        }
    }
    out
}

/// A list item's first line: a bullet, or a number and a stop or bracket.
fn starts_item(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with(['•', '◦', '▪', '–', '—', '*', '·'])
        && t.chars().nth(1).is_some_and(char::is_whitespace)
}

/// Whether a line opens with a superscript number (`⁴Having said that, …`): a note of its
/// own, whatever the note above it.
fn starts_note(line: &str) -> bool {
    line.trim_start().starts_with(['¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'])
}

/// The text of scanned pages, recognised by Tesseract (Russian and English) from images
/// of the pages that `pdftoppm` renders; paragraphs per page.
fn ocr(bytes: &[u8], pages: &[u32]) -> Result<FxHashMap<u32, Vec<String>>, String> {
    let has = |cmd: &str, arg: &str| {
        std::process::Command::new(cmd)
            .arg(arg)
            .output()
            .is_ok_and(|o| o.status.success() || !o.stdout.is_empty() || !o.stderr.is_empty())
    };
    if !has("tesseract", "--version") || !has("pdftoppm", "-v") {
        return Err("--ocr needs Tesseract and pdftoppm, which are not installed \
                    (Debian: tesseract-ocr tesseract-ocr-rus poppler-utils)"
            .into());
    }
    let langs = std::process::Command::new("tesseract")
        .arg("--list-langs")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let mut wanted: Vec<&str> =
        ["rus", "eng"].into_iter().filter(|l| langs.lines().any(|x| x.trim() == *l)).collect();
    if wanted.is_empty() {
        wanted.push("eng");
    }
    let dir = std::env::temp_dir().join(format!("quelle-ocr-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let pdf = dir.join("doc.pdf");
    std::fs::write(&pdf, bytes).map_err(|e| e.to_string())?;
    let mut out = FxHashMap::default();
    for &n in pages {
        let base = dir.join(format!("p{n}"));
        let rendered = std::process::Command::new("pdftoppm")
            .args([
                "-r",
                "300",
                "-gray",
                "-png",
                "-singlefile",
                "-f",
                &n.to_string(),
                "-l",
                &n.to_string(),
            ])
            .arg(&pdf)
            .arg(&base)
            .output()
            .map_err(|e| e.to_string())?;
        if !rendered.status.success() {
            continue;
        }
        let text = std::process::Command::new("tesseract")
            .arg(base.with_extension("png"))
            .args(["stdout", "-l", &wanted.join("+")])
            .output()
            .map_err(|e| e.to_string())?;
        let text = String::from_utf8_lossy(&text.stdout).into_owned();
        let paras: Vec<String> = text
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect();
        out.insert(n, paras);
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_labels_in_every_style() {
        assert_eq!(roman(14), "XIV");
        assert_eq!(letters(28), "BB");
        assert_eq!(page_list(&[3, 5, 6, 7, 9]), "3, 5–7, 9");
    }

    fn run(x0: f64, y: f64, text: &str) -> Run {
        Run { x0, x1: x0 + 5.0 * text.len() as f64, y, size: 10.0, bold: false, text: text.into() }
    }

    #[test]
    fn two_columns_are_read_one_after_the_other() {
        let mut runs = vec![run(100.0, 760.0, "A Title Across Both Columns")];
        for i in 0..6 {
            let y = 700.0 - 12.0 * i as f64;
            runs.push(run(72.0, y, &format!("left line {i} of text")));
            runs.push(run(320.0, y, &format!("right line {i} of text")));
        }
        let lines = reading_order(runs);
        let texts: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts[0], "A Title Across Both Columns");
        assert_eq!(texts[1], "left line 0 of text");
        assert_eq!(texts[6], "left line 5 of text");
        assert_eq!(texts[7], "right line 0 of text");
    }

    #[test]
    fn a_list_item_keeps_its_hanging_lines_and_a_set_in_line_starts_a_paragraph() {
        // A paragraph's last line stops short of the right margin.
        let line = |text: &str, x0: f64, y: f64| PageLine {
            text: text.to_string(),
            x0,
            x1: if text.ends_with('.') { 300.0 } else { 500.0 },
            y,
            size: 10.0,
            bold: false,
            column: 0,
        };
        let page = [
            line(
                "• quern - a pair of stones that grind the grain; the upper one turns on",
                72.0,
                700.0,
            ),
            line("the lower by a wooden handle set in its rim.", 84.0, 688.0),
            line("• sieve - a frame of horsehair through which the meal is shaken.", 72.0, 676.0),
            line("The miller keeps both by the door of the mill, where the light is", 72.0, 664.0),
            line("good, and cleans them every week.", 72.0, 652.0),
            line("A second paragraph begins here, set in as books set them, and runs", 90.0, 640.0),
            line("on to the margin.", 72.0, 628.0),
        ];
        let got: Vec<(Hint, usize)> =
            paragraphs(&page, 10.0).iter().map(|p| (p.hint, p.lines.len())).collect();
        assert_eq!(
            got,
            [(Hint::Item, 2), (Hint::Item, 1), (Hint::Paragraph, 2), (Hint::Paragraph, 2)]
        );
    }

    #[test]
    fn a_numbered_heading_wrapped_under_its_title_is_one_heading() {
        // A heading of 14.4 points over body text of 10, its second line set in under the
        // title after the number and as far below as the heading's size sets it; the next
        // heading stands further down.
        let line = |text: &str, x0: f64, y: f64, size: f64| PageLine {
            text: text.to_string(),
            x0,
            x1: 500.0,
            y,
            size,
            bold: size > 10.0,
            column: 0,
        };
        let mut page = vec![line(
            "4.7 Keeping, mending, tarring and launching the heavy row-",
            72.0,
            700.0,
            14.4,
        )];
        page.push(line("ing boats", 99.0, 682.0, 14.4));
        for (i, y) in [650.0, 638.0, 626.0].into_iter().enumerate() {
            let text = [
                "Tar is laid on hot and thin, in two coats a week apart,",
                "so that the",
                "first has dried.",
            ][i];
            page.push(line(text, 72.0, y, 10.0));
        }
        page.push(line("4.8 Oars", 72.0, 590.0, 14.4));
        // In text, a line that starts with a number is no heading's: a line set in under
        // it starts a paragraph.
        page.push(line(
            "The oars are kept in the loft of the shed, which stands",
            72.0,
            560.0,
            10.0,
        ));
        page.push(line(
            "3.5 miles from the harbour along the old tow path by the",
            72.0,
            548.0,
            10.0,
        ));
        page.push(line(
            "A new paragraph, set in as books set them, begins here and",
            90.0,
            536.0,
            10.0,
        ));
        let got: Vec<(Hint, Vec<String>)> =
            paragraphs(&page, 10.0).into_iter().map(|p| (p.hint, p.lines)).collect();
        assert_eq!(got.len(), 5, "{got:?}");
        assert_eq!(got[4].1, ["A new paragraph, set in as books set them, begins here and"]);
        assert_eq!(got[0].0, Hint::Heading(2));
        assert_eq!(
            got[0].1,
            ["4.7 Keeping, mending, tarring and launching the heavy row-", "ing boats"]
        );
        assert_eq!(got[1].0, Hint::Paragraph);
        assert_eq!(got[2], (Hint::Heading(2), vec!["4.8 Oars".to_string()]));
    }

    #[test]
    fn a_heading_wrapped_after_a_comma_or_a_full_stop_is_one_heading() {
        // Three lines of a 14-point heading, the first two ending in `,` and `.`, the last
        // under an address that overruns the margin; a bold sentence of body size ending
        // in a full stop, with body text below it, stays text.
        let line = |text: &str, x0: f64, x1: f64, y: f64, size: f64| PageLine {
            text: text.to_string(),
            x0,
            x1,
            y,
            size,
            bold: size > 10.0 || text.starts_with("Mind"),
            column: 0,
        };
        let page = [
            line(
                "6.2 Some keepers smoke the hives with straw, others with",
                72.0,
                500.0,
                700.0,
                14.4,
            ),
            line("rotten wood, others again with puffball.", 100.0, 500.0, 682.0, 14.4),
            line("Which smoke calms the bees best?", 100.0, 380.0, 664.0, 14.4),
            line("Mind the wind.", 72.0, 200.0, 640.0, 10.0),
            line(
                "Smoke drifts where the wind takes it, so stand upwind of",
                72.0,
                500.0,
                628.0,
                10.0,
            ),
            line(
                "the hive, at https://bees.example.org/smoke-and-wind-and-hives",
                72.0,
                560.0,
                616.0,
                10.0,
            ),
            line("and work slowly.", 72.0, 180.0, 604.0, 10.0),
        ];
        let got: Vec<(Hint, usize)> =
            paragraphs(&page, 10.0).iter().map(|p| (p.hint, p.lines.len())).collect();
        assert_eq!(got, [(Hint::Heading(2), 3), (Hint::Paragraph, 1), (Hint::Paragraph, 3)]);
    }

    #[test]
    fn short_paragraphs_apart_by_more_than_their_lines_and_notes_stay_apart() {
        // Most distances on the page are between paragraphs (18 points), fewer within them
        // (12): each paragraph, of one or two lines, is its own.
        let line = |text: &str, x1: f64, y: f64| PageLine {
            text: text.to_string(),
            x0: 72.0,
            x1,
            y,
            size: 10.0,
            bold: false,
            column: 0,
        };
        let mut page = Vec::new();
        let mut y = 700.0;
        for i in 0..6 {
            page.push(line(
                &format!("Line {i} of the rope log names the knot tied at the"),
                500.0,
                y,
            ));
            page.push(line("bollard", 120.0, y - 12.0));
            page.push(line(&format!("and the bowline holds on post {i}"), 300.0, y - 30.0));
            y -= 48.0;
        }
        // Two notes at the foot, the first filling its line: each is its own.
        page.push(line(
            "³The log is kept in the harbour master's office, in the drawer",
            500.0,
            90.0,
        ));
        page.push(line("⁴Knots are named as the sailmakers name them.", 300.0, 80.0));
        let got: Vec<usize> = paragraphs(&page, 10.0).iter().map(|p| p.lines.len()).collect();
        assert_eq!(got, [[2, 1].repeat(6), vec![1, 1]].concat());
    }

    #[test]
    fn a_running_head_naming_each_pages_section_is_chrome() {
        // Small capitals naming the chapter and the section, another on every page, set
        // well above the text; a chapter's first page opens lower with its title, and the
        // last page with text at the top margin.
        let line = |text: &str, y: f64, size: f64| PageLine {
            text: text.to_string(),
            x0: 72.0,
            x1: 500.0,
            y,
            size,
            bold: false,
            column: 0,
        };
        let words = ["SLUICES", "WEIRS", "LOCKS", "DYKES", "POLDERS", "MILLS"];
        let mut pages: Vec<Vec<PageLine>> = (0..6)
            .map(|n| {
                let head =
                    format!("CHAPTER {}. WATER … {}.{}. {}", n / 2 + 1, n / 2 + 1, n, words[n]);
                let (w, v) = (words[n].to_lowercase(), words[(n + 1) % 6].to_lowercase());
                // Half the heads in two parts, their baselines a point apart.
                let mut lines = vec![line(&head, 780.0, 9.0)];
                if n % 2 == 0 {
                    lines.push(line(&format!("{}", n + 40), 779.0, 9.0));
                }
                lines.push(line(
                    &format!("The keeper of the {w} opens the gate at the turn"),
                    740.0,
                    10.0,
                ));
                lines.push(line(
                    &format!("of the tide, and the {v} fill when it stands level."),
                    728.0,
                    10.0,
                ));
                lines
            })
            .collect();
        pages.push(vec![
            line("Chapter 4. Tides", 700.0, 20.0),
            line("The tide turns twice a day.", 660.0, 10.0),
        ]);
        pages.push(vec![
            line("Level water on both sides of the gate is the keeper's sign.", 740.0, 10.0),
            line("He waits for it.", 728.0, 10.0),
        ]);
        drop_chrome(&mut pages, &[]);
        let first: Vec<&str> = pages.iter().map(|p| p[0].text.as_str()).collect();
        assert!(first[..6].iter().all(|t| t.starts_with("The keeper")), "{first:?}");
        assert_eq!(
            first[6..],
            ["Chapter 4. Tides", "Level water on both sides of the gate is the keeper's sign."]
        );
    }

    #[test]
    fn running_heads_and_page_numbers_are_chrome() {
        let line = |text: String, y: f64| PageLine {
            text,
            x0: 72.0,
            x1: 300.0,
            y,
            size: 10.0,
            bold: false,
            column: 0,
        };
        let page = |n: usize| {
            let mut lines = vec![line(format!("The Lichen Atlas, chapter {}", n / 3), 760.0)];
            const WORDS: [&str; 8] =
                ["moss", "lichen", "granite", "alder", "birch", "spore", "hollow", "moor"];
            for k in 0..5 {
                let (a, b) = (WORDS[(n + k) % 8], WORDS[(n * 3 + k * 5) % 8]);
                lines.push(line(
                    format!("Line of the text about {a} and {b}, {}.", WORDS[(n * k) % 8]),
                    700.0 - 12.0 * k as f64,
                ));
            }
            // The foot: the printed page number and the chapter, as books set it.
            lines.push(line(format!("{} Chapter {}. Mosses", n + 10, n / 3), 40.0));
            lines
        };
        let mut pages: Vec<Vec<PageLine>> = (1..=6).map(page).collect();
        let numbers: Vec<(u32, Option<String>)> =
            (1..=6).map(|n| (n, Some((n + 10).to_string()))).collect();
        drop_chrome(&mut pages, &numbers);
        for p in &pages {
            assert_eq!(p.len(), 5, "{:?}", p.iter().map(|l| &l.text).collect::<Vec<_>>());
            assert!(p.iter().all(|l| l.text.starts_with("Line ")));
        }
    }
}
