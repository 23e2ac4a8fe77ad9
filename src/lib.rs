//! quelle: search Russian and English source documents at once, and quote what you find
//! with a citation you can check.
//!
//! The data flows one way, one module per stage:
//! file → [`ingest`] (bytes, encoding, lines) → [`segment`] with [`clean`] (passages with
//! true locators) → [`lang`] (language per passage) → [`analysis`] (fold, split, stem by
//! script, name keys) → [`index`] (tantivy, incremental) → [`search`] (parse, plan with
//! [`glossary`] and expansions, rank, highlight)
//! → [`cite`] (references, with the [`catalog`]) and [`quote`] (quote checking) → `cli`
//! (printing).

pub mod abbreviations;
pub mod analysis;
pub mod atomic;
pub mod bibliography;
pub mod catalog;
pub mod cite;
pub mod claim;
pub mod clean;
pub mod cli;
pub mod dictionary;
pub mod error;
pub mod essay;
pub mod fresh;
pub mod glossary;
pub mod index;
pub mod ingest;
pub mod json;
pub mod lang;
pub mod manifest;
pub mod normalize;
pub mod parallel;
pub mod quote;
pub mod search;
pub mod segment;
pub mod serve;
pub mod source;
pub mod table;
pub mod trace;

pub use error::{Error, Result};
pub use index::QIndex;
pub use search::{Hit, Request, Results};
pub use segment::{Kind, Passage};
