//! Citations: a passage as a quotation with its reference, in the style an essay uses.
//! The quotation is the passage's text, verbatim, in the quotation marks of its language
//! («…» Russian, “…” English, „…“ German); the reference names the document from the
//! catalogue, the section and the lines, so a reader can check it. Styles: plain,
//! Markdown, GOST R 7.0.5-2008 (for Russian readers), Chicago notes (for English readers),
//! BibTeX and CSL-JSON. Library code returns strings; the CLI prints them.

use serde_json::json;

use crate::catalog::DocMeta;

/// A reference style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Quote, then `Title, Section, lines 12–14 (file)`.
    Plain,
    /// A Markdown block quote with the reference under it.
    Markdown,
    /// GOST R 7.0.5-2008, in Russian.
    Gost,
    /// Chicago Manual of Style, notes and bibliography (a note).
    Chicago,
    /// A BibTeX `@misc` entry with the quote in `note`.
    Bibtex,
    /// A CSL-JSON item with the locator and the quote.
    CslJson,
}

/// Everything a reference needs to know about a passage.
#[derive(Debug, Clone)]
pub struct Citation<'a> {
    /// What the catalogue knows of the document (its title always set).
    pub meta: &'a DocMeta,
    /// Section path, possibly empty.
    pub section: &'a str,
    /// Document path relative to the corpus folder.
    pub doc: &'a str,
    /// First line (1-based).
    pub line_start: u64,
    /// Last line (1-based, inclusive).
    pub line_end: u64,
    /// The passage id.
    pub id: &'a str,
    /// The passage's language.
    pub lang: &'a str,
    /// The passage's text, verbatim.
    pub text: &'a str,
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

impl Citation<'_> {
    fn title(&self) -> &str {
        self.meta.title.as_deref().unwrap_or(self.doc)
    }

    /// `line 12` or `lines 12–14`.
    pub fn lines(&self) -> String {
        lines_label(self.line_start, self.line_end)
    }

    /// The passage in its language's quotation marks.
    pub fn quote(&self) -> String {
        let (open, close) = quotation_marks(self.lang);
        format!("{open}{}{close}", self.text)
    }

    /// A one-line plain reference: `Title, Section, lines 12–14 (doc.txt)`.
    pub fn plain(&self) -> String {
        let mut out = String::from(self.title());
        if !self.section.is_empty() {
            out.push_str(", ");
            out.push_str(self.section);
        }
        out.push_str(", ");
        out.push_str(&self.lines());
        if self.title() != self.doc {
            out.push_str(" (");
            out.push_str(self.doc);
            out.push(')');
        }
        out
    }

    /// The quotation and its reference in `style`.
    pub fn format(&self, style: Style) -> String {
        match style {
            Style::Plain => format!("{}\n— {}", self.quote(), self.plain()),
            Style::Markdown => {
                let mut section = String::new();
                if !self.section.is_empty() {
                    section = format!(", {}", self.section);
                }
                format!(
                    "> {}\n>\n> — *{}*{section}, {} (`{}`)",
                    self.text,
                    self.title(),
                    self.lines(),
                    self.doc
                )
            }
            Style::Gost => format!("{}\n{}", self.quote(), self.gost()),
            Style::Chicago => format!("{}\n{}", self.quote(), self.chicago()),
            Style::Bibtex => self.bibtex(),
            Style::CslJson => serde_json::to_string_pretty(&self.csl_json()).unwrap_or_default(),
        }
    }

    /// GOST R 7.0.5-2008: `Авторы. Заглавие [Электронный ресурс] : вид // Сайт. — Дата. —
    /// URL: … — Разд. «…», строки 12–14.` A supplied title stands in brackets.
    pub fn gost(&self) -> String {
        let mut out = String::new();
        if let Some(first) = self.meta.authors.first() {
            out.push_str(first);
            out.push_str(". ");
        }
        if self.meta.title_supplied {
            out.push_str(&format!("[{}]", self.title()));
        } else {
            out.push_str(self.title());
        }
        out.push_str(" [Электронный ресурс]");
        if let Some(kind) = self.meta.kind.as_deref().and_then(gost_kind) {
            out.push_str(" : ");
            out.push_str(kind);
        }
        if self.meta.authors.len() > 1 {
            out.push_str(" / ");
            out.push_str(&self.meta.authors.join(", "));
        }
        if let Some(site) = &self.meta.site {
            out.push_str(" // ");
            out.push_str(site);
        }
        if let Some(date) = &self.meta.date {
            out.push_str(". — ");
            out.push_str(&gost_date(date));
        }
        if let Some(url) = &self.meta.url {
            out.push_str(". — URL: ");
            out.push_str(url);
        }
        out.push_str(". — ");
        if !self.section.is_empty() {
            out.push_str(&format!("Разд. «{}», ", self.section));
        }
        if self.line_start == self.line_end {
            out.push_str(&format!("строка {}", self.line_start));
        } else {
            out.push_str(&format!("строки {}–{}", self.line_start, self.line_end));
        }
        out.push_str(&format!(" (файл {}).", self.doc));
        out
    }

    /// Chicago note: `Author, “Title,” Site, Month D, YYYY, Section, lines 12–14, URL.`
    pub fn chicago(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if !self.meta.authors.is_empty() {
            parts.push(self.meta.authors.join(", "));
        }
        let title = if self.meta.title_supplied {
            format!("[{}]", self.title())
        } else {
            self.title().to_string()
        };
        let quoted = matches!(self.meta.kind.as_deref(), Some(k) if k != "book");
        parts.push(if quoted { format!("“{title},”") } else { format!("*{title}*,") });
        let mut rest: Vec<String> = Vec::new();
        if let Some(kind) = self.meta.kind.as_deref().filter(|k| *k == "student paper") {
            rest.push(kind.to_string());
        }
        if let Some(site) = &self.meta.site {
            rest.push(site.clone());
        }
        if let Some(date) = &self.meta.date {
            rest.push(chicago_date(date));
        }
        if !self.section.is_empty() {
            rest.push(format!("“{}”", self.section));
        }
        rest.push(self.lines());
        if let Some(url) = &self.meta.url {
            rest.push(url.clone());
        }
        let note = format!("{} {}", parts.join(" "), rest.join(", "));
        format!("{note} (file {}).", self.doc)
    }

    fn key(&self) -> String {
        let stem: String =
            self.id.chars().map(|c| if c.is_alphanumeric() { c } else { '_' }).collect();
        format!("quelle_{stem}")
    }

    /// A BibTeX `@misc` entry for the document, with the passage's place and text in `note`.
    pub fn bibtex(&self) -> String {
        let esc = |s: &str| s.replace('{', "\\{").replace('}', "\\}");
        let mut fields = vec![format!("  title = {{{}}}", esc(self.title()))];
        if !self.meta.authors.is_empty() {
            fields.push(format!("  author = {{{}}}", esc(&self.meta.authors.join(" and "))));
        }
        if let Some(site) = &self.meta.site {
            fields.push(format!("  howpublished = {{{}}}", esc(site)));
        }
        if let Some(year) = self.meta.year() {
            fields.push(format!("  year = {{{year}}}"));
        }
        if let Some(url) = &self.meta.url {
            fields.push(format!("  url = {{{url}}}"));
        }
        if let Some(lang) = &self.meta.language {
            fields.push(format!("  language = {{{lang}}}"));
        }
        let place =
            if self.section.is_empty() { String::new() } else { format!("{}, ", self.section) };
        let lines = format!("lines {}--{}", self.line_start, self.line_end);
        fields.push(format!(
            "  note = {{{}{lines}, file {}: {}}}",
            esc(&place),
            esc(self.doc),
            esc(&self.quote())
        ));
        format!("@misc{{{},\n{}\n}}", self.key(), fields.join(",\n"))
    }

    /// A CSL-JSON item, with the passage's locator and text.
    pub fn csl_json(&self) -> serde_json::Value {
        let kind = match self.meta.kind.as_deref() {
            Some("web page") => "webpage",
            Some("encyclopedia article") => "entry-encyclopedia",
            Some("student paper") => "thesis",
            Some("book") => "book",
            Some("article") => "article-journal",
            _ => "document",
        };
        let mut item = json!({
            "id": self.key(),
            "type": kind,
            "title": self.title(),
            "locator": format!("{}-{}", self.line_start, self.line_end),
            "label": "line",
            "section": self.section,
            "note": format!("file {}; passage {}", self.doc, self.id),
            "quote": self.text,
        });
        if !self.meta.authors.is_empty() {
            item["author"] =
                json!(self.meta.authors.iter().map(|a| json!({"literal": a})).collect::<Vec<_>>());
        }
        if let Some(site) = &self.meta.site {
            item["container-title"] = json!(site);
        }
        if let Some(url) = &self.meta.url {
            item["URL"] = json!(url);
        }
        if let Some(lang) = &self.meta.language {
            item["language"] = json!(lang);
        }
        if let Some(date) = &self.meta.date {
            let parts: Vec<u32> = date.split('-').filter_map(|p| p.parse().ok()).collect();
            if !parts.is_empty() {
                item["issued"] = json!({ "date-parts": [parts] });
            }
        }
        item
    }
}

fn gost_kind(kind: &str) -> Option<&'static str> {
    match kind {
        "web page" => Some("веб-страница"),
        "student paper" => Some("студенческая работа"),
        "encyclopedia article" => Some("статья энциклопедии"),
        "article" => Some("статья"),
        "book" => Some("книга"),
        _ => None,
    }
}

/// `2018-07-21` → `21.07.2018`.
fn gost_date(date: &str) -> String {
    let parts: Vec<&str> = date.split('-').collect();
    match parts.as_slice() {
        [y, m, d] => format!("{d}.{m}.{y}"),
        [y, m] => format!("{m}.{y}"),
        _ => date.to_string(),
    }
}

/// `2018-07-21` → `July 21, 2018`.
fn chicago_date(date: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let parts: Vec<&str> = date.split('-').collect();
    let month =
        |m: &str| m.parse::<usize>().ok().and_then(|m| MONTHS.get(m.wrapping_sub(1))).copied();
    match parts.as_slice() {
        [y, m, d] => match month(m) {
            Some(m) => format!("{m} {}, {y}", d.trim_start_matches('0')),
            None => date.to_string(),
        },
        [y, m] => month(m).map_or(date.to_string(), |m| format!("{m} {y}")),
        _ => date.to_string(),
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
            id: "a:7",
            lang: "en",
            text: "The treaty was signed.",
        }
    }

    #[test]
    fn plain_and_quotation_marks() {
        let m = meta();
        assert_eq!(
            citation(&m).format(Style::Plain),
            "“The treaty was signed.”\n— 1920s - Cooperation With Germany, line 7 (a.txt)"
        );
        let ru = Citation { lang: "ru", ..citation(&m) };
        assert!(ru.quote().starts_with('«'));
    }

    #[test]
    fn gost_and_chicago() {
        let m = meta();
        assert_eq!(
            citation(&m).gost(),
            "1920s - Cooperation With Germany [Электронный ресурс] : веб-страница. — 21.07.2018. — строка 7 (файл a.txt)."
        );
        assert_eq!(
            citation(&m).chicago(),
            "“1920s - Cooperation With Germany,” July 21, 2018, line 7 (file a.txt)."
        );
        let essay = DocMeta {
            title: Some("Тема".into()),
            title_supplied: true,
            kind: Some("student paper".into()),
            ..DocMeta::default()
        };
        let c = Citation {
            section: "Введение", line_start: 3, line_end: 5, ..citation(&essay)
        };
        assert_eq!(c.gost(), "[Тема] [Электронный ресурс] : студенческая работа. — Разд. «Введение», строки 3–5 (файл a.txt).");
    }

    #[test]
    fn bibtex_and_csl_json() {
        let m = meta();
        let b = citation(&m).bibtex();
        assert!(
            b.starts_with("@misc{quelle_a_7,\n  title = {1920s - Cooperation With Germany},"),
            "{b}"
        );
        assert!(
            b.contains("year = {2018}")
                && b.contains("note = {lines 7--7, file a.txt: “The treaty was signed.”}")
        );
        let j = citation(&m).csl_json();
        assert_eq!(j["type"], "webpage");
        assert_eq!(j["issued"]["date-parts"], json!([[2018, 7, 21]]));
        assert_eq!(j["locator"], "7-7");
    }
}
