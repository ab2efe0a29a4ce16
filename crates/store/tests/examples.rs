//! Runs every SQL example of the README's "Example queries" section as the read-only role on
//! fixture data and checks the result shown under it, so the documentation cannot drift from the schema.

mod common;

use common::*;
use sqlx::PgPool;

const README: &str = include_str!("../../../README.md");

/// The README's "Example queries" section.
fn section() -> &'static str {
    let start = README
        .find("## Example queries")
        .expect("the README has an Example queries section");
    let rest = &README[start..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    &rest[..end]
}

/// (query, expected lines) for each ```sql block and the ```text block after it.
fn examples() -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let mut rest = section();
    while let Some(start) = rest.find("```sql\n") {
        let after = &rest[start + 7..];
        let end = after.find("```").expect("closed sql block");
        let sql = after[..end].trim().trim_end_matches(';').to_owned();
        let tail = &after[end + 3..];
        let text_start = tail
            .find("```text\n")
            .expect("every sql block is followed by its result");
        let text = &tail[text_start + 8..];
        let text_end = text.find("```").expect("closed text block");
        let expected = text[..text_end].lines().map(str::to_owned).collect();
        out.push((sql, expected));
        rest = &text[text_end + 3..];
    }
    out
}

#[sqlx::test(migrations = "../../migrations")]
async fn every_sql_example_returns_what_the_document_shows(pool: PgPool) {
    let store = store(pool.clone()).await;
    load_examples_fixture(&store).await;
    let cases = examples();
    assert!(cases.len() >= 8, "found {} examples", cases.len());

    let mut conn = pool.acquire().await.expect("connection");
    sqlx::query("SET TIME ZONE 'UTC'")
        .execute(&mut *conn)
        .await
        .expect("time zone");
    sqlx::query("SET ROLE wirehose_reader")
        .execute(&mut *conn)
        .await
        .expect("reader role");
    let mut failures = Vec::new();
    for (sql, expected) in &cases {
        // Each row rendered as its columns' text joined with " | ", in column order.
        let wrapped = format!(
            "SELECT (SELECT string_agg(coalesce(value, 'NULL'), ' | ' ORDER BY n)
                     FROM json_each_text(row_to_json(t)) WITH ORDINALITY AS c(key, value, n))
             FROM ({sql}) t"
        );
        match sqlx::query_scalar::<_, String>(&wrapped)
            .fetch_all(&mut *conn)
            .await
        {
            Ok(got) if &got == expected => {}
            Ok(got) => failures.push(format!("{sql}\n  expected: {expected:#?}\n  got: {got:#?}")),
            Err(e) => failures.push(format!("{sql}\n  error: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
