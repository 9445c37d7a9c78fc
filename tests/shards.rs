//! Sharded studies: merged results are byte-identical to an unsharded run,
//! and merge refuses incomplete, mixed or corrupted parts.

mod common;

use common::{carecap, carecap_ok};
use std::path::Path;

const ARGS: [&str; 3] = [
    "compare",
    "scenarios/nwl-baseline.toml",
    "scenarios/options/ucp-uptake.toml",
];
const REPS: &str = "5";
const TABLES: [&str; 6] = [
    "replications.csv",
    "summary.csv",
    "by_hour.csv",
    "compare.csv",
    "appraisal.csv",
    "appraisal.md",
];

fn shard(out: &Path, k: u64, n: u64, extra: &[&str]) {
    let spec = format!("{k}/{n}");
    let mut args: Vec<&str> = ARGS.to_vec();
    args.extend([
        "--reps",
        REPS,
        "--shard",
        &spec,
        "--out",
        out.to_str().unwrap(),
    ]);
    args.extend(extra);
    carecap_ok(&args);
}

fn sharded_run(out: &Path, n: u64) {
    for k in 0..n {
        shard(out, k, n, &[]);
    }
}

#[test]
fn merged_shards_equal_an_unsharded_run_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole");
    let mut args: Vec<&str> = ARGS.to_vec();
    args.extend([
        "--reps",
        REPS,
        "--no-charts",
        "--out",
        whole.to_str().unwrap(),
    ]);
    carecap_ok(&args);
    for n in [1u64, 2, 3, 7, 6] {
        let out = dir.path().join(format!("n{n}"));
        sharded_run(&out, n);
        carecap_ok(&["merge", out.to_str().unwrap(), "--no-charts"]);
        for table in TABLES {
            let (a, b) = (
                std::fs::read(whole.join(table)).unwrap(),
                std::fs::read(out.join(table)).unwrap(),
            );
            assert!(a == b, "{table} differs after merging {n} shards");
        }
    }
}

fn merge_fails(out: &Path, needle: &str) {
    let r = carecap(&["merge", out.to_str().unwrap(), "--no-charts"]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(needle), "missing {needle:?} in: {stderr}");
    assert!(
        !out.join("summary.csv").exists(),
        "a refused merge wrote results"
    );
}

#[test]
fn merge_refuses_missing_duplicated_mixed_and_corrupted_parts() {
    let dir = tempfile::tempdir().unwrap();
    // Missing: shard 1 of 2 never ran; status and merge name the command to run.
    let missing = dir.path().join("missing");
    shard(&missing, 0, 2, &[]);
    let status = carecap_ok(&["status", missing.to_str().unwrap()]);
    assert!(
        status.contains("1 of 2 shards done") && status.contains("--shard 1/2"),
        "{status}"
    );
    merge_fails(&missing, "--shard 1/2");
    // --resume leaves a finished shard alone (its part keeps its time stamp).
    let part = missing.join("shards/part-00000-of-00002.bin");
    let before = std::fs::metadata(&part).unwrap().modified().unwrap();
    shard(&missing, 0, 2, &["--resume"]);
    assert_eq!(
        std::fs::metadata(&part).unwrap().modified().unwrap(),
        before,
        "--resume recomputed a finished shard"
    );
    // Duplicated: the same shard's marker twice.
    let dup = dir.path().join("dup");
    sharded_run(&dup, 2);
    let shards = dup.join("shards");
    std::fs::copy(
        shards.join("part-00000-of-00002.json"),
        shards.join("part-00000-of-00002-copy.json"),
    )
    .unwrap();
    merge_fails(&dup, "more than one part");
    // Mixed N.
    let mixed = dir.path().join("mixed");
    sharded_run(&mixed, 2);
    shard(&mixed, 0, 3, &[]);
    merge_fails(&mixed, "shards among parts of");
    // A different configuration (another seed).
    let config = dir.path().join("config");
    shard(&config, 0, 2, &[]);
    shard(&config, 1, 2, &["--seed", "99"]);
    merge_fails(&config, "different configuration");
    // Corrupted part.
    let bad = dir.path().join("bad");
    sharded_run(&bad, 2);
    let bin = bad.join("shards/part-00001-of-00002.bin");
    let mut bytes = std::fs::read(&bin).unwrap();
    bytes[100] ^= 0xff;
    std::fs::write(&bin, bytes).unwrap();
    merge_fails(&bad, "corrupted");
}

#[test]
fn slurm_scripts_pass_the_task_id_and_cpus_and_chain_the_merge() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cluster");
    let text = carecap_ok(&[
        "slurm",
        "scenarios/nwl-baseline.toml",
        "--shards",
        "1200",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        text.contains("MaxArraySize"),
        "no array-size warning: {text}"
    );
    let run = std::fs::read_to_string(out.join("run.sbatch")).unwrap();
    assert!(run.contains("#SBATCH --array=0-1199"));
    assert!(run.contains("--shard \"$SLURM_ARRAY_TASK_ID/1200\""));
    assert!(run.contains("--threads \"${SLURM_CPUS_PER_TASK:-1}\""));
    let submit = std::fs::read_to_string(out.join("submit.sh")).unwrap();
    assert!(submit.contains("--dependency=afterok:$array"));
    assert!(
        std::fs::read_to_string(out.join("merge.sbatch"))
            .unwrap()
            .contains(" merge ")
    );
    assert!(out.join("logs").is_dir());
}
