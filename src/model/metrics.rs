//! How the care model reports: the shape of a metric table, the per-year
//! output buffer services write their rows into, and the additive ledgers
//! (staff and costs) every service keeps for the areas it serves.
//!
//! Each service module declares its own metrics with
//! [`metric_table!`](crate::metric_table): an
//! enum whose variant names *are* the metric names, so a misspelt metric
//! does not compile (`IpuMetric::ipu_occupancy_pct.name()`). The full table
//! in output order is assembled in [`services`](super::services).
//!
//! Tallies hold additive raw sums (counts, waits in seconds, level ×
//! clock-tick integrals) and are reset at every year boundary (the first at
//! the end of the warm-up), so nothing from the warm-up is reported.

use super::ids::{Area, BoroughId, LineId, SegmentId, SiteId};
use super::workforce::ROLE_COUNT;
use crate::engine::time::{DAY, SECOND};

/// Days in a simulated year (leap days are ignored).
pub const DAYS_PER_YEAR: u64 = 365;
/// Clock ticks in a simulated year.
pub const YEAR: u64 = DAYS_PER_YEAR * DAY;

/// Which kinds of area a metric is reported for (`ALL` always).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    /// Boroughs (by residence).
    pub borough: bool,
    /// Hospice in-patient sites.
    pub site: bool,
    /// Advice lines.
    pub line: bool,
    /// Population segments (region-wide).
    pub segment: bool,
}

impl Scope {
    /// Boroughs.
    pub const B: Scope = Scope::of(true, false, false, false);
    /// Boroughs and population segments.
    pub const BG: Scope = Scope::of(true, false, false, true);
    /// Sites.
    pub const S: Scope = Scope::of(false, true, false, false);
    /// Lines.
    pub const L: Scope = Scope::of(false, false, true, false);
    /// Boroughs and sites.
    pub const BS: Scope = Scope::of(true, true, false, false);
    /// Boroughs and lines.
    pub const BL: Scope = Scope::of(true, false, true, false);
    /// Boroughs, sites and lines.
    pub const BSL: Scope = Scope::of(true, true, true, false);
    /// The region only.
    pub const R: Scope = Scope::of(false, false, false, false);

    const fn of(borough: bool, site: bool, line: bool, segment: bool) -> Scope {
        Scope {
            borough,
            site,
            line,
            segment,
        }
    }

    /// Whether a metric with this scope is reported for `kind`.
    pub fn covers(&self, kind: AreaKind) -> bool {
        match kind {
            AreaKind::Borough => self.borough,
            AreaKind::Site => self.site,
            AreaKind::Line => self.line,
            AreaKind::Segment => self.segment,
            AreaKind::All => true,
        }
    }
}

/// The kinds of area results are reported for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AreaKind {
    /// A borough.
    Borough,
    /// A hospice in-patient site.
    Site,
    /// An advice line.
    Line,
    /// A population segment (region-wide).
    Segment,
    /// The whole region (`ALL`).
    All,
}

/// One metric: its column name, the areas it is reported for, its definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricDef {
    /// Name in the output files.
    pub name: &'static str,
    /// Kinds of area reported.
    pub scope: Scope,
    /// Definition (the README's metric table).
    pub doc: &'static str,
}

/// Declares a service's metrics: an enum whose variants are the metric
/// names (so code names a metric by a checked identifier, never a string)
/// and the table of their definitions, in output order.
#[macro_export]
macro_rules! metric_table {
    ($(#[$m:meta])* $vis:vis enum $name:ident { $($id:ident: $scope:ident, $doc:literal;)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[allow(non_camel_case_types)]
        $vis enum $name { $(#[doc = $doc] $id,)* }

        impl $name {
            /// Every metric of this table, in output order.
            pub const ALL: &'static [$name] = &[$($name::$id,)*];
            /// Definitions, in output order.
            pub const TABLE: &'static [$crate::model::metrics::MetricDef] = &[$(
                $crate::model::metrics::MetricDef {
                    name: stringify!($id),
                    scope: $crate::model::metrics::Scope::$scope,
                    doc: $doc,
                },
            )*];
            /// The metric's name in the output files.
            pub const fn name(self) -> &'static str {
                Self::TABLE[self as usize].name
            }
        }
    };
}

/// One year's values of every area and metric (`[area][metric]`), written
/// by the services; each writes only the metrics it owns, at the offset the
/// registry gives it.
#[derive(Debug)]
pub struct YearOut<'v> {
    values: &'v mut [f64],
    metrics: usize,
    offset: usize,
    table: &'static [MetricDef],
    boroughs: usize,
    sites: usize,
    lines: usize,
    segments: usize,
}

impl<'v> YearOut<'v> {
    /// A writer over one year's values for `boroughs`, `sites`, `lines`,
    /// `segments` and the region, `metrics` per area.
    pub fn new(
        values: &'v mut [f64],
        metrics: usize,
        (boroughs, sites, lines, segments): (usize, usize, usize, usize),
    ) -> Self {
        YearOut {
            values,
            metrics,
            offset: 0,
            table: &[],
            boroughs,
            sites,
            lines,
            segments,
        }
    }

    /// Writes for the service whose table starts at `offset`.
    pub fn section(&mut self, offset: usize, table: &'static [MetricDef]) -> &mut Self {
        self.offset = offset;
        self.table = table;
        self
    }

    fn area_index(&self, area: Area) -> (usize, AreaKind) {
        match area {
            Area::Borough(b) => (b.index(), AreaKind::Borough),
            Area::Site(s) => (self.boroughs + s.index(), AreaKind::Site),
            Area::Line(l) => (self.boroughs + self.sites + l.index(), AreaKind::Line),
            Area::Segment(g) => (
                self.boroughs + self.sites + self.lines + g.index(),
                AreaKind::Segment,
            ),
            Area::All => (
                self.boroughs + self.sites + self.lines + self.segments,
                AreaKind::All,
            ),
        }
    }

    /// Sets metric `local` (its index in the current section's table) of
    /// `area`, if the metric is reported for that kind of area.
    pub fn put(&mut self, area: Area, local: usize, value: f64) {
        let (a, kind) = self.area_index(area);
        if self.table[local].scope.covers(kind) {
            self.values[a * self.metrics + self.offset + local] = value;
        }
    }

    /// Boroughs in the plan.
    pub fn boroughs(&self) -> impl Iterator<Item = BoroughId> + use<> {
        BoroughId::all(self.boroughs)
    }

    /// Sites in the plan.
    pub fn sites(&self) -> impl Iterator<Item = SiteId> + use<> {
        SiteId::all(self.sites)
    }

    /// Lines in the plan.
    pub fn lines(&self) -> impl Iterator<Item = LineId> + use<> {
        LineId::all(self.lines)
    }

    /// Population segments in the plan.
    pub fn segments(&self) -> impl Iterator<Item = SegmentId> + use<> {
        SegmentId::all(self.segments)
    }
}

/// Field-by-field addition, for tallies summed over areas.
pub trait AddTo {
    /// Adds `other` into `self`.
    fn add_to(&mut self, other: &Self);
}
impl AddTo for u64 {
    fn add_to(&mut self, o: &Self) {
        *self += o;
    }
}
impl AddTo for f64 {
    fn add_to(&mut self, o: &Self) {
        *self += o;
    }
}
impl<T: AddTo, const N: usize> AddTo for [T; N] {
    fn add_to(&mut self, o: &Self) {
        self.iter_mut().zip(o).for_each(|(a, b)| a.add_to(b));
    }
}

/// Declares an additive tally: a struct of counts and sums with
/// field-by-field `add` and a `sum` over areas.
#[macro_export]
macro_rules! additive {
    ($(#[$m:meta])* pub struct $name:ident { $($(#[$fm:meta])* pub $field:ident : $ty:ty,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct $name { $($(#[$fm])* pub $field: $ty,)* }
        impl $crate::model::metrics::AddTo for $name {
            fn add_to(&mut self, o: &Self) {
                $( $crate::model::metrics::AddTo::add_to(&mut self.$field, &o.$field); )*
            }
        }
        impl $name {
            /// The field-by-field sum of `tallies`.
            #[allow(dead_code)]
            pub fn sum<'t>(tallies: impl IntoIterator<Item = &'t $name>) -> $name {
                let mut all = $name::default();
                for t in tallies {
                    $crate::model::metrics::AddTo::add_to(&mut all, t);
                }
                all
            }
        }
    };
}

additive! {
    /// Workforce demand and supply (FTE × ticks, by role) and staff cost
    /// of one area.
    pub struct Staffing {
        /// Demand.
        pub demand_area: [f64; ROLE_COUNT],
        /// Supply.
        pub supply_area: [f64; ROLE_COUNT],
        /// Staff cost.
        pub cost: f64,
    }
}

additive! {
    /// The costs of one area, by kind.
    pub struct Costs {
        /// Capacity available (beds, slots, places), used or not.
        pub beds: f64,
        /// Activity: bed-days used, care hours, calls, visits, sessions.
        pub activity: f64,
        /// Yearly programme costs while in force.
        pub programmes: f64,
    }
}

additive! {
    /// What a service spends and needs in one area: staff and costs. The
    /// cross-service metrics (`cost_*`, `fte_short_roles`,
    /// `fte_shortfall_total`) sum these over services.
    pub struct Ledger {
        /// Staff demand, supply and cost.
        pub staff: Staffing,
        /// Other costs.
        pub costs: Costs,
    }
}

impl Ledger {
    /// `fte` staff of `role` in post for `dt` ticks at `fte_year_cost` a
    /// year: their supply and their cost.
    pub fn staff_in_post(&mut self, role: usize, fte: f64, fte_year_cost: f64, dt: f64) {
        self.staff.supply_area[role] += fte * dt;
        self.staff.cost += fte * fte_year_cost * per_year(dt);
    }

    /// A programme costing `per_year` a year, in force for `dt` ticks.
    pub fn programme(&mut self, per_year_cost: f64, dt: f64) {
        self.costs.programmes += per_year_cost * per_year(dt);
    }
}

/// `100 × num ÷ den`, NaN when nothing was counted.
pub fn pct(num: u64, den: u64) -> f64 {
    if den == 0 {
        f64::NAN
    } else {
        100.0 * num as f64 / den as f64
    }
}

/// `100 × num ÷ den` of two integrals, NaN when `den` is 0.
pub fn ratio_pct(num: f64, den: f64) -> f64 {
    if den > 0.0 {
        100.0 * num / den
    } else {
        f64::NAN
    }
}

/// Mean in days of `n` durations summing to `seconds`, NaN when none.
pub fn mean_days(seconds: f64, n: u64) -> f64 {
    if n == 0 {
        f64::NAN
    } else {
        seconds / n as f64 / (DAY / SECOND) as f64
    }
}

/// A level integral (level × ticks over a year) as a time average.
pub fn per_year(area: f64) -> f64 {
    area / YEAR as f64
}

/// Clock ticks spent at each integer level, for exact time-weighted quantiles.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LevelHistogram {
    seconds: Vec<u64>,
}

impl LevelHistogram {
    /// A histogram with room for levels `0..=max` (it grows if needed).
    pub fn with_max(max: u32) -> Self {
        LevelHistogram {
            seconds: vec![0; max as usize + 1],
        }
    }

    /// Records `seconds` (clock ticks) spent at `level`.
    pub fn add(&mut self, level: u32, seconds: u64) {
        let i = level as usize;
        if i >= self.seconds.len() {
            self.seconds.resize(i + 1, 0);
        }
        self.seconds[i] += seconds;
    }

    /// The smallest level at or below which at least `q` of the time was
    /// spent (NaN if no time recorded).
    pub fn quantile(&self, q: f64) -> f64 {
        let total: u64 = self.seconds.iter().sum();
        if total == 0 {
            return f64::NAN;
        }
        let mut acc = 0u64;
        for (level, &s) in self.seconds.iter().enumerate() {
            acc += s;
            if acc as f64 >= q * total as f64 {
                return level as f64;
            }
        }
        (self.seconds.len() - 1) as f64
    }

    /// Forgets everything, keeping the allocation.
    pub fn clear(&mut self) {
        self.seconds.iter_mut().for_each(|s| *s = 0);
    }
}

/// A level held since a time: integrating it up to `now` gives
/// level × elapsed ticks.
#[derive(Debug, Clone, Copy)]
pub struct Levels<const N: usize> {
    /// When the values were last read.
    pub since: u64,
    /// The values held since then.
    pub values: [f64; N],
}

impl<const N: usize> Default for Levels<N> {
    fn default() -> Self {
        Levels {
            since: 0,
            values: [0.0; N],
        }
    }
}

impl<const N: usize> Levels<N> {
    /// The values held and the ticks elapsed up to `now`; restarts the
    /// stretch at `now` with `next`.
    pub fn advance(&mut self, now: u64, next: [f64; N]) -> ([f64; N], f64) {
        let held = self.values;
        let dt = now.saturating_sub(self.since) as f64;
        *self = Levels {
            since: now,
            values: next,
        };
        (held, dt)
    }
}

/// People counted by borough (attending, waiting, …) whose time integrals
/// a service keeps: each change hands back the counts held until now and
/// for how long, for the service to add to its tally.
#[derive(Debug)]
pub struct BoroughCounts<const N: usize> {
    counts: Vec<[u32; N]>,
    levels: Vec<Levels<N>>,
}

impl<const N: usize> BoroughCounts<N> {
    /// Nobody counted in `boroughs` boroughs.
    pub fn new(boroughs: usize) -> Self {
        BoroughCounts {
            counts: vec![[0; N]; boroughs],
            levels: vec![Levels::default(); boroughs],
        }
    }

    /// Adds `delta` to borough `b`'s counts at `now` (a zero `delta` just
    /// integrates); returns the counts held before and the ticks they were
    /// held.
    pub fn change(&mut self, b: BoroughId, now: u64, delta: [i32; N]) -> ([f64; N], f64) {
        let i = b.index();
        for (c, d) in self.counts[i].iter_mut().zip(delta) {
            *c = c.saturating_add_signed(d);
        }
        self.levels[i].advance(now, self.counts[i].map(f64::from))
    }

    /// Every borough.
    pub fn boroughs(&self) -> impl Iterator<Item = BoroughId> + use<N> {
        BoroughId::all(self.counts.len())
    }
}

/// Writes a role's region-wide demand, supply and gap (FTE; `metrics`: their
/// indices in the section) from the ledgers of the units that employ it.
pub fn write_region_role(out: &mut YearOut, ledgers: &[Ledger], role: usize, metrics: [usize; 3]) {
    let all = Ledger::sum(ledgers);
    let (d, s) = (all.staff.demand_area[role], all.staff.supply_area[role]);
    for (m, v) in metrics.into_iter().zip([d, s, d - s]) {
        out.put(Area::All, m, per_year(v));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_quantile_is_time_weighted() {
        let mut h = LevelHistogram::with_max(3);
        h.add(0, 50);
        h.add(2, 45);
        h.add(5, 5);
        assert_eq!(h.quantile(0.5), 0.0);
        assert_eq!(h.quantile(0.95), 2.0);
        assert_eq!(h.quantile(0.96), 5.0);
    }
}
