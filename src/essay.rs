//! The quotations of an essay: what `quelle check` verifies against the corpus. A quotation
//! is text in quotation marks («…», “…”, „…“, "…"; the outermost pair where they nest) or a
//! Markdown block quote (a run of lines starting with `>`, its attribution line `— …`
//! left out). Quotations of fewer than [`MIN_WORDS`] words are terms or titles, not quotes,
//! and are left alone.

/// Words a quotation needs to be checked.
pub const MIN_WORDS: usize = 3;

/// A quotation found in an essay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quotation {
    /// The quoted words.
    pub text: String,
    /// Line (1-based) and column (1-based, in characters) where it opens.
    pub line: usize,
    pub column: usize,
}

/// Marks that open a quotation, and the mark that closes each.
const PAIRS: [(char, char); 4] = [('«', '»'), ('“', '”'), ('„', '“'), ('"', '"')];

/// The quotations of `text`, in order.
pub fn quotations(text: &str) -> Vec<Quotation> {
    let mut found = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    // Paragraphs of the essay: block quotes apart, the rest scanned for marks.
    while i < lines.len() {
        if is_block_quote(lines[i]) {
            let start = i;
            let mut parts = Vec::new();
            while i < lines.len() && is_block_quote(lines[i]) {
                let inner = lines[i].trim_start().trim_start_matches('>').trim();
                if !is_attribution(inner) && !inner.is_empty() {
                    parts.push(inner);
                }
                i += 1;
            }
            let quoted = parts.join(" ");
            // A block quote that is itself in quotation marks is one quotation.
            let quoted = strip_marks(&quoted);
            push(&mut found, quoted, start + 1, 1);
            continue;
        }
        let start = i;
        let mut paragraph = Vec::new();
        while i < lines.len() && !lines[i].trim().is_empty() && !is_block_quote(lines[i]) {
            paragraph.push(lines[i]);
            i += 1;
        }
        if paragraph.is_empty() {
            i += 1;
            continue;
        }
        marked(&mut found, &paragraph, start);
    }
    found
}

fn is_block_quote(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

/// `— Author, Title` under a block quote.
fn is_attribution(line: &str) -> bool {
    line.starts_with('—') || line.starts_with("--") || line.starts_with('―')
}

fn strip_marks(text: &str) -> String {
    let t = text.trim();
    for (open, close) in PAIRS {
        if let Some(inner) = t.strip_prefix(open).and_then(|r| r.strip_suffix(close)) {
            return inner.trim().to_string();
        }
    }
    t.to_string()
}

fn push(found: &mut Vec<Quotation>, text: String, line: usize, column: usize) {
    if crate::analysis::words(&text).count() >= MIN_WORDS {
        found.push(Quotation { text, line, column });
    }
}

/// The quotations in marks of one paragraph (its lines start at line `first` + 1).
fn marked(found: &mut Vec<Quotation>, paragraph: &[&str], first: usize) {
    // Characters of the paragraph with their line and column.
    let mut chars: Vec<(char, usize, usize)> = Vec::new();
    for (n, line) in paragraph.iter().enumerate() {
        if n > 0 {
            chars.push((' ', first + n + 1, 0));
        }
        for (col, c) in line.chars().enumerate() {
            chars.push((c, first + n + 1, col + 1));
        }
    }
    let mut k = 0;
    while k < chars.len() {
        let c = chars[k].0;
        let Some(&(open, close)) = PAIRS.iter().find(|(o, _)| *o == c) else {
            k += 1;
            continue;
        };
        // A straight quote opens only before a word, not after one (`5" screen`).
        if open == '"' && (k > 0 && chars[k - 1].0.is_alphanumeric()) {
            k += 1;
            continue;
        }
        // The matching close, nested pairs of the same marks counted («… «…» …»).
        let mut depth = 0;
        let mut end = None;
        for (j, &(d, _, _)) in chars.iter().enumerate().skip(k + 1) {
            if d == close && (open != close || depth == 0) {
                if depth == 0 {
                    end = Some(j);
                    break;
                }
                depth -= 1;
            } else if d == open && open != close {
                depth += 1;
            }
        }
        let Some(end) = end else {
            k += 1;
            continue;
        };
        let text: String = chars[k + 1..end].iter().map(|c| c.0).collect();
        push(found, text.trim().to_string(), chars[k].1, chars[k].2);
        k = end + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(essay: &str) -> Vec<String> {
        quotations(essay).into_iter().map(|q| q.text).collect()
    }

    #[test]
    fn quotes_in_marks_of_both_languages_and_block_quotes() {
        let essay = "Как писал автор, «лишайник растёт на граните медленно» (с. 3), а\n\
                     другой возражал: „мох растёт быстрее“. Термин «мох» не цитата.\n\
                     \n\
                     The atlas says “the lichen grows slowly on granite”, and \"spores\n\
                     travel far in the damp north\" too.\n\
                     \n\
                     > The birch and the alder shade the moss\n\
                     > in the north.\n\
                     > — Brackenbury, p. 4\n";
        assert_eq!(
            texts(essay),
            [
                "лишайник растёт на граните медленно",
                "мох растёт быстрее",
                "the lichen grows slowly on granite",
                "spores travel far in the damp north",
                "The birch and the alder shade the moss in the north.",
            ]
        );
        let q = quotations(essay);
        assert_eq!((q[0].line, q[0].column), (1, 18));
        assert_eq!((q[3].line, q[4].line), (4, 7));
    }

    #[test]
    fn nested_marks_give_the_outer_quote() {
        assert_eq!(
            texts("Он сказал: «это «Атлас лишайников» Тронвика, а не мой»."),
            ["это «Атлас лишайников» Тронвика, а не мой"]
        );
        assert!(texts("An open « without its close and 5\" screens").is_empty());
    }
}
