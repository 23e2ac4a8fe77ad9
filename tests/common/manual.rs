//! A manual and its translation in invented words, for tests of translations learnt from
//! a corpus (`src/parallel.rs` includes this file too). The words are in no dictionary and
//! in neither development corpus.

/// The invented words, English and Russian.
pub const WORDS: [(&str, &str); 6] = [
    ("wombrel", "бурдыш"),
    ("trosket", "ктомка"),
    ("flindle", "шляпунь"),
    ("garvock", "звякало"),
    ("plimsett", "пырхва"),
    ("drozzle", "дрыгала"),
];

/// A manual and its translation, paragraph by paragraph, in invented words: `wombrel` is
/// `бурдыш`, `trosket` is `ктомка` and so on; numbers and codes are kept as written.
pub fn manual(n: usize) -> (String, String) {
    let (a, b, c) = (WORDS[n % 6], WORDS[(n + 1) % 6], WORDS[(n * 5 + 3) % 6]);
    let c = if c == a || c == b { WORDS[(n + 2) % 6] } else { c };
    let (m, p) = (n % 4 + 1, n * 7 + 3);
    (
        format!(
            "{n}.{m}. The {} holds the {} while the {} cools down; see code K{n}x{m} and set \
             the valve to {p} turns.",
            a.0, b.0, c.0
        ),
        format!(
            "{n}.{m}. {} держит {}, пока {} остывает; см. код K{n}x{m} и поверните вентиль на \
             {p} оборотов.",
            a.1, b.1, c.1
        ),
    )
}
