//! Clinical coaching in cohorts: coaches work with one cohort of community
//! organisations of an area each year — long-term care homes, or family
//! health teams, community health centres and home care. An
//! organisation's palliative capability rises linearly over its coaching
//! year from 0 to 1, then halves every `half_life_years` unless a
//! refresher restores it. Every resident of a coached area belongs to one
//! organisation of the setting that serves them (care-home residents to a
//! home, everyone else to a community organisation), by a draw keyed on
//! the person, so the same person belongs to the same organisation in
//! every option. Capability, when a person's need begins, identifies more
//! of the need and earlier and gives more people an Urgent Care Plan; at
//! a crisis or in the last days it lowers the chance of a hospital
//! transfer. Coaches cost their yearly cost in each year a cohort is
//! coached (a programme cost).
//!
//! Capability is computed from the roll-out schedule, not stored per
//! organisation: organisations are coached in order, cohort by cohort, so
//! organisation `k` belongs to the first cohort whose running total
//! exceeds `k`.

use super::ids::{Area, BoroughId, borough_ids};
use super::metrics::{DAYS_PER_YEAR, Ledger, YEAR, YearOut};
use crate::engine::rng::{Purpose, keyed_uniform};
use crate::engine::time::DAY;
use crate::scenario::community::CoachingSetting;
use crate::scenario::types::Scenario;

crate::metric_table! {
    /// Clinical coaching metrics.
    pub enum CoachingMetric {
        coached_people: B, "People whose organisation (care home or community organisation) had been coached when their need began.";
        coaching_organisations_started: R, "Organisations whose coaching year had started by the end of the year (cumulative).";
        coaching_capability_mean: R, "Mean palliative capability of the coached areas' organisations over the year (0: none, 1: fully coached), coached or not.";
        coaches: R, "Coaches employed in the year (those of entries with a cohort that year).";
    }
}

/// One cohort: organisations up to `upto` (running total) start their
/// coaching year at `start` ticks (may be before the run).
#[derive(Debug, Clone, Copy)]
struct Cohort {
    upto: u32,
    start: f64,
}

/// One coaching entry, compiled.
#[derive(Debug, Clone)]
pub struct CoachingConfig {
    /// Name.
    pub name: String,
    /// Boroughs served.
    pub boroughs: Vec<BoroughId>,
    /// Which organisations it coaches.
    pub setting: CoachingSetting,
    /// Organisations of the setting in the boroughs.
    pub organisations: u32,
    cohorts: Vec<Cohort>,
    /// Years (calendar) with a cohort.
    years: Vec<i32>,
    /// Coaches employed in a year with a cohort.
    pub coaches: f64,
    /// Yearly cost of a coach.
    pub cost_per_coach_year: f64,
    /// Ticks for capability to halve (infinite: no decay).
    half_life: f64,
    /// Ticks between refreshers (infinite: none).
    refresher: f64,
    /// Reach uplift at full capability.
    pub reach_uplift: f64,
    /// Ticks earlier at full capability.
    pub earlier: f64,
    /// Urgent Care Plan uplift at full capability.
    pub ucp_uplift: f64,
    /// Relative chance of a hospital transfer at full capability.
    pub transfer_rr: f64,
    /// First reported calendar year and the warm-up, to place cohorts.
    start_year: i32,
    warmup: u64,
}

impl CoachingConfig {
    /// Every entry of a validated scenario.
    pub fn compile(s: &Scenario) -> Vec<CoachingConfig> {
        let e = &s.coaching_effects;
        let years_ticks = |y: f64| {
            if y > 0.0 {
                y * YEAR as f64
            } else {
                f64::INFINITY
            }
        };
        let warmup = s.scenario.warmup_days as u64 * DAY;
        s.coaching
            .iter()
            .map(|k| {
                let mut upto = 0;
                let mut cohorts = Vec::new();
                let mut years = Vec::new();
                // Years sort as numbers, not as text.
                let mut by_year: Vec<(i32, u32)> = (k.cohorts.iter())
                    .filter_map(|(y, n)| Some((y.parse().ok()?, n.get())))
                    .collect();
                by_year.sort();
                for (year, n) in by_year {
                    upto += n;
                    let offset = (year - s.scenario.start_year) as f64 * YEAR as f64;
                    cohorts.push(Cohort {
                        upto,
                        start: warmup as f64 + offset,
                    });
                    if n > 0 {
                        years.push(year);
                    }
                }
                CoachingConfig {
                    name: k.name.clone(),
                    boroughs: borough_ids(s, &k.boroughs),
                    setting: k.setting,
                    organisations: k.organisations.get(),
                    cohorts,
                    years,
                    coaches: k.coaches.get(),
                    cost_per_coach_year: k.cost_per_coach_year.get(),
                    half_life: years_ticks(e.half_life_years.get()),
                    refresher: years_ticks(e.refresher_every_years.get()),
                    reach_uplift: e.reach_uplift.get(),
                    earlier: e.identified_earlier_days.get() * DAY as f64,
                    ucp_uplift: e.ucp_uplift.get(),
                    transfer_rr: e.transfer_rr.get(),
                    start_year: s.scenario.start_year,
                    warmup,
                }
            })
            .collect()
    }

    /// The capability (0–1) at `now` ticks of an organisation whose
    /// coaching year started at `start`: a linear rise over the coaching
    /// year, then halving every half-life since the coaching year or the
    /// last refresher.
    fn capability_since(&self, start: f64, now: f64) -> f64 {
        let d = now - start;
        if d < 0.0 {
            return 0.0;
        }
        let year = YEAR as f64;
        if d < year {
            return d / year;
        }
        let mut since = d - year;
        if self.refresher.is_finite() {
            since %= self.refresher;
        }
        if self.half_life.is_finite() {
            0.5_f64.powf(since / self.half_life)
        } else {
            1.0
        }
    }

    /// The capability of organisation `org` at `now` ticks.
    pub fn capability(&self, org: u32, now: u64) -> f64 {
        self.cohorts
            .iter()
            .find(|c| org < c.upto)
            .map_or(0.0, |c| self.capability_since(c.start, now as f64))
    }

    /// Mean capability of every organisation at `now` ticks.
    fn mean_capability(&self, now: u64) -> f64 {
        let mut before = 0;
        let mut sum = 0.0;
        for c in &self.cohorts {
            let n = c.upto - before;
            before = c.upto;
            sum += n as f64 * self.capability_since(c.start, now as f64);
        }
        sum / self.organisations.max(1) as f64
    }

    /// Organisations whose coaching year started before `now` ticks.
    fn started(&self, now: u64) -> u32 {
        (self.cohorts.iter())
            .filter(|c| c.start < now as f64)
            .map(|c| c.upto)
            .max()
            .unwrap_or(0)
    }

    /// Coaches employed in the calendar year that contains `tick`.
    fn coaches_at(&self, tick: u64) -> f64 {
        let rel = tick as i64 - self.warmup as i64;
        let year = self.start_year + rel.div_euclid(YEAR as i64) as i32;
        if self.years.contains(&year) {
            self.coaches
        } else {
            0.0
        }
    }

    /// The relative chance of a hospital transfer at capability `c`.
    pub fn transfer_rr_at(&self, c: f64) -> f64 {
        1.0 - c * (1.0 - self.transfer_rr)
    }
}

/// A person's organisation: (entry, organisation).
type Membership = (u16, u32);

const NONE: Membership = (u16::MAX, 0);

/// Coaching of one replication: who belongs to which organisation, the
/// people reached and the coaches' costs.
#[derive(Debug)]
pub struct Coaching {
    /// Entry by borough, for care-home residents and for everyone else.
    care_home_entry: Vec<Option<usize>>,
    community_entry: Vec<Option<usize>>,
    members: Vec<Membership>,
    coached_people: Vec<u64>,
    ledgers: Vec<Ledger>,
    coaches_area: f64,
    since: u64,
    /// The last time levels were integrated (the year's end at writing).
    now: u64,
    seed: u64,
    rep: u64,
}

impl Coaching {
    /// No one coached yet.
    pub fn new(cfg: &[CoachingConfig], boroughs: usize, seed: u64, rep: u64) -> Self {
        let mut care_home_entry = vec![None; boroughs];
        let mut community_entry = vec![None; boroughs];
        for (u, c) in cfg.iter().enumerate() {
            let list = match c.setting {
                CoachingSetting::CareHome => &mut care_home_entry,
                CoachingSetting::Community => &mut community_entry,
            };
            for b in &c.boroughs {
                list[b.index()].get_or_insert(u);
            }
        }
        Coaching {
            care_home_entry,
            community_entry,
            members: Vec::new(),
            coached_people: vec![0; boroughs],
            ledgers: vec![Ledger::default(); cfg.len()],
            coaches_area: 0.0,
            since: 0,
            now: 0,
            seed,
            rep,
        }
    }

    /// The organisation of a person of `b` with key `key` (`resident`: a
    /// care-home resident), if coaching covers them: a draw keyed on the
    /// person, each organisation equally likely.
    pub fn organisation_of(
        &self,
        b: BoroughId,
        resident: bool,
        key: u64,
        cfg: &[CoachingConfig],
    ) -> Option<Membership> {
        let entries = if resident {
            &self.care_home_entry
        } else {
            &self.community_entry
        };
        let u = entries.get(b.index()).copied().flatten()?;
        let draw = keyed_uniform(
            self.seed,
            Purpose::new("coaching.organisation", 0),
            self.rep,
            key,
        );
        let n = cfg[u].organisations.max(1);
        Some((u as u16, ((draw * n as f64) as u32).min(n - 1)))
    }

    /// The capability of organisation `m` at `now`.
    pub fn capability(m: Membership, now: u64, cfg: &[CoachingConfig]) -> f64 {
        cfg[m.0 as usize].capability(m.1, now)
    }

    /// A person of `b` whose organisation had `capability` when their
    /// need began: counted as reached if it had any.
    pub fn count_person(&mut self, b: BoroughId, capability: f64) {
        if capability > 0.0 {
            self.coached_people[b.index()] += 1;
        }
    }

    /// Person `slot` (simulated) belongs to organisation `m`.
    pub fn join(&mut self, slot: usize, m: Membership) {
        if slot >= self.members.len() {
            self.members.resize(slot + 1, NONE);
        }
        self.members[slot] = m;
    }

    /// The relative chance that person `slot`'s crisis or last days end in
    /// a hospital transfer at `now` (1 unless their organisation is coached).
    pub fn transfer_rr(&self, slot: usize, now: u64, cfg: &[CoachingConfig]) -> f64 {
        match self.members.get(slot) {
            Some(&m) if m != NONE => {
                let c = &cfg[m.0 as usize];
                c.transfer_rr_at(c.capability(m.1, now))
            }
            _ => 1.0,
        }
    }

    /// Person `slot` died.
    pub fn leave(&mut self, slot: usize) {
        if let Some(m) = self.members.get_mut(slot) {
            *m = NONE;
        }
    }

    /// Integrates the coaches' cost up to `now`. Called at every year
    /// boundary, so a stretch lies within one calendar year.
    pub fn flush(&mut self, now: u64, cfg: &[CoachingConfig]) {
        let dt = now.saturating_sub(self.since) as f64;
        for (u, c) in cfg.iter().enumerate() {
            let coaches = c.coaches_at(self.since);
            self.ledgers[u].programme(coaches * c.cost_per_coach_year, dt);
            self.coaches_area += coaches * dt;
        }
        self.since = now;
        self.now = now;
    }

    /// The coaches' costs this year, by entry.
    pub fn ledgers(&self) -> &[Ledger] {
        &self.ledgers
    }

    /// Writes this year's rows (the year ends at the last flush).
    pub fn write_year(&self, cfg: &[CoachingConfig], out: &mut YearOut) {
        use CoachingMetric::*;
        for b in out.boroughs() {
            out.put(
                Area::Borough(b),
                coached_people as usize,
                self.coached_people[b.index()] as f64,
            );
        }
        let total: u64 = self.coached_people.iter().sum();
        out.put(Area::All, coached_people as usize, total as f64);
        let started: u32 = cfg.iter().map(|c| c.started(self.now)).sum();
        out.put(
            Area::All,
            coaching_organisations_started as usize,
            started as f64,
        );
        // The year's mean capability, from a value at the middle of each
        // week, weighted by organisations.
        let year_start = self.now.saturating_sub(YEAR);
        let weeks = DAYS_PER_YEAR / 7;
        let organisations: f64 = cfg.iter().map(|c| c.organisations as f64).sum();
        let mut sum = 0.0;
        for w in 0..weeks {
            let t = year_start + (w * 7 * DAY) + 7 * DAY / 2;
            for c in cfg {
                sum += c.mean_capability(t) * c.organisations as f64;
            }
        }
        let mean = sum / weeks as f64 / organisations.max(1.0);
        out.put(Area::All, coaching_capability_mean as usize, mean);
        out.put(Area::All, coaches as usize, self.coaches_area / YEAR as f64);
    }

    /// Starts a new year.
    pub fn reset_year(&mut self) {
        self.coached_people.fill(0);
        self.ledgers.fill(Ledger::default());
        self.coaches_area = 0.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(half_life_years: f64, refresher_years: f64) -> CoachingConfig {
        let year = YEAR as f64;
        CoachingConfig {
            name: "t".into(),
            boroughs: vec![],
            setting: CoachingSetting::CareHome,
            organisations: 10,
            cohorts: vec![
                Cohort {
                    upto: 5,
                    start: 0.0,
                },
                Cohort {
                    upto: 8,
                    start: year,
                },
            ],
            years: vec![2025, 2026],
            coaches: 1.0,
            cost_per_coach_year: 1.0,
            half_life: if half_life_years > 0.0 {
                half_life_years * year
            } else {
                f64::INFINITY
            },
            refresher: if refresher_years > 0.0 {
                refresher_years * year
            } else {
                f64::INFINITY
            },
            reach_uplift: 0.0,
            earlier: 0.0,
            ucp_uplift: 0.0,
            transfer_rr: 0.5,
            start_year: 2025,
            warmup: 0,
        }
    }

    #[test]
    fn capability_ramps_over_the_coaching_year_then_halves_each_half_life() {
        let c = config(2.0, 0.0);
        let y = YEAR;
        assert_eq!(c.capability(0, 0), 0.0);
        assert!((c.capability(0, y / 2) - 0.5).abs() < 1e-9);
        assert!((c.capability(0, y) - 1.0).abs() < 1e-9);
        assert!((c.capability(0, 3 * y) - 0.5).abs() < 1e-9);
        assert!((c.capability(0, 5 * y) - 0.25).abs() < 1e-9);
        // The second cohort starts a year later; organisation 9 is never coached.
        assert_eq!(c.capability(6, y), 0.0);
        assert!((c.capability(6, 2 * y) - 1.0).abs() < 1e-9);
        assert_eq!(c.capability(9, 4 * y), 0.0);
        assert!((c.transfer_rr_at(1.0) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn a_refresher_restores_capability() {
        let c = config(1.0, 2.0);
        let y = YEAR;
        assert!((c.capability(0, 2 * y) - 0.5).abs() < 1e-9);
        assert!((c.capability(0, 3 * y) - 1.0).abs() < 1e-9);
    }
}
