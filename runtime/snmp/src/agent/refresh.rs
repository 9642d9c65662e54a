//! Asynchronous data sources. The responder answers from memory and never waits on
//! I/O (it is sans-IO and serves every request in microseconds); a source whose rows
//! come from async work — a database, another service, a slow kernel interface — is
//! fetched by a task of its own, and requests see the last fetch.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use smic_smi::TableEntry;
use tokio::task::JoinHandle;

use super::MemTable;

/// A table whose rows an async function fetches, first before it serves and then
/// every `period`; dropping it stops the fetching.
///
/// ```no_run
/// # async fn demo() {
/// use std::sync::Arc;
/// use std::time::Duration;
/// use smic_mibs::if_mib::IfEntry;
/// use smic_snmp::agent::{Mib, RefreshedTable, TableObject};
/// async fn interfaces() -> Vec<IfEntry> {
///     Vec::new() // ask the device, the database, the kernel …
/// }
/// let table = RefreshedTable::start(Duration::from_secs(5), interfaces).await;
/// let mut mib = Mib::new();
/// mib.table(TableObject::new(table.rows())).unwrap();
/// # }
/// ```
pub struct RefreshedTable<T> {
    rows: Arc<MemTable<T>>,
    task: JoinHandle<()>,
}

impl<T> RefreshedTable<T>
where
    T: TableEntry + Clone + Send + Sync + 'static,
{
    /// Fetches the rows once, then spawns the task that fetches them every `period`.
    /// Must be called inside a tokio runtime.
    pub async fn start<F, Fut>(period: Duration, fetch: F) -> RefreshedTable<T>
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Vec<T>> + Send + 'static,
    {
        let rows = Arc::new(MemTable::from_rows(fetch().await));
        let shared = Arc::clone(&rows);
        let task = tokio::spawn(async move {
            let mut ticks = tokio::time::interval(period);
            // The first tick is immediate and the rows were just fetched.
            ticks.tick().await;
            loop {
                ticks.tick().await;
                shared.replace(fetch().await);
            }
        });
        RefreshedTable { rows, task }
    }

    /// The rows as a table source, to register with [`super::TableObject::new`].
    pub fn rows(&self) -> Arc<MemTable<T>> {
        Arc::clone(&self.rows)
    }
}

impl<T> Drop for RefreshedTable<T> {
    fn drop(&mut self) {
        self.task.abort();
    }
}
