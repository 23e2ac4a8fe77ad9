//! Helpers for end-to-end tests: a temporary corpus and index, and the real binary.

#![allow(dead_code)]

pub mod manual;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A corpus folder and an index folder in a temporary directory.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("corpus")).expect("corpus dir");
        Sandbox { dir }
    }

    pub fn corpus(&self) -> PathBuf {
        self.dir.path().join("corpus")
    }

    pub fn index(&self) -> PathBuf {
        self.dir.path().join("index")
    }

    /// Writes a corpus file (creating folders).
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.corpus().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// Runs `quelle --corpus C --index I ARGS…`.
    pub fn run(&self, args: &[&str]) -> Output {
        quelle(&self.corpus(), &self.index(), args)
    }

    /// Runs a JSON search and returns the parsed object.
    pub fn search_json(&self, query: &str, extra: &[&str]) -> serde_json::Value {
        let mut args = vec!["search", "--json"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--", query]);
        let out = self.run(&args);
        assert!(
            out.status.success(),
            "search {query:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("JSON output")
    }
}

pub fn quelle(corpus: &Path, index: &Path, args: &[&str]) -> Output {
    quelle_with(corpus, index, args, &[])
}

/// Runs `quelle --corpus C --index I ARGS…` with these environment variables set.
pub fn quelle_with(corpus: &Path, index: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_quelle"));
    cmd.arg("--corpus").arg(corpus).arg("--index").arg(index).args(args);
    cmd.env("NO_COLOR", "1").envs(env.iter().copied());
    cmd.output().expect("run quelle")
}

/// The `text` of each hit that matches every word (not `partial`).
pub fn strict_texts(v: &serde_json::Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["partial"] == false)
        .map(|h| h["text"].as_str().unwrap().to_string())
        .collect()
}

/// How a hit matched (`matched`).
pub fn matched(hit: &serde_json::Value) -> Vec<String> {
    hit["matched"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect()
}

/// The `text` of each hit.
pub fn texts(v: &serde_json::Value) -> Vec<String> {
    v["hits"].as_array().unwrap().iter().map(|h| h["text"].as_str().unwrap().to_string()).collect()
}

/// Folds text as ../shared/eval/evaluate.py does: NFKD, marks and format characters
/// dropped, lowercase, ё as е, anything but word characters as one space.
pub fn fold(s: &str) -> String {
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::new();
    for c in s.nfkd() {
        if is_combining_mark(c) || is_format(c) {
            continue;
        }
        for l in c.to_lowercase() {
            let l = if l == 'ё' { 'е' } else { l };
            if l.is_alphanumeric() || l == '_' {
                out.push(l);
            } else if !out.ends_with(' ') {
                out.push(' ');
            }
        }
    }
    out.trim().to_string()
}

fn is_format(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// True when every word of the hit's text stands, in order, in its cited lines of the
/// raw file (the check evaluate.py makes).
pub fn locator_is_true(corpus: &Path, hit: &serde_json::Value) -> bool {
    let doc = hit["doc"].as_str().unwrap();
    let (a, b) =
        (hit["line_start"].as_u64().unwrap() as usize, hit["line_end"].as_u64().unwrap() as usize);
    let raw = std::fs::read(corpus.join(doc)).unwrap();
    let raw = String::from_utf8_lossy(&raw);
    let lines: Vec<&str> = raw.lines().collect();
    if a < 1 || b < a || b > lines.len() {
        return false;
    }
    let span_text = fold(&lines[a - 1..b].join(" "));
    let span: Vec<&str> = span_text.split_whitespace().collect();
    let words_text = fold(hit["text"].as_str().unwrap());
    let words: Vec<&str> = words_text.split_whitespace().collect();
    let (mut i, mut j) = (0, 0);
    while i < span.len() && j < words.len() {
        if span[i].starts_with(words[j]) {
            j += 1;
        } else if i + 1 < span.len() && format!("{}{}", span[i], span[i + 1]).starts_with(words[j])
        {
            j += 1;
            i += 1;
        }
        i += 1;
    }
    !words.is_empty() && j * 50 >= words.len() * 49
}

/// Markup of a few lines as a reader sees it: comments, scripts and tags out, the
/// references the test pages use resolved.
pub fn visible_text(markup: &str) -> String {
    let mut out = String::new();
    let mut rest = markup;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |i| &after[i + 3..]);
        } else if rest.starts_with("<script") {
            rest = rest.find("</script>").map_or("", |i| &rest[i + 9..]);
        } else if c == '<' && rest[1..].starts_with(|n: char| n.is_ascii_alphabetic() || n == '/') {
            rest = rest.find('>').map_or("", |i| &rest[i + 1..]);
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out.replace("&nbsp;", " ")
        .replace("&#8217;", "\u{2019}")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}
