//! Shared pieces of the end-to-end tests: a real PostgreSQL database and a local wire-service site.

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use sqlx::{Connection, PgConnection, PgPool};

/// The server URL tests connect to, from `DATABASE_URL`.
pub fn admin_url() -> String {
    std::env::var("DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A fresh database name and its URL; the database itself is left for the daemon to create.
pub fn fresh_database(tag: &str) -> (String, String) {
    static N: AtomicUsize = AtomicUsize::new(0);
    let name = format!("wirehose_{tag}_{}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
    let mut url = url::Url::parse(&admin_url()).expect("DATABASE_URL is a URL");
    url.set_path(&format!("/{name}"));
    (name, url.to_string())
}

/// Connects to the admin database, failing loudly with how to start PostgreSQL.
pub async fn admin() -> PgConnection {
    match PgConnection::connect(&admin_url()).await {
        Ok(c) => c,
        Err(e) => panic!(
            "cannot reach PostgreSQL at {} ({e}).\nThe tests need a real server: start one with\n  \
             pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n\
             or point DATABASE_URL at one.",
            admin_url()
        ),
    }
}

/// Drops a test database.
pub async fn drop_database(name: &str) {
    let mut c = admin().await;
    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).execute(&mut c).await;
}

/// Connects to a database made by the daemon.
pub async fn pool(url: &str) -> PgPool {
    PgPool::connect(url).await.expect("connect to the test database")
}

/// A local site: path → (content type, body with `{{BASE}}` replaced), counting requests per path.
#[derive(Clone)]
pub struct Site {
    pub base: String,
    pub hits: Arc<Mutex<HashMap<String, usize>>>,
}

impl Site {
    /// How many times `path` was requested.
    pub fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}

#[derive(Clone)]
struct SiteState {
    pages: Arc<HashMap<String, (&'static str, String)>>,
    hits: Arc<Mutex<HashMap<String, usize>>>,
}

async fn serve(State(s): State<SiteState>, uri: Uri) -> Response {
    let path = uri.path().to_string();
    *s.hits.lock().unwrap().entry(path.clone()).or_default() += 1;
    match s.pages.get(&path) {
        Some((ct, body)) => ([(header::CONTENT_TYPE, *ct)], body.clone()).into_response(),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

/// Serves `pages` on 127.0.0.1 at a free port.
pub async fn start_site(pages: &[(&str, &'static str, &str)]) -> Site {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr: SocketAddr = listener.local_addr().expect("addr");
    let base = format!("http://{addr}");
    let pages: HashMap<_, _> = pages
        .iter()
        .map(|(path, ct, body)| (path.to_string(), (*ct, body.replace("{{BASE}}", &base))))
        .collect();
    let hits = Arc::new(Mutex::new(HashMap::new()));
    let state = SiteState { pages: Arc::new(pages), hits: hits.clone() };
    let app = axum::Router::new().fallback(serve).with_state(state);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Site { base, hits }
}
