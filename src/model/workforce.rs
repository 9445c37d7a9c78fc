//! Workforce: the roles staff are counted in, and the supply of one role
//! in one area (a [`StaffPool`]): staff in post stepped monthly from their
//! own random stream (leavers, recruits arriving after a hiring lag, an
//! establishment cap). Each service owns the pools of its roles and turns
//! staff in post into the capacity it can open.

use crate::engine::rng::{Purpose, StreamRng, stream};
use crate::scenario::types::{Role, Scenario};
use rand_distr::{Distribution, Poisson};

/// Workforce roles' names, in metric order.
pub const ROLES: [&str; ROLE_COUNT] = Role::NAMES;
/// Number of roles.
pub const ROLE_COUNT: usize = Role::COUNT;

/// Index of each role in the ledgers' arrays (its place in [`Role::ALL`]).
pub mod role {
    use crate::scenario::types::Role;
    /// Community specialist palliative care nurse (per borough).
    pub const CSPC_NURSE: usize = Role::CspcNurse as usize;
    /// Hospice-at-home nurse or carer (per borough).
    pub const HAH_NURSE: usize = Role::HahNurse as usize;
    /// In-patient unit nurse (per site).
    pub const IPU_NURSE: usize = Role::IpuNurse as usize;
    /// Palliative medicine consultant (per site).
    pub const CONSULTANT: usize = Role::Consultant as usize;
    /// Advice-line nurse (per line).
    pub const ADVICE_NURSE: usize = Role::AdviceNurse as usize;
    /// Day hospice nurse or carer (per unit).
    pub const DAY_HOSPICE_NURSE: usize = Role::DayHospiceNurse as usize;
    /// Out-patient clinician (per clinic).
    pub const OUTPATIENT_CLINICIAN: usize = Role::OutpatientClinician as usize;
    /// Psychologist or counsellor (per service).
    pub const PSYCHOLOGIST: usize = Role::Psychologist as usize;
    /// Patient or citizen partner of a caring community (per programme).
    pub const COMMUNITY_PARTNER: usize = Role::CommunityPartner as usize;
    /// Care coordinator in primary care (per entry).
    pub const CARE_COORDINATOR: usize = Role::CareCoordinator as usize;
}

/// The cost of one FTE-year of `role` in scenario `s` (0 if not given).
pub fn fte_year_cost(s: &Scenario, role: Role) -> f64 {
    s.costs.fte_year.get(&role).map_or(0.0, |c| c.get())
}

/// Supply dynamics of one role, per month.
#[derive(Debug, Clone, Copy)]
pub struct SupplyConfig {
    /// Expected leavers per FTE in post per month.
    pub monthly_attrition: f64,
    /// Share of open vacancies filled per month.
    pub monthly_recruitment: f64,
    /// Months from offer to start.
    pub lag_months: usize,
    /// Share vacant at the start.
    pub vacancy: f64,
}

const PIPELINE_MONTHS: usize = 25;

/// Staff in post for one role in one area.
#[derive(Debug)]
pub struct StaffPool {
    /// FTE in post.
    pub fte: f64,
    /// Establishment (funded FTE); supply never exceeds it.
    pub establishment: f64,
    dynamics: Option<SupplyConfig>,
    pipeline: [f64; PIPELINE_MONTHS],
    head: usize,
    rng: StreamRng,
}

impl StaffPool {
    /// A pool at `establishment × (1 − vacancy)`.
    pub fn new(
        establishment: f64,
        dynamics: Option<SupplyConfig>,
        seed: u64,
        key: u64,
        replication: u64,
    ) -> Self {
        let vacancy = dynamics.map_or(0.0, |d| d.vacancy);
        StaffPool {
            fte: establishment * (1.0 - vacancy),
            establishment,
            dynamics,
            pipeline: [0.0; PIPELINE_MONTHS],
            head: 0,
            rng: stream(seed, Purpose::new("workforce", key), replication),
        }
    }

    /// A new establishment and dynamics (an intervention). Without
    /// dynamics, staff in post follow the establishment at once; with them,
    /// a larger establishment is filled by recruitment and a smaller one
    /// caps the staff in post.
    pub fn replan(&mut self, establishment: f64, dynamics: Option<SupplyConfig>) {
        self.establishment = establishment;
        self.dynamics = dynamics;
        self.fte = if dynamics.is_none() {
            establishment
        } else {
            self.fte.min(establishment)
        };
    }

    fn poisson(&mut self, mean: f64) -> f64 {
        if mean <= 0.0 {
            return 0.0;
        }
        Poisson::new(mean).map_or(mean, |d| d.sample(&mut self.rng))
    }

    /// One month: leavers go; vacancies not already offered are advertised
    /// and filled at the role's rate, the recruits starting after the
    /// hiring lag; starters join up to the establishment.
    pub fn step_month(&mut self) {
        let Some(d) = self.dynamics else { return };
        let leavers = self.poisson(self.fte * d.monthly_attrition).min(self.fte);
        self.fte -= leavers;
        let in_pipeline: f64 = self.pipeline.iter().sum();
        let open = (self.establishment - self.fte - in_pipeline).max(0.0);
        let offers = self.poisson(open * d.monthly_recruitment).min(open.ceil());
        let lag = d.lag_months.min(PIPELINE_MONTHS - 1);
        self.pipeline[(self.head + lag) % PIPELINE_MONTHS] += offers;
        let starters = std::mem::take(&mut self.pipeline[self.head]);
        self.head = (self.head + 1) % PIPELINE_MONTHS;
        self.fte = (self.fte + starters).min(self.establishment.max(self.fte));
    }
}

/// The stream key of the staff pool of role `role` in area `area` (the
/// area's index in its own list).
pub fn pool_key(role: usize, area: usize) -> u64 {
    ((role as u64) << 32) | area as u64
}

/// Staff in post as a share of `needed` (0–1), for capacity that scales
/// with staff.
pub fn staffed_share(fte: f64, needed: f64) -> f64 {
    (fte / needed.max(1e-12)).min(1.0)
}

/// Whole units of capacity that `fte` staff can open at `fte_per_unit`
/// each (a hair of tolerance so that 6.0 ÷ 1.5 is 4, not 3).
pub fn staffed_units(fte: f64, fte_per_unit: f64) -> u32 {
    (fte / fte_per_unit.max(1e-12) + 1e-9).floor() as u32
}
