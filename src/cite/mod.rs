//! Citations: a passage, or words chosen from it, as a quotation with its reference in the
//! style an essay uses. The quotation is verbatim, in the quotation marks of its language
//! («…» Russian, “…” English, „…“ German); the locator gives exactly the lines of the words
//! quoted, so a reader can check it. Reference styles come from CSL files through a CSL
//! processor ([`csl`]: GOST, Chicago, APA, MLA, any `.csl`); [`export`] writes the
//! machine-readable references (BibTeX, CSL-JSON) that reference managers and pandoc read;
//! `plain` and `markdown` are quelle's own. Library code returns strings; the CLI prints.

pub mod csl;
pub mod export;

use std::sync::Arc;

use crate::catalog::DocMeta;
pub use csl::{CslStyle, LocatorKind};

/// A reference style.
#[derive(Debug, Clone)]
pub enum Style {
    /// Quote, then `Title, Section, lines 12–14 (file)`.
    Plain,
    /// A Markdown block quote with the reference under it.
    Markdown,
    /// A CSL style: the quote, its citation (or note), and the bibliography.
    Csl(Arc<CslStyle>),
    /// BibTeX/BibLaTeX entries of the documents cited.
    Bibtex,
    /// A CSL-JSON array of the documents cited.
    CslJson,
}

impl Style {
    /// The style a name stands for: `plain`, `markdown`, `bibtex`, `csl-json`, a bundled
    /// CSL style (`gost`, `chicago`, `apa`, …) or a `.csl` file.
    pub fn named(name: &str) -> Result<Style, String> {
        Ok(match name.to_lowercase().as_str() {
            "plain" => Style::Plain,
            "markdown" | "md" => Style::Markdown,
            "bibtex" | "biblatex" | "bib" => Style::Bibtex,
            "csl-json" | "csljson" | "json" => Style::CslJson,
            _ => Style::Csl(Arc::new(CslStyle::named(name)?)),
        })
    }
}

/// Everything a reference needs to know about what is quoted.
#[derive(Debug, Clone)]
pub struct Citation<'a> {
    /// What the catalogue knows of the document (its title always set).
    pub meta: &'a DocMeta,
    /// Section path, possibly empty.
    pub section: &'a str,
    /// Document path relative to the corpus folder.
    pub doc: &'a str,
    /// First line of the words quoted (1-based).
    pub line_start: u64,
    /// Last line of the words quoted (1-based, inclusive).
    pub line_end: u64,
    /// The passage id.
    pub id: &'a str,
    /// The passage's language.
    pub lang: &'a str,
    /// The words quoted, verbatim (`…` where some are left out).
    pub text: &'a str,
    /// For paged formats, the pages of the words quoted, first and last, as the document
    /// prints them (its page label, else the physical page): the locator, then.
    pub pages: Option<(String, String)>,
}

/// `line 12` or `lines 12–14`.
pub fn lines_label(start: u64, end: u64) -> String {
    if start == end {
        format!("line {start}")
    } else {
        format!("lines {start}–{end}")
    }
}

/// Opening and closing quotation marks for a language.
pub fn quotation_marks(lang: &str) -> (&'static str, &'static str) {
    match lang {
        "ru" => ("«", "»"),
        "de" => ("„", "“"),
        "fr" => ("« ", " »"),
        _ => ("“", "”"),
    }
}

/// The citation key of a document: the user's own (from their bibliography), else one
/// made from its path (ASCII letters, digits, `_`, `-` and `.`; a short hash of the path when
/// the path had other characters, so two documents never share one).
pub fn key_of(doc: &str, meta: &DocMeta) -> String {
    if let Some(key) = &meta.key {
        return key.clone();
    }
    let stem = doc.rsplit_once('.').map_or(doc, |(s, _)| s);
    let mut lossy = false;
    let key: String = stem
        .chars()
        .map(|c| match c {
            c if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') => c,
            '/' => '-',
            _ => {
                lossy = true;
                '_'
            }
        })
        .collect();
    let key = key.trim_matches(['_', '.']);
    if lossy || key.is_empty() {
        let mut h = crate::ingest::ContentHash::default();
        h.update(doc.as_bytes());
        let hash = h.finish() & 0xFF_FFFF;
        return if key.is_empty() {
            format!("doc_{hash:06x}")
        } else {
            format!("{key}_{hash:06x}")
        };
    }
    key.to_string()
}

impl Citation<'_> {
    fn title(&self) -> &str {
        self.meta.title.as_deref().unwrap_or(self.doc)
    }

    /// The document's citation key.
    pub fn key(&self) -> String {
        key_of(self.doc, self.meta)
    }

    /// `line 12` or `lines 12–14`.
    pub fn lines(&self) -> String {
        lines_label(self.line_start, self.line_end)
    }

    /// What the locator counts: pages where the document has them, else lines.
    pub fn locator_kind(&self) -> LocatorKind {
        if self.pages.is_some() {
            LocatorKind::Page
        } else {
            LocatorKind::Line
        }
    }

    /// True when the locator is one line or one page.
    fn single(&self) -> bool {
        match &self.pages {
            Some((a, b)) => a == b,
            None => self.line_start == self.line_end,
        }
    }

    /// The locator, `12` or `12–14` (pages or lines).
    pub fn locator(&self) -> String {
        match &self.pages {
            Some((a, b)) if a == b => a.clone(),
            Some((a, b)) => format!("{a}–{b}"),
            None if self.line_start == self.line_end => self.line_start.to_string(),
            None => format!("{}–{}", self.line_start, self.line_end),
        }
    }

    /// The place in words: `p. 34`, `pp. 34–35`, or `line 12`, `lines 12–14`.
    pub fn place(&self) -> String {
        match &self.pages {
            Some(_) if self.single() => format!("p. {}", self.locator()),
            Some(_) => format!("pp. {}", self.locator()),
            None => self.lines(),
        }
    }

    /// The citation in pandoc's Markdown, its locator in the essay's language (pandoc
    /// reads the terms of the document's own locale): `[@key, line 12]`, or with `ru`
    /// `[@key, строка 12]`.
    pub fn pandoc(&self, locale: Option<&str>) -> String {
        let single = self.single();
        let russian = locale.is_some_and(|l| l.to_lowercase().starts_with("ru"));
        let label = match (self.pages.is_some(), russian, single) {
            (true, true, _) => "с.",
            (true, false, true) => "p.",
            (true, false, false) => "pp.",
            (false, true, true) => "строка",
            (false, true, false) => "строки",
            (false, false, true) => "line",
            (false, false, false) => "lines",
        };
        format!("[@{}, {label} {}]", self.key(), self.locator().replace('–', "-"))
    }

    /// The words in their language's quotation marks.
    pub fn quote(&self) -> String {
        let (open, close) = quotation_marks(self.lang);
        format!("{open}{}{close}", self.text)
    }

    /// A one-line plain reference: `Title, Section, lines 12–14 (doc.txt)`.
    pub fn plain(&self) -> String {
        let mut out = String::from(self.title());
        // A section path that begins with the title (its first heading) says it once.
        let section = self.section.strip_prefix(self.title()).map_or(self.section, |rest| {
            rest.trim_start_matches(crate::segment::SECTION_SEPARATOR)
        });
        if !section.is_empty() {
            out.push_str(", ");
            out.push_str(section);
        }
        out.push_str(", ");
        out.push_str(&self.place());
        if self.title() != self.doc {
            out.push_str(" (");
            out.push_str(self.doc);
            out.push(')');
        }
        out
    }

    /// A Markdown block quote with its reference.
    pub fn markdown(&self) -> String {
        let section =
            if self.section.is_empty() { String::new() } else { format!(", {}", self.section) };
        format!(
            "> {}\n>\n> — *{}*{section}, {} (`{}`)",
            self.text,
            self.title(),
            self.place(),
            self.doc
        )
    }
}

/// Citations formatted in a style, for printing.
#[derive(Debug, Clone, Default)]
pub struct Formatted {
    /// One block per citation: the quote and its reference (empty for BibTeX and
    /// CSL-JSON, whose output is the references alone).
    pub cites: Vec<String>,
    /// The references of the documents cited, once each: a CSL style's bibliography, the
    /// BibTeX entries, or the CSL-JSON array (one element).
    pub references: Vec<String>,
}

/// Formats `cites` in `style`; `locale` (`ru`, `en-US`, …) for CSL styles, else the
/// style's own.
pub fn format(cites: &[Citation], style: &Style, locale: Option<&str>) -> Formatted {
    match style {
        Style::Plain => Formatted {
            cites: cites.iter().map(|c| format!("{}\n— {}", c.quote(), c.plain())).collect(),
            references: Vec::new(),
        },
        Style::Markdown => Formatted {
            cites: cites.iter().map(Citation::markdown).collect(),
            references: Vec::new(),
        },
        Style::Csl(s) => {
            let r = csl::render(s, locale, cites);
            Formatted {
                cites: cites
                    .iter()
                    .zip(&r.citations)
                    .map(|(c, cite)| format!("{}\n— {cite}", c.quote()))
                    .collect(),
                references: r.bibliography,
            }
        }
        Style::Bibtex => Formatted { cites: Vec::new(), references: export::bibtex(cites) },
        Style::CslJson => Formatted {
            cites: Vec::new(),
            references: vec![
                serde_json::to_string_pretty(&export::csl_json(cites)).unwrap_or_default()
            ],
        },
    }
}

impl Formatted {
    /// The whole text: the citations, a blank line, the references.
    pub fn text(&self) -> String {
        let mut parts: Vec<String> = self.cites.clone();
        if !self.references.is_empty() {
            parts.push(self.references.join("\n"));
        }
        parts.join("\n\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> DocMeta {
        DocMeta {
            title: Some("1920s - Cooperation With Germany".into()),
            kind: Some("web page".into()),
            date: Some("2018-07-21".into()),
            language: Some("en".into()),
            ..DocMeta::default()
        }
    }

    fn citation(meta: &DocMeta) -> Citation<'_> {
        Citation {
            meta,
            section: "",
            doc: "a.txt",
            line_start: 7,
            line_end: 7,
            id: "a.txt:7",
            lang: "en",
            text: "The treaty was signed.",
            pages: None,
        }
    }

    #[test]
    fn plain_and_quotation_marks() {
        let m = meta();
        assert_eq!(
            format(&[citation(&m)], &Style::Plain, None).text(),
            "“The treaty was signed.”\n— 1920s - Cooperation With Germany, line 7 (a.txt)"
        );
        let ru = Citation { lang: "ru", ..citation(&m) };
        assert!(ru.quote().starts_with('«'));
    }

    #[test]
    fn keys_are_the_users_or_made_from_the_path() {
        let m = meta();
        assert_eq!(citation(&m).key(), "a");
        assert_eq!(key_of("notes/Atlas 1974.pdf", &m).len(), "notes-Atlas_1974".len() + 7);
        assert_ne!(key_of("эссе.txt", &m), key_of("очерк.txt", &m));
        let own = DocMeta { key: Some("smith2018".into()), ..meta() };
        assert_eq!(key_of("x.txt", &own), "smith2018");
        assert_eq!(citation(&m).pandoc(None), "[@a, line 7]");
        assert_eq!(citation(&m).pandoc(Some("ru")), "[@a, строка 7]");
    }

    #[test]
    fn single_lines_are_single() {
        let m = meta();
        let c = citation(&m);
        assert_eq!((c.lines(), c.locator()), ("line 7".to_string(), "7".to_string()));
        let c = Citation { line_end: 9, ..c };
        assert_eq!((c.lines(), c.locator()), ("lines 7–9".to_string(), "7–9".to_string()));
        assert_eq!(c.pandoc(Some("en-US")), "[@a, lines 7-9]");
        // Pages, where the document has them.
        let p = Citation { pages: Some(("xi".into(), "xi".into())), ..c.clone() };
        assert_eq!(
            (p.place(), p.pandoc(None), p.pandoc(Some("ru"))),
            ("p. xi".into(), "[@a, p. xi]".into(), "[@a, с. xi]".into())
        );
        let p = Citation { pages: Some(("34".into(), "35".into())), ..c };
        assert_eq!((p.place(), p.locator()), ("pp. 34–35".into(), "34–35".into()));
    }
}
