//! Stage timings for one run, printed to stderr when `QUELLE_TRACE` is set: where a
//! search or a refresh spends its time, without a profiler (`QUELLE_TRACE=1 quelle search
//! …` prints `trace: walk 2.1 ms` and so on, each stage timed from the end of the one
//! before).

use std::sync::Mutex;
use std::sync::OnceLock;
use std::time::Instant;

fn last() -> Option<&'static Mutex<Instant>> {
    static LAST: OnceLock<Option<Mutex<Instant>>> = OnceLock::new();
    LAST.get_or_init(|| std::env::var_os("QUELLE_TRACE").map(|_| Mutex::new(Instant::now())))
        .as_ref()
}

/// Starts the clock (call first thing; later marks are timed from the one before).
pub fn start() {
    let _ = last();
}

/// Ends stage `what`: prints how long it took when tracing.
pub fn mark(what: &str) {
    let Some(last) = last() else { return };
    let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
    let now = Instant::now();
    eprintln!("trace: {what} {:.2} ms", (now - *last).as_secs_f64() * 1000.0);
    *last = now;
}
