//! The schema's versions: SQL files embedded in the program, applied in order on
//! start, each recorded in `smic_schema_migrations`.

/// One schema version, in each backend's dialect.
pub(crate) struct Migration {
    pub(crate) version: i64,
    pub(crate) name: &'static str,
    pub(crate) sqlite: &'static str,
    pub(crate) postgres: &'static str,
}

/// Every version, oldest first. A new version is a new pair of files and a new entry
/// here; files already released are never edited.
pub(crate) const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "notifications",
    sqlite: include_str!("../migrations/sqlite/0001_notifications.sql"),
    postgres: include_str!("../migrations/postgres/0001_notifications.sql"),
}];

/// The newest version this program knows.
pub(crate) fn latest() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// The table that records which versions were applied (the same on both backends).
pub(crate) const CREATE_MIGRATIONS_TABLE: &str =
    "CREATE TABLE IF NOT EXISTS smic_schema_migrations (
    version BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at_us BIGINT NOT NULL
)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_consecutive_from_one() {
        for (i, migration) in MIGRATIONS.iter().enumerate() {
            assert_eq!(migration.version, i as i64 + 1, "{}", migration.name);
            assert!(!migration.sqlite.trim().is_empty());
            assert!(!migration.postgres.trim().is_empty());
        }
        assert_eq!(latest(), MIGRATIONS.len() as i64);
    }

    /// The two dialects create the same tables, columns and indexes, in the same order.
    #[test]
    fn both_dialects_have_the_same_columns() {
        fn names(sql: &str) -> Vec<String> {
            sql.lines()
                .map(str::trim)
                .filter(|line| !line.starts_with("--") && !line.is_empty())
                .filter_map(|line| line.split_whitespace().next())
                .filter(|word| word.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
                .map(str::to_owned)
                .collect()
        }
        for migration in MIGRATIONS {
            let sqlite = names(migration.sqlite);
            assert!(sqlite.len() > 10, "{sqlite:?}");
            assert_eq!(sqlite, names(migration.postgres), "{}", migration.name);
        }
    }
}
