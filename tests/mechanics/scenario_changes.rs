//! Scenario changes: ramps from the value in force, demand projections, units that open.
