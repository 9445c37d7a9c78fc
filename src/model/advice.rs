//! The 24/7 advice lines: the rostered handler pool, waiting, abandonment,
//! callbacks, public calls, and the line's staff and costs.
//!
//! The line answers calls and reports what happened to each ([`Answer`],
//! an abandoned [`CallRecord`]); what a call leads to for the caller (a
//! visit, hospice at home, an ambulance, a crisis decided) is the
//! pathway's business. Handlers follow the line's roster with the hours
//! lost to a staff shortfall taken out; a handler going off duty finishes
//! the call in hand. Waits are measured from arrival to answer; callers
//! whose patience runs out hang up. A callback waits without hanging up
//! and is never itself called back, so no chain of calls can repeat at
//! one instant.

use super::dist::Sampler;
use super::ids::{Area, BoroughId, LineId};
use super::metrics::{DAYS_PER_YEAR, Ledger, Levels, YearOut, pct, per_year, ratio_pct};
use super::person::PersonRef;
use super::workforce::fte_year_cost;
use super::workforce::{StaffPool, SupplyConfig, pool_key, role, staffed_share};
use crate::engine::arrivals::{ArrivalProcess, PeriodicProfile, PiecewiseRate};
use crate::engine::pool::{CapacityPool, Request};
use crate::engine::rng::{Purpose, StreamRng, stream};
use crate::engine::roster::{HOURS_PER_WEEK, Roster};
use crate::engine::time::{DAY, HOUR, MINUTE, SECOND};
use crate::engine::{Scheduler, SimTime};
use crate::scenario::types::Role;
use crate::scenario::types::{AdviceLine, Calls, Scenario, Shift};
use crate::stats::QuantileSketch;
use rand::RngExt;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

crate::metric_table! {
    /// Advice-line metrics.
    pub enum LineMetric {
        calls: BL, "Calls offered to advice lines (line: all; borough: about its residents).";
        calls_answered_in_target_pct: BL, "Calls answered within the line's target, % of calls offered.";
        calls_waited_pct: BL, "Calls that found every handler busy, % of calls offered.";
        calls_abandoned_pct: BL, "Callers who hung up before an answer, % of calls offered.";
        call_wait_seconds_mean: BL, "Mean wait of answered calls, seconds.";
        call_wait_seconds_p90: L, "90th percentile wait of answered calls, seconds (0.5% relative accuracy).";
        handler_utilisation_pct: L, "Handler time busy ÷ handler time on duty, %.";
        callbacks: BL, "Callbacks made to callers who abandoned.";
        call_ambulances: BL, "Ambulances that followed a call (an outcome, or after abandoning).";
        fte_demand_advice_nurse: L, "Advice-line FTE needed: the line's roster (handler-hours a week, the line's standard) ÷ hours per FTE × (1 + uplift).";
        fte_supply_advice_nurse: L, "Advice-line FTE in post.";
        fte_gap_advice_nurse: L, "Demand − supply, advice line (positive: a shortfall).";
    }
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

/// One advice line, compiled.
#[derive(Debug, Clone)]
pub struct LineConfig {
    /// Name.
    pub name: String,
    /// Handlers on duty by hour of week, fully staffed.
    pub roster: Roster,
    /// Handling time.
    pub handling: Sampler,
    /// Patience, if callers abandon.
    pub patience: Option<Sampler>,
    /// Answer target, ticks.
    pub target: u64,
    /// Public calls, per tick (a weekly pattern of hours), when open to all.
    pub public_calls: Option<PiecewiseRate>,
    /// Share of abandoned callers called back.
    pub callback_share: f64,
    /// Delay before a callback, ticks.
    pub callback_delay: u64,
    /// FTE needed to cover the roster (uplift included).
    pub fte_needed: f64,
    /// Advice-nurse establishment, FTE.
    pub establishment: f64,
    /// The line's yearly running cost and programme costs in force.
    pub programmes_per_year: f64,
    /// Cost per answered call.
    pub call_cost: f64,
    /// Cost per advice-nurse FTE-year.
    pub fte_year_cost: f64,
}

/// Call generation by caseload patients and what calls lead to, compiled.
#[derive(Debug, Clone)]
pub struct CallsConfig {
    /// Calls per caseload patient per tick, before profiles.
    pub per_patient: f64,
    /// Multiplier in the last fortnight.
    pub late_multiplier: f64,
    /// Multiplier by hour of week (hour-of-day × day-of-week, mean 1),
    /// with its running integral for drawing calls by inversion.
    pub hour_of_week: PeriodicProfile,
    /// Cumulative shares: advice, visit, hah (ambulance is the rest).
    pub outcomes: [f64; 3],
    /// Share of abandoned calls ending in an ambulance.
    pub abandoned_ambulance_share: f64,
    /// Relative risk a crisis needs a bed when answered in target.
    pub answered_crisis_rr: f64,
}

impl LineConfig {
    /// Every line of a validated scenario.
    pub fn compile(s: &Scenario) -> Vec<LineConfig> {
        let (uplift, hours) = s.staffing_conventions();
        let fte_year_cost = fte_year_cost(s, Role::AdviceNurse);
        s.advice_lines
            .iter()
            .map(|l| line(s, l, uplift, hours, fte_year_cost))
            .collect()
    }
}

impl CallsConfig {
    /// Call generation of a validated scenario.
    pub fn compile(s: &Scenario) -> CallsConfig {
        let c = &s.calls;
        let hour_of_week = hour_of_week_profile(c);
        let o = &c.outcomes;
        CallsConfig {
            per_patient: c.per_patient_day.get() / DAY as f64,
            late_multiplier: c.last_fortnight_multiplier.get(),
            hour_of_week: PeriodicProfile::new(HOUR, &hour_of_week),
            outcomes: [
                o.advice.get(),
                o.advice.get() + o.visit.get(),
                o.advice.get() + o.visit.get() + o.hah.get(),
            ],
            abandoned_ambulance_share: c.abandoned_ambulance_share.get(),
            answered_crisis_rr: c.answered_crisis_rr.get(),
        }
    }
}

fn roster(shifts: &[Shift]) -> Roster {
    let mut hours = [0u32; HOURS_PER_WEEK];
    for shift in shifts {
        for day in (0..7).filter(|&d| shift.days.includes(d)) {
            let covered: Vec<u32> = if shift.from < shift.to {
                (shift.from..shift.to).collect()
            } else {
                (shift.from..24).chain(0..shift.to).collect()
            };
            for h in covered {
                hours[day * 24 + h as usize] += shift.handlers;
            }
        }
    }
    Roster::from_hours(hours)
}

fn line(s: &Scenario, l: &AdviceLine, uplift: f64, hours: f64, fte_year_cost: f64) -> LineConfig {
    let fte_needed = l.roster_fte(uplift, hours);
    let profile = hour_of_week_profile(&s.calls);
    let public_calls = (l.open_to_all && l.public_calls_per_day.get() > 0.0).then(|| {
        let per_hour = l.public_calls_per_day.get() / 24.0 / HOUR as f64;
        PiecewiseRate::periodic(HOUR, profile.iter().map(|m| per_hour * m).collect())
    });
    LineConfig {
        name: l.name.clone(),
        roster: roster(&l.roster),
        handling: Sampler::new(&l.handling_time.in_days()),
        patience: l.patience.as_ref().map(|p| Sampler::new(&p.in_days())),
        target: l.answer_target_seconds as u64 * SECOND,
        public_calls,
        callback_share: l.callback_share.get(),
        callback_delay: (l.callback_delay_minutes.get() * MINUTE as f64) as u64,
        fte_needed,
        establishment: l.nurses_fte.map_or(fte_needed, |f| f.get()),
        programmes_per_year: l.cost_per_year.get(),
        call_cost: s.costs.call.get(),
        fte_year_cost,
    }
}

/// Hour-of-day × day-of-week multipliers, each rescaled to mean 1.
fn hour_of_week_profile(c: &Calls) -> [f64; HOURS_PER_WEEK] {
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let (hm, dm) = (mean(&c.hour_of_day), mean(&c.day_of_week));
    let mut out = [1.0; HOURS_PER_WEEK];
    if c.hour_of_day.len() == 24 && c.day_of_week.len() == 7 {
        for (h, o) in out.iter_mut().enumerate() {
            *o = c.hour_of_day[h % 24] / hm * c.day_of_week[h / 24] / dm;
        }
    }
    out
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
    /// Why the call was made.
    pub kind: CallKind,
    /// Who called ([`PersonRef::NOBODY`] for the public).
    pub person: PersonRef,
    /// The caller's borough, if known to services.
    pub borough: Option<BoroughId>,
    arrived: u64,
    generation: u32,
}

/// An answered call, for the pathway to act on.
#[derive(Debug, Clone, Copy)]
pub struct Answer {
    /// The call.
    pub record: CallRecord,
    /// Answered within the line's target.
    pub in_target: bool,
}

/// What happened when a call was placed.
#[derive(Debug, Clone, Copy)]
pub enum CallStart {
    /// A handler picked up at once.
    Answered(Answer),
    /// The caller waits.
    Waiting,
    /// No room to wait: the caller hung up at once.
    Abandoned(CallRecord),
}

impl LineEvent {
    /// The line the event belongs to.
    pub fn line(&self) -> LineId {
        match *self {
            LineEvent::PublicCall { line, .. }
            | LineEvent::Callback { line, .. }
            | LineEvent::CallEnds { line, .. }
            | LineEvent::Abandon { line, .. }
            | LineEvent::RosterChange { line, .. } => line,
        }
    }
}

/// The line's own events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEvent {
    /// A member of the public calls.
    PublicCall {
        /// Line.
        line: LineId,
        /// Generation of the line's public arrival process.
        generation: u32,
    },
    /// A callback to someone who abandoned joins the queue.
    Callback {
        /// Line.
        line: LineId,
        /// Who is called back.
        person: PersonRef,
    },
    /// A handler finishes a call while callers wait (a call that ends
    /// with no one waiting makes no event; see [`AdviceLines::call_ends`]).
    CallEnds {
        /// Line.
        line: LineId,
        /// Generation of the line's call-end event (stale if re-armed).
        generation: u32,
    },
    /// A waiting caller's patience runs out.
    Abandon {
        /// Line.
        line: LineId,
        /// Call record.
        call: u32,
        /// Its generation (stale if the record was reused).
        generation: u32,
    },
    /// The number of handlers on duty changes (its roster, or an hour
    /// whose shift is lost to a staff shortfall, starts or ends).
    RosterChange {
        /// Line.
        line: LineId,
        /// Generation of the line's handler plan (stale if replanned).
        generation: u32,
    },
}

crate::additive! {
    /// Advice-line traffic, kept by line and by the caller's borough.
    pub struct CallTally {
        /// Calls offered.
        pub offered: u64,
        /// Answered.
        pub answered: u64,
        /// Answered within target.
        pub in_target: u64,
        /// Found all handlers busy.
        pub waited: u64,
        /// Abandoned.
        pub abandoned: u64,
        /// Waits of answered calls, seconds.
        pub wait_seconds: f64,
        /// Callbacks made.
        pub callbacks: u64,
        /// Ambulances after a call.
        pub ambulances: u64,
        /// Busy handlers × ticks.
        pub busy_area: f64,
        /// On-duty handlers × ticks.
        pub on_duty_area: f64,
        /// Staff and costs (lines only).
        pub ledger: Ledger,
    }
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

const HANDLING: usize = 0;
const PATIENCE: usize = 1;
const PUBLIC: usize = 2;
const OUTCOMES: usize = 3;

/// One line's moving parts.
#[derive(Debug)]
struct Line {
    handlers: CapacityPool,
    /// When each call in hand ends (earliest first). A call's end is an
    /// event only while callers wait: then the earliest end is *armed*.
    /// Otherwise nothing follows from it but the handler coming free, so
    /// it is settled the next time the line is looked at ([`AdviceLines::observe`]),
    /// its time integrated exactly: about a quarter of all the model's
    /// events saved.
    in_hand: BinaryHeap<Reverse<u64>>,
    /// The armed call end's time and generation.
    armed: Option<u64>,
    end_generation: u32,
    staff: StaffPool,
    /// Handlers actually on duty by hour of the week.
    on_duty: [u32; HOURS_PER_WEEK],
    roster_generation: u32,
    /// When the live roster-change event is due, if one is pending.
    roster_pending: Option<SimTime>,
    rngs: [StreamRng; 4],
    public: Option<ArrivalProcess>,
    public_generation: u32,
    records: Vec<CallRecord>,
    free_records: Vec<u32>,
    levels: Levels<3>,
    tally: CallTally,
    by_hour: [HourTally; 24],
}

/// The advice lines of one replication.
#[derive(Debug)]
pub struct AdviceLines {
    lines: Vec<Line>,
    boroughs: Vec<CallTally>,
    /// Answered waits by line, then the region.
    wait_sketches: Vec<QuantileSketch>,
}

/// A duration in ticks as (fractional) seconds, the unit waits are reported in.
fn seconds(ticks: u64) -> f64 {
    ticks as f64 / SECOND as f64
}

fn hour_of_day(t: u64) -> usize {
    ((t / HOUR) % 24) as usize
}

impl AdviceLines {
    /// Lines at their starting staffing, callers of `boroughs` boroughs.
    pub fn new(
        cfg: &[LineConfig],
        supply: Option<SupplyConfig>,
        boroughs: usize,
        seed: u64,
        rep: u64,
    ) -> Self {
        let lines = cfg
            .iter()
            .enumerate()
            .map(|(l, c)| Line {
                handlers: CapacityPool::new(c.roster.staff_in_hour(0), 1_000_000, 1),
                in_hand: BinaryHeap::with_capacity(64),
                armed: None,
                end_generation: 0,
                staff: StaffPool::new(
                    c.establishment,
                    supply,
                    seed,
                    pool_key(role::ADVICE_NURSE, l),
                    rep,
                ),
                on_duty: std::array::from_fn(|h| c.roster.staff_in_hour(h)),
                roster_generation: 0,
                roster_pending: None,
                rngs: [
                    "line.handling",
                    "line.patience",
                    "line.public",
                    "line.outcomes",
                ]
                .map(|name| stream(seed, Purpose::new(name, l as u64), rep)),
                public: c.public_calls.clone().map(ArrivalProcess::new),
                public_generation: 0,
                records: Vec::with_capacity(256),
                free_records: Vec::with_capacity(256),
                levels: Levels::default(),
                tally: CallTally::default(),
                by_hour: [HourTally::default(); 24],
            })
            .collect();
        AdviceLines {
            lines,
            boroughs: vec![CallTally::default(); boroughs],
            wait_sketches: vec![QuantileSketch::new(); cfg.len() + 1],
        }
    }

    fn count(&mut self, l: LineId, borough: Option<BoroughId>, f: impl Fn(&mut CallTally)) {
        f(&mut self.lines[l.index()].tally);
        if let Some(b) = borough {
            f(&mut self.boroughs[b.index()]);
        }
    }

    /// A new call to line `l` from `person` (of `borough`, if known).
    pub fn place_call<E: From<LineEvent>>(
        &mut self,
        l: LineId,
        kind: CallKind,
        person: PersonRef,
        borough: Option<BoroughId>,
        cfg: &LineConfig,
        sched: &mut Scheduler<E>,
    ) -> CallStart {
        let now = sched.now().ticks();
        self.observe(l, now, cfg);
        let line = &mut self.lines[l.index()];
        let slot = match line.free_records.pop() {
            Some(s) => s,
            None => {
                line.records.push(CallRecord {
                    kind,
                    person,
                    borough,
                    arrived: now,
                    generation: 0,
                });
                (line.records.len() - 1) as u32
            }
        };
        let record = &mut line.records[slot as usize];
        let generation = record.generation.wrapping_add(1);
        *record = CallRecord {
            kind,
            person,
            borough,
            arrived: now,
            generation,
        };
        line.by_hour[hour_of_day(now)].offered += 1;
        self.count(l, borough, |c| c.offered += 1);
        let line = &mut self.lines[l.index()];
        match line.handlers.request(slot as u64, 0, SimTime(now)) {
            Request::Granted => CallStart::Answered(self.answer(l, slot, cfg, sched)),
            Request::Queued => {
                self.count(l, borough, |c| c.waited += 1);
                let line = &mut self.lines[l.index()];
                if let Some(patience) = cfg.patience
                    && kind != CallKind::Callback
                {
                    let wait = patience.ticks(&mut line.rngs[PATIENCE]);
                    let event = LineEvent::Abandon {
                        line: l,
                        call: slot,
                        generation,
                    };
                    sched.schedule_in(wait, event.into());
                }
                self.observe(l, now, cfg);
                self.arm(l, sched);
                CallStart::Waiting
            }
            Request::Refused => CallStart::Abandoned(self.abandon(l, slot, now, cfg)),
        }
    }

    /// A handler picks up `call`.
    fn answer<E: From<LineEvent>>(
        &mut self,
        l: LineId,
        call: u32,
        cfg: &LineConfig,
        sched: &mut Scheduler<E>,
    ) -> Answer {
        let now = sched.now().ticks();
        let line = &mut self.lines[l.index()];
        let record = line.records[call as usize];
        line.free_records.push(call);
        let wait = now - record.arrived;
        let in_target = wait <= cfg.target;
        line.tally.ledger.costs.activity += cfg.call_cost;
        let h = &mut line.by_hour[hour_of_day(record.arrived)];
        h.answered += 1;
        h.wait_seconds += seconds(wait);
        h.in_target += in_target as u64;
        self.count(l, record.borough, |c| {
            c.answered += 1;
            c.wait_seconds += seconds(wait);
            c.in_target += in_target as u64;
        });
        self.wait_sketches[l.index()].add(seconds(wait));
        let region = self.lines.len();
        self.wait_sketches[region].add(seconds(wait));
        let line = &mut self.lines[l.index()];
        let handling = cfg.handling.ticks(&mut line.rngs[HANDLING]);
        line.in_hand.push(Reverse(now + handling));
        self.observe(l, now, cfg);
        Answer { record, in_target }
    }

    /// A caller hangs up (or found no room to wait): counted; the record
    /// is returned for the pathway to decide what follows.
    fn abandon(&mut self, l: LineId, call: u32, now: u64, cfg: &LineConfig) -> CallRecord {
        let line = &mut self.lines[l.index()];
        let record = line.records[call as usize];
        line.free_records.push(call);
        line.by_hour[hour_of_day(record.arrived)].abandoned += 1;
        self.count(l, record.borough, |c| c.abandoned += 1);
        self.observe(l, now, cfg);
        record
    }

    /// What follows an abandoned call, decided by the pathway: a callback
    /// after the line's delay (never for a callback), an ambulance.
    pub fn after_abandon<E: From<LineEvent>>(
        &mut self,
        l: LineId,
        record: CallRecord,
        callback: bool,
        ambulance: bool,
        cfg: &LineConfig,
        sched: &mut Scheduler<E>,
    ) {
        if callback {
            self.count(l, record.borough, |c| c.callbacks += 1);
            let event = LineEvent::Callback {
                line: l,
                person: record.person,
            };
            sched.schedule_in(cfg.callback_delay, event.into());
        }
        if ambulance {
            self.count(l, record.borough, |c| c.ambulances += 1);
        }
    }

    /// An ambulance followed a call.
    pub fn count_ambulance(&mut self, l: LineId, borough: Option<BoroughId>) {
        self.count(l, borough, |c| c.ambulances += 1);
    }

    /// A uniform draw from the line's outcome stream (for callers not on
    /// a caseload).
    pub fn outcome_draw(&mut self, l: LineId) -> f64 {
        self.lines[l.index()].rngs[OUTCOMES].random::<f64>()
    }

    /// The line's outcome stream (for callers not on a caseload).
    pub fn outcome_rng(&mut self, l: LineId) -> &mut StreamRng {
        &mut self.lines[l.index()].rngs[OUTCOMES]
    }

    /// A waiting caller's patience ran out: the abandoned call, unless the
    /// event is stale (the call was answered or the record reused).
    pub fn patience_ends(
        &mut self,
        l: LineId,
        call: u32,
        generation: u32,
        now: u64,
        cfg: &LineConfig,
    ) -> Option<CallRecord> {
        let line = &mut self.lines[l.index()];
        let current = line.records[call as usize].generation == generation;
        if current && line.handlers.renege(call as u64).is_some() {
            Some(self.abandon(l, call, now, cfg))
        } else {
            None
        }
    }

    /// The armed call end of line `l` came due: the handler is free and
    /// the next waiting call answered, if any, and the next end armed if
    /// callers still wait. A stale event (re-armed since) does nothing.
    pub fn call_ends<E: From<LineEvent>>(
        &mut self,
        l: LineId,
        generation: u32,
        cfg: &LineConfig,
        sched: &mut Scheduler<E>,
    ) -> Option<Answer> {
        let now = sched.now().ticks();
        let line = &mut self.lines[l.index()];
        if line.end_generation != generation {
            return None;
        }
        line.armed = None;
        // The end may have been settled already, by a caller at the same
        // instant who found the list empty.
        let answer = match line.in_hand.peek() {
            Some(&Reverse(end)) if end <= now => {
                line.in_hand.pop();
                let next = line.handlers.release();
                self.observe(l, now, cfg);
                next.map(|w| self.answer(l, w.id as u32, cfg, sched))
            }
            _ => None,
        };
        self.arm(l, sched);
        answer
    }

    /// While callers wait on line `l`, makes the earliest end of a call in
    /// hand an event (one live call-end event per line).
    fn arm<E: From<LineEvent>>(&mut self, l: LineId, sched: &mut Scheduler<E>) {
        let line = &mut self.lines[l.index()];
        if line.handlers.waiting() == 0 {
            return;
        }
        let Some(&Reverse(end)) = line.in_hand.peek() else {
            return;
        };
        if line.armed == Some(end) {
            return;
        }
        line.armed = Some(end);
        line.end_generation = line.end_generation.wrapping_add(1);
        let event = LineEvent::CallEnds {
            line: l,
            generation: line.end_generation,
        };
        sched.schedule_at(SimTime(end), event.into());
    }

    /// Whether a public-call event is current.
    pub fn public_call_is_current(&self, l: LineId, generation: u32) -> bool {
        self.lines[l.index()].public_generation == generation
    }

    /// Whether a roster-change event is current (then it is no longer
    /// pending: the change it announced is now).
    pub fn roster_change_is_current(&mut self, l: LineId, generation: u32) -> bool {
        let line = &mut self.lines[l.index()];
        let current = line.roster_generation == generation;
        if current {
            line.roster_pending = None;
        }
        current
    }

    /// Schedules the next public call to line `l`, if it is open to all.
    pub fn schedule_public_call<E: From<LineEvent>>(
        &mut self,
        l: LineId,
        sched: &mut Scheduler<E>,
    ) {
        let line = &mut self.lines[l.index()];
        if let Some(process) = &mut line.public
            && let Some(t) = process.next(&mut line.rngs[PUBLIC])
        {
            let generation = line.public_generation;
            sched.schedule_at(
                t,
                LineEvent::PublicCall {
                    line: l,
                    generation,
                }
                .into(),
            );
        }
    }

    /// Public calls after an intervention: a changed stream restarts now.
    pub fn replan_public<E: From<LineEvent>>(
        &mut self,
        l: LineId,
        old: &LineConfig,
        new: &LineConfig,
        sched: &mut Scheduler<E>,
    ) {
        if new.public_calls != old.public_calls {
            let now = sched.now();
            let line = &mut self.lines[l.index()];
            line.public_generation += 1;
            line.public = new
                .public_calls
                .clone()
                .map(|r| ArrivalProcess::starting_at(r, now));
            self.schedule_public_call(l, sched);
        }
    }

    /// Handlers on duty for the current hour: integrates up to now and
    /// sets the pool's size; callers then are answered with
    /// [`Self::answer_waiting`], and [`Self::schedule_roster_change`] plans
    /// the next change.
    pub fn set_on_duty(&mut self, l: LineId, now: SimTime, cfg: &LineConfig) {
        self.observe(l, now.ticks(), cfg);
        let line = &mut self.lines[l.index()];
        let on_duty = line.on_duty[now.hour_of_week()];
        line.handlers.set_capacity(on_duty);
    }

    /// The next waiting call answered by a free handler, if any.
    pub fn answer_waiting<E: From<LineEvent>>(
        &mut self,
        l: LineId,
        cfg: &LineConfig,
        sched: &mut Scheduler<E>,
    ) -> Option<Answer> {
        let next = self.lines[l.index()].handlers.admit_next()?;
        let answer = self.answer(l, next.id as u32, cfg, sched);
        self.arm(l, sched);
        Some(answer)
    }

    /// Schedules the next hour at which the number on duty changes; a new
    /// plan makes the pending change stale, so each line has one live
    /// change event at a time. A plan whose next change is the one already
    /// pending (the monthly step leaving the plan as it was) keeps it.
    pub fn schedule_roster_change<E: From<LineEvent>>(
        &mut self,
        l: LineId,
        cfg: &LineConfig,
        sched: &mut Scheduler<E>,
    ) {
        let now = sched.now();
        self.observe(l, now.ticks(), cfg);
        let line = &mut self.lines[l.index()];
        let plan = line.on_duty;
        let hour = now.hour_of_week();
        let hour_start = now.ticks() - now.ticks() % HOUR;
        let next = (1..=HOURS_PER_WEEK)
            .find(|k| plan[(hour + k) % HOURS_PER_WEEK] != plan[hour])
            .map(|k| SimTime(hour_start + k as u64 * HOUR));
        if next == line.roster_pending {
            return;
        }
        let generation = line.roster_generation.wrapping_add(1);
        line.roster_generation = generation;
        line.roster_pending = next;
        if let Some(at) = next {
            sched.schedule_at(
                at,
                LineEvent::RosterChange {
                    line: l,
                    generation,
                }
                .into(),
            );
        }
    }

    /// The week's on-duty plan from the staff in post.
    pub fn apply_staffing(&mut self, l: LineId, now: u64, cfg: &LineConfig) {
        self.observe(l, now, cfg);
        let line = &mut self.lines[l.index()];
        let staffing = staffed_share(line.staff.fte, cfg.fte_needed);
        line.on_duty =
            std::array::from_fn(|h| staffed_handlers(cfg.roster.staff_in_hour(h), staffing, h));
    }

    /// New establishments and dynamics (an intervention).
    pub fn replan(&mut self, cfg: &[LineConfig], supply: Option<SupplyConfig>) {
        for (line, c) in self.lines.iter_mut().zip(cfg) {
            line.staff.replan(c.establishment, supply);
        }
    }

    /// One month of staff supply.
    pub fn step_month(&mut self) {
        self.lines.iter_mut().for_each(|l| l.staff.step_month());
    }

    /// Integrates line `l`'s handler levels up to `now`, hour by hour,
    /// first freeing the handlers whose calls ended by then with no one
    /// waiting, each at its own time.
    pub fn observe(&mut self, l: LineId, now: u64, cfg: &LineConfig) {
        loop {
            let line = &mut self.lines[l.index()];
            if line.handlers.waiting() > 0 {
                break;
            }
            match line.in_hand.peek() {
                Some(&Reverse(end)) if end <= now => {
                    line.in_hand.pop();
                    let next = line.handlers.release();
                    debug_assert!(next.is_none(), "a call end settled while callers wait");
                    self.integrate(l, end, cfg);
                }
                _ => break,
            }
        }
        self.integrate(l, now, cfg);
    }

    /// Integrates line `l`'s levels up to `now` and holds their present
    /// values from then on.
    fn integrate(&mut self, l: LineId, now: u64, cfg: &LineConfig) {
        let line = &mut self.lines[l.index()];
        let since = line.levels.since;
        let next = [
            line.handlers.busy() as f64,
            line.handlers.capacity() as f64,
            line.staff.fte,
        ];
        let ([busy, on_duty, supply], dt) = line.levels.advance(now, next);
        if dt <= 0.0 {
            return;
        }
        let t = &mut line.tally;
        t.busy_area += busy * dt;
        t.on_duty_area += on_duty * dt;
        t.ledger.staff.demand_area[role::ADVICE_NURSE] += cfg.fte_needed * dt;
        let r = role::ADVICE_NURSE;
        t.ledger.staff_in_post(r, supply, cfg.fte_year_cost, dt);
        t.ledger.programme(cfg.programmes_per_year, dt);
        let mut t0 = since;
        while t0 < now {
            let hour_end = (t0 / HOUR + 1) * HOUR;
            let t1 = hour_end.min(now);
            let slot = &mut line.by_hour[hour_of_day(t0)];
            slot.busy_area += busy * (t1 - t0) as f64;
            slot.on_duty_area += on_duty * (t1 - t0) as f64;
            t0 = t1;
        }
    }

    /// Staff and costs of line `l` this year.
    pub fn ledger(&self, l: LineId) -> &Ledger {
        &self.lines[l.index()].tally.ledger
    }

    /// Writes this year's rows.
    pub fn write_year(&self, out: &mut YearOut) {
        for b in out.boroughs() {
            write(out, Area::Borough(b), &self.boroughs[b.index()], f64::NAN);
        }
        for l in out.lines() {
            let p90 = self.wait_sketches[l.index()].quantile(0.90);
            write(out, Area::Line(l), &self.lines[l.index()].tally, p90);
        }
        let all = CallTally::sum(self.lines.iter().map(|l| &l.tally));
        let p90 = self.wait_sketches[self.lines.len()].quantile(0.90);
        write(out, Area::All, &all, p90);
    }

    /// Writes this year's by-hour values for every line and the region
    /// (`[line or ALL][hour][metric]`).
    pub fn write_by_hour(&self, out: &mut [f64]) {
        let n = self.lines.len();
        let k = BY_HOUR_METRICS.len();
        for area in 0..=n {
            for h in 0..24 {
                let t = if area < n {
                    self.lines[area].by_hour[h]
                } else {
                    self.lines.iter().fold(HourTally::default(), |mut acc, l| {
                        let x = l.by_hour[h];
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
                let base = (area * 24 + h) * k;
                out[base] = t.offered as f64;
                out[base + 1] = pct(t.in_target, t.offered);
                out[base + 2] = pct(t.abandoned, t.offered);
                out[base + 3] = if t.answered == 0 {
                    f64::NAN
                } else {
                    t.wait_seconds / t.answered as f64
                };
                out[base + 4] = t.on_duty_area / (DAYS_PER_YEAR as f64 * HOUR as f64);
                out[base + 5] = ratio_pct(t.busy_area, t.on_duty_area);
            }
        }
    }

    /// Starts a new year.
    pub fn reset_year(&mut self) {
        for line in &mut self.lines {
            line.tally = CallTally::default();
            line.by_hour = [HourTally::default(); 24];
        }
        self.boroughs.fill(CallTally::default());
        self.wait_sketches
            .iter_mut()
            .for_each(QuantileSketch::clear);
    }
}

fn write(out: &mut YearOut, area: Area, c: &CallTally, p90: f64) {
    use LineMetric::*;
    let r = role::ADVICE_NURSE;
    let (d, s) = (c.ledger.staff.demand_area[r], c.ledger.staff.supply_area[r]);
    let wait_mean = if c.answered == 0 {
        f64::NAN
    } else {
        c.wait_seconds / c.answered as f64
    };
    let values = [
        (calls, c.offered as f64),
        (calls_answered_in_target_pct, pct(c.in_target, c.offered)),
        (calls_waited_pct, pct(c.waited, c.offered)),
        (calls_abandoned_pct, pct(c.abandoned, c.offered)),
        (call_wait_seconds_mean, wait_mean),
        (call_wait_seconds_p90, p90),
        (
            handler_utilisation_pct,
            ratio_pct(c.busy_area, c.on_duty_area),
        ),
        (callbacks, c.callbacks as f64),
        (call_ambulances, c.ambulances as f64),
        (fte_demand_advice_nurse, per_year(d)),
        (fte_supply_advice_nurse, per_year(s)),
        (fte_gap_advice_nurse, per_year(d - s)),
    ];
    for (m, v) in values {
        out.put(area, m as usize, v);
    }
}
