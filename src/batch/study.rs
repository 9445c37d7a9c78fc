//! A study: one or more scenarios run over the same replications, streamed
//! into the result tables. `run` is a study of one scenario; `compare` and
//! `batch` are studies of several, the first being the baseline.
//!
//! Every scenario of a study uses the same seed and replication numbers,
//! so the same residents pass through every option (common random
//! numbers) and differences are paired by replication. A work unit is one
//! replication of every scenario; units run in parallel and are consumed in
//! replication order, so the outputs are byte-identical for any thread
//! count, and memory does not grow with replications.

use super::plan::{Overrides, Plan};
use super::precision::{Outcome, Watch};
use super::run::{RunError, RunOptions, RunReport, folder_name, prepare_output};
use super::run_units;
use super::sensitivity::OneWay;
use super::sweep::SizingPlan;
use crate::engine::rng::{GENERATOR_NAME, STREAM_DERIVATION_VERSION};
use crate::model::advice::BY_HOUR_METRICS;
use crate::model::config::CareConfig;
use crate::model::system::{ReplicationResult, simulate};
use crate::report::appraisal;
use crate::report::atomic::write_atomic;
use crate::report::folder::{self, FolderLock};
use crate::report::manifest::{Manifest, ManifestFile};
use crate::report::replications::{self, Format as ReplicationsFormat};
use crate::report::tables::{self, Across, Key, Paired};
use crate::report::warnings;
use crate::scenario::validate::size_errors;
use crate::scenario::{self, ScenarioErrors};
use crate::stats::Welford;
use crate::stats::ci::mean_interval;
use crate::stats::regression::Regression;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

/// What a study runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StudyKind {
    /// One scenario (`carecap run`).
    Run,
    /// A baseline and its options, paired (`carecap compare`).
    Compare,
    /// Many scenarios and sweeps (`carecap batch`).
    Batch,
    /// One-way and global sensitivity of a scenario's uncertain
    /// parameters (`carecap sensitivity`).
    Sensitivity,
}

impl StudyKind {
    /// The command's name, as the manifest records it.
    pub fn name(self) -> &'static str {
        match self {
            StudyKind::Run => "run",
            StudyKind::Compare => "compare",
            StudyKind::Batch => "batch",
            StudyKind::Sensitivity => "sensitivity",
        }
    }

    /// Fewest scenario files (or folders) the study needs.
    pub fn least_inputs(self) -> usize {
        match self {
            StudyKind::Compare => 2,
            StudyKind::Run | StudyKind::Batch | StudyKind::Sensitivity => 1,
        }
    }
}

/// The command line a study came from: enough to build it again (a shard,
/// a merge, the SLURM scripts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudyArgs {
    /// `run`, `compare` or `batch`.
    pub command: StudyKind,
    /// Scenario files (or folders, for batch), as given.
    pub inputs: Vec<PathBuf>,
    /// Sweep file (batch).
    pub sweep: Option<PathBuf>,
    /// `--reps`.
    pub replications: Option<u32>,
    /// `--seed`.
    pub seed: Option<u64>,
    /// `--metric` (sensitivity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
    /// `--year` (sensitivity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// `--replications`: how the per-replication table is written (left
    /// out of a shard's marker when it is the default, CSV).
    #[serde(default, skip_serializing_if = "ReplicationsFormat::is_default")]
    pub replications_format: ReplicationsFormat,
}

/// A study built from its arguments: every scenario planned once.
pub struct Study {
    /// What it runs.
    pub kind: StudyKind,
    /// Its scenarios, baseline first, all with the baseline's replications
    /// and seed.
    pub plans: Vec<Plan>,
    /// Worker threads, results folder, progress.
    pub opts: RunOptions,
    /// Results folder.
    pub out_dir: PathBuf,
    /// Sizing to do once the results are written.
    pub sizing: SizingPlan,
    /// The one-way analysis of a sensitivity study.
    pub one_way: Option<OneWay>,
}

impl Study {
    /// Builds the study `args` describe: each scenario loaded, overridden,
    /// validated, phased and compiled once (see [`Plan`]).
    pub fn build(args: &StudyArgs, opts: &RunOptions) -> Result<Study, RunError> {
        let overrides = Overrides {
            replications: args.replications,
            seed: args.seed,
            shards: opts.shards,
            from_baseline: false,
        };
        let Some(first) = args.inputs.first() else {
            return Err(RunError::Refused(format!(
                "expected at least {} scenario file(s) for {}",
                args.command.least_inputs(),
                args.command.name()
            )));
        };
        let mut one_way = None;
        let (plans, sizing, default_dir) = match args.command {
            StudyKind::Run => {
                let plan = Plan::read(first, &overrides)?;
                let dir = folder_name(&plan.name);
                (vec![plan], None, dir)
            }
            StudyKind::Compare => {
                let plans = super::compare::plans(first, &args.inputs[1..], &overrides)?;
                let dir = format!("compare-{}", folder_name(&plans[0].name));
                (plans, None, dir)
            }
            StudyKind::Batch => {
                let (plans, sizing) =
                    super::sweep::plans(&args.inputs, args.sweep.as_deref(), &overrides)?;
                let dir = format!("batch-{}", folder_name(&plans[0].name));
                (plans, sizing, dir)
            }
            StudyKind::Sensitivity => {
                let (plans, analysis) = super::sensitivity::plans(
                    first,
                    &overrides,
                    args.metric.as_deref(),
                    args.year,
                )?;
                one_way = Some(analysis);
                let dir = format!("sensitivity-{}", folder_name(&plans[plans.len() - 1].name));
                (plans, None, dir)
            }
        };
        let out_dir = opts
            .out
            .clone()
            .unwrap_or_else(|| Path::new("output").join(default_dir));
        if sizing.is_some() && args.replications_format != ReplicationsFormat::Csv {
            return Err(RunError::Refused(format!(
                "--replications {}: a sweep with [sizing] reads its sizing tables from {}; run it with --replications csv (the default)",
                args.replications_format.name(),
                replications::CSV_FILE
            )));
        }
        Ok(Study {
            kind: args.command,
            plans,
            opts: RunOptions {
                replications: args.replications_format,
                ..opts.clone()
            },
            out_dir,
            sizing,
            one_way,
        })
    }

    /// Replications of the study (the baseline's).
    pub fn replications(&self) -> u64 {
        self.plans[0].replications()
    }

    /// Simulates every replication here and writes the results (and the
    /// sizing tables, if the sweep asks for them).
    pub fn run(self) -> Result<RunReport, RunError> {
        let names: Vec<String> = self.plans.iter().map(|p| p.name.clone()).collect();
        let report = execute(self.plans, self.out_dir, &self.opts, self.kind.name())?;
        super::sweep::finish_sizing(&report, &self.sizing, &names)?;
        finish_sensitivity(&report, self.one_way.as_ref(), &names)?;
        Ok(report)
    }
}

/// Writes a sensitivity study's one-way table, when the study is one.
pub fn finish_sensitivity(
    report: &RunReport,
    one_way: Option<&OneWay>,
    names: &[String],
) -> Result<(), RunError> {
    match (one_way, names.last()) {
        (Some(one_way), Some(sampled)) => super::sensitivity::finish(report, one_way, sampled),
        _ => Ok(()),
    }
}

/// Streaming statistics of one member.
struct Tallies {
    across: Vec<Across>,
    by_hour: Vec<Welford>,
    /// (index in this member's keys, index in the baseline's keys).
    pairs: Vec<(usize, usize)>,
    diffs: Vec<Paired>,
    /// Headline outputs (region-wide) regressed on the sampled parameters,
    /// when the member has any: (index in keys, sums).
    fits: Vec<(usize, Regression)>,
    /// The value indices of region-wide `cost_total` and `deaths_hospital`
    /// in every year (when costs are reported).
    ce_keys: Option<(Vec<usize>, Vec<usize>)>,
    /// An option's (cost difference, hospital deaths avoided) over the
    /// horizon, one per replication: the cost-effectiveness plane.
    ce: Vec<(f64, f64)>,
}

const HEADLINE: &[&str] = &[
    "referrals",
    "deaths",
    "cspc_deaths_home_pct",
    "cspc_deaths_hospital_pct",
    "preferred_place_met_pct",
    "ipu_admissions",
    "ipu_occupancy_pct",
    "ipu_turned_away",
    "died_waiting",
    "hah_unmet",
    "calls",
    "calls_answered_in_target_pct",
    "calls_abandoned_pct",
    "fte_short_roles",
    "fte_shortfall_total",
    "cost_total",
    "cost_staff",
    "cost_beds",
    "cost_activity",
    "cost_programmes",
];

/// Runs `members` (the first is the baseline) and writes the results into
/// `out_dir`.
pub fn execute(
    mut members: Vec<Plan>,
    out_dir: PathBuf,
    opts: &RunOptions,
    command: &str,
) -> Result<RunReport, RunError> {
    let rule = opts.precision.as_ref();
    if let Some(p) = rule {
        p.check_metrics().map_err(RunError::Refused)?;
        // Checked at the most replications the run may reach, not one batch.
        let most = p.max_replications;
        let errors: Vec<_> = (members.iter())
            .flat_map(|m| size_errors(&m.loaded, most, Some("--max-reps")))
            .collect();
        if !errors.is_empty() {
            return Err(crate::scenario::ScenarioErrors(errors).into());
        }
        for m in &mut members {
            m.extend_sets(most)?;
        }
    }
    let threads = opts.threads;
    let mut outcome = None;
    let report = execute_from(members, out_dir, opts, command, |members, consume| {
        // One batch of the baseline's replications; with `--precision`,
        // more until the chosen intervals are narrow enough (see
        // [`super::precision`]).
        let batch = members[0].replications().max(1);
        let most = rule.map_or(batch, |p| p.max_replications);
        let mut watch = rule.map(|p| Watch::new(members, &p.metrics));
        let met = |w: &Option<Watch>| match (w, rule) {
            (Some(w), Some(p)) => w.met(p.relative),
            _ => true,
        };
        let mut next = 0;
        let mut failed = None;
        loop {
            let end = (next + batch).min(most);
            let units: Vec<u64> = (next..end).collect();
            run_units(
                &units,
                threads,
                |rep| simulate_all(members, rep),
                |rep, results| match results {
                    Ok(results) => {
                        if let Some(w) = &mut watch {
                            let values: Vec<&[f64]> =
                                results.iter().map(|r| r.values.as_slice()).collect();
                            w.push(&values);
                        }
                        consume(rep, results);
                    }
                    Err(e) => failed = failed.take().or(Some(e)),
                },
            )?;
            if let Some(e) = failed {
                return Err(e.into());
            }
            next = end;
            if met(&watch) || next >= most {
                break;
            }
        }
        if let (Some(w), Some(p)) = (&watch, rule) {
            outcome = Some(Outcome {
                target: p.relative,
                metrics: p.metrics.clone(),
                replications: next,
                met: w.met(p.relative),
                widest: w.widest(),
            });
        }
        Ok(None)
    })?;
    if let (Some(outcome), Some(lock)) = (outcome, report.lock.as_deref()) {
        let manifest = report.out_dir.join(folder::MANIFEST);
        let value = serde_json::to_value(&outcome).unwrap_or_default();
        folder::set_field(&report.out_dir, "precision", value, lock).map_err(|source| {
            RunError::Write {
                path: manifest,
                source,
            }
        })?;
    }
    Ok(report)
}

/// One replication of every member (each with its parameter set).
pub fn simulate_all(members: &[Plan], rep: u64) -> Result<Vec<ReplicationResult>, ScenarioErrors> {
    members
        .iter()
        .map(|m| Ok(simulate(&*m.config_for(rep)?, rep)))
        .collect()
}

/// Where a study's replication results come from: simulated now, or read
/// back from shard parts. `produce` must hand every replication to the
/// consumer once, in replication order, and returns the wall seconds the
/// replications took to simulate when that was not now (the shards' sum).
pub type Consumer<'c> = dyn FnMut(u64, Vec<ReplicationResult>) + 'c;

/// Like [`execute`], with the replication results supplied by `produce`.
pub fn execute_from<F>(
    members: Vec<Plan>,
    out_dir: PathBuf,
    opts: &RunOptions,
    command: &str,
    produce: F,
) -> Result<RunReport, RunError>
where
    F: FnOnce(&[Plan], &mut Consumer<'_>) -> Result<Option<f64>, RunError>,
{
    check_options(&members)?;
    prepare_output(&out_dir)?;
    let output_err = |source| RunError::Output {
        path: out_dir.clone(),
        source,
    };
    let lock = FolderLock::acquire(&out_dir).map_err(output_err)?;
    folder::clear_for_run(&out_dir, &lock).map_err(output_err)?;
    let run_id = folder::new_run_id(&out_dir);
    let mut files: Vec<ManifestFile> = Vec::new();
    let started = SystemTime::now();
    let clock = Instant::now();
    let baseline = &members[0];
    let reps = baseline.replications();
    let base_index: HashMap<&Key, usize> = baseline
        .keys
        .iter()
        .enumerate()
        .map(|(i, (_, k))| (k, i))
        .collect();
    let mut tallies: Vec<Tallies> = members
        .iter()
        .enumerate()
        .map(|(m, member)| {
            let pairs: Vec<(usize, usize)> = if m == 0 {
                Vec::new()
            } else {
                member
                    .keys
                    .iter()
                    .enumerate()
                    .filter_map(|(i, (_, k))| base_index.get(k).map(|&b| (i, b)))
                    .collect()
            };
            let uncertain = member.sets.is_some() || members[0].sets.is_some();
            Tallies {
                across: vec![Across::new(member.sets.is_some()); member.keys.len()],
                by_hour: vec![Welford::new(); by_hour_len(&member.config)],
                diffs: pairs
                    .iter()
                    .map(|&(i, _)| Paired::new(uncertain, member.keys[i].1.metric))
                    .collect(),
                pairs,
                fits: headline_fits(member),
                ce_keys: ce_keys(member),
                ce: Vec::new(),
            }
        })
        .collect();
    let base_ce_keys = ce_keys(baseline);
    let write_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| RunError::Write { path, source }
    };
    let mut rep_file = replications::Writer::create(&out_dir, opts.replications).map_err(
        write_err(&out_dir.join(opts.replications.file().unwrap_or(""))),
    )?;
    let bar = super::progress_bar(reps, opts.progress, "simulating", "replications");
    let mut events = 0u64;
    let mut done = 0u64;
    let mut io_error = None;
    let simulated_seconds = produce(
        &members,
        &mut |rep: u64, results: Vec<ReplicationResult>| {
            done += 1;
            if bar.length().is_some_and(|len| done > len) {
                bar.set_length(done);
            }
            for (m, result) in results.iter().enumerate() {
                events += result.events;
                let member = &members[m];
                let t = &mut tallies[m];
                for (acc, v) in t.by_hour.iter_mut().zip(&result.by_hour) {
                    if !v.is_nan() {
                        acc.push(*v);
                    }
                }
                for ((index, key), acc) in member.keys.iter().zip(t.across.iter_mut()) {
                    let v = result.values[*index];
                    acc.push(v);
                    if io_error.is_none()
                        && let Err(e) = rep_file.row(&member.name, rep, key, v)
                    {
                        io_error = Some(e);
                    }
                }
                if let Some(sets) = &member.sets {
                    for (i, reg) in t.fits.iter_mut() {
                        reg.push(sets.of(rep), result.values[member.keys[*i].0]);
                    }
                }
                if m > 0
                    && let (Some((cost, hosp)), Some((cost0, hosp0))) = (&t.ce_keys, &base_ce_keys)
                {
                    let sum = |ix: &[usize], r: &ReplicationResult| -> f64 {
                        ix.iter().map(|&i| r.values[i]).sum()
                    };
                    t.ce.push((
                        sum(cost, result) - sum(cost0, &results[0]),
                        sum(hosp0, &results[0]) - sum(hosp, result),
                    ));
                }
                for (&(i, b), diff) in t.pairs.iter().zip(t.diffs.iter_mut()) {
                    let (v, w) = (
                        result.values[member.keys[i].0],
                        results[0].values[baseline.keys[b].0],
                    );
                    if !v.is_nan() && !w.is_nan() {
                        diff.push(v - w);
                    }
                }
            }
            bar.inc(1);
        },
    )?;
    bar.finish_and_clear();
    let rep_path = rep_file.path().unwrap_or(&out_dir).to_path_buf();
    if let Some(e) = io_error {
        return Err(RunError::Write {
            path: rep_path,
            source: e,
        });
    }
    let mut record = |name: &str, sha256: String| {
        files.push(ManifestFile {
            path: name.into(),
            sha256,
        })
    };
    if let Some((name, sha256)) = rep_file.commit().map_err(write_err(&rep_path))? {
        record(name, sha256);
    }
    let mut tables: Vec<(&str, Vec<u8>)> = vec![
        ("summary.csv", summary_table(&members, &tallies)),
        ("by_hour.csv", by_hour_tables(&members, &tallies)),
        (
            "metrics.csv",
            crate::report::labels::dictionary_csv(
                members[0].loaded.scenario.costs.currency.symbol(),
            )
            .into_bytes(),
        ),
    ];
    let uncertain = members.iter().any(|m| m.sets.is_some());
    if uncertain {
        tables.push((PARAMS_FILE, params_table(&members, done)));
        let (variance, drivers) = uncertainty_tables(&members, &tallies);
        tables.push((UNCERTAINTY_FILE, variance));
        tables.push((DRIVERS_FILE, drivers));
    }
    for (name, bytes) in tables {
        let path = out_dir.join(name);
        record(name, write_atomic(&path, &bytes).map_err(write_err(&path))?);
    }
    let mut differences = Vec::new();
    if members.len() > 1 {
        let rows = compare_rows(&members, &tallies);
        let path = out_dir.join("compare.csv");
        record(
            "compare.csv",
            write_atomic(&path, &compare_table(&rows)).map_err(write_err(&path))?,
        );
        if tallies.iter().any(|t| !t.ce.is_empty()) {
            for (name, bytes) in cost_effectiveness_tables(&members, &tallies) {
                let path = out_dir.join(name);
                record(name, write_atomic(&path, &bytes).map_err(write_err(&path))?);
            }
        }
        let means: Vec<appraisal::Means> = members
            .iter()
            .zip(&tallies)
            .map(|(m, t)| summary_means(m, t))
            .collect();
        let appraisal = appraisal::Appraisal::new(&rows, &means);
        for (name, bytes) in [
            ("appraisal.csv", appraisal.csv()),
            ("appraisal.md", appraisal.markdown()),
        ] {
            let path = out_dir.join(name);
            record(
                name,
                write_atomic(&path, bytes.as_bytes()).map_err(write_err(&path))?,
            );
        }
        let last = baseline.config.start_year + baseline.config.years as i32 - 1;
        differences = rows
            .iter()
            .filter(|r| {
                r.key.area == "ALL" && r.key.year == last && HEADLINE.contains(&r.key.metric)
            })
            .map(|r| {
                (
                    r.option.clone(),
                    r.key.metric,
                    r.diff.mean(),
                    r.diff.interval(),
                )
            })
            .collect();
    }
    let warnings = study_warnings(&members, &tallies);
    let elapsed = clock.elapsed().as_secs_f64();
    let wall = simulated_seconds.unwrap_or(elapsed);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let mut manifest = Manifest {
        carecap_version: env!("CARGO_PKG_VERSION").into(),
        run_id,
        command: command.into(),
        scenarios: members.iter().map(|m| m.sources.clone()).collect(),
        seed: baseline.seed(),
        replications: done,
        threads: rayon_threads(opts.threads),
        generator: GENERATOR_NAME.into(),
        stream_derivation_version: STREAM_DERIVATION_VERSION,
        started: rfc3339(started),
        finished: rfc3339(SystemTime::now()),
        wall_seconds: wall,
        events,
        events_per_second: events as f64 / wall.max(1e-9),
        merge_seconds: simulated_seconds.map(|_| elapsed),
        interval: if uncertain {
            crate::report::manifest::UNCERTAINTY_INTERVAL
        } else {
            crate::report::manifest::CONFIDENCE_INTERVAL
        }
        .into(),
        warnings: warnings.clone(),
        files,
    };
    let book = crate::report::workbook::write(&out_dir, &manifest)
        .map_err(write_err(&out_dir.join(crate::report::workbook::FILE)))?;
    manifest.files.push(book);
    manifest.files.sort_by(|a, b| a.path.cmp(&b.path));
    let manifest_path = out_dir.join("manifest.json");
    let json = serde_json::to_string_pretty(&manifest).unwrap_or_default();
    write_atomic(&manifest_path, json.as_bytes()).map_err(write_err(&manifest_path))?;
    let headline = baseline
        .keys
        .iter()
        .zip(&tallies[0].across)
        .filter(|((_, k), _)| k.area == "ALL" && HEADLINE.contains(&k.metric))
        .map(|((_, k), a)| (k.year, k.metric, a.mean(), a.interval(k.metric)))
        .collect();
    Ok(RunReport {
        out_dir,
        manifest,
        headline,
        differences,
        warnings,
        lock: Some(std::sync::Arc::new(lock)),
    })
}

/// The scenarios' own warnings (see [`scenario::validate::warnings`]),
/// then the waiting lists that grow through the horizon, found from the
/// yearly means as `summary.csv` holds them.
fn study_warnings(members: &[Plan], tallies: &[Tallies]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in members {
        for w in scenario::validate::warnings(&m.loaded) {
            let sentence = format!("{}: {}.", m.name, w.message);
            if !out.contains(&sentence) {
                out.push(sentence);
            }
        }
    }
    let mut means = warnings::YearlyMeans::new();
    for (member, t) in members.iter().zip(tallies) {
        for ((_, k), a) in member.keys.iter().zip(&t.across) {
            means
                .entry((member.name.clone(), k.area.clone(), k.metric.to_string()))
                .or_default()
                .push((k.year, a.mean()));
        }
    }
    out.extend(warnings::growing_queues(&means));
    out
}

/// (key → (mean, ci)) of one member, for the appraisal.
fn summary_means(member: &Plan, t: &Tallies) -> appraisal::Means {
    appraisal::Means {
        name: member.name.clone(),
        values: member
            .keys
            .iter()
            .zip(&t.across)
            .map(|((_, k), a)| (k.clone(), (a.mean(), a.interval(k.metric))))
            .collect(),
    }
}

/// Options of one comparison must differ in name and share a currency.
fn check_options(members: &[Plan]) -> Result<(), RunError> {
    for (i, m) in members.iter().enumerate() {
        if members[..i].iter().any(|o| o.name == m.name) {
            let e = m.loaded.error_at(
                &[
                    scenario::error::PathStep::Key("scenario".into()),
                    scenario::error::PathStep::Key("name".into()),
                ],
                format!(
                    "expected scenario names that differ within one comparison, found {:?} twice",
                    m.name
                ),
            );
            return Err(ScenarioErrors(vec![e]).into());
        }
        let (first, this) = (&members[0], m.loaded.scenario.costs.currency.symbol());
        if this != first.loaded.scenario.costs.currency.symbol() {
            let e = m.loaded.error_at(
                &[
                    scenario::error::PathStep::Key("costs".into()),
                    scenario::error::PathStep::Key("currency".into()),
                ],
                format!(
                    "expected the currency of {:?} ({:?}) in one comparison, found {this:?}",
                    first.name,
                    first.loaded.scenario.costs.currency.symbol()
                ),
            );
            return Err(ScenarioErrors(vec![e]).into());
        }
    }
    Ok(())
}

/// The split of the headline outputs' spread between parameters and chance.
pub const UNCERTAINTY_FILE: &str = "uncertainty.csv";
/// The parameters that drive the headline outputs (global sensitivity).
pub const DRIVERS_FILE: &str = "drivers.csv";

/// Regressions of a member's region-wide headline outputs on its sampled
/// parameters (none when every parameter is fixed).
fn headline_fits(member: &Plan) -> Vec<(usize, Regression)> {
    let Some(sets) = &member.sets else {
        return Vec::new();
    };
    member
        .keys
        .iter()
        .enumerate()
        .filter(|(_, (_, k))| k.area == "ALL" && HEADLINE.contains(&k.metric))
        .map(|(i, _)| (i, Regression::new(sets.names.len())))
        .collect()
}

/// `uncertainty.csv` (per headline output: its spread over replications,
/// the spread left when the parameters' linear effects are taken out —
/// chance — and the share of variance the parameters explain) and
/// `drivers.csv` (each parameter's standardised regression coefficient).
fn uncertainty_tables(members: &[Plan], tallies: &[Tallies]) -> (Vec<u8>, Vec<u8>) {
    let mut variance = String::from(
        "scenario,year,area_type,area,metric,mean,sd_total,sd_chance,parameter_share\n",
    );
    let mut drivers = String::from("scenario,year,area_type,area,metric,parameter,src,rank\n");
    for (member, t) in members.iter().zip(tallies) {
        let Some(sets) = &member.sets else { continue };
        for (i, reg) in &t.fits {
            let Some(fit) = reg.fit() else { continue };
            let key = &member.keys[*i].1;
            let lead = format!(
                "{},{},{},{},{}",
                tables::csv_field(&member.name),
                key.year,
                key.area_type,
                tables::csv_field(&key.area),
                key.metric
            );
            variance += &format!(
                "{lead},{},{},{},{}\n",
                tables::number(t.across[*i].mean()),
                tables::number(fit.sd_total),
                tables::number(fit.sd_residual.min(fit.sd_total)),
                tables::number(fit.explained_share())
            );
            let mut order: Vec<usize> = (0..fit.src.len()).collect();
            order.sort_by(|&a, &b| {
                fit.src[b]
                    .abs()
                    .total_cmp(&fit.src[a].abs())
                    .then(a.cmp(&b))
            });
            for (rank, &j) in order.iter().enumerate() {
                drivers += &format!(
                    "{lead},{},{},{}\n",
                    tables::csv_field(&sets.names[j]),
                    tables::number(fit.src[j]),
                    rank + 1
                );
            }
        }
    }
    (variance.into_bytes(), drivers.into_bytes())
}

/// The value indices of region-wide `cost_total` and `deaths_hospital`,
/// every year, when the scenario reports costs.
fn ce_keys(member: &Plan) -> Option<(Vec<usize>, Vec<usize>)> {
    let of = |metric: &str| -> Vec<usize> {
        member
            .keys
            .iter()
            .filter(|(_, k)| k.area == "ALL" && k.metric == metric)
            .map(|(i, _)| *i)
            .collect()
    };
    let (cost, hospital) = (of("cost_total"), of("deaths_hospital"));
    (!cost.is_empty() && cost.len() == hospital.len()).then_some((cost, hospital))
}

/// Willingness to pay per hospital death avoided: the acceptability
/// curve's x values, 0 to 200,000 in steps of 5,000 (in the scenario's currency).
pub const WILLINGNESS_TO_PAY: std::ops::RangeInclusive<u32> = 0..=40;
/// Step of [`WILLINGNESS_TO_PAY`], in the scenario's currency.
pub const WTP_STEP: f64 = 5_000.0;

/// `cost_effectiveness.csv` (each option's cost difference from the
/// baseline and hospital deaths avoided over the whole horizon,
/// undiscounted, replication by replication: the cost-effectiveness
/// plane) and `acceptability.csv` (the probability each option is cost
/// effective at each willingness to pay per hospital death avoided: the
/// share of replications whose net benefit λ·avoided − cost is positive,
/// ties counted half).
fn cost_effectiveness_tables(
    members: &[Plan],
    tallies: &[Tallies],
) -> Vec<(&'static str, Vec<u8>)> {
    let mut plane = String::from("option,replication,cost_difference,hospital_deaths_avoided\n");
    let mut curve = String::from("option,willingness_to_pay,p_cost_effective\n");
    for (member, t) in members.iter().zip(tallies).skip(1) {
        for (rep, (cost, avoided)) in t.ce.iter().enumerate() {
            plane += &format!(
                "{},{rep},{},{}\n",
                tables::csv_field(&member.name),
                tables::number(*cost),
                tables::number(*avoided)
            );
        }
        if t.ce.is_empty() {
            continue;
        }
        for step in WILLINGNESS_TO_PAY {
            let wtp = step as f64 * WTP_STEP;
            let score: f64 =
                t.ce.iter()
                    .map(|(cost, avoided)| {
                        let nmb = wtp * avoided - cost;
                        if nmb > 0.0 {
                            1.0
                        } else if nmb == 0.0 {
                            0.5
                        } else {
                            0.0
                        }
                    })
                    .sum();
            curve += &format!(
                "{},{wtp},{}\n",
                tables::csv_field(&member.name),
                tables::number(score / t.ce.len() as f64)
            );
        }
    }
    vec![
        ("cost_effectiveness.csv", plane.into_bytes()),
        ("acceptability.csv", curve.into_bytes()),
    ]
}

/// The file of sampled parameter sets.
pub const PARAMS_FILE: &str = "params.csv";

/// `params.csv`: the value each uncertain parameter took in each
/// replication of each scenario (`scenario,replication,parameter,value`).
fn params_table(members: &[Plan], reps: u64) -> Vec<u8> {
    let mut out = String::from("scenario,replication,parameter,value\n");
    for m in members {
        for rep in 0..reps {
            for (name, value) in m.parameters(rep) {
                out += &format!(
                    "{},{rep},{},{}\n",
                    tables::csv_field(&m.name),
                    tables::csv_field(name),
                    tables::number(value)
                );
            }
        }
    }
    out.into_bytes()
}

fn summary_table(members: &[Plan], tallies: &[Tallies]) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = writeln!(out, "{}", tables::SUMMARY_HEADER);
    for (member, t) in members.iter().zip(tallies) {
        for ((_, key), acc) in member.keys.iter().zip(&t.across) {
            let _ = tables::write_summary_row(&mut out, &member.name, key, acc);
        }
    }
    out
}

/// One row of `compare.csv`.
#[derive(Debug, Clone)]
pub struct CompareRow {
    /// Option name.
    pub option: String,
    /// Baseline name.
    pub baseline: String,
    /// Year, area, metric.
    pub key: Key,
    /// Paired differences option − baseline.
    pub diff: Paired,
    /// The baseline's mean.
    pub baseline_mean: f64,
}

fn compare_rows(members: &[Plan], tallies: &[Tallies]) -> Vec<CompareRow> {
    let baseline = &members[0];
    let mut rows = Vec::new();
    for (member, t) in members.iter().zip(tallies).skip(1) {
        for (&(i, b), diff) in t.pairs.iter().zip(&t.diffs) {
            rows.push(CompareRow {
                option: member.name.clone(),
                baseline: baseline.name.clone(),
                key: member.keys[i].1.clone(),
                diff: diff.clone(),
                baseline_mean: tallies[0].across[b].mean(),
            });
        }
    }
    rows
}

fn compare_table(rows: &[CompareRow]) -> Vec<u8> {
    let mut out = String::from(tables::COMPARE_HEADER);
    out.push('\n');
    for r in rows {
        let (lo, hi) = r.diff.interval();
        let pct = if r.baseline_mean != 0.0 {
            100.0 * r.diff.mean() / r.baseline_mean.abs()
        } else {
            f64::NAN
        };
        out += &format!(
            "{},{},{},{},{},{},{},{},{},{},{}\n",
            tables::csv_field(&r.option),
            tables::csv_field(&r.baseline),
            r.key.year,
            r.key.area_type,
            tables::csv_field(&r.key.area),
            r.key.metric,
            tables::number(r.diff.mean()),
            tables::number(lo),
            tables::number(hi),
            tables::number(pct),
            tables::number(r.diff.p_better())
        );
    }
    out.into_bytes()
}

/// Length of a replication's metric values for `cfg`.
pub(crate) fn values_len(cfg: &CareConfig) -> usize {
    cfg.years as usize * cfg.areas().len() * crate::model::services::METRIC_COUNT
}

/// Length of a replication's by-hour values for `cfg`.
pub(crate) fn by_hour_len(cfg: &CareConfig) -> usize {
    cfg.years as usize * (cfg.lines.len() + 1) * 24 * BY_HOUR_METRICS.len()
}

fn by_hour_tables(members: &[Plan], tallies: &[Tallies]) -> Vec<u8> {
    let mut out = String::from(tables::BY_HOUR_HEADER);
    out.push('\n');
    for (member, t) in members.iter().zip(tallies) {
        by_hour_rows(member, &t.across, &t.by_hour, &mut out);
    }
    out.into_bytes()
}

/// `by_hour.csv` rows of one scenario: advice-line figures by hour of day
/// for the busiest year (most calls region-wide) and the last year.
fn by_hour_rows(member: &Plan, across: &[Across], by_hour: &[Welford], out: &mut String) {
    let cfg = &*member.config;
    if cfg.lines.is_empty() {
        return;
    }
    let calls = |year: i32| {
        member
            .keys
            .iter()
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
    let chosen = if last == busiest {
        vec![(last, "busiest_and_last")]
    } else {
        vec![(busiest, "busiest"), (last, "last")]
    };
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
                    let (lo, hi) = mean_interval(acc, 0.95);
                    *out += &format!(
                        "{},{year},{label},{},{h},{metric},{},{},{}\n",
                        tables::csv_field(&member.name),
                        tables::csv_field(area),
                        tables::number(acc.mean()),
                        tables::number(lo),
                        tables::number(hi)
                    );
                }
            }
        }
    }
}

fn rfc3339(t: SystemTime) -> String {
    humantime::format_rfc3339_seconds(t).to_string()
}

fn rayon_threads(requested: usize) -> usize {
    super::usable_threads(requested).0
}
