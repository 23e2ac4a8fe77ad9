//! Any bytes through decoding, cleaning and segmentation: no panic, locators inside the
//! file, every passage's text made of its cited bytes' words.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(doc) = quelle::ingest::decode("fuzz.txt", bytes) else { return };
    let lines = doc.lines.len() as u32;
    for p in quelle::segment::segment(&doc).passages {
        assert!(p.line_start >= 1 && p.line_start <= p.line_end && p.line_end <= lines);
        assert!(p.byte_start < p.byte_end && p.byte_end as usize <= bytes.len());
        assert!(!p.text.is_empty());
        let _ = quelle::analysis::Analyzer::shared().tokens(&p.text, quelle::analysis::Mode::Stem);
    }
});
