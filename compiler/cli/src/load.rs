//! Turning command-line inputs into a loaded, resolved set of modules.

use std::path::PathBuf;

use std::io::IsTerminal;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use smic::Policy;
use smic::resolve::{Loaded, Loader};

/// Where modules come from: shared by every command that loads MIBs.
#[derive(Debug, Args)]
pub(crate) struct LoadArgs {
    /// Search path for imported modules (repeatable), before SMIC_PATH and the built-in modules.
    #[arg(short = 'I', long = "include", value_name = "PATH", global = true)]
    pub(crate) include: Vec<PathBuf>,
}

impl LoadArgs {
    /// Loads `inputs`: files and directories (every module in them) or module names.
    pub(crate) fn load(&self, inputs: &[String], policy: &Policy) -> Loaded {
        self.loader(inputs).load(policy)
    }

    /// The loader for `inputs`, with the search path set, and a progress bar on a
    /// terminal once a load is large enough to be worth watching.
    pub(crate) fn loader(&self, inputs: &[String]) -> Loader {
        let mut loader = Loader::new();
        // Every command exits soon after its load.
        loader.free_trees(false);
        loader.index_cache(smic::source::default_cache_dir());
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::hidden();
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} parsing {pos}/{len} modules {wide_bar} {elapsed}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            loader.progress(Box::new(move |done, total| {
                if total >= PROGRESS_THRESHOLD && bar.is_hidden() {
                    bar.set_draw_target(ProgressDrawTarget::stderr());
                }
                bar.set_length(total as u64);
                bar.set_position(done as u64);
                if done == total {
                    bar.finish_and_clear();
                }
            }));
        }
        for input in inputs {
            let path = PathBuf::from(input);
            // A bare word that is not a file is a module name; anything path-like is a path.
            if path.exists() || path.components().count() > 1 {
                loader.target_path(&path);
            } else {
                loader.target_module(input);
            }
        }
        for dir in self.include.iter().cloned().chain(smic_path()) {
            loader.search_path(dir);
        }
        loader
    }
}

/// Loads of fewer modules finish before a bar would be worth drawing.
const PROGRESS_THRESHOLD: usize = 200;

fn smic_path() -> Vec<PathBuf> {
    std::env::var_os("SMIC_PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default()
}
