//! Faults the daemon must survive without losing or duplicating a story, each against a real
//! PostgreSQL and local HTTP servers: kill -9 and restart, three daemons sharing one database,
//! and the database going away mid-run.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::PgPool;

/// Every story stored once, each with its one direct quote stored once.
async fn assert_stored_once(pool: &PgPool, expected: i64) {
    assert_eq!(
        common::count(pool, "SELECT count(*) FROM articles").await,
        expected
    );
    assert_eq!(
        common::count(pool, "SELECT count(DISTINCT url) FROM articles").await,
        expected
    );
    let dup = "SELECT count(*) FROM (SELECT article_id, start_offset, end_offset FROM quotes GROUP BY 1, 2, 3 HAVING count(*) > 1) d";
    assert_eq!(common::count(pool, dup).await, 0, "quotes stored twice");
    let per_article: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT a.id, count(q.id) FROM articles a LEFT JOIN quotes q ON q.article_id = a.id AND q.kind = 'direct'
         GROUP BY a.id HAVING count(q.id) <> 1",
    )
    .fetch_all(pool)
    .await
    .expect("quotes per article");
    assert!(
        per_article.is_empty(),
        "articles without exactly one direct quote: {per_article:?}"
    );
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(name);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[tokio::test(flavor = "multi_thread")]
async fn kill_9_mid_run_then_restart_stores_every_story_once() {
    drop(common::admin().await);
    // Slow enough responses that the 60 stories take seconds, so the kill lands mid-run even
    // when the machine is busy and the count is polled only every 200 ms.
    let wire = common::start_wire(3, 20, Duration::from_millis(200)).await;
    let (db_name, db_url) = common::fresh_database("kill9");
    let dir = temp_dir(&db_name);
    let config = common::wire_config(&dir, &wire, &db_url);

    let daemon = common::start_daemon(&config, None);
    let pool = common::pool_when_ready(&db_url).await;
    common::wait_until("some stories stored", || async {
        common::count(&pool, "SELECT count(*) FROM articles").await >= 8
    })
    .await;
    let status = common::stop(daemon, "-KILL");
    assert!(!status.success());
    let stored_at_kill = common::count(&pool, "SELECT count(*) FROM articles").await;
    eprintln!("killed with {stored_at_kill} of 60 stories stored");
    assert!(
        stored_at_kill < 60,
        "the kill came too late to test anything ({stored_at_kill} stored)"
    );

    let daemon = common::start_daemon(&config, None);
    common::wait_until("all 60 stories", || async {
        common::count(&pool, "SELECT count(*) FROM articles").await >= 60
    })
    .await;
    let status = common::stop(daemon, "-TERM");
    assert!(status.success(), "{status:?}");
    assert_stored_once(&pool, 60).await;
    let undone = common::count(
        &pool,
        "SELECT count(*) FROM crawl_urls WHERE state <> 'done'",
    )
    .await;
    assert_eq!(undone, 0, "frontier rows left unfinished");

    pool.close().await;
    common::drop_database(&db_name).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn three_daemons_share_hosts_and_survive_losing_one() {
    drop(common::admin().await);
    let wire = common::start_wire(4, 15, Duration::from_millis(20)).await;
    let (db_name, db_url) = common::fresh_database("three");
    let dir = temp_dir(&db_name);
    let config = common::wire_config(&dir, &wire, &db_url);

    let first = common::start_daemon(&config, None);
    let pool = common::pool_when_ready(&db_url).await;
    let second = common::start_daemon(&config, None);
    let third = common::start_daemon(&config, None);
    common::wait_until("a few stories", || async {
        common::count(&pool, "SELECT count(*) FROM articles").await >= 6
    })
    .await;
    assert!(!common::stop(second, "-KILL").success());

    common::wait_until("all 60 stories", || async {
        common::count(&pool, "SELECT count(*) FROM articles").await >= 60
    })
    .await;
    assert!(common::stop(first, "-TERM").success());
    assert!(common::stop(third, "-TERM").success());
    assert_stored_once(&pool, 60).await;
    assert_eq!(
        wire.max_in_flight.load(Ordering::SeqCst),
        1,
        "a host had two requests in flight at once"
    );

    pool.close().await;
    common::drop_database(&db_name).await;
}

/// A TCP proxy in front of PostgreSQL that the test can cut and restore.
struct Proxy {
    port: u16,
    cut: Arc<AtomicBool>,
    generation: Arc<tokio::sync::watch::Sender<u64>>,
}

impl Proxy {
    async fn start(upstream: String) -> Proxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind proxy");
        let port = listener.local_addr().expect("addr").port();
        let cut = Arc::new(AtomicBool::new(false));
        let (tx, _) = tokio::sync::watch::channel(0u64);
        let generation = Arc::new(tx);
        let (cut2, gen2) = (cut.clone(), generation.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if cut2.load(Ordering::SeqCst) {
                    continue; // dropped: the database is "down"
                }
                let upstream = upstream.clone();
                let mut killed = gen2.subscribe();
                tokio::spawn(async move {
                    let Ok(mut server) = tokio::net::TcpStream::connect(&upstream).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = killed.changed() => {}
                    }
                });
            }
        });
        Proxy {
            port,
            cut,
            generation,
        }
    }

    /// Drops every open connection and refuses new ones.
    fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        self.generation.send_modify(|g| *g += 1);
    }

    fn restore(&self) {
        self.cut.store(false, Ordering::SeqCst);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn database_outage_mid_run_loses_nothing() {
    drop(common::admin().await);
    let wire = common::start_wire(2, 30, Duration::from_millis(40)).await;
    let (db_name, direct_url) = common::fresh_database("outage");
    let mut admin = url::Url::parse(&common::admin_url()).expect("url");
    let upstream = format!(
        "{}:{}",
        admin.host_str().unwrap_or("127.0.0.1"),
        admin.port().unwrap_or(5432)
    );
    let proxy = Proxy::start(upstream).await;
    admin.set_port(Some(proxy.port)).expect("port");
    admin.set_path(&format!("/{db_name}"));
    let dir = temp_dir(&db_name);
    let config = common::wire_config(&dir, &wire, admin.as_str());
    let log = dir.join("daemon.log");

    let daemon = common::start_daemon(&config, Some(&log));
    let pool = common::pool_when_ready(&direct_url).await;
    common::wait_until("some stories", || async {
        common::count(&pool, "SELECT count(*) FROM articles").await >= 5
    })
    .await;
    proxy.cut();
    tokio::time::sleep(Duration::from_secs(10)).await;
    proxy.restore();
    common::wait_until("all 60 stories", || async {
        common::count(&pool, "SELECT count(*) FROM articles").await >= 60
    })
    .await;
    let status = common::stop(daemon, "-TERM");
    assert!(
        status.success(),
        "the daemon did not ride out the outage: {status:?}\n{}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    assert_stored_once(&pool, 60).await;
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let complaints = text
        .lines()
        .filter(|l| l.contains("cannot write to the database"))
        .count();
    assert!(
        complaints <= 1,
        "the outage was logged {complaints} times, not once:\n{text}"
    );

    pool.close().await;
    common::drop_database(&db_name).await;
}
