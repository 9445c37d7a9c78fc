//! The care system on the kernel: people, services and the pathway between
//! them, as one [`Model`].
//!
//! Each borough has a stream of people entering the last phase of life
//! (deaths, by year, season and weekday). A person is referred to the
//! borough's community specialist palliative care (CSPC) team with
//! probability need share × reach; otherwise they die at once in a place
//! drawn for people not known to services. A referred person has a
//! prognosis (referral to death), a preferred place of death, an Urgent Care
//! Plan or not, and a terminal phase (the last days). On the caseload they
//! get home visits and crises at rates that rise in the last fortnight; a
//! crisis is resolved at home or needs a bed: a hospice in-patient unit
//! (IPU) in catchment order, else an enhanced end-of-life bed, else the
//! home site's waiting list while in acute hospital, else acute hospital
//! alone (turned away). In the terminal phase the preference decides:
//! hospital; hospice (a bed now, else the waiting list with priority);
//! home (a hospice-at-home slot if free) or care home; at home the last
//! days end in hospital with a probability that hospice at home and a care
//! plan lower.
//!
//! Every person draws their own randomness from their own stream (keyed
//! by borough and arrival number), so the same person behaves the same in
//! every option until capacity makes their paths differ.

use super::config::{CareConfig, Place, YEAR};
use super::dist::next_two_rate_event;
use super::metrics::{LevelHistogram, METRIC_COUNT, METRICS, Scope, Tally};
use crate::engine::arrivals::ArrivalProcess;
use crate::engine::pool::{CapacityPool, Request};
use crate::engine::rng::{Purpose, StreamRng, stream};
use crate::engine::{Model, Scheduler, SimTime, run_until};
use rand::RngExt;

const URGENT: usize = 0;
const ROUTINE: usize = 1;
const NEVER: u64 = u64::MAX;
const FORTNIGHT: u64 = 14 * crate::engine::time::DAY;

/// A reference to a person that goes stale when their plan changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PersonRef {
    slot: u32,
    epoch: u32,
}

/// Events of the care system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CareEvent {
    /// A resident of borough `.0` enters the last phase of life.
    Arrival(u16),
    /// A calendar-year boundary (also the end of the warm-up).
    YearBoundary,
    /// A home visit is due.
    Visit(PersonRef),
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Location {
    Home,
    Ipu(u16),
    Enhanced,
    Acute,
}

#[derive(Debug)]
struct Person {
    rng: StreamRng,
    epoch: u32,
    borough: u16,
    preference: Place,
    unknown_place: Place,
    ucp: bool,
    death_at: u64,
    terminal_at: u64,
    location: Location,
    on_caseload: bool,
    in_terminal: bool,
    hah: bool,
    ipu_waiting: Option<u16>,
    bed_since: u64,
    stay_end: u64,
}

/// Levels integrated over time per borough: caseload, caseload places,
/// waiting for the caseload, hospice-at-home patients, enhanced beds used.
#[derive(Debug, Clone, Copy, Default)]
struct BoroughLevels {
    since: u64,
    levels: [u32; 5],
}

/// Levels per site: occupied beds, staffed beds.
#[derive(Debug, Clone, Copy, Default)]
struct SiteLevels {
    since: u64,
    levels: [u32; 2],
}

/// What one replication produced.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicationResult {
    /// Metric values, `[year][area][metric]` flattened; areas are boroughs,
    /// then sites, then `ALL`.
    pub values: Vec<f64>,
    /// Events handled.
    pub events: u64,
}

/// The simulated care system for one replication.
pub struct CareSystem<'a> {
    cfg: &'a CareConfig,
    replication: u64,
    arrivals: Vec<ArrivalProcess>,
    arrival_rngs: Vec<StreamRng>,
    arrivals_seen: Vec<u64>,
    people: Vec<Person>,
    free_slots: Vec<u32>,
    cspc: Vec<CapacityPool>,
    hah: Vec<CapacityPool>,
    enhanced: Vec<CapacityPool>,
    ipu: Vec<CapacityPool>,
    bereavement: CapacityPool,
    bereavement_rng: StreamRng,
    next_carer: u64,
    borough_levels: Vec<BoroughLevels>,
    site_levels: Vec<SiteLevels>,
    region_waiting: (u64, u32),
    region_occupancy: (u64, u32),
    boundaries_seen: u32,
    year: Option<usize>,
    tallies: Vec<Tally>,
    region: Tally,
    site_histograms: Vec<LevelHistogram>,
    region_histogram: LevelHistogram,
    values: Vec<f64>,
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
    let mut system = CareSystem::new(cfg, replication);
    let mut sched = Scheduler::with_capacity(4096);
    for b in 0..cfg.boroughs.len() {
        system.schedule_arrival(b, &mut sched);
    }
    for k in 0..=cfg.years as u64 {
        sched.schedule_at(SimTime(cfg.warmup + k * YEAR), CareEvent::YearBoundary);
    }
    run_until(&mut system, &mut sched, SimTime(cfg.end()));
    ReplicationResult {
        values: system.values,
        events: sched.events_processed(),
    }
}

impl<'a> CareSystem<'a> {
    fn new(cfg: &'a CareConfig, replication: u64) -> Self {
        let nb = cfg.boroughs.len();
        let ns = cfg.sites.len();
        let p = &cfg.pathway;
        let areas = nb + ns + 1;
        let total_beds: u32 = cfg.sites.iter().map(|s| s.beds).sum();
        CareSystem {
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
            borough_levels: cfg
                .boroughs
                .iter()
                .map(|b| BoroughLevels {
                    since: 0,
                    levels: [0, b.caseload_capacity, 0, 0, 0],
                })
                .collect(),
            site_levels: cfg
                .sites
                .iter()
                .map(|s| SiteLevels {
                    since: 0,
                    levels: [0, s.beds],
                })
                .collect(),
            region_waiting: (0, 0),
            region_occupancy: (0, 0),
            boundaries_seen: 0,
            year: None,
            tallies: vec![Tally::default(); nb + ns],
            region: Tally::default(),
            site_histograms: cfg
                .sites
                .iter()
                .map(|s| LevelHistogram::with_max(s.beds))
                .collect(),
            region_histogram: LevelHistogram::with_max(total_beds),
            values: vec![f64::NAN; cfg.years as usize * areas * METRIC_COUNT],
        }
    }

    // ---- bookkeeping -------------------------------------------------

    fn borough_tally(&mut self, b: usize) -> Option<&mut Tally> {
        self.year.map(|_| &mut self.tallies[b])
    }

    fn site_tally(&mut self, s: usize) -> Option<&mut Tally> {
        let nb = self.cfg.boroughs.len();
        self.year.map(|_| &mut self.tallies[nb + s])
    }

    fn count_borough(&mut self, b: usize, f: impl FnOnce(&mut Tally)) {
        if let Some(t) = self.borough_tally(b) {
            f(t);
        }
    }

    fn count_site(&mut self, s: usize, f: impl FnOnce(&mut Tally)) {
        if let Some(t) = self.site_tally(s) {
            f(t);
        }
    }

    /// Integrates borough `b`'s levels up to `now` and reads the new ones.
    fn observe_borough(&mut self, b: usize, now: u64) {
        let lv = self.borough_levels[b];
        let dt = now.saturating_sub(lv.since) as f64;
        if let Some(t) = self.borough_tally(b) {
            let [caseload, capacity, waiting, hah, enhanced] = lv.levels.map(|l| l as f64 * dt);
            t.caseload_area += caseload;
            t.caseload_capacity_area += capacity;
            t.cspc_waiting_area += waiting;
            t.hah_area += hah;
            t.enhanced_area += enhanced;
        }
        let cspc = &self.cspc[b];
        self.borough_levels[b] = BoroughLevels {
            since: now,
            levels: [
                cspc.busy(),
                cspc.capacity(),
                cspc.waiting() as u32,
                self.hah[b].busy(),
                self.enhanced[b].busy(),
            ],
        };
    }

    /// Integrates site `s`'s levels (and the region's occupancy) up to `now`.
    fn observe_site(&mut self, s: usize, now: u64) {
        let lv = self.site_levels[s];
        let dt = now.saturating_sub(lv.since);
        if self.year.is_some() && dt > 0 {
            self.site_histograms[s].add(lv.levels[0], dt);
            if let Some(t) = self.site_tally(s) {
                t.ipu_occupied_area += lv.levels[0] as f64 * dt as f64;
                t.ipu_staffed_area += lv.levels[1] as f64 * dt as f64;
            }
        }
        self.observe_region_occupancy(now);
        self.site_levels[s] = SiteLevels {
            since: now,
            levels: [self.ipu[s].busy(), self.ipu[s].capacity()],
        };
    }

    /// The region's total occupancy changes only when a site's does; its
    /// histogram is integrated from the sites' previous levels.
    fn observe_region_occupancy(&mut self, now: u64) {
        let (since, level) = self.region_occupancy;
        let dt = now.saturating_sub(since);
        if self.year.is_some() && dt > 0 {
            self.region_histogram.add(level, dt);
        }
        let total = self.ipu.iter().map(|p| p.busy()).sum();
        self.region_occupancy = (now, total);
    }

    fn observe_bereavement(&mut self, now: u64) {
        let (since, level) = self.region_waiting;
        if self.year.is_some() {
            self.region.bereavement_waiting_area += level as f64 * now.saturating_sub(since) as f64;
        }
        self.region_waiting = (now, self.bereavement.waiting() as u32);
    }

    fn on_year_boundary(&mut self, now: u64) {
        for b in 0..self.cfg.boroughs.len() {
            self.observe_borough(b, now);
        }
        for s in 0..self.cfg.sites.len() {
            self.observe_site(s, now);
        }
        self.observe_bereavement(now);
        if let Some(y) = self.year {
            self.write_year(y);
        }
        let k = self.boundaries_seen as usize;
        self.boundaries_seen += 1;
        self.year = (k < self.cfg.years as usize).then_some(k);
        self.tallies.iter_mut().for_each(|t| *t = Tally::default());
        self.region = Tally::default();
        self.site_histograms
            .iter_mut()
            .for_each(LevelHistogram::clear);
        self.region_histogram.clear();
    }

    fn write_year(&mut self, year: usize) {
        let nb = self.cfg.boroughs.len();
        let ns = self.cfg.sites.len();
        let areas = nb + ns + 1;
        let mut all = self.region.clone();
        for t in &self.tallies[..nb] {
            all.add(t);
        }
        for t in &self.tallies[nb..] {
            all.add_site_only(t);
        }
        for area in 0..areas {
            let (tally, p95, scope_ok): (&Tally, f64, fn(Scope) -> bool) = if area < nb {
                (&self.tallies[area], f64::NAN, |s| {
                    matches!(s, Scope::Borough | Scope::Both)
                })
            } else if area < nb + ns {
                (
                    &self.tallies[area],
                    self.site_histograms[area - nb].quantile(0.95),
                    |s| matches!(s, Scope::Site | Scope::Both),
                )
            } else {
                (&all, self.region_histogram.quantile(0.95), |_| true)
            };
            let base = (year * areas + area) * METRIC_COUNT;
            for (i, (metric, _, scope, _)) in METRICS.iter().enumerate() {
                if scope_ok(*scope) {
                    self.values[base + i] = tally.value(*metric, p95);
                }
            }
        }
    }

    // ---- people ------------------------------------------------------

    fn schedule_arrival(&mut self, b: usize, sched: &mut Scheduler<CareEvent>) {
        if let Some(t) = self.arrivals[b].next(&mut self.arrival_rngs[b]) {
            sched.schedule_at(t, CareEvent::Arrival(b as u16));
        }
    }

    fn person_ref(&self, slot: usize) -> PersonRef {
        PersonRef {
            slot: slot as u32,
            epoch: self.people[slot].epoch,
        }
    }

    fn current(&self, r: PersonRef) -> Option<usize> {
        let slot = r.slot as usize;
        (self.people.get(slot)?.epoch == r.epoch).then_some(slot)
    }

    /// Invalidates the person's pending events and schedules the ones
    /// their current situation implies (death last, so that events due at
    /// the same second as death happen first).
    fn replan(&mut self, slot: usize, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now().seconds();
        let cfg = self.cfg;
        let p = &mut self.people[slot];
        p.epoch = p.epoch.wrapping_add(1);
        let r = PersonRef {
            slot: slot as u32,
            epoch: p.epoch,
        };
        match p.location {
            Location::Home if p.on_caseload => {
                schedule_visit(cfg, p, r, now, sched);
                if !p.in_terminal {
                    schedule_crisis(cfg, p, r, now, sched);
                    sched.schedule_at(SimTime(p.terminal_at.max(now)), CareEvent::Terminal(r));
                }
            }
            Location::Home => {}
            Location::Ipu(_) | Location::Enhanced | Location::Acute => {
                if p.stay_end < p.death_at {
                    sched.schedule_at(SimTime(p.stay_end), CareEvent::StayEnds(r));
                }
            }
        }
        sched.schedule_at(SimTime(p.death_at), CareEvent::Death(r));
    }

    fn on_arrival(&mut self, b: usize, sched: &mut Scheduler<CareEvent>) {
        self.schedule_arrival(b, sched);
        let now = sched.now().seconds();
        let cfg = self.cfg;
        let pw = &cfg.pathway;
        let k = self.arrivals_seen[b];
        self.arrivals_seen[b] += 1;
        let mut rng = stream(
            cfg.seed,
            Purpose::new("person", ((b as u64) << 40) | k),
            self.replication,
        );
        let referred = rng.random::<f64>() < cfg.boroughs[b].referral_share;
        let cancer = rng.random::<f64>() < pw.cancer_share;
        let prognosis = if cancer {
            pw.prognosis_cancer
        } else {
            pw.prognosis_other
        }
        .seconds(&mut rng);
        let preference = pw.preference.pick(rng.random());
        let unknown_place = pw.unknown_place.pick(rng.random());
        let ucp = rng.random::<f64>() < pw.ucp_uptake;
        let terminal = pw.terminal_phase.seconds(&mut rng);
        if !referred {
            self.count_borough(b, |t| t.deaths[unknown_place as usize] += 1);
            return;
        }
        self.count_borough(b, |t| t.referrals += 1);
        let death_at = now.saturating_add(prognosis);
        let person = Person {
            rng,
            epoch: 0,
            borough: b as u16,
            preference,
            unknown_place,
            ucp,
            death_at,
            terminal_at: death_at.saturating_sub(terminal),
            location: Location::Home,
            on_caseload: false,
            in_terminal: false,
            hah: false,
            ipu_waiting: None,
            bed_since: 0,
            stay_end: NEVER,
        };
        let slot = match self.free_slots.pop() {
            Some(s) => {
                let epoch = self.people[s as usize].epoch;
                self.people[s as usize] = Person { epoch, ..person };
                s as usize
            }
            None => {
                self.people.push(person);
                self.people.len() - 1
            }
        };
        let priority = if prognosis < pw.urgent_window {
            URGENT
        } else {
            ROUTINE
        };
        match self.cspc[b].request(slot as u64, priority, SimTime(now)) {
            Request::Granted => self.take_on(slot, 0, sched),
            _ => self.replan(slot, sched),
        }
        self.observe_borough(b, now);
    }

    fn take_on(&mut self, slot: usize, waited: u64, sched: &mut Scheduler<CareEvent>) {
        let b = self.people[slot].borough as usize;
        self.people[slot].on_caseload = true;
        self.count_borough(b, |t| {
            t.cspc_taken_on += 1;
            t.cspc_wait_seconds += waited as f64;
        });
        self.replan(slot, sched);
    }

    fn on_visit(&mut self, slot: usize, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now().seconds();
        let r = self.person_ref(slot);
        let p = &mut self.people[slot];
        let b = p.borough as usize;
        schedule_visit(self.cfg, p, r, now, sched);
        self.count_borough(b, |t| t.visits += 1);
    }

    fn on_crisis(&mut self, slot: usize, sched: &mut Scheduler<CareEvent>) {
        let cfg = self.cfg;
        let now = sched.now().seconds();
        let r = self.person_ref(slot);
        let p = &mut self.people[slot];
        if p.in_terminal {
            return;
        }
        let b = p.borough as usize;
        let rr = if p.ucp { cfg.pathway.ucp_rr } else { 1.0 };
        let needs_bed = p.rng.random::<f64>() < cfg.pathway.crisis_bed_share * rr;
        let prefers_hospital = p.preference == Place::Hospital;
        if !needs_bed {
            schedule_crisis(cfg, p, r, now, sched);
        }
        self.count_borough(b, |t| t.crises += 1);
        if !needs_bed {
            return;
        }
        if prefers_hospital {
            self.go_to_acute(slot, false, sched);
            return;
        }
        match self.seek_bed(slot, ROUTINE, sched) {
            BedOutcome::Admitted => {}
            BedOutcome::Waiting | BedOutcome::Refused => self.go_to_acute(slot, false, sched),
        }
    }

    fn on_terminal(&mut self, slot: usize, sched: &mut Scheduler<CareEvent>) {
        let cfg = self.cfg;
        let p = &mut self.people[slot];
        if p.in_terminal || p.location != Location::Home {
            return;
        }
        p.in_terminal = true;
        let b = p.borough as usize;
        match p.preference {
            Place::Hospital => return self.go_to_acute(slot, true, sched),
            Place::Hospice | Place::EnhancedBed => {
                if self.seek_bed(slot, URGENT, sched) == BedOutcome::Admitted {
                    return;
                }
            }
            Place::Home => {
                let granted = self.hah[b].request(slot as u64, 0, sched.now()) == Request::Granted;
                self.people[slot].hah = granted;
                self.count_borough(b, |t| {
                    if granted {
                        t.hah_patients += 1
                    } else {
                        t.hah_unmet += 1
                    }
                });
                self.observe_borough(b, sched.now().seconds());
            }
            Place::CareHome => {}
        }
        let p = &mut self.people[slot];
        let hah_effect = if p.hah {
            cfg.boroughs[b].hah_effect
        } else {
            0.0
        };
        let hah_rr = 1.0 - hah_effect * (1.0 - cfg.pathway.hah_hospital_rr);
        let ucp_rr = if p.ucp { cfg.pathway.ucp_rr } else { 1.0 };
        let to_hospital =
            p.rng.random::<f64>() < cfg.pathway.terminal_hospital_share * hah_rr * ucp_rr;
        if to_hospital {
            self.go_to_acute(slot, true, sched);
        } else {
            self.replan(slot, sched);
        }
    }

    fn on_stay_end(&mut self, slot: usize, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now().seconds();
        match self.people[slot].location {
            Location::Ipu(s) => self.leave_ipu(slot, s as usize, sched),
            Location::Enhanced => self.leave_enhanced(slot, now),
            Location::Acute => self.leave_waiting_list(slot, now, false),
            Location::Home => {}
        }
        let p = &mut self.people[slot];
        p.location = Location::Home;
        p.stay_end = NEVER;
        self.replan(slot, sched);
    }

    fn on_death(&mut self, slot: usize, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now().seconds();
        let cfg = self.cfg;
        let p = &self.people[slot];
        let b = p.borough as usize;
        let on_caseload = p.on_caseload;
        let place = if !on_caseload {
            p.unknown_place
        } else {
            match p.location {
                Location::Home if p.preference == Place::CareHome => Place::CareHome,
                Location::Home => Place::Home,
                Location::Ipu(_) => Place::Hospice,
                Location::Enhanced => Place::EnhancedBed,
                Location::Acute => Place::Hospital,
            }
        };
        let met = match p.preference {
            Place::Hospice => matches!(place, Place::Hospice | Place::EnhancedBed),
            pref => pref == place,
        };
        self.count_borough(b, |t| {
            t.deaths[place as usize] += 1;
            if on_caseload {
                t.cspc_deaths[place as usize] += 1;
                t.preference_met += met as u64;
            } else {
                t.cspc_died_waiting += 1;
            }
        });
        match self.people[slot].location {
            Location::Ipu(s) => {
                self.count_site(s as usize, |t| t.ipu_deaths += 1);
                self.leave_ipu(slot, s as usize, sched);
            }
            Location::Enhanced => self.leave_enhanced(slot, now),
            _ => {}
        }
        self.leave_waiting_list(slot, now, true);
        if self.people[slot].hah {
            self.people[slot].hah = false;
            self.hah[b].release();
        }
        if on_caseload {
            if let Some(next) = self.cspc[b].release() {
                self.take_on(next.id as usize, now - next.since.seconds(), sched);
            }
            if self.people[slot].rng.random::<f64>() < cfg.pathway.bereavement_share {
                self.refer_carer(b, sched);
            }
        } else {
            self.cspc[b].renege(slot as u64);
        }
        self.observe_borough(b, now);
        let p = &mut self.people[slot];
        p.epoch = p.epoch.wrapping_add(1);
        self.free_slots.push(slot as u32);
    }

    // ---- beds --------------------------------------------------------

    fn seek_bed(
        &mut self,
        slot: usize,
        priority: usize,
        sched: &mut Scheduler<CareEvent>,
    ) -> BedOutcome {
        let b = self.people[slot].borough as usize;
        let order = &self.cfg.boroughs[b].site_order;
        let now = sched.now();
        if let Some(&s) = order.iter().find(|&&s| self.ipu[s].has_free_unit()) {
            self.ipu[s].request(slot as u64, priority, now);
            self.admit_ipu(slot, s, None, sched);
            return BedOutcome::Admitted;
        }
        if self.enhanced[b].has_free_unit() {
            self.enhanced[b].request(slot as u64, 0, now);
            self.admit_enhanced(slot, sched);
            return BedOutcome::Admitted;
        }
        let Some(&home) = order.first() else {
            self.count_borough(b, |t| t.ipu_turned_away += 1);
            return BedOutcome::Refused;
        };
        let already = self.people[slot].ipu_waiting.is_some();
        if already {
            return BedOutcome::Waiting;
        }
        match self.ipu[home].request(slot as u64, priority, now) {
            Request::Queued => {
                self.people[slot].ipu_waiting = Some(home as u16);
                BedOutcome::Waiting
            }
            _ => {
                self.count_borough(b, |t| t.ipu_turned_away += 1);
                self.count_site(home, |t| t.ipu_turned_away += 1);
                BedOutcome::Refused
            }
        }
    }

    fn admit_ipu(
        &mut self,
        slot: usize,
        s: usize,
        waited: Option<u64>,
        sched: &mut Scheduler<CareEvent>,
    ) {
        let now = sched.now().seconds();
        let site = &self.cfg.sites[s];
        self.release_home_services(slot, now);
        let p = &mut self.people[slot];
        let b = p.borough as usize;
        p.location = Location::Ipu(s as u16);
        p.ipu_waiting = None;
        set_stay_outcome(
            p,
            now,
            &site.stay,
            site.die_share,
            &self.cfg.pathway.terminal_phase,
        );
        let record = |t: &mut Tally| {
            t.ipu_admissions += 1;
            if let Some(w) = waited {
                t.ipu_from_list += 1;
                t.ipu_wait_seconds += w as f64;
            }
        };
        self.count_borough(b, record);
        self.count_site(s, record);
        self.observe_site(s, now);
        self.replan(slot, sched);
    }

    fn admit_enhanced(&mut self, slot: usize, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now().seconds();
        let pw = &self.cfg.pathway;
        self.release_home_services(slot, now);
        let p = &mut self.people[slot];
        let b = p.borough as usize;
        p.location = Location::Enhanced;
        set_stay_outcome(
            p,
            now,
            &pw.enhanced_stay,
            pw.enhanced_die_share,
            &pw.terminal_phase,
        );
        self.count_borough(b, |t| t.enhanced_admissions += 1);
        self.observe_borough(b, now);
        self.replan(slot, sched);
    }

    /// A person leaving home for a bed gives up their hospice-at-home slot.
    fn release_home_services(&mut self, slot: usize, now: u64) {
        let b = self.people[slot].borough as usize;
        if self.people[slot].hah {
            self.people[slot].hah = false;
            self.hah[b].release();
            self.observe_borough(b, now);
        }
    }

    fn go_to_acute(&mut self, slot: usize, until_death: bool, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now().seconds();
        self.release_home_services(slot, now);
        let acute = self.cfg.pathway.acute_stay;
        let p = &mut self.people[slot];
        let b = p.borough as usize;
        p.location = Location::Acute;
        p.stay_end = if until_death {
            NEVER
        } else {
            now.saturating_add(acute.seconds(&mut p.rng))
        };
        self.count_borough(b, |t| t.acute_admissions += 1);
        self.replan(slot, sched);
    }

    fn leave_ipu(&mut self, slot: usize, s: usize, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now().seconds();
        let stayed = now - self.people[slot].bed_since;
        self.count_site(s, |t| {
            t.ipu_stays_ended += 1;
            t.ipu_stay_seconds += stayed as f64;
        });
        if let Some(next) = self.ipu[s].release() {
            let waited = now - next.since.seconds();
            let next = next.id as usize;
            if self.people[next].location == Location::Acute {
                self.people[next].stay_end = NEVER;
            }
            self.admit_ipu(next, s, Some(waited), sched);
        }
        self.observe_site(s, now);
    }

    fn leave_enhanced(&mut self, slot: usize, now: u64) {
        let b = self.people[slot].borough as usize;
        self.enhanced[b].release();
        self.observe_borough(b, now);
    }

    fn leave_waiting_list(&mut self, slot: usize, _now: u64, died: bool) {
        if let Some(s) = self.people[slot].ipu_waiting.take() {
            let s = s as usize;
            self.ipu[s].renege(slot as u64);
            if died {
                let b = self.people[slot].borough as usize;
                self.count_borough(b, |t| t.ipu_died_waiting += 1);
                self.count_site(s, |t| t.ipu_died_waiting += 1);
            }
        }
    }

    // ---- bereavement ---------------------------------------------------

    fn refer_carer(&mut self, b: usize, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now();
        self.count_borough(b, |t| t.bereavement_referrals += 1);
        let id = self.next_carer;
        self.next_carer += 1;
        if self.bereavement.request(id, 0, now) == Request::Granted {
            self.start_bereavement(sched);
        }
        self.observe_bereavement(now.seconds());
    }

    fn start_bereavement(&mut self, sched: &mut Scheduler<CareEvent>) {
        let d = self
            .cfg
            .pathway
            .bereavement_duration
            .seconds(&mut self.bereavement_rng);
        sched.schedule_in(d, CareEvent::BereavementEnds);
    }

    fn on_bereavement_end(&mut self, sched: &mut Scheduler<CareEvent>) {
        if self.bereavement.release().is_some() {
            self.start_bereavement(sched);
        }
        self.observe_bereavement(sched.now().seconds());
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BedOutcome {
    Admitted,
    Waiting,
    Refused,
}

/// Draws a bed stay's length and outcome from the unit's own distributions:
/// with probability `die_share` the stay ends in death, otherwise in
/// discharge. A person discharged alive whose prognosis would have ended
/// during the stay lives on into a fresh terminal phase after discharge, so
/// that stays and outcomes follow the unit's figures exactly.
fn set_stay_outcome(
    p: &mut Person,
    now: u64,
    stay: &super::dist::Sampler,
    die_share: f64,
    terminal: &super::dist::Sampler,
) {
    let length = stay.seconds(&mut p.rng);
    let dies = p.rng.random::<f64>() < die_share;
    p.bed_since = now;
    let end = now.saturating_add(length);
    if dies {
        p.death_at = end;
        p.stay_end = NEVER;
    } else {
        p.stay_end = end;
        if p.death_at <= end {
            p.death_at = end.saturating_add(terminal.seconds(&mut p.rng).max(1));
            p.terminal_at = end;
            p.in_terminal = false;
        }
    }
}

fn schedule_crisis(
    cfg: &CareConfig,
    p: &mut Person,
    r: PersonRef,
    now: u64,
    sched: &mut Scheduler<CareEvent>,
) {
    let m = cfg.boroughs[p.borough as usize].crisis_multiplier;
    let (base, late) = cfg.pathway.crisis_rates;
    let switch = p.death_at.saturating_sub(FORTNIGHT);
    if let Some(t) = next_two_rate_event(&mut p.rng, now, switch, base * m, late * m)
        && t < p.terminal_at.min(p.death_at)
    {
        sched.schedule_at(SimTime(t), CareEvent::Crisis(r));
    }
}

fn schedule_visit(
    cfg: &CareConfig,
    p: &mut Person,
    r: PersonRef,
    now: u64,
    sched: &mut Scheduler<CareEvent>,
) {
    let (base, late) = cfg.pathway.visit_rates;
    let switch = p.death_at.saturating_sub(FORTNIGHT);
    if let Some(t) = next_two_rate_event(&mut p.rng, now, switch, base, late)
        && t < p.death_at
    {
        sched.schedule_at(SimTime(t), CareEvent::Visit(r));
    }
}

impl Model for CareSystem<'_> {
    type Event = CareEvent;

    fn handle(&mut self, event: CareEvent, sched: &mut Scheduler<CareEvent>) {
        let person = |r: PersonRef, me: &Self| me.current(r);
        match event {
            CareEvent::Arrival(b) => self.on_arrival(b as usize, sched),
            CareEvent::YearBoundary => self.on_year_boundary(sched.now().seconds()),
            CareEvent::BereavementEnds => self.on_bereavement_end(sched),
            CareEvent::Visit(r) => {
                if let Some(slot) = person(r, self) {
                    self.on_visit(slot, sched);
                }
            }
            CareEvent::Crisis(r) => {
                if let Some(slot) = person(r, self) {
                    self.on_crisis(slot, sched);
                }
            }
            CareEvent::Terminal(r) => {
                if let Some(slot) = person(r, self) {
                    self.on_terminal(slot, sched);
                }
            }
            CareEvent::StayEnds(r) => {
                if let Some(slot) = person(r, self) {
                    self.on_stay_end(slot, sched);
                }
            }
            CareEvent::Death(r) => {
                if let Some(slot) = person(r, self) {
                    self.on_death(slot, sched);
                }
            }
        }
    }
}
