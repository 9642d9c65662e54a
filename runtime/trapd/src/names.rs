//! Names for notifications: the generated modules' registry, and the modules of MIB
//! directories (`mib_dirs`) loaded with smic's compiler the first time a notification
//! needs one — so a vendor's trap is named without listing its module anywhere.
//!
//! At start the directories are indexed (which module defines which OIDs: the index
//! `smic index` writes, read from `oid_index` or built by loading the directories
//! once). A notification with an OID one of those modules covers, not yet loaded,
//! waits for that module to load (on a blocking thread, one load at a time); the
//! modules loaded so far stay in one model, each module tried once.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use smic::Policy;
use smic::model::{Model, instance};
use smic::resolve::Loader;
use smic_smi::{Oid, Registry, Value};

use crate::map::Namer;

/// The registry, and what the MIB directories add.
pub(crate) struct Names {
    registry: Arc<Registry>,
    vendor: Option<Vendor>,
}

struct Vendor {
    dirs: Vec<PathBuf>,
    index: BTreeMap<Oid, Vec<String>>,
    state: RwLock<Loaded>,
    /// Held while a load runs, so two notifications wanting one module load it once.
    loading: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct Loaded {
    /// Modules tried (loaded, or that failed to: not tried again).
    tried: BTreeSet<String>,
    model: Option<Arc<Model>>,
}

/// What names one notification: the registry and the model of the moment.
pub(crate) struct Snapshot<'a> {
    registry: &'a Registry,
    model: Option<Arc<Model>>,
}

impl Names {
    /// Names from the registry only.
    pub(crate) fn registry(registry: Arc<Registry>) -> Names {
        Names {
            registry,
            vendor: None,
        }
    }

    /// Names from the registry and `dirs`, indexed from `index_file` (as `smic index`
    /// writes it) or, without one, by loading every module of `dirs` once. Blocking.
    pub(crate) fn with_dirs(
        registry: Arc<Registry>,
        dirs: Vec<PathBuf>,
        index_file: Option<PathBuf>,
    ) -> std::io::Result<Names> {
        if dirs.is_empty() {
            return Ok(Names::registry(registry));
        }
        let index = match &index_file {
            Some(path) => {
                smic::emit::index::parse(&std::fs::read_to_string(path).map_err(|e| {
                    std::io::Error::new(e.kind(), format!("{}: {e}", path.display()))
                })?)
            }
            None => {
                let mut loader = Loader::new();
                for dir in &dirs {
                    loader.target_path(dir);
                    loader.search_path(dir.clone());
                }
                let loaded = loader.load(&Policy::default());
                smic::emit::index::build(&loaded.model, &loaded.targets)
            }
        };
        tracing::info!(
            dirs = ?dirs,
            oids = index.len(),
            "MIB directories indexed: their modules load when a notification needs them"
        );
        Ok(Names {
            registry,
            vendor: Some(Vendor {
                dirs,
                index,
                state: RwLock::default(),
                loading: tokio::sync::Mutex::new(()),
            }),
        })
    }

    /// The names of the moment.
    pub(crate) fn snapshot(&self) -> Snapshot<'_> {
        Snapshot {
            registry: &self.registry,
            model: self.vendor.as_ref().and_then(|v| v.read().model.clone()),
        }
    }

    /// Modules of the directories that cover one of `oids` and were not tried yet.
    pub(crate) fn missing<'o>(&self, oids: impl IntoIterator<Item = &'o Oid>) -> Vec<String> {
        let Some(vendor) = &self.vendor else {
            return Vec::new();
        };
        let state = vendor.read();
        let mut missing: Vec<String> = oids
            .into_iter()
            .flat_map(|oid| smic::emit::index::covering(&vendor.index, oid))
            .filter(|module| !state.tried.contains(*module))
            // The generated modules already name their own OIDs.
            .filter(|module| !self.registry.modules().contains(&module.as_str()))
            .cloned()
            .collect();
        missing.sort();
        missing.dedup();
        missing
    }

    /// Loads `modules` (with every module loaded before) from the directories.
    pub(crate) async fn load(&self, modules: Vec<String>) {
        let Some(vendor) = &self.vendor else {
            return;
        };
        let _one_at_a_time = vendor.loading.lock().await;
        let (wanted, all) = {
            let state = vendor.read();
            let wanted: Vec<String> = modules
                .into_iter()
                .filter(|m| !state.tried.contains(m))
                .collect();
            let all: Vec<String> = state.tried.iter().chain(&wanted).cloned().collect();
            (wanted, all)
        };
        if wanted.is_empty() {
            return;
        }
        let dirs = vendor.dirs.clone();
        let load = tokio::task::spawn_blocking(move || {
            let mut loader = Loader::new();
            for module in &all {
                loader.target_module(module);
            }
            for dir in dirs {
                loader.search_path(dir);
            }
            loader.load(&Policy::default())
        })
        .await;
        let mut state = vendor
            .state
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        state.tried.extend(wanted.iter().cloned());
        match load {
            Ok(loaded) => {
                let errors = loaded
                    .diagnostics
                    .values()
                    .flatten()
                    .chain(&loaded.general)
                    .filter(|d| d.severity == smic::Severity::Error)
                    .count();
                tracing::info!(modules = ?wanted, errors, "MIB modules loaded for names");
                state.model = Some(Arc::new(loaded.model));
            }
            Err(error) => tracing::error!(%error, modules = ?wanted, "MIB modules not loaded"),
        }
    }
}

impl Vendor {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, Loaded> {
        self.state
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Snapshot<'_> {
    /// Whether the loaded modules know `oid` more precisely than the registry.
    fn model_for(&self, oid: &Oid) -> Option<&Model> {
        let model = self.model.as_deref()?;
        let theirs = model
            .longest_prefix(oid)
            .map(|id| model.node(id).oid.len())?;
        let ours = self
            .registry
            .resolve(oid)
            .map_or(0, |(info, _)| info.oid.len());
        (theirs > ours).then_some(model)
    }
}

impl Namer for Snapshot<'_> {
    fn name(&self, oid: &Oid) -> Option<String> {
        match self.model_for(oid) {
            Some(model) => instance::name_of(model, oid),
            None => self.registry.name(oid),
        }
    }

    fn value(&self, oid: &Oid, value: &Value) -> String {
        match self.model_for(oid) {
            Some(model) => instance::value_of(model, oid, value),
            None => self.registry.value(oid, value),
        }
    }
}
