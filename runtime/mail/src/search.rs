//! Search over sealed mail without decrypting it: a blind index. Every word of the subject,
//! the senders, the recipients and the text is stored as a 64-bit SipHash keyed with a key
//! derived from the container's data key, next to the message row. A query hashes its
//! words the same way and intersects the postings, so only the hits are decrypted.
//!
//! Words are folded before hashing so that people find what they expect: lower case, `ß` →
//! `ss`, `ä ö ü` → `ae oe ue` (and, as a second whole-word term, `a o u`), accents dropped
//! (`é` → `e`). "Mueller", "Müller" and "Muller" all find "Müller"; "Strasse" finds
//! "Straße". Each folded word is also indexed by its prefixes of 3 to 8 letters, so a query
//! word is a prefix: "Haush" finds "Haushaltsplan". A query word longer than 8 letters is
//! looked up by its first 8 and as a whole word: it finds the word itself and, as a wider
//! net, other words that begin with the same 8 letters ("Haushaltsplan" also finds
//! "Haushaltssperre").
//!
//! What the index reveals to someone holding the file but not the password: per message,
//! how many distinct terms it has (words and their prefixes, a rough measure of its length
//! and vocabulary), and which messages share a term — so messages sharing a rare word or
//! prefix can be linked, and term frequencies across the mailbox can be counted. Not the
//! words, prefixes or their lengths: the hashes are keyed and terms of every length look
//! alike. Decrypting and scanning 10,000 messages was ~4× over the 50 ms goal; this answers
//! in a few ms.

use std::collections::{BTreeSet, HashSet};
use std::hash::Hasher;

use siphasher::sip::SipHasher24;
use zeroize::Zeroizing;

use crate::cat;
use kapsel_core::error::{Error, Result};
use kapsel_i18n::t;

/// Which part of a message a word came from (queries can name it: `from:`, `to:`, `subject:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Subject,
    From,
    To,
    Body,
}

impl Field {
    fn tag(self) -> u8 {
        match self {
            Field::Subject => b's',
            Field::From => b'f',
            Field::To => b't',
            Field::Body => b'b',
        }
    }

    const ALL: [Field; 4] = [Field::Subject, Field::From, Field::To, Field::Body];
}

/// Only this much of a message's text is indexed (long mail is mostly quotes and logs).
const BODY_INDEXED: usize = 256 * 1024;
const MAX_WORD: usize = 40;

/// Shortest prefix indexed: shorter query words match whole words only.
const MIN_PREFIX: usize = 3;
/// Longest prefix indexed (in letters after folding); see the module comment. Every prefix
/// length costs a posting per word: 3..=16 made 13× the postings of whole words on German
/// compounds (`kapsel bench search`), 3..=8 about a third of that.
const MAX_PREFIX: usize = 8;

pub struct Index {
    key: Zeroizing<[u8; 16]>,
}

impl Index {
    pub fn new(keys: &kapsel_core::vault::Keys) -> Index {
        let full = keys.derived("mail-search-v1");
        let mut key = Zeroizing::new([0u8; 16]);
        key.copy_from_slice(&full[..16]);
        Index { key }
    }

    fn hasher(&self, field: Field) -> SipHasher24 {
        let mut h = SipHasher24::new_with_key(&self.key);
        h.write_u8(field.tag());
        h
    }

    fn hash(&self, field: Field, word: &str) -> i64 {
        let mut h = self.hasher(field);
        h.write(word.as_bytes());
        h.finish() as i64
    }

    /// The prefixes of `MIN_PREFIX..=MAX_PREFIX` letters of a folded word. SipHash streams,
    /// so one pass over the word gives every prefix's hash (equal to `hash` of it).
    fn push_prefixes(&self, out: &mut Vec<i64>, field: Field, word: &str) {
        let mut h = self.hasher(field);
        let mut from = 0;
        for (n, (i, c)) in word.char_indices().enumerate().take(MAX_PREFIX) {
            if n + 1 >= MIN_PREFIX {
                let end = i + c.len_utf8();
                h.write(&word.as_bytes()[from..end]);
                from = end;
                out.push(h.clone().finish() as i64);
            }
        }
    }

    /// Each distinct word of `text` once: its folded form, prefixes and umlaut-less
    /// spelling. A word repeats far more often than it is new (a 20 KB mail has ~3,000
    /// words, ~150 distinct), so repeats cost one keyed hash of the lower-cased word and a
    /// set look-up, without allocating.
    fn insert_text(&self, seen: &mut Seen, out: &mut Vec<i64>, field: Field, text: &str) {
        let mut word = String::new();
        // Pieces as written, met before in this field: most repeats end here, before the
        // lower-casing and the keyed hash (the two costliest steps per word). Seeded per
        // process, so mail cannot be crafted to collide in it; bounded by `BODY_INDEXED`.
        let mut met: PiecesMet<'_> = PiecesMet::default();
        for piece in text.split(|c: char| !c.is_alphanumeric()) {
            if piece.is_empty() || !met.insert(piece) {
                continue;
            }
            if !lower_word(piece, &mut word) {
                continue;
            }
            // The keyed hash of the word as written (before folding) tells repeats apart:
            // "müller" and "mueller" fold alike but only the first has the spelling "muller".
            let as_written = self.hash(field, &word);
            if !seen.insert(as_written as u64) {
                continue;
            }
            if word.is_ascii() {
                // Folding leaves a lower-case ASCII word as it is.
                out.push(as_written);
                self.push_prefixes(out, field, &word);
                continue;
            }
            let (main, alt) = fold(&word);
            out.push(self.hash(field, &main));
            self.push_prefixes(out, field, &main);
            // The spelling without umlauts is found as a whole word, not by its beginnings.
            if let Some(alt) = alt {
                out.push(self.hash(field, &alt));
            }
        }
    }

    /// The distinct terms of one message, in hash order.
    pub fn terms(&self, subject: &str, from: &str, to: &[String], body: &str) -> Vec<i64> {
        let mut seen = Seen::default();
        let mut out = Vec::new();
        self.insert_text(&mut seen, &mut out, Field::Subject, subject);
        self.insert_text(&mut seen, &mut out, Field::From, from);
        for t in to {
            self.insert_text(&mut seen, &mut out, Field::To, t);
        }
        let mut end = body.len().min(BODY_INDEXED);
        while !body.is_char_boundary(end) {
            end -= 1;
        }
        self.insert_text(&mut seen, &mut out, Field::Body, &body[..end]);
        out.sort_unstable();
        out.dedup();
        out
    }

    /// A parsed query: for each word, the hashes any of which may match (AND across words).
    pub fn query(&self, text: &str) -> Result<Vec<Vec<i64>>> {
        let mut groups = Vec::new();
        for token in text.split_whitespace() {
            let (fields, rest): (&[Field], &str) = match token.split_once(':') {
                Some(("from", r)) => (&[Field::From], r),
                Some(("to", r)) => (&[Field::To], r),
                Some(("subject", r)) => (&[Field::Subject], r),
                Some(("body", r)) => (&[Field::Body], r),
                _ => (&Field::ALL, token),
            };
            for w in words(rest) {
                let (folded, _) = fold(&w);
                let looked_up: String = folded.chars().take(MAX_PREFIX).collect();
                let mut group: Vec<i64> =
                    fields.iter().map(|&f| self.hash(f, &looked_up)).collect();
                // A long word spelt without umlauts is indexed whole only.
                if folded != looked_up {
                    group.extend(fields.iter().map(|&f| self.hash(f, &folded)));
                }
                // Mail indexed before folding existed holds the plain lower-case word.
                if w != looked_up && w != folded {
                    group.extend(fields.iter().map(|&f| self.hash(f, &w)));
                }
                groups.push(group);
            }
        }
        if groups.is_empty() {
            return Err(Error::invalid(t!(cat(), "mailbox-search-no-words")));
        }
        Ok(groups)
    }
}

/// One piece of `words`' split as that function returns it, into `out`; false when it is
/// no word. Lower-case ASCII is made in place (most words of most mail).
fn lower_word(piece: &str, out: &mut String) -> bool {
    out.clear();
    if piece.len() > MAX_WORD * 4 {
        return false;
    }
    if piece.is_ascii() {
        if piece.len() < 2 {
            return false;
        }
        out.push_str(&piece[..piece.len().min(MAX_WORD)]);
        out.make_ascii_lowercase();
    } else {
        if piece.chars().count() < 2 {
            return false;
        }
        out.extend(piece.to_lowercase().chars().take(MAX_WORD));
    }
    true
}

type PiecesMet<'t> = std::collections::HashSet<&'t str, foldhash::quality::RandomState>;

/// Words already indexed in this message, by their keyed hash: the hash is secret and
/// uniform, so it is its own table hash (mail cannot be crafted to collide in it).
type Seen = HashSet<u64, std::hash::BuildHasherDefault<Identity>>;

#[derive(Default)]
struct Identity(u64);

impl Hasher for Identity {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Lower-cased words of two or more letters/digits; addresses split at '@' and '.'.
pub fn words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2 && w.len() <= MAX_WORD * 4)
        .map(|w| w.to_lowercase().chars().take(MAX_WORD).collect())
        .collect()
}

/// A lower-case word as it is hashed: `ß` → `ss`, umlauts → `ae oe ue`, accents dropped.
/// The second form, present only for a word with an umlaut, spells them `a o u` — what
/// someone typing without umlauts and without the `e` writes ("Muller").
pub fn fold(word: &str) -> (String, Option<String>) {
    let mut main = String::with_capacity(word.len() + 4);
    let mut alt = String::new();
    let mut umlaut = false;
    for c in word.chars() {
        let (m, a): (&str, &str) = match c {
            'ä' => ("ae", "a"),
            'ö' => ("oe", "o"),
            'ü' => ("ue", "u"),
            'ß' => ("ss", "ss"),
            'à' | 'á' | 'â' | 'ã' | 'å' | 'ā' | 'ă' | 'ą' => ("a", "a"),
            'æ' => ("ae", "ae"),
            'ç' | 'ć' | 'č' => ("c", "c"),
            'ď' | 'đ' => ("d", "d"),
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => ("e", "e"),
            'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => ("i", "i"),
            'ł' | 'ľ' | 'ĺ' => ("l", "l"),
            'ñ' | 'ń' | 'ň' => ("n", "n"),
            'ò' | 'ó' | 'ô' | 'õ' | 'ø' | 'ō' | 'ő' => ("o", "o"),
            'œ' => ("oe", "oe"),
            'ř' | 'ŕ' => ("r", "r"),
            'ś' | 'š' | 'ş' | 'ș' => ("s", "s"),
            'ť' | 'ţ' | 'ț' => ("t", "t"),
            'ù' | 'ú' | 'û' | 'ū' | 'ů' | 'ű' | 'ų' => ("u", "u"),
            'ý' | 'ÿ' => ("y", "y"),
            'ź' | 'ż' | 'ž' => ("z", "z"),
            _ => {
                main.push(c);
                alt.push(c);
                continue;
            }
        };
        umlaut |= matches!(c, 'ä' | 'ö' | 'ü');
        main.push_str(m);
        alt.push_str(a);
    }
    (main, umlaut.then_some(alt))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_depend_on_key_field_and_word() {
        let a = Index::new(&kapsel_core::vault::Keys::generate());
        let b = Index::new(&kapsel_core::vault::Keys::generate());
        assert_ne!(a.hash(Field::Body, "haus"), b.hash(Field::Body, "haus"));
        assert_ne!(a.hash(Field::Body, "haus"), a.hash(Field::Subject, "haus"));
        let t = a.terms("Haushalt 2027", "Jürgen <j@x.org>", &[], "Der HAUSHALT");
        assert!(t.contains(&a.hash(Field::Subject, "haushalt")));
        assert!(t.contains(&a.hash(Field::Body, "haushalt")));
        assert!(t.contains(&a.hash(Field::From, "juergen")));
        assert_eq!(a.query("from:jürgen haushalt").unwrap().len(), 2);
        assert!(a.query("  ! ").is_err());
    }

    /// Does the query find a message with these fields (the store's AND of ORs)?
    fn finds(index: &Index, terms: &[i64], query: &str) -> bool {
        index
            .query(query)
            .unwrap()
            .iter()
            .all(|group| group.iter().any(|h| terms.contains(h)))
    }

    #[test]
    fn prefixes_find_longer_words() {
        let a = Index::new(&kapsel_core::vault::Keys::generate());
        let t = a.terms(
            "Haushaltsplan 2027",
            "Kämmerei <k@stadt.example>",
            &[],
            "Die Donaudampfschifffahrtsgesellschaftskapitänsmütze liegt bei.",
        );
        for q in [
            "Haush",
            "haushalt",
            "HAUSHALTSPLAN",
            "subject:hau",
            "from:kämm",
        ] {
            assert!(finds(&a, &t, q), "{q}");
        }
        // Longer than 8 letters: looked up by the first 8 (a wider net: "Haushaltsplanung"
        // finds "Haushaltsplan" too).
        for q in ["donaudampfschifffahrt", "Haushaltsplanung"] {
            assert!(finds(&a, &t, q), "{q}");
        }
        for q in ["aush", "ha", "body:haushalt", "Hausmeister", "Donaukanal"] {
            assert!(!finds(&a, &t, q), "{q}");
        }
        // The hash of a prefix computed while streaming is the hash of the prefix itself.
        assert!(t.contains(&a.hash(Field::Subject, "haus")));
        assert!(!t.contains(&a.hash(Field::Subject, "ha")));
    }

    #[test]
    fn umlauts_and_sharp_s_fold() {
        let a = Index::new(&kapsel_core::vault::Keys::generate());
        let t = a.terms(
            "Straße gesperrt",
            "Jörg Müller <mueller@x.example>",
            &[],
            "Café Größe Übergabe, Größenordnung",
        );
        for q in [
            "Strasse",
            "straße",
            "STRASSE",
            "Mueller",
            "Müller",
            "Muller",
            "Jorg",
            "Joerg",
            "Jörg",
            "Cafe",
            "café",
            "Groesse",
            "grösse",
            "Uebergabe",
            "Überg",
            "from:muell",
            "Grossenordnung",
            "Groessenord",
        ] {
            assert!(finds(&a, &t, q), "{q}");
        }
        for q in ["Strase", "Mxller", "subject:mueller"] {
            assert!(!finds(&a, &t, q), "{q}");
        }
        // A mail that spells it "Mueller" is found with and without the umlaut.
        let t = a.terms("Termin", "Hans Mueller <h@x.example>", &[], "");
        assert!(finds(&a, &t, "Müller") && finds(&a, &t, "mueller"));
        assert_eq!(fold("straße"), ("strasse".into(), None));
        assert_eq!(fold("müller"), ("mueller".into(), Some("muller".into())));
    }

    /// The terms as first defined (a set of every word's folded form, its prefixes and its
    /// umlaut-less spelling), written plainly: the fast path must give exactly these.
    fn reference_terms(index: &Index, fields: &[(Field, &str)]) -> Vec<i64> {
        let mut set = HashSet::new();
        for &(field, text) in fields {
            for w in words(text) {
                let (main, alt) = fold(&w);
                let letters: Vec<char> = main.chars().collect();
                for n in MIN_PREFIX..=MAX_PREFIX.min(letters.len()) {
                    let prefix: String = letters[..n].iter().collect();
                    set.insert(index.hash(field, &prefix));
                }
                set.insert(index.hash(field, &main));
                if let Some(alt) = alt {
                    set.insert(index.hash(field, &alt));
                }
            }
        }
        let mut v: Vec<i64> = set.into_iter().collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn terms_are_every_distinct_words_folds_and_prefixes() {
        let a = Index::new(&kapsel_core::vault::Keys::generate());
        let body = "Müller und Mueller, MÜLLER; Straße/STRASSE Éclair naïve İstanbul ΣΟΦΙΑ \
                    Donaudampfschifffahrtsgesellschaftskapitänsmütze x y 42 2027 ab ä \
                    Größenordnung Größe groesse Haushaltsplan haushalt haus Übergabe \
                    Жёлтый жёлтый 東京都 a1b2c3d4e5 ";
        let long = "wort ".repeat(50) + &"ü".repeat(200) + " " + &"Q".repeat(41);
        for (subject, from, to, text) in [
            ("Haushalt 2027", "Jürgen <j@x.org>", "Ö Ä <oe@x.org>", body),
            ("", "", "", ""),
            ("ÄÖÜ äöü", "a", "b@c.d", long.as_str()),
        ] {
            let got = a.terms(subject, from, &[to.to_string()], text);
            let want = reference_terms(
                &a,
                &[
                    (Field::Subject, subject),
                    (Field::From, from),
                    (Field::To, to),
                    (Field::Body, text),
                ],
            );
            assert_eq!(got, want, "{subject:?}");
        }
    }

    #[test]
    fn words_indexed_before_folding_are_still_found() {
        let a = Index::new(&kapsel_core::vault::Keys::generate());
        // What the index of an earlier version held: the plain lower-case word.
        let old = vec![a.hash(Field::Body, "müller")];
        assert!(finds(&a, &old, "Müller"));
    }
}
