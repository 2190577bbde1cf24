//! The store interface's promises, checked on both backends with the same test: loading is
//! idempotent and refuses a changed row; two workers never claim one row; a row's Request-Id is
//! chosen once and a worker taking over an expired lease gets it back (`resend`); a late outcome
//! from a worker whose lease expired does not free its successor's lease; a row that failed is
//! left to workers started after the failure; and a schema newer than this build is refused.
//! PostgreSQL is the one `make test` starts (DOKU_TEST_POSTGRES_URL, see tools/postgres/run.sh).

use std::time::Duration;

use doku_checkout::batch::Outcome;
use doku_checkout_store::{BatchRow, Claim, Claimed, Connection, PostgresStore, SendRecord, SqliteStore, Store};

fn postgres_url() -> String {
    std::env::var("DOKU_TEST_POSTGRES_URL").unwrap_or_else(|_| {
        panic!("DOKU_TEST_POSTGRES_URL is not set: run `make test`, or `tools/postgres/run.sh cargo test ...`, which start PostgreSQL")
    })
}

fn unique(tag: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("{tag}-{}-{}", std::process::id(), nanos % 1_000_000_000)
}

fn rows(tag: &str) -> Vec<BatchRow> {
    (0..3)
        .map(|i| BatchRow {
            line: i + 2,
            invoice_number: format!("INV-{tag}-{i}"),
            original_request_id: format!("create-{i}"),
            note: "stale".into(),
        })
        .collect()
}

fn row(claimed: Claimed) -> Claim {
    match claimed {
        Claimed::Row(claim) => claim,
        other => panic!("expected a row, got {other:?}"),
    }
}

fn sent(outcome: Outcome) -> SendRecord {
    SendRecord { outcome, http_status: Some(200), replayed: false, message: outcome.as_str().into() }
}

async fn promises<S: Store>(store: S) {
    let batch = unique("batch");
    let input = rows(&batch);
    let (mut a, mut b) = (store.connect().await.expect("a"), store.connect().await.expect("b"));
    a.load_batch(&batch, &input).await.expect("load");
    b.load_batch(&batch, &input).await.expect("loading again changes nothing");
    let mut changed = input.clone();
    changed[1].note = "another".into();
    let refused = a.load_batch(&batch, &changed).await.expect_err("a changed row");
    assert!(refused.message().contains("a changed file needs a new --batch-id"), "{}", refused.message());

    let since = a.now_ms().await.expect("clock");
    let short = Duration::from_millis(400);
    let first = row(a.claim(&batch, "w1", short, since, "rid-a").await.expect("claim"));
    assert_eq!(
        (first.invoice_number.as_str(), first.request_id.as_str(), first.resend),
        (input[0].invoice_number.as_str(), "rid-a", false)
    );
    assert_eq!((first.original_request_id.as_str(), first.note.as_str()), ("create-0", "stale"));
    let second = row(b.claim(&batch, "w2", short, since, "rid-b").await.expect("claim"));
    assert_eq!(second.invoice_number, input[1].invoice_number, "another worker gets another row");
    let third = row(b.claim(&batch, "w2", Duration::from_secs(30), since, "rid-c").await.expect("claim"));
    assert_eq!(third.invoice_number, input[2].invoice_number);
    assert!(
        matches!(b.claim(&batch, "w2", short, since, "rid-d").await.expect("claim"), Claimed::Wait(_)),
        "others hold leases: wait"
    );

    // w1 dies holding the first row; once its lease expires w2 takes it over, same Request-Id.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let taken = row(b.claim(&batch, "w2", Duration::from_secs(30), since, "rid-e").await.expect("claim"));
    assert_eq!(
        (taken.invoice_number.as_str(), taken.request_id.as_str(), taken.resend),
        (first.invoice_number.as_str(), "rid-a", true)
    );
    // w1's late outcome (an error) does not free the lease w2 now holds.
    a.record(&batch, "w1", &first, &sent(Outcome::Error)).await.expect("record");
    let next = row(a.claim(&batch, "w3", Duration::from_secs(30), since, "rid-f").await.expect("claim"));
    assert_eq!(
        (next.invoice_number.as_str(), next.request_id.as_str(), next.resend),
        (second.invoice_number.as_str(), "rid-b", true)
    );

    // A failure is left to workers that start after it.
    b.record(&batch, "w2", &taken, &sent(Outcome::Error)).await.expect("record");
    a.record(&batch, "w3", &next, &sent(Outcome::Cancelled)).await.expect("record");
    b.record(&batch, "w2", &third, &sent(Outcome::NotCancellable)).await.expect("record");
    assert_eq!(a.claim(&batch, "w1", short, since, "rid-g").await.expect("claim"), Claimed::Done);
    tokio::time::sleep(Duration::from_millis(5)).await;
    let later = a.now_ms().await.expect("clock");
    let retried = row(a.claim(&batch, "w4", short, later, "rid-h").await.expect("claim"));
    assert_eq!(
        (retried.invoice_number.as_str(), retried.request_id.as_str()),
        (first.invoice_number.as_str(), "rid-a")
    );
    a.record(&batch, "w4", &retried, &sent(Outcome::Cancelled)).await.expect("record");
    // A settled row keeps its outcome against a late one.
    b.record(&batch, "w2", &taken, &sent(Outcome::Error)).await.expect("record");

    let stored = b.batch_rows(&batch).await.expect("rows");
    let seen: Vec<(&str, Option<&str>, Option<Outcome>)> = stored
        .iter()
        .map(|r| (r.invoice_number.as_str(), r.request_id.as_deref(), r.last.as_ref().map(|l| l.outcome)))
        .collect();
    assert_eq!(
        seen,
        [
            (input[0].invoice_number.as_str(), Some("rid-a"), Some(Outcome::Cancelled)),
            (input[1].invoice_number.as_str(), Some("rid-b"), Some(Outcome::Cancelled)),
            (input[2].invoice_number.as_str(), Some("rid-c"), Some(Outcome::NotCancellable)),
        ]
    );
    assert_eq!(a.claim(&batch, "w5", short, later, "rid-i").await.expect("claim"), Claimed::Done);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_keeps_the_promises() {
    let dir = std::env::temp_dir().join(unique("doku-store-sqlite"));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("store.sqlite");
    // A worker opening the file while another holds it (here: mid-transaction on the new file,
    // before it is WAL) waits for it, instead of failing at once with "database is locked".
    let holder = rusqlite::Connection::open(&path).expect("raw");
    holder.execute_batch("BEGIN EXCLUSIVE; CREATE TABLE held (x INTEGER);").expect("hold");
    let opener = std::thread::spawn({
        let path = path.clone();
        move || SqliteStore::open(&path).map(drop)
    });
    std::thread::sleep(Duration::from_millis(300));
    holder.execute_batch("COMMIT").expect("release");
    opener.join().expect("thread").expect("opened once the other let go");
    drop(holder);
    promises(SqliteStore::open(&path).expect("open")).await;
    SqliteStore::open(&path).expect("opening again migrates nothing");
    // A schema a newer build wrote is refused.
    rusqlite::Connection::open(&path).expect("raw").execute_batch("PRAGMA user_version = 99").expect("bump");
    let e = SqliteStore::open(&path).expect_err("too new");
    assert!(e.message().contains("newer than this doku-checkout knows"), "{}", e.message());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_keeps_the_promises() {
    let url = postgres_url();
    promises(PostgresStore::open(&url).await.expect("open")).await;
    // A schema a newer build wrote is refused: in a database of its own.
    let (admin, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.expect("admin");
    tokio::spawn(connection);
    let db = unique("doku_schema").replace('-', "_");
    admin.batch_execute(&format!("CREATE DATABASE {db}")).await.expect("create");
    let scratch = format!("{}/{db}", url.rsplit_once('/').expect("url").0);
    PostgresStore::open(&scratch).await.expect("open");
    PostgresStore::open(&scratch).await.expect("opening again migrates nothing");
    {
        let (c, connection) = tokio_postgres::connect(&scratch, tokio_postgres::NoTls).await.expect("scratch");
        let task = tokio::spawn(connection);
        c.batch_execute("UPDATE doku_schema SET version = 99").await.expect("bump");
        drop(c);
        let _ = task.await;
    }
    let e = PostgresStore::open(&scratch).await.expect_err("too new");
    assert!(e.message().contains("newer than this doku-checkout knows"), "{}", e.message());
    admin.batch_execute(&format!("DROP DATABASE {db} WITH (FORCE)")).await.expect("drop");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_connections_are_tls_verified_against_the_ca() {
    // The test cluster offers TLS with a throwaway CA that PGSSLROOTCERT names: the store's
    // connections (sslmode prefer, the default, and require) use it and verify the server.
    let url = postgres_url();
    assert!(std::env::var_os("PGSSLROOTCERT").is_some(), "tools/postgres/run.sh sets PGSSLROOTCERT");
    let named = format!("{url}?sslmode=require&application_name=doku-tls-{}", std::process::id());
    let store = PostgresStore::open(&named).await.expect("a verified TLS connection");
    let mut conn = store.connect().await.expect("connect");
    conn.now_ms().await.expect("the connection works");
    let (admin, connection) =
        tokio_postgres::connect(&format!("{url}?sslmode=disable"), tokio_postgres::NoTls).await.expect("admin");
    tokio::spawn(connection);
    let ssl: Vec<bool> = admin
        .query(
            "SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.application_name = $1",
            &[&format!("doku-tls-{}", std::process::id())],
        )
        .await
        .expect("pg_stat_ssl")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(!ssl.is_empty() && ssl.iter().all(|s| *s), "the store's connections: {ssl:?}");
    let plain: Vec<bool> = admin
        .query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[])
        .await
        .expect("own")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(plain, [false], "the check itself can tell a plain connection");
}
