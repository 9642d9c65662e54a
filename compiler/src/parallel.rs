//! Work spread over the machine's cores, results kept in input order.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` applied to every item on all cores; the result at position `i` is `f(&items[i])`,
/// or `None` if the worker running it panicked (a bug, which callers report rather than
/// lose the item). Workers take the next item when done rather than a fixed share:
/// MIB files differ in size by three orders of magnitude, and no core should idle
/// behind one large file.
pub(crate) fn map_on_all_cores<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> R + Sync,
) -> Vec<Option<R>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len().max(1));
    let next = AtomicUsize::new(0);
    let mut results: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        done.push((i, f(item)));
                    }
                    done
                })
            })
            .collect();
        for worker in workers {
            for (i, result) in worker.join().unwrap_or_default() {
                if let Some(slot) = results.get_mut(i) {
                    *slot = Some(result);
                }
            }
        }
    });
    results
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_the_input_order() {
        let items: Vec<u32> = (0..1000).collect();
        let squares = super::map_on_all_cores(&items, |n| n * n);
        assert_eq!(
            squares,
            items.iter().map(|n| Some(n * n)).collect::<Vec<_>>()
        );
        assert!(super::map_on_all_cores(&[] as &[u32], |n| *n).is_empty());
    }
}
