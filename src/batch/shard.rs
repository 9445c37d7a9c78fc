//! Beyond one machine: a study split into shards (`--shard K/N`), each
//! written as a part file, merged into exactly the results of an unsharded
//! run (`carecap merge`), with `carecap status` to see what is missing.
//!
//! A work unit is one replication of every scenario of the study; shard K
//! of N takes the replications whose number modulo N is K. Seeds depend on
//! the replication only, never on the shard or thread, and `merge` hands
//! the replications to the same streaming reduction in replication order,
//! so the merged tables are byte-identical to an unsharded run's. Each
//! shard writes `shards/part-K-of-N.bin` (every replication's raw metric
//! values) atomically, then `shards/part-K-of-N.json`, its completion
//! marker: shard, N, replications, the study's configuration hash, the
//! part's size and SHA-256 (what `sha256sum` prints for it), and the
//! shard's own wall seconds and events.
//!
//! Markers and parts are files a person can edit, so every number read
//! from them is checked before it is used (a bad one is refused with a
//! message, never a panic), and only regular files are read, never more
//! than their declared size.

use super::plan::Plan;
use super::run::{RunError, RunOptions, RunReport, prepare_output};
use super::run_units;
use super::study::{Study, StudyArgs, execute_from, simulate_all};
use crate::model::system::ReplicationResult;
use crate::report::atomic::{AtomicFile, write_atomic};
use crate::report::manifest::sha256_hex;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Most bytes read from a completion marker (a million replications' list
/// takes about 10 MB).
const MAX_MARKER_BYTES: u64 = 64 << 20;

/// Most shards of a study.
const MAX_SHARDS: u64 = 100_000;

/// `K/N`: this is shard K (0-based) of N.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard.
    pub index: u64,
    /// How many.
    pub count: u64,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("expected K/N, found {s:?}"))?;
        let (index, count): (u64, u64) = (
            k.trim()
                .parse()
                .map_err(|_| format!("expected K/N, found {s:?}"))?,
            n.trim()
                .parse()
                .map_err(|_| format!("expected K/N, found {s:?}"))?,
        );
        if count == 0 || index >= count || count > MAX_SHARDS {
            return Err(format!("expected 0 <= K < N <= 100000, found {s:?}"));
        }
        Ok(Shard { index, count })
    }
}

impl StudyArgs {
    /// The command that computes shard `shard` into `out`.
    pub fn shard_command(&self, shard: Shard, out: &Path) -> String {
        let mut words = vec!["carecap".to_string(), self.command.name().to_string()];
        words.extend(self.inputs.iter().map(|p| quote(&p.display().to_string())));
        if let Some(s) = &self.sweep {
            words.push(format!("--sweep {}", quote(&s.display().to_string())));
        }
        if let Some(r) = self.replications {
            words.push(format!("--reps {r}"));
        }
        if let Some(s) = self.seed {
            words.push(format!("--seed {s}"));
        }
        if let Some(m) = &self.metric {
            words.push(format!("--metric {}", quote(m)));
        }
        if let Some(y) = self.year {
            words.push(format!("--year {y}"));
        }
        if !self.replications_format.is_default() {
            words.push(format!(
                "--replications {}",
                self.replications_format.name()
            ));
        }
        words.push(format!("--shard {}/{}", shard.index, shard.count));
        words.push(format!("--out {}", quote(&out.display().to_string())));
        words.join(" ")
    }
}

/// `s` as one shell word (quoted only when it needs to be).
pub(super) fn quote(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// The completion marker of a shard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartManifest {
    /// carecap version.
    pub carecap_version: String,
    /// Shard index.
    pub shard: u64,
    /// Shard count.
    pub shards: u64,
    /// Replications in the study.
    pub replications: u64,
    /// Replications in this part, in order.
    pub units: Vec<u64>,
    /// Hash of the study's configuration (scenarios, seed, replications).
    pub config_sha256: String,
    /// Size of the part file.
    pub part_bytes: u64,
    /// SHA-256 of the part file's bytes, hex, as `sha256sum` prints it.
    pub part_sha256: String,
    /// Wall-clock seconds the shard spent simulating.
    #[serde(default)]
    pub wall_seconds: f64,
    /// Events the shard processed.
    #[serde(default)]
    pub events: u64,
    /// How to rebuild the study.
    pub args: StudyArgs,
}

impl PartManifest {
    /// Replications shard `shard` of `shards` holds of `replications`.
    fn expected_units(&self) -> u64 {
        if self.shard >= self.replications {
            0
        } else {
            (self.replications - self.shard).div_ceil(self.shards)
        }
    }

    /// Checks every number and list a person could have edited; the
    /// problem in words otherwise.
    fn check(&self) -> Result<(), String> {
        if self.shards == 0 || self.shards > MAX_SHARDS {
            return Err(format!(
                "expected shards from 1 to {MAX_SHARDS}, found {}",
                self.shards
            ));
        }
        if self.shard >= self.shards {
            return Err(format!(
                "expected shard below shards ({}), found {}",
                self.shards, self.shard
            ));
        }
        if self.replications == 0 || self.replications > u64::from(u32::MAX) {
            return Err(format!(
                "expected replications from 1 to {}, found {}",
                u32::MAX,
                self.replications
            ));
        }
        let expected = (self.shard..self.replications).step_by(self.shards as usize);
        if self.units.len() as u64 != self.expected_units()
            || !self.units.iter().copied().eq(expected)
        {
            return Err(format!(
                "expected the replications numbered {} modulo {} below {}, found another list",
                self.shard, self.shards, self.replications
            ));
        }
        let inputs = self.args.inputs.len();
        let least = self.args.command.least_inputs();
        if inputs < least {
            return Err(format!(
                "expected at least {least} scenario file(s) for {}, found {inputs}",
                self.args.command.name()
            ));
        }
        if !self.wall_seconds.is_finite() || self.wall_seconds < 0.0 {
            return Err(format!(
                "expected wall seconds of 0 or more, found {}",
                self.wall_seconds
            ));
        }
        Ok(())
    }
}

/// Lowercase hex of a digest.
fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn config_hash(members: &[Plan]) -> String {
    let mut h = Sha256::new();
    for m in members {
        h.update(
            format!(
                "{}\n{}\n{}\n{}\n",
                m.name,
                m.loaded.resolved_sha256,
                m.seed(),
                m.replications()
            )
            .as_bytes(),
        );
    }
    sha256_hex(&h.finalize())
}

fn part_name(shard: Shard) -> String {
    format!("part-{:05}-of-{:05}", shard.index, shard.count)
}

/// Runs one shard of the study and writes its part. With `resume`, a shard
/// whose completed part (same configuration, intact) is already there is
/// not computed again.
pub fn run_shard(
    args: &StudyArgs,
    shard: Shard,
    opts: &RunOptions,
    resume: bool,
) -> Result<PathBuf, RunError> {
    let opts = RunOptions {
        shards: shard.count,
        ..opts.clone()
    };
    let study = Study::build(args, &opts)?;
    let dir = study.out_dir.join("shards");
    let json = dir.join(format!("{}.json", part_name(shard)));
    if resume && finished(&json, &config_hash(&study.plans)) {
        return Ok(json);
    }
    prepare_output(&dir)?;
    let reps = study.replications();
    let units: Vec<u64> = (0..reps)
        .filter(|r| r % shard.count == shard.index)
        .collect();
    let bin = dir.join(format!("{}.bin", part_name(shard)));
    let write_err = |source| RunError::Write {
        path: bin.clone(),
        source,
    };
    let mut file = AtomicFile::create(&bin).map_err(write_err)?;
    let mut hasher = Sha256::new();
    let mut bytes = 0u64;
    let mut events = 0u64;
    let mut io_error = None;
    let mut failed = None;
    let clock = Instant::now();
    run_units(
        &units,
        study.opts.threads,
        |rep| simulate_all(&study.plans, rep),
        |rep, results| {
            let results = match results {
                Ok(results) => results,
                Err(e) => {
                    failed = failed.take().or(Some(e));
                    return;
                }
            };
            events += results.iter().map(|r| r.events).sum::<u64>();
            let block = encode(rep, &results);
            hasher.update(&block);
            bytes += block.len() as u64;
            if io_error.is_none()
                && let Err(e) = file.write_all(&block)
            {
                io_error = Some(e);
            }
        },
    )?;
    let wall_seconds = clock.elapsed().as_secs_f64();
    if let Some(e) = failed {
        return Err(RunError::Invalid(e));
    }
    if let Some(e) = io_error {
        return Err(write_err(e));
    }
    file.commit().map_err(write_err)?;
    let manifest = PartManifest {
        carecap_version: env!("CARGO_PKG_VERSION").into(),
        shard: shard.index,
        shards: shard.count,
        replications: reps,
        units,
        config_sha256: config_hash(&study.plans),
        part_bytes: bytes,
        part_sha256: hex(&hasher.finalize()),
        wall_seconds,
        events,
        args: args.clone(),
    };
    let text = serde_json::to_string_pretty(&manifest).unwrap_or_default();
    write_atomic(&json, text.as_bytes()).map_err(|source| RunError::Write {
        path: json.clone(),
        source,
    })?;
    Ok(json)
}

/// Whether the part behind marker `json` is complete, intact and of the
/// configuration `config`.
fn finished(json: &Path, config: &str) -> bool {
    let Ok(m) = read_marker(json) else {
        return false;
    };
    m.config_sha256 == config && part_intact(&json.with_extension("bin"), &m).is_ok()
}

/// Opens `path` if it is a regular file (not a device, pipe or folder,
/// which could be endless), following symbolic links.
fn open_regular(path: &Path) -> Result<std::fs::File, String> {
    crate::fsread::open_regular(path).map_err(|e| e.at(path))
}

/// Reads and checks the completion marker `path` (at most
/// [`MAX_MARKER_BYTES`]).
fn read_marker(path: &Path) -> Result<PartManifest, String> {
    let mut text = String::new();
    open_regular(path)?
        .take(MAX_MARKER_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if text.len() as u64 > MAX_MARKER_BYTES {
        return Err(format!(
            "{}: larger than a shard marker can be ({MAX_MARKER_BYTES} bytes)",
            path.display()
        ));
    }
    let m: PartManifest = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not a shard manifest: {e}", path.display()))?;
    m.check()
        .map_err(|e| format!("{}: not a valid shard manifest: {e}", path.display()))?;
    Ok(m)
}

/// Checks that the part `bin` has the size and SHA-256 its marker
/// declares, reading at most that size (plus one byte).
fn part_intact(bin: &Path, m: &PartManifest) -> Result<(), String> {
    let mut reader = open_regular(bin)?.take(m.part_bytes.saturating_add(1));
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut bytes = 0u64;
    loop {
        let n = reader
            .read(&mut buf)
            .map_err(|e| format!("{}: {e}", bin.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        bytes += n as u64;
    }
    if bytes != m.part_bytes || hex(&hasher.finalize()) != m.part_sha256 {
        return Err(format!(
            "{} is corrupted (size or SHA-256 differs from its manifest)",
            bin.display()
        ));
    }
    Ok(())
}

fn encode(rep: u64, results: &[ReplicationResult]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend(rep.to_le_bytes());
    for r in results {
        out.extend(r.events.to_le_bytes());
        for values in [&r.values, &r.by_hour] {
            out.extend((values.len() as u64).to_le_bytes());
            for v in values.iter() {
                out.extend(v.to_le_bytes());
            }
        }
    }
    out
}

fn read_u64(r: &mut impl Read) -> std::io::Result<u64> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b)?;
    Ok(u64::from_le_bytes(b))
}

/// Bytes of one replication's block for members whose (values, by-hour)
/// lengths are `lengths`.
fn block_bytes(lengths: &[(usize, usize)]) -> u64 {
    8 + lengths
        .iter()
        .map(|&(v, h)| 24 + 8 * (v as u64 + h as u64))
        .sum::<u64>()
}

/// Reads one replication's block; `lengths` are each member's (values,
/// by-hour) lengths, and a block of other lengths is refused.
fn decode(
    r: &mut impl Read,
    lengths: &[(usize, usize)],
) -> std::io::Result<(u64, Vec<ReplicationResult>)> {
    let rep = read_u64(r)?;
    let mut results = Vec::with_capacity(lengths.len());
    for &(values_len, by_hour_len) in lengths {
        let events = read_u64(r)?;
        let mut vectors = Vec::new();
        for expected in [values_len, by_hour_len] {
            let n = read_u64(r)?;
            if n != expected as u64 {
                return Err(std::io::Error::other(format!(
                    "a block of {n} values where the study has {expected}"
                )));
            }
            let n = expected;
            let mut v = Vec::with_capacity(n);
            for _ in 0..n {
                v.push(f64::from_bits(read_u64(r)?));
            }
            vectors.push(v);
        }
        let by_hour = vectors.pop().unwrap_or_default();
        let values = vectors.pop().unwrap_or_default();
        results.push(ReplicationResult {
            values,
            by_hour,
            events,
        });
    }
    Ok((rep, results))
}

/// What `status` found.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    /// Shard count (from the parts).
    pub shards: u64,
    /// Shards whose parts are complete.
    pub done: Vec<u64>,
    /// Shards with no completed part.
    pub missing: Vec<u64>,
    /// Commands that compute the missing shards.
    pub rerun: Vec<String>,
    /// Problems that stop a merge.
    pub problems: Vec<String>,
}

fn manifests(dir: &Path) -> Result<Vec<(PathBuf, PartManifest)>, String> {
    let shards = dir.join("shards");
    let entries = std::fs::read_dir(&shards)
        .map_err(|e| format!("{}: {e} (no shard has finished here)", shards.display()))?;
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|x| x == "json") {
            let m = read_marker(&path)?;
            out.push((path, m));
        }
    }
    out.sort_by_key(|(p, _)| p.clone());
    if out.is_empty() {
        return Err(format!(
            "{}: no completed shard (no part-*.json)",
            shards.display()
        ));
    }
    Ok(out)
}

/// Which shards of the study in `dir` are done, which are missing, and
/// what stops a merge. A marker that cannot be read or holds impossible
/// numbers is an error.
pub fn status(dir: &Path) -> Result<Status, String> {
    let parts = manifests(dir)?;
    let first = &parts[0].1;
    let mut problems = Vec::new();
    let mut done: Vec<u64> = Vec::new();
    for (path, m) in &parts {
        if m.shards != first.shards {
            problems.push(format!(
                "{}: a part of {} shards among parts of {}",
                path.display(),
                m.shards,
                first.shards
            ));
            continue;
        }
        if m.args.replications_format != first.args.replications_format {
            problems.push(format!(
                "{}: run with --replications {} where {} was run with --replications {}; the shards of a study must agree on the per-replication file (rerun one of them with the other's flag)",
                path.display(),
                m.args.replications_format.name(),
                parts[0].0.display(),
                first.args.replications_format.name()
            ));
            continue;
        }
        if m.config_sha256 != first.config_sha256
            || m.replications != first.replications
            || m.args != first.args
        {
            problems.push(format!(
                "{}: from a different configuration than {}",
                path.display(),
                parts[0].0.display()
            ));
            continue;
        }
        if done.contains(&m.shard) {
            problems.push(format!(
                "{}: shard {} of {} again, so replications {:?} appear in more than one part",
                path.display(),
                m.shard,
                m.shards,
                m.units
            ));
            continue;
        }
        done.push(m.shard);
    }
    done.sort();
    let missing: Vec<u64> = (0..first.shards)
        .filter(|k| done.binary_search(k).is_err())
        .collect();
    let rerun = missing
        .iter()
        .map(|&k| {
            first.args.shard_command(
                Shard {
                    index: k,
                    count: first.shards,
                },
                dir,
            )
        })
        .collect();
    Ok(Status {
        shards: first.shards,
        done,
        missing,
        rerun,
        problems,
    })
}

/// Merges the shards in `dir` into the tables of an unsharded run.
pub fn merge(dir: &Path, opts: &RunOptions) -> Result<RunReport, RunError> {
    let refuse = |message: String| {
        RunError::Invalid(crate::scenario::ScenarioErrors(vec![
            crate::scenario::ScenarioError {
                file: dir.to_path_buf(),
                line: 0,
                column: 0,
                key: "merge".into(),
                message,
            },
        ]))
    };
    let st = status(dir).map_err(refuse)?;
    if !st.problems.is_empty() {
        return Err(refuse(format!(
            "refusing to merge: {}",
            st.problems.join("; ")
        )));
    }
    if !st.missing.is_empty() {
        return Err(refuse(format!(
            "refusing to merge: shards {:?} of {} are missing; compute them with:\n  {}",
            st.missing,
            st.shards,
            st.rerun.join("\n  ")
        )));
    }
    let parts = manifests(dir).map_err(refuse)?;
    let args = parts[0].1.args.clone();
    let study = Study::build(
        &args,
        &RunOptions {
            out: Some(dir.to_path_buf()),
            shards: st.shards,
            ..opts.clone()
        },
    )?;
    let reps = study.replications();
    if config_hash(&study.plans) != parts[0].1.config_sha256 || reps != parts[0].1.replications {
        return Err(refuse(
            "refusing to merge: the scenario files have changed since the shards ran".into(),
        ));
    }
    let lengths: Vec<(usize, usize)> = study
        .plans
        .iter()
        .map(|m| {
            (
                super::study::values_len(&m.config),
                super::study::by_hour_len(&m.config),
            )
        })
        .collect();
    let n = st.shards;
    let mut readers: Vec<Option<BufReader<std::io::Take<std::fs::File>>>> =
        (0..n).map(|_| None).collect();
    // The replications were simulated by the shards: their seconds, summed.
    let mut seconds = Some(0.0f64);
    for (path, m) in &parts {
        let bin = path.with_extension("bin");
        let rerun = || {
            args.shard_command(
                Shard {
                    index: m.shard,
                    count: m.shards,
                },
                dir,
            )
        };
        let expected = block_bytes(&lengths).checked_mul(m.units.len() as u64);
        if expected != Some(m.part_bytes) {
            return Err(refuse(format!(
                "refusing to merge: {} declares a size of {} bytes where its {} replications take {}; rerun: {}",
                path.display(),
                m.part_bytes,
                m.units.len(),
                expected.map_or("more than can be counted".into(), |b| b.to_string()),
                rerun()
            )));
        }
        part_intact(&bin, m)
            .map_err(|e| refuse(format!("refusing to merge: {e}; rerun: {}", rerun())))?;
        let file = open_regular(&bin).map_err(refuse)?;
        readers[m.shard as usize] = Some(BufReader::new(file.take(m.part_bytes)));
        // A part of an older carecap has no time: report the merge's own.
        seconds = seconds
            .filter(|_| m.wall_seconds > 0.0 || m.units.is_empty())
            .map(|s| s + m.wall_seconds);
    }
    let names: Vec<String> = study.plans.iter().map(|m| m.name.clone()).collect();
    let report = execute_from(
        study.plans,
        study.out_dir.clone(),
        &study.opts,
        study.kind.name(),
        |_, consume| {
            for rep in 0..reps {
                let reader = readers[(rep % n) as usize]
                    .as_mut()
                    .ok_or_else(|| refuse(format!("no part holds replication {rep}")))?;
                let (got, results) = decode(reader, &lengths)
                    .map_err(|e| refuse(format!("reading replication {rep}: {e}")))?;
                if got != rep {
                    return Err(refuse(format!("expected replication {rep}, found {got}")));
                }
                consume(rep, results);
            }
            Ok(seconds)
        },
    )?;
    super::sweep::finish_sizing(&report, &study.sizing, &names)?;
    super::study::finish_sensitivity(&report, study.one_way.as_ref(), &names)?;
    Ok(report)
}
