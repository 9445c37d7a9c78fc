//! Units of scenario values: each a type that knows its limits, its unit
//! and its meaning, checks itself when a scenario file is read, and shows
//! its limits and unit in the JSON Schema (`carecap schema`).
//!
//! A value out of its limits is refused where it is read, at its file, line
//! and column: `expected a share between 0 and 1, found 1.5`. Checks that
//! need more than the value itself (shares that sum to 1, names that refer
//! to other entries, a run's size) stay in
//! [`validate`](super::validate).
//!
//! The numbers are stored as they were written (an `f64` or `u32`) and
//! read back with `get()`; a value of a unit type is always within its
//! limits.

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;

/// A schema description as a sentence (capital first letter).
fn describe(text: String) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
}

/// Declares a real-valued unit: its name, limits, the words for a value of
/// it ("a share") and its unit for the schema.
macro_rules! real_unit {
    ($(#[$doc:meta])* $name:ident, $lo:expr, $hi:expr, $what:literal, $unit:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub(in crate::scenario) f64);

        impl $name {
            /// Smallest value allowed.
            pub const MIN: f64 = $lo;
            /// Largest value allowed.
            pub const MAX: f64 = $hi;

            /// `value` if it is within the limits; the problem in words otherwise.
            pub fn new(value: f64) -> Result<Self, String> {
                if (Self::MIN..=Self::MAX).contains(&value) {
                    Ok($name(value))
                } else {
                    Err(format!(
                        "expected {} between {} and {}, found {value}",
                        $what,
                        Self::MIN,
                        Self::MAX
                    ))
                }
            }

            /// The number.
            pub const fn get(self) -> f64 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            /// The number as written.
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $name::new(f64::deserialize(deserializer)?).map_err(D::Error::custom)
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({
                    "type": "number",
                    "minimum": $lo,
                    "maximum": $hi,
                    "description": describe(format!("{} ({}), from {} to {}.", $what, $unit, $lo as f64, $hi as f64)),
                })
            }
        }
    };
}

/// Declares a whole-number unit with an upper limit.
macro_rules! count_unit {
    ($(#[$doc:meta])* $name:ident, $hi:expr, $what:literal, $unit:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub(in crate::scenario) u32);

        impl $name {
            /// Largest value allowed.
            pub const MAX: u32 = $hi;

            /// `value` if it is within the limit; the problem in words otherwise.
            pub fn new(value: u32) -> Result<Self, String> {
                if value <= Self::MAX {
                    Ok($name(value))
                } else {
                    Err(format!(
                        "expected {} of at most {}, found {value}",
                        $what,
                        Self::MAX
                    ))
                }
            }

            /// The number.
            pub const fn get(self) -> u32 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            /// The number as written.
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $name::new(u32::deserialize(deserializer)?).map_err(D::Error::custom)
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({
                    "type": "integer",
                    "minimum": 0,
                    "maximum": $hi,
                    "description": describe(format!("{} ({}), a whole number from 0 to {}.", $what, $unit, $hi)),
                })
            }
        }
    };
}

real_unit!(
    /// A share: a fraction from 0 to 1 (0.25 is a quarter).
    Share, 0.0, 1.0, "a share", "fraction"
);
real_unit!(
    /// Staff as full-time equivalents.
    Fte, 0.0, 100_000.0, "FTE", "full-time equivalents"
);
real_unit!(
    /// Patients one full-time nurse holds on caseload at once.
    PatientsPerFte, 0.0, 10_000.0, "patients per FTE", "patients per full-time equivalent"
);
real_unit!(
    /// Staff on duty per bed, or full-time equivalents per bed.
    FtePerBed, 0.0, 10.0, "FTE per bed", "full-time equivalents per bed"
);
real_unit!(
    /// A relative rate that can only lower (1: no effect; 0.9: 10% less).
    Lowering, 0.0, 1.0, "a relative rate that can only lower", "ratio"
);
real_unit!(
    /// A multiplier on a rate (1 leaves it as it is).
    Multiplier, 0.0, 100.0, "a multiplier", "times"
);
real_unit!(
    /// A relative risk (1: no effect; below 1: less likely).
    RelativeRisk, 0.0, 10.0, "a relative risk", "ratio"
);
real_unit!(
    /// Events per person per week.
    PerWeek, 0.0, 100.0, "a rate per week", "per week"
);
real_unit!(
    /// A length of time in days.
    Days, 0.0, 3_650.0, "days", "days"
);
real_unit!(
    /// Hours in a day.
    HoursPerDay, 0.0, 24.0, "hours", "hours per day"
);
real_unit!(
    /// Contracted hours in a week.
    HoursPerWeek, 1.0, 80.0, "hours per week", "hours per week"
);
real_unit!(
    /// Extra staff on top of rostered cover, as a fraction of it (0.25 is a
    /// quarter more).
    Uplift, 0.0, 2.0, "an uplift", "fraction of rostered cover"
);
real_unit!(
    /// A share per year that may exceed 1 (recruits per year as a share of
    /// the posts to fill).
    SharePerYear, 0.0, 2.0, "a share per year", "fraction per year"
);
real_unit!(
    /// A unit cost (any currency): per bed-day, hour, call, visit or FTE-year.
    Cost, 0.0, 1e9, "a unit cost", "currency per unit"
);
real_unit!(
    /// A yearly cost (any currency).
    CostPerYear, 0.0, 1e12, "a cost per year", "currency per year"
);
real_unit!(
    /// Calls a day to a line.
    CallsPerDay, 0.0, 10_000.0, "calls per day", "calls per day"
);
real_unit!(
    /// Calls about one patient per day.
    CallsPerPatientDay, 0.0, 100.0, "calls per patient-day", "calls per patient per day"
);
real_unit!(
    /// A delay in minutes (at most a week).
    DelayMinutes, 0.0, 10_080.0, "minutes", "minutes"
);
real_unit!(
    /// Annual growth as a fraction (0.01 is 1% a year; negative: decline).
    Growth, -0.5, 0.5, "an annual growth", "fraction per year"
);
real_unit!(
    /// Deaths in a year in one borough.
    DeathsPerYear, 0.0, 2_000_000.0, "deaths per year", "deaths per year"
);
real_unit!(
    /// A length of time in years (a half-life, an interval between refreshers).
    Years, 0.0, 100.0, "years", "years"
);
count_unit!(
    /// A capacity or a waiting-list length: beds, slots or places.
    Places, 1_000_000, "a number of places", "beds, slots or places"
);

/// A calendar date, written as a TOML date (`from = 2027-04-01`) or, as
/// older files do, as the text `"2027-04-01"`. Only days the calendar has
/// are accepted (no 30 February; 29 February in leap years only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

/// Days in each month of a 365-day year.
const MONTH_DAYS: [i64; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

impl Date {
    /// The date `year`-`month`-`day` if the calendar has it (year 0–9999).
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(0..=9999).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days_in_month = if month == 2 && leap {
            29
        } else {
            MONTH_DAYS[month as usize - 1]
        };
        (1..=days_in_month).contains(&(day as i64)).then_some(Date {
            year,
            month: month as u8,
            day: day as u8,
        })
    }

    /// A date written `YYYY-MM-DD` (four-digit year, two-digit month and
    /// day) that the calendar has.
    pub fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let digits = |r: std::ops::Range<usize>| bytes[r].iter().all(u8::is_ascii_digit);
        if !(digits(0..4) && digits(5..7) && digits(8..10)) {
            return None;
        }
        Date::new(
            text[0..4].parse().ok()?,
            text[5..7].parse().ok()?,
            text[8..10].parse().ok()?,
        )
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// Days since 1 January of `start_year` on the simulation's calendar
    /// of 365-day years (29 February counts as 28 February).
    pub fn day_number(self, start_year: i32) -> i64 {
        let m = self.month as usize;
        let d = (self.day as i64).min(MONTH_DAYS[m - 1]);
        let before: i64 = MONTH_DAYS[..m - 1].iter().sum();
        (self.year as i64 - start_year as i64) * 365 + before + d - 1
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    /// As the text `YYYY-MM-DD`, which every format can hold and which
    /// reads back as the same date.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Date;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a date such as 2027-04-01")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Date, E> {
                Date::parse(text).ok_or_else(|| {
                    E::custom(format!(
                        "expected a date YYYY-MM-DD that is on the calendar (e.g. 2027-04-01), found {text:?}"
                    ))
                })
            }
            /// A TOML date read straight from the text (not from a parsed
            /// document, which hands dates over as text).
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Date, A::Error> {
                let at = toml::value::Datetime::deserialize(
                    serde::de::value::MapAccessDeserializer::new(map),
                )?;
                self.visit_str(&at.to_string())
            }
        }
        deserializer.deserialize_any(Visit)
    }
}

impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date",
            "description": "A calendar date, written as a TOML date (2027-04-01); the quoted form \"2027-04-01\" is also read.",
        })
    }
}

/// The currency every cost of a scenario is in, as printed before an
/// amount in reports: a symbol ("£", "$", "€") or a code ("CAD"), at most
/// six characters, no digits or spaces. Defaults to "£".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Currency(String);

impl Currency {
    /// The symbol or code as written.
    pub fn symbol(&self) -> &str {
        &self.0
    }

    /// `text` if it can stand before an amount.
    pub fn parse(text: &str) -> Option<Currency> {
        let n = text.chars().count();
        let fits = (1..=6).contains(&n)
            && text
                .chars()
                .all(|c| !c.is_whitespace() && !c.is_control() && !c.is_ascii_digit());
        fits.then(|| Currency(text.to_string()))
    }
}

impl Default for Currency {
    fn default() -> Self {
        Currency("£".into())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Currency::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "expected a currency symbol or code of 1 to 6 characters without digits or spaces (\"£\", \"$\", \"CAD\"), found {text:?}"
            ))
        })
    }
}

impl JsonSchema for Currency {
    fn schema_name() -> Cow<'static, str> {
        "Currency".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "minLength": 1,
            "maxLength": 6,
            "default": "£",
            "description": "The currency of every cost, printed before amounts in reports: a symbol (\"£\", \"$\", \"€\") or a code (\"CAD\").",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day_of(text: &str, start_year: i32) -> Option<i64> {
        Date::parse(text).map(|d| d.day_number(start_year))
    }

    #[test]
    fn dates_count_365_day_years_from_the_start_year() {
        assert_eq!(day_of("2025-01-01", 2025), Some(0));
        assert_eq!(day_of("2025-07-01", 2025), Some(181));
        assert_eq!(day_of("2026-01-01", 2025), Some(365));
        assert_eq!(day_of("2024-02-29", 2025), Some(-365 + 31 + 27));
        assert_eq!(day_of("2025-13-01", 2025), None);
        assert_eq!(day_of("July 2025", 2025), None);
        assert_eq!(day_of("2026-02-30", 2025), None);
        assert_eq!(day_of("2027-02-29", 2025), None);
        assert_eq!(day_of("2028-02-29", 2025), day_of("2028-02-28", 2025));
        assert_eq!(day_of("2100-02-29", 2025), None);
        assert_eq!(day_of("2000-02-29", 2025), Some(-25 * 365 + 31 + 27));
        assert_eq!(day_of("100000000000-01-01", 2025), None);
        assert_eq!(day_of("+202-01-01", 2025), None);
    }

    #[test]
    fn dates_read_as_toml_dates_and_as_text() {
        #[derive(Deserialize)]
        struct T {
            from: Date,
        }
        let direct: T = toml::from_str("from = 2027-04-01").unwrap();
        let text: T = toml::from_str("from = \"2027-04-01\"").unwrap();
        let parsed: toml::Table = "from = 2027-04-01".parse().unwrap();
        let via_value: T = toml::Value::Table(parsed).try_into().unwrap();
        assert_eq!(direct.from, Date::new(2027, 4, 1).unwrap());
        assert_eq!(text.from, direct.from);
        assert_eq!(via_value.from, direct.from);
        assert_eq!(direct.from.to_string(), "2027-04-01");
        for bad in [
            "from = 2027-04-01T10:00:00",
            "from = \"2027-02-30\"",
            "from = 5",
        ] {
            assert!(toml::from_str::<T>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn units_refuse_values_outside_their_limits() {
        assert_eq!(
            Share::new(1.5).unwrap_err(),
            "expected a share between 0 and 1, found 1.5"
        );
        assert!(Share::new(f64::NAN).is_err());
        assert_eq!(Share::new(0.25).map(Share::get), Ok(0.25));
        assert!(Growth::new(-0.1).is_ok() && Growth::new(-0.6).is_err());
        assert_eq!(
            Places::new(2_000_000).unwrap_err(),
            "expected a number of places of at most 1000000, found 2000000"
        );
    }
}
