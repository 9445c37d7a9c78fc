//! `carecap run`: one scenario, many replications, streamed into the
//! result tables.

use super::{BatchError, run_units};
use crate::engine::rng::{GENERATOR_NAME, STREAM_DERIVATION_VERSION};
use crate::model::advice::BY_HOUR_METRICS;
use crate::model::care::simulate;
use crate::model::config::CareConfig;
use crate::model::metrics::{METRIC_COUNT, METRICS};
use crate::report::atomic::{AtomicFile, write_atomic};
use crate::report::manifest::{Manifest, ManifestFile, ManifestScenario, sha256_hex};
use crate::report::tables::{self, Across, Key};
use crate::scenario::{self, Loaded, ScenarioErrors};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

/// Options of `carecap run`.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Replications (overrides the scenario).
    pub replications: Option<u32>,
    /// Seed (overrides the scenario).
    pub seed: Option<u64>,
    /// Worker threads, 0 for one per core.
    pub threads: usize,
    /// Results folder (default `output/<scenario-name>/`).
    pub out: Option<PathBuf>,
    /// Show a progress bar (only drawn when stderr is a terminal).
    pub progress: bool,
}

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The scenario is invalid (exit code 1).
    #[error("{0}")]
    Invalid(#[from] ScenarioErrors),
    /// The results folder cannot be created or written (exit code 1).
    #[error("cannot write results to {path}: {source}")]
    Output {
        /// The folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Writing a result file failed mid-run (exit code 2).
    #[error("writing {path} failed: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The worker pool failed (exit code 2).
    #[error(transparent)]
    Batch(#[from] BatchError),
}

impl RunError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            RunError::Invalid(_) | RunError::Output { .. } => 1,
            _ => 2,
        }
    }
}

/// What a finished run reports.
#[derive(Debug, Clone)]
pub struct RunReport {
    /// Where the results are.
    pub out_dir: PathBuf,
    /// The manifest written.
    pub manifest: Manifest,
    /// Region-wide (`ALL`) summary per year: (year, metric, mean, ci).
    pub headline: Vec<(i32, &'static str, f64, (f64, f64))>,
}

/// A folder name from a scenario name: letters, digits, `.`, `_`, `-`.
pub fn folder_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches('.').to_string();
    if cleaned.is_empty() {
        "scenario".into()
    } else {
        cleaned
    }
}

/// Creates `dir` and checks a file can be written in it.
pub fn prepare_output(dir: &Path) -> Result<(), RunError> {
    let fail = |source| RunError::Output {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    tempfile::Builder::new()
        .prefix(".carecap-probe-")
        .tempfile_in(dir)
        .map_err(fail)?;
    Ok(())
}

/// The (value index, key) pairs reported for a configuration.
pub fn result_keys(cfg: &CareConfig) -> Vec<(usize, Key)> {
    let areas = cfg.areas();
    let mut keys = Vec::new();
    for y in 0..cfg.years as usize {
        for (a, (area, kind)) in areas.iter().enumerate() {
            for (m, (_, name, scope, _)) in METRICS.iter().enumerate() {
                if scope.covers(*kind) {
                    let index = (y * areas.len() + a) * METRIC_COUNT + m;
                    keys.push((
                        index,
                        Key {
                            year: cfg.start_year + y as i32,
                            area: area.clone(),
                            metric: name,
                        },
                    ));
                }
            }
        }
    }
    keys
}

fn rfc3339(t: SystemTime) -> String {
    humantime::format_rfc3339_seconds(t).to_string()
}

fn manifest_scenario(loaded: &Loaded) -> ManifestScenario {
    ManifestScenario {
        name: loaded.scenario.scenario.name.clone(),
        files: loaded
            .files
            .iter()
            .map(|f| ManifestFile {
                path: f.path.display().to_string(),
                sha256: sha256_hex(f.text.as_bytes()),
            })
            .collect(),
        resolved_sha256: loaded.resolved_sha256.clone(),
    }
}

const HEADLINE: &[&str] = &[
    "referrals",
    "deaths",
    "cspc_deaths_home_pct",
    "cspc_deaths_hospital_pct",
    "ipu_admissions",
    "ipu_occupancy_pct",
    "ipu_turned_away",
    "died_waiting",
    "hah_unmet",
    "calls",
    "calls_answered_in_target_pct",
    "calls_abandoned_pct",
];

/// Runs the scenario at `path` and writes its results.
pub fn run(path: &Path, opts: &RunOptions) -> Result<RunReport, RunError> {
    let mut loaded = scenario::read(path)?;
    if let Some(r) = opts.replications {
        loaded.scenario.scenario.replications = r;
    }
    if let Some(s) = opts.seed {
        loaded.scenario.scenario.seed = s;
    }
    let errors = scenario::validate::validate(&loaded);
    if !errors.is_empty() {
        return Err(ScenarioErrors(errors).into());
    }
    let meta = &loaded.scenario.scenario;
    let out_dir = opts
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(folder_name(&meta.name)));
    prepare_output(&out_dir)?;
    let started = SystemTime::now();
    let clock = Instant::now();
    let phases = scenario::schedule::phases(&loaded)?;
    let cfg = CareConfig::from_phases(&phases);
    let keys = result_keys(&cfg);
    let mut across = vec![Across::default(); keys.len()];
    let mut by_hour = vec![Across::default(); by_hour_len(&cfg)];
    let reps = meta.replications as u64;
    let name = meta.name.clone();
    let rep_path = out_dir.join("replications.csv");
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| RunError::Write { path, source }
    };
    let mut rep_file = AtomicFile::create(&rep_path).map_err(write_err(&rep_path))?;
    writeln!(rep_file, "{}", tables::REPLICATIONS_HEADER).map_err(write_err(&rep_path))?;
    let units: Vec<u64> = (0..reps).collect();
    let bar = progress_bar(reps, opts.progress);
    let mut events = 0u64;
    let mut io_error = None;
    run_units(
        &units,
        opts.threads,
        |rep| simulate(&cfg, rep),
        |rep, result| {
            events += result.events;
            for (acc, v) in by_hour.iter_mut().zip(&result.by_hour) {
                acc.push(*v);
            }
            for ((index, key), acc) in keys.iter().zip(across.iter_mut()) {
                let v = result.values[*index];
                acc.push(v);
                if io_error.is_none()
                    && let Err(e) = tables::write_replication_row(&mut rep_file, &name, rep, key, v)
                {
                    io_error = Some(e);
                }
            }
            bar.inc(1);
        },
    )?;
    bar.finish_and_clear();
    if let Some(e) = io_error {
        return Err(RunError::Write {
            path: rep_path,
            source: e,
        });
    }
    rep_file.commit().map_err(write_err(&rep_path))?;
    let summary_path = out_dir.join("summary.csv");
    let mut summary = Vec::with_capacity(keys.len() * 96);
    writeln!(summary, "{}", tables::SUMMARY_HEADER).expect("writing to memory");
    for ((_, key), acc) in keys.iter().zip(&across) {
        tables::write_summary_row(&mut summary, &name, key, acc).expect("writing to memory");
    }
    write_atomic(&summary_path, &summary).map_err(write_err(&summary_path))?;
    let hours_path = out_dir.join("by_hour.csv");
    write_atomic(
        &hours_path,
        &by_hour_table(&cfg, &name, &keys, &across, &by_hour),
    )
    .map_err(write_err(&hours_path))?;
    let wall = clock.elapsed().as_secs_f64();
    let manifest = Manifest {
        carecap_version: env!("CARGO_PKG_VERSION").into(),
        command: "run".into(),
        scenarios: vec![manifest_scenario(&loaded)],
        seed: loaded.scenario.scenario.seed,
        replications: reps,
        threads: rayon_threads(opts.threads),
        generator: GENERATOR_NAME.into(),
        stream_derivation_version: STREAM_DERIVATION_VERSION,
        started: rfc3339(started),
        finished: rfc3339(SystemTime::now()),
        wall_seconds: wall,
        events,
        events_per_second: events as f64 / wall.max(1e-9),
    };
    let manifest_path = out_dir.join("manifest.json");
    let json = serde_json::to_string_pretty(&manifest).unwrap_or_default();
    write_atomic(&manifest_path, json.as_bytes()).map_err(write_err(&manifest_path))?;
    let headline = keys
        .iter()
        .zip(&across)
        .filter(|((_, k), _)| k.area == "ALL" && HEADLINE.contains(&k.metric))
        .map(|((_, k), a)| (k.year, k.metric, a.mean(), a.interval()))
        .collect();
    Ok(RunReport {
        out_dir,
        manifest,
        headline,
    })
}

fn by_hour_len(cfg: &CareConfig) -> usize {
    cfg.years as usize * (cfg.lines.len() + 1) * 24 * BY_HOUR_METRICS.len()
}

/// `by_hour.csv`: advice-line figures by hour of day for the busiest year
/// (most calls region-wide) and the last year.
fn by_hour_table(
    cfg: &CareConfig,
    scenario: &str,
    keys: &[(usize, Key)],
    across: &[Across],
    by_hour: &[Across],
) -> Vec<u8> {
    let mut out = String::from(tables::BY_HOUR_HEADER);
    out.push('\n');
    if cfg.lines.is_empty() {
        return out.into_bytes();
    }
    let calls = |year: i32| {
        keys.iter()
            .zip(across)
            .find(|((_, k), _)| k.year == year && k.area == "ALL" && k.metric == "calls")
            .map_or(0.0, |(_, a)| a.mean())
    };
    let years: Vec<i32> = (0..cfg.years as i32).map(|y| cfg.start_year + y).collect();
    let busiest = years
        .iter()
        .copied()
        .max_by(|a, b| calls(*a).total_cmp(&calls(*b)).then(b.cmp(a)))
        .unwrap_or(cfg.start_year);
    let last = cfg.start_year + cfg.years as i32 - 1;
    let mut chosen = vec![(busiest, "busiest")];
    if last != busiest {
        chosen.push((last, "last"));
    } else {
        chosen[0].1 = "busiest_and_last";
    }
    let names: Vec<&str> = cfg
        .lines
        .iter()
        .map(|l| l.name.as_str())
        .chain(std::iter::once("ALL"))
        .collect();
    let k = BY_HOUR_METRICS.len();
    for (year, label) in chosen {
        let y = (year - cfg.start_year) as usize;
        for (a, area) in names.iter().enumerate() {
            for h in 0..24 {
                for (m, metric) in BY_HOUR_METRICS.iter().enumerate() {
                    let acc = &by_hour[((y * names.len() + a) * 24 + h) * k + m];
                    let (lo, hi) = acc.interval();
                    out += &format!(
                        "{},{year},{label},{},{h},{metric},{},{},{}\n",
                        tables::csv_field(scenario),
                        tables::csv_field(area),
                        tables::number(acc.mean()),
                        tables::number(lo),
                        tables::number(hi)
                    );
                }
            }
        }
    }
    out.into_bytes()
}

fn rayon_threads(requested: usize) -> usize {
    if requested == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        requested
    }
}

fn progress_bar(len: u64, show: bool) -> indicatif::ProgressBar {
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{msg} [{bar:40}] {pos}/{len} replications, {eta} left",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message("simulating");
    bar
}
