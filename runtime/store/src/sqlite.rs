//! The SQLite backend: one file in WAL mode, one writing connection used from a
//! blocking thread, one reading connection beside it (WAL lets reads run during writes).

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use rusqlite::{Connection, ErrorCode, OptionalExtension, TransactionBehavior, params};

use crate::config::SqliteSync;
use crate::error::StoreError;
use crate::migrate::{CREATE_MIGRATIONS_TABLE, MIGRATIONS, latest};
use crate::query::{
    NotificationRow, Query, SecurityColumns, StoredNotification, VarbindRow, assemble, insert_sql,
    select_sql, varbinds_sql,
};
use crate::record::{KEY_LEN, to_micros};
use crate::writer::{Backend, Entry, Stored, WriteError};

fn placeholder(n: usize) -> String {
    format!("?{n}")
}

/// How long a connection waits for another's lock before SQLITE_BUSY.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens `path` (creating it), in WAL mode with `sync`, foreign keys on.
pub(crate) fn connect(path: &Path, sync: SqliteSync) -> Result<Connection, StoreError> {
    let connection = Connection::open(path)?;
    connection.busy_timeout(BUSY_TIMEOUT)?;
    let mode: String = connection.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Url {
            url: path.display().to_string(),
            reason: format!("SQLite would not use WAL (journal_mode is {mode})"),
        });
    }
    let sync = match sync {
        SqliteSync::Full => "FULL",
        SqliteSync::Normal => "NORMAL",
    };
    connection.pragma_update(None, "synchronous", sync)?;
    connection.pragma_update(None, "foreign_keys", "ON")?;
    Ok(connection)
}

/// Applies the migrations `connection` lacks, in one immediate transaction (so two
/// processes starting together migrate once).
pub(crate) fn migrate(connection: &mut Connection) -> Result<i64, StoreError> {
    let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch(CREATE_MIGRATIONS_TABLE)?;
    let current: i64 = tx.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM smic_schema_migrations",
        [],
        |row| row.get(0),
    )?;
    if current > latest() {
        return Err(StoreError::SchemaTooNew {
            found: current,
            known: latest(),
        });
    }
    for migration in MIGRATIONS.iter().filter(|m| m.version > current) {
        tx.execute_batch(migration.sqlite)?;
        tx.execute(
            "INSERT INTO smic_schema_migrations (version, name, applied_at_us) VALUES (?1, ?2, ?3)",
            params![
                migration.version,
                migration.name,
                to_micros(SystemTime::now())
            ],
        )?;
        tracing::info!(
            version = migration.version,
            name = migration.name,
            "SQLite schema migrated"
        );
    }
    tx.commit()?;
    Ok(latest())
}

/// The schema version of an opened database (0: none).
fn schema_version(connection: &Connection) -> Result<i64, StoreError> {
    let exists: Option<i64> = connection
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'smic_schema_migrations'",
            [],
            |row| row.get(0),
        )
        .optional()?;
    if exists.is_none() {
        return Ok(0);
    }
    Ok(connection.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM smic_schema_migrations",
        [],
        |row| row.get(0),
    )?)
}

/// The writer's side: the connection moves into a blocking thread for each batch.
pub(crate) struct SqliteWriter {
    connection: Option<Connection>,
    insert: String,
}

impl SqliteWriter {
    pub(crate) fn new(connection: Connection) -> SqliteWriter {
        SqliteWriter {
            connection: Some(connection),
            insert: insert_sql(placeholder),
        }
    }
}

/// SQLite failures that pass: another process holds the lock, the disk is full or
/// failing. Anything else (a constraint, a malformed value) fails the same way again.
fn transient(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(
            ErrorCode::DatabaseBusy
                | ErrorCode::DatabaseLocked
                | ErrorCode::DiskFull
                | ErrorCode::SystemIoFailure
                | ErrorCode::CannotOpen
                | ErrorCode::OutOfMemory
        )
    )
}

fn write_batch(
    connection: &mut Connection,
    insert: &str,
    batch: &[Arc<Entry>],
) -> Result<Vec<Stored>, rusqlite::Error> {
    let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut outcomes = Vec::with_capacity(batch.len());
    {
        let mut notification = tx.prepare_cached(insert)?;
        let mut varbind = tx.prepare_cached(
            "INSERT INTO varbinds (notification_id, position, oid, name, ber_type, value_text, value_raw) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for entry in batch {
            let r = &entry.record;
            let security = SecurityColumns::of(&r.security);
            let v1 = r.v1.as_ref();
            let inserted = notification.execute(params![
                to_micros(r.received_at),
                r.source,
                r.source_port,
                r.transport,
                r.version.as_str(),
                r.kind.as_str(),
                security.community,
                security.user,
                security.level,
                security.engine_id,
                security.context_engine_id,
                security.context_name,
                r.request_id,
                r.trap_oid,
                r.trap_name,
                r.uptime,
                v1.map(|v| &v.enterprise),
                v1.map(|v| &v.agent_addr),
                v1.map(|v| v.generic),
                v1.map(|v| v.specific),
                r.raw_message,
                &entry.key[..],
            ])?;
            if inserted == 0 {
                outcomes.push(Stored::Duplicate);
                continue;
            }
            let id = tx.last_insert_rowid();
            for (position, vb) in r.varbinds.iter().enumerate() {
                varbind.execute(params![
                    id,
                    position as i64,
                    vb.oid,
                    vb.name,
                    vb.ber_type,
                    vb.value,
                    vb.raw
                ])?;
            }
            outcomes.push(Stored::Inserted(id));
        }
    }
    tx.commit()?;
    Ok(outcomes)
}

impl SqliteWriter {
    /// Deletes rows (and their varbinds, by cascade) in one transaction: the spill
    /// file's rows once they are in the database.
    pub(crate) async fn delete(&mut self, ids: Vec<i64>) -> Result<(), StoreError> {
        let Some(mut connection) = self.connection.take() else {
            return Err(StoreError::Closed);
        };
        let task = tokio::task::spawn_blocking(move || {
            let outcome = (|| {
                let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
                {
                    let mut delete =
                        tx.prepare_cached("DELETE FROM notifications WHERE id = ?1")?;
                    for id in &ids {
                        delete.execute(params![id])?;
                    }
                }
                tx.commit()
            })();
            (connection, outcome)
        });
        let (connection, outcome) = task
            .await
            .map_err(|join| StoreError::Worker(join.to_string()))?;
        self.connection = Some(connection);
        Ok(outcome?)
    }
}

impl Backend for SqliteWriter {
    async fn write(&mut self, batch: Vec<Arc<Entry>>) -> Result<Vec<Stored>, WriteError> {
        let Some(mut connection) = self.connection.take() else {
            return Err(WriteError {
                transient: false,
                error: StoreError::Closed,
            });
        };
        let insert = self.insert.clone();
        let task = tokio::task::spawn_blocking(move || {
            let outcome = write_batch(&mut connection, &insert, &batch);
            (connection, outcome)
        });
        match task.await {
            Ok((connection, outcome)) => {
                self.connection = Some(connection);
                outcome.map_err(|error| WriteError {
                    transient: transient(&error),
                    error: error.into(),
                })
            }
            Err(join) => Err(WriteError {
                transient: false,
                error: StoreError::Worker(join.to_string()),
            }),
        }
    }

    async fn recover(&mut self) -> Result<(), WriteError> {
        Ok(())
    }
}

/// The reading side: its own connection, used from blocking threads one call at a time.
#[derive(Clone)]
pub(crate) struct SqliteReader {
    connection: Arc<Mutex<Connection>>,
}

impl SqliteReader {
    /// Opens `path` for reading; it must hold a schema this program knows.
    pub(crate) fn open(path: &Path) -> Result<SqliteReader, StoreError> {
        let connection = Connection::open(path)?;
        connection.busy_timeout(BUSY_TIMEOUT)?;
        match schema_version(&connection)? {
            0 => return Err(StoreError::NoSchema),
            found if found > latest() => {
                return Err(StoreError::SchemaTooNew {
                    found,
                    known: latest(),
                });
            }
            _ => {}
        }
        Ok(SqliteReader {
            connection: Arc::new(Mutex::new(connection)),
        })
    }

    pub(crate) async fn query(&self, query: &Query) -> Result<Vec<StoredNotification>, StoreError> {
        let connection = self.connection.clone();
        let query = query.clone();
        tokio::task::spawn_blocking(move || {
            let mut connection = connection
                .lock()
                .map_err(|_| StoreError::Worker("a reader thread panicked".to_owned()))?;
            read(&mut connection, &query)
        })
        .await
        .map_err(|join| StoreError::Worker(join.to_string()))?
    }
}

impl SqliteReader {
    /// The `dedup_key` of each row, in the order of `ids`.
    pub(crate) async fn keys(&self, ids: Vec<i64>) -> Result<Vec<[u8; KEY_LEN]>, StoreError> {
        let connection = self.connection.clone();
        tokio::task::spawn_blocking(move || {
            let connection = connection
                .lock()
                .map_err(|_| StoreError::Worker("a reader thread panicked".to_owned()))?;
            let mut select =
                connection.prepare_cached("SELECT dedup_key FROM notifications WHERE id = ?1")?;
            ids.iter()
                .map(|id| {
                    let key: Vec<u8> = select.query_row(params![id], |row| row.get(0))?;
                    crate::record::key_of(&key)
                })
                .collect()
        })
        .await
        .map_err(|join| StoreError::Worker(join.to_string()))?
    }
}

/// Both SELECTs in one read transaction, so the varbinds match the rows.
fn read(connection: &mut Connection, query: &Query) -> Result<Vec<StoredNotification>, StoreError> {
    let tx = connection.transaction_with_behavior(TransactionBehavior::Deferred)?;
    let (sql, params) = select_sql(query, placeholder);
    let params: Vec<Box<dyn rusqlite::ToSql>> = params
        .into_iter()
        .map(|p| -> Box<dyn rusqlite::ToSql> {
            match p {
                crate::query::Param::Int(n) => Box::new(n),
                crate::query::Param::Text(s) => Box::new(s),
            }
        })
        .collect();
    let rows = {
        let mut statement = tx.prepare(&sql)?;
        let rows = statement.query_map(rusqlite::params_from_iter(params.iter()), |row| {
            Ok(NotificationRow {
                id: row.get(0)?,
                received_at_us: row.get(1)?,
                source_addr: row.get(2)?,
                source_port: row.get(3)?,
                transport: row.get(4)?,
                snmp_version: row.get(5)?,
                pdu_kind: row.get(6)?,
                community: row.get(7)?,
                security_name: row.get(8)?,
                security_level: row.get(9)?,
                engine_id: row.get(10)?,
                context_engine_id: row.get(11)?,
                context_name: row.get(12)?,
                request_id: row.get(13)?,
                trap_oid: row.get(14)?,
                trap_name: row.get(15)?,
                uptime: row.get(16)?,
                v1_enterprise: row.get(17)?,
                v1_agent_addr: row.get(18)?,
                v1_generic: row.get(19)?,
                v1_specific: row.get(20)?,
                raw_message: row.get(21)?,
            })
        })?;
        rows.collect::<Result<Vec<_>, _>>()?
    };
    let mut varbinds = Vec::new();
    for sql in varbinds_sql(&rows) {
        let mut statement = tx.prepare(&sql)?;
        let found = statement.query_map([], |row| {
            Ok(VarbindRow {
                notification_id: row.get(0)?,
                oid: row.get(2)?,
                name: row.get(3)?,
                ber_type: row.get(4)?,
                value: row.get(5)?,
                raw: row.get(6)?,
            })
        })?;
        for vb in found {
            varbinds.push(vb?);
        }
    }
    tx.commit()?;
    assemble(rows, varbinds)
}
