//! Regression tests for the care model's mechanics, one module per
//! mechanism (issue "Answers a planner can act on"). Each test is named
//! after the mechanism it pins and failed on the code before its fix.

use crate::common;

mod advice_lines;
mod beds;
mod calls;
mod scenario_changes;
mod staffing;
