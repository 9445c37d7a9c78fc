//! The discrete-event simulation kernel. It knows nothing of care.
//!
//! What it owns:
//! - [`time`]: the clock, integer milliseconds ([`SimTime`]);
//! - [`queue`] and [`sim`]: the future-event list and the event loop. Events
//!   due at the same tick are handled in the order they were scheduled
//!   (FIFO), so a run is a pure function of its inputs: no heap accident,
//!   no hash order, no thread timing; [`prefetch`] lets a model fetch the
//!   record the next event will need while it handles this one;
//! - [`rng`]: random streams keyed by (seed, purpose, replication), the basis
//!   of common random numbers and thread-count independence;
//! - reusable blocks: [`pool`] (capacity with a waiting list, priorities,
//!   refusal, reneging), [`roster`] (hour-of-week staffing) and [`arrivals`]
//!   (exact non-homogeneous Poisson arrivals), and [`timelog`] (entries
//!   logged out of time order, read back in it).
//!
//! Nothing here allocates per event once queues have reached their peak
//! size; a test with a counting allocator checks it.

pub mod arrivals;
pub mod pool;
pub mod prefetch;
pub mod queue;
pub mod rng;
pub mod roster;
pub mod sim;
pub mod time;
pub mod timelog;

pub use sim::{Model, Scheduler, run_until};
pub use time::SimTime;
