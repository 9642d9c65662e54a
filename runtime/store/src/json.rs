//! Stored notifications as JSON, one shape for every consumer.

use serde_json::{Value, json};

use crate::{Security, StoredNotification};

impl StoredNotification {
    /// The row as JSON: what `smic traps --format json` prints a line of, and what
    /// `smic trapd`'s actions are given. Strings that are not UTF-8 (communities, user
    /// names) are shown lossily; engine IDs in hexadecimal.
    ///
    /// ```
    /// # use smic_store::{NotificationRecord, StoredNotification};
    /// # fn demo(row: StoredNotification) {
    /// let json = row.to_json();
    /// assert_eq!(json["id"], row.id);
    /// # }
    /// ```
    pub fn to_json(&self) -> Value {
        let (row, record) = (self, &self.record);
        let mut security = match &record.security {
            Security::Community(community) => {
                json!({ "community": String::from_utf8_lossy(community) })
            }
            Security::Usm {
                user,
                level,
                engine_id,
                context_engine_id,
                context_name,
            } => json!({
                "user": String::from_utf8_lossy(user),
                "level": level.as_str(),
                "engine_id": hex(engine_id),
                "context_engine_id": hex(context_engine_id),
                "context_name": String::from_utf8_lossy(context_name),
            }),
        };
        if let Value::Object(fields) = &mut security {
            fields.insert("version".into(), json!(record.version.as_str()));
        }
        json!({
            "id": row.id,
            "received_at": humantime::format_rfc3339_micros(record.received_at).to_string(),
            "source": record.source,
            "source_port": record.source_port,
            "transport": record.transport,
            "security": security,
            "kind": record.kind.as_str(),
            "request_id": record.request_id,
            "trap_oid": record.trap_oid,
            "trap_name": record.trap_name,
            "uptime": record.uptime,
            "v1": record.v1.as_ref().map(|v1| json!({
                "enterprise": v1.enterprise,
                "agent_addr": v1.agent_addr,
                "generic": v1.generic,
                "specific": v1.specific,
            })),
            "varbinds": record.varbinds.iter().map(|vb| json!({
                "oid": vb.oid,
                "name": vb.name,
                "type": vb.ber_type,
                "value": vb.value,
            })).collect::<Vec<_>>(),
        })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
