//! Which database the commands use, through the real binary: an unreachable server is named with
//! its cause, missing server binaries fail in one line, and `db-url` gives a URL psql accepts.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wh-db-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temporary folder");
    dir
}

fn wirehose(config: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wirehose"))
        .args(args)
        .arg("--config")
        .arg(config)
        .env_remove("DATABASE_URL")
        .output()
        .expect("run wirehose")
}

fn config(dir: &Path, database: &str) -> PathBuf {
    let path = dir.join("wirehose.toml");
    let text = format!(
        "[database]\n{database}\n\n[[sources]]\nname = \"t\"\nurl = \"http://127.0.0.1:9/rss.xml\"\n"
    );
    std::fs::write(&path, text).expect("write config");
    path
}

/// A loopback port nothing listens on: bound, then released.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    drop(l);
    port
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_refused_connection_is_named_with_the_url_and_a_hint() {
    let dir = temp_dir("refused");
    let port = closed_port();
    let url = format!("postgres://postgres:hunter2@127.0.0.1:{port}/wh");
    let cfg = config(&dir, &format!("url = \"{url}\""));
    let out = wirehose(&cfg, &["migrate"]);
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(err.contains("connection refused"), "{err}");
    assert!(err.contains(&format!("127.0.0.1:{port}")), "{err}");
    assert!(!err.contains("hunter2"), "the password is hidden: {err}");
    assert!(err.contains("start PostgreSQL"), "{err}");
    assert!(!err.contains("pool timed out"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unknown_host_is_named() {
    let dir = temp_dir("host");
    let cfg = config(
        &dir,
        "url = \"postgres://postgres@no-such-host.invalid:5432/wh\"",
    );
    let err = stderr(&wirehose(&cfg, &["status"]));
    assert!(err.contains("unknown host"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_wrong_role_and_an_uncreatable_database_are_named() {
    let dir = temp_dir("auth");
    let mut admin_url = url::Url::parse(&common::admin_url()).expect("url");
    admin_url
        .set_username("wirehose_no_such_role")
        .expect("user");
    admin_url.set_path("/wh_none");
    let cfg = config(&dir, &format!("url = \"{admin_url}\""));
    let err = stderr(&wirehose(&cfg, &["migrate"]));
    assert!(err.contains("authentication failed"), "{err}");
    assert!(err.contains("check the user"), "{err}");

    let role = format!("wirehose_nocreate_{}", std::process::id());
    let mut admin = common::admin().await;
    let _ = sqlx::query(&format!("DROP ROLE IF EXISTS {role}"))
        .execute(&mut admin)
        .await;
    sqlx::query(&format!("CREATE ROLE {role} LOGIN NOCREATEDB"))
        .execute(&mut admin)
        .await
        .expect("create role");
    let mut url = url::Url::parse(&common::admin_url()).expect("url");
    url.set_username(&role).expect("user");
    url.set_path(&format!("/{role}_db"));
    let cfg = config(&dir, &format!("url = \"{url}\""));
    let err = stderr(&wirehose(&cfg, &["migrate"]));
    assert!(
        err.contains("does not exist and could not be created"),
        "{err}"
    );
    sqlx::query(&format!("DROP ROLE {role}"))
        .execute(&mut admin)
        .await
        .expect("drop role");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn startup_wait_retries_and_logs_the_cause_each_time() {
    let dir = temp_dir("wait");
    let port = closed_port();
    let cfg = config(
        &dir,
        &format!("url = \"postgres://postgres@127.0.0.1:{port}/wh\"\nstartup_wait = \"3s\""),
    );
    let out = wirehose(&cfg, &["run"]);
    let err = stderr(&out);
    assert!(!out.status.success());
    let retries = err.lines().filter(|l| l.contains("retrying")).count();
    assert!(retries >= 1, "{err}");
    assert!(
        err.lines()
            .filter(|l| l.contains("retrying"))
            .all(|l| l.contains("connection refused")),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn missing_server_binaries_fail_in_one_line() {
    let dir = temp_dir("nobin");
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).expect("mkdir");
    let cfg = config(
        &dir,
        &format!(
            "data_dir = \"{}\"\nbin_dir = \"{}\"",
            dir.join("pg").display(),
            empty.display()
        ),
    );
    let out = wirehose(&cfg, &["migrate"]);
    let err = stderr(&out);
    assert!(!out.status.success());
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("apt install postgresql"), "{err}");
    assert!(err.contains("docker compose up"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn db_url_prints_a_url_psql_accepts_and_migrate_leaves_no_server() {
    let dir = temp_dir("dburl");
    let data = dir.join("pg");
    let cfg = config(&dir, &format!("data_dir = \"{}\"", data.display()));

    let out = wirehose(&cfg, &["migrate"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !data.join("postmaster.pid").exists(),
        "migrate stops what it started"
    );

    let out = wirehose(&cfg, &["db-url"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let url = stdout.lines().last().expect("a URL").to_string();
    let psql = Command::new("psql")
        .args([url.as_str(), "-tAc", "SELECT count(*) FROM sources"])
        .output()
        .expect("run psql");
    assert!(
        psql.status.success(),
        "{}",
        String::from_utf8_lossy(&psql.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&psql.stdout).trim(), "0");

    // db-url left it running; the last user out stops it.
    let c = store::embedded::Cluster::start(store::embedded::Settings::new(data.clone()))
        .expect("join");
    assert!(!c.started_here());
    assert!(c.release().expect("stop"));
    assert!(!data.join("postmaster.pid").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn run_with_no_url_stores_stories_in_the_embedded_database_and_stops_it() {
    let dir = temp_dir("run");
    let data = dir.join("pg");
    let wire = common::start_wire(1, 3, std::time::Duration::ZERO).await;
    let cfg = common::wire_config(&dir, &wire, "unused");
    let text = std::fs::read_to_string(&cfg).expect("read config");
    let text = text.replace(
        "url = \"unused\"",
        &format!("data_dir = \"{}\"", data.display()),
    );
    std::fs::write(&cfg, text).expect("write config");
    let daemon = common::start_daemon(&cfg, Some(&dir.join("daemon.log")));

    common::wait_until("the embedded cluster to start", || async {
        data.join("postmaster.pid").exists()
    })
    .await;
    let joined = store::embedded::Cluster::start(store::embedded::Settings::new(data.clone()))
        .expect("join the daemon's cluster");
    assert!(!joined.started_here(), "the daemon started it");
    let pool = common::pool_when_ready(&joined.url()).await;
    common::wait_until("three stories", || async {
        common::count(&pool, "SELECT count(*) FROM articles").await >= 3
    })
    .await;
    pool.close().await;
    assert!(
        !joined.release().expect("release"),
        "the daemon still uses it"
    );

    let status = common::stop(daemon, "-TERM");
    let log = std::fs::read_to_string(dir.join("daemon.log")).unwrap_or_default();
    assert!(status.success(), "{log}");
    assert!(
        log.contains("psql"),
        "the URL is logged with a psql example: {log}"
    );
    assert!(
        !data.join("postmaster.pid").exists(),
        "the daemon, last out, stopped its server"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
