//! A hint to the processor to start loading a value into its cache.
//!
//! A large model's events each touch a record chosen among hundreds of
//! thousands (a person, a site), so the first touch usually waits for main
//! memory. The event loop knows which event comes next ([`Model::expect`]),
//! so a model can ask for that record while it handles the current event,
//! and the wait overlaps with useful work. A prefetch is only a hint: it
//! never faults, changes nothing a program can observe but its speed, and
//! compiles to nothing on processors without the instruction.
//!
//! [`Model::expect`]: crate::engine::Model::expect

/// Bytes in a cache line (x86-64 and most ARM cores).
const LINE: usize = 64;

/// The most cache lines of one value fetched ahead: a record's hot part.
const MAX_LINES: usize = 4;

/// Starts loading the cache lines of `value` (at most the first four).
#[inline]
pub fn prefetch<T>(value: &T) {
    let start: *const T = value;
    let lines = std::mem::size_of::<T>().div_ceil(LINE).min(MAX_LINES);
    for line in 0..lines {
        prefetch_line(start.cast::<u8>().wrapping_add(line * LINE));
    }
}

#[cfg(target_arch = "x86_64")]
#[inline]
fn prefetch_line(address: *const u8) {
    use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
    // SAFETY: `prefetch` is a hint that never reads the program's memory
    // as far as the program can tell and never faults, whatever the
    // address; SSE, which provides it, is part of every x86-64 processor.
    unsafe { _mm_prefetch::<_MM_HINT_T0>(address.cast::<i8>()) }
}

#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn prefetch_line(_address: *const u8) {}

#[cfg(test)]
mod tests {
    use super::prefetch;

    /// A hint changes nothing: values of every size, including empty ones
    /// and one larger than the lines fetched, read back unchanged.
    #[test]
    fn a_prefetch_changes_nothing() {
        let small = 7u8;
        let record = [3u64; 40];
        let empty = ();
        prefetch(&small);
        prefetch(&record);
        prefetch(&empty);
        assert_eq!(small, 7);
        assert!(record.iter().all(|&x| x == 3));
    }
}
