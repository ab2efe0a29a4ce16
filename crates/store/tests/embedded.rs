//! The embedded cluster, run with the installed PostgreSQL binaries in a temporary folder.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use store::embedded::{find_binaries, Cluster, EmbeddedError, Settings};

/// A fresh temporary folder; the cluster's data folder is `pg` inside it.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "wh-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("create the temporary folder");
        TempDir(dir)
    }

    fn settings(&self) -> Settings {
        Settings::new(self.0.join("pg"))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn answers(cluster: &Cluster) -> i32 {
    let store = store::Store::connect(&cluster.url())
        .await
        .expect("connect over the socket");
    let one: i32 = sqlx::query_scalar("SELECT 1")
        .fetch_one(store.pool())
        .await
        .expect("query");
    store.pool().close().await;
    one
}

#[tokio::test]
async fn a_cluster_is_created_answers_on_its_socket_is_shared_and_stopped() {
    let tmp = TempDir::new("life");
    let first = Cluster::start(tmp.settings()).expect("start the embedded cluster");
    assert!(first.started_here());
    assert!(first.data_dir().join("PG_VERSION").exists());
    assert!(
        first.url().starts_with("postgresql://postgres@%2F"),
        "{}",
        first.url()
    );
    assert_eq!(answers(&first).await, 1);

    let second = Cluster::start(tmp.settings()).expect("join the running cluster");
    assert!(
        !second.started_here(),
        "a running cluster is shared, not started twice"
    );
    assert!(
        !second.release().expect("release"),
        "the first user still holds it"
    );
    assert_eq!(answers(&first).await, 1);

    let pid_file = first.data_dir().join("postmaster.pid");
    assert!(pid_file.exists());
    assert!(first.release().expect("stop"), "the last user out stops it");
    assert!(!pid_file.exists(), "the server is gone");
}

#[tokio::test]
async fn a_stale_postmaster_pid_is_handled() {
    let tmp = TempDir::new("stale");
    let cluster = Cluster::start(tmp.settings()).expect("start");
    let dir = cluster.data_dir().to_path_buf();
    let pid_file = dir.join("postmaster.pid");
    let text = std::fs::read_to_string(&pid_file).expect("pid file");
    assert!(cluster.release().expect("stop"));

    // A crash leaves the file behind, naming a process that is now something else.
    let rest: String = text.lines().skip(1).map(|l| format!("{l}\n")).collect();
    std::fs::write(&pid_file, format!("{}\n{rest}", std::process::id())).expect("write");
    let again = Cluster::start(tmp.settings()).expect("start over a stale postmaster.pid");
    assert!(again.started_here());
    assert_eq!(answers(&again).await, 1);
    assert!(again.release().expect("stop"));
}

#[test]
fn missing_binaries_are_named_with_the_two_ways_out() {
    let tmp = TempDir::new("nobin");
    let e = find_binaries(Some(&tmp.0)).expect_err("an empty folder has no binaries");
    assert!(matches!(e, EmbeddedError::NoBinaries { .. }));
    let text = e.to_string();
    assert!(text.contains("initdb"), "{text}");
    assert!(text.contains("apt install postgresql"), "{text}");
    assert!(text.contains("docker compose up"), "{text}");
    assert!(!text.contains('\n'));
}

#[test]
fn the_installed_binaries_are_found() {
    let b = find_binaries(None).expect("this machine has PostgreSQL server binaries");
    assert!(b.version >= store::embedded::MIN_VERSION);
    assert!(b.dir.join("initdb").is_file());
}
