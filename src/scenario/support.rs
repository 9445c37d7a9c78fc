//! Scenario tables of the supportive services the caseload refers to:
//! day hospice, out-patient clinics and psychological support. Each unit
//! serves the boroughs it lists; people taken onto a CSPC caseload in those
//! boroughs are referred with the unit's `referral_share`.

use super::units::{
    Cost, CostPerYear, Days, Fte, FtePerBed, Lowering, PatientsPerFte, Places, Share,
};
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
    pub places_per_day: Places,
    /// Days open a week (1–7).
    #[serde(default = "five")]
    pub days_open_per_week: u32,
    /// Days a week each person attends (1–7): the unit serves
    /// places × days open ÷ attendance days people at once.
    #[serde(default = "one_day")]
    pub attendance_days_per_week: u32,
    /// Share of people taken onto the caseload who are referred (0–1).
    pub referral_share: Share,
    /// Longest waiting list.
    #[serde(default = "long_list")]
    pub waiting_list: Places,
    /// Staff FTE per daily place (uplift included).
    pub staff_per_place: FtePerBed,
    /// Staff in post, FTE (default: enough for every place).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_fte: Option<Fte>,
    /// Relative crisis rate of people attending (0–1; 1 = no effect).
    #[serde(default = "one")]
    pub crisis_rr: Lowering,
    /// Relative chance that an attendee's carer needs bereavement support
    /// (0–1; 1 = no effect): the respite and support carers get.
    #[serde(default = "one")]
    pub carer_bereavement_rr: Lowering,
    /// Cost per attendance day.
    #[serde(default)]
    pub cost_per_attendance: Cost,
    /// The unit's yearly running cost beyond staff and attendances.
    #[serde(default)]
    pub cost_per_year: CostPerYear,
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
    pub first_appointments_per_session: Places,
    /// Appointments per session in all (first and follow-up), for costs.
    pub appointments_per_session: Places,
    /// Share of people taken onto the caseload who are referred (0–1).
    pub referral_share: Share,
    /// Longest waiting list for a first appointment.
    #[serde(default = "long_list")]
    pub waiting_list: Places,
    /// Clinician FTE per weekly session (uplift included).
    pub staff_per_session: FtePerBed,
    /// Clinicians in post, FTE (default: enough for every session).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_fte: Option<Fte>,
    /// Cost per appointment.
    #[serde(default)]
    pub cost_per_appointment: Cost,
    /// The clinic's yearly running cost beyond staff and appointments.
    #[serde(default)]
    pub cost_per_year: CostPerYear,
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
    pub staff_fte: Fte,
    /// Clients supported at once per FTE.
    pub clients_per_fte: PatientsPerFte,
    /// Sessions in a course of support.
    pub sessions: u32,
    /// Days between sessions.
    #[serde(default = "seven")]
    pub days_between_sessions: Days,
    /// Share of people taken onto the caseload who are referred (0–1).
    pub patient_referral_share: Share,
    /// Share of caseload patients' deaths whose carers are referred (0–1).
    pub carer_referral_share: Share,
    /// Longest waiting list.
    #[serde(default = "long_list")]
    pub waiting_list: Places,
    /// Cost per session.
    #[serde(default)]
    pub cost_per_session: Cost,
    /// The service's yearly running cost beyond staff and sessions.
    #[serde(default)]
    pub cost_per_year: CostPerYear,
}

fn five() -> u32 {
    5
}

fn one_day() -> u32 {
    1
}

fn one() -> Lowering {
    Lowering(1.0)
}

fn seven() -> Days {
    Days(7.0)
}

fn long_list() -> Places {
    Places(10_000)
}
