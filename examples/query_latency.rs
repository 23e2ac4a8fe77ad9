//! In-process search latency, as a program two builds can take turns running: criterion
//! compares a run with one made earlier, and on a noisy machine the earlier one ran in
//! another load. `scripts/compare_inprocess.sh OLD NEW CORPUS OLD_INDEX NEW_INDEX` alternates two builds
//! of this example.
//!
//! ```sh
//! cargo run --release --example query_latency -- CORPUS INDEX [ROUNDS]
//! ```
//!
//! Prints the p50, p90 and p99 over every search (the 20 queries of `scripts/bench.sh`,
//! `ROUNDS` times each after one warm-up round), snippets included, in milliseconds.

use std::time::Instant;

use quelle::dictionary::Setting;
use quelle::index::{refresh, Silent};
use quelle::search::{search, Lexicon};
use quelle::Request;

/// The queries of `scripts/bench.py`.
const QUERIES: &[&str] = &[
    "treaty",
    "Germany cooperation",
    "military aviation",
    "Lipetsk",
    "Rapallo",
    "договор",
    "военное сотрудничество",
    "Германии",
    "школы танков",
    "Москве",
    "\"soviet union\"",
    "\"the treaty\"",
    "\"германо советские\"",
    "\"в Москве\"",
    "Stresseman",
    "Rapalo",
    "govemment",
    "Казань",
    "League of Nations",
    "Лиги Наций",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [corpus, index, rest @ ..] = args.as_slice() else {
        return Err("usage: query_latency CORPUS INDEX [ROUNDS]".into());
    };
    let rounds: usize = rest.first().map_or(Ok(5), |r| r.parse())?;
    let (corpus, index) = (std::path::Path::new(corpus), std::path::Path::new(index));
    let (qindex, _) = refresh(corpus, index, Default::default(), &mut Silent)?;
    let (lexicon, _) = Lexicon::load(corpus, &qindex.dir, &Setting::Default);
    let mut times = Vec::with_capacity(rounds * QUERIES.len());
    for round in 0..=rounds {
        for q in QUERIES {
            let req =
                Request { query: q.to_string(), limit: 10, lang: None, doc: None, expand: true };
            let started = Instant::now();
            let hits = search(&qindex, &req, &lexicon)?.hits.len();
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            std::hint::black_box(hits);
            if round > 0 {
                times.push(ms);
            }
        }
    }
    times.sort_by(f64::total_cmp);
    let at = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    println!(
        "p50 {:.2} p90 {:.2} p99 {:.2} ({} searches)",
        at(0.5),
        at(0.9),
        at(0.99),
        times.len()
    );
    Ok(())
}
