//! Long-term care homes as a setting with beds and residents. The people
//! of the population segment a `[[care_home]]` entry names who live in its
//! boroughs are its residents: from the onset of their palliative-care
//! need each holds one of the entry's beds until they die, or waits for
//! one (in the community, first come first served) when every bed is
//! taken; a person waiting who dies has died waiting. Residents not known
//! to the specialist service are simulated too (not only drawn): their
//! last days end in a hospital transfer with the entry's
//! `transfer_share`, lowered by their home's coaching capability; a
//! resident who stays dies in the home. Residents on a CSPC caseload
//! follow the pathway (crises, beds, their last days), and any move to
//! hospital from a care-home bed is a transfer.
//!
//! A resident keeps their bed while in hospital or a hospice bed, until
//! they die.

use super::ids::{Area, BoroughId, SegmentId, borough_ids, unit_of_borough};
use super::metrics::{BoroughCounts, Levels, YearOut, per_year, ratio_pct};
use super::person::Place;
use crate::engine::SimTime;
use crate::engine::pool::{CapacityPool, Request};
use crate::scenario::types::Scenario;

crate::metric_table! {
    /// Care-home metrics.
    pub enum CareHomeMetric {
        care_home_admissions: B, "Residents admitted to a care-home bed in the last phase of life.";
        care_home_residents_mean: B, "Time-average residents in care-home beds in their last phase of life.";
        care_home_waiting_mean: B, "Time-average people waiting for a care-home bed.";
        care_home_died_waiting: B, "People who died waiting for a care-home bed.";
        care_home_transfers: B, "Transfers of residents from a care-home bed to hospital (crises and last days).";
        care_home_resident_deaths: B, "Deaths of people admitted to a care-home bed, wherever they died.";
        care_home_deaths_in_home: B, "Of those, in the care home.";
        care_home_deaths_hospital: B, "Of those, in hospital.";
        care_home_deaths_elsewhere: B, "Of those, in a hospice or enhanced bed.";
        care_home_beds: R, "Care-home beds for residents in the last phase of life.";
        care_home_occupancy_pct: R, "Mean residents ÷ beds, %.";
    }
}

/// One care-home entry, compiled.
#[derive(Debug, Clone)]
pub struct CareHomeConfig {
    /// Name.
    pub name: String,
    /// Boroughs whose homes these are.
    pub boroughs: Vec<BoroughId>,
    /// The segment whose people live in care homes.
    pub segment: SegmentId,
    /// Beds.
    pub beds: u32,
    /// Waiting-list limit.
    pub waiting_list: usize,
    /// Share of uncoached residents' last days (not known to the service)
    /// ending in hospital.
    pub transfer_share: f64,
}

impl CareHomeConfig {
    /// Every entry of a validated scenario.
    pub fn compile(s: &Scenario) -> Vec<CareHomeConfig> {
        s.care_homes
            .iter()
            .map(|h| CareHomeConfig {
                name: h.name.clone(),
                boroughs: borough_ids(s, &h.boroughs),
                segment: SegmentId::new(
                    (s.segments.iter())
                        .position(|g| g.name == h.segment)
                        .unwrap_or(0),
                ),
                beds: h.beds.get(),
                waiting_list: h.waiting_list.get() as usize,
                transfer_share: h.transfer_share.get(),
            })
            .collect()
    }
}

crate::additive! {
    /// One borough's care homes in one year.
    pub struct CareHomeTally {
        /// Admissions.
        pub admissions: u64,
        /// Residents × ticks.
        pub residents_area: f64,
        /// Waiting × ticks.
        pub waiting_area: f64,
        /// Died waiting.
        pub died_waiting: u64,
        /// Transfers to hospital.
        pub transfers: u64,
        /// Deaths of residents: in the home, in hospital, elsewhere.
        pub deaths: [u64; 3],
    }
}

/// Where a person stands with a care home.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
enum Stage {
    /// Not a resident.
    #[default]
    None,
    /// Waiting for a bed.
    Waiting,
    /// In a bed.
    Resident,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Member {
    unit: u16,
    borough: u16,
    stage: Stage,
}

/// The care homes of one replication.
#[derive(Debug)]
pub struct CareHomes {
    pools: Vec<CapacityPool>,
    unit_levels: Vec<Levels<2>>,
    /// Each entry's resident-ticks and bed-ticks this year (added up in
    /// entry order for the region).
    occupancy_area: Vec<[f64; 2]>,
    unit_of_borough: Vec<Option<usize>>,
    members: Vec<Member>,
    counts: BoroughCounts<2>,
    tallies: Vec<CareHomeTally>,
}

impl CareHomes {
    /// Empty homes.
    pub fn new(cfg: &[CareHomeConfig], boroughs: usize) -> Self {
        let lists: Vec<Vec<BoroughId>> = cfg.iter().map(|c| c.boroughs.clone()).collect();
        CareHomes {
            pools: cfg
                .iter()
                .map(|c| CapacityPool::new(c.beds, c.waiting_list, 1))
                .collect(),
            unit_levels: vec![Levels::default(); cfg.len()],
            occupancy_area: vec![[0.0; 2]; cfg.len()],
            unit_of_borough: unit_of_borough(boroughs, &lists),
            members: Vec::new(),
            counts: BoroughCounts::new(boroughs),
            tallies: vec![CareHomeTally::default(); boroughs],
        }
    }

    /// The entry whose homes a person of `b` in segment `g` lives in, if
    /// they are a care-home resident.
    pub fn entry_for(
        &self,
        b: BoroughId,
        g: Option<SegmentId>,
        cfg: &[CareHomeConfig],
    ) -> Option<usize> {
        let u = self.unit_of_borough.get(b.index()).copied().flatten()?;
        (g == Some(cfg[u].segment)).then_some(u)
    }

    fn member(&mut self, id: usize) -> &mut Member {
        if id >= self.members.len() {
            self.members.resize(id + 1, Member::default());
        }
        &mut self.members[id]
    }

    /// Person `id` of `b` needs a bed of entry `u`: admitted, put on the
    /// list, or (list full) left in the community.
    pub fn arrive(&mut self, u: usize, id: usize, b: BoroughId, now: u64, cfg: &[CareHomeConfig]) {
        self.observe_unit(u, now, &cfg[u]);
        *self.member(id) = Member {
            unit: u as u16,
            borough: b.0,
            stage: Stage::Waiting,
        };
        match self.pools[u].request(id as u64, 0, SimTime(now)) {
            Request::Granted => self.admit(id, now),
            Request::Queued => self.count(b, now, [0, 1]),
            Request::Refused => self.members[id] = Member::default(),
        }
        self.observe_unit(u, now, &cfg[u]);
    }

    fn admit(&mut self, id: usize, now: u64) {
        let m = &mut self.members[id];
        m.stage = Stage::Resident;
        let b = BoroughId(m.borough);
        self.tallies[b.index()].admissions += 1;
        self.count(b, now, [1, 0]);
    }

    fn count(&mut self, b: BoroughId, now: u64, delta: [i32; 2]) {
        let ([residents, waiting], dt) = self.counts.change(b, now, delta);
        let t = &mut self.tallies[b.index()];
        t.residents_area += residents * dt;
        t.waiting_area += waiting * dt;
    }

    /// Whether person `id` is in a care-home bed.
    pub fn in_bed(&self, id: usize) -> bool {
        self.members
            .get(id)
            .is_some_and(|m| m.stage == Stage::Resident)
    }

    /// The entry of person `id`'s bed, if they have one.
    pub fn bed_entry(&self, id: usize) -> Option<usize> {
        (self.in_bed(id)).then(|| self.members[id].unit as usize)
    }

    /// A resident in a bed was transferred to hospital.
    pub fn count_transfer(&mut self, id: usize) {
        if let Some(m) = self.members.get(id).filter(|m| m.stage == Stage::Resident) {
            self.tallies[m.borough as usize].transfers += 1;
        }
    }

    /// Person `id` died at `place`: a resident's bed goes to the next
    /// person waiting; a person waiting died waiting.
    pub fn leave(&mut self, id: usize, place: Place, now: u64, cfg: &[CareHomeConfig]) {
        let Some(m) = self.members.get(id).copied() else {
            return;
        };
        let (u, b) = (m.unit as usize, BoroughId(m.borough));
        match m.stage {
            Stage::None => return,
            Stage::Waiting => {
                self.observe_unit(u, now, &cfg[u]);
                self.pools[u].renege(id as u64);
                self.tallies[b.index()].died_waiting += 1;
                self.count(b, now, [0, -1]);
            }
            Stage::Resident => {
                self.observe_unit(u, now, &cfg[u]);
                let k = match place {
                    Place::CareHome | Place::Home => 0,
                    Place::Hospital => 1,
                    Place::Hospice | Place::EnhancedBed => 2,
                };
                self.tallies[b.index()].deaths[k] += 1;
                self.count(b, now, [-1, 0]);
                if let Some(next) = self.pools[u].release() {
                    let nb = BoroughId(self.members[next.id as usize].borough);
                    self.count(nb, now, [0, -1]);
                    self.admit(next.id as usize, now);
                }
            }
        }
        self.members[id] = Member::default();
        self.observe_unit(u, now, &cfg[u]);
    }

    fn observe_unit(&mut self, u: usize, now: u64, c: &CareHomeConfig) {
        let next = [self.pools[u].busy() as f64, c.beds as f64];
        let ([residents, beds], dt) = self.unit_levels[u].advance(now, next);
        self.occupancy_area[u][0] += residents * dt;
        self.occupancy_area[u][1] += beds * dt;
    }

    /// Integrates every level up to `now`.
    pub fn flush(&mut self, now: u64, cfg: &[CareHomeConfig]) {
        for (u, c) in cfg.iter().enumerate() {
            self.observe_unit(u, now, c);
        }
        for b in self.counts.boroughs() {
            self.count(b, now, [0, 0]);
        }
    }

    /// Writes this year's rows.
    pub fn write_year(&self, out: &mut YearOut) {
        for b in out.boroughs() {
            write(out, Area::Borough(b), &self.tallies[b.index()]);
        }
        write(out, Area::All, &CareHomeTally::sum(&self.tallies));
        use CareHomeMetric::*;
        let [residents, beds] =
            (self.occupancy_area.iter()).fold([0.0; 2], |[r, b], [ur, ub]| [r + ur, b + ub]);
        out.put(Area::All, care_home_beds as usize, per_year(beds));
        out.put(
            Area::All,
            care_home_occupancy_pct as usize,
            ratio_pct(residents, beds),
        );
    }

    /// Starts a new year.
    pub fn reset_year(&mut self) {
        self.tallies.fill(CareHomeTally::default());
        self.occupancy_area.fill([0.0; 2]);
    }
}

fn write(out: &mut YearOut, area: Area, t: &CareHomeTally) {
    use CareHomeMetric::*;
    let values = [
        (care_home_admissions, t.admissions as f64),
        (care_home_residents_mean, per_year(t.residents_area)),
        (care_home_waiting_mean, per_year(t.waiting_area)),
        (care_home_died_waiting, t.died_waiting as f64),
        (care_home_transfers, t.transfers as f64),
        (
            care_home_resident_deaths,
            t.deaths.iter().sum::<u64>() as f64,
        ),
        (care_home_deaths_in_home, t.deaths[0] as f64),
        (care_home_deaths_hospital, t.deaths[1] as f64),
        (care_home_deaths_elsewhere, t.deaths[2] as f64),
    ];
    for (m, v) in values {
        out.put(area, m as usize, v);
    }
}
