//! What can go wrong.

use crate::record::NotificationRecord;

/// Why the store could not be opened, a record not stored, or a query not answered.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL is neither a PostgreSQL URL nor a usable SQLite path.
    #[error("bad database URL {url:?}: {reason}")]
    Url {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// SQLite refused.
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL refused, or the connection failed.
    #[error("PostgreSQL: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    /// The database has a schema newer than this program knows.
    #[error("the database's schema is version {found}; this program knows up to {known}")]
    SchemaTooNew {
        /// The version found.
        found: i64,
        /// The newest version this program has migrations for.
        known: i64,
    },
    /// The database was never migrated (opened read-only before any writer ran).
    #[error("the database has no smic-store schema")]
    NoSchema,
    /// A row read back does not fit the record type (a text column with an unknown value).
    #[error("row {id}: column {column} holds {value:?}, which this program does not know")]
    BadRow {
        /// The notification's id.
        id: i64,
        /// The column.
        column: &'static str,
        /// What it holds.
        value: String,
    },
    /// This record was refused by the database for a reason retrying cannot fix
    /// (the rest of its batch was stored).
    #[error("record refused by the database: {0}")]
    Rejected(String),
    /// The writer has stopped (the store was closed).
    #[error("the store's writer has stopped")]
    Closed,
    /// A blocking SQLite call could not run (the runtime is shutting down).
    #[error("the SQLite worker did not finish: {0}")]
    Worker(String),
}

/// Why [`crate::Store::try_submit`] did not take a record; it is handed back.
#[derive(Debug, thiserror::Error)]
pub enum TrySubmitError {
    /// The queue is at its bound: the record was dropped (and counted and logged).
    #[error("the store's queue is full")]
    Full(Box<NotificationRecord>),
    /// The writer has stopped.
    #[error("the store's writer has stopped")]
    Closed(Box<NotificationRecord>),
}
