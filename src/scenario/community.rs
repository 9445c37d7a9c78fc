//! Scenario tables of the community side, upstream of the specialist
//! services: population segments (`[[segment]]`, population-health
//! management: who is reached, who waits, who dies where they wished) and
//! caring communities (`[[caring_community]]`: patient and citizen partners
//! supporting people with complex needs) and care coordination in primary
//! care (`[[care_coordination]]` under the integration models of
//! `[coordination_models]`), long-term care homes as a setting with beds
//! and residents (`[[care_home]]`), and clinical coaching of community
//! organisations in yearly cohorts (`[[coaching]]`, with the effects of
//! coaching in `[coaching_effects]`).
//!
//! Segments are one list of named groups of the population, each with its
//! share of deaths; a planner who wants diagnosis × deprivation writes the
//! product as named segments ("Cancer, most deprived", …). A segment's
//! keys left out take the region's (or the borough's) values, so a segment
//! differs from the rest only where the file says it does.

use super::types::{Duration, PlaceShares};
use super::units::{
    CostPerYear, Days, Fte, Lowering, Multiplier, PatientsPerFte, Places, Share, Years,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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

/// `[[caring_community]]`: patient and citizen partners attached to the
/// primary-care teams of its boroughs, each supporting a number of people
/// with complex medical and social needs at once. People taken onto a
/// CSPC caseload in its boroughs are referred with `referral_share` (a
/// draw keyed on the person) and supported until they die, from a waiting
/// list when every partner's places are taken. Partners in post are the
/// `community_partner` role: with `[workforce.roles.community_partner]`
/// they are recruited over time (vacancy at the start, recruitment, hiring
/// lag for recruitment and training); without it, every funded partner is
/// in post at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaringCommunity {
    /// Programme name (unique).
    pub name: String,
    /// Boroughs whose primary-care teams have partners (each borough in
    /// one programme).
    pub boroughs: Vec<String>,
    /// Patient and citizen partners funded.
    pub partners: Places,
    /// People each partner supports at once.
    pub people_per_partner: PatientsPerFte,
    /// Share of people taken onto the caseload who have complex medical
    /// and social needs and are referred to a partner (0–1).
    pub referral_share: Share,
    /// Longest waiting list for a partner.
    #[serde(default = "long_list")]
    pub waiting_list: Places,
    /// Relative crisis rate of people supported (0–1; 1 = no effect).
    #[serde(default = "no_effect")]
    pub crisis_rr: Lowering,
    /// Relative chance that a supported person's last days end in a
    /// hospital transfer (0–1; 1 = no effect).
    #[serde(default = "no_effect")]
    pub hospital_rr: Lowering,
    /// The programme's yearly cost (coordination, training, expenses),
    /// in force while it funds any partner.
    #[serde(default)]
    pub cost_per_year: CostPerYear,
}

fn no_effect() -> Lowering {
    Lowering(1.0)
}

fn long_list() -> Places {
    Places(10_000)
}

/// How care coordinators are attached to primary-care practices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IntegrationModel {
    /// Embedded in the practice full-time.
    Total,
    /// Shared between practices part-time.
    Partial,
    /// Linked to the practice remotely.
    Virtual,
}

/// What coordination does for the people it coordinates, under one
/// integration model. The defaults are no effect.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CoordinationEffect {
    /// Days earlier a coordinated person is identified and referred: their
    /// time from referral to death is this much longer.
    #[serde(default)]
    pub identified_earlier_days: Days,
    /// Share of the deaths that would not be referred that coordination
    /// identifies and refers (the reach uplift).
    #[serde(default)]
    pub reach_uplift: Share,
    /// Relative crisis rate of coordinated people (0–1; 1 = no effect).
    #[serde(default = "no_effect")]
    pub crisis_rr: Lowering,
    /// Relative chance that a coordinated person's last days end in a
    /// hospital transfer (0–1; 1 = no effect).
    #[serde(default = "no_effect")]
    pub hospital_rr: Lowering,
}

impl Default for CoordinationEffect {
    fn default() -> Self {
        CoordinationEffect {
            identified_earlier_days: Days(0.0),
            reach_uplift: Share(0.0),
            crisis_rr: no_effect(),
            hospital_rr: no_effect(),
        }
    }
}

/// `[coordination_models]`: the effects of each integration model
/// (`total`, `partial`, `virtual`), used by every `[[care_coordination]]`
/// that names it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct CoordinationModels {
    /// Coordinators embedded full-time.
    pub total: CoordinationEffect,
    /// Coordinators shared part-time.
    pub partial: CoordinationEffect,
    /// Coordinators linked remotely.
    #[serde(rename = "virtual")]
    pub virtual_link: CoordinationEffect,
}

impl CoordinationModels {
    /// The effects of `model`.
    pub fn effect(&self, model: IntegrationModel) -> CoordinationEffect {
        match model {
            IntegrationModel::Total => self.total,
            IntegrationModel::Partial => self.partial,
            IntegrationModel::Virtual => self.virtual_link,
        }
    }

    /// Whether every model is left at no effect (the table is not written
    /// back out).
    pub fn is_default(&self) -> bool {
        *self == CoordinationModels::default()
    }
}

/// `[[care_coordination]]`: care coordinators attached to the primary-care
/// practices of its boroughs under one integration model. A person whose
/// practice is covered (a draw keyed on the person, with chance
/// `practices_covered ÷ practices`) is coordinated while the coordinators'
/// caseload has room (coordinators in post × `caseload_per_fte`), from
/// referral to death. Roll-out across practices is an intervention on
/// `practices_covered`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CareCoordination {
    /// Name (unique).
    pub name: String,
    /// Boroughs whose practices it covers (each borough in one entry).
    pub boroughs: Vec<String>,
    /// Integration model: `total`, `partial` or `virtual`.
    pub model: IntegrationModel,
    /// Primary-care practices in the boroughs.
    pub practices: Places,
    /// Practices with a coordinator attached (at most `practices`).
    pub practices_covered: Places,
    /// Care coordinators in post, FTE (the `care_coordinator` role).
    pub coordinators_fte: Fte,
    /// People coordinated at once per coordinator FTE.
    pub caseload_per_fte: PatientsPerFte,
    /// Yearly cost beyond the coordinators' (systems, training).
    #[serde(default)]
    pub cost_per_year: CostPerYear,
}

/// `[[care_home]]`: the long-term care homes of its boroughs, a setting
/// with beds and residents. The people of the population segment it names
/// (for example "Care-home residents") who live in its boroughs are its
/// residents: from the onset of their palliative-care need to their death
/// each holds a bed, or waits for one (in the community) when every bed is
/// taken. Their last days, and any crisis, may end in a transfer to
/// hospital; a resident who stays dies in the home.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CareHome {
    /// Name (unique).
    pub name: String,
    /// Boroughs (areas) whose homes these are (each borough in one entry).
    pub boroughs: Vec<String>,
    /// The `[[segment]]` whose people live in care homes.
    pub segment: String,
    /// Long-term care homes in the boroughs (informational; coaching
    /// counts its own organisations).
    #[serde(default)]
    pub homes: Places,
    /// Beds for residents in the last phase of life, in all the homes.
    pub beds: Places,
    /// Longest list of people waiting for a bed.
    #[serde(default = "long_list")]
    pub waiting_list: Places,
    /// Share of residents not known to the specialist service whose last
    /// days end in a hospital transfer when their home has had no coaching.
    pub transfer_share: Share,
}

/// Which community organisations a `[[coaching]]` entry coaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CoachingSetting {
    /// Long-term care homes: their residents (`[[care_home]]`).
    CareHome,
    /// Family health teams, community health centres and home care: every
    /// other resident of the boroughs.
    Community,
}

/// `[[coaching]]`: clinical coaches working with cohorts of community
/// organisations in an area, one cohort a year. An organisation's
/// palliative capability rises linearly over its coaching year from 0 to
/// 1, then halves every `half_life_years` unless a refresher restores it.
/// A person belongs to one organisation (a draw keyed on the person).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Coaching {
    /// Name (unique).
    pub name: String,
    /// Boroughs (areas, e.g. Ontario Health Teams) the coaches serve (each
    /// borough in one entry per setting).
    pub boroughs: Vec<String>,
    /// The organisations coached: `care_home` or `community`.
    pub setting: CoachingSetting,
    /// Organisations of that setting in the boroughs.
    pub organisations: Places,
    /// The roll-out: calendar year → organisations whose coaching year
    /// starts on 1 January of that year (`{ 2026 = 8, 2027 = 8 }`); at
    /// most `organisations` in all.
    pub cohorts: BTreeMap<String, Places>,
    /// Coaches employed in each year a cohort is coached.
    pub coaches: Fte,
    /// Yearly cost of one coach (a programme cost).
    #[serde(default)]
    pub cost_per_coach_year: CostPerYear,
}

/// `[coaching_effects]`: what a fully capable organisation (capability 1)
/// does differently; each effect scales with capability. The defaults are
/// no effect.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct CoachingEffects {
    /// Years for capability to halve after the coaching year without a
    /// refresher (0: it never decays).
    pub half_life_years: Years,
    /// A refresher every this many years after the coaching year restores
    /// full capability (0: no refresher).
    pub refresher_every_years: Years,
    /// Share of the deaths that would not be referred that the
    /// organisation identifies and refers (the reach uplift).
    pub reach_uplift: Share,
    /// Days earlier the organisation identifies and refers a person.
    pub identified_earlier_days: Days,
    /// Share of people without an Urgent Care Plan (advance care plan)
    /// who get one.
    pub ucp_uplift: Share,
    /// Relative chance that a crisis or the last days end in a hospital
    /// transfer (0–1; 1 = no effect).
    pub transfer_rr: Lowering,
}

impl Default for CoachingEffects {
    fn default() -> Self {
        CoachingEffects {
            half_life_years: Years(0.0),
            refresher_every_years: Years(0.0),
            reach_uplift: Share(0.0),
            identified_earlier_days: Days(0.0),
            ucp_uplift: Share(0.0),
            transfer_rr: no_effect(),
        }
    }
}

impl CoachingEffects {
    /// Whether every effect is left at its default (the table is not
    /// written back out).
    pub fn is_default(&self) -> bool {
        *self == CoachingEffects::default()
    }
}
