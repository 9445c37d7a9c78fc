//! Staffed units: the frame shared by the services that run in units of
//! one staff role — day hospices, psychological support services,
//! out-patient clinics, care coordination entries and caring-community
//! programmes. Each unit serves a list of boroughs; its staff in post
//! follow the workforce supply month by month; its levels (people in
//! service, waiting …) and staff in post are integrated over time; and the
//! year's staff in post and running cost are charged to its ledger. What a
//! unit does with its staff (places, sessions, caseload), the staff it
//! needs and its activity costs stay with its service.

use super::ids::{BoroughId, unit_of_borough};
use super::metrics::{Ledger, Levels, YearOut, write_region_role};
use super::workforce::{StaffPool, SupplyConfig, pool_key};

/// A service's units of one staff role, with `N` levels of the service's
/// own integrated per unit besides the staff in post.
#[derive(Debug)]
pub struct StaffedUnits<const N: usize> {
    /// The staff role (an index of [`role`](super::workforce::role)).
    role: usize,
    staff: Vec<StaffPool>,
    levels: Vec<Levels<N>>,
    /// Staff in post held since each unit's levels were last read.
    fte_held: Vec<f64>,
    ledgers: Vec<Ledger>,
    unit_of_borough: Vec<Option<usize>>,
}

impl<const N: usize> StaffedUnits<N> {
    /// Units of staff `role`, each given as the boroughs it serves and its
    /// staff establishment (FTE), at their starting staffing; `boroughs`
    /// is the number of boroughs in the region. Each unit's staff draw
    /// from their own stream (keyed by role and unit).
    pub fn new<'c>(
        role: usize,
        units: impl IntoIterator<Item = (&'c [BoroughId], f64)>,
        boroughs: usize,
        supply: Option<SupplyConfig>,
        seed: u64,
        rep: u64,
    ) -> Self {
        let (lists, staff): (Vec<Vec<BoroughId>>, Vec<StaffPool>) = units
            .into_iter()
            .enumerate()
            .map(|(u, (served, establishment))| {
                let key = pool_key(role, u);
                let pool = StaffPool::new(establishment, supply, seed, key, rep);
                (served.to_vec(), pool)
            })
            .unzip();
        StaffedUnits {
            role,
            levels: vec![Levels::default(); staff.len()],
            fte_held: vec![0.0; staff.len()],
            ledgers: vec![Ledger::default(); staff.len()],
            unit_of_borough: unit_of_borough(boroughs, &lists),
            staff,
        }
    }

    /// The unit serving borough `b`, if any.
    pub fn unit_of(&self, b: BoroughId) -> Option<usize> {
        self.unit_of_borough.get(b.index()).copied().flatten()
    }

    /// Staff in post at unit `u`, FTE.
    pub fn fte(&self, u: usize) -> f64 {
        self.staff[u].fte
    }

    /// Integrates unit `u` up to `now`: charges its ledger for the staff
    /// held in post (at `fte_year_cost` an FTE-year) and the running cost
    /// (`per_year`) since it was last observed, and holds `next` (the
    /// service's levels) and the staff in post now from then on. Returns
    /// the levels held, the ticks they were held for, and the ledger, for
    /// the service's own charges (the staff it needed, its activity).
    pub fn observe(
        &mut self,
        u: usize,
        now: u64,
        next: [f64; N],
        fte_year_cost: f64,
        per_year: f64,
    ) -> ([f64; N], f64, &mut Ledger) {
        let (held, dt) = self.levels[u].advance(now, next);
        let fte = std::mem::replace(&mut self.fte_held[u], self.staff[u].fte);
        let ledger = &mut self.ledgers[u];
        ledger.staff_in_post(self.role, fte, fte_year_cost, dt);
        ledger.programme(per_year, dt);
        (held, dt, ledger)
    }

    /// Unit `u`'s ledger this year.
    pub fn ledger(&mut self, u: usize) -> &mut Ledger {
        &mut self.ledgers[u]
    }

    /// New establishments (one per unit, in order) and supply dynamics
    /// (an intervention).
    pub fn replan(
        &mut self,
        establishments: impl IntoIterator<Item = f64>,
        supply: Option<SupplyConfig>,
    ) {
        for (pool, establishment) in self.staff.iter_mut().zip(establishments) {
            pool.replan(establishment, supply);
        }
    }

    /// One month of staff supply.
    pub fn step_month(&mut self) {
        self.staff.iter_mut().for_each(StaffPool::step_month);
    }

    /// Staff and costs of every unit this year.
    pub fn ledgers(&self) -> &[Ledger] {
        &self.ledgers
    }

    /// Starts a new year's ledgers.
    pub fn reset_year(&mut self) {
        self.ledgers.fill(Ledger::default());
    }

    /// Writes the region's FTE demand, supply and gap for the units' role
    /// as `metrics` (in that order).
    pub fn write_region(&self, out: &mut YearOut, metrics: [usize; 3]) {
        write_region_role(out, &self.ledgers, self.role, metrics);
    }
}
