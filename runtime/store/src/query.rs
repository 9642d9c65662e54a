//! Reading notifications back: the filter, the SQL both backends share, and rows
//! turned into records again.

use std::time::SystemTime;

use crate::error::StoreError;
use crate::record::{
    NotificationRecord, PduKind, Security, SecurityLevel, SnmpVersion, V1Trap, VarbindRecord,
    from_micros, to_micros,
};

/// Which notifications to list. Every filter set must hold; none set lists all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    /// Received at or after.
    pub since: Option<SystemTime>,
    /// Received before.
    pub until: Option<SystemTime>,
    /// From this address (exactly as stored: an IP address as text).
    pub source: Option<String>,
    /// With this trap name (`IF-MIB::linkDown`) or `snmpTrapOID.0` (dotted decimal).
    pub trap: Option<String>,
    /// With an id greater than this: the cursor of [`crate::Reader::follow`].
    pub after_id: Option<i64>,
    /// At most this many (default [`Query::DEFAULT_LIMIT`]).
    pub limit: Option<u32>,
    /// Newest first (the default is oldest first, in id order).
    pub newest_first: bool,
}

impl Query {
    /// The most rows a query returns when it names no limit.
    pub const DEFAULT_LIMIT: u32 = 1000;
}

/// A notification read back, with its row id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredNotification {
    /// `notifications.id`.
    pub id: i64,
    /// What was stored.
    pub record: NotificationRecord,
}

/// A query parameter.
#[derive(Clone, Debug)]
pub(crate) enum Param {
    Int(i64),
    Text(String),
}

/// The columns of `notifications`, in the order [`NotificationRow`] reads them.
pub(crate) const NOTIFICATION_COLUMNS: &str = "id, received_at_us, source_addr, source_port, \
     transport, snmp_version, pdu_kind, community, security_name, security_level, engine_id, \
     context_engine_id, context_name, request_id, trap_oid, trap_name, uptime, v1_enterprise, \
     v1_agent_addr, v1_generic, v1_specific, raw_message";

/// The columns written on insert, in the order the backends bind them.
pub(crate) const INSERT_COLUMNS: &str = "received_at_us, source_addr, source_port, transport, \
     snmp_version, pdu_kind, community, security_name, security_level, engine_id, \
     context_engine_id, context_name, request_id, trap_oid, trap_name, uptime, v1_enterprise, \
     v1_agent_addr, v1_generic, v1_specific, raw_message, dedup_key";

/// The number of [`INSERT_COLUMNS`].
pub(crate) const INSERT_ARITY: usize = 22;

/// SQLite's one-row `INSERT … ON CONFLICT DO NOTHING`, placeholders written by
/// `placeholder(n)` (1-based).
pub(crate) fn insert_sql(placeholder: fn(usize) -> String) -> String {
    let values: Vec<String> = (1..=INSERT_ARITY).map(placeholder).collect();
    format!(
        "INSERT INTO notifications ({INSERT_COLUMNS}) VALUES ({}) ON CONFLICT (dedup_key) DO NOTHING",
        values.join(", ")
    )
}

/// The `SELECT` of notifications matching `query`, and its parameters.
pub(crate) fn select_sql(query: &Query, placeholder: fn(usize) -> String) -> (String, Vec<Param>) {
    let mut conditions = Vec::new();
    let mut params = Vec::new();
    let mut push = |condition: &dyn Fn(&str) -> String, param: Param| {
        params.push(param);
        conditions.push(condition(&placeholder(params.len())));
    };
    if let Some(since) = query.since {
        push(
            &|p| format!("received_at_us >= {p}"),
            Param::Int(to_micros(since)),
        );
    }
    if let Some(until) = query.until {
        push(
            &|p| format!("received_at_us < {p}"),
            Param::Int(to_micros(until)),
        );
    }
    if let Some(source) = &query.source {
        push(
            &|p| format!("source_addr = {p}"),
            Param::Text(source.clone()),
        );
    }
    if let Some(trap) = &query.trap {
        let column = if trap.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            "trap_oid"
        } else {
            "trap_name"
        };
        push(&|p| format!("{column} = {p}"), Param::Text(trap.clone()));
    }
    if let Some(after) = query.after_id {
        push(&|p| format!("id > {p}"), Param::Int(after));
    }
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    };
    let order = if query.newest_first { "DESC" } else { "ASC" };
    let limit = query.limit.unwrap_or(Query::DEFAULT_LIMIT);
    (
        format!(
            "SELECT {NOTIFICATION_COLUMNS} FROM notifications{filter} ORDER BY id {order} LIMIT {limit}"
        ),
        params,
    )
}

/// The varbinds of the notifications with these ids, in chunks of at most 1000 ids
/// (the ids come from the database, so writing them into the SQL is safe).
pub(crate) fn varbinds_sql(rows: &[NotificationRow]) -> Vec<String> {
    rows.chunks(1000)
        .map(|chunk| {
            let ids: Vec<String> = chunk.iter().map(|row| row.id.to_string()).collect();
            format!(
                "SELECT notification_id, position, oid, name, ber_type, value_text, value_raw \
                 FROM varbinds WHERE notification_id IN ({}) ORDER BY notification_id, position",
                ids.join(", ")
            )
        })
        .collect()
}

/// One `notifications` row as read, before it is checked.
#[derive(Debug)]
pub(crate) struct NotificationRow {
    pub(crate) id: i64,
    pub(crate) received_at_us: i64,
    pub(crate) source_addr: String,
    pub(crate) source_port: i64,
    pub(crate) transport: String,
    pub(crate) snmp_version: String,
    pub(crate) pdu_kind: String,
    pub(crate) community: Option<Vec<u8>>,
    pub(crate) security_name: Option<Vec<u8>>,
    pub(crate) security_level: Option<String>,
    pub(crate) engine_id: Option<Vec<u8>>,
    pub(crate) context_engine_id: Option<Vec<u8>>,
    pub(crate) context_name: Option<Vec<u8>>,
    pub(crate) request_id: Option<i64>,
    pub(crate) trap_oid: String,
    pub(crate) trap_name: Option<String>,
    pub(crate) uptime: i64,
    pub(crate) v1_enterprise: Option<String>,
    pub(crate) v1_agent_addr: Option<String>,
    pub(crate) v1_generic: Option<i64>,
    pub(crate) v1_specific: Option<i64>,
    pub(crate) raw_message: Option<Vec<u8>>,
}

/// One `varbinds` row as read.
#[derive(Debug)]
pub(crate) struct VarbindRow {
    pub(crate) notification_id: i64,
    pub(crate) oid: String,
    pub(crate) name: Option<String>,
    pub(crate) ber_type: i64,
    pub(crate) value: String,
    pub(crate) raw: Vec<u8>,
}

impl NotificationRow {
    /// The record, with the varbinds read for it.
    pub(crate) fn into_stored(
        self,
        varbinds: Vec<VarbindRecord>,
    ) -> Result<StoredNotification, StoreError> {
        let id = self.id;
        let bad = |column: &'static str, value: &dyn std::fmt::Debug| StoreError::BadRow {
            id,
            column,
            value: format!("{value:?}"),
        };
        let version = SnmpVersion::parse(&self.snmp_version)
            .ok_or_else(|| bad("snmp_version", &self.snmp_version))?;
        let kind = PduKind::parse(&self.pdu_kind).ok_or_else(|| bad("pdu_kind", &self.pdu_kind))?;
        let security = match (self.community, self.security_level) {
            (Some(community), None) => Security::Community(community),
            (None, Some(level)) => Security::Usm {
                level: SecurityLevel::parse(&level).ok_or_else(|| bad("security_level", &level))?,
                user: self.security_name.unwrap_or_default(),
                engine_id: self.engine_id.unwrap_or_default(),
                context_engine_id: self.context_engine_id.unwrap_or_default(),
                context_name: self.context_name.unwrap_or_default(),
            },
            (community, level) => return Err(bad("community", &(community, level))),
        };
        let v1 = match (self.v1_enterprise, self.v1_agent_addr) {
            (Some(enterprise), Some(agent_addr)) => Some(V1Trap {
                enterprise,
                agent_addr,
                generic: narrow(self.v1_generic.unwrap_or(0))
                    .ok_or_else(|| bad("v1_generic", &self.v1_generic))?,
                specific: narrow(self.v1_specific.unwrap_or(0))
                    .ok_or_else(|| bad("v1_specific", &self.v1_specific))?,
            }),
            _ => None,
        };
        let request_id = match self.request_id {
            Some(n) => Some(narrow(n).ok_or_else(|| bad("request_id", &n))?),
            None => None,
        };
        Ok(StoredNotification {
            id,
            record: NotificationRecord {
                received_at: from_micros(self.received_at_us),
                source: self.source_addr,
                source_port: u16::try_from(self.source_port)
                    .map_err(|_| bad("source_port", &self.source_port))?,
                transport: self.transport,
                version,
                security,
                kind,
                request_id,
                trap_oid: self.trap_oid,
                trap_name: self.trap_name,
                uptime: u32::try_from(self.uptime).map_err(|_| bad("uptime", &self.uptime))?,
                v1,
                raw_message: self.raw_message,
                varbinds,
            },
        })
    }
}

fn narrow(n: i64) -> Option<i32> {
    i32::try_from(n).ok()
}

/// Joins rows and their varbinds (both in id order, varbinds in position order).
pub(crate) fn assemble(
    rows: Vec<NotificationRow>,
    varbinds: Vec<VarbindRow>,
) -> Result<Vec<StoredNotification>, StoreError> {
    let mut by_id: std::collections::HashMap<i64, Vec<VarbindRecord>> =
        std::collections::HashMap::with_capacity(rows.len());
    for row in &rows {
        by_id.insert(row.id, Vec::new());
    }
    for vb in varbinds {
        if let Some(list) = by_id.get_mut(&vb.notification_id) {
            let ber_type = u8::try_from(vb.ber_type).map_err(|_| StoreError::BadRow {
                id: vb.notification_id,
                column: "ber_type",
                value: vb.ber_type.to_string(),
            })?;
            list.push(VarbindRecord {
                oid: vb.oid,
                name: vb.name,
                ber_type,
                value: vb.value,
                raw: vb.raw,
            });
        }
    }
    rows.into_iter()
        .map(|row| {
            let varbinds = by_id.remove(&row.id).unwrap_or_default();
            row.into_stored(varbinds)
        })
        .collect()
}

/// The columns a record's security fills in (the others stay NULL).
pub(crate) struct SecurityColumns<'a> {
    pub(crate) community: Option<&'a [u8]>,
    pub(crate) user: Option<&'a [u8]>,
    pub(crate) level: Option<&'static str>,
    pub(crate) engine_id: Option<&'a [u8]>,
    pub(crate) context_engine_id: Option<&'a [u8]>,
    pub(crate) context_name: Option<&'a [u8]>,
}

impl SecurityColumns<'_> {
    pub(crate) fn of(security: &Security) -> SecurityColumns<'_> {
        match security {
            Security::Community(community) => SecurityColumns {
                community: Some(community),
                user: None,
                level: None,
                engine_id: None,
                context_engine_id: None,
                context_name: None,
            },
            Security::Usm {
                user,
                level,
                engine_id,
                context_engine_id,
                context_name,
            } => SecurityColumns {
                community: None,
                user: Some(user),
                level: Some(level.as_str()),
                engine_id: Some(engine_id),
                context_engine_id: Some(context_engine_id),
                context_name: Some(context_name),
            },
        }
    }
}
