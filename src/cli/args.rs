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
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the index, or bring it up to date with the corpus.
    Index,
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
    /// Print one passage by its id, with neighbouring passages for context.
    Show {
        /// The passage id (as printed by `search`, e.g. `000_08c1ccd56c23b731:154`).
        id: String,
        /// How many passages before and after to show.
        #[arg(long, short = 'C', default_value_t = 0)]
        context: usize,
        /// Print JSON lines instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// Arguments of `quelle search`.
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// How many passages to show.
    #[arg(long, short = 'n', default_value_t = 10)]
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
    /// Show how the query was understood: stems, expansions and their source, fields, boosts.
    #[arg(long)]
    pub explain: bool,
    /// When to colour highlights.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
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
