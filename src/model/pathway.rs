//! The pathway of a referred person: caseload, visits, crises, beds,
//! hospice at home, the terminal phase, death and bereavement.
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

use super::care::{CareEvent, CareSystem, Location, Person, PersonRef};
use super::config::{CareConfig, Place};
use super::dist::{Sampler, next_two_rate_event};
use super::metrics::{Tally, role};
use crate::engine::pool::{CapacityPool, Request, Waiter};
use crate::engine::time::{DAY, SECOND};
use crate::engine::{Scheduler, SimTime};
use rand::RngExt;

const URGENT: usize = 0;
const ROUTINE: usize = 1;
const NEVER: u64 = u64::MAX;
const FORTNIGHT: u64 = 14 * DAY;

/// A bed the routing rule can offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Bed {
    /// A bed at hospice IPU site `.0`.
    Ipu(usize),
    /// An enhanced end-of-life bed in the person's borough.
    Enhanced,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BedOutcome {
    Admitted,
    Waiting,
    Refused,
}

impl CareSystem<'_> {
    /// Invalidates the person's pending events and schedules the ones
    /// their current situation implies (death last, so that events due at
    /// the same second as death happen first).
    /// Invalidates the person's pending events and schedules the ones
    /// their current situation implies. Death and the terminal phase keep
    /// their pending events unless their times change, so a move between
    /// home and a bed does not fill the event list with stale copies.
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
                schedule_call(cfg, p, r, now, sched);
                if !p.in_terminal {
                    schedule_crisis(cfg, p, r, now, sched);
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

    pub(super) fn on_arrival(&mut self, b: usize, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now().ticks();
        let cfg = self.cfg;
        let pw = &cfg.pathway;
        let mut rng = self.next_person(b, sched);
        let referred = rng.random::<f64>() < cfg.boroughs[b].referral_share;
        let cancer = rng.random::<f64>() < pw.cancer_share;
        let prognosis = if cancer {
            pw.prognosis_cancer
        } else {
            pw.prognosis_other
        }
        .ticks(&mut rng);
        let preference = pw.preference.pick(rng.random());
        let unknown_place = pw.unknown_place.pick(rng.random());
        let ucp = rng.random::<f64>() < pw.ucp_uptake;
        let terminal = pw.terminal_phase.ticks(&mut rng);
        let stay_quantile = rng.random::<f64>();
        let bed_choice = rng.random::<f64>();
        if !referred {
            self.count_borough(b, |t| t.residents.deaths[unknown_place as usize] += 1);
            return;
        }
        self.count_borough(b, |t| t.residents.referrals += 1);
        let death_at = now.saturating_add(prognosis);
        let person = Person {
            rng,
            epoch: 0,
            death_epoch: 0,
            death_scheduled: NEVER,
            terminal_epoch: 0,
            terminal_scheduled: NEVER,
            visits_since: NEVER,
            borough: b as u16,
            preference,
            unknown_place,
            ucp,
            death_at,
            terminal_at: death_at.saturating_sub(terminal),
            location: Location::Home,
            on_caseload: false,
            in_terminal: false,
            hah: false,
            ipu_waiting: None,
            bed_since: 0,
            stay_end: NEVER,
            stay_quantile,
            bed_choice,
        };
        let slot = match self.free_slots.pop() {
            Some(s) => {
                let old = &self.people[s as usize];
                let (epoch, death_epoch, terminal_epoch) =
                    (old.epoch, old.death_epoch, old.terminal_epoch);
                self.people[s as usize] = Person {
                    epoch,
                    death_epoch,
                    terminal_epoch,
                    ..person
                };
                s as usize
            }
            None => {
                self.people.push(person);
                self.people.len() - 1
            }
        };
        let priority = if prognosis < pw.urgent_window {
            URGENT
        } else {
            ROUTINE
        };
        match self.cspc[b].request(slot as u64, priority, SimTime(now)) {
            Request::Granted => self.take_on(slot, 0, sched),
            _ => self.replan(slot, sched),
        }
        self.observe_borough(b, now);
    }

    /// The person gets a caseload place after waiting `waited` seconds.
    pub(super) fn take_on(&mut self, slot: usize, waited: u64, sched: &mut Scheduler<CareEvent>) {
        let b = self.people[slot].borough as usize;
        self.people[slot].on_caseload = true;
        self.count_borough(b, |t| {
            t.residents.cspc_taken_on += 1;
            t.residents.cspc_wait_seconds += waited as f64 / SECOND as f64;
        });
        self.replan(slot, sched);
    }

    /// Counts the home visits of the stretch at home since `visits_since`
    /// up to `now` and restarts the stretch at `now`. Visits are a Poisson
    /// process whose rate rises in the last fortnight, so their number over
    /// a stretch is Poisson with the integrated rate: drawn here from the
    /// person's stream instead of one event per visit.
    pub(super) fn settle_visits(&mut self, slot: usize, now: u64) {
        let (base, late) = self.cfg.pathway.visit_rates;
        let p = &mut self.people[slot];
        if p.visits_since == NEVER || now <= p.visits_since {
            return;
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
        let borough = p.borough as usize;
        let cost = self.cfg.costs.cspc_visit * visits;
        self.count_borough(borough, |t| {
            t.residents.visits += visits as u64;
            t.residents.activity_cost += cost;
        });
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
        let b = p.borough as usize;
        self.count_borough(b, |t| t.residents.crises += 1);
        match self.cfg.boroughs[b].line {
            Some(line) => self.place_call(
                line,
                super::advice::CallKind::Crisis,
                self.person_ref(slot),
                sched,
            ),
            None => self.resolve_crisis(slot, false, sched),
        }
    }

    /// Decides a crisis: at home, or a bed, or hospital. `answered` is
    /// whether its call was answered within target.
    pub(super) fn resolve_crisis(
        &mut self,
        slot: usize,
        answered: bool,
        sched: &mut Scheduler<CareEvent>,
    ) {
        let cfg = self.cfg;
        let now = sched.now().ticks();
        let r = self.person_ref(slot);
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
        let needs_bed = p.rng.random::<f64>() < cfg.pathway.crisis_bed_share * ucp * line;
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
        let p = &mut self.people[slot];
        if p.in_terminal || p.location != Location::Home {
            return;
        }
        p.in_terminal = true;
        // Both draws are made whatever happens next, so a person's draws do
        // not depend on which beds are free.
        let transfer_draw = p.rng.random::<f64>();
        let diversion_draw = p.rng.random::<f64>();
        let b = p.borough as usize;
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
                        self.count_unmet_hah(b);
                    }
                }
            }
            Place::CareHome => {}
        }
        let p = &mut self.people[slot];
        let hah_effect = if p.hah {
            cfg.boroughs[b].hah_effect
        } else {
            0.0
        };
        let hah_rr = 1.0 - hah_effect * (1.0 - cfg.pathway.hah_hospital_rr);
        let ucp_rr = if p.ucp { cfg.pathway.ucp_rr } else { 1.0 };
        let to_hospital = transfer_draw < cfg.pathway.terminal_hospital_share * hah_rr * ucp_rr;
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

    /// Tries to start hospice at home; true if a slot was free.
    pub(super) fn start_hah(&mut self, slot: usize, now: u64) -> bool {
        let b = self.people[slot].borough as usize;
        let granted = self.hah[b].request(slot as u64, 0, SimTime(now)) == Request::Granted;
        if granted {
            self.people[slot].hah = true;
            self.count_borough(b, |t| t.residents.hah_patients += 1);
            self.observe_borough(b, now);
        }
        granted
    }

    pub(super) fn on_stay_end(&mut self, slot: usize, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now().ticks();
        match self.people[slot].location {
            Location::Ipu(s) => self.leave_ipu(slot, s as usize, sched),
            Location::Enhanced => self.leave_enhanced(slot, now),
            Location::Acute => self.leave_waiting_list(slot, false, now),
            Location::Home => {}
        }
        self.relocate(slot, Location::Home, now);
        self.people[slot].stay_end = NEVER;
        self.replan(slot, sched);
    }

    /// Moves the person, keeping the borough's count of people in acute
    /// hospital (a level integrated for bed-days and costs) in step.
    fn relocate(&mut self, slot: usize, to: Location, now: u64) {
        let b = self.people[slot].borough as usize;
        let from = self.people[slot].location;
        if (from == Location::Acute) != (to == Location::Acute) {
            self.observe_borough(b, now);
            if to == Location::Acute {
                self.acute_count[b] += 1;
            } else {
                self.acute_count[b] -= 1;
            }
            self.people[slot].location = to;
            self.observe_borough(b, now);
        } else {
            self.people[slot].location = to;
        }
    }

    pub(super) fn on_death(&mut self, slot: usize, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now().ticks();
        let p = &self.people[slot];
        let b = p.borough as usize;
        let on_caseload = p.on_caseload;
        let place = if !on_caseload {
            p.unknown_place
        } else {
            match p.location {
                Location::Home if p.preference == Place::CareHome => Place::CareHome,
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
        self.count_borough(b, |t| {
            let r = &mut t.residents;
            r.deaths[place as usize] += 1;
            if on_caseload {
                r.cspc_deaths[place as usize] += 1;
                r.preference_met += met as u64;
            } else {
                r.cspc_died_waiting += 1;
            }
        });
        match self.people[slot].location {
            Location::Ipu(s) => {
                self.count_site(s as usize, |t| t.units.deaths += 1);
                self.leave_ipu(slot, s as usize, sched);
            }
            Location::Enhanced => self.leave_enhanced(slot, now),
            _ => {}
        }
        self.leave_waiting_list(slot, true, now);
        self.leave_home(slot, now);
        self.relocate(slot, Location::Home, now);
        if on_caseload {
            if let Some(next) = self.cspc[b].release() {
                self.take_on(next.id as usize, now - next.since.ticks(), sched);
            }
            if self.people[slot].rng.random::<f64>() < self.cfg.pathway.bereavement_share {
                self.refer_carer(b, sched);
            }
        } else {
            self.cspc[b].renege(slot as u64);
        }
        self.observe_borough(b, now);
        let p = &mut self.people[slot];
        p.epoch = p.epoch.wrapping_add(1);
        p.death_epoch = p.death_epoch.wrapping_add(1);
        p.terminal_epoch = p.terminal_epoch.wrapping_add(1);
        self.free_slots.push(slot as u32);
    }

    // ---- beds --------------------------------------------------------

    fn seek_bed(
        &mut self,
        slot: usize,
        priority: usize,
        sched: &mut Scheduler<CareEvent>,
    ) -> BedOutcome {
        let b = self.people[slot].borough as usize;
        // Someone already on a list is not a new request.
        if self.people[slot].ipu_waiting.is_none() {
            self.count_borough(b, |t| t.residents.ipu_requests += 1);
            if let Some(&home) = self.cfg.boroughs[b].site_order.first() {
                self.count_site(home, |t| t.residents.ipu_requests += 1);
            }
        }
        if let Some(bed) = self.find_free_bed(slot) {
            self.admit(slot, bed, priority, sched);
            return BedOutcome::Admitted;
        }
        let order = &self.cfg.boroughs[b].site_order;
        let now = sched.now();
        if self.people[slot].ipu_waiting.is_some() {
            return BedOutcome::Waiting;
        }
        let home = order.first().copied();
        let outcome = home.map(|h| self.ipu[h].request(slot as u64, priority, now));
        match (home, outcome) {
            (Some(h), Some(Request::Queued)) => {
                self.people[slot].ipu_waiting = Some(h as u16);
                self.observe_site(h, now.ticks());
                BedOutcome::Waiting
            }
            _ => {
                self.count_borough(b, |t| t.residents.ipu_turned_away += 1);
                if let Some(h) = home {
                    self.count_refusal(slot, h, now.ticks());
                }
                BedOutcome::Refused
            }
        }
    }

    /// A bed request refused at home site `h`: counted, and the staff the
    /// stay the person would have had there (to their own planned discharge
    /// or death) counted as demand.
    fn count_refusal(&mut self, slot: usize, h: usize, now: u64) {
        let sc = &self.cfg.sites[h];
        let stay = would_be_stay(&self.people[slot], now, &sc.discharge_after) as f64;
        let (nurses, consultants) = (
            sc.nurse_fte_per_bed * stay,
            sc.consultant_fte_per_bed * stay,
        );
        self.count_site(h, |t| {
            t.residents.ipu_turned_away += 1;
            t.units.refused_stay += stay;
            t.staff.demand_area[role::IPU_NURSE] += nurses;
            t.staff.demand_area[role::CONSULTANT] += consultants;
        });
    }

    /// Hospice at home wanted but no slot: counted, and the staff the
    /// episode would have needed (the mean terminal phase) counted as demand.
    fn count_unmet_hah(&mut self, b: usize) {
        let need = self.cfg.boroughs[b].hah_fte_per_patient * self.cfg.pathway.hah_episode_mean;
        self.count_borough(b, |t| {
            t.residents.hah_unmet += 1;
            t.staff.demand_area[role::HAH_NURSE] += need;
        });
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
    pub(super) fn find_free_bed(&self, slot: usize) -> Option<Bed> {
        let p = &self.people[slot];
        let b = p.borough as usize;
        let order = &self.cfg.boroughs[b].site_order;
        let free_ipu = order
            .iter()
            .find(|&&s| self.ipu[s].has_free_unit())
            .map(|&s| Bed::Ipu(s));
        let free_enhanced = self.enhanced[b].has_free_unit().then_some(Bed::Enhanced);
        match p.preference {
            Place::Hospice => free_ipu.or(free_enhanced),
            Place::EnhancedBed => free_enhanced.or(free_ipu),
            _ => self.nearby_bed(b, p.bed_choice).or(free_ipu),
        }
    }

    /// A free bed nearby (the borough's catchment site or its enhanced
    /// beds), each free bed equally likely given the uniform `choice`.
    fn nearby_bed(&self, b: usize, choice: f64) -> Option<Bed> {
        let free = |pool: &CapacityPool| {
            if pool.has_free_unit() {
                (pool.capacity() - pool.busy()) as f64
            } else {
                0.0
            }
        };
        let home = self.cfg.boroughs[b].site_order.first().copied();
        let at_home_site = home.map_or(0.0, |s| free(&self.ipu[s]));
        let enhanced = free(&self.enhanced[b]);
        match home {
            _ if at_home_site + enhanced == 0.0 => None,
            Some(s) if choice * (at_home_site + enhanced) < at_home_site => Some(Bed::Ipu(s)),
            _ if enhanced > 0.0 => Some(Bed::Enhanced),
            _ => None,
        }
    }

    /// Admits the person to a free `bed` found by [`Self::find_free_bed`].
    fn admit(&mut self, slot: usize, bed: Bed, priority: usize, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now();
        match bed {
            Bed::Ipu(s) => {
                self.ipu[s].request(slot as u64, priority, now);
                self.admit_ipu(slot, s, None, sched);
            }
            Bed::Enhanced => {
                let b = self.people[slot].borough as usize;
                self.leave_waiting_list(slot, false, now.ticks());
                self.enhanced[b].request(slot as u64, 0, now);
                self.admit_enhanced(slot, sched);
            }
        }
    }

    fn admit_ipu(
        &mut self,
        slot: usize,
        s: usize,
        waited: Option<u64>,
        sched: &mut Scheduler<CareEvent>,
    ) {
        let now = sched.now().ticks();
        let cfg = self.cfg;
        let site = &cfg.sites[s];
        self.leave_home(slot, now);
        self.relocate(slot, Location::Ipu(s as u16), now);
        let p = &mut self.people[slot];
        let b = p.borough as usize;
        p.ipu_waiting = None;
        set_stay_end(p, now, &site.discharge_after);
        let record = |t: &mut Tally| {
            t.residents.ipu_admissions += 1;
            if let Some(w) = waited {
                t.residents.ipu_from_list += 1;
                t.residents.ipu_wait_seconds += w as f64 / SECOND as f64;
            }
        };
        self.count_borough(b, record);
        self.count_site(s, record);
        self.observe_site(s, now);
        self.replan(slot, sched);
    }

    /// Admits `waiter` from site `s`'s list (they now hold a bed there).
    pub(super) fn admit_from_list(
        &mut self,
        waiter: Waiter,
        s: usize,
        sched: &mut Scheduler<CareEvent>,
    ) {
        let now = sched.now().ticks();
        let next = waiter.id as usize;
        if self.people[next].location == Location::Acute {
            self.people[next].stay_end = NEVER;
        }
        self.admit_ipu(next, s, Some(now - waiter.since.ticks()), sched);
    }

    fn admit_enhanced(&mut self, slot: usize, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now().ticks();
        let pw = &self.cfg.pathway;
        self.leave_home(slot, now);
        self.relocate(slot, Location::Enhanced, now);
        let p = &mut self.people[slot];
        let b = p.borough as usize;
        set_stay_end(p, now, &pw.enhanced_discharge_after);
        self.count_borough(b, |t| t.residents.enhanced_admissions += 1);
        self.observe_borough(b, now);
        self.replan(slot, sched);
    }

    /// A person leaving home for a bed (or dying) gives up their
    /// hospice-at-home slot.
    fn release_home_services(&mut self, slot: usize, now: u64) {
        let b = self.people[slot].borough as usize;
        if self.people[slot].hah {
            self.people[slot].hah = false;
            self.hah[b].release();
            self.observe_borough(b, now);
        }
    }

    /// Admits the person to acute hospital, until death or for an acute stay.
    pub(super) fn go_to_acute(
        &mut self,
        slot: usize,
        until_death: bool,
        sched: &mut Scheduler<CareEvent>,
    ) {
        let now = sched.now().ticks();
        self.leave_home(slot, now);
        let acute = self.cfg.pathway.acute_stay;
        self.relocate(slot, Location::Acute, now);
        let p = &mut self.people[slot];
        let b = p.borough as usize;
        p.stay_end = if until_death {
            NEVER
        } else {
            now.saturating_add(acute.ticks_at(p.stay_quantile))
        };
        self.count_borough(b, |t| t.residents.acute_admissions += 1);
        self.replan(slot, sched);
    }

    fn leave_ipu(&mut self, slot: usize, s: usize, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now().ticks();
        let stayed = now - self.people[slot].bed_since;
        self.count_site(s, |t| {
            t.units.stays_ended += 1;
            t.units.stay_seconds += stayed as f64 / SECOND as f64;
        });
        if let Some(next) = self.ipu[s].release() {
            self.admit_from_list(next, s, sched);
        }
        self.observe_site(s, now);
    }

    fn leave_enhanced(&mut self, slot: usize, now: u64) {
        let b = self.people[slot].borough as usize;
        self.enhanced[b].release();
        self.observe_borough(b, now);
    }

    fn leave_waiting_list(&mut self, slot: usize, died: bool, now: u64) {
        if let Some(s) = self.people[slot].ipu_waiting.take() {
            let s = s as usize;
            self.ipu[s].renege(slot as u64);
            self.observe_site(s, now);
            if died {
                let b = self.people[slot].borough as usize;
                self.count_borough(b, |t| t.residents.ipu_died_waiting += 1);
                self.count_site(s, |t| t.residents.ipu_died_waiting += 1);
            }
        }
    }

    // ---- bereavement ---------------------------------------------------

    fn refer_carer(&mut self, b: usize, sched: &mut Scheduler<CareEvent>) {
        let now = sched.now();
        self.count_borough(b, |t| t.residents.bereavement_referrals += 1);
        let id = self.next_carer;
        self.next_carer += 1;
        if self.bereavement.request(id, 0, now) == Request::Granted {
            self.start_bereavement(sched);
        }
        self.observe_bereavement(now.ticks());
    }

    pub(super) fn start_bereavement(&mut self, sched: &mut Scheduler<CareEvent>) {
        let d = self
            .cfg
            .pathway
            .bereavement_duration
            .ticks(&mut self.bereavement_rng);
        sched.schedule_in(d, CareEvent::BereavementEnds);
    }

    pub(super) fn on_bereavement_end(&mut self, sched: &mut Scheduler<CareEvent>) {
        if self.bereavement.release().is_some() {
            self.start_bereavement(sched);
        }
        self.observe_bereavement(sched.now().ticks());
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
    let m = cfg.boroughs[p.borough as usize].crisis_multiplier;
    let (base, late) = cfg.pathway.crisis_rates;
    let switch = p.death_at.saturating_sub(FORTNIGHT);
    if let Some(t) = next_two_rate_event(&mut p.rng, now, switch, base * m, late * m)
        && t < p.terminal_at.min(p.death_at)
    {
        sched.schedule_at(SimTime(t), CareEvent::Crisis(r));
    }
}

/// The person's next call to their advice line, by thinning: candidate
/// times at the peak rate are accepted with probability rate(t) / peak
/// (hour of week, last fortnight). No event is made for rejected candidates.
pub(super) fn schedule_call(
    cfg: &CareConfig,
    p: &mut Person,
    r: PersonRef,
    now: u64,
    sched: &mut Scheduler<CareEvent>,
) {
    let c = &cfg.calls;
    if cfg.boroughs[p.borough as usize].line.is_none() || c.per_patient <= 0.0 {
        return;
    }
    let late = c.late_multiplier.max(1.0);
    let peak = c.per_patient * c.peak * late;
    let switch = p.death_at.saturating_sub(FORTNIGHT);
    let mut t = now as f64;
    loop {
        let e: f64 = rand_distr::Distribution::sample(&rand_distr::Exp1, &mut p.rng);
        t += e / peak;
        if t >= p.death_at as f64 {
            return;
        }
        let at = SimTime(t as u64);
        let multiplier = if at.ticks() >= switch {
            c.late_multiplier
        } else {
            1.0
        };
        let rate = c.per_patient * c.hour_of_week[at.hour_of_week()] * multiplier;
        if p.rng.random::<f64>() * peak < rate {
            sched.schedule_at(at, CareEvent::PatientCall(r));
            return;
        }
    }
}
