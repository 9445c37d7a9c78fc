//! Plain labels: every metric and staff role in planners' words, with its
//! unit, in one table used everywhere a person reads a number (the report,
//! its charts, the terminal summary, `metrics.csv`, `results.xlsx`). The
//! table also says what kind of number each metric is, which decides how
//! it is printed (money in the scenario's currency with thousands
//! separators, waits in minutes or days as fits, sensible decimals) and
//! the range its intervals must stay in. Money is printed with the
//! currency the caller passes (`[costs] currency`, "£" by default).
//!
//! A test checks that every key is a real metric
//! ([`METRICS`](crate::model::METRICS) or
//! [`BY_HOUR_METRICS`](crate::model::advice::BY_HOUR_METRICS)) and every
//! metric has a label.

/// What kind of number a metric is: how it prints, and its range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Whole events counted in a year (people, deaths, calls): 0 or more.
    Count,
    /// A time-average level (people at once, beds, slots): 0 or more.
    Level,
    /// A percentage, 0 to 100.
    Pct,
    /// A wait or stay in days.
    Days,
    /// A wait in seconds.
    Seconds,
    /// Full-time equivalents in post or needed: 0 or more.
    Fte,
    /// A difference of full-time equivalents (either sign).
    Gap,
    /// Money a year, in the scenario's currency: 0 or more.
    Money,
}

impl Kind {
    /// The unit written after the label; money is in `currency`.
    pub fn unit(self, currency: &str) -> String {
        match self {
            Kind::Count => "a year".into(),
            Kind::Level => "at once, time-average".into(),
            Kind::Pct => "%".into(),
            Kind::Days => "days".into(),
            Kind::Seconds => "seconds".into(),
            Kind::Fte | Kind::Gap => "FTE".into(),
            Kind::Money => format!("{currency} a year"),
        }
    }

    /// The range a mean (and so its interval) cannot leave: low, high.
    pub fn range(self) -> (f64, f64) {
        match self {
            Kind::Pct => (0.0, 100.0),
            Kind::Gap => (f64::NEG_INFINITY, f64::INFINITY),
            _ => (0.0, f64::INFINITY),
        }
    }
}

/// One metric's label: (metric name, label in planners' words, kind).
pub type Label = (&'static str, &'static str, Kind);

use Kind::*;

/// Every metric's label (by-hour metrics included), in the metric table's order.
pub const LABELS: &[Label] = &[
    ("referrals", "Referrals to community palliative care", Count),
    ("deaths", "Deaths of residents", Count),
    ("deaths_home", "Deaths at home", Count),
    ("deaths_care_home", "Deaths in a care home", Count),
    ("deaths_hospice", "Deaths in a hospice bed", Count),
    (
        "deaths_enhanced_bed",
        "Deaths in an enhanced end-of-life bed",
        Count,
    ),
    ("deaths_hospital", "Deaths in hospital", Count),
    (
        "cspc_deaths",
        "Deaths of people on the community caseload",
        Count,
    ),
    ("cspc_deaths_home", "Caseload patients dying at home", Count),
    (
        "cspc_deaths_care_home",
        "Caseload patients dying in a care home",
        Count,
    ),
    (
        "cspc_deaths_hospice",
        "Caseload patients dying in a hospice bed",
        Count,
    ),
    (
        "cspc_deaths_enhanced_bed",
        "Caseload patients dying in an enhanced bed",
        Count,
    ),
    (
        "cspc_deaths_hospital",
        "Caseload patients dying in hospital",
        Count,
    ),
    (
        "cspc_deaths_home_pct",
        "Caseload patients dying at home",
        Pct,
    ),
    (
        "cspc_deaths_hospital_pct",
        "Caseload patients dying in hospital",
        Pct,
    ),
    (
        "preferred_place_met_pct",
        "Caseload patients who died where they preferred",
        Pct,
    ),
    (
        "died_waiting",
        "People who died waiting (caseload place or hospice bed)",
        Count,
    ),
    (
        "cspc_died_waiting",
        "People who died waiting for a caseload place",
        Count,
    ),
    (
        "ipu_died_waiting",
        "People who died waiting for a hospice bed",
        Count,
    ),
    (
        "cspc_caseload_mean",
        "People on the community caseload",
        Level,
    ),
    ("cspc_capacity_mean", "Community caseload places", Level),
    (
        "cspc_waiting_mean",
        "People waiting for a caseload place",
        Level,
    ),
    ("cspc_wait_days_mean", "Wait for a caseload place", Days),
    ("cspc_visits", "Community nurse home visits", Count),
    ("crises", "Crises among caseload patients", Count),
    ("ipu_admissions", "Hospice bed admissions", Count),
    ("ipu_turned_away", "Hospice bed requests turned away", Count),
    ("ipu_wait_days_mean", "Wait for a hospice bed", Days),
    ("ipu_occupancy_mean", "Hospice beds occupied", Level),
    (
        "ipu_waiting_mean",
        "People on the hospice bed waiting list",
        Level,
    ),
    (
        "ipu_occupancy_p95",
        "Hospice beds occupied, busiest 5% of the time",
        Level,
    ),
    (
        "ipu_occupancy_pct",
        "Hospice bed occupancy (occupied ÷ staffed beds)",
        Pct,
    ),
    (
        "ipu_staffed_beds_mean",
        "Hospice beds staffed and open",
        Level,
    ),
    ("ipu_los_days_mean", "Hospice length of stay", Days),
    ("ipu_deaths", "Deaths in the hospice unit", Count),
    (
        "ipu_refused_bed_days",
        "Hospice bed-days refused requests would have used",
        Count,
    ),
    (
        "enhanced_admissions",
        "Enhanced end-of-life bed admissions",
        Count,
    ),
    (
        "enhanced_occupancy_mean",
        "Enhanced end-of-life beds occupied",
        Level,
    ),
    ("hah_patients", "People cared for by hospice at home", Count),
    (
        "hah_unmet",
        "People who wanted hospice at home but found no place",
        Count,
    ),
    ("hah_occupancy_mean", "Hospice-at-home patients", Level),
    ("hah_slots_mean", "Hospice-at-home places staffed", Level),
    (
        "acute_admissions",
        "Emergency hospital admissions of caseload patients",
        Count,
    ),
    (
        "bereavement_referrals",
        "Carers referred to bereavement support",
        Count,
    ),
    (
        "bereavement_waiting_mean",
        "Carers waiting for bereavement support",
        Level,
    ),
    ("calls", "Calls to the advice line", Count),
    (
        "calls_answered_in_target_pct",
        "Calls answered within the target time",
        Pct,
    ),
    ("calls_waited_pct", "Calls that had to queue", Pct),
    (
        "calls_abandoned_pct",
        "Callers who hung up before an answer",
        Pct,
    ),
    ("call_wait_seconds_mean", "Wait for an answer", Seconds),
    (
        "call_wait_seconds_p90",
        "Wait for an answer, 9 calls in 10 within",
        Seconds,
    ),
    ("handler_utilisation_pct", "Call handlers' time busy", Pct),
    ("callbacks", "Callbacks to callers who hung up", Count),
    ("call_ambulances", "Ambulances called after a call", Count),
    (
        "fte_demand_cspc_nurse",
        "Community palliative care nurses needed",
        Fte,
    ),
    (
        "fte_supply_cspc_nurse",
        "Community palliative care nurses in post",
        Fte,
    ),
    (
        "fte_gap_cspc_nurse",
        "Community palliative care nurses short",
        Gap,
    ),
    (
        "fte_demand_hah_nurse",
        "Hospice-at-home nurses and carers needed",
        Fte,
    ),
    (
        "fte_supply_hah_nurse",
        "Hospice-at-home nurses and carers in post",
        Fte,
    ),
    (
        "fte_gap_hah_nurse",
        "Hospice-at-home nurses and carers short",
        Gap,
    ),
    (
        "fte_demand_ipu_nurse",
        "Hospice in-patient nurses needed",
        Fte,
    ),
    (
        "fte_supply_ipu_nurse",
        "Hospice in-patient nurses in post",
        Fte,
    ),
    ("fte_gap_ipu_nurse", "Hospice in-patient nurses short", Gap),
    (
        "fte_demand_consultant",
        "Palliative medicine consultants needed",
        Fte,
    ),
    (
        "fte_supply_consultant",
        "Palliative medicine consultants in post",
        Fte,
    ),
    (
        "fte_gap_consultant",
        "Palliative medicine consultants short",
        Gap,
    ),
    ("fte_demand_advice_nurse", "Advice-line nurses needed", Fte),
    ("fte_supply_advice_nurse", "Advice-line nurses in post", Fte),
    ("fte_gap_advice_nurse", "Advice-line nurses short", Gap),
    ("fte_short_roles", "Staff roles short somewhere", Level),
    (
        "fte_shortfall_total",
        "Staff short, counting shortfalls only",
        Fte,
    ),
    (
        "acute_occupancy_mean",
        "Caseload patients in hospital beds",
        Level,
    ),
    (
        "ipu_turned_away_pct",
        "Hospice bed requests turned away",
        Pct,
    ),
    ("cost_acute", "Hospital bed-day cost", Money),
    ("cost_staff", "Staff cost", Money),
    ("cost_beds", "Beds and places available cost", Money),
    ("cost_activity", "Activity cost", Money),
    ("cost_programmes", "Programme cost", Money),
    ("cost_total", "Total cost", Money),
    ("handlers_on_duty_mean", "Call handlers on duty", Level),
    ("day_hospice_referrals", "Referred to day hospice", Count),
    ("day_hospice_starts", "Started at day hospice", Count),
    ("day_hospice_attending_mean", "Attending day hospice", Level),
    (
        "day_hospice_attendances",
        "Day hospice attendance days",
        Count,
    ),
    ("day_hospice_waiting_mean", "Waiting for day hospice", Level),
    ("day_hospice_wait_days_mean", "Wait for day hospice", Days),
    (
        "day_hospice_died_waiting",
        "Died waiting for day hospice",
        Count,
    ),
    ("day_hospice_unmet", "Turned away by day hospice", Count),
    (
        "fte_demand_day_hospice_nurse",
        "Day hospice staff needed",
        Fte,
    ),
    (
        "fte_supply_day_hospice_nurse",
        "Day hospice staff in post",
        Fte,
    ),
    ("fte_gap_day_hospice_nurse", "Day hospice staff short", Gap),
    (
        "outpatient_referrals",
        "Referred to out-patient clinics",
        Count,
    ),
    (
        "outpatient_first_appointments",
        "First clinic appointments",
        Count,
    ),
    (
        "outpatient_waiting_mean",
        "Waiting for a first clinic appointment",
        Level,
    ),
    (
        "outpatient_wait_days_mean",
        "Wait for a first clinic appointment",
        Days,
    ),
    (
        "outpatient_died_waiting",
        "Died waiting for a clinic appointment",
        Count,
    ),
    ("outpatient_unmet", "Turned away by clinics", Count),
    ("outpatient_sessions", "Clinic sessions held", Count),
    (
        "fte_demand_outpatient_clinician",
        "Clinic clinicians needed",
        Fte,
    ),
    (
        "fte_supply_outpatient_clinician",
        "Clinic clinicians in post",
        Fte,
    ),
    (
        "fte_gap_outpatient_clinician",
        "Clinic clinicians short",
        Gap,
    ),
    (
        "psych_referrals",
        "Referred to psychological support",
        Count,
    ),
    (
        "psych_started",
        "Psychological support courses started",
        Count,
    ),
    ("psych_clients_mean", "In psychological support", Level),
    (
        "psych_waiting_mean",
        "Waiting for psychological support",
        Level,
    ),
    (
        "psych_wait_days_mean",
        "Wait for psychological support",
        Days,
    ),
    ("psych_unmet", "Psychological support needs unmet", Count),
    ("fte_demand_psychologist", "Psychologists needed", Fte),
    ("fte_supply_psychologist", "Psychologists in post", Fte),
    ("fte_gap_psychologist", "Psychologists short", Gap),
    (
        "partner_referrals",
        "Referred to a community partner",
        Count,
    ),
    (
        "partner_starts",
        "Started support by a community partner",
        Count,
    ),
    (
        "partner_supported_mean",
        "Supported by community partners",
        Level,
    ),
    (
        "partner_waiting_mean",
        "Waiting for a community partner",
        Level,
    ),
    (
        "partner_unmet",
        "Not supported by a community partner (list full or died waiting)",
        Count,
    ),
    ("partner_places_mean", "Community partner places", Level),
    (
        "fte_demand_community_partner",
        "Community partners needed",
        Fte,
    ),
    (
        "fte_supply_community_partner",
        "Community partners in post",
        Fte,
    ),
    ("fte_gap_community_partner", "Community partners short", Gap),
    ("coordinated", "Coordinated in primary care", Count),
    (
        "coordination_unmet",
        "Not coordinated: coordinators' caseload full",
        Count,
    ),
    (
        "coordinated_referrals",
        "Referrals of coordinated people",
        Count,
    ),
    (
        "referral_to_death_days_mean",
        "Time from referral to death",
        Days,
    ),
    ("coordinated_mean", "Coordinated at once", Level),
    (
        "fte_demand_care_coordinator",
        "Care coordinators needed",
        Fte,
    ),
    (
        "fte_supply_care_coordinator",
        "Care coordinators in post",
        Fte,
    ),
    ("fte_gap_care_coordinator", "Care coordinators short", Gap),
    (
        "care_home_admissions",
        "Admitted to a care-home bed at the end of life",
        Count,
    ),
    (
        "care_home_residents_mean",
        "Care-home residents at the end of life",
        Level,
    ),
    (
        "care_home_waiting_mean",
        "Waiting for a care-home bed",
        Level,
    ),
    (
        "care_home_died_waiting",
        "Died waiting for a care-home bed",
        Count,
    ),
    (
        "care_home_transfers",
        "Care-home residents transferred to hospital",
        Count,
    ),
    (
        "care_home_resident_deaths",
        "Deaths of care-home residents",
        Count,
    ),
    (
        "care_home_deaths_in_home",
        "Care-home residents who died in their home",
        Count,
    ),
    (
        "care_home_deaths_hospital",
        "Care-home residents who died in hospital",
        Count,
    ),
    (
        "care_home_deaths_elsewhere",
        "Care-home residents who died in a hospice or enhanced bed",
        Count,
    ),
    (
        "care_home_beds",
        "Care-home beds for the end of life",
        Level,
    ),
    ("care_home_occupancy_pct", "Care-home bed occupancy", Pct),
    (
        "coached_people",
        "People whose care home or community organisation had been coached",
        Count,
    ),
    (
        "coaching_organisations_started",
        "Organisations coached so far",
        Level,
    ),
    (
        "coaching_capability_mean",
        "Palliative capability of organisations (0 to 1)",
        Level,
    ),
    ("coaches", "Clinical coaches employed", Level),
];

/// Staff roles in planners' words: (role id, plural label).
pub const ROLE_LABELS: [(&str, &str); 10] = [
    ("cspc_nurse", "Community palliative care nurses"),
    ("hah_nurse", "Hospice-at-home nurses and carers"),
    ("ipu_nurse", "Hospice in-patient nurses"),
    ("consultant", "Palliative medicine consultants"),
    ("advice_nurse", "Advice-line nurses"),
    ("day_hospice_nurse", "Day hospice nurses and carers"),
    ("outpatient_clinician", "Out-patient clinicians"),
    ("psychologist", "Psychologists and counsellors"),
    (
        "community_partner",
        "Community partners (patients and citizens)",
    ),
    ("care_coordinator", "Care coordinators in primary care"),
];

/// The label entry of `metric`, if it has one.
pub fn entry(metric: &str) -> Option<&'static Label> {
    LABELS.iter().find(|(m, _, _)| *m == metric)
}

/// The plain label of `metric` (the name itself if it has none).
pub fn label(metric: &str) -> String {
    entry(metric).map_or_else(|| metric.to_string(), |e| e.1.to_string())
}

/// Which way is better for `metric`: `Some(true)` when more is better,
/// `Some(false)` when less is, `None` when neither (a count of referrals or
/// admissions is demand met, not a gain or a loss in itself).
pub fn higher_is_better(metric: &str) -> Option<bool> {
    const HIGHER: &[&str] = &[
        "preferred_place_met_pct",
        "cspc_deaths_home_pct",
        "calls_answered_in_target_pct",
    ];
    const LOWER: &[&str] = &[
        "deaths_hospital",
        "care_home_transfers",
        "care_home_deaths_hospital",
        "care_home_died_waiting",
        "cspc_deaths_hospital",
        "cspc_deaths_hospital_pct",
        "died_waiting",
        "cspc_died_waiting",
        "ipu_died_waiting",
        "crises",
        "cspc_waiting_mean",
        "cspc_wait_days_mean",
        "ipu_turned_away",
        "ipu_turned_away_pct",
        "ipu_wait_days_mean",
        "ipu_waiting_mean",
        "ipu_refused_bed_days",
        "hah_unmet",
        "acute_admissions",
        "acute_occupancy_mean",
        "cost_acute",
        "bereavement_waiting_mean",
        "calls_waited_pct",
        "calls_abandoned_pct",
        "call_wait_seconds_mean",
        "call_wait_seconds_p90",
        "day_hospice_waiting_mean",
        "day_hospice_wait_days_mean",
        "day_hospice_died_waiting",
        "day_hospice_unmet",
        "outpatient_waiting_mean",
        "outpatient_wait_days_mean",
        "outpatient_died_waiting",
        "outpatient_unmet",
        "psych_waiting_mean",
        "psych_wait_days_mean",
        "psych_unmet",
        "fte_short_roles",
        "fte_shortfall_total",
        "cost_staff",
        "cost_beds",
        "cost_activity",
        "cost_programmes",
        "cost_total",
    ];
    if HIGHER.contains(&metric) {
        Some(true)
    } else if LOWER.contains(&metric) {
        Some(false)
    } else {
        None
    }
}

/// The kind of `metric` (a count when unknown: never negative).
pub fn kind(metric: &str) -> Kind {
    entry(metric).map_or(Kind::Count, |e| e.2)
}

/// "Label (unit)", e.g. "Wait for a caseload place (days)"; money is in
/// `currency`.
pub fn with_unit(metric: &str, currency: &str) -> String {
    format!("{} ({})", label(metric), kind(metric).unit(currency))
}

/// `symbol` before an amount: "£1,234", or "CAD 1,234" for a code (a
/// currency ending in a letter).
pub fn money(currency: &str, amount: &str) -> String {
    if currency.ends_with(|c: char| c.is_alphabetic() && c.is_ascii()) {
        format!("{currency} {amount}")
    } else {
        format!("{currency}{amount}")
    }
}

/// The plain name of a staff role (the id itself if unknown).
pub fn role(role: &str) -> &str {
    ROLE_LABELS
        .iter()
        .find(|(r, _)| *r == role)
        .map_or(role, |r| r.1)
}

/// `x` with thousands separators and `decimals` decimals: 12,345.6.
pub fn thousands(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let s = format!("{:.*}", decimals, x.abs());
    let (int, frac) = s
        .split_once('.')
        .map_or((s.as_str(), None), |(a, b)| (a, Some(b)));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    let negative = x < 0.0 && out.chars().any(|c| c.is_ascii_digit() && c != '0');
    if negative { format!("−{out}") } else { out }
}

/// Decimals that suit a number of this size: none from 100, one from 1,
/// two below.
fn decimals(x: f64) -> usize {
    let a = x.abs();
    if a >= 100.0 {
        0
    } else if a >= 1.0 {
        1
    } else {
        2
    }
}

/// How a wait is shown: the scale (seconds per unit) and its name, chosen
/// from the size of `seconds` (minutes under two hours, hours under two
/// days, then days; seconds under two minutes).
fn wait_scale(seconds: f64) -> (f64, &'static str) {
    let a = seconds.abs();
    if a < 120.0 {
        (1.0, "s")
    } else if a < 7_200.0 {
        (60.0, "min")
    } else if a < 2.0 * 86_400.0 {
        (3_600.0, "hours")
    } else {
        (86_400.0, "days")
    }
}

/// A value of `kind`, as a person reads it: "£1,234,567", "12.3%",
/// "4.5 days", "3.2 min", "1,234"; money is in `currency`.
pub fn value(kind: Kind, x: f64, currency: &str) -> String {
    interval(kind, x, None, currency)
}

/// A value with its interval, in the same unit: "12.3% (11.0–13.6%)",
/// "£1,234 (£1,100–£1,400)", "4.5 days (3.9–5.1)"; money is in `currency`.
pub fn interval(kind: Kind, x: f64, ci: Option<(f64, f64)>, currency: &str) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let ci = ci.filter(|(lo, hi)| lo.is_finite() && hi.is_finite());
    let (scale, unit): (f64, &str) = match kind {
        Kind::Days => wait_scale(x * 86_400.0),
        Kind::Seconds => wait_scale(x),
        _ => (1.0, ""),
    };
    let to_seconds = match kind {
        Kind::Days => 86_400.0,
        _ => 1.0,
    };
    let show = |v: f64, d: usize| -> String {
        match kind {
            Kind::Money => {
                if v < 0.0 {
                    format!("−{}", money(currency, &thousands(-v, 0)))
                } else {
                    money(currency, &thousands(v, 0))
                }
            }
            Kind::Pct => thousands(v, d.min(1)),
            Kind::Days | Kind::Seconds => thousands(v * to_seconds / scale, d.min(1)),
            Kind::Fte | Kind::Gap => thousands(v, d.min(1)),
            Kind::Count | Kind::Level => thousands(v, d),
        }
    };
    let scaled = |v: f64| match kind {
        Kind::Days | Kind::Seconds => v * to_seconds / scale,
        _ => v,
    };
    let d = decimals(scaled(x)).max(ci.map_or(0, |(lo, hi)| {
        // Enough decimals that the interval's ends differ from the mean.
        if (scaled(hi) - scaled(lo)).abs() < 1.0 && decimals(scaled(x)) < 1 {
            1
        } else {
            0
        }
    }));
    let suffix = match kind {
        Kind::Pct => "%".to_string(),
        Kind::Days | Kind::Seconds => format!(" {unit}"),
        _ => String::new(),
    };
    match ci {
        None => format!("{}{suffix}", show(x, d)),
        Some((lo, hi)) => format!(
            "{}{suffix} ({}{}{}{})",
            show(x, d),
            show(lo, d),
            if lo < 0.0 || hi < 0.0 { " to " } else { "–" },
            show(hi, d),
            if kind == Kind::Pct { "%" } else { "" }
        ),
    }
}

/// A signed difference of `kind`, each end signed too: "+2.1 pt (+1.5 to
/// +2.7)" (percentage points), "−£1,234 (−£2,000 to −£400)", "+4.5 days";
/// money is in `currency`.
pub fn difference(kind: Kind, x: f64, ci: Option<(f64, f64)>, currency: &str) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let signed = |v: f64| -> String {
        let body = match kind {
            Kind::Pct => format!("{} pt", thousands(v.abs(), decimals(x).min(1))),
            _ => value(kind, v.abs(), currency),
        };
        if v > 0.0 && body.chars().any(|c| c.is_ascii_digit() && c != '0') {
            format!("+{body}")
        } else if v < 0.0 && body.chars().any(|c| c.is_ascii_digit() && c != '0') {
            format!("−{body}")
        } else {
            body
        }
    };
    match ci.filter(|(lo, hi)| lo.is_finite() && hi.is_finite()) {
        None => signed(x),
        Some((lo, hi)) => {
            let strip = |s: String| match kind {
                Kind::Pct => s.trim_end_matches(" pt").to_string(),
                _ => s,
            };
            format!(
                "{} ({} to {})",
                signed(x),
                strip(signed(lo)),
                strip(signed(hi))
            )
        }
    }
}

/// The label table as `metrics.csv`, the results folder's data dictionary:
/// `name,label,unit,definition,area_types`, one row per metric (and per
/// by-hour metric that is not also a yearly one); money is in `currency`.
pub fn dictionary_csv(currency: &str) -> String {
    use crate::model::METRICS;
    use crate::model::metrics::AreaKind;
    use crate::report::tables::csv_field;
    let mut out = String::from("name,label,unit,definition,area_types\n");
    for def in &METRICS {
        let (name, scope, doc) = (def.name, def.scope, def.doc);
        let kind = kind(name);
        let mut types = vec!["region"];
        for (k, t) in [
            (AreaKind::Borough, "borough"),
            (AreaKind::Site, "site"),
            (AreaKind::Line, "line"),
            (AreaKind::Segment, "segment"),
        ] {
            if scope.covers(k) {
                types.push(t);
            }
        }
        out += &format!(
            "{},{},{},{},{}\n",
            name,
            csv_field(&label(name)),
            csv_field(&kind.unit(currency)),
            csv_field(doc),
            types.join(" ")
        );
    }
    for name in crate::model::advice::BY_HOUR_METRICS
        .into_iter()
        .filter(|n| !METRICS.iter().any(|m| m.name == *n))
    {
        out += &format!(
            "{},{},{},{},{}\n",
            name,
            csv_field(&label(name)),
            csv_field(&kind(name).unit(currency)),
            csv_field(&format!(
                "By hour of day (by_hour.csv): {}",
                label(name).to_lowercase()
            )),
            "region line"
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::METRICS;
    use crate::model::advice::BY_HOUR_METRICS;
    use crate::model::workforce::ROLES;

    #[test]
    fn every_label_is_a_metric_and_every_metric_has_a_label() {
        for (name, label, _) in LABELS {
            assert!(
                METRICS.iter().any(|m| m.name == *name) || BY_HOUR_METRICS.contains(name),
                "label for {name} ({label}), which is no metric"
            );
            assert!(!label.contains('_'), "{label} is not in planners' words");
        }
        for name in METRICS.iter().map(|m| m.name) {
            assert!(entry(name).is_some(), "{name} has no label");
        }
        for name in BY_HOUR_METRICS {
            assert!(entry(name).is_some(), "{name} has no label");
        }
        let mut names: Vec<&str> = LABELS.iter().map(|l| l.0).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), LABELS.len(), "a metric labelled twice");
        for r in ROLES {
            assert_ne!(role(r), r, "role {r} has no label");
        }
    }

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(thousands(1_234_567.4, 0), "1,234,567");
        assert_eq!(thousands(-1234.5, 1), "−1,234.5");
        assert_eq!(thousands(999.0, 0), "999");
        assert_eq!(value(Kind::Money, 12_345_678.9, "£"), "£12,345,679");
        assert_eq!(value(Kind::Pct, 84.56, "£"), "84.6%");
        assert_eq!(value(Kind::Days, 12.34, "£"), "12.3 days");
        assert_eq!(value(Kind::Days, 0.5, "£"), "12.0 hours");
        assert_eq!(value(Kind::Seconds, 30.0, "£"), "30.0 s");
        assert_eq!(value(Kind::Seconds, 300.0, "£"), "5.0 min");
        assert_eq!(value(Kind::Count, 1234.4, "£"), "1,234");
        assert_eq!(value(Kind::Count, 0.25, "£"), "0.25");
        assert_eq!(
            interval(Kind::Pct, 84.56, Some((80.0, 90.0)), "£"),
            "84.6% (80.0–90.0%)"
        );
        assert_eq!(
            interval(Kind::Count, 1234.0, Some((1200.4, 1300.0)), "£"),
            "1,234 (1,200–1,300)"
        );
        assert_eq!(difference(Kind::Pct, 2.0, None, "£"), "+2.0 pt");
        assert_eq!(difference(Kind::Money, -1500.0, None, "£"), "−£1,500");
        assert_eq!(
            difference(Kind::Pct, 2.04, Some((1.66, 2.41)), "£"),
            "+2.0 pt (+1.7 to +2.4)"
        );
        assert_eq!(
            difference(Kind::Count, -3.8, Some((-6.63, 0.97)), "£"),
            "−3.8 (−6.6 to +0.97)"
        );
        assert_eq!(value(Kind::Count, f64::NAN, "£"), "–");
        // Another currency: a symbol stands close, a code apart.
        assert_eq!(value(Kind::Money, 1500.0, "$"), "$1,500");
        assert_eq!(difference(Kind::Money, -1500.0, None, "CAD"), "−CAD 1,500");
        assert_eq!(Kind::Money.unit("€"), "€ a year");
    }

    #[test]
    fn the_dictionary_has_a_row_per_metric() {
        let text = dictionary_csv("£");
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        let extra = BY_HOUR_METRICS
            .iter()
            .filter(|n| !METRICS.iter().any(|m| m.name == **n))
            .count();
        assert_eq!(rows.len(), METRICS.len() + extra);
        let mut names: Vec<&str> = rows.iter().map(|r| r.get(0).unwrap()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), rows.len(), "a metric listed twice");
        let wait = rows
            .iter()
            .find(|r| &r[0] == "cspc_wait_days_mean")
            .unwrap();
        assert_eq!(&wait[2], "days");
        assert_eq!(&wait[4], "region borough segment");
    }
}
