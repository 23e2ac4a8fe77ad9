//! The user's own bibliography: BibTeX/BibLaTeX (`*.bib`) and CSL-JSON (`*.json`) files at
//! the top of the corpus folder, as Zotero (with Better BibTeX), JabRef or Mendeley export
//! them. Each entry becomes the [`DocMeta`] of the corpus file it describes, matched by the
//! entry's `file` field (the attachment's path, whole or by its end, or its file name), or
//! else by its citation key as the file's stem (`smith2018.pdf` for `@book{smith2018,…}`).
//! The key is kept, so references quelle writes cite the user's own entries.

use std::collections::HashMap;
use std::path::Path;

use biblatex::ChunksExt;

use crate::catalog::DocMeta;

/// One entry: what it says, and the files it names (paths with `/` separators).
#[derive(Debug, Clone)]
struct Entry {
    meta: DocMeta,
    files: Vec<String>,
}

/// The entries of every bibliography file of a corpus.
#[derive(Debug, Clone, Default)]
pub struct Bibliography {
    entries: Vec<Entry>,
    /// Entry by a file name it names (lowercase), when only one entry names it.
    by_file_name: HashMap<String, Option<usize>>,
    /// Entry by citation key (lowercase).
    by_key: HashMap<String, usize>,
}

impl Bibliography {
    /// Reads the `*.bib` and `*.json` files at the top of `corpus`; a file that cannot be
    /// read or parsed is one problem line naming it, and the others are used.
    pub fn load(corpus: &Path) -> (Bibliography, Vec<String>) {
        let mut problems = Vec::new();
        let mut entries = Vec::new();
        let Ok(dir) = std::fs::read_dir(corpus) else { return (Bibliography::default(), problems) };
        let mut paths: Vec<std::path::PathBuf> = dir
            .filter_map(|e| e.ok().map(|e| e.path()))
            // The name first: a stat for every folder of a large corpus is a cost every
            // search would pay.
            .filter(|p| {
                p.extension().is_some_and(|x| {
                    x.eq_ignore_ascii_case("bib") || x.eq_ignore_ascii_case("json")
                }) && p.is_file()
            })
            .collect();
        paths.sort();
        for path in paths {
            let name = crate::ingest::name_of(path.file_name().unwrap_or_default());
            let text = match std::fs::read(&path) {
                Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                Err(e) => {
                    problems.push(format!("{name}: {e}"));
                    continue;
                }
            };
            let is_bib = path.extension().is_some_and(|x| x.eq_ignore_ascii_case("bib"));
            let parsed = if is_bib { from_bibtex(&text) } else { from_csl_json(&text) };
            match parsed {
                Ok(found) => entries.extend(found),
                // A JSON file that is not a bibliography is someone else's: left alone.
                Err(_) if !is_bib && !looks_like_csl_json(&text) => {}
                Err(e) => problems.push(format!("{name}: not read as a bibliography: {e}")),
            }
        }
        (Bibliography::new(entries), problems)
    }

    fn new(entries: Vec<Entry>) -> Bibliography {
        let mut by_file_name: HashMap<String, Option<usize>> = HashMap::new();
        let mut by_key = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            for f in &e.files {
                let name = f.rsplit('/').next().unwrap_or(f).to_lowercase();
                by_file_name
                    .entry(name)
                    .and_modify(|v| {
                        if *v != Some(i) {
                            *v = None;
                        }
                    })
                    .or_insert(Some(i));
            }
            if let Some(key) = &e.meta.key {
                by_key.entry(key.to_lowercase()).or_insert(i);
            }
        }
        Bibliography { entries, by_file_name, by_key }
    }

    /// The entry describing the corpus file `doc` (its path in the corpus), if one does:
    /// one naming its path (or a path ending with it), else the only one naming its file
    /// name, else one whose key is its stem.
    pub fn meta(&self, doc: &str) -> Option<&DocMeta> {
        let doc_lower = doc.to_lowercase();
        let by_path = self.entries.iter().find(|e| {
            e.files.iter().any(|f| {
                let f = f.to_lowercase();
                f == doc_lower || f.ends_with(&format!("/{doc_lower}"))
            })
        });
        let name = doc_lower.rsplit('/').next().unwrap_or(&doc_lower);
        let stem = name.split('.').next().unwrap_or(name);
        by_path
            .or_else(|| self.by_file_name.get(name).copied().flatten().map(|i| &self.entries[i]))
            .or_else(|| self.by_key.get(stem).map(|&i| &self.entries[i]))
            .map(|e| &e.meta)
    }
}

/// True for text that starts like a CSL-JSON array of items.
fn looks_like_csl_json(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with('[')
        && t.contains("\"type\"")
        && (t.contains("\"title\"") || t.contains("\"id\""))
}

/// The paths a `file` field names: `;`-separated, each a path or (Zotero's own export,
/// Mendeley) `description:path:mime-type`, with `\:` and `\\` escapes.
fn file_paths(field: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = field.chars().peekable();
    // Split on unescaped `;`, keeping `:` escapes for the next step.
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek().is_some_and(|&n| n == ';') => {
                parts.last_mut().expect("one").push(chars.next().expect("peeked"));
            }
            ';' => parts.push(String::new()),
            _ => parts.last_mut().expect("one").push(c),
        }
    }
    parts
        .iter()
        .filter_map(|part| {
            let mut fields = vec![String::new()];
            let mut chars = part.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '\\' if chars.peek().is_some_and(|&n| n == ':' || n == '\\') => {
                        fields.last_mut().expect("one").push(chars.next().expect("peeked"));
                    }
                    ':' => fields.push(String::new()),
                    _ => fields.last_mut().expect("one").push(c),
                }
            }
            // `description:path:type`; a Windows drive letter (`C:/…`) splits once more.
            let path = match fields.len() {
                0..=2 => part.replace("\\:", ":"),
                3 => fields[1].clone(),
                _ => fields[1..fields.len() - 1].join(":"),
            };
            let path = path.trim().replace('\\', "/");
            (!path.is_empty()).then_some(path)
        })
        .collect()
}

/// `2018-07-21`, `2018-07`, `2018`, from what a reference manager wrote.
fn iso_date(text: &str) -> Option<String> {
    let t = text.trim();
    let digits: Vec<&str> =
        t.split(['-', '/', '.', ' ']).filter(|p| !p.is_empty()).take(3).collect();
    let year = digits.first().filter(|y| y.len() == 4 && y.chars().all(|c| c.is_ascii_digit()))?;
    let mut out = year.to_string();
    for p in digits.iter().skip(1) {
        match p.parse::<u32>() {
            Ok(n) if (1..=31).contains(&n) => out.push_str(&format!("-{n:02}")),
            _ => break,
        }
    }
    Some(out)
}

/// `ru`/`en`/… from a BibLaTeX `langid` (`russian`) or a language tag (`ru-RU`).
fn language_code(text: &str) -> Option<String> {
    let t = text.trim().to_lowercase();
    let code = match t.as_str() {
        "russian" | "русский" => "ru",
        "english" | "american" | "british" | "usenglish" | "ukenglish" => "en",
        "german" | "ngerman" | "deutsch" => "de",
        "french" | "français" => "fr",
        _ => t.split(['-', '_']).next().filter(|c| c.len() == 2)?,
    };
    Some(code.to_string())
}

/// The kind of document a BibTeX entry type or CSL type names, in the catalogue's words.
fn kind_of(entry_type: &str) -> Option<&'static str> {
    Some(match entry_type.to_lowercase().as_str() {
        "article" | "article-journal" | "article-magazine" | "article-newspaper" | "periodical" => {
            "article"
        }
        "book" | "mvbook" | "booklet" => "book",
        "incollection" | "inbook" | "chapter" | "inproceedings" | "paper-conference" => "chapter",
        "inreference" | "entry-encyclopedia" | "entry-dictionary" | "entry" => {
            "encyclopedia article"
        }
        "online" | "www" | "electronic" | "webpage" | "post-weblog" | "post" => "web page",
        "thesis" | "phdthesis" | "mastersthesis" => "thesis",
        "report" | "techreport" => "report",
        "unpublished" | "manuscript" => "manuscript",
        _ => return None,
    })
}

/// Entries of a BibTeX/BibLaTeX file.
fn from_bibtex(text: &str) -> Result<Vec<Entry>, String> {
    let bib = biblatex::Bibliography::parse(text).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for e in bib.iter() {
        let get = |field: &str| {
            e.get(field).map(|c| c.format_verbatim()).filter(|s| !s.trim().is_empty())
        };
        let authors = e.author().map(names).unwrap_or_default();
        let editors: Vec<String> = e
            .editors()
            .map(|eds| eds.into_iter().flat_map(|(ps, _)| names(ps)).collect())
            .unwrap_or_default();
        let kind = kind_of(&e.entry_type.to_string());
        let container = match kind {
            Some("article") => get("journaltitle").or_else(|| get("journal")),
            Some("chapter" | "encyclopedia article") => get("booktitle"),
            _ => None,
        };
        let date = get("date").and_then(|d| iso_date(&d)).or_else(|| {
            let year = get("year")?;
            let month = get("month").and_then(|m| month_number(&m));
            Some(match month {
                Some(m) => format!("{}-{m:02}", year.trim()),
                None => year.trim().to_string(),
            })
        });
        let meta = DocMeta {
            title: get("title"),
            authors,
            editors,
            kind: kind.map(str::to_string),
            site: container.or_else(|| get("howpublished").filter(|_| kind == Some("web page"))),
            publisher: get("publisher").or_else(|| get("institution")).or_else(|| get("school")),
            place: get("location").or_else(|| get("address")),
            url: get("url"),
            date,
            accessed: get("urldate").and_then(|d| iso_date(&d)),
            language: get("langid").or_else(|| get("language")).and_then(|l| language_code(&l)),
            volume: get("volume"),
            issue: get("number").or_else(|| get("issue")),
            pages: get("pages").map(|p| p.replace("--", "–")),
            edition: get("edition"),
            doi: get("doi"),
            isbn: get("isbn"),
            key: Some(e.key.clone()),
            ..DocMeta::default()
        };
        let files = get("file").map(|f| file_paths(&f)).unwrap_or_default();
        out.push(Entry { meta, files });
    }
    Ok(out)
}

/// `Family, Given` (the particle with the family name) of each person of a BibTeX field;
/// an organisation (in braces) as it is.
fn names(persons: Vec<biblatex::Person>) -> Vec<String> {
    persons
        .into_iter()
        .map(|p| {
            let family = [p.prefix.as_str(), p.name.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            let given = [p.given_name.as_str(), p.suffix.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(", ");
            if given.is_empty() {
                family
            } else {
                format!("{family}, {given}")
            }
        })
        .collect()
}

fn month_number(m: &str) -> Option<u32> {
    const MONTHS: [&str; 12] =
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let m = m.trim().to_lowercase();
    m.parse()
        .ok()
        .filter(|n| (1..=12).contains(n))
        .or_else(|| MONTHS.iter().position(|p| m.starts_with(p)).map(|i| i as u32 + 1))
}

/// Entries of a CSL-JSON file (an array of items).
fn from_csl_json(text: &str) -> Result<Vec<Entry>, String> {
    let items: Vec<serde_json::Value> = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for item in items {
        let get = |k: &str| match &item[k] {
            serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        let persons = |k: &str| -> Vec<String> {
            item[k]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|p| {
                            if let Some(l) = p["literal"].as_str() {
                                return Some(l.to_string());
                            }
                            let family = p["family"].as_str()?;
                            let prefix = p["non-dropping-particle"].as_str().unwrap_or("");
                            let family = format!("{prefix} {family}").trim().to_string();
                            Some(match p["given"].as_str() {
                                Some(g) => format!("{family}, {g}"),
                                None => family,
                            })
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let date = |k: &str| -> Option<String> {
            let d = &item[k];
            if let Some(parts) = d["date-parts"][0].as_array() {
                let n: Vec<u64> = parts
                    .iter()
                    .filter_map(|p| p.as_u64().or_else(|| p.as_str()?.parse().ok()))
                    .collect();
                return match n.as_slice() {
                    [y, m, d, ..] => Some(format!("{y:04}-{m:02}-{d:02}")),
                    [y, m] => Some(format!("{y:04}-{m:02}")),
                    [y] => Some(format!("{y:04}")),
                    [] => None,
                };
            }
            d["raw"].as_str().or(d.as_str()).and_then(iso_date)
        };
        let files: Vec<String> = match &item["file"] {
            serde_json::Value::String(s) => file_paths(s),
            serde_json::Value::Array(a) => {
                a.iter().filter_map(|v| v.as_str()).flat_map(file_paths).collect()
            }
            _ => Vec::new(),
        };
        let meta = DocMeta {
            title: get("title"),
            authors: persons("author"),
            editors: persons("editor"),
            kind: get("type").and_then(|t| kind_of(&t)).map(str::to_string),
            site: get("container-title"),
            publisher: get("publisher"),
            place: get("publisher-place"),
            url: get("URL"),
            date: date("issued"),
            accessed: date("accessed"),
            language: get("language").and_then(|l| language_code(&l)),
            volume: get("volume"),
            issue: get("issue"),
            pages: get("page"),
            edition: get("edition"),
            doi: get("DOI"),
            isbn: get("ISBN"),
            key: get("citation-key").or_else(|| get("id")),
            ..DocMeta::default()
        };
        out.push(Entry { meta, files });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BIB: &str = r#"
@book{thornwick1974,
  title = {The {Lichen} Atlas of Thornwick},
  author = {Brackenbury, Ottoline and {Thornwick Field Society}},
  publisher = {Moss Press},
  location = {Leeds},
  date = {1974},
  langid = {english},
  file = {/home/u/Zotero/storage/AB12CD34/Brackenbury - 1974 - The Lichen Atlas.pdf}
}
@online{mokh2021,
  title = {Мхи северных болот},
  author = {Ёлкин, Пётр Саввич},
  url = {https://example.org/mokh},
  urldate = {2026-11-30},
  year = {2021}, month = mar,
  langid = {russian},
  file = {Snapshot:files/7/mokh.html:text/html;Full Text PDF:files/8/mokh.pdf:application/pdf}
}
"#;

    #[test]
    fn bibtex_entries_become_catalogue_entries_matched_to_their_files() {
        let b = Bibliography::new(from_bibtex(BIB).unwrap());
        let atlas = b.meta("books/Brackenbury - 1974 - The Lichen Atlas.pdf").unwrap();
        assert_eq!(atlas.title.as_deref(), Some("The Lichen Atlas of Thornwick"));
        assert_eq!(atlas.authors, ["Brackenbury, Ottoline", "Thornwick Field Society"]);
        assert_eq!((atlas.kind.as_deref(), atlas.date.as_deref()), (Some("book"), Some("1974")));
        assert_eq!(atlas.key.as_deref(), Some("thornwick1974"));
        let mokh = b.meta("mokh.pdf").unwrap();
        assert_eq!(mokh.authors, ["Ёлкин, Пётр Саввич"]);
        assert_eq!(mokh.date.as_deref(), Some("2021-03"));
        assert_eq!(mokh.accessed.as_deref(), Some("2026-11-30"));
        assert_eq!(
            (mokh.kind.as_deref(), mokh.language.as_deref()),
            (Some("web page"), Some("ru"))
        );
        // By key, when no file is named.
        assert!(b.meta("notes/thornwick1974.txt").is_some());
        assert!(b.meta("other.txt").is_none());
    }

    #[test]
    fn csl_json_items_become_catalogue_entries() {
        let json = r#"[{"id":"ryzhik2020","type":"article-journal","title":"Споры лишайников",
            "author":[{"family":"Рыжик","given":"Анна"}],"container-title":"Ботанический журнал",
            "issued":{"date-parts":[[2020,5]]},"volume":"12","page":"34-56","language":"ru-RU",
            "file":"C:\\Users\\a\\Zotero\\storage\\X\\ryzhik.pdf"}]"#;
        let b = Bibliography::new(from_csl_json(json).unwrap());
        let m = b.meta("papers/ryzhik.pdf").unwrap();
        assert_eq!(m.title.as_deref(), Some("Споры лишайников"));
        assert_eq!(m.authors, ["Рыжик, Анна"]);
        assert_eq!(m.site.as_deref(), Some("Ботанический журнал"));
        assert_eq!((m.date.as_deref(), m.pages.as_deref()), (Some("2020-05"), Some("34-56")));
        assert_eq!(m.language.as_deref(), Some("ru"));
    }

    #[test]
    fn file_fields_of_every_exporter_give_their_paths() {
        assert_eq!(file_paths("/a/b c.pdf"), ["/a/b c.pdf"]);
        assert_eq!(
            file_paths("Full Text:files/1/x.pdf:application/pdf;S:y.html:text/html"),
            ["files/1/x.pdf", "y.html"]
        );
        assert_eq!(file_paths(":C\\:/Users/x.pdf:pdf"), ["C:/Users/x.pdf"]);
        assert!(file_paths("").is_empty());
    }
}
