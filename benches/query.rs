//! Query latency in process, snippets included, on the bundled corpus.
//!
//! ```sh
//! cargo bench --bench query
//! ```

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use quelle::glossary::Glossary;
use quelle::index::{refresh, Silent};
use quelle::search::search;
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
    let index = tempfile::tempdir().unwrap();
    let (qindex, _) = refresh(&root.join("corpus"), index.path(), &mut Silent).unwrap();
    let (glossary, _) = Glossary::load(&root.join("corpus"));
    let mut group = c.benchmark_group("query");
    for q in QUERIES {
        let req = Request { query: q.to_string(), limit: 10, lang: None, doc: None, expand: true };
        group.bench_function(*q, |b| {
            b.iter(|| search(&qindex, black_box(&req), &glossary).unwrap().hits.len())
        });
    }
    group.finish();
}

criterion_group!(benches, query);
criterion_main!(benches);
