//! `carecap slurm`: job-array scripts for a sharded study. carecap never
//! links to SLURM; it writes `run.sbatch` (an `--array` job, one shard per
//! task, passing `$SLURM_CPUS_PER_TASK` as `--threads`), `merge.sbatch`
//! (run after the array succeeds) and `submit.sh` (submits both with an
//! `afterok` dependency), and creates the log folder.
//!
//! Nothing given on the command line can add a line to a script: SLURM
//! options (`--time`, `--mem`, `--partition`, `--account`) are refused
//! unless they are plain words, paths with control characters are refused,
//! and every path is written as one shell word (quoted when it needs to be).

use super::run::{RunError, RunOptions};
use super::shard::quote;
use super::study::{Study, StudyArgs, StudyKind};
use crate::report::atomic::write_atomic;
use crate::scenario::validate::events_per_replication;
use std::fmt::Write as _;
use std::path::PathBuf;

/// The usual `MaxArraySize` of a SLURM installation (task ids 0..1000).
pub const USUAL_MAX_ARRAY: u64 = 1001;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Job {
    /// Scenario files (one: run; several: compare with the first).
    pub scenarios: Vec<PathBuf>,
    /// Shards.
    pub shards: u64,
    /// Wall time per shard.
    pub time: String,
    /// CPUs per task.
    pub cpus_per_task: u32,
    /// Memory per task.
    pub mem: String,
    /// Partition.
    pub partition: Option<String>,
    /// Account.
    pub account: Option<String>,
    /// Array throttle.
    pub max_running: Option<u64>,
    /// Replications.
    pub replications: Option<u32>,
    /// `--replications`: the per-replication table the merge writes.
    pub replications_format: crate::report::replications::Format,
    /// Results folder.
    pub out: Option<PathBuf>,
}

/// Characters a SLURM option value (`--time`, `--mem`, `--partition`,
/// `--account`) may hold besides letters and digits.
const OPTION_PUNCTUATION: &str = "-_.:,+%@=/";

/// Refuses a SLURM option value that is not a plain word.
fn plain_option(flag: &str, value: &str) -> Result<(), RunError> {
    if value.is_empty()
        || !value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || OPTION_PUNCTUATION.contains(c))
    {
        return Err(RunError::Refused(format!(
            "{flag}: expected letters, digits and {OPTION_PUNCTUATION} only, found {value:?} (a newline, space or quote would change the script)"
        )));
    }
    Ok(())
}

/// Refuses a path with control characters (a newline would add a line
/// to the script).
fn plain_path(what: &str, path: &std::path::Path) -> Result<(), RunError> {
    let text = path.display().to_string();
    if text.chars().any(char::is_control) {
        return Err(RunError::Refused(format!(
            "{what}: expected a path without control characters, found {text:?}"
        )));
    }
    Ok(())
}

/// Checks every option and path that goes into the scripts.
fn check_job(job: &Job) -> Result<(), RunError> {
    plain_option("--time", &job.time)?;
    plain_option("--mem", &job.mem)?;
    if let Some(p) = &job.partition {
        plain_option("--partition", p)?;
    }
    if let Some(a) = &job.account {
        plain_option("--account", a)?;
    }
    for s in &job.scenarios {
        plain_path("scenario", s)?;
    }
    if let Some(out) = &job.out {
        plain_path("--out", out)?;
    }
    Ok(())
}

/// Estimated events (the size check's estimate, [`events_per_replication`],
/// generous: about 2.5 times the events simulated) that one core gets
/// through in a second: the development machine does 11 million (the
/// national scenario) to 16 million (the baseline). Set at the top of that
/// range, so that the shards suggested last at least about a minute.
const ESTIMATED_EVENTS_PER_CPU_SECOND: f64 = 1.6e7;

/// The study's CPU-minutes at [`ESTIMATED_EVENTS_PER_CPU_SECOND`], and the
/// most shards of `cpus` threads that each last a minute at that speed.
fn shard_advice(study: &Study, cpus: u32) -> (f64, u64) {
    let per_replication: f64 = (study.plans.iter())
        .map(|p| events_per_replication(&p.loaded.scenario))
        .sum();
    let reps = study.replications();
    let cpu_seconds = per_replication * reps as f64 / ESTIMATED_EVENTS_PER_CPU_SECOND;
    let most = (cpu_seconds / (60.0 * f64::from(cpus.max(1)))).floor() as u64;
    let most = most.clamp(1, reps.clamp(1, USUAL_MAX_ARRAY - 1));
    (cpu_seconds / 60.0, most)
}

/// Writes the scripts; returns a summary for the terminal.
pub fn write(job: &Job) -> Result<String, RunError> {
    check_job(job)?;
    let command = if job.scenarios.len() > 1 {
        StudyKind::Compare
    } else {
        StudyKind::Run
    };
    let args = StudyArgs {
        command,
        inputs: job.scenarios.clone(),
        sweep: None,
        replications: job.replications,
        seed: None,
        metric: None,
        year: None,
        replications_format: job.replications_format,
    };
    // The study is built (and so checked) here, as each shard will build it.
    let study = Study::build(
        &args,
        &RunOptions {
            out: job.out.clone(),
            shards: job.shards,
            ..RunOptions::default()
        },
    )?;
    let reps = study.replications();
    let (cpu_minutes, most) = shard_advice(&study, job.cpus_per_task);
    let out = study.out_dir;
    let command = command.name();
    let logs = out.join("logs");
    std::fs::create_dir_all(&logs).map_err(|source| RunError::Output {
        path: logs.clone(),
        source,
    })?;
    let shards = job.shards.max(1);
    let mut notes = Vec::new();
    if shards > USUAL_MAX_ARRAY - 1 {
        notes.push(format!("warning: {shards} array tasks exceed the usual MaxArraySize ({USUAL_MAX_ARRAY}); ask your admins or use fewer shards"));
    }
    if shards > reps {
        notes.push(format!(
            "warning: {shards} shards for {reps} replications leaves {} shards empty",
            shards - reps
        ));
    }
    let per_shard = reps.div_ceil(shards);
    notes.push(format!(
        "{reps} replications in {shards} shards: {per_shard} per shard. SLURM spends about a second per task, so keep a shard at least a minute long: this study is about {cpu_minutes:.0} CPU-minutes on a fast core, so with --cpus-per-task {} use at most --shards {most}",
        job.cpus_per_task.max(1)
    ));
    let exe = std::env::current_exe()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| "carecap".into());
    let cwd = std::env::current_dir().map_err(|source| RunError::Output {
        path: out.clone(),
        source,
    })?;
    plain_path("the current folder", &cwd)?;
    plain_path("the carecap program", std::path::Path::new(&exe))?;
    plain_path("--out", &out)?;
    let mut header = String::new();
    // Jobs run where carecap slurm was run: scenario paths are relative to it.
    let _ = writeln!(
        header,
        "#SBATCH --chdir={}",
        quote(&cwd.display().to_string())
    );
    let _ = writeln!(header, "#SBATCH --time={}", job.time);
    let _ = writeln!(header, "#SBATCH --mem={}", job.mem);
    if let Some(p) = &job.partition {
        let _ = writeln!(header, "#SBATCH --partition={p}");
    }
    if let Some(a) = &job.account {
        let _ = writeln!(header, "#SBATCH --account={a}");
    }
    let throttle = job.max_running.map(|m| format!("%{m}")).unwrap_or_default();
    let inputs: Vec<String> = job
        .scenarios
        .iter()
        .map(|p| quote(&p.display().to_string()))
        .collect();
    let mut reps_flag = job
        .replications
        .map(|r| format!(" --reps {r}"))
        .unwrap_or_default();
    if !job.replications_format.is_default() {
        reps_flag += &format!(" --replications {}", job.replications_format.name());
    }
    let out_q = quote(&out.display().to_string());
    let logs_at = |file: &str| quote(&cwd.join(&logs).join(file).display().to_string());
    let run = format!(
        "#!/usr/bin/env bash\n# One shard of the study per array task (generated by carecap slurm).\n#SBATCH --job-name=carecap-run\n#SBATCH --array=0-{last}{throttle}\n#SBATCH --cpus-per-task={cpus}\n{header}#SBATCH --output={run_log}\nset -euo pipefail\nCARECAP=${{CARECAP:-{exe}}}\n\"$CARECAP\" {command} {inputs}{reps_flag} --shard \"$SLURM_ARRAY_TASK_ID/{shards}\" --threads \"${{SLURM_CPUS_PER_TASK:-1}}\" --out {out_q}\n",
        last = shards - 1,
        run_log = logs_at("run-%A_%a.out"),
        cpus = job.cpus_per_task,
        exe = quote(&exe),
        inputs = inputs.join(" "),
    );
    let merge = format!(
        "#!/usr/bin/env bash\n# Merges the shards once the array has succeeded (generated by carecap slurm).\n#SBATCH --job-name=carecap-merge\n#SBATCH --cpus-per-task={cpus}\n{header}#SBATCH --output={merge_log}\nset -euo pipefail\nCARECAP=${{CARECAP:-{exe}}}\n\"$CARECAP\" merge {out_q} --threads \"${{SLURM_CPUS_PER_TASK:-1}}\"\n",
        cpus = job.cpus_per_task,
        merge_log = logs_at("merge-%j.out"),
        exe = quote(&exe),
    );
    let dir = cwd.join(&out);
    let at = |file: &str| quote(&dir.join(file).display().to_string());
    let submit = format!(
        "#!/usr/bin/env bash\n# Submits the shard array, then the merge after every shard succeeded.\n# A failed shard cancels the merge (afterok); resubmit just that shard with\n#   sbatch --array=K {run_q}\n# and then sbatch {merge_q} (carecap status {dir_q} lists what is missing).\nset -euo pipefail\narray=$(sbatch --parsable {run_q})\narray=${{array%%;*}}\nmerge=$(sbatch --parsable --dependency=afterok:$array --kill-on-invalid-dep=yes {merge_q})\necho \"submitted array $array and merge ${{merge%%;*}}\"\n",
        run_q = at("run.sbatch"),
        merge_q = at("merge.sbatch"),
        dir_q = quote(&dir.display().to_string()),
    );
    for (name, text) in [
        ("run.sbatch", run),
        ("merge.sbatch", merge),
        ("submit.sh", submit),
    ] {
        let path = out.join(name);
        write_atomic(&path, text.as_bytes()).map_err(|source| RunError::Write {
            path: path.clone(),
            source,
        })?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755));
        }
    }
    notes.push(format!(
        "wrote {}, merge.sbatch and submit.sh; submit with: bash {}",
        at("run.sbatch"),
        at("submit.sh")
    ));
    Ok(notes.join("\n"))
}
