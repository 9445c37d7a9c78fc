//! Scenario tables of the community side, upstream of the specialist
//! services: population segments (`[[segment]]`, population-health
//! management: who is reached, who waits, who dies where they wished).
//!
//! Segments are one list of named groups of the population, each with its
//! share of deaths; a planner who wants diagnosis × deprivation writes the
//! product as named segments ("Cancer, most deprived", …). A segment's
//! keys left out take the region's (or the borough's) values, so a segment
//! differs from the rest only where the file says it does.

use super::types::{Duration, PlaceShares};
use super::units::{Multiplier, Share};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `[[segment]]`: a group of the population with its own share of deaths,
/// reach, prognosis, preferences and crisis rate. With segments, every
/// resident belongs to one, drawn once (by a draw keyed on the person, so
/// the same person is in the same segment in every option); results are
/// reported by segment (`area_type` = `segment`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Segment {
    /// Segment name (unique; not a borough's name).
    pub name: String,
    /// Share of deaths in the segment (the shares of all segments sum to 1).
    pub share: Share,
    /// Share of the segment's deaths with palliative-care need (default:
    /// the borough's, else `[demand]`'s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub need_share: Option<Share>,
    /// Share of the segment's need that reaches the CSPC service (default:
    /// the borough's, else `[demand]`'s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reach: Option<Share>,
    /// Share of the segment with a cancer diagnosis, which picks the
    /// prognosis (`[pathway]` `prognosis_cancer` or
    /// `prognosis_non_cancer`); 1 or 0 for a diagnosis segment (default:
    /// `[demand]` `cancer_share`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancer_share: Option<Share>,
    /// Time from referral to death, replacing the prognosis by diagnosis
    /// for the whole segment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prognosis: Option<Duration>,
    /// Preferred place of death (default: `[pathway]`'s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_place: Option<PlaceShares>,
    /// Place of death of the segment's people not known to the service
    /// (default: `[demand]`'s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unknown_place_of_death: Option<PlaceShares>,
    /// Multiplier on crisis rates (on top of the borough's).
    #[serde(default = "one")]
    pub crisis_rate_multiplier: Multiplier,
}

fn one() -> Multiplier {
    Multiplier(1.0)
}
