//! The 24/7 advice lines: callers, the rostered handler pool, waiting,
//! abandonment, callbacks and what calls lead to.
//!
//! Calls come from caseload patients (and their carers and professionals)
//! at a rate per patient-day shaped by hour of week and higher in the last
//! fortnight, from crises (the crisis is decided once the call is answered
//! or abandoned), from the public when a line is open to all, and as
//! callbacks. Handlers follow the line's roster scaled by the staff in post;
//! a handler going off duty finishes the call in hand. Waits are measured
//! from arrival to answer; callers whose patience runs out hang up. A
//! callback waits without hanging up and is never itself called back, so
//! no chain of calls can repeat at one instant.

use super::care::{CareEvent, CareSystem, Location, PersonRef};
use crate::engine::pool::Request;
use crate::engine::roster::HOURS_PER_WEEK;
use crate::engine::time::{HOUR, SECOND};
use crate::engine::{Scheduler, SimTime};
use rand::RngExt;

const HANDLING: usize = 0;
const PATIENCE: usize = 1;
const PUBLIC: usize = 2;
const OUTCOMES: usize = 3;

/// Why a call is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// A caseload patient, carer or professional asking for advice.
    Routine,
    /// A crisis at home; the crisis is decided once the call ends.
    Crisis,
    /// A member of the public (line open to all).
    Public,
    /// A callback to someone who abandoned (a patient, carer or member of
    /// the public): it waits for a handler without hanging up and is not
    /// itself called back.
    Callback,
}

/// A call waiting or in progress.
#[derive(Debug, Clone, Copy)]
pub struct CallRecord {
    kind: CallKind,
    person: PersonRef,
    borough: Option<u16>,
    arrived: u64,
    generation: u32,
}

/// Call counts for one hour of the day (the hour a call arrived; handler
/// time is split at hour boundaries).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct HourTally {
    /// Calls offered.
    pub offered: u64,
    /// Answered within target.
    pub in_target: u64,
    /// Abandoned.
    pub abandoned: u64,
    /// Answered.
    pub answered: u64,
    /// Waits of answered calls, seconds.
    pub wait_seconds: f64,
    /// Busy handlers × ticks.
    pub busy_area: f64,
    /// On-duty handlers × ticks.
    pub on_duty_area: f64,
}

/// Metrics of `by_hour.csv`, in order.
pub const BY_HOUR_METRICS: [&str; 6] = [
    "calls",
    "calls_answered_in_target_pct",
    "calls_abandoned_pct",
    "call_wait_seconds_mean",
    "handlers_on_duty_mean",
    "handler_utilisation_pct",
];

/// Writes year `year`'s by-hour values for every line and the region.
pub(super) fn write_by_hour(tallies: &[[HourTally; 24]], year: usize, out: &mut [f64]) {
    let lines = tallies.len();
    let k = BY_HOUR_METRICS.len();
    let days = super::config::DAYS_PER_YEAR as f64;
    for area in 0..=lines {
        for h in 0..24 {
            let t = if area < lines {
                tallies[area][h]
            } else {
                tallies.iter().fold(HourTally::default(), |mut acc, x| {
                    let x = x[h];
                    acc.offered += x.offered;
                    acc.in_target += x.in_target;
                    acc.abandoned += x.abandoned;
                    acc.answered += x.answered;
                    acc.wait_seconds += x.wait_seconds;
                    acc.busy_area += x.busy_area;
                    acc.on_duty_area += x.on_duty_area;
                    acc
                })
            };
            let pct = |n: u64, d: u64| {
                if d == 0 {
                    f64::NAN
                } else {
                    100.0 * n as f64 / d as f64
                }
            };
            let base = ((year * (lines + 1) + area) * 24 + h) * k;
            out[base] = t.offered as f64;
            out[base + 1] = pct(t.in_target, t.offered);
            out[base + 2] = pct(t.abandoned, t.offered);
            out[base + 3] = if t.answered == 0 {
                f64::NAN
            } else {
                t.wait_seconds / t.answered as f64
            };
            out[base + 4] = t.on_duty_area / (days * HOUR as f64);
            out[base + 5] = if t.on_duty_area > 0.0 {
                100.0 * t.busy_area / t.on_duty_area
            } else {
                f64::NAN
            };
        }
    }
}

/// Handlers on duty when only `staffing` (0–1) of the roster's FTE is in
/// post: the shortfall falls on hours spread evenly over the week (a
/// golden-ratio sequence), so the week's handler-hours shrink in
/// proportion instead of every single-handler hour being lost.
pub fn staffed_handlers(rostered: u32, staffing: f64, hour_of_week: usize) -> u32 {
    if staffing >= 1.0 {
        return rostered;
    }
    let offset = (hour_of_week as f64 * 0.618_033_988_749_894_9).fract();
    (rostered as f64 * staffing + offset).floor() as u32
}

/// A duration in ticks as (fractional) seconds, the unit waits are reported in.
fn seconds(ticks: u64) -> f64 {
    ticks as f64 / SECOND as f64
}

impl CareSystem<'_> {
    /// Sets line `l`'s handlers for the current hour and schedules the next
    /// hour at which the number on duty changes. Called at every such change
    /// and whenever staffing is recomputed; a new plan makes the pending
    /// change stale, so each line has one live change event at a time.
    pub(super) fn set_handlers(&mut self, l: usize, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now();
        self.observe_line(l, now.ticks());
        let plan = self.on_duty[l];
        let hour = now.hour_of_week();
        self.lines[l].set_capacity(plan[hour]);
        while let Some(next) = self.lines[l].admit_next() {
            self.answer(l, next.id as u32, sched);
        }
        self.observe_line(l, now.ticks());
        let generation = self.roster_generation[l].wrapping_add(1);
        self.roster_generation[l] = generation;
        if let Some(k) =
            (1..=HOURS_PER_WEEK).find(|k| plan[(hour + k) % HOURS_PER_WEEK] != plan[hour])
        {
            let hour_start = now.ticks() - now.ticks() % HOUR;
            let at = SimTime(hour_start + k as u64 * HOUR);
            let line = l as u16;
            sched.schedule_at(at, CareEvent::RosterChange { line, generation });
        }
    }

    /// A new call to line `l`.
    pub(super) fn place_call(
        &mut self,
        l: usize,
        kind: CallKind,
        person: PersonRef,
        sched: &mut Scheduler<CareEvent>,
    ) {
        let now = sched.now().ticks();
        let borough = self.current(person).map(|slot| self.people[slot].borough);
        let slot = match self.free_calls[l].pop() {
            Some(s) => s,
            None => {
                self.call_records[l].push(CallRecord {
                    kind,
                    person,
                    borough,
                    arrived: now,
                    generation: 0,
                });
                (self.call_records[l].len() - 1) as u32
            }
        };
        let record = &mut self.call_records[l][slot as usize];
        let generation = record.generation.wrapping_add(1);
        *record = CallRecord {
            kind,
            person,
            borough,
            arrived: now,
            generation,
        };
        let hour = ((now / HOUR) % 24) as usize;
        self.count_call(l, borough, |c| c.offered += 1);
        if self.year.is_some() {
            self.by_hour[l][hour].offered += 1;
        }
        match self.lines[l].request(slot as u64, 0, SimTime(now)) {
            Request::Granted => self.answer(l, slot, sched),
            Request::Queued => {
                self.count_call(l, borough, |c| c.waited += 1);
                if let Some(patience) = self.cfg.lines[l].patience
                    && kind != CallKind::Callback
                {
                    let wait = patience.ticks(&mut self.line_rngs[l][PATIENCE]);
                    sched.schedule_in(
                        wait,
                        CareEvent::Abandon {
                            line: l as u16,
                            call: slot,
                            generation,
                        },
                    );
                }
                self.observe_line(l, now);
            }
            Request::Refused => self.abandoned(l, slot, sched),
        }
    }

    fn count_call(
        &mut self,
        l: usize,
        borough: Option<u16>,
        f: impl Fn(&mut super::metrics::CallTally),
    ) {
        self.count_line(l, |t| f(&mut t.calls));
        if let Some(b) = borough {
            self.count_borough(b as usize, |t| f(&mut t.calls));
        }
    }

    /// A handler picks up `call`.
    fn answer(&mut self, l: usize, call: u32, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now().ticks();
        let record = self.call_records[l][call as usize];
        self.free_calls[l].push(call);
        let wait = now - record.arrived;
        let in_target = wait <= self.cfg.lines[l].target;
        let cost = self.cfg.costs.call;
        self.count_line(l, |t| t.calls.activity_cost += cost);
        self.count_call(l, record.borough, |c| {
            c.answered += 1;
            c.wait_seconds += seconds(wait);
            c.in_target += in_target as u64;
        });
        if self.year.is_some() {
            let h = &mut self.by_hour[l][((record.arrived / HOUR) % 24) as usize];
            h.answered += 1;
            h.wait_seconds += seconds(wait);
            h.in_target += in_target as u64;
            self.wait_sketches[l].add(seconds(wait));
            let lines = self.cfg.lines.len();
            self.wait_sketches[lines].add(seconds(wait));
        }
        let handling = self.cfg.lines[l]
            .handling
            .ticks(&mut self.line_rngs[l][HANDLING]);
        sched.schedule_in(handling, CareEvent::CallEnds(l as u16));
        self.observe_line(l, now);
        self.call_outcome(l, record, in_target, sched);
    }

    /// What an answered call leads to.
    fn call_outcome(
        &mut self,
        l: usize,
        record: CallRecord,
        in_target: bool,
        sched: &mut Scheduler<CareEvent>,
    ) {
        let outcomes = self.cfg.calls.outcomes;
        let Some(slot) = self.current(record.person) else {
            // A member of the public, or a callback to someone no longer
            // on the caseload (a public caller, or a patient who has died).
            if matches!(record.kind, CallKind::Public | CallKind::Callback) {
                let u = self.line_rngs[l][OUTCOMES].random::<f64>();
                if u >= outcomes[2] {
                    self.count_call(l, None, |c| c.ambulances += 1);
                }
            }
            return;
        };
        if record.kind == CallKind::Crisis {
            return self.resolve_crisis(slot, in_target, sched);
        }
        let p = &mut self.people[slot];
        if p.location != Location::Home || !p.on_caseload {
            return;
        }
        let b = p.borough as usize;
        let u = p.rng.random::<f64>();
        if u < outcomes[0] {
        } else if u < outcomes[1] {
            let cost = self.cfg.costs.cspc_visit;
            self.count_borough(b, |t| {
                t.residents.visits += 1;
                t.residents.activity_cost += cost;
            });
        } else if u < outcomes[2] {
            // Hospice at home is started early only for someone in their
            // last fortnight; earlier, the call leads to a visit instead.
            let now = sched.now().ticks();
            let near_death =
                self.people[slot].death_at.saturating_sub(now) <= 14 * crate::engine::time::DAY;
            if near_death && !self.people[slot].hah {
                self.start_hah(slot, now);
            } else if !near_death {
                self.count_borough(b, |t| t.residents.visits += 1);
            }
        } else {
            self.count_call(l, Some(b as u16), |c| c.ambulances += 1);
            self.go_to_acute(slot, false, sched);
        }
    }

    /// A caller gave up (or found the queue full).
    fn abandoned(&mut self, l: usize, call: u32, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now().ticks();
        let record = self.call_records[l][call as usize];
        self.free_calls[l].push(call);
        self.count_call(l, record.borough, |c| c.abandoned += 1);
        if self.year.is_some() {
            self.by_hour[l][((record.arrived / HOUR) % 24) as usize].abandoned += 1;
        }
        self.observe_line(l, now);
        let line = &self.cfg.lines[l];
        let slot = self.current(record.person);
        let rng = match slot {
            Some(s) => &mut self.people[s].rng,
            None => &mut self.line_rngs[l][OUTCOMES],
        };
        let ambulance = rng.random::<f64>() < self.cfg.calls.abandoned_ambulance_share;
        // A callback is not itself called back: otherwise a caller with no
        // patience called back at once would hang up and be called back
        // again at the same instant for ever. (The draw is made anyway, so
        // the stream does not depend on which calls were callbacks.)
        let callback_draw = rng.random::<f64>();
        let callback = callback_draw < line.callback_share && record.kind != CallKind::Callback;
        if callback {
            self.count_call(l, record.borough, |c| c.callbacks += 1);
            let person = record.person;
            sched.schedule_in(
                line.callback_delay,
                CareEvent::Callback {
                    line: l as u16,
                    person,
                },
            );
        }
        if ambulance {
            self.count_call(l, record.borough, |c| c.ambulances += 1);
        }
        match (slot, record.kind) {
            (Some(s), CallKind::Crisis) if !callback => self.resolve_crisis(s, false, sched),
            (Some(s), _) if ambulance && self.people[s].location == Location::Home => {
                self.go_to_acute(s, false, sched)
            }
            _ => {}
        }
    }

    pub(super) fn on_abandon(
        &mut self,
        l: usize,
        call: u32,
        generation: u32,
        sched: &mut Scheduler<CareEvent>,
    ) {
        let record = self.call_records[l][call as usize];
        if record.generation == generation && self.lines[l].renege(call as u64).is_some() {
            self.abandoned(l, call, sched);
        }
    }

    pub(super) fn on_call_end(&mut self, l: usize, sched: &mut Scheduler<CareEvent>) {
        if let Some(next) = self.lines[l].release() {
            self.answer(l, next.id as u32, sched);
        }
        self.observe_line(l, sched.now().ticks());
    }

    pub(super) fn on_patient_call(&mut self, slot: usize, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now().ticks();
        let r = self.person_ref(slot);
        let p = &mut self.people[slot];
        if p.location != Location::Home || !p.on_caseload {
            return;
        }
        let Some(line) = self.cfg.boroughs[p.borough as usize].line else {
            return;
        };
        super::pathway::schedule_call(self.cfg, p, r, now, sched);
        self.place_call(line, CallKind::Routine, r, sched);
    }

    pub(super) fn on_callback(
        &mut self,
        l: usize,
        person: PersonRef,
        sched: &mut Scheduler<CareEvent>,
    ) {
        let person = if self.current(person).is_some() {
            person
        } else {
            PersonRef::NOBODY
        };
        self.place_call(l, CallKind::Callback, person, sched);
    }

    /// Schedules the next public call to line `l`, if it is open to all.
    pub(super) fn schedule_public_call(&mut self, l: usize, sched: &mut Scheduler<CareEvent>) {
        if let Some(process) = &mut self.public_arrivals[l]
            && let Some(t) = process.next(&mut self.line_rngs[l][PUBLIC])
        {
            let generation = self.public_generation[l];
            sched.schedule_at(
                t,
                CareEvent::PublicCall {
                    line: l as u16,
                    generation,
                },
            );
        }
    }

    pub(super) fn on_public_call(&mut self, l: usize, sched: &mut Scheduler<CareEvent>) {
        self.schedule_public_call(l, sched);
        self.place_call(l, CallKind::Public, PersonRef::NOBODY, sched);
    }
}
