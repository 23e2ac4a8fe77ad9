//! Writes a deterministic bilingual corpus for benchmarks:
//!
//! ```sh
//! cargo run --release --example gen_corpus -- OUT_DIR SIZE_MB [SEED]
//! ```
//!
//! Words come from the bundled corpus's vocabulary, ranked by frequency, then inflected
//! (Russian case endings, English suffixes) and followed by minted rare names, so the text
//! has hundreds of thousands of distinct words (real text has 10^5–10^6; a smaller
//! vocabulary would make every cache look perfect). Words are drawn from a Zipf
//! distribution into sentences, paragraphs and headed sections. File sizes run from 1 KB to
//! 5 MB, most of them small; a fifth of the files are hard-wrapped, a fifth of the Russian
//! ones are written in windows-1251, and some mix the two languages.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

/// splitmix64: a small, fast, deterministic generator.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize % n.max(1)
    }

    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
}

/// A vocabulary sampled by Zipf's law over its ranks.
struct Vocabulary {
    words: Vec<String>,
    cdf: Vec<f64>,
}

impl Vocabulary {
    fn new(words: Vec<String>) -> Vocabulary {
        let mut cdf = Vec::with_capacity(words.len());
        let mut total = 0.0;
        for rank in 1..=words.len() {
            total += 1.0 / rank as f64;
            cdf.push(total);
        }
        for c in &mut cdf {
            *c /= total;
        }
        Vocabulary { words, cdf }
    }

    fn draw(&self, rng: &mut Rng) -> (usize, &str) {
        let u = rng.unit();
        let i = self.cdf.partition_point(|&c| c < u).min(self.words.len() - 1);
        (i, &self.words[i])
    }
}

const RU_ENDINGS: &[&str] =
    &["а", "у", "ом", "е", "ы", "ов", "ами", "ах", "ой", "ую", "ого", "ему", "ии", "ям"];
const EN_ENDINGS: &[&str] = &["s", "ed", "ing", "er", "ly"];
const RU_SYLLABLES: &[&str] = &[
    "ка",
    "ро",
    "ми",
    "лан",
    "тов",
    "ев",
    "ско",
    "ри",
    "на",
    "до",
    "ва",
    "зе",
    "бер",
    "штейн",
    "град",
    "по",
    "лю",
    "ша",
    "гор",
    "ин",
    "ман",
    "ски",
    "дзе",
    "шин",
    "ло",
    "ве",
    "ку",
    "тре",
    "баш",
    "мир",
];
const EN_SYLLABLES: &[&str] = &[
    "ka", "ro", "mi", "lan", "tov", "ev", "sko", "ri", "na", "do", "va", "ze", "ber", "stein",
    "burg", "po", "lu", "sha", "gor", "in", "man", "ski", "dze", "shin", "lo", "ve", "ku", "tre",
    "bash", "mir",
];

/// Words of the bundled corpus by script, most frequent first.
fn seed_words(corpus: &Path) -> (Vec<String>, Vec<String>) {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for entry in std::fs::read_dir(corpus).expect("bundled corpus").flatten() {
        let Ok(text) = std::fs::read_to_string(entry.path()) else { continue };
        for (a, b) in quelle::analysis::words(&text) {
            let w = text[a..b].to_lowercase();
            if w.chars().all(char::is_alphabetic) && w.chars().count() >= 2 {
                *counts.entry(w).or_default() += 1;
            }
        }
    }
    let mut ranked: Vec<(String, usize)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let cyrillic = |w: &str| w.chars().any(|c| ('а'..='я').contains(&c) || c == 'ё');
    let ru = ranked.iter().filter(|(w, _)| cyrillic(w)).map(|(w, _)| w.clone()).collect();
    let en = ranked
        .iter()
        .filter(|(w, _)| w.chars().all(|c| c.is_ascii_lowercase()))
        .map(|(w, _)| w.clone())
        .collect();
    (ru, en)
}

/// Seed words, then their inflected forms, then minted names: a long Zipf tail.
fn vocabulary(
    seed: &[String],
    endings: &[&str],
    syllables: &[&str],
    names: usize,
    rng: &mut Rng,
) -> Vocabulary {
    let mut seen: HashSet<String> = HashSet::new();
    let mut words: Vec<String> = Vec::new();
    let mut push = |w: String, words: &mut Vec<String>| {
        if seen.insert(w.clone()) {
            words.push(w);
        }
    };
    for w in seed {
        push(w.clone(), &mut words);
    }
    for w in seed.iter().filter(|w| w.chars().count() >= 4) {
        let base: String = {
            let t = w.trim_end_matches(['а', 'я', 'о', 'е', 'ы', 'и', 'й', 'ь', 'e', 's']);
            if t.chars().count() >= 3 {
                t.to_string()
            } else {
                w.clone()
            }
        };
        for e in endings {
            push(format!("{base}{e}"), &mut words);
        }
    }
    for _ in 0..names {
        let n = rng.range(2, 5);
        let name: String = (0..n).map(|_| syllables[rng.below(syllables.len())]).collect();
        let mut chars = name.chars();
        let first = chars.next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default();
        push(format!("{first}{}", chars.as_str()), &mut words);
    }
    Vocabulary::new(words)
}

fn capitalise(w: &str) -> String {
    let mut c = w.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

struct Writer<'a> {
    rng: Rng,
    ru: &'a Vocabulary,
    en: &'a Vocabulary,
    used: HashSet<(bool, usize)>,
}

impl Writer<'_> {
    fn sentence(&mut self, russian: bool, out: &mut String) {
        let n = self.rng.range(6, 24);
        for i in 0..n {
            let vocab = if russian { self.ru } else { self.en };
            let (idx, w) = vocab.draw(&mut self.rng);
            self.used.insert((russian, idx));
            if i == 0 {
                out.push_str(&capitalise(w));
            } else {
                out.push(' ');
                out.push_str(w);
            }
            if i + 1 < n && self.rng.below(9) == 0 {
                out.push(',');
            }
        }
        out.push(if self.rng.below(15) == 0 { '?' } else { '.' });
    }

    fn paragraph(&mut self, russian: bool) -> String {
        let mut p = String::new();
        for i in 0..self.rng.range(2, 7) {
            if i > 0 {
                p.push(' ');
            }
            self.sentence(russian, &mut p);
        }
        p
    }

    fn heading(&mut self, russian: bool, number: usize) -> String {
        let vocab = if russian { self.ru } else { self.en };
        let words: Vec<String> =
            (0..self.rng.range(2, 5)).map(|_| vocab.draw(&mut self.rng).1.to_string()).collect();
        format!("{number}. {}", capitalise(&words.join(" ")))
    }

    /// One file's text: paragraphs, a numbered heading every few paragraphs.
    fn file(&mut self, target: usize, russian: bool, mixed: bool, wrapped: bool) -> String {
        let mut text = String::with_capacity(target + 4096);
        let mut section = 1;
        while text.len() < target {
            if self.rng.below(6) == 0 {
                text.push_str(&self.heading(russian, section));
                text.push_str(if wrapped { "\n\n" } else { "\n" });
                section += 1;
            }
            let lang = if mixed && self.rng.below(3) == 0 { !russian } else { russian };
            let p = self.paragraph(lang);
            if wrapped {
                text.push_str(&wrap(&p, 72));
                text.push_str("\n\n");
            } else {
                text.push_str(&p);
                text.push('\n');
            }
        }
        text
    }
}

fn wrap(p: &str, width: usize) -> String {
    let mut out = String::with_capacity(p.len() + p.len() / width);
    let mut line = 0;
    for w in p.split(' ') {
        let n = w.chars().count();
        if line > 0 && line + 1 + n > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(w);
        line += n;
    }
    out
}

/// Most files are small, a few are large: 70% 1–50 KB, 25% 50–500 KB, 5% 0.5–5 MB.
fn file_size(rng: &mut Rng) -> usize {
    let (lo, hi): (f64, f64) = match rng.below(100) {
        0..=69 => (1024.0, 50.0 * 1024.0),
        70..=94 => (50.0 * 1024.0, 500.0 * 1024.0),
        _ => (500.0 * 1024.0, 5.0 * 1024.0 * 1024.0),
    };
    (lo.ln() + rng.unit() * (hi.ln() - lo.ln())).exp() as usize
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: gen_corpus OUT_DIR SIZE_MB [SEED]");
        std::process::exit(2);
    }
    let out = PathBuf::from(&args[1]);
    let megabytes: usize = args[2].parse().expect("SIZE_MB is a number");
    let seed: u64 = args.get(3).map_or(42, |s| s.parse().expect("SEED is a number"));
    let mut rng = Rng(seed);
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let (ru_seed, en_seed) = seed_words(&corpus);
    let ru = vocabulary(&ru_seed, RU_ENDINGS, RU_SYLLABLES, 200_000, &mut rng);
    let en = vocabulary(&en_seed, EN_ENDINGS, EN_SYLLABLES, 200_000, &mut rng);
    let mut writer = Writer { rng: Rng(seed ^ 0x5EED), ru: &ru, en: &en, used: HashSet::new() };
    std::fs::create_dir_all(&out).expect("output folder");
    let (budget, mut written, mut files) = (megabytes * 1024 * 1024, 0usize, 0usize);
    while written < budget {
        let size = file_size(&mut rng).min(budget - written).max(1024);
        let russian = rng.below(2) == 0;
        let mixed = rng.below(10) == 0;
        let wrapped = rng.below(5) == 0;
        let text = writer.file(size, russian, mixed, wrapped);
        let bytes = if russian && !mixed && rng.below(5) == 0 {
            encoding_rs::WINDOWS_1251.encode(&text).0.into_owned()
        } else {
            text.into_bytes()
        };
        let dir = out.join(format!("d{:03}", files / 100));
        std::fs::create_dir_all(&dir).expect("subfolder");
        let name = format!("{}{:05}.txt", if russian { "ru" } else { "en" }, files);
        std::fs::File::create(dir.join(name))
            .and_then(|mut f| f.write_all(&bytes))
            .expect("write file");
        written += bytes.len();
        files += 1;
    }
    println!(
        "{files} files, {:.1} MB, {} distinct words (vocabulary {} ru + {} en)",
        written as f64 / 1048576.0,
        writer.used.len(),
        ru.words.len(),
        en.words.len()
    );
}
