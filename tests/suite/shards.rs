//! Sharded studies: merged results are byte-identical to an unsharded run,
//! and merge refuses incomplete, mixed or corrupted parts.

use crate::common;

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

/// A small study split in two shards: erlang-b, four replications.
fn small_sharded(out: &Path) {
    for k in 0..2 {
        let spec = format!("{k}/2");
        carecap_ok(&[
            "run",
            "scenarios/validation/erlang-b.toml",
            "--reps",
            "4",
            "--shard",
            &spec,
            "--out",
            out.to_str().unwrap(),
        ]);
    }
}

/// `status` and `merge` on `out` refuse with exit 1 and a message naming
/// `needle`; never a panic.
fn refused_cleanly(out: &Path, needle: &str, commands: &[&str]) {
    for &command in commands {
        let mut args = vec![command, out.to_str().unwrap()];
        if command == "merge" {
            args.push("--no-charts");
        }
        let r = carecap(&args);
        let stderr = String::from_utf8_lossy(&r.stderr);
        assert!(!stderr.contains("panicked"), "{command} panicked: {stderr}");
        assert_eq!(r.status.code(), Some(1), "{command}: {stderr}");
        assert!(
            stderr.contains(needle),
            "{command}: missing {needle:?} in: {stderr}"
        );
    }
}

#[test]
fn edited_shard_markers_are_refused_with_a_message_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let both: &[&str] = &["status", "merge"];
    let edits: [(&str, serde_json::Value, &str, &[&str]); 5] = [
        (
            "replications",
            serde_json::json!(1u64 << 62),
            "replications",
            both,
        ),
        (
            "args",
            serde_json::json!({"command": "run", "inputs": [], "sweep": null, "replications": 4, "seed": null}),
            "scenario",
            both,
        ),
        ("shards", serde_json::json!(0), "shards", both),
        (
            "units",
            serde_json::json!([0, 1u64 << 40]),
            "replication",
            both,
        ),
        (
            "part_bytes",
            serde_json::json!(u64::MAX),
            "size",
            &["merge"],
        ),
    ];
    for (i, (field, value, needle, commands)) in edits.into_iter().enumerate() {
        let out = dir.path().join(format!("edit{i}"));
        small_sharded(&out);
        let marker = out.join("shards/part-00000-of-00002.json");
        let mut m: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&marker).unwrap()).unwrap();
        m[field] = value;
        std::fs::write(&marker, serde_json::to_string(&m).unwrap()).unwrap();
        refused_cleanly(&out, needle, commands);
    }
    // A part that is not a regular file is never read (it could be endless).
    #[cfg(unix)]
    {
        let out = dir.path().join("device");
        small_sharded(&out);
        let bin = out.join("shards/part-00001-of-00002.bin");
        std::fs::remove_file(&bin).unwrap();
        std::os::unix::fs::symlink("/dev/zero", &bin).unwrap();
        let r = carecap(&["merge", out.to_str().unwrap(), "--no-charts"]);
        let stderr = String::from_utf8_lossy(&r.stderr);
        assert_eq!(r.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("regular file"), "{stderr}");
    }
}

#[test]
fn merged_manifest_reports_the_shards_time_and_the_sha256sum_of_each_part() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("timed");
    small_sharded(&out);
    let (mut seconds, mut events) = (0.0f64, 0u64);
    for k in 0..2 {
        let stem = out.join(format!("shards/part-{k:05}-of-00002"));
        let m: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(stem.with_extension("json")).unwrap())
                .unwrap();
        seconds += m["wall_seconds"]
            .as_f64()
            .expect("a part records its wall seconds");
        events += m["events"].as_u64().expect("a part records its events");
        // What `sha256sum part.bin` prints.
        let printed = std::process::Command::new("sha256sum")
            .arg(stem.with_extension("bin"))
            .output()
            .expect("sha256sum runs");
        let printed = String::from_utf8_lossy(&printed.stdout);
        let expected = printed.split_whitespace().next().unwrap();
        assert_eq!(m["part_sha256"].as_str().unwrap(), expected);
        assert_eq!(
            expected,
            carecap::report::manifest::sha256_hex(
                &std::fs::read(stem.with_extension("bin")).unwrap()
            )
        );
    }
    carecap_ok(&["merge", out.to_str().unwrap(), "--no-charts"]);
    let merged: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(merged["events"].as_u64().unwrap(), events);
    // Sums and a quotient of the parts' figures, equal up to the rounding
    // of the order they are added in.
    let same = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1.0);
    let wall = merged["wall_seconds"].as_f64().unwrap();
    assert!(same(wall, seconds), "{wall} vs {seconds}");
    let rate = merged["events_per_second"].as_f64().unwrap();
    assert!(
        same(rate, events as f64 / seconds.max(1e-9)),
        "{rate} events/s vs {events} over {seconds} s"
    );
}
