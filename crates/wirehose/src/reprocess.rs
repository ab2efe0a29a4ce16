//! `wirehose reprocess`: re-run the parser and analyzer over stored raw pages, updating stories,
//! quotes, entities and mentions in place, with a resumable cursor (the daemon may keep running).

use std::sync::Arc;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use model::Outcome;
use store::{RawPageFilter, Store};

use crate::pipeline::process_page;

/// What one run did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Summary {
    /// Stories re-extracted.
    pub articles: u64,
    /// Pages that no longer parse.
    pub failures: u64,
}

/// Reprocesses every story matching `filter`, `batch` at a time on `workers` threads.
pub async fn run(
    store: &Store,
    parser: Arc<parser::Parser>,
    filter: RawPageFilter,
    restart: bool,
    batch: u32,
    workers: usize,
) -> anyhow::Result<Summary> {
    let name = filter.cursor_name();
    if restart {
        store.clear_cursor(&name).await?;
    }
    let mut after = store
        .load_cursor(&name)
        .await
        .context("reading the cursor")?;
    let total = store.count_raw_pages(&filter).await?;
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} stories ({per_sec}, {eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    if after > 0 {
        bar.println(format!("resuming after story {after}"));
    }
    let mut summary = Summary::default();
    loop {
        let pages = store.raw_pages_after(&filter, after, batch).await?;
        let Some(last) = pages.last().map(|p| p.article_id) else {
            break;
        };
        let parser = parser.clone();
        let outcomes = tokio::task::spawn_blocking(move || {
            let chunk = pages.len().div_ceil(workers.max(1)).max(1);
            std::thread::scope(|s| {
                let handles: Vec<_> = pages
                    .chunks(chunk)
                    .map(|part| {
                        let parser = &parser;
                        s.spawn(move || {
                            part.iter()
                                .map(|p| process_page(parser, p.to_fetched_page(), false, None))
                                .collect::<Vec<_>>()
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .flat_map(|h| h.join().unwrap_or_default())
                    .collect::<Vec<Outcome>>()
            })
        })
        .await?;
        for o in &outcomes {
            match o {
                Outcome::Article(_) => summary.articles += 1,
                Outcome::Failed(_) => summary.failures += 1,
            }
        }
        store
            .write_reprocessed(&outcomes)
            .await
            .context("writing reprocessed stories")?;
        after = last;
        store.save_cursor(&name, after).await?;
        bar.inc(outcomes.len() as u64);
    }
    store.clear_cursor(&name).await?;
    bar.finish_and_clear();
    Ok(summary)
}
