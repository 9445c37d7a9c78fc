//! Roster changes: one event per change of handlers on duty, no more.
//!
//! A line keeps one live roster-change event, at the next hour its
//! handlers on duty change. The monthly workforce step recomputes the plan;
//! when the plan comes out the same, the pending change stands (it used to
//! be replaced by a copy each month, and before that, when the step fell on
//! a roster boundary, the copies multiplied). The count is exact: a line
//! with nobody calling and staff well above its roster handles exactly as
//! many roster events as its roster has boundaries in the run.

use carecap::engine::roster::HOURS_PER_WEEK;
use carecap::engine::time::HOUR;
use carecap::model::{CareConfig, simulate};
use carecap::scenario;

/// A quiet region (no deaths, no public calls) with one line on `roster`
/// and advice nurses far above what it needs, so the plan is the roster.
fn quiet_line(roster: &str) -> CareConfig {
    let text = format!(
        "[scenario]\nname = \"roster\"\nstart_year = 2025\nyears = 2\nwarmup_days = 14\n\
         replications = 1\nseed = 5\n\
         [[borough]]\nname = \"Quiet\"\ndeaths = {{ base = 0, base_year = 2025 }}\n\
         cspc = {{ nurses_fte = 1, caseload_per_fte = 10 }}\nhah = {{ slots = 0, cover = \"24/7\" }}\n\
         [[advice_line]]\nname = \"Line\"\nboroughs = [\"Quiet\"]\nnurses_fte = 60\n\
         roster = {roster}\n\
         handling_time = {{ dist = \"exponential\", mean_minutes = 10 }}\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("roster.toml");
    std::fs::write(&path, text).unwrap();
    CareConfig::new(&scenario::read(&path).expect("valid scenario").scenario)
}

#[test]
fn one_roster_event_per_change_of_handlers_on_duty() {
    let flat = quiet_line(r#"[{ days = "all", from = 0, to = 24, handlers = 1 }]"#);
    let shifts = quiet_line(
        r#"[{ days = "weekdays", from = 8, to = 20, handlers = 2 },
            { days = "weekdays", from = 20, to = 8, handlers = 1 },
            { days = "weekends", from = 9, to = 17, handlers = 1 }]"#,
    );
    let plan = &shifts.lines[0].roster;
    // Boundaries in (0, end]: hours whose handlers differ from the hour
    // before (events due at the end itself are still handled).
    let hours = shifts.end() / HOUR;
    let boundaries = (1..=hours)
        .filter(|&h| {
            let h = h as usize;
            plan.staff_in_hour(h % HOURS_PER_WEEK) != plan.staff_in_hour((h - 1) % HOURS_PER_WEEK)
        })
        .count() as u64;
    assert!(boundaries > 1000, "{boundaries} boundaries");
    // The flat line never changes: every other event is the same in both
    // runs (year boundaries, workforce months), so the difference is the
    // roster events.
    let roster_events = simulate(&shifts, 0).events - simulate(&flat, 0).events;
    assert_eq!(roster_events, boundaries);
}
