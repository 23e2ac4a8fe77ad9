//! Page chrome: banners, calls to action, navigation, breadcrumbs, "last modified" lines,
//! site logos, and leftover wiki markup (`/ref>`) that scrapers keep around the text.
//! A line of chrome is dropped whole; markup at a line's start is cut from it.

use super::{cut_piece, single_line, text_of};
use crate::ingest::SourceDoc;
use crate::segment::{Block, Glue};

/// Phrases that mark a short line as site furniture, not text.
const CHROME_PHRASES: &[&str] = &[
    "join now",
    "sign up",
    "mailing list",
    "subscribe",
    "all rights reserved",
    "page last modified",
    "last modified:",
    "last updated:",
    "privacy policy",
    "terms of use",
    "cookie",
    "skip to content",
    "back to top",
    "click here",
    "share this",
    "follow us",
    "advertisement",
    "©",
    "все права защищены",
    "подписаться",
    "читать далее",
    "поделиться",
];

/// The mark documentation tools put after a heading for its link.
const PERMALINK: char = '¶';

/// Whole lines that are navigation.
const NAV_LINES: &[&str] = &[
    "home",
    "menu",
    "search",
    "navigation",
    "top",
    "next",
    "previous",
    "prev",
    "or:",
    "share",
    "print",
    "login",
    "log in",
    "sign in",
    "главная",
    "меню",
    "поиск",
    "назад",
    "далее",
];

/// Markup a scraper leaves at the start of a line.
const MARKUP_PREFIXES: &[&str] = &["/ref>", "<ref>", "</ref>"];

/// Longest line that can be chrome; longer lines are text even if they mention a phrase.
const MAX_CHROME_CHARS: usize = 120;

/// Most words in a line that a chrome phrase marks as chrome.
const MAX_PHRASE_LINE_WORDS: usize = 10;

/// True when a line is page chrome.
pub fn is_chrome(line: &str) -> bool {
    let t = line.trim();
    if t.is_empty() {
        return false;
    }
    if t.starts_with("{{") && t.contains(':') {
        return true; // a wiki template left in the text, however long
    }
    if t.chars().count() > MAX_CHROME_CHARS {
        return false;
    }
    let lower = t.to_lowercase();
    // A list item is the author's (`* they notice it on a mailing list`, `* Copyright ©
    // 2019 …` in a manual's credits); a phrase marks chrome only on a short line.
    let item = crate::segment::list_marker_width(t) > 0;
    let short = t.split_whitespace().count() <= MAX_PHRASE_LINE_WORDS;
    NAV_LINES.contains(&lower.as_str())
        || t.starts_with("{{")
        || t.starts_with("[[Category:")
        || !item && short && CHROME_PHRASES.iter().any(|p| contains_words(&lower, p))
        || is_breadcrumb(t)
        || is_logo(t)
}

/// `phrase` stands in `text` as whole words (`subscribe`, not `subscribed`).
fn contains_words(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + phrase.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// `Section / Subsection / Page`: two or more separators between short segments.
fn is_breadcrumb(t: &str) -> bool {
    if t.ends_with(['.', '!', '?']) {
        return false;
    }
    for sep in [" / ", " > ", " » ", " › ", " | "] {
        let parts: Vec<&str> = t.split(sep).collect();
        if parts.len() >= 3 && parts.iter().all(|p| !p.trim().is_empty() && p.chars().count() <= 50)
        {
            return true;
        }
    }
    false
}

/// A site name set as one CamelCase word (`TheInfoList`).
fn is_logo(t: &str) -> bool {
    let inner_capitals = t.chars().skip(1).filter(|c| c.is_uppercase()).count();
    !t.contains(char::is_whitespace)
        && t.chars().all(char::is_alphabetic)
        && t.chars().next().is_some_and(char::is_uppercase)
        && t.chars().any(char::is_lowercase)
        && inner_capitals >= 2
        && t.chars().count() <= 30
}

/// Drops chrome lines and cuts markup from the start of lines.
pub fn drop(doc: &SourceDoc, blocks: Vec<Block>) -> Vec<Block> {
    blocks
        .into_iter()
        .filter(|b| !(single_line(b) && is_chrome(text_of(doc, &b.pieces[0]))))
        .map(|mut b| {
            let first = b.pieces[0];
            let text = text_of(doc, &first);
            if let Some(prefix) = MARKUP_PREFIXES.iter().find(|p| text.starts_with(**p)) {
                let mut rest = cut_piece(doc, &first, &[(0, prefix.len())], Glue::Space);
                rest.extend_from_slice(&b.pieces[1..]);
                b.pieces = rest;
            }
            // A permalink's pilcrow after a heading (`3.2.4. Going on vacation¶`), as pages
            // made by documentation tools have it, and their copies in Word or text.
            if let Some(&last) = b.pieces.last() {
                let text = text_of(doc, &last);
                if let Some(kept) = text.strip_suffix(PERMALINK).map(str::trim_end) {
                    b.pieces.pop();
                    b.pieces.extend(cut_piece(
                        doc,
                        &last,
                        &[(kept.len(), text.len())],
                        Glue::Space,
                    ));
                }
            }
            b
        })
        .filter(|b| !b.pieces.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::is_chrome;
    use crate::clean::test_util::passages;

    #[test]
    fn a_headings_permalink_mark_is_cut() {
        let got = passages(
            "Drying Hops¶\n===========\n\nThe kiln is lit at dusk.\n\nThe ¶ marks a paragraph.\n",
        );
        let texts: Vec<&str> = got.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(texts, ["Drying Hops", "The kiln is lit at dusk.", "The ¶ marks a paragraph."]);
    }

    #[test]
    fn recognises_chrome() {
        for line in [
            "The Largest Career Network for Defense Jobs - JOIN NOW",
            "Join the mailing list",
            "Page last modified: 21-07-2018 06:03:23 ZULU",
            "   HOME",
            "OR:",
            "TheInfoList",
            "History / Europe / Soviet Union (1922-91)",
            "© 2024 Example Press. All rights reserved",
            "Главная",
            "{{DEFAULTSORT:Germany-Soviet Union Relations Before 1941 Germany–Soviet Union relations, Foreign relations of Nazi Germany}}",
        ] {
            assert!(is_chrome(line), "{line:?}");
        }
    }

    #[test]
    fn leaves_text_alone() {
        for line in [
            "Overview",
            "The treaty was signed in Rapallo.",
            "Both sides subscribed to the view that the treaty would last, and they kept to it for a decade afterwards without fail.",
            "Germany and the USSR",
            "1920s - Cooperation With Germany",
            "NATO",
            "* they notice it on a public forum (mailing list, web site, etc.)",
            "* Copyright © 2019 - 2023 Ada Lovelace",
            "Readers who wish to follow the argument further may subscribe to the journal's quarterly supplement",
        ] {
            assert!(!is_chrome(line), "{line:?}");
        }
    }

    #[test]
    fn chrome_lines_never_become_passages_and_markup_is_cut() {
        let got = passages("Site News / Europe / Treaties\n\nThe treaty was signed.\n/ref> It lasted ten years.\nJoin the mailing list\n");
        let texts: Vec<&str> = got.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(texts, ["The treaty was signed.", "It lasted ten years."]);
    }
}
