//! The schema, as numbered migrations. A store at version N applies migrations N+1.. at open,
//! in one transaction, and refuses a store whose version is newer than this build knows.
//! Times are milliseconds since 1970 by the store's own clock (PostgreSQL's on a shared store,
//! so workers on machines whose clocks differ agree on when a lease expires).

/// Migration `i` takes the schema from version `i` to `i + 1`. Plain SQL both backends run.
pub(crate) const MIGRATIONS: [&str; 1] = ["
CREATE TABLE doku_batch_rows (
    batch_id TEXT NOT NULL,
    invoice_number TEXT NOT NULL,
    line INTEGER NOT NULL,
    original_request_id TEXT NOT NULL,
    note TEXT NOT NULL,
    request_id TEXT,
    lease_owner TEXT,
    lease_until_ms BIGINT,
    claims INTEGER NOT NULL DEFAULT 0,
    outcome TEXT,
    settled BOOLEAN NOT NULL DEFAULT FALSE,
    http_status INTEGER,
    replayed BOOLEAN NOT NULL DEFAULT FALSE,
    message TEXT NOT NULL DEFAULT '',
    failed_at_ms BIGINT,
    PRIMARY KEY (batch_id, invoice_number)
);
CREATE INDEX doku_batch_rows_open ON doku_batch_rows (batch_id, settled, line);
CREATE TABLE doku_orders (
    invoice_number TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    transaction_status TEXT,
    order_status TEXT,
    original_request_id TEXT,
    checked_at_ms BIGINT NOT NULL,
    changed_at_ms BIGINT NOT NULL
);
CREATE TABLE doku_order_history (
    invoice_number TEXT NOT NULL,
    observed_at_ms BIGINT NOT NULL,
    transition TEXT NOT NULL,
    state TEXT NOT NULL,
    transaction_status TEXT,
    order_status TEXT
);
CREATE INDEX doku_order_history_invoice ON doku_order_history (invoice_number, observed_at_ms);
"];

/// The version this build writes.
pub(crate) const VERSION: i64 = MIGRATIONS.len() as i64;

/// The refusal for a store a newer build wrote.
pub(crate) fn too_new(found: i64) -> doku_checkout::Error {
    doku_checkout::Error::config(format!(
        "the store's schema is version {found}, newer than this doku-checkout knows ({VERSION}): upgrade doku-checkout"
    ))
}
