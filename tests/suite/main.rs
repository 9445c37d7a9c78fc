//! carecap's integration tests in one binary, a module per behaviour
//! (one test binary links once; sixteen took most of the build on two
//! cores). Run one behaviour with e.g. `cargo test --test suite fuzz`.

mod common;

mod bad_input;
mod batch;
mod browser;
mod calibration;
mod cli_lines;
mod cli_run;
mod compare;
mod fuzz;
mod kernel_validation;
mod mechanics;
mod metric_names;
mod no_alloc;
mod outputs;
mod parts;
mod programmes;
mod readme;
mod replications_file;
mod report;
mod roster_events;
mod scale;
mod scenario_types;
mod services;
mod shards;
mod uncertainty;
mod workforce;
