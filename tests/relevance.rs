//! Relevance on the judged dev queries (a copy of ../shared/eval/queries-dev.json), scored
//! as ../shared/eval/evaluate.py scores them. Fails when quality drops below the floors
//! reached so far, or when any cited locator is not true.

mod common;

use std::path::PathBuf;

use common::{fold, locator_is_true, quelle};

/// Floors: the figures reached when they were last raised (see CHANGELOG.md).
const MIN_NDCG10: f64 = 0.90;
const MIN_RECALL10: f64 = 0.96;
const MIN_MRR: f64 = 0.92;
const MIN_XL10: f64 = 0.70;
const MIN_EMPTY: f64 = 1.0;

#[test]
fn judged_dev_queries_stay_above_the_floors() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("corpus");
    let index = tempfile::tempdir().unwrap();
    let queries: Vec<serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(root.join("tests/data/queries-dev.json")).unwrap(),
    )
    .unwrap();
    let (mut ndcgs, mut recalls, mut empties) = (Vec::new(), Vec::new(), Vec::new());
    let (mut rrs, mut xls) = (Vec::new(), Vec::new());
    let mut false_locators = Vec::new();
    for q in &queries {
        let out = quelle(
            &corpus,
            index.path(),
            &["search", "--json", "--limit", "10", "--", q["query"].as_str().unwrap()],
        );
        assert!(out.status.success(), "{}: {}", q["id"], String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let hits = v["hits"].as_array().unwrap();
        for h in hits {
            if !locator_is_true(&corpus, h) {
                false_locators.push(format!("{} → {}", q["id"], h["id"]));
            }
        }
        if q["expect_empty"].as_bool().unwrap_or(false) {
            empties.push(if hits.is_empty() { 1.0 } else { 0.0 });
        }
        let texts: Vec<String> = hits
            .iter()
            .take(10)
            .map(|h| format!(" {} ", fold(h["text"].as_str().unwrap())))
            .collect();
        let xl: Vec<Vec<String>> = serde_json::from_value(q["xl"].clone()).unwrap();
        if !xl.is_empty() {
            let found = xl
                .iter()
                .filter(|g| g.iter().any(|e| texts.iter().any(|t| t.contains(&fold(e)))))
                .count();
            xls.push(found as f64 / xl.len() as f64);
        }
        let groups: Vec<Vec<String>> = serde_json::from_value(q["groups"].clone()).unwrap();
        if groups.is_empty() {
            continue;
        }
        let first = texts
            .iter()
            .position(|t| groups.iter().any(|g| g.iter().any(|e| t.contains(&fold(e)))));
        rrs.push(first.map_or(0.0, |r| 1.0 / (r + 1) as f64));
        let mut seen = vec![false; groups.len()];
        let mut dcg = 0.0;
        for (rank, h) in hits.iter().take(10).enumerate() {
            let text = format!(" {} ", fold(h["text"].as_str().unwrap()));
            for (g, group) in groups.iter().enumerate() {
                if !seen[g] && group.iter().any(|e| text.contains(&fold(e))) {
                    seen[g] = true;
                    dcg += 1.0 / ((rank + 2) as f64).log2();
                }
            }
        }
        let ideal: f64 = (0..groups.len().min(10)).map(|i| 1.0 / ((i + 2) as f64).log2()).sum();
        ndcgs.push((dcg / ideal).min(1.0));
        recalls.push(seen.iter().filter(|&&s| s).count() as f64 / groups.len() as f64);
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (ndcg, recall, empty) = (mean(&ndcgs), mean(&recalls), mean(&empties));
    let (mrr, xl10) = (mean(&rrs), mean(&xls));
    eprintln!(
        "ndcg10 {ndcg:.3}  recall10 {recall:.3}  mrr {mrr:.3}  xl10 {xl10:.3}  empty {empty:.3}"
    );
    assert!(false_locators.is_empty(), "locators not true: {false_locators:?}");
    assert!(ndcg >= MIN_NDCG10, "nDCG@10 {ndcg:.3} fell below {MIN_NDCG10}");
    assert!(recall >= MIN_RECALL10, "recall@10 {recall:.3} fell below {MIN_RECALL10}");
    assert!(mrr >= MIN_MRR, "MRR {mrr:.3} fell below {MIN_MRR}");
    assert!(xl10 >= MIN_XL10, "cross-lingual recall@10 {xl10:.3} fell below {MIN_XL10}");
    assert!(empty >= MIN_EMPTY, "no-answer accuracy {empty:.3} fell below {MIN_EMPTY}");
}
