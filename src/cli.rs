//! The command line: clap definitions and dispatch. Each subcommand turns
//! its arguments into library calls and an exit code: 0 success, 1 invalid
//! input (a scenario error or a usage error on the command line, such as
//! an unknown flag or `--shard 3/3`), 2 runtime failure.

use crate::batch::run::RunOptions;
use crate::batch::study::{Study, StudyArgs, StudyKind};
use crate::report::replications::Format as ReplicationsFormat;
use crate::report::terminal;
use crate::scenario;
use clap::{Args, Parser, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// carecap: capacity-and-demand simulation of palliative and end-of-life care.
#[derive(Debug, Parser)]
#[command(name = "carecap", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Options shared by run, compare and batch.
#[derive(Debug, Args)]
struct StudyFlags {
    /// Replications (default: the first scenario's).
    #[arg(long, value_parser = replications)]
    reps: Option<u32>,
    /// Master seed (default: the first scenario's), used by every scenario.
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Results folder (default: output/<name>/, output/compare-<name>/ or output/batch-<name>/).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Do not draw charts.
    #[arg(long)]
    no_charts: bool,
    /// The per-replication table: replications.csv, replications.parquet
    /// (typed columns for R arrow, pandas, polars), or none.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = ReplicationsFormat::Csv)]
    replications: ReplicationsFormat,
    /// Print the full table of headline metrics, year by year, after the answers.
    #[arg(long)]
    verbose: bool,
    /// Compute only shard K of N (0-based) into OUT/shards; `merge` combines them.
    #[arg(long, value_name = "K/N")]
    shard: Option<crate::batch::shard::Shard>,
    /// With --shard: do nothing if this shard already finished with the same configuration.
    #[arg(long, requires = "shard")]
    resume: bool,
    /// Run replications in batches (of --reps, or the scenario's) until the
    /// 95% CI of every --precision-metrics mean, region-wide and every year,
    /// is within this share of the mean (e.g. 2% or 0.02).
    #[arg(long, value_parser = crate::batch::precision::Precision::parse_target, conflicts_with = "shard")]
    precision: Option<f64>,
    /// The metrics --precision checks, comma-separated (default:
    /// ipu_occupancy_pct,preferred_place_met_pct,deaths_hospital,cost_total).
    #[arg(long, value_delimiter = ',', requires = "precision")]
    precision_metrics: Vec<String>,
    /// With --precision: the most replications to run (default: 20 batches).
    #[arg(long, value_parser = replications, requires = "precision")]
    max_reps: Option<u32>,
}

impl StudyFlags {
    fn options(&self) -> RunOptions {
        RunOptions {
            threads: threads(self.threads),
            out: self.out.clone(),
            progress: std::io::stderr().is_terminal(),
            precision: None,
            replications: self.replications,
            // A shard's count is set where it runs (`run_shard`).
            shards: 1,
        }
    }

    /// The `--precision` rule, given the study's replications per batch.
    fn precision(&self, batch: u64) -> Option<crate::batch::precision::Precision> {
        use crate::batch::precision::{DEFAULT_METRICS, Precision};
        let relative = self.precision?;
        let metrics = if self.precision_metrics.is_empty() {
            DEFAULT_METRICS.iter().map(|m| m.to_string()).collect()
        } else {
            self.precision_metrics.clone()
        };
        let max = self.max_reps.map_or(batch.saturating_mul(20), u64::from);
        Some(Precision {
            relative,
            metrics,
            max_replications: max
                .min(u64::from(scenario::validate::MAX_REPLICATIONS))
                .max(batch),
        })
    }

    /// Builds the study `command` names over `inputs` and runs it, or only
    /// the requested shard of it.
    fn carry_out(
        &self,
        command: StudyKind,
        inputs: Vec<PathBuf>,
        sweep: Option<PathBuf>,
    ) -> ExitCode {
        self.carry_out_with(command, inputs, sweep, None, None)
    }

    /// [`StudyFlags::carry_out`] with a sensitivity study's metric and year.
    fn carry_out_with(
        &self,
        command: StudyKind,
        inputs: Vec<PathBuf>,
        sweep: Option<PathBuf>,
        metric: Option<String>,
        year: Option<i32>,
    ) -> ExitCode {
        let args = StudyArgs {
            command,
            inputs,
            sweep,
            replications: self.reps,
            seed: self.seed,
            metric,
            year,
            replications_format: self.replications,
        };
        let mut opts = self.options();
        match self.shard {
            Some(k) => sharded(&args, k, &opts, self.resume),
            None => finish(
                Study::build(&args, &opts).and_then(|mut study| {
                    opts.precision = self.precision(study.replications());
                    study.opts.precision = opts.precision.clone();
                    study.run()
                }),
                !self.no_charts,
                self.verbose,
            ),
        }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Simulate one scenario and write manifest.json, replications.csv and summary.csv.
    Run {
        /// Scenario file (TOML).
        scenario: PathBuf,
        #[command(flatten)]
        flags: StudyFlags,
    },
    /// Compare options with a baseline on the same simulated residents (paired
    /// differences with 95% CIs): compare.csv, appraisal.csv, appraisal.md.
    Compare {
        /// Baseline scenario file.
        baseline: PathBuf,
        /// Option scenario files.
        #[arg(required = true)]
        options: Vec<PathBuf>,
        #[command(flatten)]
        flags: StudyFlags,
    },
    /// Run many scenarios (files or folders of *.toml) and sweeps over
    /// parameter grids in one parallel study; with [sizing], find the
    /// smallest swept value that meets a target (sizing.csv).
    Batch {
        /// Scenario files or folders.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Sweep file (parameters and values; optional [sizing]).
        #[arg(long)]
        sweep: Option<PathBuf>,
        #[command(flatten)]
        flags: StudyFlags,
    },
    /// Combine the shards written into DIR into the tables, charts and report
    /// of an unsharded run; refuses gaps, duplicates and mismatched or corrupted parts.
    Merge {
        /// Results folder holding shards/.
        dir: PathBuf,
        /// Worker threads.
        #[arg(long, default_value_t = 0)]
        threads: usize,
        /// Do not draw charts.
        #[arg(long)]
        no_charts: bool,
        /// Print the full table of headline metrics, year by year, after the answers.
        #[arg(long)]
        verbose: bool,
    },
    /// Which shards in DIR are done, which are missing (and how to rerun them).
    Status {
        /// Results folder holding shards/.
        dir: PathBuf,
    },
    /// Write SLURM job-array scripts (run.sbatch, merge.sbatch, submit.sh) for a sharded study.
    Slurm {
        /// Scenario files: one runs it, several compare them with the first.
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        /// Number of shards (array tasks).
        #[arg(long)]
        shards: u64,
        /// Wall time per shard (SLURM --time).
        #[arg(long, default_value = "01:00:00")]
        time: String,
        /// CPUs per task (passed to carecap as --threads).
        #[arg(long, default_value_t = 2)]
        cpus_per_task: u32,
        /// Memory per task (SLURM --mem).
        #[arg(long, default_value = "2G")]
        mem: String,
        /// Partition.
        #[arg(long)]
        partition: Option<String>,
        /// Account.
        #[arg(long)]
        account: Option<String>,
        /// Most array tasks running at once (the %N throttle).
        #[arg(long)]
        max_running: Option<u64>,
        /// Replications (default: the scenario's).
        #[arg(long, value_parser = replications)]
        reps: Option<u32>,
        /// The per-replication table the merge writes: replications.csv,
        /// replications.parquet, or none.
        #[arg(long, value_enum, value_name = "FORMAT", default_value_t = ReplicationsFormat::Csv)]
        replications: ReplicationsFormat,
        /// Results folder (default: output/<name>/); the scripts go there too.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Which uncertain parameters drive the answer: each parameter at its
    /// 10th and 90th percentile with the others at their medians (one-way,
    /// common random numbers: sensitivity.csv and a tornado chart), and the
    /// scenario with every parameter sampled (standardised regression
    /// coefficients: drivers.csv).
    Sensitivity {
        /// Scenario file with parameters given as distributions.
        scenario: PathBuf,
        /// The tornado's metric (default: ipu_occupancy_pct).
        #[arg(long)]
        metric: Option<String>,
        /// The tornado's year (default: the last).
        #[arg(long)]
        year: Option<i32>,
        #[command(flatten)]
        flags: StudyFlags,
    },
    /// Fit the scenario's uncertain parameters (their distributions are the
    /// priors) to observed values: approximate Bayesian computation by
    /// rejection on common random numbers. Writes the accepted sets
    /// (posterior.csv), the fit (fit.csv), posterior.toml and a chart.
    Calibrate {
        /// Scenario file with the parameters to fit given as distributions.
        scenario: PathBuf,
        /// Targets file: [[target]] metric, area, year, value, sd; optional
        /// [calibration] sets, replications, accept.
        #[arg(long)]
        targets: PathBuf,
        /// Master seed (default: the scenario's).
        #[arg(long)]
        seed: Option<u64>,
        /// Worker threads (default: one per core).
        #[arg(long, default_value_t = 0)]
        threads: usize,
        /// Results folder (default: output/calibrate-<name>/).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// (Re)draw charts/*.png, charts/*.svg and report.html from a results folder.
    Report {
        /// Results folder (as written by run, compare or batch).
        dir: PathBuf,
        /// The years the answers and forest plots are for, comma-separated
        /// (default: 2030 and 2035, or the last year).
        #[arg(long, value_delimiter = ',')]
        years: Option<Vec<i32>>,
    },
    /// Parse and check scenario files (and sweep files) without running them.
    Validate {
        /// Scenario or sweep files.
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        /// Check the size limits as for a study split into this many shards
        /// (each shard is one machine's run); default 1.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=100_000))]
        shards: u64,
    },
    /// Print the JSON Schema of scenario files.
    Schema,
}

/// `--reps`: a whole number from 1 to the most replications a scenario may
/// ask for, checked here so that the error names the command line.
fn replications(text: &str) -> Result<u32, String> {
    let max = scenario::validate::MAX_REPLICATIONS;
    match text.parse::<u32>() {
        Ok(r) if (1..=max).contains(&r) => Ok(r),
        _ => Err(format!(
            "expected 1 to {max} replications on the command line, found {text:?}"
        )),
    }
}

/// Parses the process arguments and runs the command. A usage error exits
/// 1 (invalid input), as the README promises; `--help` and `--version`
/// exit 0.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Command::Run { scenario, flags } => flags.carry_out(StudyKind::Run, vec![scenario], None),
        Command::Compare {
            baseline,
            options,
            flags,
        } => {
            let inputs = std::iter::once(baseline).chain(options).collect();
            flags.carry_out(StudyKind::Compare, inputs, None)
        }
        Command::Batch {
            inputs,
            sweep,
            flags,
        } => flags.carry_out(StudyKind::Batch, inputs, sweep),
        Command::Sensitivity {
            scenario,
            metric,
            year,
            flags,
        } => flags.carry_out_with(StudyKind::Sensitivity, vec![scenario], None, metric, year),
        Command::Merge {
            dir,
            threads,
            no_charts,
            verbose,
        } => {
            let opts = RunOptions {
                threads: self::threads(threads),
                progress: std::io::stderr().is_terminal(),
                ..RunOptions::default()
            };
            finish(crate::batch::shard::merge(&dir, &opts), !no_charts, verbose)
        }
        Command::Status { dir } => status(&dir),
        Command::Slurm {
            scenarios,
            shards,
            time,
            cpus_per_task,
            mem,
            partition,
            account,
            max_running,
            reps,
            replications,
            out,
        } => {
            let job = crate::batch::slurm::Job {
                scenarios,
                shards,
                time,
                cpus_per_task,
                mem,
                partition,
                account,
                max_running,
                replications: reps,
                replications_format: replications,
                out,
            };
            match crate::batch::slurm::write(&job) {
                Ok(report) => {
                    println!("{}", terminal::safe(&report));
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {}", terminal::safe(&e.to_string()));
                    ExitCode::from(e.exit_code())
                }
            }
        }
        Command::Report { dir, years } => {
            match crate::report::document::render_held(&dir, None, years.as_deref()) {
                Ok(files) => {
                    println!(
                        "Wrote {} files; open {}",
                        files.len(),
                        terminal::path(&dir.join("report.html"))
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {}", terminal::safe(&e.to_string()));
                    let input = e.starts_with(crate::report::document::BAD_YEARS);
                    ExitCode::from(if !input && dir.join("summary.csv").exists() {
                        2
                    } else {
                        1
                    })
                }
            }
        }
        Command::Calibrate {
            scenario,
            targets,
            seed,
            threads,
            out,
        } => {
            let opts = RunOptions {
                threads: self::threads(threads),
                out,
                progress: std::io::stderr().is_terminal(),
                ..RunOptions::default()
            };
            let overrides = crate::batch::plan::Overrides {
                seed,
                ..Default::default()
            };
            match crate::batch::calibrate::calibrate(&scenario, &targets, &overrides, &opts) {
                Ok(c) => {
                    let _ = write_calibration(&mut std::io::stdout().lock(), &c);
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {}", terminal::safe(&e.to_string()));
                    ExitCode::from(e.exit_code())
                }
            }
        }
        Command::Validate { scenarios, shards } => validate(&scenarios, shards),
        Command::Schema => {
            println!("{}", scenario::json_schema());
            ExitCode::SUCCESS
        }
    }
}

fn finish(
    result: Result<crate::batch::run::RunReport, crate::batch::run::RunError>,
    charts: bool,
    verbose: bool,
) -> ExitCode {
    match result {
        Ok(report) => {
            if verbose {
                print_headline(&report);
            }
            if charts
                && let Err(e) = crate::report::document::render_held(
                    &report.out_dir,
                    report.lock.as_deref(),
                    None,
                )
            {
                eprintln!(
                    "error: drawing the charts and report failed: {}",
                    terminal::safe(&e)
                );
                return ExitCode::from(2);
            }
            let _ = write_answers(&mut std::io::stdout().lock(), &report, charts);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}", terminal::safe(&e.to_string()));
            ExitCode::from(e.exit_code())
        }
    }
}

/// The worker threads to use for `requested` (0: one per core): at most
/// the machine's cores, with a note on stderr when fewer than asked.
fn threads(requested: usize) -> usize {
    let (threads, note) = crate::batch::usable_threads(requested);
    if let Some(note) = note {
        eprintln!("note: {note}");
    }
    threads
}

fn sharded(
    args: &StudyArgs,
    shard: crate::batch::shard::Shard,
    opts: &RunOptions,
    resume: bool,
) -> ExitCode {
    match crate::batch::shard::run_shard(args, shard, opts, resume) {
        Ok(marker) => {
            println!(
                "shard {}/{} done: {}",
                shard.index,
                shard.count,
                terminal::path(&marker)
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}", terminal::safe(&e.to_string()));
            ExitCode::from(e.exit_code())
        }
    }
}

fn status(dir: &std::path::Path) -> ExitCode {
    match crate::batch::shard::status(dir) {
        Ok(st) => {
            println!(
                "{} of {} shards done: {:?}",
                st.done.len(),
                st.shards,
                st.done
            );
            if !st.missing.is_empty() {
                println!("missing: {:?}; rerun with:", st.missing);
                for c in &st.rerun {
                    println!("  {}", terminal::safe(c));
                }
            }
            for p in &st.problems {
                println!("problem: {}", terminal::safe(p));
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}", terminal::safe(&e.to_string()));
            ExitCode::from(1)
        }
    }
}

/// Whether `path` holds a sweep file (`[[parameter]]` tables, no
/// `[scenario]` and no `extends`) rather than a scenario.
fn is_sweep(path: &std::path::Path) -> bool {
    let limit = scenario::load::MAX_FILE_BYTES;
    crate::fsread::read_text(path, limit)
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .is_some_and(|t| {
            t.contains_key("parameter") && !t.contains_key("scenario") && !t.contains_key("extends")
        })
}

/// Whether `path` holds a calibration targets file (`[[target]]` tables,
/// no `[scenario]` and no `extends`).
fn is_targets(path: &std::path::Path) -> bool {
    let limit = scenario::load::MAX_FILE_BYTES;
    crate::fsread::read_text(path, limit)
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .is_some_and(|t| {
            t.contains_key("target") && !t.contains_key("scenario") && !t.contains_key("extends")
        })
}

fn validate(paths: &[PathBuf], shards: u64) -> ExitCode {
    let mut ok = true;
    for path in paths {
        if is_targets(path) {
            match crate::batch::calibrate::read_targets(path) {
                Ok(t) => println!(
                    "{}: ok (calibration targets: {} target(s))",
                    path.display(),
                    t.targets.len()
                ),
                Err(e) => {
                    ok = false;
                    eprintln!("{e}");
                }
            }
            continue;
        }
        if is_sweep(path) {
            match crate::batch::sweep::read_sweep(path) {
                Ok(sweep) => println!(
                    "{}: ok (sweep over {} parameter(s))",
                    path.display(),
                    sweep.parameters.len()
                ),
                Err(e) => {
                    ok = false;
                    eprintln!("{e}");
                }
            }
            continue;
        }
        let checked = scenario::load::load(path).and_then(|mut loaded| {
            loaded.shards = shards;
            scenario::check(loaded)
        });
        match checked.map(|c| c.loaded) {
            Ok(loaded) => {
                println!(
                    "{}: ok ({})",
                    terminal::path(path),
                    terminal::safe(&loaded.scenario.scenario.name)
                );
                for w in scenario::validate::warnings(&loaded) {
                    eprintln!("warning: {}", terminal::safe(&w.to_string()));
                }
            }
            Err(errors) => {
                ok = false;
                eprintln!("{}", terminal::safe(&errors.to_string()));
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// The short run summary: the planners' answers in plain words (from the
/// results folder, as the report's first page has them), how many warnings
/// there are, then where the files are. A closed pipe is not an error.
fn write_calibration(
    out: &mut impl Write,
    c: &crate::batch::calibrate::Calibrated,
) -> std::io::Result<()> {
    writeln!(
        out,
        "Calibrated: {} of {} parameter sets accepted.\n\nParameter: prior 95% → posterior 95% (mean)",
        c.accepted, c.sets
    )?;
    for p in &c.parameters {
        writeln!(
            out,
            "  {}: {:.4}–{:.4} → {:.4}–{:.4} ({:.4})",
            terminal::safe(&p.name),
            p.prior.0,
            p.prior.1,
            p.posterior.0,
            p.posterior.1,
            p.mean
        )?;
    }
    writeln!(out, "\nTarget: observed, posterior mean")?;
    for (metric, area, year, observed, simulated) in &c.fit {
        writeln!(
            out,
            "  {} {} {year}: {observed}, {simulated:.2}",
            terminal::safe(metric),
            terminal::safe(area)
        )?;
    }
    writeln!(
        out,
        "\nResults: {} (fit.csv, posterior.csv, posterior.toml, charts/calibration.png)",
        terminal::path(&c.out_dir)
    )
}

fn write_answers(
    out: &mut impl Write,
    report: &crate::batch::run::RunReport,
    drawn: bool,
) -> std::io::Result<()> {
    let m = &report.manifest;
    writeln!(
        out,
        "{}: {} replications, {} events in {:.2} s ({:.2} M events/s)",
        terminal::safe(m.scenarios.first().map_or("", |s| s.name.as_str())),
        m.replications,
        m.events,
        m.wall_seconds,
        m.events_per_second / 1e6
    )?;
    match crate::report::results::Results::read(&report.out_dir) {
        Ok(results) => {
            for a in crate::report::answers::answers(&results) {
                writeln!(out, "\n{}", a.question)?;
                for line in terminal::wrap(&terminal::safe(&a.text), 96) {
                    writeln!(out, "  {line}")?;
                }
            }
            if let Some(w) = crate::report::answers::too_few(&results) {
                writeln!(out, "\n! {w}")?;
            }
            if let Some(p) = crate::report::document::precision_sentence(&results) {
                for line in terminal::wrap(&terminal::safe(&p), 96) {
                    writeln!(out, "\n{line}")?;
                }
            }
        }
        Err(e) => writeln!(
            out,
            "(the answers could not be read back: {})",
            terminal::safe(&e)
        )?,
    }
    if !report.warnings.is_empty() {
        writeln!(
            out,
            "\n{} warning{} (growing waiting lists and others): read them on the report's first page or in manifest.json.",
            report.warnings.len(),
            if report.warnings.len() == 1 { "" } else { "s" }
        )?;
    }
    writeln!(out)?;
    if drawn {
        writeln!(
            out,
            "Report:  {}",
            terminal::path(&report.out_dir.join("report.html"))
        )?;
    }
    let per_replication = [
        crate::report::replications::CSV_FILE,
        crate::report::replications::PARQUET_FILE,
    ]
    .into_iter()
    .find(|f| report.manifest.files.iter().any(|m| m.path == *f))
    .map_or(String::new(), |f| format!("{f}, "));
    writeln!(
        out,
        "Tables:  {} (summary.csv, {per_replication}metrics.csv defines every metric)",
        terminal::path(&report.out_dir)
    )?;
    writeln!(out, "Full table of headline metrics: add --verbose.")
}

/// Prints the full run table (`--verbose`); a closed pipe (`carecap run … | head`) is not an error.
fn print_headline(report: &crate::batch::run::RunReport) {
    let _ = write_headline(&mut std::io::stdout().lock(), report);
}

fn write_headline(
    out: &mut impl Write,
    report: &crate::batch::run::RunReport,
) -> std::io::Result<()> {
    let m = &report.manifest;
    writeln!(
        out,
        "{}: {} replications, {} events in {:.2} s ({:.2} M events/s)",
        terminal::safe(m.scenarios.first().map_or("", |s| s.name.as_str())),
        m.replications,
        m.events,
        m.wall_seconds,
        m.events_per_second / 1e6
    )?;
    writeln!(out, "Region (ALL), mean and 95% CI per year:")?;
    let mut last_year = None;
    for (year, metric, mean, (lo, hi)) in &report.headline {
        if last_year != Some(*year) {
            writeln!(out, "  {year}")?;
            last_year = Some(*year);
        }
        writeln!(out, "    {metric:<30} {mean:>10.1}  [{lo:.1}, {hi:.1}]")?;
    }
    if !report.differences.is_empty() {
        writeln!(
            out,
            "Option minus baseline (ALL, last year), mean and 95% CI:"
        )?;
        let mut last = None;
        for (option, metric, mean, (lo, hi)) in &report.differences {
            if last != Some(option) {
                writeln!(out, "  {}", terminal::safe(option))?;
                last = Some(option);
            }
            writeln!(out, "    {metric:<30} {mean:>+10.1}  [{lo:.1}, {hi:.1}]")?;
        }
    }
    if !report.warnings.is_empty() {
        writeln!(out, "Warnings:")?;
        for w in &report.warnings {
            writeln!(out, "  ! {}", terminal::safe(w))?;
        }
    }
    writeln!(out, "Results in {}", terminal::path(&report.out_dir))
}
