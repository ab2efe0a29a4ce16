//! Failure stages and classes: the database accepts only the names model's enums know.

mod common;

use common::*;
use model::{Failure, FailureClass, FailureStage, Outcome};
use sqlx::PgPool;

#[sqlx::test(migrations = "../../migrations")]
async fn an_unknown_class_or_stage_is_rejected(pool: PgPool) {
    let insert = "INSERT INTO failures (source, url, stage, class, reason, at)
                  VALUES ('wire', 'https://wire.example/en/9', $1, $2, 'invented', now())";
    for (stage, class) in [("parse", "flaky"), ("render", "timeout")] {
        let err = sqlx::query(insert)
            .bind(stage)
            .bind(class)
            .execute(&pool)
            .await
            .expect_err("an unknown name must not be stored");
        let db = err.as_database_error().expect("a database error");
        assert_eq!(db.code().as_deref(), Some("23514"), "{stage}/{class}: {db}");
    }
    let known = sqlx::query(insert)
        .bind(FailureStage::Parse.as_str())
        .bind(FailureClass::Panic.as_str())
        .execute(&pool)
        .await;
    assert!(known.is_ok(), "{known:?}");
}

/// A failure of one invented wire URL.
fn failed(
    url: String,
    stage: FailureStage,
    class: FailureClass,
    at: chrono::DateTime<chrono::Utc>,
) -> Outcome {
    Outcome::Failed(Failure {
        source: "wire".into(),
        url,
        stage,
        class,
        reason: "invented reason".into(),
        at,
    })
}

#[sqlx::test(migrations = "../../migrations")]
async fn the_write_path_stores_every_stage_and_class(pool: PgPool) {
    let store = store(pool.clone()).await;
    let outcomes: Vec<Outcome> = FailureStage::ALL
        .iter()
        .zip(FailureClass::ALL.iter().cycle())
        .enumerate()
        .map(|(i, (stage, class))| {
            failed(
                format!("https://wire.example/en/{i}"),
                *stage,
                *class,
                at(2, 9),
            )
        })
        .collect();
    let stats = store.write_batch(&outcomes).await.unwrap();
    assert_eq!(stats.failures, FailureStage::ALL.len() as u64);
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT stage, class FROM failures ORDER BY url")
            .fetch_all(&pool)
            .await
            .unwrap();
    let expected: Vec<(String, String)> = FailureStage::ALL
        .iter()
        .zip(FailureClass::ALL.iter())
        .map(|(s, c)| (s.as_str().to_string(), c.as_str().to_string()))
        .collect();
    assert_eq!(rows, expected);
    // Every class passes the constraint through the same path.
    let classes: Vec<Outcome> = FailureClass::ALL
        .iter()
        .enumerate()
        .map(|(i, class)| {
            let url = format!("https://wire.example/class/{i:02}");
            failed(url, FailureStage::Fetch, *class, at(2, 10))
        })
        .collect();
    let stats = store.write_batch(&classes).await.unwrap();
    assert_eq!(stats.failures, FailureClass::ALL.len() as u64);
}
