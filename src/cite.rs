//! Citations: how a passage's reference is written for a reader. Library code returns
//! strings; the CLI prints them.

/// What a reference needs to know about a passage.
#[derive(Debug, Clone, Copy)]
pub struct Citation<'a> {
    /// Document title (or file name).
    pub title: &'a str,
    /// Section path, possibly empty.
    pub section: &'a str,
    /// Document path relative to the corpus folder.
    pub doc: &'a str,
    /// First line (1-based).
    pub line_start: u64,
    /// Last line (1-based, inclusive).
    pub line_end: u64,
}

impl Citation<'_> {
    /// `line 12` or `lines 12–14`.
    pub fn lines(&self) -> String {
        if self.line_start == self.line_end {
            format!("line {}", self.line_start)
        } else {
            format!("lines {}–{}", self.line_start, self.line_end)
        }
    }

    /// A one-line plain reference: `Title, Section, lines 12–14 (doc.txt)`.
    pub fn plain(&self) -> String {
        let mut out = String::from(self.title);
        if !self.section.is_empty() {
            out.push_str(", ");
            out.push_str(self.section);
        }
        out.push_str(", ");
        out.push_str(&self.lines());
        if self.title != self.doc {
            out.push_str(" (");
            out.push_str(self.doc);
            out.push(')');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Citation;

    #[test]
    fn plain_citations() {
        let c = Citation {
            title: "USSR-Germany Relations",
            section: "Overview",
            doc: "a.txt",
            line_start: 7,
            line_end: 7,
        };
        assert_eq!(c.plain(), "USSR-Germany Relations, Overview, line 7 (a.txt)");
        let c = Citation { title: "a.txt", section: "", doc: "a.txt", line_start: 3, line_end: 5 };
        assert_eq!(c.plain(), "a.txt, lines 3–5");
    }
}
