//! Paging through stored raw pages so the parser and analyzer can be re-run over them.

use std::io::Read as _;

use chrono::{DateTime, Utc};
use model::{FeedItem, FetchedPage};
use sqlx::postgres::PgRow;
use sqlx::Row;

use crate::{Store, StoreError};

/// Which stored pages a reprocessing run covers; every field narrows the set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawPageFilter {
    /// Only pages of this source.
    pub source: Option<String>,
    /// Only pages fetched at or after this time.
    pub fetched_since: Option<DateTime<Utc>>,
    /// Only pages fetched before this time.
    pub fetched_until: Option<DateTime<Utc>>,
    /// Only stories whose stored extractor version differs from this one (the current one).
    pub extractor_version_not: Option<String>,
}

impl RawPageFilter {
    /// A stable name for the filter, to key its resumable cursor.
    pub fn cursor_name(&self) -> String {
        format!(
            "source={};since={};until={};not={}",
            self.source.as_deref().unwrap_or("*"),
            self.fetched_since
                .map(|t| t.to_rfc3339())
                .unwrap_or_default(),
            self.fetched_until
                .map(|t| t.to_rfc3339())
                .unwrap_or_default(),
            self.extractor_version_not.as_deref().unwrap_or("")
        )
    }
}

/// The newest stored page of one story, with what the parser needs to run again.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredPage {
    /// The story; pass it back as the cursor to continue after this page.
    pub article_id: i64,
    /// The URL that was requested.
    pub url: String,
    /// The URL after redirects.
    pub final_url: String,
    /// The source the page was found through.
    pub source: String,
    /// The agency of that source.
    pub agency: Option<String>,
    /// The redirects that led to the page, in order.
    pub redirects: Vec<model::Redirect>,
    /// HTTP status.
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The response headers kept.
    pub headers: Vec<(String, String)>,
    /// The decompressed body bytes.
    pub body: Vec<u8>,
    /// When the page was fetched.
    pub fetched_at: DateTime<Utc>,
    /// The extractor version that produced the stored story.
    pub extractor_version: String,
}

impl StoredPage {
    /// The page as the fetcher delivered it, ready for the parser.
    pub fn to_fetched_page(&self) -> FetchedPage {
        FetchedPage {
            source: self.source.clone(),
            agency: self.agency.clone(),
            url: self.url.clone(),
            final_url: self.final_url.clone(),
            redirects: self.redirects.clone(),
            status: self.status,
            content_type: self.content_type.clone(),
            headers: self.headers.clone(),
            body: self.body.clone(),
            fetched_at: self.fetched_at,
            feed_item: None::<FeedItem>,
        }
    }
}

const FILTER: &str = "($1::text IS NULL OR r.source = $1)
      AND ($2::timestamptz IS NULL OR r.fetched_at >= $2)
      AND ($3::timestamptz IS NULL OR r.fetched_at < $3)
      AND ($4::text IS NULL OR a.extractor_version <> $4)";

impl Store {
    /// How many stories have a stored page matching `filter` (for a progress bar).
    pub async fn count_raw_pages(&self, filter: &RawPageFilter) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar(&format!(
            "SELECT count(DISTINCT r.article_id) FROM raw_pages r
             JOIN articles a ON a.id = r.article_id AND a.first_seen_at = r.article_first_seen_at
             WHERE {FILTER}"
        ))
        .bind(&filter.source)
        .bind(filter.fetched_since)
        .bind(filter.fetched_until)
        .bind(&filter.extractor_version_not)
        .fetch_one(&self.pool)
        .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// The next `limit` stories after story id `after` (0 to start) with a page matching
    /// `filter`, each with its newest matching page, in story id order. Continue with the last
    /// returned `article_id`; an empty result means the run is done.
    pub async fn raw_pages_after(
        &self,
        filter: &RawPageFilter,
        after: i64,
        limit: u32,
    ) -> Result<Vec<StoredPage>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT DISTINCT ON (r.article_id) r.article_id, r.url, r.final_url, r.source, r.agency,
                 r.status, r.content_type, r.headers::text AS headers,
                 r.redirects::text AS redirects, r.encoding, r.body, r.body_len,
                 r.fetched_at, a.extractor_version
             FROM raw_pages r
             JOIN articles a ON a.id = r.article_id AND a.first_seen_at = r.article_first_seen_at
             WHERE r.article_id > $5 AND {FILTER}
             ORDER BY r.article_id, r.fetched_at DESC
             LIMIT $6"
        ))
        .bind(&filter.source)
        .bind(filter.fetched_since)
        .bind(filter.fetched_until)
        .bind(&filter.extractor_version_not)
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(stored_page).collect()
    }

    /// The saved position of the reprocessing run `name` (0 when it never ran or finished).
    pub async fn load_cursor(&self, name: &str) -> Result<i64, StoreError> {
        let after: Option<i64> =
            sqlx::query_scalar("SELECT after_id FROM reprocess_cursors WHERE name = $1")
                .bind(name)
                .fetch_optional(&self.pool)
                .await?;
        Ok(after.unwrap_or(0))
    }

    /// Saves the position of the reprocessing run `name`.
    pub async fn save_cursor(&self, name: &str, after: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO reprocess_cursors (name, after_id) VALUES ($1, $2)
             ON CONFLICT (name) DO UPDATE SET after_id = EXCLUDED.after_id, updated_at = now()",
        )
        .bind(name)
        .bind(after)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Forgets the position of the run `name`, once it has finished.
    pub async fn clear_cursor(&self, name: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM reprocess_cursors WHERE name = $1")
            .bind(name)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

fn stored_page(r: &PgRow) -> Result<StoredPage, StoreError> {
    let article_id: i64 = r.try_get("article_id")?;
    let encoding: String = r.try_get("encoding")?;
    let stored: Vec<u8> = r.try_get("body")?;
    let len: i32 = r.try_get("body_len")?;
    let body = match encoding.as_str() {
        "identity" => stored,
        _ => {
            let mut out = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
            flate2::read::DeflateDecoder::new(stored.as_slice())
                .read_to_end(&mut out)
                .map_err(|e| StoreError::RawPage {
                    article_id,
                    reason: e.to_string(),
                })?;
            out
        }
    };
    let headers_json: String = r.try_get("headers")?;
    let headers: Vec<(String, String)> =
        serde_json::from_str::<Vec<(String, String)>>(&headers_json).map_err(|e| {
            StoreError::RawPage {
                article_id,
                reason: format!("headers: {e}"),
            }
        })?;
    let redirects_json: String = r.try_get("redirects")?;
    let redirects: Vec<model::Redirect> =
        serde_json::from_str(&redirects_json).map_err(|e| StoreError::RawPage {
            article_id,
            reason: format!("redirects: {e}"),
        })?;
    let status: i16 = r.try_get("status")?;
    Ok(StoredPage {
        article_id,
        url: r.try_get("url")?,
        final_url: r.try_get("final_url")?,
        redirects,
        source: r.try_get("source")?,
        agency: r.try_get("agency")?,
        status: u16::try_from(status).unwrap_or(0),
        content_type: r.try_get("content_type")?,
        headers,
        body,
        fetched_at: r.try_get("fetched_at")?,
        extractor_version: r.try_get("extractor_version")?,
    })
}
