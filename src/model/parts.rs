//! Parts of a region: groups of boroughs that share no service, so that a
//! replication can run each group's events on its own event list between
//! the region's calendar events (year boundaries, the monthly workforce
//! step, interventions).
//!
//! Two boroughs are in the same part when any service unit serves both:
//! a hospice site in both boroughs' bed order (catchment and overflow), an
//! advice line, a day hospice, an out-patient clinic, a psychological
//! support service, a caring community, a care-coordination entry or a
//! care-home entry listing both. Every phase of the plan counts (an
//! intervention cannot move a borough, but the union is taken anyway).
//! A unit that serves no borough belongs to part 0. A new service whose
//! units serve several boroughs must join them here (`join_phase`), or
//! its units' events would see other parts' boroughs out of time order.
//!
//! What crosses parts is region-wide and never feeds back into a part's
//! events: bereavement support (a sink fed by referrals in time order) and
//! the region's in-patient occupancy distribution (fed by site changes in
//! time order), both caught up at each calendar event. Region rows add up
//! per-borough and per-unit tallies in order. So a part's events see
//! exactly what they would in one event list, and results do not depend
//! on how a region falls into parts, bit for bit.
//!
//! The NW London baseline is one part (its hospices' overflow joins every
//! borough); the national scenario has a part per Integrated Care Board.

use super::config::CareConfig;
use super::ids::BoroughId;

/// Which part each borough and each unit with events of its own (lines,
/// clinics, psychological support services) belongs to. Sites have no
/// events of their own: a site's events are its patients'.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts {
    count: usize,
    borough: Vec<u16>,
    line: Vec<u16>,
    clinic: Vec<u16>,
    psych: Vec<u16>,
}

impl Parts {
    /// The finest split of `cfg` (all its phases) into parts.
    pub fn of(cfg: &CareConfig) -> Parts {
        let mut joined = Joined::new(cfg.boroughs.len());
        for phase in std::iter::once(cfg).chain(cfg.changes.iter().map(|(_, c)| &**c)) {
            join_phase(&mut joined, phase);
        }
        Parts::from_roots(cfg, |b| joined.root(b))
    }

    /// No parts (a placeholder while a plan is compiled).
    pub(super) fn empty() -> Parts {
        Parts {
            count: 1,
            borough: Vec::new(),
            line: Vec::new(),
            clinic: Vec::new(),
            psych: Vec::new(),
        }
    }

    /// One part holding everything: the whole region on one event list.
    pub fn whole(cfg: &CareConfig) -> Parts {
        Parts::from_roots(cfg, |_| 0)
    }

    /// Parts numbered in order of their first borough.
    fn from_roots(cfg: &CareConfig, mut root: impl FnMut(usize) -> usize) -> Parts {
        let mut number = vec![u16::MAX; cfg.boroughs.len()];
        let mut count = 0;
        let borough: Vec<u16> = (0..cfg.boroughs.len())
            .map(|b| {
                let r = root(b);
                if number[r] == u16::MAX {
                    number[r] = count;
                    count += 1;
                }
                number[r]
            })
            .collect();
        let first = |list: &[BoroughId]| list.first().map_or(0, |b| borough[b.index()]);
        let mut line = vec![0; cfg.lines.len()];
        for (b, c) in cfg.boroughs.iter().enumerate().rev() {
            if let Some(l) = c.line {
                line[l.index()] = borough[b];
            }
        }
        Parts {
            count: (count as usize).max(1),
            line,
            clinic: cfg.clinics.iter().map(|c| first(&c.boroughs)).collect(),
            psych: cfg.psych.iter().map(|c| first(&c.boroughs)).collect(),
            borough,
        }
    }

    /// Whether these parts were made for a plan of `cfg`'s shape (as many
    /// boroughs, lines, clinics and psychological support services).
    pub fn fits(&self, cfg: &CareConfig) -> bool {
        self.borough.len() == cfg.boroughs.len()
            && self.line.len() == cfg.lines.len()
            && self.clinic.len() == cfg.clinics.len()
            && self.psych.len() == cfg.psych.len()
    }

    /// Number of parts (at least one).
    pub fn count(&self) -> usize {
        self.count
    }

    /// The part of borough `b`.
    pub fn of_borough(&self, b: BoroughId) -> usize {
        self.borough[b.index()] as usize
    }

    /// The part of advice line `l`.
    pub fn of_line(&self, l: usize) -> usize {
        self.line[l] as usize
    }

    /// The part of out-patient clinic `c`.
    pub fn of_clinic(&self, c: usize) -> usize {
        self.clinic[c] as usize
    }

    /// The part of psychological support service `u`.
    pub fn of_psych(&self, u: usize) -> usize {
        self.psych[u] as usize
    }
}

/// Every unit of one phase joins the boroughs it serves.
fn join_phase(joined: &mut Joined, cfg: &CareConfig) {
    let mut site_first: Vec<Option<usize>> = vec![None; cfg.sites.len()];
    let mut line_first: Vec<Option<usize>> = vec![None; cfg.lines.len()];
    for (b, c) in cfg.boroughs.iter().enumerate() {
        for s in &c.site_order {
            let first = *site_first[s.index()].get_or_insert(b);
            joined.join(first, b);
        }
        if let Some(l) = c.line {
            let first = *line_first[l.index()].get_or_insert(b);
            joined.join(first, b);
        }
    }
    let lists = (cfg.day_hospice.iter().map(|u| &u.boroughs))
        .chain(cfg.clinics.iter().map(|u| &u.boroughs))
        .chain(cfg.psych.iter().map(|u| &u.boroughs))
        .chain(cfg.caring.iter().map(|u| &u.boroughs))
        .chain(cfg.coordination.iter().map(|u| &u.boroughs))
        .chain(cfg.care_homes.iter().map(|u| &u.boroughs));
    for list in lists {
        for pair in list.windows(2) {
            joined.join(pair[0].index(), pair[1].index());
        }
    }
}

/// Boroughs joined so far (union–find with path halving).
struct Joined(Vec<usize>);

impl Joined {
    fn new(n: usize) -> Self {
        Joined((0..n).collect())
    }

    fn root(&mut self, mut b: usize) -> usize {
        while self.0[b] != b {
            self.0[b] = self.0[self.0[b]];
            b = self.0[b];
        }
        b
    }

    fn join(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.root(a), self.root(b));
        // The smaller root wins, so roots do not depend on join order.
        let (keep, drop) = (ra.min(rb), ra.max(rb));
        self.0[drop] = keep;
    }
}
