//! Keyboard layouts: a word typed with the Russian layout active while meaning English, or
//! the reverse (`Hfgfkkj` is `Рапалло`, `ызфсу` is `space`), read as the other layout.

const LATIN: &str = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`QWERTYUIOP{}ASDFGHJKL:\"ZXCVBNM<>~";
const CYRILLIC: &str = "йцукенгшщзхъфывапролджэячсмитьбюёЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮЁ";

/// The word as typed on the other layout, if every character of it has a key there and it
/// has letters. Latin keys map to Cyrillic letters and Cyrillic letters to Latin keys.
pub fn swap(word: &str) -> Option<String> {
    let latin: Vec<char> = LATIN.chars().collect();
    let cyrillic: Vec<char> = CYRILLIC.chars().collect();
    let to_cyrillic = word.chars().any(|c| c.is_ascii_alphabetic());
    let (from, to) = if to_cyrillic { (&latin, &cyrillic) } else { (&cyrillic, &latin) };
    let out: Option<String> = word
        .chars()
        .map(|c| {
            if c.is_ascii_digit() || c == '-' {
                Some(c)
            } else {
                from.iter().position(|&f| f == c).map(|i| to[i])
            }
        })
        .collect();
    out.filter(|s| s.chars().any(char::is_alphabetic) && s != word)
}

#[cfg(test)]
mod tests {
    use super::swap;

    #[test]
    fn swaps_layouts_both_ways() {
        assert_eq!(swap("Hfgfkkj").as_deref(), Some("Рапалло"));
        assert_eq!(swap("Ktybyuhfl").as_deref(), Some("Ленинград"));
        assert_eq!(swap("ызфсу").as_deref(), Some("space"));
        assert_eq!(swap("k.,jdm").as_deref(), Some("любовь"));
        assert_eq!(swap("Рапалло").as_deref(), Some("Hfgfkkj"));
    }

    #[test]
    fn leaves_what_has_no_keys() {
        assert_eq!(swap("Straße"), None);
        assert_eq!(swap("1922"), None);
    }
}
