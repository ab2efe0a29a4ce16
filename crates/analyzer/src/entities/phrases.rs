//! Names that are no capitalised run: "Hungarian government", "Zaporozhye nuclear power plant".

use model::EntityType;

use super::resolve::Resolver;
use super::spans::span_text;
use super::{Doc, Ent};
use crate::lexicon::STOP;

/// Adds the government and nuclear plant names of the body.
pub(super) fn add(d: &Doc, r: &mut Resolver) {
    let g = &*crate::lexicon::GAZETTEER;
    for i in 0..d.toks.len().saturating_sub(1) {
        // "Hungarian government": a nationality with a lower-case government.
        if g.demonyms.contains_key(d.t(i)) && d.t(i + 1) == "government" {
            let name = format!("{} government", d.t(i));
            let k = r.add(&name, EntityType::Organization);
            r.mention(i, i + 2, k);
        }
        if d.is_cap(i) && d.t(i + 1) == "nuclear" && d.t(i + 2) == "power" && d.t(i + 3) == "plant"
        {
            power_plant(d, i, r);
        }
    }
}

/// "Zaporozhye nuclear power plant", "Fukushima Daiichi nuclear power plant", whose last name
/// word is token `i`; replaces the mentions inside it and takes over its short form "... NPP".
fn power_plant(d: &Doc, i: usize, r: &mut Resolver) {
    let mut s = i;
    while s > 0 && d.is_cap(s - 1) && d.same_ctx(s - 1, i) && !STOP.contains(d.t(s - 1)) {
        s -= 1;
    }
    r.mentions.retain(|m| m.e <= s || m.s > i);
    let name = span_text(d, s, i + 4);
    let k = r.add(&name, EntityType::Location);
    r.mention(s, i + 4, k);
    let npp = format!("{} NPP", span_text(d, s, i + 1));
    if let Some(old) = index_get(&r.ents, &npp, EntityType::Location) {
        for m in r.mentions.iter_mut() {
            if m.ent == old {
                m.ent = k;
            }
        }
    }
}

/// The entity of that type whose name is `name`, ASCII case aside.
fn index_get(ents: &[Ent], name: &str, kind: EntityType) -> Option<usize> {
    ents.iter()
        .position(|e| e.kind == kind && e.name.eq_ignore_ascii_case(name))
}
