//! Workforce supply: staff in post per role and area, stepped monthly from
//! their own random stream (leavers, recruits arriving after a hiring lag,
//! an establishment cap), and the staffed capacity that follows from it.

use super::care::CareSystem;
use super::config::SupplyConfig;
use super::metrics::role;
use crate::engine::Scheduler;
use crate::engine::rng::{Purpose, StreamRng, stream};
use rand_distr::{Distribution, Poisson};

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

/// Staff pools of every role and area of one replication.
#[derive(Debug)]
pub struct Staff {
    /// CSPC nurses by borough.
    pub cspc: Vec<StaffPool>,
    /// Hospice-at-home staff by borough.
    pub hah: Vec<StaffPool>,
    /// IPU nurses by site.
    pub ipu: Vec<StaffPool>,
    /// Consultants by site.
    pub consultants: Vec<StaffPool>,
    /// Advice-line nurses by line.
    pub advice: Vec<StaffPool>,
}

impl Staff {
    /// Pools at their starting levels.
    pub fn new(cfg: &super::config::CareConfig, replication: u64) -> Self {
        let pool = |r: usize, area: usize, est: f64| {
            StaffPool::new(
                est,
                cfg.supply[r],
                cfg.seed,
                ((r as u64) << 32) | area as u64,
                replication,
            )
        };
        Staff {
            cspc: cfg
                .boroughs
                .iter()
                .enumerate()
                .map(|(i, b)| pool(role::CSPC_NURSE, i, b.cspc_establishment))
                .collect(),
            hah: cfg
                .boroughs
                .iter()
                .enumerate()
                .map(|(i, b)| pool(role::HAH_NURSE, i, b.hah_establishment.unwrap_or(0.0)))
                .collect(),
            ipu: cfg
                .sites
                .iter()
                .enumerate()
                .map(|(i, s)| pool(role::IPU_NURSE, i, s.nurse_establishment))
                .collect(),
            consultants: cfg
                .sites
                .iter()
                .enumerate()
                .map(|(i, s)| pool(role::CONSULTANT, i, s.consultant_establishment))
                .collect(),
            advice: cfg
                .lines
                .iter()
                .enumerate()
                .map(|(i, l)| pool(role::ADVICE_NURSE, i, l.establishment))
                .collect(),
        }
    }
}

impl CareSystem<'_> {
    /// New establishments and dynamics after a configuration change.
    pub(super) fn replan_staff(&mut self) {
        let cfg = self.cfg;
        let st = &mut self.staff;
        for (i, b) in cfg.boroughs.iter().enumerate() {
            st.cspc[i].replan(b.cspc_establishment, cfg.supply[role::CSPC_NURSE]);
            st.hah[i].replan(
                b.hah_establishment.unwrap_or(0.0),
                cfg.supply[role::HAH_NURSE],
            );
        }
        for (i, s) in cfg.sites.iter().enumerate() {
            st.ipu[i].replan(s.nurse_establishment, cfg.supply[role::IPU_NURSE]);
            st.consultants[i].replan(s.consultant_establishment, cfg.supply[role::CONSULTANT]);
        }
        for (i, l) in cfg.lines.iter().enumerate() {
            st.advice[i].replan(l.establishment, cfg.supply[role::ADVICE_NURSE]);
        }
    }

    /// Staffed capacity of every service from the staff in post.
    pub(super) fn apply_staffing(&mut self, sched: &mut Scheduler<super::care::CareEvent>) {
        let now = sched.now().ticks();
        for b in 0..self.cfg.boroughs.len() {
            self.observe_borough(b, now);
            let bc = &self.cfg.boroughs[b];
            let caseload = (self.staff.cspc[b].fte * bc.caseload_per_fte + 1e-9).floor() as u32;
            self.cspc[b].set_capacity(caseload);
            let slots = match bc.hah_establishment {
                Some(_) => bc
                    .hah_slots
                    .min((self.staff.hah[b].fte / bc.hah_fte_per_patient + 1e-9).floor() as u32),
                None => bc.hah_slots,
            };
            self.hah[b].set_capacity(slots);
            while let Some(next) = self.cspc[b].admit_next() {
                self.take_on(next.id as usize, now - next.since.ticks(), sched);
            }
            self.observe_borough(b, now);
        }
        for s in 0..self.cfg.sites.len() {
            self.observe_site(s, now);
            let sc = &self.cfg.sites[s];
            let by_nurses =
                (self.staff.ipu[s].fte / sc.nurse_fte_per_bed.max(1e-12) + 1e-9).floor() as u32;
            let open = self.staff.consultants[s].fte + 1e-9 >= sc.min_consultant_fte;
            self.ipu[s].set_capacity(if open { sc.beds.min(by_nurses) } else { 0 });
            while let Some(next) = self.ipu[s].admit_next() {
                self.admit_from_list(next, s, sched);
            }
            self.observe_site(s, now);
        }
        for l in 0..self.cfg.lines.len() {
            self.observe_line(l, now);
            let lc = &self.cfg.lines[l];
            let staffing = (self.staff.advice[l].fte / lc.fte_needed.max(1e-12)).min(1.0);
            self.on_duty[l] = std::array::from_fn(|h| {
                super::advice::staffed_handlers(lc.roster.staff_in_hour(h), staffing, h)
            });
            self.set_handlers(l, sched);
        }
    }

    /// The monthly workforce step.
    pub(super) fn on_workforce_month(&mut self, sched: &mut Scheduler<super::care::CareEvent>) {
        self.flush(sched.now().ticks());
        let st = &mut self.staff;
        for pool in st
            .cspc
            .iter_mut()
            .chain(&mut st.hah)
            .chain(&mut st.ipu)
            .chain(&mut st.consultants)
            .chain(&mut st.advice)
        {
            pool.step_month();
        }
        self.apply_staffing(sched);
        sched.schedule_in(
            super::config::YEAR / 12,
            super::care::CareEvent::WorkforceMonth,
        );
    }
}
