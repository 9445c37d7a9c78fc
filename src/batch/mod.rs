//! Running replications in parallel, deterministically.
//!
//! Replications are independent work units. They run on a local rayon pool
//! in chunks; each chunk's results are collected *in replication order* and
//! handed to a sequential consumer. Because no floating-point reduction ever
//! happens in parallel and every random stream is keyed by replication (not
//! by thread), the consumer sees exactly the same values in the same order
//! for any thread count, and memory is bounded by the chunk size, not by
//! the number of replications.

pub mod compare;
pub mod plan;
pub mod precision;
pub mod run;
pub mod sensitivity;
pub mod shard;
pub mod slurm;
pub mod study;
pub mod sweep;

use rayon::prelude::*;

/// How many replications are in flight per chunk, per thread.
const CHUNK_PER_THREAD: usize = 4;

/// Errors from the runner.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The thread pool could not be built.
    #[error("could not start {threads} worker threads: {source}")]
    ThreadPool {
        /// Threads asked for.
        threads: usize,
        /// rayon's error.
        source: rayon::ThreadPoolBuildError,
    },
}

/// The machine's cores (1 when unknown).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The worker threads for `requested` (0: one per core), never more than
/// the machine's cores, and a note for the planner when fewer than asked.
pub fn usable_threads(requested: usize) -> (usize, Option<String>) {
    let cores = cores();
    if requested == 0 {
        (cores, None)
    } else if requested > cores {
        (
            cores,
            Some(format!(
                "--threads {requested} is more than this machine's {cores} cores; using {cores} threads"
            )),
        )
    } else {
        (requested, None)
    }
}

/// Runs `simulate(unit)` for every unit in `units` on `threads` threads (0:
/// one per core; never more than the cores, see [`usable_threads`]) and passes each result to `consume(unit, result)` in the
/// order of `units`.
///
/// ```
/// let mut seen = Vec::new();
/// carecap::batch::run_units(&[3, 1, 2], 2, |u| u * 10, |u, r| seen.push((u, r))).unwrap();
/// assert_eq!(seen, vec![(3, 30), (1, 10), (2, 20)]);
/// ```
pub fn run_units<R, S, C>(
    units: &[u64],
    threads: usize,
    simulate: S,
    mut consume: C,
) -> Result<(), BatchError>
where
    R: Send,
    S: Fn(u64) -> R + Sync,
    C: FnMut(u64, R),
{
    let threads = usable_threads(threads).0;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|source| BatchError::ThreadPool { threads, source })?;
    let chunk = pool.current_num_threads().max(1) * CHUNK_PER_THREAD;
    for block in units.chunks(chunk) {
        let results: Vec<R> = pool.install(|| block.par_iter().map(|&u| simulate(u)).collect());
        for (&unit, result) in block.iter().zip(results) {
            consume(unit, result);
        }
    }
    Ok(())
}
