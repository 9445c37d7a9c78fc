//! Population segments (population-health management): the groups a
//! planner splits the population into — by diagnosis, deprivation, living
//! situation, care-home residence — each with its own share of deaths,
//! reach, prognosis, preferences and crisis rate.
//!
//! A person's segment is drawn once, at arrival, by a draw keyed on the
//! person ([`keyed_uniform`]), which moves no random stream: adding
//! segments to a scenario keeps the same residents arriving at the same
//! times with the same streams, and the same person falls in the same
//! segment in every option. With no segments nothing is drawn and the
//! model is exactly the one-population model.
//!
//! This module owns the compiled segments and the draw; the services that
//! report by segment (residents' outcomes, the caseload's wait, acute
//! admissions) keep their own tallies by [`SegmentId`].

use super::dist::Sampler;
use super::ids::SegmentId;
use super::person::PlaceDraw;
use crate::engine::rng::{Purpose, keyed_uniform};
use crate::scenario::types::Scenario;

/// One population segment, compiled.
#[derive(Debug, Clone)]
pub struct SegmentConfig {
    /// Name (the `area` of its result rows).
    pub name: String,
    /// Upper end of the segment's interval of the keyed draw: the
    /// cumulative share of deaths up to and including this segment.
    pub upto: f64,
    /// Share with a cancer diagnosis (which picks the prognosis).
    pub cancer_share: f64,
    /// The segment's own prognosis, if it replaces the diagnosis's.
    pub prognosis: Option<Sampler>,
    /// Preferred place of death.
    pub preference: PlaceDraw,
    /// Place of death of people never known to the service.
    pub unknown_place: PlaceDraw,
    /// Multiplier on crisis rates (on top of the borough's).
    pub crisis_multiplier: f64,
}

impl SegmentConfig {
    /// Every segment of a validated scenario (empty: one population).
    pub fn compile(s: &Scenario) -> Vec<SegmentConfig> {
        let mut upto = 0.0;
        let last = s.segments.len().saturating_sub(1);
        s.segments
            .iter()
            .enumerate()
            .map(|(k, g)| {
                upto += g.share.get();
                SegmentConfig {
                    name: g.name.clone(),
                    // The last segment takes whatever rounding leaves.
                    upto: if k == last { f64::INFINITY } else { upto },
                    cancer_share: g.cancer_share.unwrap_or(s.demand.cancer_share).get(),
                    prognosis: g.prognosis.as_ref().map(Sampler::new),
                    preference: PlaceDraw::new(
                        g.preferred_place
                            .as_ref()
                            .unwrap_or(&s.pathway.preferred_place),
                    ),
                    unknown_place: PlaceDraw::new(
                        g.unknown_place_of_death
                            .as_ref()
                            .unwrap_or(&s.demand.unknown_place_of_death),
                    ),
                    crisis_multiplier: g.crisis_rate_multiplier.get(),
                }
            })
            .collect()
    }
}

/// The probability that a death in borough `b` of scenario `s` is preceded
/// by a referral, for each segment: the segment's need share and reach
/// where it has its own, else the borough's, else the region's.
pub fn referral_shares(s: &Scenario, b: &crate::scenario::types::Borough) -> Vec<f64> {
    s.segments
        .iter()
        .map(|g| {
            let need = g.need_share.or(b.need_share).unwrap_or(s.demand.need_share);
            let reach = g.reach.or(b.reach).unwrap_or(s.demand.reach);
            need.get() * reach.get()
        })
        .collect()
}

/// The segment of the person with key `key` in replication `rep` (`None`
/// when the scenario has no segments): a draw keyed on the person, so it
/// moves no stream and is the same in every option with the same shares.
pub fn segment_of(segments: &[SegmentConfig], seed: u64, rep: u64, key: u64) -> Option<SegmentId> {
    if segments.is_empty() {
        return None;
    }
    let u = keyed_uniform(seed, Purpose::new("segment", 0), rep, key);
    let k = segments
        .iter()
        .position(|g| u < g.upto)
        .unwrap_or(segments.len() - 1);
    Some(SegmentId::new(k))
}
