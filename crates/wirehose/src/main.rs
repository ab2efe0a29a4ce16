//! The `wirehose` command: the daemon (`run`), the web view (`serve`) and the tools (`extract`, `migrate`, ...).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser as ClapParser, Subcommand};
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

mod config;
mod extract;
mod limits;
mod metrics;
mod pipeline;
mod reprocess;
mod status;
mod warc;
mod watchdog;
mod web;

use config::Config;

/// Parsing a page makes and frees hundreds of thousands of small strings and nodes; mimalloc's
/// per-thread free lists serve them with fewer instructions than the system allocator. Version 2
/// without transparent huge pages: version 3, or huge pages, hold about twice the memory.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Watches wire-service feeds, extracts every story with its quotes and entities, and stores them in PostgreSQL.
#[derive(Debug, ClapParser)]
#[command(name = "wirehose", version, about)]
struct Cli {
    /// Configuration file.
    #[arg(long, global = true, default_value = config::DEFAULT_PATH)]
    config: PathBuf,
    /// Log format: text for a terminal, json for log collectors.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the daemon: migrate, then poll every source until SIGINT or SIGTERM.
    Run,
    /// Run the parser and analyzer on saved pages and print JSON (no network, no database).
    Extract(ExtractArgs),
    /// Create the database if needed and apply the migrations.
    Migrate,
    /// Check the configuration file and print every problem in it.
    CheckConfig,
    /// Backfill from WARC archives (plain or gzip, e.g. CC-NEWS) through the parser, analyzer and store.
    ImportWarc {
        /// WARC files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Re-run the parser and analyzer over stored pages, updating stories in place (resumable).
    Reprocess(ReprocessArgs),
    /// Print a summary of the crawl: sources, recent articles, frontier, hosts backing off.
    Status,
    /// Print the database URL (for psql); starts the embedded database if needed and leaves it running.
    DbUrl,
    /// Serve the read-only web view of stories, quotes, speakers and entities (JSON under /api/).
    Serve {
        /// Address to listen on (default: `[web] listen`, else 127.0.0.1:8080).
        #[arg(long)]
        listen: Option<std::net::SocketAddr>,
    },
}

/// What `extract` reads and how it writes.
#[derive(Debug, clap::Args)]
struct ExtractArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = extract::Format::Json)]
    format: extract::Format,
    /// The page's address (one file only).
    #[arg(long)]
    url: Option<String>,
    /// Threads to use (default: all cores).
    #[arg(long)]
    jobs: Option<usize>,
    /// Run the parser only: no quotes or entities in the output.
    #[arg(long)]
    no_analyze: bool,
    /// Refuse files larger than this (default: the config's `[crawler] max_body_bytes`).
    #[arg(long)]
    max_body_bytes: Option<u64>,
    /// Instead of JSON, print why the body extractor picks its container and prunes each box
    /// (for writing a site profile).
    #[arg(long)]
    explain: bool,
    /// Saved HTML pages.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

/// Which stored pages `reprocess` reads again.
#[derive(Debug, clap::Args)]
struct ReprocessArgs {
    /// Only this source.
    #[arg(long)]
    source: Option<String>,
    /// Only pages fetched at or after this time (RFC 3339, e.g. 2026-03-01T00:00:00Z).
    #[arg(long)]
    since: Option<chrono::DateTime<chrono::Utc>>,
    /// Only pages fetched before this time (RFC 3339).
    #[arg(long)]
    until: Option<chrono::DateTime<chrono::Utc>>,
    /// Only stories extracted by an older extractor version than this binary's.
    #[arg(long)]
    outdated: bool,
    /// Start from the beginning instead of resuming an interrupted run.
    #[arg(long)]
    restart: bool,
    /// Stories per transaction.
    #[arg(long, default_value_t = 100)]
    batch: u32,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.log_format);
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("wirehose: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(format: LogFormat) {
    // html5ever warns on every page with text misplaced in a table ("foster parenting not
    // implemented"): a property of the page, nothing an operator can act on.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new(
            "info,sqlx=error,sqlx_core=error,sqlx_postgres=warn,html5ever=error",
        )
    });
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().flatten_event(true).init(),
    }
}

fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    let path = cli.config.as_path();
    match cli.command {
        Command::Extract(args) => extract_files(path, args),
        Command::CheckConfig => check_config(path),
        Command::Migrate => {
            let config = load_config(path)?;
            on_database(Database::open(&config)?, |db| {
                runtime()?.block_on(async {
                    let store = connect(db).await?;
                    store.migrate().await.context("applying migrations")?;
                    info!("migrations applied");
                    Ok(ExitCode::SUCCESS)
                })
            })
        }
        Command::ImportWarc { files } => {
            let config = load_config(path)?;
            let parser = Arc::new(load_parser(path, Some(&config))?);
            on_database(Database::open(&config)?, |db| {
                runtime()?.block_on(import_warc(config, db, parser, files))
            })
        }
        Command::Reprocess(args) => reprocess_stored(path, args),
        Command::Status => print_status(path),
        Command::Run => {
            let config = load_config(path)?;
            let parser = Arc::new(load_parser(path, Some(&config))?);
            on_database(Database::open(&config)?, |db| {
                runtime()?.block_on(run_daemon(config, db, parser))
            })
        }
        Command::Serve { listen } => {
            let config = load_config(path)?;
            let addr = match listen.or(config.web.listen) {
                Some(a) => a,
                None => web::DEFAULT_LISTEN.parse()?,
            };
            on_database(Database::open(&config)?, |db| {
                runtime()?.block_on(serve_web(config, db, addr))
            })
        }
        Command::DbUrl => print_db_url(path),
    }
}

/// Runs `f` on an opened database, then closes it (stopping an embedded one started here).
fn on_database(
    db: Database,
    f: impl FnOnce(&Database) -> anyhow::Result<ExitCode>,
) -> anyhow::Result<ExitCode> {
    let result = f(&db);
    db.close();
    result
}

/// `wirehose extract`: saved pages through the parser and analyzer, printed as JSON.
fn extract_files(path: &Path, args: ExtractArgs) -> anyhow::Result<ExitCode> {
    let files = &args.files;
    if args.url.is_some() && files.len() > 1 {
        anyhow::bail!("--url applies to one file; {} were given", files.len());
    }
    let max_body_bytes = args
        .max_body_bytes
        .unwrap_or_else(|| extract::configured_max_body_bytes(path));
    if args.explain {
        return extract::explain(files, max_body_bytes);
    }
    if args.format == extract::Format::Json && files.len() > 1 {
        anyhow::bail!("--format json takes one file; use --format jsonl for several");
    }
    let parser = load_parser(path, None)?;
    let jobs = args.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    let opts = extract::Options {
        url: args.url.as_deref(),
        format: args.format,
        jobs,
        analyze: !args.no_analyze,
        max_body_bytes,
    };
    let failed = extract::run(&parser, files, opts)?;
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `wirehose check-config`: every problem of the configuration, or a one-line summary.
fn check_config(path: &Path) -> anyhow::Result<ExitCode> {
    match Config::load(path) {
        Ok(c) => {
            load_parser(path, Some(&c))?;
            println!("{}: ok ({} sources)", path.display(), c.sources.len());
            Ok(ExitCode::SUCCESS)
        }
        Err(problems) => {
            eprint!("{problems}");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// `wirehose reprocess`: stored pages through the parser and analyzer again, stories updated in place.
fn reprocess_stored(path: &Path, args: ReprocessArgs) -> anyhow::Result<ExitCode> {
    let config = load_config(path)?;
    let parser = Arc::new(load_parser(path, Some(&config))?);
    on_database(Database::open(&config)?, |db| {
        runtime()?.block_on(async {
            let store = connect(db).await?;
            store.migrate().await.context("applying migrations")?;
            let filter = store::RawPageFilter {
                source: args.source,
                fetched_since: args.since,
                fetched_until: args.until,
                extractor_version_not: args.outdated.then(|| store.extractor_version().to_string()),
            };
            let s = reprocess::run(
                &store,
                parser,
                filter,
                args.restart,
                args.batch.max(1),
                config.pipeline.workers,
            )
            .await?;
            println!(
                "reprocessed {} stories ({} no longer parse)",
                s.articles, s.failures
            );
            Ok(ExitCode::SUCCESS)
        })
    })
}

/// `wirehose status`: a summary of the crawl state.
fn print_status(path: &Path) -> anyhow::Result<ExitCode> {
    let config = load_config(path)?;
    on_database(Database::open(&config)?, |db| {
        runtime()?.block_on(async {
            let store = connect(db).await?;
            let report = status::report(store.pool())
                .await
                .context("reading the crawl state")?;
            print!("{report}");
            Ok(ExitCode::SUCCESS)
        })
    })
}

/// `wirehose db-url`: the database URL for psql; an embedded database started here keeps running.
fn print_db_url(path: &Path) -> anyhow::Result<ExitCode> {
    let config = load_config(path)?;
    let db = Database::open(&config)?;
    let url = db.url.clone();
    if let Some(c) = db.cluster {
        if c.started_here() {
            eprintln!(
                "wirehose: started the embedded database; stop it with: pg_ctl -D {} stop",
                c.data_dir().display()
            );
        }
        c.detach();
    }
    println!("{url}");
    Ok(ExitCode::SUCCESS)
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

fn load_config(path: &Path) -> anyhow::Result<Config> {
    let mut config = Config::load(path).map_err(|p| anyhow::anyhow!("{p}"))?;
    if let Ok(url) = std::env::var("DATABASE_URL") {
        if !url.trim().is_empty() {
            config.database.url = Some(url);
        }
    }
    Ok(config)
}

/// Builds the parser with the built-in site profiles plus those the config names.
fn load_parser(config_path: &Path, config: Option<&Config>) -> anyhow::Result<parser::Parser> {
    let profiles = match config {
        Some(c) => c.profiles.clone(),
        // `extract` needs no config file, but uses its profiles when there is one.
        None => Config::load(config_path)
            .map(|c| c.profiles)
            .unwrap_or_default(),
    };
    if profiles.is_empty() {
        return Ok(parser::Parser::default());
    }
    let mut extra = Vec::new();
    for p in &profiles {
        let text = std::fs::read_to_string(p)
            .with_context(|| format!("reading site profile {}", p.display()))?;
        extra.push((p.display().to_string(), text));
    }
    parser::Parser::with_profiles(&extra).context("loading site profiles")
}

/// The database URL with any password replaced, for logs.
fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            if u.password().is_some() {
                let _ = u.set_password(Some("****"));
            }
            u.to_string()
        }
        Err(_) => "<unparseable database url>".to_string(),
    }
}

/// Recorded on every stored story; bump the last number whenever parser or analyzer output changes,
/// so `wirehose reprocess --outdated` finds the stories an older extractor wrote.
const EXTRACTOR_VERSION: &str = concat!("wirehose-", env!("CARGO_PKG_VERSION"), "/extract-2");

/// The database a command uses: the configured server, or the embedded cluster while held.
struct Database {
    url: String,
    cluster: Option<store::embedded::Cluster>,
}

impl Database {
    /// Opens the configured database, or starts (or joins) the embedded cluster.
    fn open(config: &Config) -> anyhow::Result<Database> {
        if let Some(url) = &config.database.url {
            return Ok(Database {
                url: url.clone(),
                cluster: None,
            });
        }
        let settings = store::embedded::Settings {
            data_dir: config
                .database
                .data_dir
                .clone()
                .unwrap_or_else(store::embedded::default_data_dir),
            listen: config.database.listen,
            bin_dir: config.database.bin_dir.clone(),
        };
        let cluster = store::embedded::Cluster::start(settings).context("embedded database")?;
        info!(
            data_dir = %cluster.data_dir().display(),
            version = cluster.binaries().version,
            started = cluster.started_here(),
            "using the embedded database"
        );
        Ok(Database {
            url: cluster.url(),
            cluster: Some(cluster),
        })
    }

    /// Whether the URL is the embedded cluster's.
    fn embedded(&self) -> bool {
        self.cluster.is_some()
    }

    /// Gives up this process's share; the last one out stops a cluster wirehose started.
    fn close(self) {
        if let Some(c) = self.cluster {
            match c.release() {
                Ok(true) => info!("embedded database stopped"),
                Ok(false) => {}
                Err(e) => warn!(error = %e, "cannot stop the embedded database"),
            }
        }
    }
}

/// Connects once; an unreachable database fails within seconds, naming the URL, cause and a hint.
async fn connect(db: &Database) -> anyhow::Result<store::Store> {
    connect_waiting(db, std::time::Duration::ZERO).await
}

/// Connects, retrying an unreachable database for up to `wait` and logging the cause each time.
async fn connect_waiting(db: &Database, wait: std::time::Duration) -> anyhow::Result<store::Store> {
    let deadline = tokio::time::Instant::now() + wait;
    let mut delay = std::time::Duration::from_secs(1);
    loop {
        match store::Store::connect(&db.url).await {
            Ok(s) => return Ok(s.with_extractor_version(EXTRACTOR_VERSION)),
            Err(store::StoreError::Unreachable { cause })
                if tokio::time::Instant::now() + delay < deadline =>
            {
                warn!(url = %redacted(&db.url), %cause, retry_in = ?delay, "database unreachable; retrying ([database] startup_wait)");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(std::time::Duration::from_secs(10));
            }
            Err(store::StoreError::Unreachable { cause }) => {
                anyhow::bail!(
                    "cannot reach the database at {}: {cause}; {}",
                    redacted(&db.url),
                    hint(&cause, db.embedded())
                )
            }
            Err(e) => {
                return Err(e).with_context(|| format!("connecting to {}", redacted(&db.url)))
            }
        }
    }
}

/// One thing to do about an unreachable database.
fn hint(cause: &store::Unreachable, embedded: bool) -> &'static str {
    use store::Unreachable as U;
    match (cause, embedded) {
        (_, true) => "see the server log (server.log) in the embedded database's folder",
        (U::Authentication(_), false) => "check the user and password in the URL, or remove [database] url and DATABASE_URL to use the embedded database",
        (U::NoDatabase { .. }, false) => "create the database or grant CREATEDB, or remove [database] url and DATABASE_URL to use the embedded database",
        _ => "start PostgreSQL there, or remove [database] url and DATABASE_URL to use the embedded database",
    }
}

/// Fills full-text search vectors of new stories off the write path, every few seconds.
async fn search_indexer(store: store::Store, shutdown: CancellationToken) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(2));
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tick.tick() => {}
        }
        if let Err(e) = index_all(&store).await {
            tracing::debug!(error = %e, "search indexing deferred");
        }
    }
}

/// Indexes every story still waiting for its search vector.
async fn index_all(store: &store::Store) -> Result<u64, store::StoreError> {
    const BATCH: u32 = 500;
    let mut total = 0;
    loop {
        let n = store.index_search_batch(BATCH).await?;
        total += n;
        if n < u64::from(BATCH) {
            return Ok(total);
        }
    }
}

/// Hourly upkeep: month partitions created ahead, retention applied.
async fn maintenance(
    store: store::Store,
    settings: config::StoreSettings,
    shutdown: CancellationToken,
) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tick.tick() => {}
        }
        if let Err(e) = store.ensure_partitions().await {
            warn!(error = %e, "cannot create the coming months' partitions");
        }
        let now = chrono::Utc::now();
        let ago = |d: std::time::Duration| {
            chrono::Duration::from_std(d)
                .ok()
                .and_then(|d| now.checked_sub_signed(d))
                .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC)
        };
        if let Some(keep) = settings.raw_pages_retention {
            match store.drop_raw_pages_older_than(ago(keep)).await {
                Ok(n) if n > 0 => info!(months = n, "dropped raw pages past their retention"),
                Ok(_) => {}
                Err(e) => warn!(error = %e, "cannot apply raw page retention"),
            }
        }
        if let Some(keep) = settings.retention {
            match store.drop_partitions_older_than(ago(keep)).await {
                Ok(n) if n > 0 => info!(months = n, "dropped stories past their retention"),
                Ok(_) => {}
                Err(e) => warn!(error = %e, "cannot apply story retention"),
            }
        }
    }
}

async fn run_daemon(
    config: Config,
    db: &Database,
    parser: Arc<parser::Parser>,
) -> anyhow::Result<ExitCode> {
    let store = connect_waiting(db, config.database.startup_wait).await?;
    info!(
        url = %redacted(&db.url),
        "database ready; look inside with: psql '{}'",
        redacted(&db.url)
    );
    store.migrate().await.context("applying migrations")?;
    let shutdown = CancellationToken::new();
    tokio::spawn(watch_signals(
        shutdown.clone(),
        config.pipeline.shutdown_timeout,
    ));
    tokio::spawn(maintenance(
        store.clone(),
        config.store.clone(),
        shutdown.clone(),
    ));
    tokio::spawn(search_indexer(store.clone(), shutdown.clone()));
    let metrics = metrics::Metrics::new();
    if let Some(addr) = config.http_listen {
        let (m, pool, token) = (metrics.clone(), store.pool().clone(), shutdown.clone());
        tokio::spawn(async move {
            if let Err(e) = metrics::serve(addr, m, pool, token).await {
                warn!(%addr, error = %e, "cannot serve /metrics and /health");
            }
        });
    }
    if let Some(addr) = config.web.listen {
        let pool = web::reader_pool(&db.url, &config.web)?;
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("listening for the web view on {addr}"))?;
        info!(%addr, "serving the web view on http://{addr}/");
        let (m, token, settings) = (metrics.clone(), shutdown.clone(), config.web.clone());
        tokio::spawn(async move {
            if let Err(e) = web::serve(listener, pool, &settings, m, token).await {
                warn!(%addr, error = %e, "the web view stopped");
            }
        });
    }
    pipeline::run(config, store, parser, metrics, shutdown).await?;
    info!("all work drained; exiting");
    Ok(ExitCode::SUCCESS)
}

/// `wirehose serve`: the web view alone, read-only, until SIGINT or SIGTERM.
async fn serve_web(
    config: Config,
    db: &Database,
    addr: std::net::SocketAddr,
) -> anyhow::Result<ExitCode> {
    let pool = web::reader_pool(&db.url, &config.web)?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("listening on {addr}"))?;
    let addr = listener.local_addr().context("reading the bound address")?;
    let shutdown = CancellationToken::new();
    tokio::spawn(watch_signals(
        shutdown.clone(),
        config.pipeline.shutdown_timeout,
    ));
    let metrics = metrics::Metrics::new();
    metrics
        .running
        .store(true, std::sync::atomic::Ordering::Relaxed);
    if let Some(maddr) = config.http_listen {
        let (m, p, token) = (metrics.clone(), pool.clone(), shutdown.clone());
        tokio::spawn(async move {
            if let Err(e) = metrics::serve(maddr, m, p, token).await {
                warn!(addr = %maddr, error = %e, "cannot serve /metrics and /health");
            }
        });
    }
    info!(%addr, database = %redacted(&db.url), "serving the web view");
    // Scripts and tests read the address (a port of 0 picks a free one) from this line.
    println!("serving on http://{addr}/");
    web::serve(listener, pool, &config.web, metrics, shutdown)
        .await
        .context("serving the web view")?;
    info!("web view stopped");
    Ok(ExitCode::SUCCESS)
}

async fn import_warc(
    config: Config,
    db: &Database,
    parser: Arc<parser::Parser>,
    files: Vec<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let store = connect(db).await?;
    store.migrate().await.context("applying migrations")?;
    let store_for_index = store.clone();
    let shutdown = CancellationToken::new();
    tokio::spawn(watch_signals(
        shutdown.clone(),
        config.pipeline.shutdown_timeout,
    ));
    let metrics = metrics::Metrics::new();
    let summary = Arc::new(std::sync::Mutex::new(warc::Summary::default()));
    let (slot, max_body) = (summary.clone(), config.crawler.max_body_bytes);
    pipeline::run_with(
        &config,
        store,
        parser,
        metrics.clone(),
        shutdown,
        move |pages| async move {
            let s = warc::produce(files, pages, max_body).await?;
            *slot.lock().unwrap_or_else(|e| e.into_inner()) = s;
            Ok(())
        },
    )
    .await?;
    let s = *summary.lock().unwrap_or_else(|e| e.into_inner());
    index_all(&store_for_index)
        .await
        .context("indexing the imported stories for search")?;
    println!(
        "imported {} pages from {} records ({} skipped); {} articles, {} quotes, {} mentions stored",
        s.pages,
        s.records,
        s.skipped,
        metrics.articles_stored.get(),
        metrics.quotes_stored.get(),
        metrics.mentions_stored.get()
    );
    Ok(ExitCode::SUCCESS)
}

/// First SIGINT/SIGTERM: orderly shutdown with a deadline. Second: exit at once.
async fn watch_signals(shutdown: CancellationToken, deadline: std::time::Duration) {
    if wait_for_signal().await.is_err() {
        warn!("cannot listen for signals; stop the daemon with SIGKILL");
        return;
    }
    info!(deadline = ?deadline, "shutting down: no new work is claimed, in-flight work drains");
    shutdown.cancel();
    tokio::select! {
        _ = wait_for_signal() => {
            warn!("second signal: exiting at once");
            std::process::exit(130);
        }
        _ = tokio::time::sleep(deadline) => {
            warn!("shutdown deadline passed: exiting with work in flight (its leases expire and it is redone)");
            std::process::exit(1);
        }
    }
}

async fn wait_for_signal() -> std::io::Result<()> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    tokio::select! {
        _ = term.recv() => {},
        _ = int.recv() => {},
    }
    Ok(())
}
