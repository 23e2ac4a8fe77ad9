//! Any text through the query parser: an answer or an error with a column inside the
//! query, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(query) = std::str::from_utf8(bytes) else { return };
    match quelle::search::parse(query) {
        Ok(_) => {}
        Err(quelle::Error::Query { pos, .. }) => assert!(pos >= 1 && pos <= query.chars().count().max(1)),
        Err(e) => panic!("unexpected error {e}"),
    }
});
