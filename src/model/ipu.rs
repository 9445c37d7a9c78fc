//! Hospice in-patient units (IPU sites): beds opened by the nurses and
//! consultants in post, a bed waiting list with priority for the dying,
//! stays, deaths in the unit, refused requests and the staff they would
//! have needed; occupancy by site and for the region.
//!
//! Bed requests are counted twice: by the resident's borough (who asked,
//! who was admitted or turned away) and by the site that received them.

use super::dist::Sampler;
use super::ids::{Area, BoroughId, SiteId};
use super::metrics::{
    Ledger, LevelHistogram, Levels, YearOut, mean_days, pct, per_year, ratio_pct,
};
use super::workforce::fte_year_cost;
use super::workforce::{StaffPool, SupplyConfig, pool_key, role, staffed_units};
use crate::engine::SimTime;
use crate::engine::pool::{CapacityPool, Request, Waiter};
use crate::engine::time::{DAY, SECOND};
use crate::engine::timelog::TimeLog;
use crate::scenario::types::Role;
use crate::scenario::types::Scenario;

crate::metric_table! {
    /// In-patient unit metrics.
    pub enum IpuMetric {
        ipu_died_waiting: BS, "People who died waiting for an IPU bed.";
        ipu_admissions: BS, "Admissions to hospice IPUs (borough: of residents; site: to the site).";
        ipu_turned_away: BS, "Bed requests refused: every suitable unit full (or closed) and the waiting list full or absent.";
        ipu_turned_away_pct: BS, "Bed requests turned away, % of requests that were admitted at once, joined the list or were turned away.";
        ipu_wait_days_mean: BS, "Mean days on the bed waiting list, for admissions from the list.";
        ipu_occupancy_mean: S, "Time-average occupied IPU beds.";
        ipu_waiting_mean: S, "Time-average people on the unit's bed waiting list.";
        ipu_occupancy_p95: S, "95th percentile of occupied IPU beds over time (exact).";
        ipu_occupancy_pct: S, "Mean occupied beds ÷ mean staffed beds, %.";
        ipu_staffed_beds_mean: S, "Time-average beds open: min(beds, nurses in post ÷ nurses needed per bed), 0 while consultant cover is below the minimum.";
        ipu_los_days_mean: S, "Mean length of stay of IPU stays ending in the year, days.";
        ipu_deaths: S, "Deaths in the unit.";
        ipu_refused_bed_days: S, "Bed-days that refused requests would have used (each person's own stay to their planned discharge or death), the basis of their staff demand.";
        fte_demand_ipu_nurse: S, "IPU nurse FTE needed: (mean occupied beds + mean waiting list + requests refused × mean stay ÷ 365 days) × nurses per bed × 168 ÷ hours per FTE × (1 + uplift).";
        fte_supply_ipu_nurse: S, "IPU nurse FTE in post.";
        fte_gap_ipu_nurse: S, "Demand − supply, IPU nurses (positive: a shortfall).";
        fte_demand_consultant: S, "Consultant FTE needed while the unit has beds (open or shut): max(minimum cover, (occupied beds + waiting list) × FTE per bed), plus requests refused × mean stay ÷ 365 days × FTE per bed.";
        fte_supply_consultant: S, "Consultant FTE in post.";
        fte_gap_consultant: S, "Demand − supply, consultants (positive: a shortfall).";
    }
}

/// One hospice in-patient unit, compiled.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// Name.
    pub name: String,
    /// Beds.
    pub beds: u32,
    /// Waiting-list limit.
    pub waiting_list: usize,
    /// Time from admission to planned discharge.
    pub discharge_after: Sampler,
    /// Nurse FTE needed per occupied (or staffed) bed, uplift included.
    pub nurse_fte_per_bed: f64,
    /// Nurse establishment, FTE.
    pub nurse_establishment: f64,
    /// Consultant establishment, FTE.
    pub consultant_establishment: f64,
    /// Consultant FTE below which the unit closes.
    pub min_consultant_fte: f64,
    /// Consultant FTE needed per occupied bed.
    pub consultant_fte_per_bed: f64,
    /// Programme costs in force for the site, per year.
    pub programmes_per_year: f64,
    /// Cost per occupied bed-day.
    pub bed_day_cost: f64,
    /// Cost per bed-day available.
    pub bed_day_available_cost: f64,
    /// Cost per nurse FTE-year.
    pub nurse_year_cost: f64,
    /// Cost per consultant FTE-year.
    pub consultant_year_cost: f64,
}

impl SiteConfig {
    /// Every site from a validated scenario.
    pub fn compile(s: &Scenario) -> Vec<SiteConfig> {
        let (uplift, hours) = s.staffing_conventions();

        s.sites
            .iter()
            .map(|x| SiteConfig {
                name: x.name.clone(),
                beds: x.beds.get(),
                waiting_list: x.waiting_list.get() as usize,
                discharge_after: Sampler::new(&x.discharge_after),
                nurse_fte_per_bed: x.nurses_per_bed.get() * 168.0 / hours * (1.0 + uplift),
                nurse_establishment: x
                    .nurses_fte
                    .map_or_else(|| x.nurses_for_every_bed(uplift, hours), |f| f.get()),
                consultant_establishment: x.consultant_fte.get(),
                min_consultant_fte: x.min_consultant_fte.get(),
                consultant_fte_per_bed: x.consultant_fte_per_bed.get(),
                programmes_per_year: 0.0,
                bed_day_cost: s.costs.ipu_bed_day.get(),
                bed_day_available_cost: s.costs.ipu_bed_day_available.get(),
                nurse_year_cost: fte_year_cost(s, Role::IpuNurse),
                consultant_year_cost: fte_year_cost(s, Role::Consultant),
            })
            .collect()
    }
}

crate::additive! {
    /// Bed requests of one borough's residents in one year.
    pub struct BedRequests {
        /// Admissions.
        pub admissions: u64,
        /// Requests refused.
        pub turned_away: u64,
        /// Requests (admitted at once, queued or refused).
        pub requests: u64,
        /// Admissions from the waiting list.
        pub from_list: u64,
        /// Their waits, seconds.
        pub wait_seconds: f64,
        /// Died on the waiting list.
        pub died_waiting: u64,
    }
}

crate::additive! {
    /// One site in one year.
    pub struct SiteTally {
        /// Requests received, as [`BedRequests`].
        pub requests: BedRequests,
        /// Occupied beds × ticks.
        pub occupied_area: f64,
        /// Staffed beds × ticks.
        pub staffed_area: f64,
        /// People waiting × ticks.
        pub waiting_area: f64,
        /// Stays ended.
        pub stays_ended: u64,
        /// Their lengths, seconds.
        pub stay_seconds: f64,
        /// Deaths in the unit.
        pub deaths: u64,
        /// Refused requests' would-be stays, ticks.
        pub refused_stay: f64,
        /// Staff and costs.
        pub ledger: Ledger,
    }
}

/// The in-patient units of one replication.
#[derive(Debug)]
pub struct IpuSites {
    pools: Vec<CapacityPool>,
    nurses: Vec<StaffPool>,
    consultants: Vec<StaffPool>,
    levels: Vec<Levels<5>>,
    sites: Vec<SiteTally>,
    boroughs: Vec<BedRequests>,
    histograms: Vec<LevelHistogram>,
    region: RegionOccupancy,
}

/// The region's total occupancy over time, for its time-weighted
/// quantile. Sites of different [parts](super::parts) move out of step
/// between calendar events, so each site's changes are logged as they
/// happen and added up in time order at the next calendar event
/// ([`IpuSites::settle_region`]); the total changes only when a site's does.
#[derive(Debug)]
struct RegionOccupancy {
    /// Sites' new occupancy (site, beds busy), by time.
    changes: TimeLog<(u16, u32)>,
    /// Each site's occupancy as last logged.
    logged: Vec<u32>,
    /// Each site's occupancy as added up so far.
    busy: Vec<u32>,
    total: u32,
    since: u64,
    histogram: LevelHistogram,
}

impl RegionOccupancy {
    fn new(sites: usize, total_beds: u32) -> Self {
        RegionOccupancy {
            changes: TimeLog::with_capacity(1024),
            logged: vec![0; sites],
            busy: vec![0; sites],
            total: 0,
            since: 0,
            histogram: LevelHistogram::with_max(total_beds),
        }
    }

    /// Site `site` has `busy` beds occupied at `at` (logged only if that
    /// changed since the site's last entry: time at one level adds up).
    fn log(&mut self, at: u64, site: usize, busy: u32) {
        if self.logged[site] == busy {
            return;
        }
        self.logged[site] = busy;
        self.changes.push(at, (site as u16, busy));
    }

    /// Adds up the changes logged so far, in time order.
    fn settle(&mut self) {
        for (at, (site, busy)) in self.changes.drain_in_time_order() {
            let dt = at.saturating_sub(self.since);
            if dt > 0 {
                self.histogram.add(self.total, dt);
            }
            let s = site as usize;
            self.total = self.total - self.busy[s] + busy;
            self.busy[s] = busy;
            self.since = at;
        }
    }
}

/// The bed priority of people in their last days.
pub const URGENT: usize = 0;
/// The bed priority of everyone else.
pub const ROUTINE: usize = 1;

impl IpuSites {
    /// Units at their starting staffing; `boroughs` residents' tallies.
    pub fn new(
        cfg: &[SiteConfig],
        supply: [Option<SupplyConfig>; 2],
        boroughs: usize,
        seed: u64,
        rep: u64,
    ) -> Self {
        let pool = |r: usize, i: usize, est: f64, dynamics| {
            StaffPool::new(est, dynamics, seed, pool_key(r, i), rep)
        };
        let total_beds: u32 = cfg.iter().map(|s| s.beds).sum();
        IpuSites {
            pools: cfg
                .iter()
                .map(|s| CapacityPool::new(s.beds, s.waiting_list, 2))
                .collect(),
            nurses: cfg
                .iter()
                .enumerate()
                .map(|(i, s)| pool(role::IPU_NURSE, i, s.nurse_establishment, supply[0]))
                .collect(),
            consultants: cfg
                .iter()
                .enumerate()
                .map(|(i, s)| pool(role::CONSULTANT, i, s.consultant_establishment, supply[1]))
                .collect(),
            levels: vec![Levels::default(); cfg.len()],
            sites: vec![SiteTally::default(); cfg.len()],
            boroughs: vec![BedRequests::default(); boroughs],
            histograms: cfg
                .iter()
                .map(|s| LevelHistogram::with_max(s.beds))
                .collect(),
            region: RegionOccupancy::new(cfg.len(), total_beds),
        }
    }

    /// Free beds at site `s` (0 while it is full or shut).
    pub fn free_beds(&self, s: SiteId) -> u32 {
        let pool = &self.pools[s.index()];
        if pool.has_free_unit() {
            pool.capacity() - pool.busy()
        } else {
            0
        }
    }

    /// Asks site `s` for a bed for person `id`.
    pub fn request(&mut self, s: SiteId, id: u64, priority: usize, now: u64) -> Request {
        self.pools[s.index()].request(id, priority, SimTime(now))
    }

    /// A new bed request of a resident of `b` whose home site is `home`.
    pub fn count_request(&mut self, b: BoroughId, home: Option<SiteId>) {
        self.boroughs[b.index()].requests += 1;
        if let Some(h) = home {
            self.sites[h.index()].requests.requests += 1;
        }
    }

    /// An admission of a resident of `b` to site `s`, after `waited` ticks
    /// on the list if they came from it.
    pub fn count_admission(&mut self, b: BoroughId, s: SiteId, waited: Option<u64>) {
        for t in [
            &mut self.boroughs[b.index()],
            &mut self.sites[s.index()].requests,
        ] {
            t.admissions += 1;
            if let Some(w) = waited {
                t.from_list += 1;
                t.wait_seconds += w as f64 / SECOND as f64;
            }
        }
    }

    /// A request of a resident of `b` refused; at their home site `home`
    /// (if any) it counts with the stay (ticks) they would have had, whose
    /// staff are demand that went unmet.
    pub fn count_refusal(&mut self, b: BoroughId, home: Option<(SiteId, u64)>, cfg: &[SiteConfig]) {
        self.boroughs[b.index()].turned_away += 1;
        if let Some((h, stay)) = home {
            let sc = &cfg[h.index()];
            let stay = stay as f64;
            let t = &mut self.sites[h.index()];
            t.requests.turned_away += 1;
            t.refused_stay += stay;
            t.ledger.staff.demand_area[role::IPU_NURSE] += sc.nurse_fte_per_bed * stay;
            t.ledger.staff.demand_area[role::CONSULTANT] += sc.consultant_fte_per_bed * stay;
        }
    }

    /// A stay at site `s` ended after `stayed` ticks (discharge or death);
    /// the next person on the list, if a bed is open.
    pub fn release(&mut self, s: SiteId, stayed: u64) -> Option<Waiter> {
        let t = &mut self.sites[s.index()];
        t.stays_ended += 1;
        t.stay_seconds += stayed as f64 / SECOND as f64;
        self.pools[s.index()].release()
    }

    /// A death in a bed at site `s`.
    pub fn count_death(&mut self, s: SiteId) {
        self.sites[s.index()].deaths += 1;
    }

    /// Person `id` leaves site `s`'s list; `died` if they died on it (a
    /// resident of `b`).
    pub fn leave_list(&mut self, s: SiteId, id: u64, died: Option<BoroughId>) {
        self.pools[s.index()].renege(id);
        if let Some(b) = died {
            self.boroughs[b.index()].died_waiting += 1;
            self.sites[s.index()].requests.died_waiting += 1;
        }
    }

    /// Beds open follow the nurses and consultants in post.
    pub fn apply_staffing(&mut self, s: SiteId, sc: &SiteConfig) {
        let i = s.index();
        let by_nurses = staffed_units(self.nurses[i].fte, sc.nurse_fte_per_bed);
        let open = self.consultants[i].fte + 1e-9 >= sc.min_consultant_fte;
        self.pools[i].set_capacity(if open { sc.beds.min(by_nurses) } else { 0 });
    }

    /// The next person on site `s`'s list, if a bed is open.
    pub fn admit_next(&mut self, s: SiteId) -> Option<Waiter> {
        self.pools[s.index()].admit_next()
    }

    /// New list limits, establishments and dynamics (an intervention).
    pub fn replan(&mut self, cfg: &[SiteConfig], supply: [Option<SupplyConfig>; 2]) {
        for (i, sc) in cfg.iter().enumerate() {
            self.pools[i].set_queue_limit(sc.waiting_list);
        }
        for (i, sc) in cfg.iter().enumerate() {
            self.nurses[i].replan(sc.nurse_establishment, supply[0]);
            self.consultants[i].replan(sc.consultant_establishment, supply[1]);
        }
    }

    /// One month of staff supply (nurses of every site, then consultants).
    pub fn step_month(&mut self) {
        self.nurses.iter_mut().for_each(StaffPool::step_month);
        self.consultants.iter_mut().for_each(StaffPool::step_month);
    }

    /// Integrates site `s`'s levels up to `now` and logs its occupancy
    /// for the region's.
    pub fn observe(&mut self, s: SiteId, now: u64, sc: &SiteConfig) {
        let i = s.index();
        let next = [
            self.pools[i].busy() as f64,
            self.pools[i].capacity() as f64,
            self.nurses[i].fte,
            self.consultants[i].fte,
            self.pools[i].waiting() as f64,
        ];
        let since = self.levels[i].since;
        let ([occupied, staffed, nurses, consultants, waiting], dt) =
            self.levels[i].advance(now, next);
        if dt > 0.0 {
            self.histograms[i].add(occupied as u32, now - since);
            let t = &mut self.sites[i];
            let days = dt / DAY as f64;
            t.ledger.costs.activity += occupied * sc.bed_day_cost * days;
            t.ledger.costs.beds += sc.beds as f64 * sc.bed_day_available_cost * days;
            t.ledger.programme(sc.programmes_per_year, dt);
            t.waiting_area += waiting * dt;
            t.ledger.staff.cost += (nurses * sc.nurse_year_cost
                + consultants * sc.consultant_year_cost)
                * per_year(dt);
            t.occupied_area += occupied * dt;
            t.staffed_area += staffed * dt;
            let st = &mut t.ledger.staff;
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
        self.region.log(now, i, self.pools[i].busy());
    }

    /// Adds up the region's occupancy to the last site change logged
    /// (call once every site has been observed to a calendar event).
    pub fn settle_region(&mut self) {
        self.region.settle();
    }

    /// Staff and costs of site `s` this year.
    pub fn ledger(&self, s: SiteId) -> &Ledger {
        &self.sites[s.index()].ledger
    }

    /// Writes this year's rows.
    pub fn write_year(&self, out: &mut YearOut) {
        for b in out.boroughs() {
            write_requests(out, Area::Borough(b), &self.boroughs[b.index()]);
        }
        for s in out.sites() {
            let t = &self.sites[s.index()];
            write_requests(out, Area::Site(s), &t.requests);
            write_units(
                out,
                Area::Site(s),
                t,
                self.histograms[s.index()].quantile(0.95),
            );
        }
        write_requests(out, Area::All, &BedRequests::sum(&self.boroughs));
        let all = SiteTally::sum(&self.sites);
        write_units(out, Area::All, &all, self.region.histogram.quantile(0.95));
    }

    /// Starts a new year.
    pub fn reset_year(&mut self) {
        self.sites.fill(SiteTally::default());
        self.boroughs.fill(BedRequests::default());
        self.histograms.iter_mut().for_each(LevelHistogram::clear);
        self.region.histogram.clear();
    }
}

fn write_requests(out: &mut YearOut, area: Area, r: &BedRequests) {
    use IpuMetric::*;
    out.put(area, ipu_died_waiting as usize, r.died_waiting as f64);
    out.put(area, ipu_admissions as usize, r.admissions as f64);
    out.put(area, ipu_turned_away as usize, r.turned_away as f64);
    out.put(
        area,
        ipu_turned_away_pct as usize,
        pct(r.turned_away, r.requests),
    );
    out.put(
        area,
        ipu_wait_days_mean as usize,
        mean_days(r.wait_seconds, r.from_list),
    );
}

fn write_units(out: &mut YearOut, area: Area, t: &SiteTally, p95: f64) {
    use IpuMetric::*;
    let (d, s) = (&t.ledger.staff.demand_area, &t.ledger.staff.supply_area);
    let (n, c) = (role::IPU_NURSE, role::CONSULTANT);
    let values = [
        (ipu_occupancy_mean, per_year(t.occupied_area)),
        (ipu_waiting_mean, per_year(t.waiting_area)),
        (ipu_occupancy_p95, p95),
        (
            ipu_occupancy_pct,
            ratio_pct(t.occupied_area, t.staffed_area),
        ),
        (ipu_staffed_beds_mean, per_year(t.staffed_area)),
        (ipu_los_days_mean, mean_days(t.stay_seconds, t.stays_ended)),
        (ipu_deaths, t.deaths as f64),
        (ipu_refused_bed_days, t.refused_stay / DAY as f64),
        (fte_demand_ipu_nurse, per_year(d[n])),
        (fte_supply_ipu_nurse, per_year(s[n])),
        (fte_gap_ipu_nurse, per_year(d[n] - s[n])),
        (fte_demand_consultant, per_year(d[c])),
        (fte_supply_consultant, per_year(s[c])),
        (fte_gap_consultant, per_year(d[c] - s[c])),
    ];
    for (m, v) in values {
        out.put(area, m as usize, v);
    }
}
