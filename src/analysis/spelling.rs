//! British and American spellings of one English word meet: before stemming, a folded
//! Latin word is written the American way where the two differ by a regular rule
//! (`colour`/`color`, `organise`/`organize`, `analyse`/`analyze`, `defence`/`defense`,
//! `centre`/`center`), so that `organisation` finds `organization` and the reverse.
//! Snowball alone keeps them apart (`organis` and `organ`).
//!
//! Both the text and the query go through the same rules, so a rule that also rewrites a
//! word with no other spelling (`surprise` → `surprize`) costs nothing as long as it
//! merges no two different words and rewrites every form of the word alike. Each rule
//! therefore needs three letters before the part it rewrites (`four`, `hour`, `rise`,
//! `prise`, `fence`, `metre` stay as they are), acts only on a word's last part before a
//! known ending, and stays away from letters after which one-spelling words are common.

/// Rewrites the folded English word `word` to its American spelling, in place.
pub fn americanise(word: &mut String) {
    if !word.is_ascii() || word.len() < 6 {
        return;
    }
    for rule in RULES {
        if let Some(at) = rule.find(word) {
            word.replace_range(at..at + rule.british.len(), rule.american);
            return;
        }
    }
}

/// One spelling difference: `british` becomes `american` when at least three letters
/// stand before it (and `after`, the letter before it, is one of `after` when given) and
/// one of `endings` follows it to the end of the word.
struct Rule {
    british: &'static str,
    american: &'static str,
    after: &'static str,
    endings: &'static [&'static str],
}

impl Rule {
    /// Where `british` starts in `word`, if the rule applies.
    fn find(&self, word: &str) -> Option<usize> {
        self.endings.iter().find_map(|ending| {
            let stem = word.strip_suffix(ending)?.strip_suffix(self.british)?;
            let before_ok = self.after.is_empty() || stem.ends_with(|c| self.after.contains(c));
            (stem.len() >= 3 && stem.bytes().all(|b| b.is_ascii_lowercase()) && before_ok)
                .then_some(stem.len())
        })
    }
}

const RULES: &[Rule] = &[
    // colour, labourers, honourable, favourite, behavioural, neighbourhood
    Rule {
        british: "our",
        american: "or",
        after: "",
        endings: &[
            "", "s", "ed", "ing", "er", "ers", "ite", "ites", "able", "ably", "al", "ally", "ful",
            "fully", "less", "hood", "hoods", "ist", "ists", "ism",
        ],
    },
    // organise, realised, organisation, civilisations, apologising, emphasise, summarise:
    // after `l`, `n`, `g`, `s` or `r` only, where hardly a word has only the `-ise` form
    // (after `c`, `m`, `t`, `v` many do: precise, promise, expertise, revise, and their
    // other forms would lose each other).
    Rule {
        british: "is",
        american: "iz",
        after: "lngsr",
        endings: &["e", "ed", "es", "ing", "ingly", "ation", "ations", "er", "ers"],
    },
    // analyse, paralysed, catalysing
    Rule {
        british: "ys",
        american: "yz",
        after: "",
        endings: &["e", "ed", "es", "ing", "er", "ers"],
    },
    // defence, offences, defenceless (after `f` only: `innocence` keeps `innocent`)
    Rule { british: "ence", american: "ense", after: "f", endings: &["", "s", "less"] },
    // centre, theatres, centred, spectre
    Rule { british: "tre", american: "ter", after: "", endings: &["", "s", "d"] },
];

#[cfg(test)]
mod tests {
    use super::americanise;

    fn american(word: &str) -> String {
        let mut w = word.to_string();
        americanise(&mut w);
        w
    }

    #[test]
    fn british_spellings_take_the_american_form() {
        for (british, american_form) in [
            ("colour", "color"),
            ("labourers", "laborers"),
            ("neighbourhood", "neighborhood"),
            ("organise", "organize"),
            ("organisation", "organization"),
            ("realised", "realized"),
            ("analyse", "analyze"),
            ("paralysing", "paralyzing"),
            ("defence", "defense"),
            ("offences", "offenses"),
            ("apologising", "apologizing"),
            ("summarise", "summarize"),
            ("centre", "center"),
            ("theatres", "theaters"),
        ] {
            assert_eq!(american(british), american_form);
        }
    }

    #[test]
    fn words_with_one_spelling_stay_or_merge_with_nothing() {
        for word in [
            "four",
            "hours",
            "journey",
            "resource",
            "rise",
            "prise",
            "fence",
            "metre",
            "notre",
            "ourselves",
            "tourist",
            "precise",
            "promise",
            "expertise",
            "revise",
            "innocence",
        ] {
            assert_eq!(american(word), word);
        }
        // Rewritten, but into no other word, and all its forms alike.
        assert_eq!(american("surprise"), "surprize");
        assert_eq!(american("surprisingly"), "surprizingly");
    }
}
