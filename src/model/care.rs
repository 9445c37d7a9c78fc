//! The care system on the kernel: people, services and the pathway between
//! them, as one [`Model`].
//!
//! Each borough has a stream of people entering the last phase of life
//! (deaths, by year, season and weekday). A person is referred to the
//! borough's community specialist palliative care (CSPC) team with
//! probability need share × reach; otherwise they die at once in a place
//! drawn for people not known to services. The pathway of referred people
//! is in [`pathway`](super::pathway), advice-line calls in
//! [`advice`](super::advice), staff supply in [`workforce`](super::workforce).
//! This file holds the system's state, the bookkeeping that turns levels
//! and counts into yearly tallies, and the event dispatch.
//!
//! Every person draws their own randomness from their own stream (keyed
//! by borough and arrival number), so the same person behaves the same in
//! every option until capacity makes their paths differ.

use super::advice::{CallRecord, HourTally};
use super::config::{CareConfig, YEAR};
use super::metrics::{
    AreaKind, LevelHistogram, METRIC_COUNT, METRICS, Percentiles, Residents, Tally, role,
};
use super::workforce::Staff;
use crate::engine::arrivals::ArrivalProcess;
use crate::engine::pool::CapacityPool;
use crate::engine::rng::{Purpose, StreamRng, stream};
use crate::engine::roster::HOURS_PER_WEEK;
use crate::engine::time::{DAY, HOUR};
use crate::engine::{Model, Scheduler, SimTime, run_until};
use crate::stats::QuantileSketch;

/// A reference to a person that goes stale when their plan changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PersonRef {
    pub(super) slot: u32,
    pub(super) epoch: u32,
}

impl PersonRef {
    /// The reference used for callers who are not on a caseload.
    pub const NOBODY: PersonRef = PersonRef {
        slot: u32::MAX,
        epoch: 0,
    };
}

/// Events of the care system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CareEvent {
    /// A resident of borough `.0` enters the last phase of life.
    Arrival(u16),
    /// A calendar-year boundary (also the end of the warm-up).
    YearBoundary,
    /// Staff supply moves on a month.
    WorkforceMonth,
    /// A crisis happens.
    Crisis(PersonRef),
    /// The terminal phase starts.
    Terminal(PersonRef),
    /// The person dies.
    Death(PersonRef),
    /// An IPU, enhanced-bed or acute stay ends in discharge home.
    StayEnds(PersonRef),
    /// A carer's bereavement support ends.
    BereavementEnds,
    /// A caseload patient (or their carer) calls their line.
    PatientCall(PersonRef),
    /// A member of the public calls a line.
    PublicCall {
        /// Line.
        line: u16,
        /// Generation of the line's public arrival process.
        generation: u32,
    },
    /// A callback to someone who abandoned joins the queue of `line`.
    Callback {
        /// Line.
        line: u16,
        /// Who is called back.
        person: PersonRef,
    },
    /// A handler of line `.0` finishes a call.
    CallEnds(u16),
    /// A waiting caller's patience runs out.
    Abandon {
        /// Line.
        line: u16,
        /// Call record.
        call: u32,
        /// Its generation (stale if the record was reused).
        generation: u32,
    },
    /// The number of handlers on duty on a line changes (its roster, or
    /// an hour whose shift is lost to a staff shortfall, starts or ends).
    RosterChange {
        /// Line.
        line: u16,
        /// Generation of the line's handler plan (stale if replanned).
        generation: u32,
    },
    /// Interventions: configuration phase `.0` starts.
    ConfigChange(u16),
}

/// Where a person is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Location {
    Home,
    Ipu(u16),
    Enhanced,
    Acute,
}

/// A referred person.
#[derive(Debug)]
pub(super) struct Person {
    pub(super) rng: StreamRng,
    pub(super) epoch: u32,
    /// Generation of the pending Death event (changes only with `death_at`).
    pub(super) death_epoch: u32,
    /// `death_at` as last scheduled.
    pub(super) death_scheduled: u64,
    /// Generation of the pending Terminal event.
    pub(super) terminal_epoch: u32,
    /// `terminal_at` as last scheduled (`u64::MAX`: none pending).
    pub(super) terminal_scheduled: u64,
    /// Start of the stretch at home on the caseload whose visits are not
    /// yet counted (`u64::MAX`: not at home on the caseload).
    pub(super) visits_since: u64,
    pub(super) borough: u16,
    pub(super) preference: super::config::Place,
    pub(super) unknown_place: super::config::Place,
    pub(super) ucp: bool,
    pub(super) death_at: u64,
    pub(super) terminal_at: u64,
    pub(super) location: Location,
    pub(super) on_caseload: bool,
    pub(super) in_terminal: bool,
    pub(super) hah: bool,
    pub(super) ipu_waiting: Option<u16>,
    pub(super) bed_since: u64,
    pub(super) stay_end: u64,
    /// Quantile (0–1) of the stay this person would have if admitted,
    /// drawn at arrival: the same planned stay in every option.
    pub(super) stay_quantile: f64,
    /// Uniform (0–1) drawn at arrival that picks among free nearby beds
    /// when the person has no preference between kinds of bed.
    pub(super) bed_choice: f64,
}

/// Levels integrated over time for one area: the values held since `since`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Levels<const N: usize> {
    pub(super) since: u64,
    pub(super) values: [f64; N],
}

impl<const N: usize> Default for Levels<N> {
    fn default() -> Self {
        Levels {
            since: 0,
            values: [0.0; N],
        }
    }
}

/// What one replication produced.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicationResult {
    /// Metric values, `[year][area][metric]` flattened; areas as
    /// [`CareConfig::areas`].
    pub values: Vec<f64>,
    /// Advice-line values by hour of day, `[year][line or ALL][hour][metric]`
    /// flattened; metrics as [`super::advice::BY_HOUR_METRICS`].
    pub by_hour: Vec<f64>,
    /// Events handled.
    pub events: u64,
}

/// The simulated care system for one replication.
pub struct CareSystem<'a> {
    root: &'a CareConfig,
    pub(super) cfg: &'a CareConfig,
    pub(super) replication: u64,
    arrivals: Vec<ArrivalProcess>,
    arrival_rngs: Vec<StreamRng>,
    arrivals_seen: Vec<u64>,
    pub(super) people: Vec<Person>,
    pub(super) free_slots: Vec<u32>,
    pub(super) cspc: Vec<CapacityPool>,
    pub(super) hah: Vec<CapacityPool>,
    pub(super) enhanced: Vec<CapacityPool>,
    pub(super) ipu: Vec<CapacityPool>,
    pub(super) bereavement: CapacityPool,
    pub(super) bereavement_rng: StreamRng,
    pub(super) next_carer: u64,
    pub(super) staff: Staff,
    pub(super) lines: Vec<CapacityPool>,
    /// Handlers actually on duty per line and hour of the week: the roster
    /// with the hours lost to a staff shortfall taken out.
    pub(super) on_duty: Vec<[u32; HOURS_PER_WEEK]>,
    /// Generation of each line's pending handler change.
    pub(super) roster_generation: Vec<u32>,
    pub(super) line_rngs: Vec<[StreamRng; 4]>,
    pub(super) public_arrivals: Vec<Option<ArrivalProcess>>,
    pub(super) public_generation: Vec<u32>,
    pub(super) call_records: Vec<Vec<CallRecord>>,
    pub(super) free_calls: Vec<Vec<u32>>,
    borough_levels: Vec<Levels<9>>,
    site_levels: Vec<Levels<5>>,
    line_levels: Vec<Levels<3>>,
    region_waiting: (u64, u32),
    region_occupancy: (u64, u32),
    boundaries_seen: u32,
    pub(super) year: Option<usize>,
    pub(super) tallies: Vec<Tally>,
    pub(super) acute_count: Vec<u32>,
    region: Residents,
    site_histograms: Vec<LevelHistogram>,
    region_histogram: LevelHistogram,
    pub(super) wait_sketches: Vec<QuantileSketch>,
    pub(super) by_hour: Vec<[HourTally; 24]>,
    values: Vec<f64>,
    by_hour_values: Vec<f64>,
    area_kinds: Vec<AreaKind>,
}

impl std::fmt::Debug for CareSystem<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CareSystem")
            .field("replication", &self.replication)
            .field("people", &self.people.len())
            .finish()
    }
}

/// Runs replication `replication` of `cfg` to the end of its horizon.
pub fn simulate(cfg: &CareConfig, replication: u64) -> ReplicationResult {
    simulate_with_checkpoint(cfg, replication, SimTime(cfg.end()), || {})
}

/// [`simulate`], calling `checkpoint` once the clock reaches `at` (used to
/// measure the steady state, e.g. that no event allocates after warm-up).
pub fn simulate_with_checkpoint(
    cfg: &CareConfig,
    replication: u64,
    at: SimTime,
    checkpoint: impl FnOnce(),
) -> ReplicationResult {
    let mut system = CareSystem::new(cfg, replication);
    let mut sched = Scheduler::with_capacity(8192);
    for b in 0..cfg.boroughs.len() {
        system.schedule_arrival(b, &mut sched);
    }
    for l in 0..cfg.lines.len() {
        system.schedule_public_call(l, &mut sched);
    }
    for k in 0..=cfg.years as u64 {
        sched.schedule_at(SimTime(cfg.warmup + k * YEAR), CareEvent::YearBoundary);
    }
    system.apply_staffing(&mut sched);
    sched.schedule_in(YEAR / 12, CareEvent::WorkforceMonth);
    for (k, (at, _)) in cfg.changes.iter().enumerate() {
        sched.schedule_at(SimTime(*at), CareEvent::ConfigChange(k as u16));
    }
    let end = SimTime(cfg.end());
    run_until(&mut system, &mut sched, at.min(end));
    checkpoint();
    run_until(&mut system, &mut sched, end);
    ReplicationResult {
        values: system.values,
        by_hour: system.by_hour_values,
        events: sched.events_processed(),
    }
}

impl<'a> CareSystem<'a> {
    fn new(cfg: &'a CareConfig, replication: u64) -> Self {
        let (nb, ns, nl) = (cfg.boroughs.len(), cfg.sites.len(), cfg.lines.len());
        let p = &cfg.pathway;
        let total_beds: u32 = cfg.sites.iter().map(|s| s.beds).sum();
        let line_rng = |l: usize| {
            [
                "line.handling",
                "line.patience",
                "line.public",
                "line.outcomes",
            ]
            .map(|name| stream(cfg.seed, Purpose::new(name, l as u64), replication))
        };
        CareSystem {
            root: cfg,
            cfg,
            replication,
            arrivals: cfg
                .boroughs
                .iter()
                .map(|b| ArrivalProcess::new(b.deaths.clone()))
                .collect(),
            arrival_rngs: (0..nb)
                .map(|b| stream(cfg.seed, Purpose::new("deaths", b as u64), replication))
                .collect(),
            arrivals_seen: vec![0; nb],
            people: Vec::with_capacity(4096),
            free_slots: Vec::with_capacity(4096),
            cspc: cfg
                .boroughs
                .iter()
                .map(|b| CapacityPool::new(b.caseload_capacity, usize::MAX, 2))
                .collect(),
            hah: cfg
                .boroughs
                .iter()
                .map(|b| CapacityPool::new(b.hah_slots, 0, 1))
                .collect(),
            enhanced: cfg
                .boroughs
                .iter()
                .map(|b| CapacityPool::new(b.enhanced_beds, 0, 1))
                .collect(),
            ipu: cfg
                .sites
                .iter()
                .map(|s| CapacityPool::new(s.beds, s.waiting_list, 2))
                .collect(),
            bereavement: CapacityPool::new(p.bereavement_capacity, p.bereavement_waiting, 1),
            bereavement_rng: stream(cfg.seed, Purpose::new("bereavement", 0), replication),
            next_carer: 0,
            staff: Staff::new(cfg, replication),
            lines: cfg
                .lines
                .iter()
                .map(|l| CapacityPool::new(l.roster.staff_in_hour(0), 1_000_000, 1))
                .collect(),
            on_duty: cfg
                .lines
                .iter()
                .map(|l| std::array::from_fn(|h| l.roster.staff_in_hour(h)))
                .collect(),
            roster_generation: vec![0; nl],
            line_rngs: (0..nl).map(line_rng).collect(),
            public_arrivals: cfg
                .lines
                .iter()
                .map(|l| l.public_calls.clone().map(ArrivalProcess::new))
                .collect(),
            public_generation: vec![0; nl],
            call_records: vec![Vec::with_capacity(256); nl],
            free_calls: vec![Vec::with_capacity(256); nl],
            borough_levels: vec![Levels::default(); nb],
            site_levels: vec![Levels::default(); ns],
            line_levels: vec![Levels::default(); nl],
            region_waiting: (0, 0),
            region_occupancy: (0, 0),
            boundaries_seen: 0,
            year: None,
            tallies: vec![Tally::default(); nb + ns + nl],
            acute_count: vec![0; nb],
            region: Residents::default(),
            site_histograms: cfg
                .sites
                .iter()
                .map(|s| LevelHistogram::with_max(s.beds))
                .collect(),
            region_histogram: LevelHistogram::with_max(total_beds),
            wait_sketches: vec![QuantileSketch::new(); nl + 1],
            by_hour: vec![[HourTally::default(); 24]; nl],
            values: vec![f64::NAN; cfg.years as usize * (nb + ns + nl + 1) * METRIC_COUNT],
            area_kinds: cfg.areas().into_iter().map(|(_, kind)| kind).collect(),
            by_hour_values: vec![
                f64::NAN;
                cfg.years as usize
                    * (nl + 1)
                    * 24
                    * super::advice::BY_HOUR_METRICS.len()
            ],
        }
    }

    // ---- tallies -------------------------------------------------------

    /// Counts into borough `b`'s tally if a reported year is running.
    pub(super) fn count_borough(&mut self, b: usize, f: impl FnOnce(&mut Tally)) {
        if self.year.is_some() {
            f(&mut self.tallies[b]);
        }
    }

    /// Counts into site `s`'s tally if a reported year is running.
    pub(super) fn count_site(&mut self, s: usize, f: impl FnOnce(&mut Tally)) {
        if self.year.is_some() {
            let nb = self.cfg.boroughs.len();
            f(&mut self.tallies[nb + s]);
        }
    }

    /// Counts into line `l`'s tally if a reported year is running.
    pub(super) fn count_line(&mut self, l: usize, f: impl FnOnce(&mut Tally)) {
        if self.year.is_some() {
            let n = self.cfg.boroughs.len() + self.cfg.sites.len();
            f(&mut self.tallies[n + l]);
        }
    }

    /// Integrates borough `b`'s levels up to `now` and reads the new ones.
    pub(super) fn observe_borough(&mut self, b: usize, now: u64) {
        let lv = self.borough_levels[b];
        let dt = now.saturating_sub(lv.since) as f64;
        let bc = &self.cfg.boroughs[b];
        if self.year.is_some() && dt > 0.0 {
            let [
                caseload,
                capacity,
                waiting,
                hah,
                enhanced,
                slots,
                cspc_fte,
                hah_fte,
                acute,
            ] = lv.values;
            let c = &self.cfg.costs;
            let t = &mut self.tallies[b];
            let r = &mut t.residents;
            r.caseload_area += caseload * dt;
            r.caseload_capacity_area += capacity * dt;
            r.cspc_waiting_area += waiting * dt;
            r.hah_area += hah * dt;
            r.enhanced_area += enhanced * dt;
            r.hah_slots_area += slots * dt;
            r.acute_area += acute * dt;
            let days = dt / DAY as f64;
            let acute_cost = acute * c.acute_bed_day * days;
            r.acute_cost += acute_cost;
            r.activity_cost += acute_cost
                + enhanced * c.enhanced_bed_day * days
                + hah * bc.hah_hours_per_day * c.hah_hour * days;
            r.capacity_cost += (bc.enhanced_beds as f64 * c.enhanced_bed_day_available
                + bc.hah_slots as f64 * c.hah_slot_day_available)
                * days;
            r.programme_cost += bc.programmes_per_year * dt / YEAR as f64;
            let s = &mut t.staff;
            s.demand_area[role::CSPC_NURSE] +=
                (caseload + waiting) / bc.caseload_per_fte.max(1e-12) * dt;
            s.supply_area[role::CSPC_NURSE] += cspc_fte * dt;
            s.demand_area[role::HAH_NURSE] += hah * bc.hah_fte_per_patient * dt;
            s.supply_area[role::HAH_NURSE] += hah_fte * dt;
            let years = dt / YEAR as f64;
            s.cost += (cspc_fte * c.fte_year[role::CSPC_NURSE]
                + hah_fte * c.fte_year[role::HAH_NURSE])
                * years;
        }
        let cspc = &self.cspc[b];
        let hah_fte = if bc.hah_establishment.is_some() {
            self.staff.hah[b].fte
        } else {
            0.0
        };
        self.borough_levels[b] = Levels {
            since: now,
            values: [
                cspc.busy() as f64,
                cspc.capacity() as f64,
                cspc.waiting() as f64,
                self.hah[b].busy() as f64,
                self.enhanced[b].busy() as f64,
                self.hah[b].capacity() as f64,
                self.staff.cspc[b].fte,
                hah_fte,
                self.acute_count[b] as f64,
            ],
        };
    }

    /// Integrates site `s`'s levels (and the region's occupancy) up to `now`.
    pub(super) fn observe_site(&mut self, s: usize, now: u64) {
        let lv = self.site_levels[s];
        let dt = now.saturating_sub(lv.since);
        let sc = &self.cfg.sites[s];
        if self.year.is_some() && dt > 0 {
            let [occupied, staffed, nurses, consultants, waiting] = lv.values;
            self.site_histograms[s].add(occupied as u32, dt);
            let dt = dt as f64;
            let nb = self.cfg.boroughs.len();
            let t = &mut self.tallies[nb + s];
            let c = &self.cfg.costs;
            let days = dt / DAY as f64;
            t.units.activity_cost += occupied * c.ipu_bed_day * days;
            t.units.capacity_cost += sc.beds as f64 * c.ipu_bed_day_available * days;
            t.units.programme_cost += sc.programmes_per_year * dt / YEAR as f64;
            t.units.waiting_area += waiting * dt;
            t.staff.cost += (nurses * c.fte_year[role::IPU_NURSE]
                + consultants * c.fte_year[role::CONSULTANT])
                * dt
                / YEAR as f64;
            t.units.occupied_area += occupied * dt;
            t.units.staffed_area += staffed * dt;
            let st = &mut t.staff;
            let wanted = occupied + waiting;
            st.demand_area[role::IPU_NURSE] += wanted * sc.nurse_fte_per_bed * dt;
            st.supply_area[role::IPU_NURSE] += nurses * dt;
            // A unit with beds needs its cover even while shut for want of
            // staff: that is the staff that would reopen it.
            let consultant_need = if sc.beds > 0 {
                sc.min_consultant_fte
                    .max(wanted * sc.consultant_fte_per_bed)
            } else {
                0.0
            };
            st.demand_area[role::CONSULTANT] += consultant_need * dt;
            st.supply_area[role::CONSULTANT] += consultants * dt;
        }
        self.observe_region_occupancy(now);
        self.site_levels[s] = Levels {
            since: now,
            values: [
                self.ipu[s].busy() as f64,
                self.ipu[s].capacity() as f64,
                self.staff.ipu[s].fte,
                self.staff.consultants[s].fte,
                self.ipu[s].waiting() as f64,
            ],
        };
    }

    /// Integrates line `l`'s handler levels up to `now`, hour by hour.
    pub(super) fn observe_line(&mut self, l: usize, now: u64) {
        let lv = self.line_levels[l];
        if self.year.is_some() && now > lv.since {
            let [busy, on_duty, supply] = lv.values;
            let dt = (now - lv.since) as f64;
            let n = self.cfg.boroughs.len() + self.cfg.sites.len();
            let t = &mut self.tallies[n + l];
            t.calls.busy_area += busy * dt;
            t.calls.on_duty_area += on_duty * dt;
            t.staff.demand_area[role::ADVICE_NURSE] += self.cfg.lines[l].fte_needed * dt;
            t.staff.cost += supply * self.cfg.costs.fte_year[role::ADVICE_NURSE] * dt / YEAR as f64;
            t.calls.programme_cost += self.cfg.lines[l].programmes_per_year * dt / YEAR as f64;
            t.staff.supply_area[role::ADVICE_NURSE] += supply * dt;
            let mut t0 = lv.since;
            while t0 < now {
                let hour_end = (t0 / HOUR + 1) * HOUR;
                let t1 = hour_end.min(now);
                let h = ((t0 / HOUR) % 24) as usize;
                let slot = &mut self.by_hour[l][h];
                slot.busy_area += busy * (t1 - t0) as f64;
                slot.on_duty_area += on_duty * (t1 - t0) as f64;
                t0 = t1;
            }
        }
        let pool = &self.lines[l];
        self.line_levels[l] = Levels {
            since: now,
            values: [
                pool.busy() as f64,
                pool.capacity() as f64,
                self.staff.advice[l].fte,
            ],
        };
    }

    /// The region's total occupancy changes only when a site's does.
    fn observe_region_occupancy(&mut self, now: u64) {
        let (since, level) = self.region_occupancy;
        let dt = now.saturating_sub(since);
        if self.year.is_some() && dt > 0 {
            self.region_histogram.add(level, dt);
        }
        let total = self.ipu.iter().map(|p| p.busy()).sum();
        self.region_occupancy = (now, total);
    }

    /// Integrates the region's bereavement waiting list up to `now`.
    pub(super) fn observe_bereavement(&mut self, now: u64) {
        let (since, level) = self.region_waiting;
        if self.year.is_some() {
            let dt = now.saturating_sub(since) as f64;
            self.region.bereavement_waiting_area += level as f64 * dt;
            self.region.programme_cost += self.cfg.region_programmes_per_year * dt / YEAR as f64;
        }
        self.region_waiting = (now, self.bereavement.waiting() as u32);
    }

    fn on_year_boundary(&mut self, now: u64) {
        self.flush(now);
        for slot in 0..self.people.len() {
            self.settle_visits(slot, now);
        }
        if let Some(y) = self.year {
            self.write_year(y);
        }
        let k = self.boundaries_seen as usize;
        self.boundaries_seen += 1;
        self.year = (k < self.cfg.years as usize).then_some(k);
        self.tallies.iter_mut().for_each(|t| *t = Tally::default());
        self.region = Residents::default();
        self.site_histograms
            .iter_mut()
            .for_each(LevelHistogram::clear);
        self.region_histogram.clear();
        self.wait_sketches
            .iter_mut()
            .for_each(QuantileSketch::clear);
        self.by_hour
            .iter_mut()
            .for_each(|h| *h = [HourTally::default(); 24]);
    }

    fn write_year(&mut self, year: usize) {
        let (nb, ns) = (self.cfg.boroughs.len(), self.cfg.sites.len());
        let all = Tally::region(
            &self.tallies[..nb],
            &self.tallies[nb..nb + ns],
            &self.tallies[nb + ns..],
            &self.region,
        );
        let areas = &self.area_kinds;
        for (area, kind) in areas.iter().enumerate() {
            let tally = if *kind == AreaKind::All {
                &all
            } else {
                &self.tallies[area]
            };
            let pc = Percentiles {
                occupancy_p95: match kind {
                    AreaKind::Site => self.site_histograms[area - nb].quantile(0.95),
                    AreaKind::All => self.region_histogram.quantile(0.95),
                    _ => f64::NAN,
                },
                wait_p90: match kind {
                    AreaKind::Line => self.wait_sketches[area - nb - ns].quantile(0.90),
                    AreaKind::All => self.wait_sketches[self.cfg.lines.len()].quantile(0.90),
                    _ => f64::NAN,
                },
            };
            let base = (year * areas.len() + area) * METRIC_COUNT;
            for (i, (metric, _, scope, _)) in METRICS.iter().enumerate() {
                if scope.covers(*kind) {
                    self.values[base + i] = tally.value(*metric, pc);
                }
            }
        }
        super::advice::write_by_hour(&self.by_hour, year, &mut self.by_hour_values);
    }

    /// Interventions: phase `k` takes over. Every level is integrated up to
    /// now under the old configuration, then capacities, staff plans, rosters
    /// and public call streams follow the new one.
    fn on_config_change(&mut self, k: usize, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now().ticks();
        self.flush(now);
        let Some((_, next)) = self.root.changes.get(k) else {
            return;
        };
        let old = self.cfg;
        self.cfg = next;
        let cfg = self.cfg;
        for (b, bc) in cfg.boroughs.iter().enumerate() {
            self.enhanced[b].set_capacity(bc.enhanced_beds);
        }
        for (s, sc) in cfg.sites.iter().enumerate() {
            self.ipu[s].set_queue_limit(sc.waiting_list);
        }
        self.bereavement
            .set_capacity(cfg.pathway.bereavement_capacity);
        self.bereavement
            .set_queue_limit(cfg.pathway.bereavement_waiting);
        while self.bereavement.admit_next().is_some() {
            self.start_bereavement(sched);
        }
        for (l, lc) in cfg.lines.iter().enumerate() {
            if lc.public_calls != old.lines[l].public_calls {
                self.public_generation[l] += 1;
                self.public_arrivals[l] = lc
                    .public_calls
                    .clone()
                    .map(|r| ArrivalProcess::starting_at(r, SimTime(now)));
                self.schedule_public_call(l, sched);
            }
        }
        self.replan_staff();
        self.apply_staffing(sched);
    }

    /// Integrates every level up to `now`.
    pub(super) fn flush(&mut self, now: u64) {
        for b in 0..self.cfg.boroughs.len() {
            self.observe_borough(b, now);
        }
        for s in 0..self.cfg.sites.len() {
            self.observe_site(s, now);
        }
        for l in 0..self.cfg.lines.len() {
            self.observe_line(l, now);
        }
        self.observe_bereavement(now);
    }

    // ---- people ------------------------------------------------------

    fn schedule_arrival(&mut self, b: usize, sched: &mut Scheduler<CareEvent>) {
        if let Some(t) = self.arrivals[b].next(&mut self.arrival_rngs[b]) {
            sched.schedule_at(t, CareEvent::Arrival(b as u16));
        }
    }

    /// The arrival number and stream of the next person of borough `b`.
    pub(super) fn next_person(&mut self, b: usize, sched: &mut Scheduler<CareEvent>) -> StreamRng {
        self.schedule_arrival(b, sched);
        let k = self.arrivals_seen[b];
        self.arrivals_seen[b] += 1;
        stream(
            self.cfg.seed,
            Purpose::new("person", ((b as u64) << 40) | k),
            self.replication,
        )
    }

    /// The slot of `r` if it is still current.
    pub(super) fn current(&self, r: PersonRef) -> Option<usize> {
        let slot = r.slot as usize;
        (self.people.get(slot)?.epoch == r.epoch).then_some(slot)
    }

    /// A reference to the person in `slot` as they are now.
    pub(super) fn person_ref(&self, slot: usize) -> PersonRef {
        PersonRef {
            slot: slot as u32,
            epoch: self.people[slot].epoch,
        }
    }
}

impl Model for CareSystem<'_> {
    type Event = CareEvent;

    fn handle(&mut self, event: CareEvent, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now().ticks();
        match event {
            CareEvent::Arrival(b) => self.on_arrival(b as usize, sched),
            CareEvent::YearBoundary => self.on_year_boundary(now),
            CareEvent::WorkforceMonth => self.on_workforce_month(sched),
            CareEvent::BereavementEnds => self.on_bereavement_end(sched),
            CareEvent::PublicCall { line, generation } => {
                if self.public_generation[line as usize] == generation {
                    self.on_public_call(line as usize, sched)
                }
            }
            CareEvent::ConfigChange(k) => self.on_config_change(k as usize, sched),
            CareEvent::Callback { line, person } => self.on_callback(line as usize, person, sched),
            CareEvent::CallEnds(l) => self.on_call_end(l as usize, sched),
            CareEvent::Abandon {
                line,
                call,
                generation,
            } => self.on_abandon(line as usize, call, generation, sched),
            CareEvent::RosterChange { line, generation } => {
                if self.roster_generation[line as usize] == generation {
                    self.set_handlers(line as usize, sched)
                }
            }
            CareEvent::Death(r) => {
                let slot = r.slot as usize;
                if self
                    .people
                    .get(slot)
                    .is_some_and(|p| p.death_epoch == r.epoch)
                {
                    self.on_death(slot, sched);
                }
            }
            CareEvent::Terminal(r) => {
                let slot = r.slot as usize;
                if self
                    .people
                    .get(slot)
                    .is_some_and(|p| p.terminal_epoch == r.epoch)
                {
                    self.people[slot].terminal_scheduled = u64::MAX;
                    self.on_terminal(slot, sched);
                }
            }
            CareEvent::Crisis(r) | CareEvent::StayEnds(r) | CareEvent::PatientCall(r) => {
                let Some(slot) = self.current(r) else { return };
                match event {
                    CareEvent::Crisis(_) => self.on_crisis(slot, sched),
                    CareEvent::StayEnds(_) => self.on_stay_end(slot, sched),
                    _ => self.on_patient_call(slot, sched),
                }
            }
        }
    }
}
