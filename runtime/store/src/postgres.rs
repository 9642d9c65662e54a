//! The PostgreSQL backend: one connection per writer, reconnected with back-off when
//! the server goes away. A batch is one transaction of two multi-row INSERTs: its
//! notifications, then all their varbinds (each an `unnest` of one array per column).

use std::sync::Arc;
use std::time::SystemTime;

use std::collections::HashMap;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, IsolationLevel, NoTls, Statement};

use crate::error::StoreError;
use crate::migrate::{CREATE_MIGRATIONS_TABLE, MIGRATIONS, latest};
use crate::query::{
    INSERT_COLUMNS, NotificationRow, Param, Query, SecurityColumns, StoredNotification, VarbindRow,
    assemble, select_sql, varbinds_sql,
};
use crate::record::to_micros;
use crate::writer::{Backend, Entry, Stored, WriteError};

fn placeholder(n: usize) -> String {
    format!("${n}")
}

/// Serializes migrations across processes (any constant; "smic" in ASCII).
const MIGRATION_LOCK: i64 = 0x736d_6963;

/// Every notification of a batch in one statement: one array per column.
fn insert_notifications_sql() -> String {
    format!(
        "INSERT INTO notifications ({INSERT_COLUMNS}) SELECT * FROM unnest(\
         $1::bigint[], $2::text[], $3::integer[], $4::text[], $5::text[], $6::text[], \
         $7::bytea[], $8::bytea[], $9::text[], $10::bytea[], $11::bytea[], $12::bytea[], \
         $13::integer[], $14::text[], $15::text[], $16::bigint[], $17::text[], $18::text[], \
         $19::integer[], $20::integer[], $21::bytea[], $22::bytea[]) \
         ON CONFLICT (dedup_key) DO NOTHING RETURNING id, dedup_key"
    )
}

const INSERT_VARBINDS: &str = "INSERT INTO varbinds \
     (notification_id, position, oid, name, ber_type, value_text, value_raw) \
     SELECT * FROM unnest($1::bigint[], $2::integer[], $3::text[], $4::text[], $5::integer[], \
     $6::text[], $7::bytea[])";

/// Connects to `url`; the connection's I/O runs on a task of its own.
pub(crate) async fn connect(url: &str) -> Result<Client, tokio_postgres::Error> {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await?;
    tokio::spawn(async move {
        if let Err(error) = connection.await {
            tracing::warn!(%error, "PostgreSQL connection closed");
        }
    });
    Ok(client)
}

/// Applies the migrations the database lacks, under an advisory lock so that several
/// daemons starting together migrate once.
pub(crate) async fn migrate(client: &mut Client) -> Result<i64, StoreError> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    tx.batch_execute(CREATE_MIGRATIONS_TABLE).await?;
    let current: i64 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0)::bigint FROM smic_schema_migrations",
            &[],
        )
        .await?
        .get(0);
    if current > latest() {
        return Err(StoreError::SchemaTooNew {
            found: current,
            known: latest(),
        });
    }
    for migration in MIGRATIONS.iter().filter(|m| m.version > current) {
        tx.batch_execute(migration.postgres).await?;
        tx.execute(
            "INSERT INTO smic_schema_migrations (version, name, applied_at_us) VALUES ($1, $2, $3)",
            &[
                &migration.version,
                &migration.name,
                &to_micros(SystemTime::now()),
            ],
        )
        .await?;
        tracing::info!(
            version = migration.version,
            name = migration.name,
            "PostgreSQL schema migrated"
        );
    }
    tx.commit().await?;
    Ok(latest())
}

/// PostgreSQL failures that pass: no SQLSTATE at all (the connection broke), a
/// connection exception (08), insufficient resources (53), the server shutting down
/// or starting (57P), serialization failures and deadlocks (40001, 40P01).
fn transient(error: &tokio_postgres::Error) -> bool {
    match error.code() {
        None => true,
        Some(state) => {
            let code = state.code();
            code.starts_with("08")
                || code.starts_with("53")
                || code.starts_with("57P")
                || code == "40001"
                || code == "40P01"
        }
    }
}

fn write_error(error: tokio_postgres::Error) -> WriteError {
    WriteError {
        transient: transient(&error),
        error: error.into(),
    }
}

/// The writer's connection and its prepared statements (none while disconnected).
pub(crate) struct PgWriter {
    url: String,
    connected: Option<(Client, Statement, Statement)>,
}

impl PgWriter {
    /// A writer on an opened, migrated connection.
    pub(crate) async fn new(url: String, client: Client) -> Result<PgWriter, StoreError> {
        let statements = prepare(&client).await?;
        Ok(PgWriter {
            url,
            connected: Some((client, statements.0, statements.1)),
        })
    }
}

async fn prepare(client: &Client) -> Result<(Statement, Statement), tokio_postgres::Error> {
    let insert = client.prepare(&insert_notifications_sql()).await?;
    let varbinds = client.prepare(INSERT_VARBINDS).await?;
    Ok((insert, varbinds))
}

/// The batch's notifications, inserted in one statement: the id of each entry, or
/// `None` for a key already stored (or repeated earlier in the batch).
async fn insert_notifications(
    tx: &tokio_postgres::Transaction<'_>,
    statement: &Statement,
    batch: &[Arc<Entry>],
) -> Result<Vec<Option<i64>>, tokio_postgres::Error> {
    let records = || batch.iter().map(|entry| &entry.record);
    let security: Vec<SecurityColumns<'_>> = records()
        .map(|r| SecurityColumns::of(&r.security))
        .collect();
    let v1 = || records().map(|r| r.v1.as_ref());
    let received: Vec<i64> = records().map(|r| to_micros(r.received_at)).collect();
    let sources: Vec<&str> = records().map(|r| r.source.as_str()).collect();
    let ports: Vec<i32> = records().map(|r| i32::from(r.source_port)).collect();
    let transports: Vec<&str> = records().map(|r| r.transport.as_str()).collect();
    let versions: Vec<&str> = records().map(|r| r.version.as_str()).collect();
    let kinds: Vec<&str> = records().map(|r| r.kind.as_str()).collect();
    let communities: Vec<Option<&[u8]>> = security.iter().map(|s| s.community).collect();
    let users: Vec<Option<&[u8]>> = security.iter().map(|s| s.user).collect();
    let levels: Vec<Option<&str>> = security.iter().map(|s| s.level).collect();
    let engines: Vec<Option<&[u8]>> = security.iter().map(|s| s.engine_id).collect();
    let context_engines: Vec<Option<&[u8]>> =
        security.iter().map(|s| s.context_engine_id).collect();
    let context_names: Vec<Option<&[u8]>> = security.iter().map(|s| s.context_name).collect();
    let request_ids: Vec<Option<i32>> = records().map(|r| r.request_id).collect();
    let trap_oids: Vec<&str> = records().map(|r| r.trap_oid.as_str()).collect();
    let trap_names: Vec<Option<&str>> = records().map(|r| r.trap_name.as_deref()).collect();
    let uptimes: Vec<i64> = records().map(|r| i64::from(r.uptime)).collect();
    let enterprises: Vec<Option<&str>> = v1().map(|v| v.map(|v| v.enterprise.as_str())).collect();
    let agents: Vec<Option<&str>> = v1().map(|v| v.map(|v| v.agent_addr.as_str())).collect();
    let generics: Vec<Option<i32>> = v1().map(|v| v.map(|v| v.generic)).collect();
    let specifics: Vec<Option<i32>> = v1().map(|v| v.map(|v| v.specific)).collect();
    let raws: Vec<Option<&[u8]>> = records().map(|r| r.raw_message.as_deref()).collect();
    let keys: Vec<&[u8]> = batch.iter().map(|entry| &entry.key[..]).collect();
    let params: [&(dyn ToSql + Sync); crate::query::INSERT_ARITY] = [
        &received,
        &sources,
        &ports,
        &transports,
        &versions,
        &kinds,
        &communities,
        &users,
        &levels,
        &engines,
        &context_engines,
        &context_names,
        &request_ids,
        &trap_oids,
        &trap_names,
        &uptimes,
        &enterprises,
        &agents,
        &generics,
        &specifics,
        &raws,
        &keys,
    ];
    let mut inserted: HashMap<Vec<u8>, i64> = HashMap::with_capacity(batch.len());
    for row in tx.query(statement, &params).await? {
        inserted.insert(row.try_get(1)?, row.try_get(0)?);
    }
    // Keys are unique, so each inserted row belongs to the first entry with its key;
    // a later entry with the same key (an inform retransmitted within the batch) is
    // the duplicate.
    Ok(batch
        .iter()
        .map(|entry| inserted.remove(&entry.key[..]))
        .collect())
}

impl Backend for PgWriter {
    async fn write(&mut self, batch: Vec<Arc<Entry>>) -> Result<Vec<Stored>, WriteError> {
        let Some((client, insert, insert_varbinds)) = self.connected.as_mut() else {
            return Err(WriteError {
                transient: true,
                error: StoreError::Closed,
            });
        };
        let tx = client.transaction().await.map_err(write_error)?;
        let ids = insert_notifications(&tx, insert, &batch)
            .await
            .map_err(write_error)?;
        let mut notification_ids = Vec::new();
        let mut positions = Vec::new();
        let mut oids = Vec::new();
        let mut names = Vec::new();
        let mut types = Vec::new();
        let mut values = Vec::new();
        let mut raws = Vec::new();
        for (entry, id) in batch.iter().zip(&ids) {
            let Some(id) = id else { continue };
            for (position, vb) in entry.record.varbinds.iter().enumerate() {
                notification_ids.push(*id);
                positions.push(i32::try_from(position).unwrap_or(i32::MAX));
                oids.push(vb.oid.as_str());
                names.push(vb.name.as_deref());
                types.push(i32::from(vb.ber_type));
                values.push(vb.value.as_str());
                raws.push(vb.raw.as_slice());
            }
        }
        if !notification_ids.is_empty() {
            tx.execute(
                &*insert_varbinds,
                &[
                    &notification_ids,
                    &positions,
                    &oids,
                    &names,
                    &types,
                    &values,
                    &raws,
                ],
            )
            .await
            .map_err(write_error)?;
        }
        tx.commit().await.map_err(write_error)?;
        Ok(ids
            .into_iter()
            .map(|id| id.map_or(Stored::Duplicate, Stored::Inserted))
            .collect())
    }

    async fn recover(&mut self) -> Result<(), WriteError> {
        self.connected = None;
        let client = connect(&self.url).await.map_err(write_error)?;
        let (insert, varbinds) = prepare(&client).await.map_err(write_error)?;
        tracing::info!("reconnected to PostgreSQL");
        self.connected = Some((client, insert, varbinds));
        Ok(())
    }
}

/// The reading side: a connection of its own, opened again when it breaks.
pub(crate) struct PgReader {
    url: String,
    client: tokio::sync::Mutex<Option<Client>>,
}

impl PgReader {
    /// Connects to `url`; the database must hold a schema this program knows.
    pub(crate) async fn open(url: String) -> Result<PgReader, StoreError> {
        let client = connect(&url).await?;
        let exists: bool = client
            .query_one(
                "SELECT to_regclass('smic_schema_migrations') IS NOT NULL",
                &[],
            )
            .await?
            .get(0);
        if !exists {
            return Err(StoreError::NoSchema);
        }
        let found: i64 = client
            .query_one(
                "SELECT COALESCE(MAX(version), 0)::bigint FROM smic_schema_migrations",
                &[],
            )
            .await?
            .get(0);
        if found > latest() {
            return Err(StoreError::SchemaTooNew {
                found,
                known: latest(),
            });
        }
        Ok(PgReader {
            url,
            client: tokio::sync::Mutex::new(Some(client)),
        })
    }

    pub(crate) async fn query(&self, query: &Query) -> Result<Vec<StoredNotification>, StoreError> {
        let mut guard = self.client.lock().await;
        let client = match guard.as_mut() {
            Some(client) if !client.is_closed() => client,
            _ => guard.insert(connect(&self.url).await?),
        };
        match read(client, query).await {
            Ok(rows) => Ok(rows),
            Err(error) => {
                if client.is_closed() {
                    *guard = None;
                }
                Err(error)
            }
        }
    }
}

/// Both SELECTs in one repeatable-read transaction, so the varbinds match the rows.
async fn read(client: &mut Client, query: &Query) -> Result<Vec<StoredNotification>, StoreError> {
    let tx = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await?;
    let (sql, params) = select_sql(query, placeholder);
    let params: Vec<Box<dyn ToSql + Sync + Send>> = params
        .into_iter()
        .map(|p| -> Box<dyn ToSql + Sync + Send> {
            match p {
                Param::Int(n) => Box::new(n),
                Param::Text(s) => Box::new(s),
            }
        })
        .collect();
    let refs: Vec<&(dyn ToSql + Sync)> =
        params.iter().map(|p| &**p as &(dyn ToSql + Sync)).collect();
    let mut rows = Vec::new();
    for row in tx.query(&sql, &refs).await? {
        rows.push(NotificationRow {
            id: row.try_get(0)?,
            received_at_us: row.try_get(1)?,
            source_addr: row.try_get(2)?,
            source_port: i64::from(row.try_get::<_, i32>(3)?),
            transport: row.try_get(4)?,
            snmp_version: row.try_get(5)?,
            pdu_kind: row.try_get(6)?,
            community: row.try_get(7)?,
            security_name: row.try_get(8)?,
            security_level: row.try_get(9)?,
            engine_id: row.try_get(10)?,
            context_engine_id: row.try_get(11)?,
            context_name: row.try_get(12)?,
            request_id: row.try_get::<_, Option<i32>>(13)?.map(i64::from),
            trap_oid: row.try_get(14)?,
            trap_name: row.try_get(15)?,
            uptime: row.try_get(16)?,
            v1_enterprise: row.try_get(17)?,
            v1_agent_addr: row.try_get(18)?,
            v1_generic: row.try_get::<_, Option<i32>>(19)?.map(i64::from),
            v1_specific: row.try_get::<_, Option<i32>>(20)?.map(i64::from),
            raw_message: row.try_get(21)?,
        });
    }
    let mut varbinds = Vec::new();
    for sql in varbinds_sql(&rows) {
        for row in tx.query(&sql, &[]).await? {
            varbinds.push(VarbindRow {
                notification_id: row.try_get(0)?,
                oid: row.try_get(2)?,
                name: row.try_get(3)?,
                ber_type: i64::from(row.try_get::<_, i32>(4)?),
                value: row.try_get(5)?,
                raw: row.try_get(6)?,
            });
        }
    }
    tx.commit().await?;
    assemble(rows, varbinds)
}
