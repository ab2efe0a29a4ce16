//! Gender of persons, from the titles before their mentions and from given names.

use model::EntityType;

use super::Ent;
use crate::lexicon::{FEMALE, MALE};

/// Sets [`Ent::female`] of every person the article shows a gender for.
pub(super) fn assign(ents: &mut [Ent]) {
    for ent in ents.iter_mut() {
        if ent.kind != EntityType::Person {
            continue;
        }
        let first = ent.words.first().cloned().unwrap_or_default();
        let last = ent.words.last().cloned().unwrap_or_default();
        // Given names ending in -a and Slavic family names in -ova/-eva/-skaya are women's, with known exceptions.
        let female_form = ent.words.len() >= 2
            && (first.ends_with('a')
                && first.chars().count() > 2
                && !MALE_IN_A.contains(&first.as_str())
                || ["ova", "eva", "yova", "skaya", "tskaya"]
                    .iter()
                    .any(|x| last.ends_with(x)));
        let f = ent.titles.iter().any(|t| FEMALE.contains(t.as_str()))
            || FEMALE.contains(first.as_str())
            || female_form && !MALE.contains(first.as_str());
        let m =
            ent.titles.iter().any(|t| MALE.contains(t.as_str())) || MALE.contains(first.as_str());
        ent.female = match (f, m) {
            (true, false) => Some(true),
            (false, true) => Some(false),
            _ => None,
        };
    }
}

/// Men's given names that end in -a.
const MALE_IN_A: &[&str] = &[
    "nikita",
    "ilya",
    "luca",
    "andrea",
    "joshua",
    "elia",
    "sasha",
    "mustafa",
    "musa",
    "isa",
    "yahya",
    "krishna",
    "kostya",
    "misha",
    "vanya",
    "tolya",
    "pasha",
    "dima",
    "vova",
    "jonah",
    "akira",
    "ryota",
    "kota",
    "shota",
    "yuta",
    "sota",
    "takuya",
    "tetsuya",
    "kazuya",
    "naoya",
    "tatsuya",
    "seiya",
    "yuya",
    "hamza",
    "osama",
    "usama",
    "taha",
    "reza",
    "mirza",
    "raza",
    "nicola",
    "battista",
    "bora",
    "siyabonga",
    "thabo",
    "ezra",
    "juma",
    "saba",
];
