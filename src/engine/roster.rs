//! A weekly roster: how many servers are on duty in each hour of the week.
//!
//! Paired with a [`CapacityPool`](super::pool::CapacityPool), it gives a
//! rostered server pool: at each change the model sets the pool's capacity
//! to [`Roster::staff_at`]; a server going off duty finishes the job in hand,
//! because the pool never evicts.

use super::time::SimTime;

/// Hours in a week.
pub const HOURS_PER_WEEK: usize = 168;

/// Servers on duty per hour of the week (index 0 = Monday 00:00–01:00).
#[derive(Debug, Clone, PartialEq)]
pub struct Roster {
    staff: [u32; HOURS_PER_WEEK],
}

impl Roster {
    /// The same number of servers every hour.
    pub fn constant(staff: u32) -> Self {
        Roster {
            staff: [staff; HOURS_PER_WEEK],
        }
    }

    /// A roster from 168 hourly values.
    pub fn from_hours(staff: [u32; HOURS_PER_WEEK]) -> Self {
        Roster { staff }
    }

    /// Servers on duty at `t`.
    pub fn staff_at(&self, t: SimTime) -> u32 {
        self.staff[t.hour_of_week()]
    }

    /// Servers on duty in hour-of-week `hour`.
    pub fn staff_in_hour(&self, hour: usize) -> u32 {
        self.staff[hour % HOURS_PER_WEEK]
    }

    /// Rostered server-hours in one week.
    pub fn hours_per_week(&self) -> u64 {
        self.staff.iter().map(|&s| s as u64).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::HOUR;

    #[test]
    fn staff_by_hour_of_week_and_weekly_hours() {
        let mut hours = [1; HOURS_PER_WEEK];
        hours[8..20].fill(3);
        let roster = Roster::from_hours(hours);
        assert_eq!(roster.staff_at(SimTime(9 * HOUR)), 3);
        assert_eq!(roster.staff_at(SimTime(20 * HOUR)), 1);
        assert_eq!(roster.staff_in_hour(168 + 8), 3);
        assert_eq!(roster.hours_per_week(), 168 + 24);
    }
}
