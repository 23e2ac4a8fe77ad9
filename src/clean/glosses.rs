//! Inline link glosses. Some scrapers print each link's anchor text followed, on the same
//! line, by the opening of the linked article, cut off with ` ...`; the sentence the link
//! stood in goes on at the next line:
//!
//! ```text
//! The
//! Treaty of Rapallo The Treaty of Rapallo was an agreement … (the later Yugoslav ...
//! between Weimar Germany and Soviet Russia was signed by
//! ```
//!
//! In a run of adjacent lines holding such glosses, the anchor is told from the gloss (the
//! gloss restates the anchor, starts with an article, or opens an infobox `, key =`), the
//! anchors and the prose fragments are stitched back into one paragraph, and each gloss
//! becomes a passage of kind `gloss`. Reference lines inside the run are kept apart.

use super::references::{classify, trailing_author_year, RefLine};
use super::{adjacent, block_of, single_line, sub_piece, text_of};
use crate::ingest::SourceDoc;
use crate::segment::{Block, Glue, Kind, Piece};

/// Shortest line that can hold an anchor and a gloss.
const MIN_GLOSS_LINE_CHARS: usize = 60;
/// Longest anchor considered, in words.
const MAX_ANCHOR_WORDS: usize = 10;
/// Words that end no anchor: a link's text does not stop on them.
const OPEN_ENDED: &[&str] = &[
    "of", "the", "a", "an", "and", "or", "in", "on", "for", "to", "with", "by", "at", "from",
    "von", "van", "de", "der", "du", "la", "le", "al", "и", "в", "на", "о", "с",
];
/// Articles a gloss often starts with.
const ARTICLES: &[&str] = &["The", "A", "An"];

fn bare(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase()
}

/// For a line that is an anchor followed by a truncated gloss, the byte range of the
/// anchor's end and the gloss's start; `None` for any other line.
pub fn split_anchor(line: &str) -> Option<(usize, usize)> {
    let t = line.trim_end();
    if !(t.ends_with("...") || t.ends_with('…')) || t.chars().count() < MIN_GLOSS_LINE_CHARS {
        return None;
    }
    let words: Vec<(usize, &str)> =
        t.split_whitespace().map(|w| (w.as_ptr() as usize - t.as_ptr() as usize, w)).collect();
    let folded: Vec<String> = words.iter().map(|(_, w)| bare(w)).collect();
    let mut best: Option<(i32, usize)> = None;
    for k in 1..=MAX_ANCHOR_WORDS.min(words.len().saturating_sub(2)) {
        if OPEN_ENDED.contains(&folded[k - 1].as_str()) || folded[k - 1].is_empty() {
            continue;
        }
        let next = words[k].1;
        let opens = next
            .starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit() || "(,'\"«“".contains(c));
        if !opens {
            continue;
        }
        let mut score = 0;
        // The gloss restates the anchor, maybe after an article or wiki quotes.
        let mut r = k;
        if ARTICLES.contains(&next) {
            score += 4;
            r += 1;
        }
        if folded.get(r..r + k).is_some_and(|rest| rest == &folded[..k]) {
            score += 10;
        } else if k >= 2 && folded.get(r) == Some(&folded[0]) {
            score += 6;
        }
        // Its last word comes back early in the gloss.
        let last: String = folded[k - 1].chars().take(5).collect();
        if folded[k + 1..(k + 26).min(folded.len())].iter().any(|w| w.starts_with(&last)) {
            score += 3;
        }
        // An infobox: `Anchor , key = value`.
        if next == "," && words[k + 1..(k + 4).min(words.len())].iter().any(|(_, w)| *w == "=") {
            score += 12;
        }
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, k));
        }
    }
    let (_, k) = best?;
    let (start, word) = words[k - 1];
    Some((start + word.len(), words[k].0))
}

/// Stitches runs of adjacent one-line blocks that hold glosses.
pub fn stitch(doc: &SourceDoc, blocks: Vec<Block>) -> Vec<Block> {
    let mut out = Vec::with_capacity(blocks.len());
    let mut i = 0;
    while i < blocks.len() {
        let mut j = i + 1;
        let joinable = |b: &Block| single_line(b) && b.kind == Kind::Body;
        while j < blocks.len()
            && joinable(&blocks[j])
            && joinable(&blocks[j - 1])
            && adjacent(&blocks[j - 1], &blocks[j])
        {
            j += 1;
        }
        let run = &blocks[i..j];
        if run.len() > 1
            && run.iter().any(|b| joinable(b) && split_anchor(text_of(doc, &b.pieces[0])).is_some())
        {
            out.extend(Stitcher::new(doc).run(run));
        } else {
            out.extend(run.iter().cloned());
        }
        i = j;
    }
    out
}

/// The state of stitching one run.
struct Stitcher<'a> {
    doc: &'a SourceDoc,
    out: Vec<Block>,
    body: Vec<Piece>,
    aside: Vec<Block>,
    reference: Option<Vec<Piece>>,
    last_was_anchor: bool,
}

impl<'a> Stitcher<'a> {
    fn new(doc: &'a SourceDoc) -> Stitcher<'a> {
        Stitcher {
            doc,
            out: Vec::new(),
            body: Vec::new(),
            aside: Vec::new(),
            reference: None,
            last_was_anchor: false,
        }
    }

    fn run(mut self, run: &[Block]) -> Vec<Block> {
        for block in run {
            let p = block.pieces[0];
            let text = text_of(self.doc, &p);
            if self.reference.is_some() && self.continue_reference(&p, text) {
                continue;
            }
            match classify(text) {
                RefLine::AuthorYear => {
                    self.reference = Some(vec![p]);
                    continue;
                }
                RefLine::Italics | RefLine::Pages => {
                    self.aside.push(block_of(vec![p], Kind::Reference));
                    continue;
                }
                RefLine::Text => {}
            }
            if let Some((anchor_end, gloss_start)) = split_anchor(text) {
                self.add_gloss(&p, anchor_end, gloss_start, false);
                continue;
            }
            let prose_end = trailing_author_year(text).unwrap_or(text.len());
            if let Some(prose) = sub_piece(self.doc, &p, 0, prose_end, Glue::Space) {
                self.add_prose(prose);
            }
            if prose_end < text.len() {
                self.reference =
                    sub_piece(self.doc, &p, prose_end, text.len(), Glue::Space).map(|r| vec![r]);
            }
        }
        self.close_reference();
        self.close_body();
        self.out
    }

    /// Inside a reference: its title, italics marks, a linked journal and its pages.
    /// Returns false when the line is not part of it (the reference is then closed).
    fn continue_reference(&mut self, p: &Piece, text: &str) -> bool {
        let t = text.trim();
        match classify(text) {
            RefLine::Italics => {}
            RefLine::Pages => {
                self.push_reference(*p);
                self.close_reference();
                return true;
            }
            RefLine::AuthorYear => {
                self.close_reference();
                return false;
            }
            RefLine::Text => {
                if let Some((anchor_end, gloss_start)) = split_anchor(text) {
                    self.add_gloss(p, anchor_end, gloss_start, true);
                    return true;
                }
                let short_title = t.chars().count() <= 120 && !t.ends_with(['.', '!', '?']);
                let link_word = t.chars().count() <= 12
                    && t.chars().all(|c| c.is_alphabetic() || c == '(' || c == ')');
                if !(short_title || link_word) {
                    self.close_reference();
                    return false;
                }
            }
        }
        self.push_reference(*p);
        true
    }

    fn push_reference(&mut self, p: Piece) {
        if let Some(r) = self.reference.as_mut() {
            r.push(p);
        }
    }

    fn close_reference(&mut self) {
        if let Some(r) = self.reference.take() {
            self.aside.push(block_of(r, Kind::Reference));
        }
    }

    fn add_gloss(&mut self, p: &Piece, anchor_end: usize, gloss_start: usize, in_reference: bool) {
        let text_len = p.end - p.start;
        if let Some(anchor) = sub_piece(self.doc, p, 0, anchor_end, Glue::Space) {
            if in_reference {
                self.push_reference(anchor);
            } else {
                self.body.push(anchor);
                self.last_was_anchor = true;
            }
        }
        if let Some(gloss) = sub_piece(self.doc, p, gloss_start, text_len, Glue::Space) {
            self.aside.push(block_of(vec![gloss], Kind::Gloss));
        }
    }

    fn add_prose(&mut self, prose: Piece) {
        let text = text_of(self.doc, &prose);
        if let Some(prev) = self.body.last() {
            let prev_text = text_of(self.doc, prev).trim_end();
            let ends = prev_text.ends_with(['.', '!', '?', '»', '"', '”']);
            let starts = text.starts_with(char::is_uppercase);
            if !self.last_was_anchor && ends && starts {
                self.close_body();
            }
        }
        self.body.push(prose);
        self.last_was_anchor = false;
    }

    fn close_body(&mut self) {
        if !self.body.is_empty() {
            self.out.push(block_of(std::mem::take(&mut self.body), Kind::Body));
        }
        self.out.append(&mut self.aside);
        self.last_was_anchor = false;
    }
}

#[cfg(test)]
mod tests {
    use super::split_anchor;
    use crate::clean::test_util::of_kind;
    use crate::segment::Kind;

    fn anchor(line: &str) -> &str {
        let (end, _) = split_anchor(line).unwrap_or_else(|| panic!("no gloss in {line:?}"));
        &line[..end]
    }

    #[test]
    fn tells_anchor_from_gloss() {
        assert_eq!(anchor("Treaty of Brest-Litovsk The Treaty of Brest-Litovsk (also known as the Treaty of Brest) was a separate peace treaty ..."), "Treaty of Brest-Litovsk");
        assert_eq!(anchor("Adolph Joffe Adolph Abramovich Joffe (russian: Адо́льф Абра́мович Ио́ффе) was a Russian revolutionary and a diplomat ..."), "Adolph Joffe");
        assert_eq!(anchor("rapprochement In international relations, a rapprochement, which comes from the French word, is a re-establishment ..."), "rapprochement");
        assert_eq!(anchor("Russian Civil War , date = October Revolution, 7 November 1917 – Yakut revolt, 16 June 1923 the main phase ended ..."), "Russian Civil War");
        assert_eq!(anchor("Hans von Seeckt Johannes Friedrich Leopold von Seeckt (22 April 1866 – 27 December 1936) was a German officer ..."), "Hans von Seeckt");
        assert_eq!(anchor("Red Army The Workers' and Peasants' Red Army, often shortened to the Red Army, was the army and air force of ..."), "Red Army");
        assert_eq!(anchor("Vienna Vienna is the capital, largest city, and one of nine states of Austria, with about two million inhabitants ..."), "Vienna");
    }

    #[test]
    fn ordinary_lines_have_no_gloss() {
        assert!(split_anchor(
            "The treaty was signed in 1922 and lasted for ten years, until the pact."
        )
        .is_none());
        assert!(split_anchor("Он сказал: «Не стоит пугать Европу...»").is_none());
    }

    #[test]
    fn stitches_prose_and_keeps_glosses_apart() {
        let text = "Intro line.\n\nThe\n\
Treaty of Rapallo Following World War I there were two Treaties of Rapallo, both named after Rapallo, a resort in Italy ...\n\
between Weimar Germany and Soviet Russia was signed by\n\
German Foreign Minister , insignia = Bundesadler.svg , department = Federal Foreign Office , image = Anna ...\n\
Walther Rathenau Walther Rathenau (29 September 1867 – 24 June 1922) was a German industrialist, writer and politician ...\n\
and his Soviet colleague\n\
Georgy Chicherin Georgy Vasilyevich Chicherin (24 November 1872 – 7 July 1936) was a Russian revolutionary and diplomat ...\n\
on April 16, 1922.Gasiorowski, Zygmunt J. (1958)\n\
The Russian Overture to Germany of December 1924\n\
''\n\
The Journal of Modern History ''The Journal of Modern History'' is a quarterly peer-reviewed academic journal covering ...\n\
'' 30 (2), 99–117.\n\
A new sentence starts a new paragraph.\n";
        assert_eq!(of_kind(text, Kind::Body), [
            "Intro line.",
            "The Treaty of Rapallo between Weimar Germany and Soviet Russia was signed by German Foreign Minister Walther Rathenau and his Soviet colleague Georgy Chicherin on April 16, 1922.",
            "A new sentence starts a new paragraph.",
        ]);
        let glosses = of_kind(text, Kind::Gloss);
        assert_eq!(glosses.len(), 5);
        assert!(glosses[0].starts_with("Following World War I"));
        assert!(glosses[4].starts_with("''The Journal of Modern History''"));
        assert_eq!(of_kind(text, Kind::Reference), [
            "Gasiorowski, Zygmunt J. (1958) The Russian Overture to Germany of December 1924 '' The Journal of Modern History '' 30 (2), 99–117.",
        ]);
    }
}
