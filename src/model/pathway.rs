//! The pathway of a referred person: it decides where a person goes next
//! from what the services report — caseload, visits, crises, beds,
//! hospice at home, calls, the terminal phase, death and bereavement.
//!
//! A referred person has a prognosis (referral to death), a preferred place
//! of death, an Urgent Care Plan or not, and a terminal phase (the last
//! days). On the caseload they get home visits, calls to the advice line
//! and crises at rates that rise in the last fortnight. A crisis is
//! resolved at home or needs a bed: a free bed found by the routing rule
//! (`find_free_bed`), else the home site's waiting list while in acute
//! hospital, else acute hospital alone (turned away). Where the borough has
//! an advice line, the crisis is first a call: answered within target, it
//! needs a bed less often. In the terminal phase the preference
//! decides: hospital; hospice (a bed now, else the waiting list with
//! priority); home (a hospice-at-home slot if free) or care home; at home
//! the last days end in hospital with a probability that hospice at home
//! and a care plan lower, and a share of those would-be transfers
//! (`bed_diversion_share`) go instead to a free bed found by the same rule,
//! whichever kind it is.
//!
//! A person's time of death is drawn once, at arrival, and no bed moves it:
//! a bed stay ends at that death or at the planned discharge, whichever
//! comes first (`set_stay_end`).

use super::advice::{Answer, CallKind, CallRecord, CallStart};
use super::coaching::Coaching;
use super::config::CareConfig;
use super::dist::{Sampler, next_profiled_event, next_two_rate_event};
use super::ids::{BoroughId, LineId, SiteId};
use super::ipu::{ROUTINE, URGENT};
use super::person::{Location, NEVER, Person, PersonRef, Place};
use super::segments::{SegmentConfig, segment_of};
use super::services::CareEvent;
use super::system::CareSystem;
use crate::engine::pool::Request;
use crate::engine::rng::{Purpose, StreamRng, keyed_uniform, stream};
use crate::engine::time::DAY;
use crate::engine::{Scheduler, SimTime};
use rand::RngExt;

const FORTNIGHT: u64 = 14 * DAY;

/// A bed the routing rule can offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bed {
    /// A bed at a hospice IPU site.
    Ipu(SiteId),
    /// An enhanced end-of-life bed in the person's borough.
    Enhanced,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BedOutcome {
    Admitted,
    Waiting,
    Refused,
}

/// Purposes of the draws keyed on a person at arrival.
const REFERRAL_DRAW: Purpose = Purpose::new("referral", 0);
const UNKNOWN_PLACE_DRAW: Purpose = Purpose::new("unknown place of death", 0);

/// What a person who needs the services draws from their own stream at
/// arrival, in this order.
struct PersonDraws {
    rng: StreamRng,
    /// Time from arrival to death, before any earlier identification.
    drawn: u64,
    preference: Place,
    ucp_draw: f64,
    terminal: u64,
    stay_quantile: f64,
    bed_choice: f64,
    /// A care-home resident's palliative phase, before their death.
    palliative: Option<u64>,
}

impl PersonDraws {
    /// When a resident's need is identified (the start of their palliative
    /// phase), or `now` for anyone else.
    fn identified_at(&self, now: u64) -> u64 {
        self.palliative.map_or(now, |t| {
            now.saturating_add(self.drawn).saturating_sub(t).max(now)
        })
    }
}

impl CareSystem<'_> {
    /// Invalidates the person's pending events and schedules the ones
    /// their current situation implies. Death and the terminal phase keep
    /// their pending events unless their times change, so a move between
    /// home and a bed does not fill the event list with stale copies; the
    /// next advice-line call, once drawn, stands while they stay at home.
    pub(super) fn replan(&mut self, slot: usize, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now().ticks();
        let cfg = self.cfg;
        let p = &mut self.people[slot];
        p.epoch = p.epoch.wrapping_add(1);
        let r = PersonRef {
            slot: slot as u32,
            epoch: p.epoch,
        };
        match p.location {
            Location::Home if p.on_caseload => {
                if p.visits_since == NEVER {
                    p.visits_since = now;
                }
                if !p.call_drawn {
                    schedule_call(cfg, p, slot, now, sched);
                }
                if !p.in_terminal {
                    schedule_crisis(cfg, p, r, now, sched);
                    schedule_terminal(p, slot, now, sched);
                }
            }
            // A care-home resident not (yet) on a caseload: their last days.
            Location::Home if p.resident && !p.in_terminal => {
                schedule_terminal(p, slot, now, sched);
            }
            Location::Home => {}
            Location::Ipu(_) | Location::Enhanced | Location::Acute => {
                if p.stay_end < p.death_at {
                    sched.schedule_at(SimTime(p.stay_end), CareEvent::StayEnds(r));
                }
            }
        }
        if p.death_scheduled != p.death_at {
            p.death_scheduled = p.death_at;
            p.death_epoch = p.death_epoch.wrapping_add(1);
            let d = PersonRef {
                slot: slot as u32,
                epoch: p.death_epoch,
            };
            sched.schedule_at(SimTime(p.death_at), CareEvent::Death(d));
        }
    }

    pub(super) fn on_arrival(&mut self, b: BoroughId, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now().ticks();
        let cfg = self.cfg;
        let pw = &cfg.pathway;
        let key = self.next_person(b, sched);
        let rep = self.replication;
        // The segment, referral and place-of-death draws are keyed on the
        // person: an unreferred death needs nothing else, and no stream.
        let segment = segment_of(&cfg.segments, cfg.seed, rep, key);
        let seg = segment.map(|g| &cfg.segments[g.index()]);
        let referral_draw = keyed_uniform(cfg.seed, REFERRAL_DRAW, rep, key);
        let unknown_place = (seg.map_or(&pw.unknown_place, |g| &g.unknown_place))
            .pick(keyed_uniform(cfg.seed, UNKNOWN_PLACE_DRAW, rep, key));
        let borough = &cfg.boroughs[b.index()];
        let mut referral_share = segment.map_or(borough.referral_share, |g| {
            borough.segment_referral[g.index()]
        });
        // A care-home resident arrives when they need a care-home bed;
        // their referral, if any, comes later (see below).
        let home = (self.services.care_homes).entry_for(b, segment, &cfg.care_homes);
        // A coordinator in primary care identifies more of the need (a
        // share of the deaths that would not be referred) and earlier.
        // Care-home residents are not coordinated by primary care.
        let covered = match home {
            Some(_) => None,
            None => (self.services.coordination).coordinator_for(b, key, &cfg.coordination),
        };
        let coordinator = covered.and_then(Result::ok);
        let coordination = coordinator.map(|u| &cfg.coordination[u]);
        if let Some(c) = coordination {
            referral_share += c.reach_uplift * (1.0 - referral_share);
        }
        // The organisation (a care home or a community organisation)
        // whose coaching capability identifies more of the need, earlier,
        // and plans ahead more often.
        let org = (self.services.coaching).organisation_of(b, home.is_some(), key, &cfg.coaching);
        let coach = org.map(|m| &cfg.coaching[m.0 as usize]);
        // A resident's need is identified at the start of their palliative
        // phase, so their draws come first; anyone else's, on arrival.
        let resident_draws = home.map(|_| self.person_draws(key, seg, true));
        let identified_at = resident_draws
            .as_ref()
            .map_or(now, |d| d.identified_at(now));
        let capability = org.map_or(0.0, |m| {
            Coaching::capability(m, identified_at, &cfg.coaching)
        });
        if let Some(c) = coach {
            referral_share += capability * c.reach_uplift * (1.0 - referral_share);
            self.services.coaching.count_person(b, capability);
        }
        let referred = referral_draw < referral_share;
        if let (true, Some(Err(u))) = (referred, covered) {
            (self.services.coordination).count_unmet(u, b, &cfg.coordination[u]);
        }
        if !referred && home.is_none() {
            self.services
                .outcomes
                .count_death(b, segment, unknown_place, None, false);
            return;
        }
        let draws = resident_draws.unwrap_or_else(|| self.person_draws(key, seg, false));
        let drawn = draws.drawn;
        let earlier = coach.map_or(0, |c| (capability * c.earlier) as u64);
        let prognosis = match home {
            Some(_) => drawn,
            None => drawn
                .saturating_add(coordination.map_or(0, |c| c.earlier))
                .saturating_add(earlier),
        };
        let ucp_uptake = match coach {
            Some(c) => pw.ucp_uptake + capability * c.ucp_uplift * (1.0 - pw.ucp_uptake),
            None => pw.ucp_uptake,
        };
        let ucp = draws.ucp_draw < ucp_uptake;
        let death_at = now.saturating_add(prognosis);
        let terminal_at = death_at.saturating_sub(draws.terminal);
        let person = Person {
            rng: draws.rng,
            epoch: 0,
            death_epoch: 0,
            death_scheduled: NEVER,
            terminal_epoch: 0,
            terminal_scheduled: NEVER,
            call_epoch: 0,
            call_drawn: false,
            visits_since: NEVER,
            borough: b,
            segment,
            preference: draws.preference,
            unknown_place,
            ucp,
            death_at,
            terminal_at,
            location: Location::Home,
            on_caseload: false,
            in_terminal: false,
            hah: false,
            bed_waiting: None,
            bed_since: 0,
            stay_end: NEVER,
            stay_quantile: draws.stay_quantile,
            bed_choice: draws.bed_choice,
            key,
            crises_due: 0,
            resident: home.is_some(),
            // A resident counts as referred when their referral comes.
            referred: referred && home.is_none(),
        };
        let slot = match self.free_slots_of(b).pop() {
            Some(s) => {
                let old = &self.people[s as usize];
                let (epoch, death_epoch, terminal_epoch, call_epoch) = (
                    old.epoch,
                    old.death_epoch,
                    old.terminal_epoch,
                    old.call_epoch,
                );
                self.people[s as usize] = Person {
                    epoch,
                    death_epoch,
                    terminal_epoch,
                    call_epoch,
                    ..person
                };
                s as usize
            }
            None => {
                self.people.push(person);
                self.people.len() - 1
            }
        };
        if let Some(m) = org {
            self.services.coaching.join(slot, m);
        }
        if let Some(u) = home {
            (self.services.care_homes).arrive(u, slot, b, now, &cfg.care_homes);
            // A referred resident is referred when their need is
            // identified (earlier in a coached home), at the latest when
            // their last days begin.
            if referred {
                let at = (identified_at.saturating_sub(earlier))
                    .min(terminal_at.saturating_sub(1))
                    .max(now);
                self.replan(slot, sched);
                let r = PersonRef {
                    slot: slot as u32,
                    epoch: self.people[slot].death_epoch,
                };
                sched.schedule_at(SimTime(at), CareEvent::Referral(r));
                return;
            }
            return self.replan(slot, sched);
        }
        self.refer(slot, coordinator, sched);
    }

    /// The person's own stream and what they draw from it at arrival; a
    /// care-home `resident` also draws their palliative phase.
    fn person_draws(&self, key: u64, seg: Option<&SegmentConfig>, resident: bool) -> PersonDraws {
        let pw = &self.cfg.pathway;
        let mut rng = stream(self.cfg.seed, Purpose::new("person", key), self.replication);
        let cancer = rng.random::<f64>() < seg.map_or(pw.cancer_share, |g| g.cancer_share);
        let diagnosis = if cancer {
            pw.prognosis_cancer
        } else {
            pw.prognosis_other
        };
        let drawn = seg.and_then(|g| g.prognosis).unwrap_or(diagnosis);
        let drawn = drawn.ticks(&mut rng);
        let preference = seg
            .map_or(&pw.preference, |g| &g.preference)
            .pick(rng.random());
        let ucp_draw = rng.random::<f64>();
        let terminal = pw.terminal_phase.ticks(&mut rng);
        let stay_quantile = rng.random::<f64>();
        let bed_choice = rng.random::<f64>();
        // A resident's own prognosis is their time in the home; the
        // palliative phase before death, at the end of it, is drawn by
        // diagnosis.
        let palliative = resident.then(|| diagnosis.ticks(&mut rng));
        PersonDraws {
            rng,
            drawn,
            preference,
            ucp_draw,
            terminal,
            stay_quantile,
            bed_choice,
            palliative,
        }
    }

    /// A care-home resident's referral comes due.
    pub(super) fn on_referral(&mut self, slot: usize, sched: &mut Scheduler<CareEvent>) {
        let p = &self.people[slot];
        if p.on_caseload || p.in_terminal || p.location != Location::Home {
            return;
        }
        self.refer(slot, None, sched);
    }

    /// Person `slot` is referred now: counted, coordinated if
    /// `coordinator` has room, and taken onto the caseload or its list.
    fn refer(&mut self, slot: usize, coordinator: Option<usize>, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now().ticks();
        let cfg = self.cfg;
        let pw = &cfg.pathway;
        let (b, segment) = (self.people[slot].borough, self.people[slot].segment);
        let prognosis = self.people[slot].death_at.saturating_sub(now);
        self.people[slot].referred = true;
        self.services.outcomes.count_referral(b, segment);
        (self.services.coordination).count_referral(b, prognosis, coordinator.is_some());
        if let Some(u) = coordinator {
            let c = &cfg.coordination[u];
            self.services.coordination.start(u, slot, b, now, c);
        }
        let priority = if prognosis < pw.urgent_window {
            URGENT
        } else {
            ROUTINE
        };
        match self
            .services
            .caseload
            .request(b, slot as u64, priority, now)
        {
            Request::Granted => self.take_on(slot, 0, sched),
            _ => self.replan(slot, sched),
        }
        self.observe_borough(b, now);
    }

    /// Integrates borough `b`'s caseload and home services up to `now`.
    fn observe_borough(&mut self, b: BoroughId, now: u64) {
        let i = b.index();
        self.services
            .caseload
            .observe(b, now, &self.cfg.caseload[i]);
        self.services.hah.observe(b, now, &self.cfg.hah[i]);
        self.services.enhanced.observe(b, now, &self.cfg.enhanced);
    }

    /// The person gets a caseload place after waiting `waited` ticks.
    pub(super) fn take_on(&mut self, slot: usize, waited: u64, sched: &mut Scheduler<CareEvent>) {
        let (b, g) = (self.people[slot].borough, self.people[slot].segment);
        self.people[slot].on_caseload = true;
        self.services.caseload.count_taken_on(b, g, waited);
        self.replan(slot, sched);
        let key = self.people[slot].key;
        self.services.on_taken_on(slot, b, key, self.cfg, sched);
    }

    /// Counts the home visits of the stretch at home since `visits_since`
    /// up to `now` and restarts the stretch at `now`. Visits are a Poisson
    /// process whose rate rises in the last fortnight, so their number over
    /// a stretch is Poisson with the integrated rate: drawn here from the
    /// person's stream instead of one event per visit.
    pub(super) fn settle_visits(&mut self, slot: usize, now: u64) {
        if let Some((b, visits)) = self.draw_visits(slot, now) {
            self.services
                .caseload
                .count_visits(b, visits, &self.cfg.caseload[b.index()]);
        }
    }

    /// Person `slot`'s home visits since they were last counted, drawn up
    /// to `now` (and their borough), if they are visited at home.
    pub(super) fn draw_visits(&mut self, slot: usize, now: u64) -> Option<(BoroughId, u64)> {
        let (base, late) = self.cfg.pathway.visit_rates;
        let p = &mut self.people[slot];
        if p.visits_since == NEVER || now <= p.visits_since {
            return None;
        }
        let switch = p.death_at.saturating_sub(FORTNIGHT);
        let (a, b) = (p.visits_since, now);
        let early = switch.clamp(a, b) - a;
        let expected = base * early as f64 + late * (b - a - early) as f64;
        let visits = if expected > 0.0 {
            rand_distr::Poisson::new(expected)
                .map_or(0.0, |d| rand_distr::Distribution::sample(&d, &mut p.rng))
        } else {
            0.0
        };
        p.visits_since = now;
        Some((p.borough, visits as u64))
    }

    /// The person leaves home (for a bed or by dying): visits up to now are
    /// counted and hospice at home is given up.
    fn leave_home(&mut self, slot: usize, now: u64) {
        self.settle_visits(slot, now);
        self.people[slot].visits_since = NEVER;
        self.release_home_services(slot, now);
    }

    pub(super) fn on_crisis(&mut self, slot: usize, sched: &mut Scheduler<CareEvent>) {
        let p = &self.people[slot];
        if p.in_terminal {
            return;
        }
        let b = p.borough;
        if self.crisis_thinned(slot, sched) {
            return;
        }
        let g = self.people[slot].segment;
        self.services.outcomes.count_crisis(b, g);
        match self.cfg.boroughs[b.index()].line {
            Some(line) => self.call_line(line, CallKind::Crisis, self.person_ref(slot), sched),
            None => self.resolve_crisis(slot, false, sched),
        }
    }

    /// Whether a crisis that came due is taken away by the supportive
    /// services the person uses (their relative crisis rate below 1): the
    /// crisis process is thinned, accepting each crisis with probability
    /// rr, with a draw keyed on the person and the crisis (so it moves no
    /// stream); a thinned crisis schedules the next.
    fn crisis_thinned(&mut self, slot: usize, sched: &mut Scheduler<CareEvent>) -> bool {
        let rr = self.services.crisis_rr(slot, self.cfg);
        if rr >= 1.0 {
            return false;
        }
        let p = &mut self.people[slot];
        p.crises_due += 1;
        let purpose = crate::engine::rng::Purpose::new("crisis.thinning", p.key);
        let u = crate::engine::rng::keyed_uniform(
            self.cfg.seed,
            purpose,
            self.replication,
            p.crises_due as u64,
        );
        if u < rr {
            return false;
        }
        let now = sched.now().ticks();
        let r = self.person_ref(slot);
        schedule_crisis(self.cfg, &mut self.people[slot], r, now, sched);
        true
    }

    /// Decides a crisis: at home, or a bed, or hospital. `answered` is
    /// whether its call was answered within target.
    fn resolve_crisis(&mut self, slot: usize, answered: bool, sched: &mut Scheduler<CareEvent>) {
        let cfg = self.cfg;
        let now = sched.now().ticks();
        let r = self.person_ref(slot);
        let coached = self.services.coaching.transfer_rr(slot, now, &cfg.coaching);
        let p = &mut self.people[slot];
        if p.in_terminal || p.location != Location::Home {
            return;
        }
        let ucp = if p.ucp { cfg.pathway.ucp_rr } else { 1.0 };
        let line = if answered {
            cfg.calls.answered_crisis_rr
        } else {
            1.0
        };
        let needs_bed = p.rng.random::<f64>() < cfg.pathway.crisis_bed_share * ucp * line * coached;
        if !needs_bed {
            schedule_crisis(cfg, p, r, now, sched);
            return;
        }
        if p.preference == Place::Hospital {
            return self.go_to_acute(slot, false, sched);
        }
        if self.seek_bed(slot, ROUTINE, sched) != BedOutcome::Admitted {
            self.go_to_acute(slot, false, sched);
        }
    }

    pub(super) fn on_terminal(&mut self, slot: usize, sched: &mut Scheduler<CareEvent>) {
        let cfg = self.cfg;
        if self.people[slot].in_terminal {
            return;
        }
        // In their last days (wherever they are) people stop attending day
        // hospice and leave the clinics' lists.
        self.services.on_last_days(slot, cfg, sched.now().ticks());
        let p = &mut self.people[slot];
        if p.location != Location::Home {
            return;
        }
        p.in_terminal = true;
        // Both draws are made whatever happens next, so a person's draws do
        // not depend on which beds are free.
        let transfer_draw = p.rng.random::<f64>();
        let diversion_draw = p.rng.random::<f64>();
        if !p.on_caseload {
            return self.resident_last_days(slot, transfer_draw, sched);
        }
        let b = p.borough;
        match p.preference {
            Place::Hospital => return self.go_to_acute(slot, true, sched),
            Place::Hospice | Place::EnhancedBed => {
                if self.seek_bed(slot, URGENT, sched) == BedOutcome::Admitted {
                    return;
                }
            }
            Place::Home => {
                if !self.people[slot].hah {
                    let granted = self.start_hah(slot, sched.now().ticks());
                    if !granted {
                        self.services.hah.count_unmet(b, &cfg.hah[b.index()]);
                    }
                }
            }
            Place::CareHome => {}
        }
        let p = &mut self.people[slot];
        let hah_effect = if p.hah {
            cfg.hah[b.index()].effect
        } else {
            0.0
        };
        let hah_rr = 1.0 - hah_effect * (1.0 - cfg.pathway.hah_hospital_rr);
        let ucp_rr = if p.ucp { cfg.pathway.ucp_rr } else { 1.0 };
        let services_rr = (self.services).hospital_rr(slot, sched.now().ticks(), cfg);
        let to_hospital =
            transfer_draw < cfg.pathway.terminal_hospital_share * hah_rr * ucp_rr * services_rr;
        let divertible = diversion_draw < cfg.pathway.bed_diversion_share;
        if !to_hospital {
            return self.replan(slot, sched);
        }
        // A divertible transfer goes to a free bed of any kind instead.
        match self.find_free_bed(slot).filter(|_| divertible) {
            Some(bed) => self.admit(slot, bed, URGENT, sched),
            None => self.go_to_acute(slot, true, sched),
        }
    }

    /// The last days of a care-home resident not known to the specialist
    /// service: in a care-home bed, they end in a hospital transfer with
    /// the home's `transfer_share`, lowered by its coaching capability
    /// (`transfer_draw` is the person's own, drawn whatever happens);
    /// otherwise the resident stays and dies in the home. A person still
    /// waiting for a bed dies where people not known to services die.
    fn resident_last_days(
        &mut self,
        slot: usize,
        transfer_draw: f64,
        sched: &mut Scheduler<CareEvent>,
    ) {
        let now = sched.now().ticks();
        let cfg = self.cfg;
        let Some(u) = self.services.care_homes.bed_entry(slot) else {
            return self.replan(slot, sched);
        };
        let rr = self.services.hospital_rr(slot, now, cfg);
        if transfer_draw < cfg.care_homes[u].transfer_share * rr {
            self.go_to_acute(slot, true, sched);
        } else {
            self.replan(slot, sched);
        }
    }

    /// Tries to start hospice at home; true if a slot was free.
    fn start_hah(&mut self, slot: usize, now: u64) -> bool {
        let b = self.people[slot].borough;
        let granted = self.services.hah.start(b, slot as u64, now);
        if granted {
            self.people[slot].hah = true;
            self.observe_borough(b, now);
        }
        granted
    }

    pub(super) fn on_stay_end(&mut self, slot: usize, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now().ticks();
        match self.people[slot].location {
            Location::Ipu(s) => self.leave_ipu(slot, s, sched),
            Location::Enhanced => self.leave_enhanced(slot, now),
            Location::Acute => self.leave_waiting_list(slot, false, now),
            Location::Home => {}
        }
        self.relocate(slot, Location::Home, now);
        self.people[slot].stay_end = NEVER;
        self.replan(slot, sched);
    }

    /// Moves the person, keeping the count of people in acute hospital (a
    /// level integrated for bed-days and costs) in step.
    fn relocate(&mut self, slot: usize, to: Location, now: u64) {
        let b = self.people[slot].borough;
        let from = self.people[slot].location;
        let acute = &self.cfg.acute;
        if from != Location::Acute && to == Location::Acute {
            self.services.acute.arrive(b, now, acute);
        } else if from == Location::Acute && to != Location::Acute {
            self.services.acute.leave(b, now, acute);
        }
        let p = &mut self.people[slot];
        p.location = to;
        if to != Location::Home && p.call_drawn {
            // Calls are made from home only: a pending one is dropped.
            p.call_epoch = p.call_epoch.wrapping_add(1);
            p.call_drawn = false;
        }
    }

    pub(super) fn on_death(&mut self, slot: usize, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now().ticks();
        let p = &self.people[slot];
        let b = p.borough;
        let on_caseload = p.on_caseload;
        let in_home = self.services.care_homes.in_bed(slot);
        let place = if !on_caseload {
            match p.location {
                // Only care-home residents not on a caseload are simulated
                // to their death; they die in hospital after a transfer.
                Location::Acute => Place::Hospital,
                _ if in_home => Place::CareHome,
                _ => p.unknown_place,
            }
        } else {
            match p.location {
                Location::Home if in_home || p.preference == Place::CareHome => Place::CareHome,
                Location::Home => Place::Home,
                Location::Ipu(_) => Place::Hospice,
                Location::Enhanced => Place::EnhancedBed,
                Location::Acute => Place::Hospital,
            }
        };
        let met = match p.preference {
            Place::Hospice => matches!(place, Place::Hospice | Place::EnhancedBed),
            pref => pref == place,
        };
        let known = on_caseload.then_some(met);
        let g = p.segment;
        let died_waiting = !on_caseload && p.referred;
        self.services
            .outcomes
            .count_death(b, g, place, known, died_waiting);
        (self.services.care_homes).leave(slot, place, now, &self.cfg.care_homes);
        match self.people[slot].location {
            Location::Ipu(s) => {
                self.services.ipu.count_death(s);
                self.leave_ipu(slot, s, sched);
            }
            Location::Enhanced => self.leave_enhanced(slot, now),
            _ => {}
        }
        self.leave_waiting_list(slot, true, now);
        self.leave_home(slot, now);
        self.relocate(slot, Location::Home, now);
        if on_caseload {
            if let Some(next) = self.services.caseload.release(b) {
                self.take_on(next.id as usize, now - next.since.ticks(), sched);
            }
            let carer_rr = self.services.carer_rr(slot, self.cfg);
            let share = self.cfg.bereavement.referral_share * carer_rr;
            if self.people[slot].rng.random::<f64>() < share {
                self.services.bereavement.refer(b, now);
            }
        } else {
            self.services.caseload.renege(b, slot as u64);
        }
        let key = self.people[slot].key;
        self.services
            .on_death(slot, b, key, on_caseload, self.cfg, sched);
        self.observe_borough(b, now);
        let p = &mut self.people[slot];
        p.epoch = p.epoch.wrapping_add(1);
        p.death_epoch = p.death_epoch.wrapping_add(1);
        p.terminal_epoch = p.terminal_epoch.wrapping_add(1);
        p.call_epoch = p.call_epoch.wrapping_add(1);
        p.call_drawn = false;
        self.free_slots_of(b).push(slot as u32);
    }

    // ---- beds --------------------------------------------------------

    fn seek_bed(
        &mut self,
        slot: usize,
        priority: usize,
        sched: &mut Scheduler<CareEvent>,
    ) -> BedOutcome {
        let b = self.people[slot].borough;
        let home = self.cfg.boroughs[b.index()].site_order.first().copied();
        // Someone already on a list is not a new request.
        if self.people[slot].bed_waiting.is_none() {
            self.services.ipu.count_request(b, home);
        }
        if let Some(bed) = self.find_free_bed(slot) {
            self.admit(slot, bed, priority, sched);
            return BedOutcome::Admitted;
        }
        let now = sched.now().ticks();
        if self.people[slot].bed_waiting.is_some() {
            return BedOutcome::Waiting;
        }
        let outcome = home.map(|h| self.services.ipu.request(h, slot as u64, priority, now));
        match (home, outcome) {
            (Some(h), Some(Request::Queued)) => {
                self.people[slot].bed_waiting = Some(h);
                self.services
                    .ipu
                    .observe(h, now, &self.cfg.sites[h.index()]);
                BedOutcome::Waiting
            }
            _ => {
                let stay = home.map(|h| {
                    let after = &self.cfg.sites[h.index()].discharge_after;
                    (h, would_be_stay(&self.people[slot], now, after))
                });
                self.services.ipu.count_refusal(b, stay, &self.cfg.sites);
                BedOutcome::Refused
            }
        }
    }

    /// The routing rule for beds, one for crises and the last days alike,
    /// with no kind of bed favoured by the order of the code:
    /// - a person who prefers a kind of bed tries that kind first, then the
    ///   other: hospice IPUs in catchment then overflow order, and the
    ///   borough's enhanced beds;
    /// - a person with no such preference takes a free bed nearby (their
    ///   catchment site or their borough's enhanced beds), each free bed as
    ///   likely as any other (picked with their own `bed_choice`), else a
    ///   free bed at an overflow site, in order.
    ///
    /// `None` if no suitable bed is free.
    fn find_free_bed(&self, slot: usize) -> Option<Bed> {
        let p = &self.people[slot];
        let b = p.borough;
        let ipu = &self.services.ipu;
        let order = &self.cfg.boroughs[b.index()].site_order;
        let free_ipu = order
            .iter()
            .find(|&&s| ipu.free_beds(s) > 0)
            .map(|&s| Bed::Ipu(s));
        let free_enhanced = (self.services.enhanced.free_beds(b) > 0).then_some(Bed::Enhanced);
        match p.preference {
            Place::Hospice => free_ipu.or(free_enhanced),
            Place::EnhancedBed => free_enhanced.or(free_ipu),
            _ => self.nearby_bed(b, p.bed_choice).or(free_ipu),
        }
    }

    /// A free bed nearby (the borough's catchment site or its enhanced
    /// beds), each free bed equally likely given the uniform `choice`.
    fn nearby_bed(&self, b: BoroughId, choice: f64) -> Option<Bed> {
        let home = self.cfg.boroughs[b.index()].site_order.first().copied();
        let at_home_site = home.map_or(0.0, |s| self.services.ipu.free_beds(s) as f64);
        let enhanced = self.services.enhanced.free_beds(b) as f64;
        match home {
            _ if at_home_site + enhanced == 0.0 => None,
            Some(s) if choice * (at_home_site + enhanced) < at_home_site => Some(Bed::Ipu(s)),
            _ if enhanced > 0.0 => Some(Bed::Enhanced),
            _ => None,
        }
    }

    /// Admits the person to a free `bed` found by [`Self::find_free_bed`].
    fn admit(&mut self, slot: usize, bed: Bed, priority: usize, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now().ticks();
        match bed {
            Bed::Ipu(s) => {
                self.services.ipu.request(s, slot as u64, priority, now);
                self.admit_ipu(slot, s, None, sched);
            }
            Bed::Enhanced => {
                let b = self.people[slot].borough;
                self.leave_waiting_list(slot, false, now);
                self.services.enhanced.admit(b, slot as u64, now);
                self.admit_enhanced(slot, sched);
            }
        }
    }

    pub(super) fn admit_ipu(
        &mut self,
        slot: usize,
        s: SiteId,
        waited: Option<u64>,
        sched: &mut Scheduler<CareEvent>,
    ) {
        let now = sched.now().ticks();
        let cfg = self.cfg;
        let site = &cfg.sites[s.index()];
        self.leave_home(slot, now);
        self.relocate(slot, Location::Ipu(s), now);
        let p = &mut self.people[slot];
        let b = p.borough;
        p.bed_waiting = None;
        set_stay_end(p, now, &site.discharge_after);
        self.services.ipu.count_admission(b, s, waited);
        self.services.ipu.observe(s, now, site);
        self.replan(slot, sched);
    }

    fn admit_enhanced(&mut self, slot: usize, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now().ticks();
        let cfg = self.cfg;
        self.leave_home(slot, now);
        self.relocate(slot, Location::Enhanced, now);
        let p = &mut self.people[slot];
        let b = p.borough;
        set_stay_end(p, now, &cfg.enhanced.discharge_after);
        self.observe_borough(b, now);
        self.replan(slot, sched);
    }

    /// A person leaving home for a bed (or dying) gives up their
    /// hospice-at-home slot.
    fn release_home_services(&mut self, slot: usize, now: u64) {
        let b = self.people[slot].borough;
        if self.people[slot].hah {
            self.people[slot].hah = false;
            self.services.hah.release(b);
            self.observe_borough(b, now);
        }
    }

    /// Admits the person to acute hospital, until death or for an acute stay.
    fn go_to_acute(&mut self, slot: usize, until_death: bool, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now().ticks();
        if self.people[slot].location == Location::Home {
            self.services.care_homes.count_transfer(slot);
        }
        self.leave_home(slot, now);
        let acute = self.cfg.acute.stay;
        self.relocate(slot, Location::Acute, now);
        let p = &mut self.people[slot];
        let (b, g) = (p.borough, p.segment);
        p.stay_end = if until_death {
            NEVER
        } else {
            now.saturating_add(acute.ticks_at(p.stay_quantile))
        };
        self.services.acute.count_admission(b, g);
        self.replan(slot, sched);
    }

    fn leave_ipu(&mut self, slot: usize, s: SiteId, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now().ticks();
        let stayed = now - self.people[slot].bed_since;
        if let Some(next) = self.services.ipu.release(s, stayed) {
            self.admit_from_list(next, s, sched);
        }
        self.services
            .ipu
            .observe(s, now, &self.cfg.sites[s.index()]);
    }

    fn leave_enhanced(&mut self, slot: usize, now: u64) {
        let b = self.people[slot].borough;
        self.services.enhanced.release(b);
        self.observe_borough(b, now);
    }

    fn leave_waiting_list(&mut self, slot: usize, died: bool, now: u64) {
        if let Some(s) = self.people[slot].bed_waiting.take() {
            let (b, g) = (self.people[slot].borough, self.people[slot].segment);
            let died = died.then_some(b);
            self.services.ipu.leave_list(s, slot as u64, died);
            if died.is_some() {
                self.services.outcomes.count_bed_died_waiting(b, g);
            }
            self.services
                .ipu
                .observe(s, now, &self.cfg.sites[s.index()]);
        }
    }

    // ---- calls -------------------------------------------------------

    /// A call to line `l`; the pathway acts on its answer or abandonment.
    fn call_line(
        &mut self,
        l: LineId,
        kind: CallKind,
        person: PersonRef,
        sched: &mut Scheduler<CareEvent>,
    ) {
        let borough = self.current(person).map(|slot| self.people[slot].borough);
        let lc = &self.cfg.lines[l.index()];
        match self
            .services
            .lines
            .place_call(l, kind, person, borough, lc, sched)
        {
            CallStart::Answered(answer) => self.after_answer(l, answer, sched),
            CallStart::Waiting => {}
            CallStart::Abandoned(record) => self.after_abandon(l, record, sched),
        }
    }

    /// What an answered call leads to.
    pub(super) fn after_answer(
        &mut self,
        l: LineId,
        answer: Answer,
        sched: &mut Scheduler<CareEvent>,
    ) {
        let record = answer.record;
        let outcomes = self.cfg.calls.outcomes;
        let Some(slot) = self.current(record.person) else {
            // A member of the public, or a callback to someone no longer
            // on the caseload (a public caller, or a patient who has died).
            if matches!(record.kind, CallKind::Public | CallKind::Callback) {
                let u = self.services.lines.outcome_draw(l);
                if u >= outcomes[2] {
                    self.services.lines.count_ambulance(l, None);
                }
            }
            return;
        };
        if record.kind == CallKind::Crisis {
            return self.resolve_crisis(slot, answer.in_target, sched);
        }
        let p = &mut self.people[slot];
        if p.location != Location::Home || !p.on_caseload {
            return;
        }
        let b = p.borough;
        let u = p.rng.random::<f64>();
        let caseload = &self.cfg.caseload[b.index()];
        if u < outcomes[0] {
        } else if u < outcomes[1] {
            self.services.caseload.count_visits(b, 1, caseload);
        } else if u < outcomes[2] {
            // Hospice at home is started early only for someone in their
            // last fortnight; earlier, the call leads to a visit instead.
            let now = sched.now().ticks();
            let near_death = self.people[slot].death_at.saturating_sub(now) <= FORTNIGHT;
            if near_death && !self.people[slot].hah {
                self.start_hah(slot, now);
            } else if !near_death {
                self.services.caseload.count_visits(b, 1, caseload);
            }
        } else {
            self.services.lines.count_ambulance(l, Some(b));
            self.go_to_acute(slot, false, sched);
        }
    }

    /// What follows a caller hanging up: a callback, an ambulance, and for
    /// a crisis the crisis decided without advice.
    pub(super) fn after_abandon(
        &mut self,
        l: LineId,
        record: CallRecord,
        sched: &mut Scheduler<CareEvent>,
    ) {
        let line = &self.cfg.lines[l.index()];
        let slot = self.current(record.person);
        let rng = match slot {
            Some(s) => &mut self.people[s].rng,
            None => self.services.lines.outcome_rng(l),
        };
        let ambulance = rng.random::<f64>() < self.cfg.calls.abandoned_ambulance_share;
        // A callback is not itself called back: otherwise a caller with no
        // patience called back at once would hang up and be called back
        // again at the same instant for ever. (The draw is made anyway, so
        // the stream does not depend on which calls were callbacks.)
        let callback_draw = rng.random::<f64>();
        let callback = callback_draw < line.callback_share && record.kind != CallKind::Callback;
        self.services
            .lines
            .after_abandon(l, record, callback, ambulance, line, sched);
        match (slot, record.kind) {
            (Some(s), CallKind::Crisis) if !callback => self.resolve_crisis(s, false, sched),
            (Some(s), _) if ambulance && self.people[s].location == Location::Home => {
                self.go_to_acute(s, false, sched)
            }
            _ => {}
        }
    }

    pub(super) fn on_patient_call(&mut self, slot: usize, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now().ticks();
        let r = self.person_ref(slot);
        let p = &mut self.people[slot];
        p.call_drawn = false;
        if p.location != Location::Home || !p.on_caseload {
            return;
        }
        let Some(line) = self.cfg.boroughs[p.borough.index()].line else {
            return;
        };
        schedule_call(self.cfg, p, slot, now, sched);
        self.call_line(line, CallKind::Routine, r, sched);
    }

    pub(super) fn on_callback(
        &mut self,
        l: LineId,
        person: PersonRef,
        sched: &mut Scheduler<CareEvent>,
    ) {
        let person = if self.current(person).is_some() {
            person
        } else {
            PersonRef::NOBODY
        };
        self.call_line(l, CallKind::Callback, person, sched);
    }

    pub(super) fn on_public_call(&mut self, l: LineId, sched: &mut Scheduler<CareEvent>) {
        self.call_line(l, CallKind::Public, PersonRef::NOBODY, sched);
    }
}

/// Starts a bed stay at `now`. The stay ends at the person's own death
/// (never moved by a bed) or at the planned discharge, whichever comes
/// first; no one is discharged in their last days (a planned discharge at
/// or after the start of the terminal phase means a stay until death). The
/// planned discharge is the unit's `discharge_after` at the person's own
/// quantile, drawn at arrival, so the same person plans the same stay in
/// every option; the unit's length of stay and die-in-unit share emerge.
fn set_stay_end(p: &mut Person, now: u64, discharge_after: &Sampler) {
    p.bed_since = now;
    let discharge = now.saturating_add(discharge_after.ticks_at(p.stay_quantile));
    p.stay_end = if discharge >= p.terminal_at {
        NEVER
    } else {
        discharge
    };
}

/// The stay, in ticks, that a person admitted at `now` would have under
/// [`set_stay_end`]'s rule: to their planned discharge, or to their death.
fn would_be_stay(p: &Person, now: u64, discharge_after: &Sampler) -> u64 {
    let discharge = now.saturating_add(discharge_after.ticks_at(p.stay_quantile));
    let end = if discharge >= p.terminal_at {
        p.death_at
    } else {
        discharge
    };
    end.saturating_sub(now)
}

fn schedule_crisis(
    cfg: &CareConfig,
    p: &mut Person,
    r: PersonRef,
    now: u64,
    sched: &mut Scheduler<CareEvent>,
) {
    let mut m = cfg.boroughs[p.borough.index()].crisis_multiplier;
    if let Some(g) = p.segment {
        m *= cfg.segments[g.index()].crisis_multiplier;
    }
    let (base, late) = cfg.pathway.crisis_rates;
    let switch = p.death_at.saturating_sub(FORTNIGHT);
    if let Some(t) = next_two_rate_event(&mut p.rng, now, switch, base * m, late * m)
        && t < p.terminal_at.min(p.death_at)
    {
        sched.schedule_at(SimTime(t), CareEvent::Crisis(r));
    }
}

/// Schedules the person's terminal phase (their last days) unless it is
/// already scheduled for that time.
fn schedule_terminal(p: &mut Person, slot: usize, now: u64, sched: &mut Scheduler<CareEvent>) {
    let at = p.terminal_at.max(now);
    if p.terminal_scheduled != at {
        p.terminal_scheduled = at;
        p.terminal_epoch = p.terminal_epoch.wrapping_add(1);
        let t = PersonRef {
            slot: slot as u32,
            epoch: p.terminal_epoch,
        };
        sched.schedule_at(SimTime(at), CareEvent::Terminal(t));
    }
}

/// The person's next call to their advice line, by inversion of the
/// integrated rate (hour of week, times the last-fortnight multiplier
/// from the switch on): one Exp(1) draw, exact across every change of rate.
fn schedule_call(
    cfg: &CareConfig,
    p: &mut Person,
    slot: usize,
    now: u64,
    sched: &mut Scheduler<CareEvent>,
) {
    let c = &cfg.calls;
    if cfg.boroughs[p.borough.index()].line.is_none() || c.per_patient <= 0.0 {
        return;
    }
    p.call_epoch = p.call_epoch.wrapping_add(1);
    p.call_drawn = true;
    let switch = p.death_at.saturating_sub(FORTNIGHT);
    let (base, late) = (c.per_patient, c.per_patient * c.late_multiplier);
    let profile = &c.hour_of_week;
    if let Some(at) = next_profiled_event(&mut p.rng, profile, now, switch, base, late)
        && at < p.death_at
    {
        let r = PersonRef {
            slot: slot as u32,
            epoch: p.call_epoch,
        };
        sched.schedule_at(SimTime(at), CareEvent::PatientCall(r));
    }
}
