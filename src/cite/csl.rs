//! References from CSL styles, rendered by hayagriva (a maintained CSL processor): the
//! styles it bundles (GOST R 7.0.5-2008, Chicago notes and author-date, APA, MLA and some
//! eighty more) or any `.csl` file. quelle only maps a document's metadata onto a CSL item
//! and a passage's place onto a locator. The bundled Russian locale is mended where its
//! terms are wrong for citing (`стр.` reads as "page", GOST wants `с.` for pages,
//! `Электронный ресурс`, `дата обращения`).

use std::sync::OnceLock;

use hayagriva::archive::ArchivedStyle;
use hayagriva::citationberg::{
    IndependentStyle, Locale, LocaleCode, LocaleFile, Style as CitationStyle,
};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, BufWriteFormat, CitationItem, CitationRequest,
    LocatorPayload, SpecificLocator,
};

use super::Citation;
use crate::catalog::DocMeta;

/// Short names quelle has always taken, and the bundled styles they stand for.
const ALIASES: [(&str, &str); 4] = [
    ("gost", "gost-r-705-2008-numeric"),
    ("chicago", "chicago-notes"),
    ("chicago-notes-bibliography", "chicago-notes"),
    ("mla", "modern-language-association"),
];

/// A CSL style, ready to render.
pub struct CslStyle {
    /// The name it was chosen by (a bundled name or the file's path).
    pub name: String,
    style: IndependentStyle,
}

impl std::fmt::Debug for CslStyle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CslStyle({})", self.name)
    }
}

impl CslStyle {
    /// A bundled style by name (`gost`, `chicago`, `apa`, `chicago-author-date`, or any
    /// name hayagriva knows), or a `.csl` file by its path. The error says what is known.
    pub fn named(name: &str) -> Result<CslStyle, String> {
        let lower = name.to_lowercase();
        if lower.ends_with(".csl") {
            let xml = std::fs::read_to_string(name).map_err(|e| format!("{name}: {e}"))?;
            return match CitationStyle::from_xml(&xml) {
                Ok(CitationStyle::Independent(style)) => Ok(CslStyle { name: name.into(), style }),
                Ok(CitationStyle::Dependent(d)) => Err(format!(
                    "{name} is a dependent style: use its parent, {}",
                    d.parent_link.href
                )),
                Err(e) => Err(format!("{name}: not a CSL style: {e}")),
            };
        }
        let real = ALIASES.iter().find(|(a, _)| *a == lower).map_or(lower.as_str(), |(_, r)| r);
        match ArchivedStyle::by_name(real).map(ArchivedStyle::get) {
            Some(CitationStyle::Independent(style)) => Ok(CslStyle { name: real.into(), style }),
            _ => Err(format!(
                "unknown style {name:?}: use plain, markdown, bibtex, csl-json, gost, chicago, \
                 chicago-author-date, apa, mla, another bundled CSL style ({} …) or a .csl file",
                ArchivedStyle::all()
                    .iter()
                    .take(4)
                    .map(|s| s.names()[0])
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }

    /// True for a note style (the citation is a footnote with the whole reference).
    pub fn is_note(&self) -> bool {
        self.style.settings.class == hayagriva::citationberg::StyleClass::Note
    }
}

/// What a style makes of some citations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    /// Each citation (an in-text citation, or a note), in the order given.
    pub citations: Vec<String>,
    /// The bibliography: one entry per document cited, in the style's order.
    pub bibliography: Vec<String>,
}

/// The CSL project's English and Russian locales (`data/csl/`, CC BY-SA 3.0; see
/// `data/README.md`), the Russian one mended: the two languages quelle cites in, read in
/// a millisecond, where hayagriva's sixty take a tenth of a second to read.
fn locales() -> &'static [Locale] {
    static LOCALES: OnceLock<Vec<Locale>> = OnceLock::new();
    LOCALES.get_or_init(|| {
        let mut own: Vec<Locale> = [EN_US, RU_RU]
            .iter()
            .filter_map(|xml| LocaleFile::from_xml(xml).ok().map(Locale::from))
            .collect();
        mend_russian(&mut own);
        own
    })
}

/// Every locale hayagriva bundles (for a style or `--locale` in another language), the
/// Russian one mended.
fn all_locales() -> &'static [Locale] {
    static LOCALES: OnceLock<Vec<Locale>> = OnceLock::new();
    LOCALES.get_or_init(|| {
        let mut all = hayagriva::archive::locales();
        // Ours first: they are the same files, with the Russian one mended.
        all.retain(|l| !locales().iter().any(|o| o.lang == l.lang));
        let mut out = locales().to_vec();
        out.extend(all);
        out
    })
}

/// The locales `style` and `locale` need: ours, or every bundled one when either names
/// another language.
fn locales_for(style: &IndependentStyle, locale: Option<&LocaleCode>) -> &'static [Locale] {
    let ours = |code: &LocaleCode| {
        let lang = code.0.split('-').next().unwrap_or("").to_lowercase();
        lang == "en" || lang == "ru"
    };
    let default = style.default_locale.as_ref();
    if locale.is_none_or(ours) && default.is_none_or(ours) {
        locales()
    } else {
        all_locales()
    }
}

const EN_US: &str = include_str!("../../data/csl/locales-en-US.xml");
const RU_RU: &str = include_str!("../../data/csl/locales-ru-RU.xml");

fn mend_russian(locales: &mut [Locale]) {
    if let Ok(fix) = LocaleFile::from_xml(RUSSIAN_TERMS).map(Locale::from) {
        for locale in locales.iter_mut().filter(|l| l.lang == fix.lang) {
            mend(locale, &fix);
        }
    }
}

/// Terms of the bundled Russian locale replaced for citing: a line is `строка`, not
/// `стр.` (which reads as a page); a page `с.`, one or several (GOST R 7.0.5); a web
/// source `Электронный ресурс` read on a `дата обращения`.
const RUSSIAN_TERMS: &str = r#"<locale xmlns="http://purl.org/net/xbiblio/csl" version="1.0" xml:lang="ru-RU">
  <terms>
    <term name="line"><single>строка</single><multiple>строки</multiple></term>
    <term name="line" form="short"><single>строка</single><multiple>строки</multiple></term>
    <term name="page" form="short"><single>с.</single><multiple>с.</multiple></term>
    <term name="accessed">дата обращения</term>
    <term name="online">Электронный ресурс</term>
  </terms>
</locale>"#;

/// Puts the terms of `fix` in `locale`, in place of those of the same name and form.
fn mend(locale: &mut Locale, fix: &Locale) {
    let (Some(terms), Some(new)) = (locale.terms.as_mut(), fix.terms.as_ref()) else { return };
    for t in &new.terms {
        terms.terms.retain(|old| !(old.name == t.name && old.form == t.form));
        terms.terms.push(t.clone());
    }
}

/// Renders `cites` in `style`, in the locale `locale` (`ru`, `en-US`, …; the style's own
/// when `None`).
pub fn render(style: &CslStyle, locale: Option<&str>, cites: &[Citation]) -> Rendered {
    let entries: Vec<hayagriva::Entry> = cites.iter().map(|c| entry(&c.key(), c.meta)).collect();
    let mut driver = BibliographyDriver::new();
    let locale = locale.map(locale_code);
    let locales = locales_for(&style.style, locale.as_ref());
    // A range with a hyphen, so the style knows it for a plural (`строки`, `lines`) and
    // writes its own dash.
    let lines: Vec<String> = cites.iter().map(|c| c.locator().replace('–', "-")).collect();
    for (n, ((entry, cite), line)) in entries.iter().zip(cites).zip(&lines).enumerate() {
        let mut item = CitationItem::with_entry(entry);
        let kind = match cite.locator_kind() {
            LocatorKind::Line => hayagriva::citationberg::taxonomy::Locator::Line,
            LocatorKind::Page => hayagriva::citationberg::taxonomy::Locator::Page,
        };
        item.locator = Some(SpecificLocator(kind, LocatorPayload::Str(line)));
        let note = Some(n + 1);
        driver.citation(CitationRequest::new(
            vec![item],
            &style.style,
            locale.clone(),
            locales,
            note,
        ));
    }
    let result =
        driver.finish(BibliographyRequest { style: &style.style, locale, locale_files: locales });
    let text = |e: &hayagriva::ElemChildren| {
        let mut s = String::new();
        let _ = e.write_buf(&mut s, BufWriteFormat::Plain);
        s
    };
    let citations = result.citations.iter().map(|c| text(&c.citation)).collect();
    let bibliography = result
        .bibliography
        .map(|b| {
            b.items
                .iter()
                .map(|i| match &i.first_field {
                    Some(first) => {
                        let mut s = String::new();
                        let _ = first.write_buf(&mut s, BufWriteFormat::Plain);
                        format!("{s} {}", text(&i.content))
                    }
                    None => text(&i.content),
                })
                // Chicago leaves some kinds (encyclopedias) to the notes alone.
                .filter(|s| !s.trim().is_empty())
                .collect()
        })
        .unwrap_or_default();
    Rendered { citations, bibliography }
}

/// What a locator counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocatorKind {
    Line,
    Page,
}

/// `ru` → `ru-RU`, `en` → `en-US`; a full code as it is.
fn locale_code(code: &str) -> LocaleCode {
    LocaleCode(match code.to_lowercase().as_str() {
        "ru" => "ru-RU".into(),
        "en" => "en-US".into(),
        "de" => "de-DE".into(),
        "fr" => "fr-FR".into(),
        _ => code.to_string(),
    })
}

/// Text that hayagriva takes as it is: no case changes, `{`, `}`, `$` and `\` escaped.
fn verbatim(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('{');
    for c in text.chars() {
        if matches!(c, '{' | '}' | '$' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('}');
    out
}

/// A person as hayagriva reads one, `Family, Given`: as written when it has a comma;
/// `Иванов И. И.` (initials after the family name) and `Susan G. Kleinmann` (given names
/// with an initial before it) turned round; anything else, an organisation most often,
/// kept whole.
pub fn person(name: &str) -> String {
    let name = name.trim();
    if name.contains(',') {
        return name.to_string();
    }
    let words: Vec<&str> = name.split_whitespace().collect();
    let initial =
        |w: &str| w.ends_with('.') && w.chars().filter(|c| c.is_alphabetic()).count() <= 2;
    match words.as_slice() {
        [family, rest @ ..] if !rest.is_empty() && rest.iter().all(|w| initial(w)) => {
            format!("{family}, {}", rest.join(" "))
        }
        [given @ .., family] if given.len() >= 2 && given.iter().skip(1).all(|w| initial(w)) => {
            format!("{family}, {}", given.join(" "))
        }
        _ => name.to_string(),
    }
}

/// `2018-07-21`, `2018-07` or `2018`, if `date` is one of these.
fn date(date: &str) -> Option<String> {
    let parts: Vec<&str> = date.trim().split('-').collect();
    let ok = match parts.as_slice() {
        [y] => y.len() == 4,
        [y, m] => y.len() == 4 && m.len() == 2,
        [y, m, d] => y.len() == 4 && m.len() == 2 && d.len() == 2,
        _ => false,
    };
    (ok && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))).then(|| date.trim().into())
}

/// The hayagriva entry of a document: its kind as an entry type, the site, journal or
/// book it is part of as its parent.
fn entry(key: &str, meta: &DocMeta) -> hayagriva::Entry {
    use serde_json::{json, Value};
    let title = meta.title.as_deref().unwrap_or(key);
    let title = if meta.title_supplied { format!("[{title}]") } else { title.to_string() };
    let (kind, parent_kind) = match meta.kind.as_deref() {
        Some("web page") => ("web", "web"),
        Some("encyclopedia article") => ("entry", "reference"),
        Some("article") => ("article", "periodical"),
        Some("chapter") => ("chapter", "book"),
        Some("book") => ("book", "book"),
        Some("thesis") => ("thesis", "misc"),
        Some("report") => ("report", "misc"),
        Some("student paper" | "manuscript") => ("manuscript", "misc"),
        _ => ("misc", "misc"),
    };
    let mut e = json!({ "type": kind, "title": verbatim(&title) });
    let persons = |names: &[String]| -> Value {
        Value::Array(names.iter().map(|n| json!(person(n))).collect())
    };
    if !meta.authors.is_empty() {
        e["author"] = persons(&meta.authors);
    }
    if let Some(d) = meta.date.as_deref().and_then(date) {
        e["date"] = json!(d);
    }
    if let Some(url) = &meta.url {
        e["url"] = match meta.accessed.as_deref().and_then(date) {
            Some(d) => json!({ "value": url, "date": d }),
            None => json!(url),
        };
    }
    if let Some(lang) = &meta.language {
        e["language"] = json!(lang);
    }
    if let Some(p) = &meta.publisher {
        e["publisher"] = match &meta.place {
            Some(place) => json!({ "name": p, "location": place }),
            None => json!(p),
        };
    }
    let mut serial = serde_json::Map::new();
    if let Some(doi) = &meta.doi {
        serial.insert("doi".into(), json!(doi));
    }
    if let Some(isbn) = &meta.isbn {
        serial.insert("isbn".into(), json!(isbn));
    }
    if !serial.is_empty() {
        e["serial-number"] = Value::Object(serial);
    }
    if let Some(edition) = &meta.edition {
        e["edition"] = json!(edition);
    }
    if let Some(pages) = &meta.pages {
        e["page-range"] = json!(pages);
    }
    let mut parent = json!({ "type": parent_kind });
    if let Some(site) = &meta.site {
        parent["title"] = json!(verbatim(site));
    }
    if !meta.editors.is_empty() {
        parent["editor"] = persons(&meta.editors);
    }
    if let Some(v) = &meta.volume {
        parent["volume"] = json!(v);
    }
    if let Some(i) = &meta.issue {
        parent["issue"] = json!(i);
    }
    if parent.as_object().is_some_and(|p| p.len() > 1) {
        e["parent"] = parent;
    }
    let library = json!({ key: e });
    match serde_json::from_value::<hayagriva::Library>(library) {
        Ok(lib) => lib.iter().next().cloned().unwrap_or_else(|| fallback(key, &title)),
        Err(_) => fallback(key, &title),
    }
}

/// An entry of the title alone, for metadata hayagriva refuses.
fn fallback(key: &str, title: &str) -> hayagriva::Entry {
    let mut e = hayagriva::Entry::new(key, hayagriva::types::EntryType::Misc);
    e.set_title(hayagriva::types::FormatString::with_value(title));
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_turn_round_only_when_they_read_as_persons() {
        assert_eq!(person("Иванов И. И."), "Иванов, И. И.");
        assert_eq!(person("Susan G. Kleinmann"), "Kleinmann, Susan G.");
        assert_eq!(person("Kleinmann, Susan G."), "Kleinmann, Susan G.");
        assert_eq!(person("Thornwick Field Society"), "Thornwick Field Society");
        assert_eq!(person("Ottoline Brackenbury"), "Ottoline Brackenbury");
    }

    #[test]
    fn styles_by_name_alias_or_file_and_a_clear_error_otherwise() {
        assert_eq!(CslStyle::named("gost").unwrap().name, "gost-r-705-2008-numeric");
        assert!(CslStyle::named("chicago").unwrap().is_note());
        assert!(!CslStyle::named("apa").unwrap().is_note());
        let e = CslStyle::named("nonesuch").unwrap_err();
        assert!(e.contains("unknown style") && e.contains("gost"), "{e}");
        let e = CslStyle::named("/no/such/style.csl").unwrap_err();
        assert!(e.starts_with("/no/such/style.csl"), "{e}");
    }

    #[test]
    fn text_is_taken_verbatim() {
        assert_eq!(verbatim("a {b} $c\\"), "{a \\{b\\} \\$c\\\\}");
    }
}
