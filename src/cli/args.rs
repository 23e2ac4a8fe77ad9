//! Command-line arguments (clap). Only this file knows clap; `Config` is what the rest sees.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Search Russian and English source documents at once, and quote what you find with a
/// citation you can check.
#[derive(Debug, Parser)]
#[command(name = "quelle", version, about)]
pub struct Args {
    /// Folder of source documents (text, Markdown, HTML, PDF, EPUB, DOCX, ODT), searched
    /// recursively.
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
        /// Recognise the text of scanned PDF pages with Tesseract (Debian's `tesseract-ocr`
        /// and `tesseract-ocr-rus`, with `pdftoppm` from `poppler-utils`), in Russian and
        /// English; files with such pages are read again. `QUELLE_OCR=1` does it always.
        #[arg(long)]
        ocr: bool,
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
    /// Print a passage, or words of it, as a quotation with its reference.
    Cite {
        /// The passage id (as printed by `search`).
        id: String,
        /// Reference style: plain, markdown, gost, chicago, chicago-author-date, apa, mla,
        /// another CSL style bundled with quelle, a .csl file, or bibtex / csl-json for a
        /// reference manager or pandoc.
        #[arg(long, default_value = "plain", value_name = "STYLE")]
        style: String,
        /// Language of a CSL style's terms and dates (ru, en, de-DE, …); the style's own by
        /// default (Russian for GOST, English for the others).
        #[arg(long, value_name = "CODE")]
        locale: Option<String>,
        /// Cite only these words of the passage, as they stand in it (`…` or `...` for
        /// words left out); the locator gives their own lines.
        #[arg(long, value_name = "WORDS", conflicts_with = "words")]
        quote: Option<String>,
        /// Cite only words A to B of the passage (counted from 1), e.g. `3-12`.
        #[arg(long, value_name = "A-B")]
        words: Option<String>,
        /// Print JSON: the quote, its locator, the citation and reference in the style,
        /// the plain, GOST and Chicago references, the CSL-JSON item and the BibTeX entry.
        #[arg(long)]
        json: bool,
    },
    /// Check every quotation of an essay (.md, .txt) against the corpus: one line per
    /// quote; exit 1 when one is not found or differs from its source.
    Check {
        /// The essay.
        essay: PathBuf,
        /// Print JSON lines, one per quote.
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
    /// Serve a page to search, read and cite from the browser, and its JSON API.
    Serve {
        /// The port (0 picks a free one).
        #[arg(long, default_value_t = 7411)]
        port: u16,
        /// The address to listen on. Other than 127.0.0.1 (this machine only) the corpus is
        /// readable by anyone who can reach it: quelle has no login.
        #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
        bind: std::net::IpAddr,
        /// Open the page in the browser.
        #[arg(long)]
        open: bool,
        /// Seconds between checks of the corpus for changes where it cannot be watched.
        #[arg(long, default_value_t = 3, value_name = "SECONDS")]
        refresh: u64,
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
    /// Print each hit as a quotation with its reference in this style (see `cite
    /// --style`), then the references of the documents cited.
    #[arg(long, value_name = "STYLE")]
    pub cite: Option<String>,
    /// Language of a CSL style's terms and dates (ru, en, …), with `--cite`.
    #[arg(long, value_name = "CODE")]
    pub locale: Option<String>,
    /// The query (see README for the syntax); put it after `--` if it starts with `-`.
    #[arg(required = true, num_args = 1.., value_name = "QUERY")]
    pub query: Vec<String>,
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
