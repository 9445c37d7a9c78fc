//! Typed ids of the areas and services results are kept for: a borough,
//! a hospice in-patient site, an advice line, a population segment. Each is an index into the
//! plan's list of that kind, so a site can never be looked up as a line.

use crate::scenario::types::Scenario;

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u16);

        impl $name {
            /// The id of the `i`-th entry of its list.
            pub fn new(i: usize) -> Self {
                $name(i as u16)
            }

            /// Its position in the plan's list.
            pub fn index(self) -> usize {
                self.0 as usize
            }

            /// Every id of a list of `n` entries.
            pub fn all(n: usize) -> impl Iterator<Item = $name> {
                (0..n).map($name::new)
            }
        }
    };
}

id!(
    /// A borough (an area whose residents are counted).
    BoroughId
);
id!(
    /// A hospice in-patient unit site.
    SiteId
);
id!(
    /// A 24/7 advice line.
    LineId
);

id!(
    /// A population segment (`[[segment]]`).
    SegmentId
);

/// An area results are reported for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// A borough.
    Borough(BoroughId),
    /// A hospice in-patient site.
    Site(SiteId),
    /// An advice line.
    Line(LineId),
    /// A population segment (region-wide).
    Segment(SegmentId),
    /// The whole region (`ALL`).
    All,
}

/// The ids of the named boroughs (unknown names were refused by the
/// validator).
pub fn borough_ids(s: &Scenario, names: &[String]) -> Vec<BoroughId> {
    names
        .iter()
        .filter_map(|n| s.boroughs.iter().position(|b| &b.name == n))
        .map(BoroughId::new)
        .collect()
}

/// Which unit serves each borough (the first that lists it).
pub fn unit_of_borough(boroughs: usize, units: &[Vec<BoroughId>]) -> Vec<Option<usize>> {
    let mut out = vec![None; boroughs];
    for (u, list) in units.iter().enumerate().rev() {
        for b in list {
            out[b.index()] = Some(u);
        }
    }
    out
}
