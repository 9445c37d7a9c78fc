//! The registry of services: every service of the care model in one
//! place, in the order their metrics appear in the output, with the
//! cross-service totals (staff short, costs) computed from the ledgers
//! each service keeps for its areas.
//!
//! Adding a service means: its own module, a field here (and a line in
//! each of `new`, `flush`, `write_year`, `reset_year`, and `step_month`
//! if it has staff), its compiled config in `CareConfig`, its scenario
//! types (see the README's "care model's structure" for every place the
//! scenario side still asks for), and its report labels.

use super::acute::{AcuteHospital, AcuteMetric};
use super::advice::LineEvent;
use super::advice::{AdviceLines, LineMetric};
use super::bereavement::{Bereavement, BereavementMetric};
use super::care_homes::{CareHomeMetric, CareHomes};
use super::caring::{CaringCommunities, CaringMetric};
use super::caseload::{CaseloadMetric, Caseloads};
use super::coaching::{Coaching, CoachingMetric};
use super::config::CareConfig;
use super::coordination::{Coordination, CoordinationMetric};
use super::day_hospice::{DayHospiceMetric, DayHospices};
use super::enhanced::{EnhancedBeds, EnhancedMetric};
use super::hah::{HahMetric, HospiceAtHome};
use super::ids::Area;
use super::ids::BoroughId;
use super::ipu::{IpuMetric, IpuSites};
use super::metrics::{AddTo, Ledger, MetricDef, Staffing, YearOut, per_year};
use super::outcomes::{OutcomeMetric, Outcomes};
use super::outpatients::{ClinicSession, Clinics, OutpatientMetric};
use super::person::PersonRef;
use super::psychology::{CourseEnds, PsychMetric, PsychServices};
use super::workforce::{ROLE_COUNT, role};
use crate::engine::Scheduler;

/// Events of the care system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CareEvent {
    /// A resident of a borough enters the last phase of life.
    Arrival(BoroughId),
    /// A calendar-year boundary (also the end of the warm-up).
    YearBoundary,
    /// Staff supply moves on a month.
    WorkforceMonth,
    /// Interventions: configuration phase `.0` starts.
    ConfigChange(u16),
    /// A crisis happens.
    Crisis(PersonRef),
    /// The terminal phase starts.
    Terminal(PersonRef),
    /// A care-home resident's referral to the specialist service comes
    /// due (`epoch`: the person's death epoch).
    Referral(PersonRef),
    /// The person dies.
    Death(PersonRef),
    /// An IPU, enhanced-bed or acute stay ends in discharge home.
    StayEnds(PersonRef),
    /// A caseload patient (or their carer) calls their line.
    PatientCall(PersonRef),
    /// An advice line's own event.
    Line(LineEvent),
    /// An out-patient clinic session.
    Clinic(ClinicSession),
    /// A course of psychological support ends.
    Course(CourseEnds),
}

impl From<LineEvent> for CareEvent {
    fn from(e: LineEvent) -> Self {
        CareEvent::Line(e)
    }
}

impl From<ClinicSession> for CareEvent {
    fn from(e: ClinicSession) -> Self {
        CareEvent::Clinic(e)
    }
}

impl From<CourseEnds> for CareEvent {
    fn from(e: CourseEnds) -> Self {
        CareEvent::Course(e)
    }
}

crate::metric_table! {
    /// Totals over every service of an area.
    pub enum TotalMetric {
        fte_short_roles: BSL, "Roles short of staff: for a borough, site or line, the roles whose yearly gap is above 0; region-wide, the roles short in at least one area (a surplus elsewhere does not count against it).";
        fte_shortfall_total: BSL, "Staff short, FTE: the sum of the positive gaps only, by role and area (region: over every area), so no surplus offsets a shortfall.";
        cost_staff: BSL, "Staff cost: FTE in post × cost per FTE-year, every role.";
        cost_beds: BSL, "Capacity cost: IPU beds, enhanced beds and hospice-at-home slots available (used or not) × cost per bed- or slot-day.";
        cost_activity: BSL, "Activity cost: occupied bed-days (IPU, enhanced, acute), hospice-at-home care hours, calls answered, CSPC visits.";
        cost_programmes: BSL, "Programme cost: yearly costs of interventions and services while in force, pro rata (region-wide programmes in ALL only).";
        cost_total: BSL, "cost_staff + cost_beds + cost_activity + cost_programmes.";
    }
}

/// Every service's metric table, in output order.
const TABLES: [&[MetricDef]; 16] = [
    OutcomeMetric::TABLE,
    CaseloadMetric::TABLE,
    IpuMetric::TABLE,
    EnhancedMetric::TABLE,
    HahMetric::TABLE,
    AcuteMetric::TABLE,
    BereavementMetric::TABLE,
    LineMetric::TABLE,
    DayHospiceMetric::TABLE,
    OutpatientMetric::TABLE,
    PsychMetric::TABLE,
    CaringMetric::TABLE,
    CoordinationMetric::TABLE,
    CareHomeMetric::TABLE,
    CoachingMetric::TABLE,
    TotalMetric::TABLE,
];

const fn count() -> usize {
    let mut n = 0;
    let mut k = 0;
    while k < TABLES.len() {
        n += TABLES[k].len();
        k += 1;
    }
    n
}

/// Number of metrics.
pub const METRIC_COUNT: usize = count();

const fn offsets() -> [usize; TABLES.len()] {
    let mut out = [0; TABLES.len()];
    let mut k = 1;
    while k < TABLES.len() {
        out[k] = out[k - 1] + TABLES[k - 1].len();
        k += 1;
    }
    out
}

const OFFSETS: [usize; TABLES.len()] = offsets();

const fn all_metrics() -> [MetricDef; METRIC_COUNT] {
    let mut out = [TABLES[0][0]; METRIC_COUNT];
    let (mut i, mut k) = (0, 0);
    while k < TABLES.len() {
        let mut j = 0;
        while j < TABLES[k].len() {
            out[i] = TABLES[k][j];
            i += 1;
            j += 1;
        }
        k += 1;
    }
    out
}

/// Every metric, in output order.
pub const METRICS: [MetricDef; METRIC_COUNT] = all_metrics();

/// Whether metric `index` (into [`METRICS`]) is reported for a scenario:
/// a supportive service's metrics only when the scenario has one.
pub fn reported(cfg: &CareConfig, index: usize) -> bool {
    let within = |k: usize| (OFFSETS[k]..OFFSETS[k] + TABLES[k].len()).contains(&index);
    !(within(8) && cfg.day_hospice.is_empty()
        || within(9) && cfg.clinics.is_empty()
        || within(10) && cfg.psych.is_empty()
        || within(11) && cfg.caring.is_empty()
        || within(12) && cfg.coordination.is_empty()
        || within(13) && cfg.care_homes.is_empty()
        || within(14) && cfg.coaching.is_empty())
}

/// The definition of the metric called `name`, if there is one.
pub fn metric(name: &str) -> Option<&'static MetricDef> {
    METRICS.iter().find(|m| m.name == name)
}

/// The services of one replication.
#[derive(Debug)]
pub struct Services {
    /// Residents' outcomes and programme costs.
    pub outcomes: Outcomes,
    /// CSPC caseloads.
    pub caseload: Caseloads,
    /// Hospice in-patient units.
    pub ipu: IpuSites,
    /// Enhanced end-of-life beds.
    pub enhanced: EnhancedBeds,
    /// Hospice at home.
    pub hah: HospiceAtHome,
    /// Acute hospital.
    pub acute: AcuteHospital,
    /// Bereavement support.
    pub bereavement: Bereavement,
    /// Advice lines.
    pub lines: AdviceLines,
    /// Day hospice units.
    pub day_hospice: DayHospices,
    /// Out-patient clinics.
    pub clinics: Clinics,
    /// Psychological support.
    pub psych: PsychServices,
    /// Caring communities (community partners).
    pub caring: CaringCommunities,
    /// Care coordination in primary care.
    pub coordination: Coordination,
    /// Long-term care homes.
    pub care_homes: CareHomes,
    /// Clinical coaching in cohorts.
    pub coaching: Coaching,
}

impl Services {
    /// Every service at the start of replication `rep`.
    pub fn new(cfg: &CareConfig, rep: u64) -> Self {
        let (seed, nb, ng) = (cfg.seed, cfg.boroughs.len(), cfg.segments.len());
        let supply = &cfg.supply;
        Services {
            outcomes: Outcomes::new(nb, ng),
            caseload: Caseloads::new(&cfg.caseload, supply[role::CSPC_NURSE], ng, seed, rep),
            ipu: IpuSites::new(
                &cfg.sites,
                [supply[role::IPU_NURSE], supply[role::CONSULTANT]],
                nb,
                seed,
                rep,
            ),
            enhanced: EnhancedBeds::new(&cfg.enhanced),
            hah: HospiceAtHome::new(&cfg.hah, supply[role::HAH_NURSE], seed, rep),
            acute: AcuteHospital::new(nb, ng),
            bereavement: Bereavement::new(&cfg.bereavement, nb, seed, rep),
            lines: AdviceLines::new(&cfg.lines, supply[role::ADVICE_NURSE], nb, seed, rep),
            day_hospice: DayHospices::new(
                &cfg.day_hospice,
                supply[role::DAY_HOSPICE_NURSE],
                nb,
                seed,
                rep,
            ),
            clinics: Clinics::new(
                &cfg.clinics,
                supply[role::OUTPATIENT_CLINICIAN],
                nb,
                seed,
                rep,
            ),
            psych: PsychServices::new(&cfg.psych, supply[role::PSYCHOLOGIST], nb, seed, rep),
            caring: CaringCommunities::new(
                &cfg.caring,
                supply[role::COMMUNITY_PARTNER],
                nb,
                seed,
                rep,
            ),
            coordination: Coordination::new(
                &cfg.coordination,
                supply[role::CARE_COORDINATOR],
                nb,
                seed,
                rep,
            ),
            care_homes: CareHomes::new(&cfg.care_homes, nb),
            coaching: Coaching::new(&cfg.coaching, nb, seed, rep),
        }
    }

    /// Schedules the services' first events (clinic sessions).
    pub fn start(&mut self, cfg: &CareConfig, sched: &mut Scheduler<CareEvent>) {
        for (u, c) in cfg.clinics.iter().enumerate() {
            self.clinics.schedule_week(u, c, sched);
        }
    }

    /// Handles a service's own event (false if `event` is not one).
    pub fn handle(&mut self, event: CareEvent, cfg: &CareConfig, sched: &mut Scheduler<CareEvent>) {
        match event {
            CareEvent::Clinic(e) => self.clinics.handle(e, &cfg.clinics, sched),
            CareEvent::Course(e) => self.psych.handle(e, &cfg.psych, sched),
            _ => {}
        }
    }

    /// Staffed capacity of the supportive services from the staff in post.
    pub fn apply_staffing(&mut self, cfg: &CareConfig, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now().ticks();
        self.day_hospice.apply_staffing(now, &cfg.day_hospice);
        self.psych.apply_staffing(&cfg.psych, sched);
        self.caring.apply_staffing(now, &cfg.caring);
        self.coordination.apply_staffing(now, &cfg.coordination);
    }

    /// New establishments and plans of the supportive services after an
    /// intervention (`old`: the phase before).
    pub fn replan(&mut self, old: &CareConfig, cfg: &CareConfig, sched: &mut Scheduler<CareEvent>) {
        let supply = &cfg.supply;
        self.day_hospice
            .replan(&cfg.day_hospice, supply[role::DAY_HOSPICE_NURSE]);
        self.clinics.replan(
            &old.clinics,
            &cfg.clinics,
            supply[role::OUTPATIENT_CLINICIAN],
            sched,
        );
        self.psych.replan(&cfg.psych, supply[role::PSYCHOLOGIST]);
        self.caring
            .replan(&cfg.caring, supply[role::COMMUNITY_PARTNER]);
        self.coordination
            .replan(&cfg.coordination, supply[role::CARE_COORDINATOR]);
    }

    // ---- what the pathway tells the supportive services -----------------

    /// Person `slot` (of `b`, key `key`) was taken onto the caseload: the
    /// supportive services refer them with their shares.
    pub fn on_taken_on(
        &mut self,
        slot: usize,
        b: BoroughId,
        key: u64,
        cfg: &CareConfig,
        sched: &mut Scheduler<CareEvent>,
    ) {
        let now = sched.now().ticks();
        self.day_hospice.refer(slot, b, key, now, &cfg.day_hospice);
        self.clinics.refer(slot, b, key, now, &cfg.clinics);
        self.psych.refer_patient(slot, b, key, &cfg.psych, sched);
        self.caring.refer(slot, b, key, now, &cfg.caring);
    }

    /// Person `slot`'s last days began: they stop attending day hospice
    /// and leave the clinics' lists.
    pub fn on_last_days(&mut self, slot: usize, cfg: &CareConfig, now: u64) {
        self.day_hospice.leave(slot, now, &cfg.day_hospice);
        self.clinics.leave(slot, now);
    }

    /// Person `slot` (of `b`, key `key`) died; `known` if they were on
    /// the caseload (their carer may be referred for psychological support).
    pub fn on_death(
        &mut self,
        slot: usize,
        b: BoroughId,
        key: u64,
        known: bool,
        cfg: &CareConfig,
        sched: &mut Scheduler<CareEvent>,
    ) {
        let now = sched.now().ticks();
        self.day_hospice.leave(slot, now, &cfg.day_hospice);
        self.day_hospice.forget(slot);
        self.clinics.leave(slot, now);
        self.psych.patient_died(slot, &cfg.psych, sched);
        self.caring.leave(slot, now, &cfg.caring);
        self.coordination.leave(slot, now, &cfg.coordination);
        self.coaching.leave(slot);
        if known {
            self.psych.refer_carer(b, key, &cfg.psych, sched);
        }
    }

    /// Relative crisis rate of person `slot` from the services they use.
    pub fn crisis_rr(&self, slot: usize, cfg: &CareConfig) -> f64 {
        self.day_hospice.crisis_rr(slot, &cfg.day_hospice)
            * self.caring.crisis_rr(slot, &cfg.caring)
            * self.coordination.crisis_rr(slot, &cfg.coordination)
    }

    /// Relative chance that person `slot`'s last days end in a hospital
    /// transfer at `now`, from the services they use and their
    /// organisation's coaching.
    pub fn hospital_rr(&self, slot: usize, now: u64, cfg: &CareConfig) -> f64 {
        self.caring.hospital_rr(slot, &cfg.caring)
            * self.coordination.hospital_rr(slot, &cfg.coordination)
            * self.coaching.transfer_rr(slot, now, &cfg.coaching)
    }

    /// Relative chance that person `slot`'s carer needs bereavement support.
    pub fn carer_rr(&self, slot: usize, cfg: &CareConfig) -> f64 {
        self.day_hospice.carer_rr(slot, &cfg.day_hospice)
    }

    /// Integrates every service's levels up to `now`.
    pub fn flush(&mut self, now: u64, cfg: &CareConfig) {
        for b in cfg.borough_ids() {
            let i = b.index();
            self.caseload.observe(b, now, &cfg.caseload[i]);
            self.hah.observe(b, now, &cfg.hah[i]);
            self.enhanced.observe(b, now, &cfg.enhanced);
            self.acute.observe(b, now, &cfg.acute);
        }
        for s in cfg.site_ids() {
            self.ipu.observe(s, now, &cfg.sites[s.index()]);
        }
        self.ipu.settle_region();
        for l in cfg.line_ids() {
            self.lines.observe(l, now, &cfg.lines[l.index()]);
        }
        self.bereavement.catch_up(now, &cfg.bereavement);
        self.day_hospice.flush(now, &cfg.day_hospice);
        self.clinics.flush(now, &cfg.clinics);
        self.psych.flush(now, &cfg.psych);
        self.caring.flush(now, &cfg.caring);
        self.coordination.flush(now, &cfg.coordination);
        self.care_homes.flush(now, &cfg.care_homes);
        self.coaching.flush(now, &cfg.coaching);
        self.observe_programmes(now, cfg);
    }

    /// Integrates the programme costs in force up to `now` and holds those
    /// of `cfg` from now on (the only levels read from the plan rather
    /// than from a service's state, so a new phase must be read at once).
    pub fn observe_programmes(&mut self, now: u64, cfg: &CareConfig) {
        let boroughs = cfg.boroughs.iter().map(|b| b.programmes_per_year);
        self.outcomes
            .observe(now, boroughs, cfg.region_programmes_per_year);
    }

    /// One month of staff supply in every service.
    pub fn step_month(&mut self) {
        self.caseload.step_month();
        self.hah.step_month();
        self.ipu.step_month();
        self.lines.step_month();
        self.day_hospice.step_month();
        self.clinics.step_month();
        self.psych.step_month();
        self.caring.step_month();
        self.coordination.step_month();
    }

    /// Writes one year's rows of every service (`values`: that year's
    /// `[area][metric]` slice) and the advice lines' by-hour values.
    pub fn write_year(&self, cfg: &CareConfig, values: &mut [f64], by_hour: &mut [f64]) {
        let mut out = YearOut::new(values, METRIC_COUNT, cfg.area_counts());
        self.outcomes.write_year(out.section(OFFSETS[0], TABLES[0]));
        self.caseload.write_year(out.section(OFFSETS[1], TABLES[1]));
        self.ipu.write_year(out.section(OFFSETS[2], TABLES[2]));
        self.enhanced.write_year(out.section(OFFSETS[3], TABLES[3]));
        self.hah.write_year(out.section(OFFSETS[4], TABLES[4]));
        self.acute.write_year(out.section(OFFSETS[5], TABLES[5]));
        self.bereavement
            .write_year(out.section(OFFSETS[6], TABLES[6]));
        self.lines.write_year(out.section(OFFSETS[7], TABLES[7]));
        self.day_hospice
            .write_year(out.section(OFFSETS[8], TABLES[8]));
        self.clinics.write_year(out.section(OFFSETS[9], TABLES[9]));
        self.psych.write_year(out.section(OFFSETS[10], TABLES[10]));
        self.caring.write_year(out.section(OFFSETS[11], TABLES[11]));
        self.coordination
            .write_year(out.section(OFFSETS[12], TABLES[12]));
        self.care_homes
            .write_year(out.section(OFFSETS[13], TABLES[13]));
        self.coaching
            .write_year(&cfg.coaching, out.section(OFFSETS[14], TABLES[14]));
        self.write_totals(cfg, out.section(OFFSETS[15], TABLES[15]));
        self.lines.write_by_hour(by_hour);
    }

    /// Starts a new year in every service.
    pub fn reset_year(&mut self) {
        self.outcomes.reset_year();
        self.caseload.reset_year();
        self.ipu.reset_year();
        self.enhanced.reset_year();
        self.hah.reset_year();
        self.acute.reset_year();
        self.bereavement.reset_year();
        self.lines.reset_year();
        self.day_hospice.reset_year();
        self.clinics.reset_year();
        self.psych.reset_year();
        self.caring.reset_year();
        self.coordination.reset_year();
        self.care_homes.reset_year();
        self.coaching.reset_year();
    }

    /// The ledger of `area`: every service's in that area, summed.
    fn area_ledger(&self, area: Area) -> Ledger {
        match area {
            Area::Borough(b) => {
                let mut l = self.outcomes.ledger(b).clone();
                l.add_to(self.caseload.ledger(b));
                l.add_to(self.enhanced.ledger(b));
                l.add_to(self.hah.ledger(b));
                l.add_to(self.acute.ledger(b));
                l
            }
            Area::Site(s) => self.ipu.ledger(s).clone(),
            Area::Line(l) => self.lines.ledger(l).clone(),
            // Segments report outcomes only; staff and costs belong to the
            // services' areas.
            Area::Segment(_) => Ledger::default(),
            Area::All => self.outcomes.region_ledger().clone(),
        }
    }

    fn write_totals(&self, cfg: &CareConfig, out: &mut YearOut) {
        let areas = (cfg.borough_ids().map(Area::Borough))
            .chain(cfg.site_ids().map(Area::Site))
            .chain(cfg.line_ids().map(Area::Line));
        let mut all = self.area_ledger(Area::All);
        let mut shortfalls = Shortfalls::default();
        for area in areas {
            let ledger = self.area_ledger(area);
            all.add_to(&ledger);
            shortfalls.count(&ledger.staff);
            write_totals(out, area, &ledger, &Shortfalls::default());
        }
        // The supportive services' staff are reported for the region, so
        // the region is their area: a shortfall counts when the region's
        // own gap for the role is positive.
        let units = (self.day_hospice.ledgers().iter())
            .chain(self.clinics.ledgers())
            .chain(self.psych.ledgers())
            .chain(self.caring.ledgers())
            .chain(self.coordination.ledgers())
            .chain(self.coaching.ledgers());
        for ledger in units {
            all.add_to(ledger);
        }
        write_totals(out, Area::All, &all, &shortfalls);
    }
}

/// The region's count of short areas and their positive gaps, by role.
#[derive(Debug, Default)]
struct Shortfalls {
    areas: [u64; ROLE_COUNT],
    gap_area: [f64; ROLE_COUNT],
}

impl Shortfalls {
    fn count(&mut self, area: &Staffing) {
        for r in 0..ROLE_COUNT {
            let gap = area.demand_area[r] - area.supply_area[r];
            if gap > 0.0 {
                self.areas[r] += 1;
                self.gap_area[r] += gap;
            }
        }
    }
}

fn write_totals(out: &mut YearOut, area: Area, l: &Ledger, short: &Shortfalls) {
    use TotalMetric::*;
    let s = &l.staff;
    let short_roles = (0..ROLE_COUNT)
        .filter(|&r| short.areas[r] > 0 || s.demand_area[r] > s.supply_area[r])
        .count();
    let shortfall: f64 = (0..ROLE_COUNT)
        .map(|r| {
            let own = (s.demand_area[r] - s.supply_area[r]).max(0.0);
            own.max(short.gap_area[r])
        })
        .sum();
    let c = &l.costs;
    let values = [
        (fte_short_roles, short_roles as f64),
        (fte_shortfall_total, per_year(shortfall)),
        (cost_staff, s.cost),
        (cost_beds, c.beds),
        (cost_activity, c.activity),
        (cost_programmes, c.programmes),
        (cost_total, s.cost + c.beds + c.activity + c.programmes),
    ];
    for (m, v) in values {
        out.put(area, m as usize, v);
    }
}

#[cfg(test)]
mod tests {
    use super::CareEvent;

    /// Every pending event is moved through the event list several times;
    /// with its time it fills 24 bytes, three to a 64-byte cache line. A
    /// variant that grows it (a 64-bit field) costs the whole model speed.
    #[test]
    fn a_care_event_is_sixteen_bytes() {
        assert_eq!(std::mem::size_of::<CareEvent>(), 16);
    }
}
