//! A referred person: what they drew at arrival (prognosis, preference,
//! plan, the stay they would have), where they are, and references to them
//! that go stale when their plans change.

use super::ids::{BoroughId, SegmentId, SiteId};
use crate::engine::rng::StreamRng;
use crate::scenario::types::PlaceShares;

/// A reference to a person that goes stale when their plan changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PersonRef {
    /// Slot in the people table.
    pub slot: u32,
    /// Generation of the plan the reference belongs to.
    pub epoch: u32,
}

impl PersonRef {
    /// The reference used for callers who are not on a caseload.
    pub const NOBODY: PersonRef = PersonRef {
        slot: u32::MAX,
        epoch: 0,
    };
}

/// Places of death, in the order used by metric tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// At home.
    Home = 0,
    /// In a care home.
    CareHome = 1,
    /// In a hospice in-patient unit.
    Hospice = 2,
    /// In an enhanced end-of-life bed.
    EnhancedBed = 3,
    /// In an acute hospital.
    Hospital = 4,
}

/// Number of [`Place`] values.
pub const PLACES: usize = 5;

/// Cumulative shares for drawing a place from [`PlaceShares`]
/// (home, care home, hospice, hospital).
#[derive(Debug, Clone, Copy)]
pub struct PlaceDraw([f64; 3]);

impl PlaceDraw {
    /// The draw for the scenario's shares.
    pub fn new(p: &PlaceShares) -> Self {
        PlaceDraw([
            p.home.get(),
            p.home.get() + p.care_home.get(),
            p.home.get() + p.care_home.get() + p.hospice.get(),
        ])
    }

    /// The place for a uniform draw `u` in [0, 1).
    pub fn pick(&self, u: f64) -> Place {
        match self.0.iter().position(|&c| u < c) {
            Some(0) => Place::Home,
            Some(1) => Place::CareHome,
            Some(_) => Place::Hospice,
            None => Place::Hospital,
        }
    }
}

/// Where a person is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// At home (or in their care home).
    Home,
    /// In a bed at a hospice in-patient unit.
    Ipu(SiteId),
    /// In an enhanced end-of-life bed in their borough.
    Enhanced,
    /// In acute hospital.
    Acute,
}

/// "Not scheduled" / "not started", as a time.
pub const NEVER: u64 = u64::MAX;

/// A referred person.
#[derive(Debug)]
pub struct Person {
    /// The person's own random stream.
    pub rng: StreamRng,
    /// Generation of the person's plan (stale references are ignored).
    pub epoch: u32,
    /// Generation of the pending Death event (changes only with `death_at`).
    pub death_epoch: u32,
    /// `death_at` as last scheduled.
    pub death_scheduled: u64,
    /// Generation of the pending Terminal event.
    pub terminal_epoch: u32,
    /// `terminal_at` as last scheduled ([`NEVER`]: none pending).
    pub terminal_scheduled: u64,
    /// Generation of the pending advice-line call (stale calls are ignored).
    pub call_epoch: u32,
    /// Whether the next call has been drawn since the person last came home
    /// on the caseload: a time before death is pending as an event, a time
    /// after it means no more calls. Calls are a Poisson process fixed
    /// while at home on the caseload, so a change of plan at home keeps the
    /// draw, either way: keeping only the calls, and drawing again where
    /// none was due before death, would make too many calls.
    pub call_drawn: bool,
    /// Start of the stretch at home on the caseload whose visits are not
    /// yet counted ([`NEVER`]: not at home on the caseload).
    pub visits_since: u64,
    /// Borough of residence.
    pub borough: BoroughId,
    /// Population segment (`None`: the scenario has none).
    pub segment: Option<SegmentId>,
    /// Preferred place of death.
    pub preference: Place,
    /// Place of death if never taken on by the service.
    pub unknown_place: Place,
    /// Has an Urgent Care Plan.
    pub ucp: bool,
    /// Time of death, drawn once.
    pub death_at: u64,
    /// Start of the terminal phase.
    pub terminal_at: u64,
    /// Where they are.
    pub location: Location,
    /// On the CSPC caseload (not waiting for it).
    pub on_caseload: bool,
    /// In the terminal phase.
    pub in_terminal: bool,
    /// Has a hospice-at-home slot.
    pub hah: bool,
    /// On the bed waiting list of this site.
    pub bed_waiting: Option<SiteId>,
    /// Start of the current bed stay.
    pub bed_since: u64,
    /// Planned end of the current stay ([`NEVER`]: until death).
    pub stay_end: u64,
    /// Quantile (0–1) of the stay this person would have if admitted,
    /// drawn at arrival: the same planned stay in every option.
    pub stay_quantile: f64,
    /// Uniform (0–1) drawn at arrival that picks among free nearby beds
    /// when the person has no preference between kinds of bed.
    pub bed_choice: f64,
    /// The person's key (borough and arrival number): draws that must not
    /// disturb their stream (referrals to supportive services) are keyed
    /// on it with [`keyed_uniform`](crate::engine::rng::keyed_uniform), so
    /// the same person is referred in every option.
    pub key: u64,
    /// Crises that came due so far (a counter for keyed draws).
    pub crises_due: u32,
    /// A care-home resident (in a bed or waiting for one), simulated
    /// whether or not they are referred.
    pub resident: bool,
    /// Referred to the specialist service (only care-home residents are
    /// simulated before or without a referral).
    pub referred: bool,
}
