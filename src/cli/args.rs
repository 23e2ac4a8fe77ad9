//! Command-line arguments (clap). Only this file knows clap; `Config` is what the rest sees.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Search Russian and English source documents at once, and quote what you find with a
/// citation you can check.
#[derive(Debug, Parser)]
#[command(name = "quelle", version, about)]
pub struct Args {
    /// Folder of source documents (.txt, .md), searched recursively.
    #[arg(long, global = true, default_value = "corpus", value_name = "DIR")]
    pub corpus: PathBuf,
    /// Folder where the index is kept.
    #[arg(long, global = true, default_value = "index", value_name = "DIR")]
    pub index: PathBuf,
    /// Follow every symbolic link, also those leading outside the corpus folder and to
    /// folders (by default only links to files inside it are followed).
    #[arg(long, short = 'L', global = true)]
    pub follow: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the index, or bring it up to date with the corpus.
    Index {
        /// Build it from nothing, also when the index folder holds another corpus's index.
        #[arg(long)]
        rebuild: bool,
    },
    /// Search the corpus; the index is brought up to date first.
    Search(SearchArgs),
    /// Print the passages of a document as indexed: kind, section, language, locators, text.
    Passages {
        /// The document: path, file name, stem, or a prefix of one.
        #[arg(long, value_name = "NAME")]
        doc: String,
        /// Print JSON lines instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Print a passage as a quotation with its reference.
    Cite {
        /// The passage id (as printed by `search`).
        id: String,
        /// Reference style.
        #[arg(long, value_enum, default_value_t = CiteStyle::Plain)]
        style: CiteStyle,
        /// Print JSON: the quote, the formatted citation, references and a CSL-JSON item.
        #[arg(long)]
        json: bool,
    },
    /// Check a quotation: where it comes from, whether it is exact, how it differs.
    #[command(name = "quote-check")]
    QuoteCheck {
        /// The quotation (read from standard input when absent or `-`).
        text: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print one passage by its id, with neighbouring passages for context.
    Show {
        /// The passage id (as printed by `search`, e.g. `essay:154`).
        id: String,
        /// How many passages before and after to show.
        #[arg(long, short = 'C', default_value_t = 0)]
        context: usize,
        /// Print JSON lines instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// Most passages one search shows.
pub const MAX_LIMIT: u64 = 10_000;

/// Arguments of `quelle search`.
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// How many passages to show (1 to 10000).
    #[arg(long, short = 'n', default_value_t = 10,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=MAX_LIMIT))]
    pub limit: usize,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// Only passages in this language (ru, en, de, fr).
    #[arg(long, value_name = "CODE")]
    pub lang: Option<String>,
    /// Only passages of this document (path, file name, stem, or a prefix of one).
    #[arg(long, value_name = "NAME")]
    pub doc: Option<String>,
    /// Answer from the index as it is, without checking the corpus for changes.
    #[arg(long)]
    pub no_refresh: bool,
    /// Match only the words typed, in their forms: no typos, derived forms,
    /// transliterations or glossary synonyms.
    #[arg(long)]
    pub no_expand: bool,
    /// Do not translate query words with the bilingual dictionary (names, the glossary
    /// and the other expansions still apply). `QUELLE_DICTIONARY=off` does the same for
    /// every search; `QUELLE_DICTIONARY=FILE` uses another dictionary.
    #[arg(long)]
    pub no_translate: bool,
    /// Show how the query was understood: stems, expansions and their source, fields, boosts.
    #[arg(long)]
    pub explain: bool,
    /// When to colour highlights.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Print each hit as a quotation with its reference in this style.
    #[arg(long, value_enum, value_name = "STYLE")]
    pub cite: Option<CiteStyle>,
    /// The query (see README for the syntax); put it after `--` if it starts with `-`.
    #[arg(required = true, num_args = 1.., value_name = "QUERY")]
    pub query: Vec<String>,
}

/// Reference styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CiteStyle {
    /// Quote, then title, section, lines and file.
    Plain,
    /// A Markdown block quote.
    Markdown,
    /// GOST R 7.0.5-2008 (Russian).
    Gost,
    /// Chicago notes and bibliography (a note).
    Chicago,
    /// A BibTeX entry.
    Bibtex,
    /// A CSL-JSON item.
    #[value(name = "csl-json")]
    CslJson,
}

impl From<CiteStyle> for crate::cite::Style {
    fn from(s: CiteStyle) -> Self {
        use crate::cite::Style;
        match s {
            CiteStyle::Plain => Style::Plain,
            CiteStyle::Markdown => Style::Markdown,
            CiteStyle::Gost => Style::Gost,
            CiteStyle::Chicago => Style::Chicago,
            CiteStyle::Bibtex => Style::Bibtex,
            CiteStyle::CslJson => Style::CslJson,
        }
    }
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// When standard output is a terminal.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}
