//! The analysis chain and segmentation, in MB/s of text.
//!
//! ```sh
//! cargo bench --bench analysis
//! ```

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use quelle::analysis::{Analyzer, Mode};
use quelle::ingest::decode;
use quelle::lang::LanguageDetector;
use quelle::segment::segment;

fn bundled(name: &str) -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let entry = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with(name))
        .unwrap();
    std::fs::read_to_string(entry.path()).unwrap()
}

fn analysis(c: &mut Criterion) {
    let ru = bundled("000_");
    let en = bundled("002_");
    let analyzer = Analyzer::shared();
    let mut group = c.benchmark_group("analysis");
    for (name, text) in [("ru", &ru), ("en", &en)] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        for (mode_name, mode) in
            [("stem", Mode::Stem), ("fold", Mode::Fold), ("key", Mode::KeyOfCyrillic)]
        {
            group.bench_function(format!("{mode_name}/{name}"), |b| {
                b.iter(|| analyzer.tokens(black_box(text), mode).len())
            });
        }
        group.bench_function(format!("segment/{name}"), |b| {
            b.iter(|| segment(&decode("b.txt", black_box(text.as_bytes())).unwrap()).passages.len())
        });
        let detector = LanguageDetector::default();
        let passages = segment(&decode("b.txt", text.as_bytes()).unwrap()).passages;
        group.bench_function(format!("language/{name}"), |b| {
            b.iter(|| {
                passages.iter().map(|p| detector.detect(black_box(&p.text)).len()).sum::<usize>()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, analysis);
criterion_main!(benches);
