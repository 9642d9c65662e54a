-- smic-store schema version 1 (PostgreSQL). The SQLite file of the same number
-- creates the same tables, columns and indexes; only the type names differ.
CREATE TABLE notifications (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    received_at_us BIGINT NOT NULL,
    source_addr TEXT NOT NULL,
    source_port INTEGER NOT NULL,
    transport TEXT NOT NULL,
    snmp_version TEXT NOT NULL,
    pdu_kind TEXT NOT NULL,
    community BYTEA,
    security_name BYTEA,
    security_level TEXT,
    engine_id BYTEA,
    context_engine_id BYTEA,
    context_name BYTEA,
    request_id INTEGER,
    trap_oid TEXT NOT NULL,
    trap_name TEXT,
    uptime BIGINT NOT NULL,
    v1_enterprise TEXT,
    v1_agent_addr TEXT,
    v1_generic INTEGER,
    v1_specific INTEGER,
    raw_message BYTEA,
    dedup_key BYTEA NOT NULL UNIQUE
);

CREATE TABLE varbinds (
    notification_id BIGINT NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    oid TEXT NOT NULL,
    name TEXT,
    ber_type INTEGER NOT NULL,
    value_text TEXT NOT NULL,
    value_raw BYTEA NOT NULL,
    PRIMARY KEY (notification_id, position)
);

CREATE INDEX notifications_received_at ON notifications (received_at_us);
CREATE INDEX notifications_source ON notifications (source_addr, received_at_us);
CREATE INDEX notifications_trap_name ON notifications (trap_name, received_at_us);
