-- smic-store schema version 1 (SQLite). The PostgreSQL file of the same number
-- creates the same tables, columns and indexes; only the type names differ.
CREATE TABLE notifications (
    -- AUTOINCREMENT: ids are never reused, so "rows after id N" is a cursor that holds.
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at_us INTEGER NOT NULL,
    source_addr TEXT NOT NULL,
    source_port INTEGER NOT NULL,
    transport TEXT NOT NULL,
    snmp_version TEXT NOT NULL,
    pdu_kind TEXT NOT NULL,
    community BLOB,
    security_name BLOB,
    security_level TEXT,
    engine_id BLOB,
    context_engine_id BLOB,
    context_name BLOB,
    request_id INTEGER,
    trap_oid TEXT NOT NULL,
    trap_name TEXT,
    uptime INTEGER NOT NULL,
    v1_enterprise TEXT,
    v1_agent_addr TEXT,
    v1_generic INTEGER,
    v1_specific INTEGER,
    raw_message BLOB,
    dedup_key BLOB NOT NULL UNIQUE
);

CREATE TABLE varbinds (
    notification_id INTEGER NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    oid TEXT NOT NULL,
    name TEXT,
    ber_type INTEGER NOT NULL,
    value_text TEXT NOT NULL,
    value_raw BLOB NOT NULL,
    PRIMARY KEY (notification_id, position)
) WITHOUT ROWID;

CREATE INDEX notifications_received_at ON notifications (received_at_us);
CREATE INDEX notifications_source ON notifications (source_addr, received_at_us);
CREATE INDEX notifications_trap_name ON notifications (trap_name, received_at_us);
