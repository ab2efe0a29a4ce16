//! The TOML configuration: reading it, and naming every problem in it with its line.

use std::fmt;
use std::net::SocketAddr;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use model::{Source, SourceKind};
use toml_edit::{ImDocument, Item, Table, Value};

/// The default place of the configuration file.
pub const DEFAULT_PATH: &str = "config/wirehose.toml";

/// The whole configuration of the daemon.
#[derive(Debug, Clone)]
pub struct Config {
    /// The `[database]` section.
    pub database: Database,
    /// The `[crawler]` section.
    pub crawler: Crawler,
    /// The `[pipeline]` section.
    pub pipeline: Pipeline,
    /// Extra site-profile files (`[parser] profiles`), relative to the config file.
    pub profiles: Vec<PathBuf>,
    /// The `[http] listen` address, when the endpoint is on.
    pub http_listen: Option<SocketAddr>,
    /// The `[store]` section.
    pub store: StoreSettings,
    /// The `[web]` section: the read-only web view.
    pub web: crate::web::Settings,
    /// The configured sources.
    pub sources: Vec<Source>,
}

/// The `[database]` settings: an external server's URL, or the embedded cluster's place.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Database {
    /// PostgreSQL connection URL (`DATABASE_URL` overrides it); `None` uses the embedded cluster.
    pub url: Option<String>,
    /// Where the embedded cluster lives, instead of the user's data folder.
    pub data_dir: Option<PathBuf>,
    /// A TCP address the embedded cluster also listens on (it has only its socket otherwise).
    pub listen: Option<SocketAddr>,
    /// Where the PostgreSQL server binaries are, instead of `PATH` and `/usr/lib/postgresql`.
    pub bin_dir: Option<PathBuf>,
    /// How long `run` keeps retrying an unreachable database at start-up (zero: fail at once).
    pub startup_wait: Duration,
}

/// The `[crawler]` settings are the fetcher's own.
pub type Crawler = fetcher::FetcherConfig;

/// The `[pipeline]` settings: channel sizes, workers, batching and shutdown.
#[derive(Debug, Clone)]
pub struct Pipeline {
    /// Capacity of each bounded channel between stages.
    pub channel_capacity: usize,
    /// Parser and analyzer workers.
    pub workers: usize,
    /// Most articles written in one store transaction.
    pub batch_size: usize,
    /// Longest wait before a partial batch is written.
    pub batch_timeout: Duration,
    /// Deadline for an orderly shutdown before the process exits anyway.
    pub shutdown_timeout: Duration,
    /// Whether fetched pages are kept in `raw_pages` for reprocessing.
    pub keep_raw_pages: bool,
}

impl Default for Pipeline {
    fn default() -> Self {
        Self {
            channel_capacity: 64,
            workers: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            batch_size: 100,
            batch_timeout: Duration::from_millis(500),
            shutdown_timeout: Duration::from_secs(30),
            keep_raw_pages: true,
        }
    }
}

/// The `[store]` settings: retention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreSettings {
    /// Raw pages older than this are dropped (they only serve `reprocess`).
    pub raw_pages_retention: Option<Duration>,
    /// Stories older than this are dropped, a month partition at a time; `None` keeps them.
    pub retention: Option<Duration>,
}

impl Default for StoreSettings {
    fn default() -> Self {
        Self {
            raw_pages_retention: Some(Duration::from_secs(90 * 86_400)),
            retention: None,
        }
    }
}

/// One problem in a configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "line {l}, column {c}: {}", self.message),
            (Some(l), None) => write!(f, "line {l}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

/// Every problem found in a configuration file.
#[derive(Debug, Clone)]
pub struct Problems {
    /// The file that was read.
    pub path: PathBuf,
    /// The problems, in file order.
    pub problems: Vec<Problem>,
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        writeln!(
            f,
            "{}: {n} problem{}",
            self.path.display(),
            if n == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            writeln!(f, "  {}: {p}", self.path.display())?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

impl Config {
    /// Reads and checks a configuration file.
    pub fn load(path: &Path) -> Result<Config, Problems> {
        let text = std::fs::read_to_string(path).map_err(|e| Problems {
            path: path.to_path_buf(),
            problems: vec![Problem {
                line: None,
                column: None,
                message: format!("cannot read the file: {e}"),
            }],
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        Config::parse(&text, base).map_err(|problems| Problems {
            path: path.to_path_buf(),
            problems,
        })
    }

    /// Parses configuration text; relative profile paths are taken from `base`.
    pub fn parse(text: &str, base: &Path) -> Result<Config, Vec<Problem>> {
        let doc = match ImDocument::parse(text) {
            Ok(d) => d,
            Err(e) => {
                let mut c = Checker::new(text);
                let msg = e.message().trim().to_string();
                c.at(e.span(), msg);
                return Err(c.problems);
            }
        };
        let mut c = Checker::new(text);
        let root = doc.as_table();
        c.known_keys(
            root,
            "",
            &[
                "database", "crawler", "pipeline", "parser", "http", "store", "web", "sources",
            ],
        );

        let database = c.database(root, base);

        let crawler = c.crawler(root);
        let pipeline = c.pipeline(root);
        let profiles = c.profiles(root, base);
        let http_listen = c.http_listen(root);
        let store = c.store(root);

        let web = c.web(root);
        let sources = c.sources(root);
        if c.problems.is_empty() {
            Ok(Config {
                database,
                crawler,
                pipeline,
                profiles,
                http_listen,
                store,
                web,
                sources,
            })
        } else {
            c.problems.sort_by_key(|p| (p.line, p.column));
            Err(c.problems)
        }
    }
}

impl Checker<'_> {
    /// The `[crawler]` table, over its defaults.
    fn crawler(&mut self, root: &Table) -> Crawler {
        let mut crawler = Crawler {
            user_agent: concat!(
                "wirehose/",
                env!("CARGO_PKG_VERSION"),
                " (+https://github.com/wirehose/wirehose)"
            )
            .into(),
            ..Crawler::default()
        };
        if let Some(t) = self.table(root, "crawler") {
            let durations: [(&str, &mut Duration); 14] = [
                ("request_timeout", &mut crawler.request_timeout),
                ("connect_timeout", &mut crawler.connect_timeout),
                ("min_host_delay", &mut crawler.min_host_delay),
                ("lease_duration", &mut crawler.lease_duration),
                ("handoff_lease", &mut crawler.handoff_lease),
                ("robots_ttl", &mut crawler.robots_ttl),
                ("robots_error_hold", &mut crawler.robots_error_hold),
                ("max_crawl_delay", &mut crawler.max_crawl_delay),
                ("backoff_base", &mut crawler.backoff_base),
                ("backoff_max", &mut crawler.backoff_max),
                ("retry_base", &mut crawler.retry_base),
                ("retry_max", &mut crawler.retry_max),
                ("min_poll_interval", &mut crawler.min_poll_interval),
                (
                    "disabled_probe_interval",
                    &mut crawler.disabled_probe_interval,
                ),
            ];
            let mut known: Vec<&str> = durations.iter().map(|(k, _)| *k).collect();
            let counts = [
                "max_body_bytes",
                "max_redirects",
                "max_url_len",
                "concurrency",
                "feed_concurrency",
                "max_attempts",
                "feed_failures_to_disable",
            ];
            known.extend(counts);
            known.extend(["user_agent", "allow_private_networks"]);
            self.known_keys(t, "crawler.", &known);
            for (key, slot) in durations {
                if let Some(v) = self.duration(t, key, "crawler.") {
                    *slot = v;
                }
            }
            let min = |k: &str| if k == "max_redirects" { 0 } else { 1 };
            for key in counts {
                let Some(v) = self.integer(t, key, "crawler.", min(key)) else {
                    continue;
                };
                let small = usize::try_from(v).unwrap_or(usize::MAX);
                match key {
                    "max_body_bytes" => crawler.max_body_bytes = v,
                    "max_redirects" => crawler.max_redirects = small,
                    "max_url_len" => crawler.max_url_len = small,
                    "concurrency" => crawler.concurrency = small,
                    "feed_concurrency" => crawler.feed_concurrency = small,
                    "max_attempts" => crawler.max_attempts = u32::try_from(v).unwrap_or(u32::MAX),
                    _ => crawler.feed_failures_to_disable = u32::try_from(v).unwrap_or(u32::MAX),
                }
            }
            if let Some(v) = self.string(t, "user_agent", "crawler.") {
                if v.trim().is_empty() {
                    self.at_item(
                        t.get("user_agent"),
                        "crawler.user_agent must not be empty".into(),
                    );
                }
                crawler.user_agent = v;
            }
            if let Some(v) = self.boolean(t, "allow_private_networks", "crawler.") {
                crawler.allow_private_networks = v;
            }
        }
        crawler
    }

    /// The `[pipeline]` table, over its defaults.
    fn pipeline(&mut self, root: &Table) -> Pipeline {
        let mut pipeline = Pipeline::default();
        if let Some(t) = self.table(root, "pipeline") {
            self.known_keys(
                t,
                "pipeline.",
                &[
                    "channel_capacity",
                    "workers",
                    "batch_size",
                    "batch_timeout",
                    "shutdown_timeout",
                    "keep_raw_pages",
                ],
            );
            if let Some(v) = self.integer(t, "channel_capacity", "pipeline.", 1) {
                pipeline.channel_capacity = v as usize;
            }
            if let Some(v) = self.integer(t, "workers", "pipeline.", 1) {
                pipeline.workers = v as usize;
            }
            if let Some(v) = self.integer(t, "batch_size", "pipeline.", 1) {
                pipeline.batch_size = v as usize;
            }
            if let Some(v) = self.duration(t, "batch_timeout", "pipeline.") {
                pipeline.batch_timeout = v;
            }
            if let Some(v) = self.duration(t, "shutdown_timeout", "pipeline.") {
                pipeline.shutdown_timeout = v;
            }
            if let Some(v) = self.boolean(t, "keep_raw_pages", "pipeline.") {
                pipeline.keep_raw_pages = v;
            }
        }
        pipeline
    }

    /// The site profile files `[parser] profiles` names, relative to the configuration's folder.
    fn profiles(&mut self, root: &Table, base: &Path) -> Vec<PathBuf> {
        let mut profiles = Vec::new();
        if let Some(t) = self.table(root, "parser") {
            self.known_keys(t, "parser.", &["profiles"]);
            for p in self.strings(t, "profiles", "parser.").unwrap_or_default() {
                profiles.push(base.join(p));
            }
        }
        profiles
    }

    /// The metrics listener `[http] listen` asks for.
    fn http_listen(&mut self, root: &Table) -> Option<SocketAddr> {
        let mut http_listen = None;
        if let Some(t) = self.table(root, "http") {
            self.known_keys(t, "http.", &["listen"]);
            if let Some(v) = self.string(t, "listen", "http.") {
                match v.parse::<SocketAddr>() {
                    Ok(a) => http_listen = Some(a),
                    Err(_) => self.at_item(
                        t.get("listen"),
                        format!("http.listen: {v:?} is not an address like 127.0.0.1:9187"),
                    ),
                }
            }
        }
        http_listen
    }

    /// The `[store]` retention settings.
    fn store(&mut self, root: &Table) -> StoreSettings {
        let mut store = StoreSettings::default();
        if let Some(t) = self.table(root, "store") {
            self.known_keys(t, "store.", &["raw_pages_retention", "retention"]);
            for (key, slot) in [
                ("raw_pages_retention", &mut store.raw_pages_retention),
                ("retention", &mut store.retention),
            ] {
                match self.string(t, key, "store.").as_deref() {
                    None => {}
                    Some("forever") => *slot = None,
                    Some(_) => {
                        if let Some(d) = self.duration(t, key, "store.") {
                            *slot = Some(d);
                        }
                    }
                }
            }
        }
        store
    }

    /// The `[web]` section.
    fn web(&mut self, root: &Table) -> crate::web::Settings {
        let mut web = crate::web::Settings::default();
        let Some(t) = self.table(root, "web") else {
            return web;
        };
        self.known_keys(t, "web.", &["listen", "statement_timeout"]);
        if let Some(v) = self.string(t, "listen", "web.") {
            match v.parse::<SocketAddr>() {
                Ok(a) => web.listen = Some(a),
                Err(_) => self.at_item(
                    t.get("listen"),
                    format!("web.listen: {v:?} is not an address like 127.0.0.1:8080"),
                ),
            }
        }
        if let Some(d) = self.duration(t, "statement_timeout", "web.") {
            if d.is_zero() {
                self.at_item(
                    t.get("statement_timeout"),
                    "web.statement_timeout must be more than zero".into(),
                );
            }
            web.statement_timeout = d;
        }
        web
    }
}

/// Walks the parsed document and collects problems with their positions.
struct Checker<'a> {
    text: &'a str,
    problems: Vec<Problem>,
}

impl<'a> Checker<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            problems: Vec::new(),
        }
    }

    fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = self.text.get(..offset).unwrap_or(self.text);
        let line = before.matches('\n').count() + 1;
        let column = before
            .rsplit('\n')
            .next()
            .map(|l| l.chars().count())
            .unwrap_or(0)
            + 1;
        (line, column)
    }

    fn at(&mut self, span: Option<Range<usize>>, message: String) {
        let (line, column) = match span {
            Some(s) => {
                let (l, c) = self.position(s.start);
                (Some(l), Some(c))
            }
            None => (None, None),
        };
        self.problems.push(Problem {
            line,
            column,
            message,
        });
    }

    fn at_item(&mut self, item: Option<&Item>, message: String) {
        self.at(item.and_then(Item::span), message);
    }

    fn known_keys(&mut self, table: &Table, prefix: &str, known: &[&str]) {
        for (key, _) in table.iter() {
            if !known.contains(&key) {
                let span = table.key(key).and_then(|k| k.span());
                self.at(
                    span,
                    format!("unknown key `{prefix}{key}` (known: {})", known.join(", ")),
                );
            }
        }
    }

    fn table<'t>(&mut self, parent: &'t Table, key: &str) -> Option<&'t Table> {
        match parent.get(key)? {
            Item::Table(t) => Some(t),
            other => {
                self.at(other.span(), format!("`{key}` must be a table ([{key}])"));
                None
            }
        }
    }

    fn value<'t>(&mut self, table: &'t Table, key: &str) -> Option<&'t Value> {
        match table.get(key)? {
            Item::Value(v) => Some(v),
            other => {
                self.at(
                    other.span(),
                    format!("`{key}` must be a value, not a table"),
                );
                None
            }
        }
    }

    fn string(&mut self, table: &Table, key: &str, prefix: &str) -> Option<String> {
        let v = self.value(table, key)?;
        match v.as_str() {
            Some(s) => Some(s.to_string()),
            None => {
                self.at(v.span(), format!("{prefix}{key} must be a string"));
                None
            }
        }
    }

    fn strings(&mut self, table: &Table, key: &str, prefix: &str) -> Option<Vec<String>> {
        let v = self.value(table, key)?;
        let Some(arr) = v.as_array() else {
            self.at(
                v.span(),
                format!("{prefix}{key} must be an array of strings"),
            );
            return None;
        };
        let mut out = Vec::new();
        for item in arr.iter() {
            match item.as_str() {
                Some(s) => out.push(s.to_string()),
                None => self.at(item.span(), format!("{prefix}{key} must hold only strings")),
            }
        }
        Some(out)
    }

    fn duration(&mut self, table: &Table, key: &str, prefix: &str) -> Option<Duration> {
        let v = self.value(table, key)?;
        let Some(s) = v.as_str() else {
            self.at(
                v.span(),
                format!("{prefix}{key} must be a duration string such as \"30s\" or \"2m\""),
            );
            return None;
        };
        match humantime::parse_duration(s) {
            Ok(d) => Some(d),
            Err(e) => {
                self.at(v.span(), format!("{prefix}{key}: {s:?} is not a duration ({e}); write e.g. \"30s\" or \"2m\""));
                None
            }
        }
    }

    fn integer(&mut self, table: &Table, key: &str, prefix: &str, min: i64) -> Option<u64> {
        let v = self.value(table, key)?;
        match v.as_integer() {
            Some(i) if i >= min => Some(i as u64),
            Some(i) => {
                self.at(
                    v.span(),
                    format!("{prefix}{key} must be at least {min}, not {i}"),
                );
                None
            }
            None => {
                self.at(v.span(), format!("{prefix}{key} must be an integer"));
                None
            }
        }
    }

    fn boolean(&mut self, table: &Table, key: &str, prefix: &str) -> Option<bool> {
        let v = self.value(table, key)?;
        match v.as_bool() {
            Some(b) => Some(b),
            None => {
                self.at(v.span(), format!("{prefix}{key} must be true or false"));
                None
            }
        }
    }

    fn database(&mut self, root: &Table, base: &Path) -> Database {
        let mut d = Database::default();
        let Some(t) = self.table(root, "database") else {
            return d;
        };
        let known = ["url", "data_dir", "listen", "bin_dir", "startup_wait"];
        self.known_keys(t, "database.", &known);
        if let Some(u) = self.string(t, "url", "database.") {
            match url::Url::parse(&u) {
                Ok(p) if p.scheme() == "postgres" || p.scheme() == "postgresql" => d.url = Some(u),
                _ => self.at_item(
                    t.get("url"),
                    "database.url must be a postgres:// URL".into(),
                ),
            }
        }
        d.data_dir = self
            .string(t, "data_dir", "database.")
            .map(|p| base.join(p));
        d.bin_dir = self.string(t, "bin_dir", "database.").map(|p| base.join(p));
        if let Some(v) = self.string(t, "listen", "database.") {
            match v.parse::<SocketAddr>() {
                Ok(a) => d.listen = Some(a),
                Err(_) => self.at_item(
                    t.get("listen"),
                    format!("database.listen: {v:?} is not an address like 127.0.0.1:5433"),
                ),
            }
        }
        if let Some(w) = self.duration(t, "startup_wait", "database.") {
            d.startup_wait = w;
        }
        d
    }

    fn sources(&mut self, root: &Table) -> Vec<Source> {
        let Some(item) = root.get("sources") else {
            return Vec::new();
        };
        let Some(tables) = item.as_array_of_tables() else {
            self.at(
                item.span(),
                "`sources` must be an array of tables ([[sources]])".into(),
            );
            return Vec::new();
        };
        let mut out: Vec<Source> = Vec::new();
        for t in tables.iter() {
            if let Some(s) = self.source(t, &out) {
                out.push(s);
            }
        }
        out
    }

    /// One `[[sources]]` entry; `None` when it lacks a name or URL (a problem is recorded).
    fn source(&mut self, t: &Table, earlier: &[Source]) -> Option<Source> {
        self.known_keys(
            t,
            "sources.",
            &[
                "name",
                "agency",
                "kind",
                "url",
                "poll_interval",
                "link_selector",
                "allowed_hosts",
            ],
        );
        let name = self.source_name(t, earlier);
        let url = self.source_url(t);
        let kind = self.source_kind(t);
        let link_selector = self.link_selector(t, kind);
        let poll_interval = self
            .duration(t, "poll_interval", "sources.")
            .unwrap_or(Duration::from_secs(300));
        if poll_interval < Duration::from_secs(1) {
            self.at_item(
                t.get("poll_interval"),
                "sources.poll_interval must be at least 1s".into(),
            );
        }
        let agency = self.string(t, "agency", "sources.");
        let allowed_hosts = self
            .strings(t, "allowed_hosts", "sources.")
            .unwrap_or_default();
        Some(Source {
            name: name?,
            agency,
            kind,
            url: url?,
            poll_interval,
            link_selector,
            allowed_hosts,
        })
    }

    /// A source's name, which must be present, not blank and unique.
    fn source_name(&mut self, t: &Table, earlier: &[Source]) -> Option<String> {
        let name = self.string(t, "name", "sources.");
        if name.is_none() && t.get("name").is_none() {
            self.at(t.span(), "a [[sources]] entry needs a `name`".into());
        }
        if let Some(n) = &name {
            if n.trim().is_empty() {
                self.at_item(t.get("name"), "sources.name must not be empty".into());
            } else if earlier.iter().any(|s| &s.name == n) {
                self.at_item(
                    t.get("name"),
                    format!("source name {n:?} is used twice; names must be unique"),
                );
            }
        }
        name
    }

    /// A source's URL, which must be present and http(s).
    fn source_url(&mut self, t: &Table) -> Option<String> {
        let url = self.string(t, "url", "sources.");
        match &url {
            None if t.get("url").is_none() => {
                self.at(t.span(), "a [[sources]] entry needs a `url`".into())
            }
            Some(u) => match url::Url::parse(u) {
                Ok(p) if p.scheme() == "http" || p.scheme() == "https" => {}
                _ => self.at_item(
                    t.get("url"),
                    format!("sources.url {u:?} is not an http(s) URL"),
                ),
            },
            None => {}
        }
        url
    }

    /// A source's `kind`, `auto` when absent or unknown.
    fn source_kind(&mut self, t: &Table) -> SourceKind {
        match self.string(t, "kind", "sources.").as_deref() {
            None => SourceKind::Auto,
            Some("rss") => SourceKind::Rss,
            Some("atom") => SourceKind::Atom,
            Some("json") => SourceKind::Json,
            Some("sitemap") => SourceKind::Sitemap,
            Some("listing") => SourceKind::Listing,
            Some("auto") => SourceKind::Auto,
            Some(other) => {
                self.at_item(
                    t.get("kind"),
                    format!("sources.kind {other:?} is not one of rss, atom, json, sitemap, listing, auto"),
                );
                SourceKind::Auto
            }
        }
    }

    /// A source's CSS link selector, which a listing source must have.
    fn link_selector(&mut self, t: &Table, kind: SourceKind) -> Option<String> {
        let link_selector = self.string(t, "link_selector", "sources.");
        if let Some(sel) = &link_selector {
            if scraper_selector_is_valid(sel).is_err() {
                self.at_item(
                    t.get("link_selector"),
                    format!("sources.link_selector {sel:?} is not a valid CSS selector"),
                );
            }
        }
        if kind == SourceKind::Listing && link_selector.is_none() {
            self.at(t.span(), "a listing source needs a `link_selector`".into());
        }
        link_selector
    }
}

fn scraper_selector_is_valid(sel: &str) -> Result<(), ()> {
    scraper::Selector::parse(sel).map(|_| ()).map_err(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<Problem>> {
        Config::parse(text, Path::new("."))
    }

    #[test]
    fn a_full_config_reads() {
        let c = parse(
            r#"
[database]
url = "postgres://postgres@127.0.0.1:5432/wh"
[crawler]
user_agent = "test/1"
request_timeout = "5s"
min_host_delay = "250ms"
max_body_bytes = 1_000
allow_private_networks = true
[[sources]]
name = "tass"
agency = "TASS"
kind = "rss"
url = "https://tass.com/rss/v2.xml"
poll_interval = "2m"
[[sources]]
name = "list"
kind = "listing"
url = "https://example.org/news"
link_selector = "a.story"
"#,
        )
        .expect("valid");
        assert_eq!(
            c.database.url.as_deref(),
            Some("postgres://postgres@127.0.0.1:5432/wh")
        );
        assert_eq!(c.crawler.min_host_delay, Duration::from_millis(250));
        assert!(c.crawler.allow_private_networks);
        assert_eq!(c.sources.len(), 2);
        assert_eq!(c.sources[0].poll_interval, Duration::from_secs(120));
        assert_eq!(c.sources[1].kind, SourceKind::Listing);
    }

    #[test]
    fn every_problem_is_named_with_its_line() {
        let problems = parse(
            r#"[crawler]
request_timeout = "soon"
colour = "blue"

[[sources]]
name = "a"
kind = "carrier-pigeon"
url = "ftp://x"

[[sources]]
name = "a"
url = "https://example.org/feed"
poll_interval = 5
"#,
        )
        .expect_err("invalid");
        let lines: Vec<_> = problems.iter().map(|p| p.line).collect();
        assert_eq!(
            lines,
            vec![Some(2), Some(3), Some(7), Some(8), Some(11), Some(13)],
            "{problems:#?}"
        );
        assert!(problems[1].message.contains("unknown key `crawler.colour`"));
        assert!(problems[4].message.contains("used twice"));
    }

    #[test]
    fn retention_reads_durations_and_forever() {
        let c = parse("[store]\nraw_pages_retention = \"forever\"\nretention = \"400d\"\n")
            .expect("valid");
        assert_eq!(c.store.raw_pages_retention, None);
        assert_eq!(c.store.retention, Some(Duration::from_secs(400 * 86_400)));
        let p = parse("[store]\nretention = \"a while\"\n").expect_err("invalid");
        assert_eq!(p[0].line, Some(2));
    }

    #[test]
    fn the_database_section_reads_its_embedded_settings() {
        let c = parse("[database]\ndata_dir = \"/srv/wh/pg\"\nlisten = \"127.0.0.1:5433\"\nstartup_wait = \"2m\"\n")
            .expect("valid");
        assert_eq!(c.database.url, None);
        assert_eq!(c.database.data_dir, Some(PathBuf::from("/srv/wh/pg")));
        assert_eq!(
            c.database.listen,
            Some("127.0.0.1:5433".parse().expect("addr"))
        );
        assert_eq!(c.database.startup_wait, Duration::from_secs(120));
        let none = parse("").expect("valid");
        assert_eq!(none.database, Database::default());
        let p = parse("[database]\nlisten = \"everywhere\"\n").expect_err("invalid");
        assert_eq!(p[0].line, Some(2));
    }

    #[test]
    fn a_syntax_error_names_its_line() {
        let problems = parse("[database]\nurl = \"postgres://x\n").expect_err("invalid");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, Some(2));
    }

    #[test]
    fn the_shipped_configs_are_valid() {
        for f in ["wirehose.toml", "reference.toml"] {
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../config")
                .join(f);
            let c = Config::load(&path).unwrap_or_else(|e| panic!("{e}"));
            assert!(!c.sources.is_empty(), "{f} has no sources");
        }
    }
}
