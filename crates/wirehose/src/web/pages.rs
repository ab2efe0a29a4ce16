//! The HTML of each page. maud escapes every value it interpolates, so no string reaches the
//! page unescaped; the only pre-escaped markup comes from `highlight`, which escapes its own.

use axum::response::Html;
use chrono::{DateTime, Utc};
use maud::{html, Markup, DOCTYPE};

use super::chart;
use super::highlight::{self, render_runs, MentionSpan, QuoteSpan};
use super::queries::{
    EntityPage, Paged, QuoteRow, SearchResults, SourceRow, Speaker, Story, StoryRow,
};

/// The frame every page shares: head, stylesheet, navigation and search box.
pub fn layout(title: &str, main: Markup) -> Html<String> {
    Html(
        html! {
            (DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (title) " · wirehose" }
                    link rel="stylesheet" href="/style.css";
                    // No favicon: browsers would otherwise ask for /favicon.ico on every visit.
                    link rel="icon" href="data:,";
                }
                body {
                    header {
                        nav {
                            a.home href="/" { "wirehose" }
                            a href="/quotes" { "Quotes" }
                        }
                        form.search action="/search" method="get" role="search" {
                            input type="search" name="q" placeholder="Search stories and quotes" aria-label="Search";
                            button type="submit" { "Search" }
                        }
                    }
                    main { (main) }
                }
            }
        }
        .into_string(),
    )
}

fn time(at: &DateTime<Utc>) -> Markup {
    html! { time datetime=(at.to_rfc3339()) { (at.format("%Y-%m-%d %H:%M UTC")) } }
}

fn untitled(title: &Option<String>) -> &str {
    title
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or("(untitled)")
}

/// Previous and next links keeping the other parameters; `base` ends in `?` or `&`.
fn pager<T>(p: &Paged<T>, base: &str) -> Markup {
    html! {
        nav.pager {
            @if p.page > 1 { a rel="prev" href={ (base) "page=" (p.page - 1) } { "← newer" } }
            span { "page " (p.page) }
            @if p.has_more { a rel="next" href={ (base) "page=" (p.page + 1) } { "older →" } }
        }
    }
}

/// A query string of the given non-empty pairs, ending ready for one more (`?a=1&` or `?`).
pub fn query_base(path: &str, pairs: &[(&str, Option<String>)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        if let Some(v) = v {
            s.append_pair(k, v);
        }
    }
    let q = s.finish();
    if q.is_empty() {
        format!("{path}?")
    } else {
        format!("{path}?{q}&")
    }
}

/// `/`: the latest stories with the source and day filters.
pub fn home(
    list: &Paged<StoryRow>,
    sources: &[SourceRow],
    source: Option<&str>,
    day: Option<String>,
) -> Html<String> {
    let base = query_base(
        "/",
        &[("source", source.map(str::to_string)), ("day", day.clone())],
    );
    layout(
        "Latest stories",
        html! {
            h1 { "Latest stories" }
            form.filters action="/" method="get" {
                label { "Source "
                    select name="source" {
                        option value="" { "all" }
                        @for s in sources {
                            option value=(s.name) selected[Some(s.name.as_str()) == source] {
                                (s.name) @if let Some(a) = &s.agency { " (" (a) ")" }
                            }
                        }
                    }
                }
                label { "Day " input type="date" name="day" value=[day.as_deref()]; }
                button type="submit" { "Filter" }
            }
            @if list.items.is_empty() { p.empty { "No stories." } }
            @else {
                table.stories {
                    thead { tr { th { "Agency" } th { "Time" } th { "Title" } th { "Quotes" } th { "Entities" } } }
                    tbody {
                        @for s in &list.items {
                            tr {
                                td { (s.agency.as_deref().unwrap_or(&s.source)) }
                                td { (time(&s.at)) }
                                td { a.story href={ "/stories/" (s.id) } { (untitled(&s.title)) } }
                                td.num { (s.quotes) }
                                td.num { (s.entities) }
                            }
                        }
                    }
                }
            }
            (pager(list, &base))
        },
    )
}

/// `/stories/{id}`: the article with quotes and mentions marked in the body.
pub fn story(s: &Story) -> Html<String> {
    let quotes = s
        .quotes
        .iter()
        .map(|q| QuoteSpan {
            id: q.id,
            start: q.start.max(0) as usize,
            end: q.end.max(0) as usize,
            kind: &q.kind,
            speaker: q.speaker.as_deref(),
            speaker_id: q.speaker_id,
        })
        .collect();
    let mentions = s
        .entities
        .iter()
        .flat_map(|e| {
            e.starts
                .iter()
                .zip(&e.ends)
                .map(move |(&a, &b)| MentionSpan {
                    start: a.max(0) as usize,
                    end: b.max(0) as usize,
                    entity_id: e.id,
                    name: &e.name,
                })
        })
        .collect();
    let title = untitled(&s.title);
    layout(
        title,
        html! {
            article.story {
                h1 { (title) }
                @if let Some(l) = &s.lede { p.lede { (l) } }
                dl.fields {
                    dt { "Agency" } dd { (s.agency.as_deref().unwrap_or("—")) " (source " (s.source) ")" }
                    @if let Some(p) = &s.published_at { dt { "Published" } dd { (time(p)) } }
                    dt { "First seen" } dd { (time(&s.first_seen_at)) }
                    @if s.dateline_place.is_some() || s.dateline_date.is_some() {
                        dt { "Dateline" }
                        dd.dateline {
                            (s.dateline_place.as_deref().unwrap_or(""))
                            @if let Some(d) = &s.dateline_date { ", " (d) }
                            @if let Some(a) = &s.dateline_agency { " (" (a) ")" }
                        }
                    }
                    @if let Some(b) = &s.byline { dt { "Byline" } dd { (b) } }
                    @else if !s.authors.is_empty() { dt { "Byline" } dd { (s.authors.join(", ")) } }
                    @if let Some(sec) = &s.section { dt { "Section" } dd { (sec) } }
                    dt { "URL" } dd { a href=(s.url) rel="noopener noreferrer" { (s.url) } }
                    @if let Some(c) = &s.canonical_url { dt { "Canonical URL" } dd { a href=(c) rel="noopener noreferrer" { (c) } } }
                }
                div.body { (highlight::body(&s.body, quotes, mentions)) }
            }
            @if !s.copies.is_empty() {
                section.copies {
                    h2 { "Also published by" }
                    ul { @for c in &s.copies {
                        li {
                            a href={ "/stories/" (c.id) } { (c.agency.as_deref().unwrap_or(&c.source)) }
                            @if c.original { " (original)" }
                            " — " (untitled(&c.title)) ", " (time(&c.at))
                        }
                    } }
                }
            }
            @if !s.entities.is_empty() {
                section.entities {
                    h2 { "Named in this story" }
                    ul { @for e in &s.entities {
                        li { a href={ "/entities/" (e.id) } { (e.name) } " " span.kind { (e.kind) } " ×" (e.starts.len()) }
                    } }
                }
            }
        },
    )
}

fn quote_item(q: &QuoteRow, with_speaker: bool) -> Markup {
    html! {
        li.quote {
            blockquote class=(q.kind) { (render_runs(&q.text)) }
            p.attribution {
                @if with_speaker {
                    @match (&q.speaker, q.speaker_id) {
                        (Some(n), Some(id)) => { a.speaker href={ "/speakers/" (id) } { (n) } }
                        (Some(n), None) => { (n) }
                        _ => { "unattributed" }
                    }
                    " · "
                }
                span.kind { (q.kind) } " · "
                a href={ "/stories/" (q.story_id) "#q" (q.id) } { (untitled(&q.story_title)) }
                " · " (q.agency.as_deref().unwrap_or("")) " " (time(&q.at))
            }
        }
    }
}

fn related(heading: &str, items: &[super::queries::Related], prefix: &str) -> Markup {
    html! {
        @if !items.is_empty() {
            section.related {
                h2 { (heading) }
                ul { @for r in items {
                    li { a href={ (prefix) (r.id) } { (r.name) } " " span.kind { (r.kind) } " · " (r.stories) " stories" }
                } }
            }
        }
    }
}

/// `/speakers/{id}`: what one speaker said.
pub fn speaker(s: &Speaker, id: i64) -> Html<String> {
    let name = &s.speaker.name;
    layout(
        name,
        html! {
            h1 { (name) }
            p { span.kind { (s.speaker.kind) } " · " a href={ "/entities/" (id) } { "stories naming " (name) } }
            h2 { "Quotes per day" }
            (chart::per_day(&format!("Quotes by {name} per day"), &s.per_day))
            h2 { "Quotes, newest first" }
            @if s.quotes.items.is_empty() { p.empty { "No quotes attributed." } }
            ul.quotes { @for q in &s.quotes.items { (quote_item(q, false)) } }
            (pager(&s.quotes, &format!("/speakers/{id}?")))
            (related("Quoted in the same stories", &s.quoted_with, "/speakers/"))
        },
    )
}

/// `/entities/{id}`: one entity's coverage.
pub fn entity(e: &EntityPage, id: i64) -> Html<String> {
    let name = &e.entity.name;
    layout(
        name,
        html! {
            h1 { (name) }
            p { span.kind { (e.entity.kind) }
                @if e.quoted { " · " a href={ "/speakers/" (id) } { "quotes by " (name) } } }
            h2 { "Mentions per day" }
            (chart::per_day(&format!("Mentions of {name} per day"), &e.per_day))
            h2 { "Stories" }
            @if e.stories.items.is_empty() { p.empty { "No stories." } }
            ul.stories { @for s in &e.stories.items {
                li { a href={ "/stories/" (s.id) } { (untitled(&s.title)) } " · "
                     (s.agency.as_deref().unwrap_or("")) " " (time(&s.at)) " · ×" (s.mentions) }
            } }
            (pager(&e.stories, &format!("/entities/{id}?")))
            (related("Named alongside", &e.named_with, "/entities/"))
        },
    )
}

/// `/search?q=`: matching stories and quotes.
pub fn search(r: &SearchResults) -> Html<String> {
    let base = query_base("/search", &[("q", Some(r.q.clone()))]);
    layout(
        &format!("Search: {}", r.q),
        html! {
            h1 { "Search: " q { (r.q) } }
            section.hits {
                h2 { "Stories" }
                @if r.stories.items.is_empty() { p.empty { "No story matches." } }
                ul { @for s in &r.stories.items {
                    li {
                        a.story href={ "/stories/" (s.id) } { (render_runs(&s.title)) }
                        " · " (s.agency.as_deref().unwrap_or("")) " " (time(&s.at))
                        p.snippet { (render_runs(&s.snippet)) }
                    }
                } }
            }
            section.hits {
                h2 { "Quotes" }
                @if r.quotes.items.is_empty() { p.empty { "No quote matches." } }
                ul.quotes { @for q in &r.quotes.items { (quote_item(q, true)) } }
            }
            (pager(&r.stories, &base))
        },
    )
}

/// The filters of `/quotes`, as given, to refill the form.
pub struct QuoteForm {
    /// Words.
    pub q: Option<String>,
    /// Speaker name or id.
    pub speaker: Option<String>,
    /// First day.
    pub from: Option<String>,
    /// Last day.
    pub to: Option<String>,
}

/// `/quotes`: quote search by words, speaker and days.
pub fn quotes(list: &Paged<QuoteRow>, f: &QuoteForm) -> Html<String> {
    let base = query_base(
        "/quotes",
        &[
            ("q", f.q.clone()),
            ("speaker", f.speaker.clone()),
            ("from", f.from.clone()),
            ("to", f.to.clone()),
        ],
    );
    layout(
        "Quotes",
        html! {
            h1 { "Quotes" }
            form.filters action="/quotes" method="get" {
                label { "Words " input type="search" name="q" value=[f.q.as_deref()]; }
                label { "Speaker " input type="text" name="speaker" value=[f.speaker.as_deref()]; }
                label { "From " input type="date" name="from" value=[f.from.as_deref()]; }
                label { "To " input type="date" name="to" value=[f.to.as_deref()]; }
                button type="submit" { "Find" }
            }
            @if list.items.is_empty() { p.empty { "No quotes." } }
            ul.quotes { @for q in &list.items { (quote_item(q, true)) } }
            (pager(list, &base))
        },
    )
}
