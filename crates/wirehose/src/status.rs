//! `wirehose status`: a terminal summary of the crawl, read from the shared database.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use sqlx::PgPool;

type FeedRow = (
    String,
    Option<DateTime<Utc>>,
    DateTime<Utc>,
    f64,
    i32,
    bool,
    Option<String>,
    Option<i32>,
);

fn ago(t: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    match t {
        None => "never".into(),
        Some(t) => {
            let secs = (now - t).num_seconds();
            if secs >= 0 {
                format!(
                    "{} ago",
                    humantime::format_duration(std::time::Duration::from_secs(secs as u64))
                )
            } else {
                format!(
                    "in {}",
                    humantime::format_duration(std::time::Duration::from_secs((-secs) as u64))
                )
            }
        }
    }
}

/// Builds the summary text.
pub async fn report(pool: &PgPool) -> Result<String, sqlx::Error> {
    let now: DateTime<Utc> = sqlx::query_scalar("SELECT now()").fetch_one(pool).await?;
    let mut out = String::new();
    write_feeds(pool, now, &mut out).await?;
    write_articles(pool, &mut out).await?;
    write_frontier(pool, &mut out).await?;
    write_hosts(pool, now, &mut out).await?;
    Ok(out)
}

/// One line per feed: when it was polled, when it is next, and how it fares.
async fn write_feeds(
    pool: &PgPool,
    now: DateTime<Utc>,
    out: &mut String,
) -> Result<(), sqlx::Error> {
    let feeds: Vec<FeedRow> = sqlx::query_as(
        "SELECT source, last_polled_at, next_poll_at, interval_secs, consecutive_failures, disabled, last_error, last_new_items
         FROM crawl_feeds ORDER BY source",
    )
    .fetch_all(pool)
    .await?;
    // The header lines up with the row format below: 16, 18, 18, 9, 6 and 5 columns.
    out.push_str(
        "SOURCE           LAST POLL          NEXT POLL           INTERVAL  FAILS   NEW  STATE\n",
    );
    for (source, last, next, interval, fails, disabled, error, new_items) in feeds {
        let state = feed_state(fails, disabled, error);
        let _ = writeln!(
            out,
            "{:<16} {:<18} {:<18} {:>8}s {:>6} {:>5}  {}",
            source,
            ago(last, now),
            ago(Some(next), now),
            interval.round(),
            fails,
            new_items
                .map(|n| n.to_string())
                .unwrap_or_else(|| "-".into()),
            state
        );
    }
    Ok(())
}

/// A feed's state column: disabled, backing off with its error, or ok with any warning.
fn feed_state(fails: i32, disabled: bool, error: Option<String>) -> String {
    if disabled {
        "disabled (probed rarely)".to_string()
    } else if fails > 0 {
        format!(
            "backing off: {}",
            error
                .unwrap_or_default()
                .chars()
                .take(60)
                .collect::<String>()
        )
    } else if let Some(warning) = error {
        // A poll that succeeded with a warning, such as feed links salvaged from bad XML.
        format!("ok; {}", warning.chars().take(60).collect::<String>())
    } else {
        "ok".into()
    }
}

/// Stories fetched in the last day, by source.
async fn write_articles(pool: &PgPool, out: &mut String) -> Result<(), sqlx::Error> {
    let per_source: Vec<(String, i64)> = sqlx::query_as(
        "SELECT source, count(*) FROM articles WHERE fetched_at > now() - interval '24 hours' GROUP BY source ORDER BY 2 DESC",
    )
    .fetch_all(pool)
    .await?;
    let _ = writeln!(out, "\nARTICLES IN THE LAST 24 HOURS");
    if per_source.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for (source, n) in per_source {
        let _ = writeln!(out, "  {source:<16} {n:>7}");
    }
    Ok(())
}

/// Article URLs in the frontier, by state.
async fn write_frontier(pool: &PgPool, out: &mut String) -> Result<(), sqlx::Error> {
    let states: Vec<(String, i64)> =
        sqlx::query_as("SELECT state, count(*) FROM crawl_urls GROUP BY state ORDER BY state")
            .fetch_all(pool)
            .await?;
    let _ = writeln!(out, "\nFRONTIER");
    for (state, n) in states {
        let _ = writeln!(out, "  {state:<16} {n:>7}");
    }
    Ok(())
}

/// The hosts backing off, when there are any.
async fn write_hosts(
    pool: &PgPool,
    now: DateTime<Utc>,
    out: &mut String,
) -> Result<(), sqlx::Error> {
    let hosts: Vec<(String, i32, DateTime<Utc>)> = sqlx::query_as(
        "SELECT host, backoff_level, next_allowed_at FROM crawl_hosts WHERE backoff_level > 0 ORDER BY host",
    )
    .fetch_all(pool)
    .await?;
    if !hosts.is_empty() {
        let _ = writeln!(out, "\nHOSTS BACKING OFF");
        for (host, level, next) in hosts {
            let _ = writeln!(
                out,
                "  {host:<32} level {level:>2}, next request {}",
                ago(Some(next), now)
            );
        }
    }
    Ok(())
}
