//! Caring communities: patient and citizen partners attached to the
//! primary-care teams of a programme's boroughs, each supporting a number
//! of people with complex medical and social needs at once. People taken
//! onto a CSPC caseload in those boroughs are referred with the
//! programme's share (a draw keyed on the person) and supported until they
//! die, from a waiting list when every place is taken. Places are partners
//! in post × people per partner; partners in post are a staff pool of the
//! `community_partner` role, so recruitment takes time when the role has
//! supply dynamics. Supported people have fewer crises (the crisis process
//! is thinned by `crisis_rr`) and their last days end in hospital less
//! often (`hospital_rr`). The programme's yearly cost is a programme cost
//! while it funds any partner.

use super::ids::{Area, BoroughId, borough_ids};
use super::metrics::{BoroughCounts, Ledger, YearOut, per_year};
use super::units::StaffedUnits;
use super::workforce::fte_year_cost;
use super::workforce::{SupplyConfig, role};
use crate::engine::SimTime;
use crate::engine::pool::{CapacityPool, Request};
use crate::engine::rng::{Purpose, keyed_uniform};
use crate::scenario::types::Role;
use crate::scenario::types::Scenario;

crate::metric_table! {
    /// Caring community metrics.
    pub enum CaringMetric {
        partner_referrals: B, "People on the caseload with complex needs referred to a community partner.";
        partner_starts: B, "People a community partner started supporting.";
        partner_supported_mean: B, "Time-average people supported by community partners.";
        partner_waiting_mean: B, "Time-average people waiting for a community partner.";
        partner_unmet: B, "Referrals not met: turned away by a full waiting list, or died waiting.";
        partner_places_mean: R, "Time-average places: partners in post × people each supports.";
        fte_demand_community_partner: R, "Community partners needed: (people supported + waiting) ÷ people per partner (people, not FTE).";
        fte_supply_community_partner: R, "Community partners in post, time-average (people, not FTE).";
        fte_gap_community_partner: R, "Demand − supply, community partners (positive: a shortfall).";
    }
}

/// One caring community programme, compiled.
#[derive(Debug, Clone)]
pub struct CaringConfig {
    /// Name.
    pub name: String,
    /// Boroughs served.
    pub boroughs: Vec<BoroughId>,
    /// Partners funded (the role's establishment).
    pub partners: f64,
    /// People each partner supports at once.
    pub people_per_partner: f64,
    /// Share of people taken on who are referred.
    pub referral_share: f64,
    /// Waiting-list limit.
    pub waiting_list: usize,
    /// Relative crisis rate while supported.
    pub crisis_rr: f64,
    /// Relative chance of a last-days hospital transfer while supported.
    pub hospital_rr: f64,
    /// Yearly programme cost in force (0 while no partner is funded).
    pub programmes_per_year: f64,
    /// Cost per partner-year (0 for volunteers).
    pub fte_year_cost: f64,
}

impl CaringConfig {
    /// Every programme of a validated scenario.
    pub fn compile(s: &Scenario) -> Vec<CaringConfig> {
        let fte_year_cost = fte_year_cost(s, Role::CommunityPartner);
        s.caring_communities
            .iter()
            .map(|k| {
                let partners = k.partners.get() as f64;
                CaringConfig {
                    name: k.name.clone(),
                    boroughs: borough_ids(s, &k.boroughs),
                    partners,
                    people_per_partner: k.people_per_partner.get(),
                    referral_share: k.referral_share.get(),
                    waiting_list: k.waiting_list.get() as usize,
                    crisis_rr: k.crisis_rr.get(),
                    hospital_rr: k.hospital_rr.get(),
                    programmes_per_year: if partners > 0.0 {
                        k.cost_per_year.get()
                    } else {
                        0.0
                    },
                    fte_year_cost,
                }
            })
            .collect()
    }

    /// People supported at once by `partners` partners in post.
    fn places(&self, partners: f64) -> u32 {
        (partners * self.people_per_partner + 1e-9).floor() as u32
    }
}

crate::additive! {
    /// One borough's use of community partners in one year.
    pub struct CaringTally {
        /// Referrals.
        pub referrals: u64,
        /// Starts of support.
        pub starts: u64,
        /// Turned away or died waiting.
        pub unmet: u64,
        /// Supported × ticks.
        pub supported_area: f64,
        /// Waiting × ticks.
        pub waiting_area: f64,
    }
}

/// Where a person stands with a caring community.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
enum Stage {
    /// Never referred, or forgotten.
    #[default]
    None,
    /// On the list.
    Waiting,
    /// Supported by a partner.
    Supported,
}

/// A person referred to a partner.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Member {
    unit: u16,
    borough: u16,
    stage: Stage,
}

/// The caring community programmes of one replication.
#[derive(Debug)]
pub struct CaringCommunities {
    pools: Vec<CapacityPool>,
    /// Levels: people supported, waiting, places.
    units: StaffedUnits<3>,
    /// Places × ticks, by programme.
    places_area: Vec<f64>,
    members: Vec<Member>,
    /// People supported and waiting, by borough.
    counts: BoroughCounts<2>,
    tallies: Vec<CaringTally>,
    seed: u64,
    rep: u64,
}

impl CaringCommunities {
    /// Programmes at their starting partners in post.
    pub fn new(
        cfg: &[CaringConfig],
        supply: Option<SupplyConfig>,
        boroughs: usize,
        seed: u64,
        rep: u64,
    ) -> Self {
        let served = cfg.iter().map(|c| (&c.boroughs[..], c.partners));
        let staff_role = role::COMMUNITY_PARTNER;
        CaringCommunities {
            pools: cfg
                .iter()
                .map(|c| CapacityPool::new(c.places(c.partners), c.waiting_list, 1))
                .collect(),
            units: StaffedUnits::new(staff_role, served, boroughs, supply, seed, rep),
            places_area: vec![0.0; cfg.len()],
            members: Vec::new(),
            counts: BoroughCounts::new(boroughs),
            tallies: vec![CaringTally::default(); boroughs],
            seed,
            rep,
        }
    }

    fn member(&mut self, id: usize) -> &mut Member {
        if id >= self.members.len() {
            self.members.resize(id + 1, Member::default());
        }
        &mut self.members[id]
    }

    /// Person `id` (a resident of `b` with key `key`) is taken onto the
    /// caseload: referred with the programme's share (a keyed draw, so the
    /// same person is referred in every option), then supported or put on
    /// the list.
    pub fn refer(&mut self, id: usize, b: BoroughId, key: u64, now: u64, cfg: &[CaringConfig]) {
        let Some(u) = self.units.unit_of(b) else {
            return;
        };
        let draw = keyed_uniform(
            self.seed,
            Purpose::new("caring_community", 0),
            self.rep,
            key,
        );
        if draw >= cfg[u].referral_share {
            return;
        }
        self.tallies[b.index()].referrals += 1;
        *self.member(id) = Member {
            unit: u as u16,
            borough: b.0,
            stage: Stage::Waiting,
        };
        match self.pools[u].request(id as u64, 0, SimTime(now)) {
            Request::Granted => self.start(id, now),
            Request::Queued => self.count(b, now, [0, 1]),
            Request::Refused => {
                self.tallies[b.index()].unmet += 1;
                self.members[id] = Member::default();
            }
        }
        self.observe_unit(u, now, &cfg[u]);
    }

    fn start(&mut self, id: usize, now: u64) {
        let m = &mut self.members[id];
        m.stage = Stage::Supported;
        let b = BoroughId(m.borough);
        self.tallies[b.index()].starts += 1;
        self.count(b, now, [1, 0]);
    }

    /// Changes borough `b`'s counts of people supported and waiting.
    fn count(&mut self, b: BoroughId, now: u64, delta: [i32; 2]) {
        let ([supported, waiting], dt) = self.counts.change(b, now, delta);
        let t = &mut self.tallies[b.index()];
        t.supported_area += supported * dt;
        t.waiting_area += waiting * dt;
    }

    /// Person `id` died: their place goes to the next person waiting, or
    /// they leave the list (died waiting).
    pub fn leave(&mut self, id: usize, now: u64, cfg: &[CaringConfig]) {
        let Some(m) = self.members.get(id).copied() else {
            return;
        };
        let (u, b) = (m.unit as usize, BoroughId(m.borough));
        match m.stage {
            Stage::Waiting => {
                self.pools[u].renege(id as u64);
                self.tallies[b.index()].unmet += 1;
                self.count(b, now, [0, -1]);
            }
            Stage::Supported => {
                self.count(b, now, [-1, 0]);
                if let Some(next) = self.pools[u].release() {
                    let next_borough = BoroughId(self.members[next.id as usize].borough);
                    self.count(next_borough, now, [0, -1]);
                    self.start(next.id as usize, now);
                }
            }
            Stage::None => return,
        }
        self.members[id] = Member::default();
        self.observe_unit(u, now, &cfg[u]);
    }

    /// Whether person `id` is supported by a partner now.
    fn supported(&self, id: usize) -> Option<usize> {
        match self.members.get(id) {
            Some(m) if m.stage == Stage::Supported => Some(m.unit as usize),
            _ => None,
        }
    }

    /// The relative crisis rate of person `id` (1 unless supported).
    pub fn crisis_rr(&self, id: usize, cfg: &[CaringConfig]) -> f64 {
        self.supported(id).map_or(1.0, |u| cfg[u].crisis_rr)
    }

    /// The relative chance that person `id`'s last days end in hospital
    /// (1 unless supported).
    pub fn hospital_rr(&self, id: usize, cfg: &[CaringConfig]) -> f64 {
        self.supported(id).map_or(1.0, |u| cfg[u].hospital_rr)
    }

    /// Places follow the partners in post; people waiting start as places
    /// open.
    pub fn apply_staffing(&mut self, now: u64, cfg: &[CaringConfig]) {
        for (u, c) in cfg.iter().enumerate() {
            self.observe_unit(u, now, c);
            self.pools[u].set_capacity(c.places(self.units.fte(u)));
            while let Some(next) = self.pools[u].admit_next() {
                let b = BoroughId(self.members[next.id as usize].borough);
                self.count(b, now, [0, -1]);
                self.start(next.id as usize, now);
            }
            self.observe_unit(u, now, c);
        }
    }

    /// New partners funded, list limits and dynamics (an intervention).
    pub fn replan(&mut self, cfg: &[CaringConfig], supply: Option<SupplyConfig>) {
        self.units.replan(cfg.iter().map(|c| c.partners), supply);
        for (u, c) in cfg.iter().enumerate() {
            self.pools[u].set_queue_limit(c.waiting_list);
        }
    }

    /// One month of partners' supply (recruitment and leavers).
    pub fn step_month(&mut self) {
        self.units.step_month();
    }

    fn observe_unit(&mut self, u: usize, now: u64, c: &CaringConfig) {
        let pool = &self.pools[u];
        let next = [
            pool.busy() as f64,
            pool.waiting() as f64,
            pool.capacity() as f64,
        ];
        let ([supported, waiting, places], dt, l) =
            self.units
                .observe(u, now, next, c.fte_year_cost, c.programmes_per_year);
        let r = role::COMMUNITY_PARTNER;
        l.staff.demand_area[r] += (supported + waiting) / c.people_per_partner.max(1e-12) * dt;
        self.places_area[u] += places * dt;
    }

    /// Integrates every level up to `now`.
    pub fn flush(&mut self, now: u64, cfg: &[CaringConfig]) {
        for (u, c) in cfg.iter().enumerate() {
            self.observe_unit(u, now, c);
        }
        for b in self.counts.boroughs() {
            self.count(b, now, [0, 0]);
        }
    }

    /// Staff and costs of every programme this year.
    pub fn ledgers(&self) -> &[Ledger] {
        self.units.ledgers()
    }

    /// Writes this year's rows.
    pub fn write_year(&self, out: &mut YearOut) {
        for b in out.boroughs() {
            write(out, Area::Borough(b), &self.tallies[b.index()]);
        }
        write(out, Area::All, &CaringTally::sum(&self.tallies));
        use CaringMetric::*;
        let places: f64 = self.places_area.iter().sum();
        out.put(Area::All, partner_places_mean as usize, per_year(places));
        let fte = [
            fte_demand_community_partner,
            fte_supply_community_partner,
            fte_gap_community_partner,
        ];
        self.units.write_region(out, fte.map(|m| m as usize));
    }

    /// Starts a new year.
    pub fn reset_year(&mut self) {
        self.tallies.fill(CaringTally::default());
        self.units.reset_year();
        self.places_area.fill(0.0);
    }
}

fn write(out: &mut YearOut, area: Area, t: &CaringTally) {
    use CaringMetric::*;
    let values = [
        (partner_referrals, t.referrals as f64),
        (partner_starts, t.starts as f64),
        (partner_supported_mean, per_year(t.supported_area)),
        (partner_waiting_mean, per_year(t.waiting_area)),
        (partner_unmet, t.unmet as f64),
    ];
    for (m, v) in values {
        out.put(area, m as usize, v);
    }
}
