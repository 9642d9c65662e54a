//! Parse and resolve throughput over the shipped `mibs/`.
#![allow(missing_docs)]

use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use smic::source::Sources;

fn parse_shipped_mibs(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../mibs");
    let mut sources = Sources::new();
    sources.add_path(&dir);
    let bytes: usize = sources.files().iter().map(|f| f.text.len()).sum();
    let modules = sources.modules().len();
    let mut group = c.benchmark_group("parse");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function(format!("mibs/ ({modules} modules, one thread)"), |b| {
        b.iter(|| {
            let mut count = 0;
            for location in sources.modules() {
                let text = &sources.file(location.file).map_or("", |f| f.text.as_str());
                count += smic::syntax::parse_module(text, &location.chunk)
                    .module
                    .map_or(0, |m| m.definitions.len());
            }
            count
        })
    });
    group.bench_function(
        format!("mibs/ ({modules} modules, load and check on all cores)"),
        |b| {
            b.iter(|| {
                smic::check::check_paths(std::slice::from_ref(&dir), &smic::Policy::default())
                    .modules
                    .len()
            })
        },
    );
    group.finish();
}

fn resolve_shipped_mibs(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../mibs");
    let mut group = c.benchmark_group("resolve");
    group.sample_size(10);
    group.bench_function("load, parse and resolve every module of mibs/", |b| {
        b.iter(|| {
            let mut loader = smic::resolve::Loader::new();
            loader.target_path(&dir);
            loader.load(&smic::Policy::default()).model.nodes.len()
        })
    });
    group.finish();
}

criterion_group!(benches, parse_shipped_mibs, resolve_shipped_mibs);
criterion_main!(benches);
