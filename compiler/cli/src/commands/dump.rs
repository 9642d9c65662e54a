//! `smic dump oids`: one line per named node.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use smic::Policy;
use smic::model::{Model, NodeId};

use crate::load::LoadArgs;

/// Print what the compiler derived, in line-oriented form for diffing.
#[derive(Debug, Args)]
pub(crate) struct DumpArgs {
    #[command(subcommand)]
    what: What,
}

#[derive(Debug, Subcommand)]
enum What {
    /// Every named node of the modules: OID, MODULE::name, kind, syntax, access, status (tab-separated).
    Oids {
        /// Modules (by name) or files and directories.
        #[arg(required = true, value_name = "MODULE|PATH")]
        inputs: Vec<String>,
    },
}

pub(crate) fn run(args: DumpArgs, load: &LoadArgs) -> ExitCode {
    let What::Oids { inputs } = args.what;
    let loaded = load.load(&inputs, &Policy::default());
    // Whatever could be derived is still printed, but a script must be able to tell a
    // dump with holes (an unreadable file, a missing import) from a whole one.
    let failed = crate::report_load_errors(&loaded);
    let model = &loaded.model;
    // Each row's OID as an order-preserving byte string (see `push_sort_key`), all in
    // one buffer: comparing those is a memcmp, where comparing arcs went arc by arc.
    // The first sixteen bytes, as a number, settle almost every comparison.
    let mut keys: Vec<u8> = Vec::new();
    let mut rows: Vec<(u128, std::ops::Range<usize>, NodeId)> = Vec::new();
    for target in &loaded.targets {
        let Some(module) = model.module_id(target) else {
            continue;
        };
        for &id in &model.module(module).nodes {
            let node = model.node(id);
            if !node.oid.is_empty() {
                let start = keys.len();
                for &arc in node.oid.arcs() {
                    push_sort_key(&mut keys, arc);
                }
                let mut prefix = [0u8; 16];
                let head = &keys[start..keys.len().min(start + 16)];
                prefix[..head.len()].copy_from_slice(head);
                rows.push((u128::from_be_bytes(prefix), start..keys.len(), id));
            }
        }
    }
    // By OID, then by `MODULE::name` as one string (not module, then name: `A-B::x`
    // sorts before `A::x`), compared in place rather than formatted per row.
    let qualified = |id: NodeId| {
        let node = model.node(id);
        let module = &model.module(node.module).name;
        module.bytes().chain(*b"::").chain(node.name.bytes())
    };
    // Zero padding keeps the order (a key that ends first pads with the least byte), so
    // sorting by the prefix alone leaves only runs of equal prefixes to sort in full.
    rows.sort_unstable_by_key(|row| row.0);
    for run in rows.chunk_by_mut(|a, b| a.0 == b.0) {
        if run.len() > 1 {
            run.sort_unstable_by(|a, b| {
                keys[a.1.clone()]
                    .cmp(&keys[b.1.clone()])
                    .then_with(|| qualified(a.2).cmp(qualified(b.2)))
                    .then(a.2.cmp(&b.2))
            });
        }
    }
    // Rows are formatted by hand into one buffer, written out a chunk at a time: the
    // formatting machinery cost more than everything else the output does.
    let mut out = std::io::stdout().lock();
    let mut buf: Vec<u8> = Vec::with_capacity(OUTPUT_CHUNK + 4096);
    let _ = (|| -> std::io::Result<()> {
        for (_, _, id) in rows {
            write_row(&mut buf, model, id);
            if buf.len() >= OUTPUT_CHUNK {
                out.write_all(&buf)?;
                buf.clear();
            }
        }
        out.write_all(&buf)?;
        out.flush()
    })();
    // Freeing a model of thousands of modules node by node takes longer than building
    // some of it did; the process ends here and the system takes the memory back whole.
    std::mem::forget(loaded);
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// How much output is gathered before it is written.
const OUTPUT_CHUNK: usize = 1 << 16;

/// One line: OID, `MODULE::name`, kind, syntax, access, status; tab-separated, `-` where
/// a field does not apply.
fn write_row(buf: &mut Vec<u8>, model: &Model, id: NodeId) {
    let node = model.node(id);
    for (i, &arc) in node.oid.arcs().iter().enumerate() {
        if i > 0 {
            buf.push(b'.');
        }
        push_decimal(buf, arc);
    }
    let module = &model.module(node.module).name;
    let (prefix, syntax) = match &node.syntax {
        Some(syntax) => crate::syntax_parts(model, syntax),
        None => ("", "-"),
    };
    let fields: [&[u8]; 14] = [
        b"\t",
        module.as_bytes(),
        b"::",
        node.name.as_bytes(),
        b"\t",
        node.kind.as_str().as_bytes(),
        b"\t",
        prefix.as_bytes(),
        syntax.as_bytes(),
        b"\t",
        node.access.map_or("-", |a| a.as_str()).as_bytes(),
        b"\t",
        node.status.map_or("-", |s| s.as_str()).as_bytes(),
        b"\n",
    ];
    for field in fields {
        buf.extend_from_slice(field);
    }
}

/// Appends `arc` so that byte strings of arcs sort as the arcs do: a prefix-free code
/// whose first byte grows with the value (one byte below 128, two below 16,512, three
/// below 2,113,664, else five), each form's payload big-endian.
fn push_sort_key(keys: &mut Vec<u8>, arc: u32) {
    const TWO: u32 = 1 << 7;
    const THREE: u32 = TWO + (1 << 14);
    const FIVE: u32 = THREE + (1 << 21);
    match arc {
        0..TWO => keys.push(arc as u8),
        TWO..THREE => {
            let v = arc - TWO;
            keys.extend_from_slice(&[0x80 | (v >> 8) as u8, v as u8]);
        }
        THREE..FIVE => {
            let v = arc - THREE;
            keys.extend_from_slice(&[0xC0 | (v >> 16) as u8, (v >> 8) as u8, v as u8]);
        }
        _ => {
            keys.push(0xE0);
            keys.extend_from_slice(&arc.to_be_bytes());
        }
    }
}

/// Appends `n` in decimal.
fn push_decimal(buf: &mut Vec<u8>, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.extend_from_slice(&digits[at..]);
}

#[cfg(test)]
mod tests {
    use super::{push_decimal, push_sort_key};

    #[test]
    fn sort_keys_order_as_the_arcs_do() {
        let edges = [0, 1, 127, 128, 129, 255, 256, 16_511, 16_512, 16_513];
        let far = [2_113_663, 2_113_664, 2_113_665, u32::MAX - 1, u32::MAX];
        let arcs: Vec<u32> = edges.iter().chain(&far).copied().collect();
        let key = |oid: &[u32]| {
            let mut key = Vec::new();
            oid.iter().for_each(|&arc| push_sort_key(&mut key, arc));
            key
        };
        for &a in &arcs {
            for &b in &arcs {
                assert_eq!(key(&[a]).cmp(&key(&[b])), a.cmp(&b), "{a} {b}");
                assert_eq!(
                    key(&[1, a, 3]).cmp(&key(&[1, b])),
                    [1, a, 3][..].cmp(&[1, b][..])
                );
            }
        }
    }

    #[test]
    fn decimals() {
        let mut out = Vec::new();
        for n in [0, 7, 10, 4_294_967_295] {
            push_decimal(&mut out, n);
            out.push(b' ');
        }
        assert_eq!(out, b"0 7 10 4294967295 ");
    }
}
