//! In-process search latency, as a program two builds can take turns running: criterion
//! compares a run with one made earlier, and on a noisy machine the earlier one ran in
//! another load. `scripts/compare_inprocess.sh OLD NEW CORPUS OLD_INDEX NEW_INDEX` alternates two builds
//! of this example.
//!
//! ```sh
//! cargo run --release --example query_latency -- CORPUS INDEX QUERIES [ROUNDS]
//! ```
//!
//! Prints the p50, p90 and p99 over every search (each line of the file QUERIES a query;
//! the script gives it the 20 of `scripts/bench.py`), `ROUNDS` times each after one
//! warm-up round, snippets included, in milliseconds; and on stderr each query's median,
//! the slowest first.

use std::time::Instant;

use quelle::dictionary::Setting;
use quelle::index::{refresh, Silent};
use quelle::search::{search, Lexicon};
use quelle::Request;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [corpus, index, queries, rest @ ..] = args.as_slice() else {
        return Err("usage: query_latency CORPUS INDEX QUERIES [ROUNDS]".into());
    };
    let rounds: usize = rest.first().map_or(Ok(5), |r| r.parse())?;
    let queries = std::fs::read_to_string(queries)?;
    let queries: Vec<&str> = queries.lines().filter(|q| !q.trim().is_empty()).collect();
    if queries.is_empty() || rounds == 0 {
        return Err("no query to time: QUERIES is empty or ROUNDS is 0".into());
    }
    let (corpus, index) = (std::path::Path::new(corpus), std::path::Path::new(index));
    let (qindex, _) = refresh(corpus, index, Default::default(), &mut Silent)?;
    let (lexicon, _) = Lexicon::load(corpus, &qindex.dir, &Setting::Default);
    let mut times = Vec::with_capacity(rounds * queries.len());
    let mut each: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); queries.len()];
    for round in 0..=rounds {
        for (n, q) in queries.iter().enumerate() {
            let req =
                Request { query: q.to_string(), limit: 10, lang: None, doc: None, expand: true };
            let started = Instant::now();
            let hits = search(&qindex, &req, &lexicon)?.hits.len();
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            std::hint::black_box(hits);
            if round > 0 {
                times.push(ms);
                each[n].push(ms);
            }
        }
    }
    // Each query's median on stderr, the slowest first: where the time goes.
    let mut medians: Vec<(f64, &str)> = each
        .iter_mut()
        .zip(&queries)
        .map(|(t, q)| {
            t.sort_by(f64::total_cmp);
            (t[t.len() / 2], *q)
        })
        .collect();
    medians.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (ms, q) in medians {
        eprintln!("{ms:8.2} ms  {q}");
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
