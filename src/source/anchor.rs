//! Where a reader's text stands in the file it was read from. An HTML parser gives a
//! page's text, not where each character of it was, so a page read through one would be
//! cited by lines of quelle's own text, which no reader can find in the file. Here the
//! page's visible characters are listed with their lines and bytes in the file (tags,
//! comments, scripts and styles left out, character references resolved), and each block
//! of text the reader makes is found among them, in order, character by character: its
//! lines become the file's lines, so a citation can be checked in any editor.

use crate::ingest::Line;

/// Characters of a block looked for past a character of the page that is not in the
/// block (a permalink sign, a footnote's text left out): at most this many.
const MAX_SKIP: usize = 4096;
/// Characters of the block that must follow a skip for it to be taken.
const RESUME: usize = 6;
/// Places tried for a block's first characters, at most.
const MAX_STARTS: usize = 32;
/// Share of a block's characters found for its place to be taken.
const MIN_FOUND: f64 = 0.5;

/// How many bytes of the file each decoded character took.
#[derive(Debug, Clone, Copy)]
pub enum Width {
    /// UTF-8: the decoded text is the file's bytes.
    Utf8,
    /// UTF-16: two bytes a code unit.
    Utf16,
    /// Any other encoding (windows-1251, KOI8-R, Shift_JIS…): each character encoded.
    Encoded(&'static encoding_rs::Encoding),
}

impl Width {
    fn of(self, c: char) -> usize {
        match self {
            Width::Utf8 => c.len_utf8(),
            Width::Utf16 => 2 * c.len_utf16(),
            Width::Encoded(_) if c.is_ascii() => 1,
            Width::Encoded(enc) => {
                let mut buf = [0u8; 4];
                enc.encode(c.encode_utf8(&mut buf)).0.len().max(1)
            }
        }
    }
}

/// A visible character: where it is in the file (bytes, 0-based line).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Seen {
    c: char,
    /// Inside a page's navigation, header, footer or aside: a block found there too (a
    /// heading in a table of contents) is placed there only when it is nowhere else.
    aside: bool,
    start: u32,
    end: u32,
    line: u32,
}

/// Where a character of a block was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spot {
    /// Its first byte in the file.
    pub start: usize,
    /// The byte after it (after the whole reference, for `&amp;`).
    pub end: usize,
    /// Its line in the file, 0-based.
    pub line: usize,
}

/// A page's visible characters, whitespace left out, and how far the blocks placed so
/// far have read.
#[derive(Debug)]
pub struct Visible {
    seen: Vec<Seen>,
    cursor: usize,
    /// Blocks with no place found.
    pub unplaced: usize,
}

impl Visible {
    /// The visible characters of `src`, a page's decoded text whose first character is at
    /// byte `base` of the file (after a byte-order mark), each character taking `width`.
    pub fn of(src: &str, width: Width, base: usize) -> Visible {
        let mut scan = Scan { src, width, at: 0, raw: base, line: 0 };
        let mut seen = Vec::with_capacity(src.len() / 2);
        // Open elements of page furniture.
        let mut furniture = 0usize;
        while scan.at < src.len() {
            let rest = &src[scan.at..];
            if rest.starts_with("<!--") {
                scan.past("-->");
                continue;
            }
            if let Some(name) = tag_name(rest) {
                let closing = rest.starts_with("</");
                let is = |names: &[&str]| names.iter().any(|t| name.eq_ignore_ascii_case(t));
                scan.past_tag();
                // The text of a script or style is no one's reading, and the title is the
                // document's, never a block of it.
                if !closing && is(&["script", "style", "title"]) {
                    let close = format!("</{}", name.to_ascii_lowercase());
                    scan.to(&close);
                } else if is(&["nav", "aside", "header", "footer"]) {
                    let self_closing = src[..scan.at].ends_with("/>");
                    if closing {
                        furniture = furniture.saturating_sub(1);
                    } else if !self_closing {
                        furniture += 1;
                    }
                }
                continue;
            }
            if rest.starts_with("<!") || rest.starts_with("<?") {
                scan.past(">");
                continue;
            }
            if rest.starts_with('&') {
                if let Some((decoded, len)) = reference(rest) {
                    let (start, line) = (scan.raw, scan.line);
                    scan.advance(len);
                    for c in decoded.chars().filter(|c| !c.is_whitespace()) {
                        let (aside, end) = (furniture > 0, scan.raw as u32);
                        seen.push(Seen { c, aside, start: start as u32, end, line });
                    }
                    continue;
                }
            }
            let c = rest.chars().next().expect("not at the end");
            let (start, line) = (scan.raw, scan.line);
            scan.advance(c.len_utf8());
            if !c.is_whitespace() {
                let (aside, end) = (furniture > 0, scan.raw as u32);
                seen.push(Seen { c, aside, start: start as u32, end, line });
            }
        }
        Visible { seen, cursor: 0, unplaced: 0 }
    }

    /// Where each character of `text` (by its byte offset) stands in the file: found in
    /// order past the blocks placed before, characters of the page that the block lacks
    /// skipped. `None` for whitespace and for characters not found; all `None` when too
    /// few are found to trust the place (counted in `unplaced`).
    pub fn place(&mut self, text: &str) -> Vec<(usize, char, Option<Spot>)> {
        let want: Vec<(usize, char)> =
            text.char_indices().filter(|(_, c)| !c.is_whitespace()).collect();
        let mut out: Vec<(usize, char, Option<Spot>)> =
            text.char_indices().map(|(i, c)| (i, c, None)).collect();
        if want.is_empty() {
            return out;
        }
        // Past the blocks before, outside the page's furniture first; the block whole
        // wherever it is before the most of it anywhere.
        let tries = [(self.cursor, false), (self.cursor, true), (0, false), (0, true)];
        let tries = if self.cursor == 0 { &tries[..2] } else { &tries[..] };
        let mut best: Option<Vec<Option<usize>>> = None;
        for &(from, aside) in tries {
            let Some(matched) = self.place_from(&want, from, aside) else { continue };
            let found = matched.iter().flatten().count();
            if found == want.len() {
                best = Some(matched);
                break;
            }
            if enough(&matched, want.len())
                && best.as_ref().is_none_or(|b| found > b.iter().flatten().count())
            {
                best = Some(matched);
            }
        }
        let Some(matched) = best else {
            self.unplaced += 1;
            return out;
        };
        let mut k = 0;
        for slot in out.iter_mut() {
            if slot.1.is_whitespace() {
                continue;
            }
            if let Some(j) = matched[k] {
                let s = self.seen[j];
                slot.2 = Some(Spot {
                    start: s.start as usize,
                    end: s.end as usize,
                    line: s.line as usize,
                });
                self.cursor = j + 1;
            }
            k += 1;
        }
        out
    }

    /// The best match of `want` found starting at one of the first places from `from`
    /// holding its first characters (in the page's furniture too, with `aside`): for each
    /// character, the visible one it is.
    fn place_from(
        &self,
        want: &[(usize, char)],
        from: usize,
        aside: bool,
    ) -> Option<Vec<Option<usize>>> {
        // The first word, or its first characters: what the page has of the block's start
        // before anything it skips. Shorter where the page breaks the word (a word of the
        // page's furniture inside it): a whole match is worth the tries.
        let word = want.windows(2).take_while(|w| w[1].0 == w[0].0 + w[0].1.len_utf8()).count() + 1;
        let mut best: Option<(usize, Vec<Option<usize>>)> = None;
        let mut lengths = vec![word.min(RESUME), word.min(3), 1];
        lengths.dedup();
        for len in lengths {
            let head: Vec<char> = want[..len].iter().map(|w| w.1).collect();
            let (mut at, mut tried) = (from, 0);
            while tried < MAX_STARTS {
                let Some(start) = find(&self.seen, &head, at, self.seen.len()) else { break };
                at = start + 1;
                if self.seen[start].aside && !aside {
                    continue;
                }
                tried += 1;
                let matched = self.follow(want, start, aside);
                let found = matched.iter().flatten().count();
                if found == want.len() {
                    return Some(matched);
                }
                if best.as_ref().is_none_or(|b| found > b.0) {
                    best = Some((found, matched));
                }
            }
        }
        best.map(|b| b.1)
    }

    /// `want` read from visible character `start` on: a character of the page the block
    /// lacks is skipped where the block's next characters follow within `MAX_SKIP`; a
    /// character of the block the page lacks is left unplaced.
    fn follow(&self, want: &[(usize, char)], start: usize, aside: bool) -> Vec<Option<usize>> {
        let mut out = vec![None; want.len()];
        let (mut i, mut j) = (0, start);
        // Past this many characters of the block not found, the place cannot be taken.
        let mut spare = want.len() - (MIN_FOUND * want.len() as f64).ceil() as usize;
        while i < want.len() && j < self.seen.len() {
            // The block has no spaces to match, and outside the furniture none of its
            // words: the page's are passed over wherever they stand.
            if self.seen[j].c.is_whitespace() || self.seen[j].aside && !aside {
                j += 1;
                continue;
            }
            if self.seen[j].c == want[i].1 {
                out[i] = Some(j);
                i += 1;
                j += 1;
                continue;
            }
            let next: Vec<char> = want[i..].iter().take(RESUME).map(|w| w.1).collect();
            let limit = (j + MAX_SKIP).min(self.seen.len());
            match find(&self.seen, &next, j + 1, limit) {
                Some(k) => j = k,
                None if spare == 0 => break,
                None => {
                    spare -= 1;
                    i += 1;
                }
            }
        }
        out
    }
}

/// A reading position in a page's decoded text, with its byte and line in the file.
struct Scan<'a> {
    src: &'a str,
    width: Width,
    at: usize,
    raw: usize,
    line: u32,
}

impl Scan<'_> {
    /// Moves `len` bytes on (a whole number of characters), counting file bytes and lines
    /// (ended by `\n`, `\r\n` or a lone `\r`, as text files are read).
    fn advance(&mut self, len: usize) {
        let src = self.src;
        let end = (self.at + len).min(src.len());
        for c in src[self.at..end].chars() {
            self.raw += self.width.of(c);
            let lone_cr = c == '\r' && src.as_bytes().get(self.at + 1) != Some(&b'\n');
            if c == '\n' || lone_cr {
                self.line += 1;
            }
            self.at += c.len_utf8();
        }
    }

    /// Moves on to where `needle` (lowercase ASCII, case ignored) begins, or to the end.
    fn to(&mut self, needle: &str) {
        let stop = find_ascii_ci(&self.src[self.at..], needle).unwrap_or(self.src.len() - self.at);
        self.advance(stop);
    }

    /// Moves on past the tag that starts here: to its `>`, a `>` inside a quoted
    /// attribute value (`title="a > b"`) left in it, as browsers read it.
    fn past_tag(&mut self) {
        let bytes = self.src.as_bytes();
        let (mut k, mut quote, mut after_equals) = (self.at + 1, None, false);
        while k < bytes.len() {
            let b = bytes[k];
            match quote {
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if b == b'>' => break,
                None if (b == b'"' || b == b'\'') && after_equals => quote = Some(b),
                None => {}
            }
            if !b.is_ascii_whitespace() {
                after_equals = quote.is_none() && b == b'=';
            }
            k += 1;
        }
        self.advance((k + 1).min(bytes.len()) - self.at);
    }

    /// Moves on past `needle`, or to the end.
    fn past(&mut self, needle: &str) {
        let stop = find_ascii_ci(&self.src[self.at..], needle)
            .map_or(self.src.len() - self.at, |i| i + needle.len());
        self.advance(stop);
    }
}

/// True when enough of a block was found, close enough together: characters scattered
/// over the page are no place.
fn enough(matched: &[Option<usize>], len: usize) -> bool {
    let mut found = matched.iter().flatten();
    let (first, last) = (found.next(), found.next_back());
    let span = match (first, last) {
        (Some(a), Some(b)) => b - a,
        _ => 0,
    };
    matched.iter().flatten().count() as f64 >= MIN_FOUND * len as f64 && span <= 2 * len + MAX_SKIP
}

/// The first place in `seen[from..limit]` where `chars` stand in a row.
fn find(seen: &[Seen], chars: &[char], from: usize, limit: usize) -> Option<usize> {
    let first = *chars.first()?;
    (from..limit).find(|&k| {
        seen[k].c == first
            && chars.len() <= seen.len() - k
            && chars.iter().zip(&seen[k..]).all(|(c, s)| *c == s.c)
    })
}

/// The name of the tag `rest` opens (`<p …>`, `</p>`), if it is a tag.
fn tag_name(rest: &str) -> Option<&str> {
    let body = rest.strip_prefix("</").or_else(|| rest.strip_prefix('<'))?;
    let end = body.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == ':'))?;
    let name = &body[..end];
    name.starts_with(|c: char| c.is_ascii_alphabetic()).then_some(name)
}

/// Where `needle` (lowercase ASCII) first stands in `hay`, ASCII case ignored.
fn find_ascii_ci(hay: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    h.windows(n.len()).position(|w| w.eq_ignore_ascii_case(n))
}

/// The text of the character reference `rest` opens (`&amp;`, `&#8217;`, `&#x27;`, and the
/// legacy names without `;` that browsers accept), and its length in bytes.
fn reference(rest: &str) -> Option<(String, usize)> {
    let body = &rest[1..];
    if let Some(num) = body.strip_prefix('#') {
        let (digits, radix, skip) = match num.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16, 2),
            None => (num, 10, 1),
        };
        let n = digits.find(|c: char| !c.is_digit(radix)).unwrap_or(digits.len());
        if n == 0 {
            return None;
        }
        let value = u32::from_str_radix(&digits[..n.min(8)], radix).unwrap_or(0xFFFD);
        // As browsers read them: C1 controls as windows-1252 characters.
        let c1 = (0x80..0xA0)
            .contains(&value)
            .then(|| markup5ever::data::C1_REPLACEMENTS[(value - 0x80) as usize]);
        let c = match c1.flatten() {
            Some(c) => c,
            None => char::from_u32(value).filter(|&c| c != '\0').unwrap_or('\u{FFFD}'),
        };
        let semi = usize::from(digits[n..].starts_with(';'));
        return Some((c.to_string(), 1 + skip + n + semi));
    }
    let n = body.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(body.len());
    if n == 0 {
        return None;
    }
    // The table also holds every prefix of a name, as `(0, 0)`, for tokenizers that read
    // a character at a time.
    let entities = &markup5ever::data::NAMED_ENTITIES;
    let get = |name: &str| entities.get(name).filter(|e| e.0 != 0);
    // The longest name the table knows, with its `;` where it has one.
    let with_semi = body[n..].starts_with(';');
    let candidates = (1..=n).rev().map(|k| (k, false));
    let found = if with_semi { get(&body[..=n]).map(|e| (e, n + 1)) } else { None }
        .or_else(|| candidates.into_iter().find_map(|(k, _)| get(&body[..k]).map(|e| (e, k))))?;
    let ((a, b), len) = found;
    let mut text = String::new();
    text.extend(char::from_u32(*a));
    if *b != 0 {
        text.extend(char::from_u32(*b));
    }
    Some((text, 1 + len))
}

/// The lines of a block placed in the file: a line ends where the next word stands on
/// another line of the file, each with its line number, its first byte and checkpoints
/// where the text and the file stop advancing together (a tag, a reference). `None`
/// when no character was placed.
pub fn lines_of(placed: &[(usize, char, Option<Spot>)], text: &str) -> Option<Vec<Line>> {
    let first = placed.iter().find_map(|p| p.2)?;
    let mut lines = Vec::new();
    let mut current: Option<Building> = None;
    let mut gap = false;
    // Where the last character placed stands: a character not found is taken to follow it.
    let (mut last_line, mut last_end) = (first.line, first.start);
    for &(i, c, spot) in placed {
        if c.is_whitespace() {
            gap = true;
            continue;
        }
        let line = spot.map_or(last_line, |s| s.line);
        // Never after a hyphen before a small letter: the passages would join the two
        // as a word hyphenated at a line end, which a page does not do.
        let hyphen = text[..i].trim_end().ends_with('-') && c.is_lowercase();
        // A word that markup carries over a line break (`slate<b\n>s</b>`) goes on
        // the next line joined to its start.
        let joins = current.is_some() && !gap;
        if current.as_ref().is_none_or(|b| line != b.number && (joins || !hyphen)) {
            lines.extend(current.take().map(|b| b.finish(text)));
            let raw_start = spot.map_or(last_end, |s| s.start);
            current = Some(Building {
                number: line,
                joins,
                from: i,
                to: i,
                raw_start,
                checkpoint: (0, 0),
                checkpoints: Vec::new(),
            });
        }
        let b = current.as_mut().expect("a line is being built");
        let t = i - b.from;
        if let Some(s) = spot {
            b.mark(t, s.start);
            b.mark(t + c.len_utf8(), s.end);
            (last_line, last_end) = (s.line, s.end);
        }
        b.to = i + c.len_utf8();
        gap = false;
    }
    lines.extend(current.map(|b| b.finish(text)));
    Some(lines)
}

/// A line of a block being built.
struct Building {
    number: usize,
    joins: bool,
    from: usize,
    to: usize,
    raw_start: usize,
    /// The last checkpoint (text offset, file offset from `raw_start`).
    checkpoint: (usize, usize),
    checkpoints: Vec<(usize, usize)>,
}

impl Building {
    /// Notes that offset `t` of the line is byte `raw` of the file, where the checkpoints
    /// so far say otherwise.
    fn mark(&mut self, t: usize, raw: usize) {
        let (ct, cr) = self.checkpoint;
        let relative = raw.saturating_sub(self.raw_start);
        if cr + (t - ct) != relative {
            self.checkpoint = (t, relative);
            self.checkpoints.push(self.checkpoint);
        }
    }

    fn finish(self, text: &str) -> Line {
        let mut line =
            Line::new(text[self.from..self.to].to_string(), self.raw_start, self.checkpoints);
        line.number = Some(self.number as u32 + 1);
        line.joins = self.joins;
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spots(page: &str, text: &str) -> Vec<Option<(usize, usize)>> {
        let mut v = Visible::of(page, Width::Utf8, 0);
        v.place(text).into_iter().map(|(_, _, s)| s.map(|s| (s.start, s.line))).collect()
    }

    #[test]
    fn references_resolve_as_browsers_read_them() {
        assert_eq!(reference("&amp; x"), Some(("&".into(), 5)));
        assert_eq!(reference("&#8217;s"), Some(("\u{2019}".into(), 7)));
        assert_eq!(reference("&#x27;"), Some(("'".into(), 6)));
        assert_eq!(
            reference("&#150;"),
            Some(("\u{2013}".into(), 6)),
            "a C1 control as windows-1252"
        );
        assert_eq!(reference("&copy2024"), Some(("\u{a9}".into(), 5)), "a legacy name without `;`");
        assert_eq!(reference("&nosuchname;"), None);
        assert_eq!(reference("& alone"), None);
    }

    #[test]
    fn characters_are_found_past_markup_on_their_lines() {
        let page = "<p>Slate\r\n<b>roofs</b>\rlast &amp; last</p>";
        let found = spots(page, "Slate roofs last & last");
        let at = |c: usize| found[c].unwrap();
        assert_eq!(at(0), (3, 0), "S");
        assert_eq!(at(6), (13, 1), "r, after a CRLF and a tag");
        assert_eq!(at(12), (23, 2), "l, after a lone CR");
        assert_eq!(at(17), (28, 2), "&, a reference");
        assert!(found[5].is_none(), "whitespace is not placed");
    }

    #[test]
    fn a_quoted_attribute_may_hold_a_greater_than_sign() {
        let found = spots("<p title=\"a > b\" class='x>y'>Slate</p>", "Slate");
        assert_eq!(found[0], Some((29, 0)));
    }

    #[test]
    fn a_word_carried_over_a_line_by_markup_joins_its_start() {
        let (page, text) = ("<p>slate<b\n>s</b> roof</p>", "slates roof");
        let mut v = Visible::of(page, Width::Utf8, 0);
        let lines = lines_of(&v.place(text), text).unwrap();
        let got: Vec<(&str, Option<u32>, bool)> =
            lines.iter().map(|l| (l.text.as_str(), l.number, l.joins)).collect();
        assert_eq!(got, [("slate", Some(1), false), ("s roof", Some(2), true)]);
    }

    #[test]
    fn text_the_page_does_not_hold_is_not_placed() {
        let mut v = Visible::of("<p>Slate roofs</p>", Width::Utf8, 0);
        assert!(v.place("Thatched cottages by the mill").iter().all(|p| p.2.is_none()));
        assert_eq!(v.unplaced, 1);
    }

    #[test]
    fn a_block_missing_a_word_of_the_page_is_placed_around_it() {
        // A permalink sign the reader leaves out of a heading.
        let page = "<h2>Slate <a class=\"headerlink\">¶</a>roofs</h2>";
        let found = spots(page, "Slate roofs");
        assert_eq!(found[6], Some((38, 0)));
    }
}
