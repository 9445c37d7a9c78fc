//! Running replications in parallel, deterministically.
//!
//! Replications are independent work units. Workers on a local rayon pool
//! each take the next unit as soon as they are free; the results are handed
//! *in replication order* to a sequential consumer running on the calling
//! thread at the same time, so workers never idle while results are
//! reduced. Because no floating-point reduction ever happens in parallel
//! and every random stream is keyed by replication (not by thread), the
//! consumer sees exactly the same values in the same order for any thread
//! count, and memory is bounded by a window of units in flight per thread,
//! not by the number of replications.

pub mod calibrate;
pub mod compare;
pub mod plan;
pub mod precision;
pub mod run;
pub mod sensitivity;
pub mod shard;
pub mod slurm;
pub mod study;
pub mod sweep;

/// How many replications may be in flight (running, or finished and not yet
/// consumed) per worker thread.
const IN_FLIGHT_PER_THREAD: usize = 4;

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

/// A progress bar on stderr for `len` `units` of work ("simulating",
/// "replications"), hidden unless `show` (stderr is a terminal).
pub(crate) fn progress_bar(
    len: u64,
    show: bool,
    doing: &str,
    units: &str,
) -> indicatif::ProgressBar {
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    let template = format!("{{msg}} [{{bar:40}}] {{pos}}/{{len}} {units}, {{eta}} left");
    if let Ok(style) = indicatif::ProgressStyle::with_template(&template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(doing.to_string());
    bar
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
/// one per core; never more than the cores, see [`usable_threads`]) and
/// passes each result to `consume(unit, result)` in the order of `units`.
///
/// The workers never wait for the consumer while there is room: each takes
/// the next unit as soon as it is free, and `consume` runs on the calling
/// thread at the same time, taking results in order as they are ready. A
/// worker waits only when it is a window ahead of the consumer
/// (`IN_FLIGHT_PER_THREAD` units per thread, counting those running and those
/// finished but not yet consumed), so memory stays bounded however many
/// units there are. Which thread ran a unit never matters: results reach
/// `consume` in the order of `units`, so outputs are the same for any
/// thread count. A panic in `simulate` is raised again on the calling
/// thread.
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
    let workers = pool.current_num_threads().max(1);
    let window = Window::new(workers * IN_FLIGHT_PER_THREAD, units.len());
    pool.in_place_scope(|scope| {
        for _ in 0..workers.min(units.len()) {
            scope.spawn(|_| {
                while let Some(i) = window.next_unit() {
                    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        simulate(units[i])
                    }));
                    window.finish(i, result);
                }
            });
        }
        for (i, &unit) in units.iter().enumerate() {
            match window.take(i) {
                Ok(result) => consume(unit, result),
                Err(panic) => {
                    window.stop();
                    std::panic::resume_unwind(panic);
                }
            }
        }
    });
    Ok(())
}

/// A simulated unit's result, or the panic it raised.
type Outcome<R> = std::thread::Result<R>;

/// The units in flight between the workers and the consumer: at most
/// `slots.len()` of them started and not yet consumed.
struct Window<R> {
    state: std::sync::Mutex<WindowState<R>>,
    /// Signalled when a result is ready.
    ready: std::sync::Condvar,
    /// Signalled when the consumer has taken a result (room for a unit).
    room: std::sync::Condvar,
    units: usize,
}

struct WindowState<R> {
    /// The next unit to hand to a worker.
    next: usize,
    /// The next unit the consumer takes.
    consumed: usize,
    /// Results by unit index modulo the window.
    slots: Vec<Option<Outcome<R>>>,
    /// Set when the consumer gives up (a panic): workers start nothing more.
    stopped: bool,
}

impl<R> Window<R> {
    fn new(size: usize, units: usize) -> Self {
        Window {
            state: std::sync::Mutex::new(WindowState {
                next: 0,
                consumed: 0,
                slots: (0..size.max(1)).map(|_| None).collect(),
                stopped: false,
            }),
            ready: std::sync::Condvar::new(),
            room: std::sync::Condvar::new(),
            units,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, WindowState<R>> {
        // A panic never happens while the lock is held (simulate runs
        // outside it), so a poisoned lock still holds consistent state.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The next unit for a worker, once it is within a window of the
    /// consumer; `None` when every unit has been handed out.
    fn next_unit(&self) -> Option<usize> {
        let mut s = self.lock();
        loop {
            if s.stopped || s.next >= self.units {
                return None;
            }
            if s.next < s.consumed + s.slots.len() {
                s.next += 1;
                return Some(s.next - 1);
            }
            s = self.room.wait(s).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// A worker's result for unit `i`.
    fn finish(&self, i: usize, outcome: Outcome<R>) {
        let mut s = self.lock();
        let n = s.slots.len();
        s.slots[i % n] = Some(outcome);
        drop(s);
        self.ready.notify_all();
    }

    /// The consumer's wait for unit `i` (units are taken in order).
    fn take(&self, i: usize) -> Outcome<R> {
        let mut s = self.lock();
        let n = s.slots.len();
        loop {
            if let Some(outcome) = s.slots[i % n].take() {
                s.consumed = i + 1;
                drop(s);
                self.room.notify_all();
                return outcome;
            }
            s = self.ready.wait(s).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// No more units are started (the consumer is unwinding).
    fn stop(&self) {
        self.lock().stopped = true;
        self.room.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn results_reach_the_consumer_in_order_with_a_bounded_window() {
        for threads in [1, 2] {
            let window = usable_threads(threads).0 * IN_FLIGHT_PER_THREAD;
            let (live, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
            let units: Vec<u64> = (0..200).rev().collect();
            let mut seen = Vec::new();
            run_units(
                &units,
                threads,
                |u| {
                    let n = live.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(n, Ordering::SeqCst);
                    // Uneven work: some units far longer than others.
                    (0..(u % 7) * 20_000).fold(u, |a, b| a.wrapping_mul(31).wrapping_add(b))
                },
                |u, r| {
                    live.fetch_sub(1, Ordering::SeqCst);
                    seen.push((u, r));
                },
            )
            .unwrap();
            assert_eq!(seen.iter().map(|s| s.0).collect::<Vec<_>>(), units);
            // A window of units started or waiting, plus the one the
            // consumer holds.
            let most = most.load(Ordering::SeqCst);
            assert!(most <= window + 1, "{most} results alive, window {window}");
        }
    }

    #[test]
    fn workers_go_on_while_the_consumer_is_busy() {
        // The consumer holds the first result until a worker has started
        // the unit a whole window later. Running a chunk and then
        // consuming it never starts that unit while the consumer is busy,
        // so the wait (a generous deadlock guard) would run out.
        let window = IN_FLIGHT_PER_THREAD as u64;
        let (started, waiting) = mpsc::channel();
        let started = std::sync::Mutex::new(started);
        let units: Vec<u64> = (0..=window + 1).collect();
        let mut ran_ahead = false;
        run_units(
            &units,
            1,
            |u| {
                let _ = started.lock().unwrap().send(u);
                u
            },
            |u, _| {
                if u == 0 {
                    ran_ahead =
                        std::iter::from_fn(|| waiting.recv_timeout(Duration::from_secs(60)).ok())
                            .any(|s| s == window);
                }
            },
        )
        .unwrap();
        assert!(
            ran_ahead,
            "no worker started unit {window} while the consumer held unit 0"
        );
    }

    #[test]
    fn a_panicking_unit_panics_the_caller() {
        let r = std::panic::catch_unwind(|| {
            run_units(
                &[0, 1, 2, 3, 4, 5],
                2,
                |u| assert!(u != 3, "unit 3"),
                |_, _| {},
            )
        });
        assert!(r.is_err());
    }
}
