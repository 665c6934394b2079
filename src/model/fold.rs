//! Case-insensitive matching for the search fields, without the standard library's Unicode
//! case tables: they would weigh more in the bundle than the Monitor's topic tree (BENCHMARKS.md).
//!
//! Folding covers ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic, which is what device
//! and topic names are written in; other letters match only in the case typed.

/// `text` with every letter this module knows in lower case.
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    text.chars().map(fold_char).collect()
}

/// Whether `hay` contains `needle`, ignoring case. Runs per topic and per message while a
/// filter is set, so the usual all-ASCII case compares in place without allocating.
pub fn contains_folded(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    if hay.is_ascii() && needle.is_ascii() {
        let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
        return hay.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle));
    }
    fold(hay).contains(&fold(needle))
}

fn fold_char(c: char) -> char {
    let u = c as u32;
    let lower = match u {
        0x41..=0x5A => u + 0x20,
        // Latin-1 capitals, except the multiplication sign.
        0xC0..=0xDE if u != 0xD7 => u + 0x20,
        // Latin Extended-A alternates capital/small; the parity flips after U+0138 (ĸ) and again
        // at U+0179, and U+0130 (İ), U+0149 (ŉ) and U+0178 (Ÿ) are their own cases.
        0x0100..=0x012F | 0x0132..=0x0137 | 0x014A..=0x0177 if u.is_multiple_of(2) => u + 1,
        0x0139..=0x0148 | 0x0179..=0x017E if u % 2 == 1 => u + 1,
        0x0178 => 0xFF,
        // Greek capitals (U+03A2 is unassigned) and Cyrillic.
        0x0391..=0x03A9 if u != 0x03A2 => u + 0x20,
        0x0400..=0x040F => u + 0x50,
        0x0410..=0x042F => u + 0x20,
        _ => u,
    };
    char::from_u32(lower).unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_the_letters_device_names_are_written_in() {
        assert_eq!(fold("Living-Room/Temp"), "living-room/temp");
        assert_eq!(fold("KÜCHE Ærø × ÉTÉ"), "küche ærø × été");
        assert_eq!(fold("ŁÓDŹ ŚWIĘTO Ÿ ĹĽ"), "łódź święto ÿ ĺľ");
        assert_eq!(fold("ΣΑΛΟΝΙ"), "σαλονι");
        assert_eq!(fold("КУХНЯ Ёлка"), "кухня ёлка");
        // Every mapping agrees with the standard library, and in the blocks covered every
        // capital with a one-letter small form is mapped.
        let covered = [
            0x41..=0x5A,
            0xC0..=0xDE,
            0x100..=0x17F,
            0x391..=0x3A9,
            0x400..=0x42F,
        ];
        for c in (0u32..0x0500).filter_map(char::from_u32) {
            let (mine, std): (char, Vec<char>) = (fold_char(c), c.to_lowercase().collect());
            if mine != c {
                assert_eq!(std, vec![mine], "U+{:04X}", c as u32);
            } else if covered.iter().any(|r| r.contains(&(c as u32))) && std.len() == 1 {
                assert_eq!(std[0], c, "U+{:04X} is not folded", c as u32);
            }
        }
    }

    #[test]
    fn search_ignores_case_on_both_sides() {
        assert!(contains_folded("home/KÜCHE/light", "küche"));
        assert!(contains_folded("Küche", "KÜCHE"));
        assert!(!contains_folded("home/kitchen", "küche"));
        assert!(contains_folded("home/Kitchen/Temp", "kitchen/t"));
        assert!(!contains_folded("home/kit", "kitchen"));
        assert!(contains_folded("anything", ""));
    }
}
