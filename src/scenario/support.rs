//! Scenario tables of the supportive services the caseload refers to:
//! day hospice, out-patient clinics and psychological support. Each unit
//! serves the boroughs it lists; people taken onto a CSPC caseload in those
//! boroughs are referred with the unit's `referral_share`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `[[day_hospice]]`: a day hospice unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DayHospice {
    /// Unit name (unique).
    pub name: String,
    /// Boroughs whose caseload patients it serves.
    pub boroughs: Vec<String>,
    /// Places per day the unit is open.
    pub places_per_day: u32,
    /// Days open a week (1–7).
    #[serde(default = "five")]
    pub days_open_per_week: u32,
    /// Days a week each person attends (1–7): the unit serves
    /// places × days open ÷ attendance days people at once.
    #[serde(default = "one_day")]
    pub attendance_days_per_week: u32,
    /// Share of people taken onto the caseload who are referred (0–1).
    pub referral_share: f64,
    /// Longest waiting list.
    #[serde(default = "long_list")]
    pub waiting_list: u32,
    /// Staff FTE per daily place (uplift included).
    pub staff_per_place: f64,
    /// Staff in post, FTE (default: enough for every place).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_fte: Option<f64>,
    /// Relative crisis rate of people attending (0–1; 1 = no effect).
    #[serde(default = "one")]
    pub crisis_rr: f64,
    /// Relative chance that an attendee's carer needs bereavement support
    /// (0–1; 1 = no effect): the respite and support carers get.
    #[serde(default = "one")]
    pub carer_bereavement_rr: f64,
    /// Cost per attendance day.
    #[serde(default)]
    pub cost_per_attendance: f64,
    /// The unit's yearly running cost beyond staff and attendances.
    #[serde(default)]
    pub cost_per_year: f64,
}

/// `[[outpatient_clinic]]`: specialist palliative care out-patient clinics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutpatientClinic {
    /// Clinic name (unique).
    pub name: String,
    /// Boroughs whose caseload patients it serves.
    pub boroughs: Vec<String>,
    /// Clinic sessions a week (spread over weekdays, mornings then
    /// afternoons).
    pub sessions_per_week: u32,
    /// First appointments (new patients) per session; the rest of a
    /// session is follow-ups.
    pub first_appointments_per_session: u32,
    /// Appointments per session in all (first and follow-up), for costs.
    pub appointments_per_session: u32,
    /// Share of people taken onto the caseload who are referred (0–1).
    pub referral_share: f64,
    /// Longest waiting list for a first appointment.
    #[serde(default = "long_list")]
    pub waiting_list: u32,
    /// Clinician FTE per weekly session (uplift included).
    pub staff_per_session: f64,
    /// Clinicians in post, FTE (default: enough for every session).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_fte: Option<f64>,
    /// Cost per appointment.
    #[serde(default)]
    pub cost_per_appointment: f64,
    /// The clinic's yearly running cost beyond staff and appointments.
    #[serde(default)]
    pub cost_per_year: f64,
}

/// `[[psychological_support]]`: a psychological support service for
/// patients and carers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PsychologicalSupport {
    /// Service name (unique).
    pub name: String,
    /// Boroughs it serves.
    pub boroughs: Vec<String>,
    /// Psychologists and counsellors in post, FTE.
    pub staff_fte: f64,
    /// Clients supported at once per FTE.
    pub clients_per_fte: f64,
    /// Sessions in a course of support.
    pub sessions: u32,
    /// Days between sessions.
    #[serde(default = "seven")]
    pub days_between_sessions: f64,
    /// Share of people taken onto the caseload who are referred (0–1).
    pub patient_referral_share: f64,
    /// Share of caseload patients' deaths whose carers are referred (0–1).
    pub carer_referral_share: f64,
    /// Longest waiting list.
    #[serde(default = "long_list")]
    pub waiting_list: u32,
    /// Cost per session.
    #[serde(default)]
    pub cost_per_session: f64,
    /// The service's yearly running cost beyond staff and sessions.
    #[serde(default)]
    pub cost_per_year: f64,
}

fn five() -> u32 {
    5
}

fn one_day() -> u32 {
    1
}

fn one() -> f64 {
    1.0
}

fn seven() -> f64 {
    7.0
}

fn long_list() -> u32 {
    10_000
}
