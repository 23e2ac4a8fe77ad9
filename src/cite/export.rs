//! Machine-readable references of the documents cited, for reference managers and pandoc:
//! BibLaTeX entries (titles in double braces, so no tool changes their case) and a CSL-JSON
//! array (one item per document). A citation's locator and quote belong to the citation,
//! not to the entry: pandoc takes them from the essay (`[@key, line 12]`), which
//! [`Citation::pandoc`] writes.

use serde_json::{json, Value};

use super::Citation;
use crate::catalog::DocMeta;

/// The documents of `cites`, each once, in the order first cited.
fn documents<'a>(cites: &'a [Citation<'a>]) -> Vec<&'a Citation<'a>> {
    let mut seen = std::collections::HashSet::new();
    cites.iter().filter(|c| seen.insert(c.doc)).collect()
}

/// BibTeX special characters escaped (`{`, `}`, `&`, `%`, `$`, `#`, `_`, `~`, `^`, `\`).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '{' | '}' | '&' | '%' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// BibLaTeX's name list: `Family, Given and …`; an organisation braced whole.
fn names(list: &[String]) -> String {
    list.iter()
        .map(|n| {
            let p = super::csl::person(n);
            if p.contains(',') {
                escape(&p)
            } else {
                format!("{{{}}}", escape(&p))
            }
        })
        .collect::<Vec<_>>()
        .join(" and ")
}

fn bib_type(meta: &DocMeta) -> &'static str {
    match meta.kind.as_deref() {
        Some("web page") => "online",
        Some("encyclopedia article") => "inreference",
        Some("article") => "article",
        Some("chapter") => "incollection",
        Some("book") => "book",
        Some("thesis") => "thesis",
        Some("report") => "report",
        Some("student paper" | "manuscript") => "unpublished",
        _ => "misc",
    }
}

/// BibLaTeX `langid` of a language code.
fn langid(code: &str) -> &str {
    match code {
        "ru" => "russian",
        "en" => "english",
        "de" => "german",
        "fr" => "french",
        other => other,
    }
}

/// One BibLaTeX entry per document cited.
pub fn bibtex(cites: &[Citation]) -> Vec<String> {
    documents(cites)
        .into_iter()
        .map(|c| {
            let m = c.meta;
            let title = m.title.as_deref().unwrap_or(c.doc);
            let title = if m.title_supplied { format!("[{title}]") } else { title.to_string() };
            let mut fields = vec![("title", format!("{{{}}}", escape(&title)))];
            if !m.authors.is_empty() {
                fields.push(("author", names(&m.authors)));
            }
            if !m.editors.is_empty() {
                fields.push(("editor", names(&m.editors)));
            }
            let container = match bib_type(m) {
                "article" => "journaltitle",
                "incollection" | "inreference" => "booktitle",
                _ => "organization",
            };
            for (name, value) in [
                (container, &m.site),
                ("publisher", &m.publisher),
                ("location", &m.place),
                ("date", &m.date),
                ("urldate", &m.accessed),
                ("volume", &m.volume),
                ("number", &m.issue),
                ("edition", &m.edition),
                ("doi", &m.doi),
                ("isbn", &m.isbn),
            ] {
                if let Some(v) = value {
                    let v = if matches!(name, "journaltitle" | "booktitle" | "organization") {
                        format!("{{{}}}", escape(v))
                    } else {
                        escape(v)
                    };
                    fields.push((name, v));
                }
            }
            if let Some(p) = &m.pages {
                fields.push(("pages", escape(&p.replace(['–', '-'], "--"))));
            }
            if let Some(url) = &m.url {
                // `url` is read verbatim by BibLaTeX and pandoc: only braces matter.
                fields.push(("url", url.replace(['{', '}'], "")));
            }
            if let Some(l) = &m.language {
                fields.push(("langid", langid(l).to_string()));
            }
            if m.kind.as_deref() == Some("student paper") {
                fields.push(("type", "student paper".into()));
            }
            let body: Vec<String> =
                fields.iter().map(|(k, v)| format!("  {k} = {{{v}}}")).collect();
            format!("@{}{{{},\n{}\n}}", bib_type(m), c.key(), body.join(",\n"))
        })
        .collect()
}

fn csl_type(meta: &DocMeta) -> &'static str {
    match meta.kind.as_deref() {
        Some("web page") => "webpage",
        Some("encyclopedia article") => "entry-encyclopedia",
        Some("article") => "article-journal",
        Some("chapter") => "chapter",
        Some("book") => "book",
        Some("thesis") => "thesis",
        Some("report") => "report",
        Some("student paper" | "manuscript") => "manuscript",
        _ => "document",
    }
}

/// `{"date-parts": [[2018, 7, 21]]}` of `2018-07-21`.
fn date_parts(date: &str) -> Option<Value> {
    let parts: Vec<u32> = date.split('-').map(|p| p.parse().ok()).collect::<Option<_>>()?;
    (!parts.is_empty()).then(|| json!({ "date-parts": [parts] }))
}

/// A CSL name: `{"family", "given"}`, or `{"literal"}` for an organisation.
fn csl_name(name: &str) -> Value {
    match super::csl::person(name).split_once(", ") {
        Some((family, given)) => json!({ "family": family, "given": given }),
        None => json!({ "literal": name }),
    }
}

/// The CSL-JSON array of the documents cited, one item each.
pub fn csl_json(cites: &[Citation]) -> Value {
    Value::Array(documents(cites).into_iter().map(|c| csl_item(c.key(), c.meta, c.doc)).collect())
}

/// The CSL-JSON item of a document.
pub fn csl_item(key: String, m: &DocMeta, doc: &str) -> Value {
    let title = m.title.as_deref().unwrap_or(doc);
    let title = if m.title_supplied { format!("[{title}]") } else { title.to_string() };
    let mut item = json!({ "id": key, "type": csl_type(m), "title": title });
    if !m.authors.is_empty() {
        item["author"] = Value::Array(m.authors.iter().map(|a| csl_name(a)).collect());
    }
    if !m.editors.is_empty() {
        item["editor"] = Value::Array(m.editors.iter().map(|a| csl_name(a)).collect());
    }
    for (name, value) in [
        ("container-title", &m.site),
        ("publisher", &m.publisher),
        ("publisher-place", &m.place),
        ("URL", &m.url),
        ("language", &m.language),
        ("volume", &m.volume),
        ("issue", &m.issue),
        ("page", &m.pages),
        ("edition", &m.edition),
        ("DOI", &m.doi),
        ("ISBN", &m.isbn),
    ] {
        if let Some(v) = value {
            item[name] = json!(v);
        }
    }
    if let Some(d) = m.date.as_deref().and_then(date_parts) {
        item["issued"] = d;
    }
    if let Some(d) = m.accessed.as_deref().and_then(date_parts) {
        item["accessed"] = d;
    }
    if m.kind.as_deref() == Some("student paper") {
        item["genre"] = json!("student paper");
    }
    item
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cite<'a>(meta: &'a DocMeta, doc: &'a str, line: u64) -> Citation<'a> {
        Citation {
            meta,
            section: "",
            doc,
            line_start: line,
            line_end: line,
            id: doc,
            lang: "en",
            text: "words",
            pages: None,
        }
    }

    #[test]
    fn one_entry_per_document_with_its_title_protected() {
        let m = DocMeta {
            title: Some("The Lichen Atlas of {Thornwick} & 50% more".into()),
            authors: vec!["Ottoline Q. Brackenbury".into(), "Thornwick Field Society".into()],
            kind: Some("book".into()),
            date: Some("1974".into()),
            language: Some("en".into()),
            ..DocMeta::default()
        };
        let cites = [cite(&m, "atlas.txt", 3), cite(&m, "atlas.txt", 9)];
        let bib = bibtex(&cites);
        assert_eq!(bib.len(), 1);
        assert_eq!(
            bib[0],
            "@book{atlas,\n  title = {{The Lichen Atlas of \\{Thornwick\\} \\& 50\\% more}},\n  \
             author = {Brackenbury, Ottoline Q. and {Thornwick Field Society}},\n  \
             date = {1974},\n  langid = {english}\n}"
        );
        let json = csl_json(&cites);
        assert_eq!(json.as_array().unwrap().len(), 1);
        assert_eq!(json[0]["author"][0], json!({"family": "Brackenbury", "given": "Ottoline Q."}));
        assert_eq!(json[0]["author"][1], json!({"literal": "Thornwick Field Society"}));
        assert_eq!(json[0]["issued"], json!({"date-parts": [[1974]]}));
    }
}
