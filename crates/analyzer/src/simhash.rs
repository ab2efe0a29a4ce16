//! SimHash of a story body, for spotting syndicated copies across sources.
//!
//! Wire copy is republished with small edits (a new headline, a trimmed paragraph, a local
//! credit line). A 64-bit SimHash over overlapping word shingles changes only a few bits under
//! such edits, while unrelated stories differ in about half of them.

use std::borrow::Cow;

/// Words per shingle: three keeps common phrases from dominating yet tolerates small edits.
const SHINGLE_WORDS: usize = 3;

/// Bodies with fewer words than this get no SimHash: too short to tell copies from coincidences.
pub const MIN_WORDS: usize = 40;

/// The 64-bit SimHash of `text`'s lower-cased word 3-shingles, or `None` for short texts.
pub fn simhash(text: &str) -> Option<u64> {
    let words: Vec<Cow<'_, str>> = words(text).collect();
    if words.len() < MIN_WORDS {
        return None;
    }
    // Per bit, how many shingle hashes have it set; a bit is set when most do. Counting
    // without branches lets the compiler vectorise the inner loop.
    let mut ones = [0u32; 64];
    let mut shingles = 0u32;
    for shingle in words.windows(SHINGLE_WORDS) {
        let h = shingle_hash(shingle);
        for (bit, n) in ones.iter_mut().enumerate() {
            *n += ((h >> bit) & 1) as u32;
        }
        shingles += 1;
    }
    let mut out = 0u64;
    for (bit, n) in ones.iter().enumerate() {
        if 2 * n > shingles {
            out |= 1 << bit;
        }
    }
    Some(out)
}

/// Number of differing bits between two hashes.
pub fn hamming(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// Lower-cased alphanumeric words (apostrophes inside words kept), punctuation dropped.
fn words(text: &str) -> impl Iterator<Item = Cow<'_, str>> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '\u{2019}'))
        .map(|w| w.trim_matches(|c| c == '\'' || c == '\u{2019}'))
        .filter(|w| !w.is_empty())
        .map(lower_case)
}

/// The word in lower case, borrowed when it already is (most words are).
fn lower_case(w: &str) -> Cow<'_, str> {
    // ASCII words, nearly all of English copy, skip the Unicode case tables.
    if w.is_ascii() {
        return if w.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(w.to_ascii_lowercase())
        } else {
            Cow::Borrowed(w)
        };
    }
    let lower = |c: char| {
        let mut l = c.to_lowercase();
        l.next() == Some(c) && l.next().is_none()
    };
    if w.chars().all(lower) {
        Cow::Borrowed(w)
    } else {
        Cow::Owned(w.to_lowercase())
    }
}

/// FNV-1a over the shingle's words, then a SplitMix64 finaliser so every bit is well mixed.
fn shingle_hash(shingle: &[Cow<'_, str>]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for w in shingle {
        for b in w.as_bytes().iter().chain(std::iter::once(&0x1f)) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "ANKARA, March 3. The Turkish central bank kept its benchmark rate unchanged on \
        Thursday, saying inflation expectations had started to ease after a long run of increases. \
        \"We will keep a tight stance until the price outlook improves clearly,\" governor Selim \
        Arkan told reporters after the meeting. Economists polled last week had expected no change. \
        The lira was little moved after the decision, trading near its record low against the dollar. \
        The bank said it would watch food and energy prices closely in the coming months.";

    const OTHER: &str = "SEOUL, March 3. South Korea's exports rose for a fifth straight month in \
        February as shipments of memory chips to China and the United States recovered, trade \
        ministry data showed on Wednesday. \"Semiconductor demand is returning faster than we \
        projected,\" vice minister Han Do-yun said at a briefing. Car exports fell slightly while \
        shipbuilding orders held steady, the ministry said, adding that it expected growth to \
        continue into the second quarter despite weaker demand from Europe and a stronger won.";

    const PINNED: u64 = 0x8d50_ea21_f173_3005;

    #[test]
    fn identical_texts_hash_the_same() {
        assert_eq!(simhash(STORY), simhash(STORY));
        assert!(simhash(STORY).is_some());
    }

    #[test]
    fn case_and_punctuation_do_not_matter() {
        let shouted = STORY.to_uppercase().replace(['.', ','], " ");
        assert_eq!(simhash(STORY), simhash(&shouted));
    }

    #[test]
    fn a_lightly_edited_copy_is_near() {
        let copy = STORY
            .replace("ANKARA, March 3.", "ANKARA (Wire) -")
            .replace("The lira was little moved after the decision, ", "");
        let (a, b) = (
            simhash(STORY).unwrap_or(0),
            simhash(&copy).unwrap_or(u64::MAX),
        );
        // The store links copies up to 7 bits apart.
        assert!(hamming(a, b) <= 7, "distance {}", hamming(a, b));
        assert!(hamming(a, b) < hamming(a, simhash(OTHER).unwrap_or(a)));
    }

    #[test]
    fn unrelated_stories_are_far() {
        let (a, b) = (simhash(STORY).unwrap_or(0), simhash(OTHER).unwrap_or(0));
        assert!(hamming(a, b) > 16, "distance {}", hamming(a, b));
    }

    #[test]
    fn stored_hashes_do_not_change() {
        // Stories already in the database are matched against new ones by these bits.
        assert_eq!(simhash(STORY), Some(PINNED));
        assert_eq!(simhash(&STORY.to_uppercase()), Some(PINNED));
    }

    #[test]
    fn short_texts_have_no_hash() {
        assert_eq!(simhash("Putin said the talks were useful."), None);
        assert_eq!(simhash(""), None);
    }

    #[test]
    fn hamming_counts_bits() {
        assert_eq!(hamming(0, 0), 0);
        assert_eq!(hamming(0b1011, 0b0001), 2);
        assert_eq!(hamming(0, u64::MAX), 64);
    }
}
