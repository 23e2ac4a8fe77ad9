//! Query latency in process, snippets included, on the bundled corpus, or on any corpus
//! and index named by `QUELLE_BENCH_CORPUS` and `QUELLE_BENCH_INDEX` (built if needed).
//!
//! ```sh
//! cargo bench --bench query
//! QUELLE_BENCH_CORPUS=target/bench/corpus-500 QUELLE_BENCH_INDEX=target/bench/quelle-500 \
//!     cargo bench --bench query
//! ```

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion};
use quelle::dictionary::Setting;
use quelle::index::{refresh, Silent};
use quelle::search::{search, Lexicon};
use quelle::Request;

const QUERIES: &[&str] = &[
    "Treaty of Rapallo",
    "Lipetsk",
    "танковых школах",
    "\"военное сотрудничество\"",
    "Stresseman",
    "League of Nations",
    "Казань",
    "secret protocol Molotov-Ribbentrop",
];

fn query(c: &mut Criterion) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = std::env::var_os("QUELLE_BENCH_CORPUS").map_or(root.join("corpus"), PathBuf::from);
    let temp = tempfile::tempdir().unwrap();
    let index =
        std::env::var_os("QUELLE_BENCH_INDEX").map_or(temp.path().to_path_buf(), PathBuf::from);
    let (qindex, _) = refresh(&corpus, &index, Default::default(), &mut Silent).unwrap();
    let (lexicon, _) = Lexicon::load(&corpus, &qindex.dir, &Setting::Default);
    let mut group = c.benchmark_group("query");
    for q in QUERIES {
        let req = Request { query: q.to_string(), limit: 10, lang: None, doc: None, expand: true };
        group.bench_function(*q, |b| {
            b.iter(|| search(&qindex, black_box(&req), &lexicon).unwrap().hits.len())
        });
    }
    group.finish();
}

criterion_group!(benches, query);
criterion_main!(benches);
