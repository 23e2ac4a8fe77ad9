//! Any text as a dictionary file (the bundled one, a user's `corpus/dictionary.tsv`, or
//! translations learnt from a corpus): compiling it and looking words up never panics,
//! and a word looked up by its own form finds what the text says of it or nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quelle::dictionary::{Dictionary, Side};

fuzz_target!(|text: &str| {
    let dictionary = Dictionary::from_texts(&[text]);
    for line in text.lines().take(8) {
        let head = line.split('\t').next().unwrap_or("");
        let words: Vec<String> = head.split_whitespace().map(str::to_lowercase).collect();
        for side in [Side::En, Side::Ru] {
            let _ = dictionary.lookup(side, &words, &words);
        }
    }
});
