//! `--replications csv|parquet|none`: `replications.parquet` read back with
//! the parquet crate's reader holds every row and value of the CSV of the
//! same study, typed and dictionary-encoded; `none` writes no
//! per-replication file and changes no other table; Parquet shards merge
//! into the same bytes as an unsharded run, shards run with different
//! formats are refused, and so is a sweep with `[sizing]` (it reads
//! `replications.csv` back) asked for another format.

use crate::common;

use common::{carecap, carecap_ok};
use parquet::basic::{Compression, Encoding, Type as Physical};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use std::path::Path;

const STUDY: [&str; 3] = [
    "compare",
    "scenarios/nwl-baseline.toml",
    "scenarios/options/hah-24-7.toml",
];

fn study(out: &Path, extra: &[&str]) {
    let mut args: Vec<&str> = STUDY.to_vec();
    args.extend(["--reps", "3", "--no-charts", "--out", out.to_str().unwrap()]);
    args.extend(extra);
    carecap_ok(&args);
}

/// A parquet row as the CSV writes it (names unguarded, null as NaN).
type Row = (String, u64, i32, String, String, String, f64);

fn parquet_rows(path: &Path) -> Vec<Row> {
    let file = std::fs::File::open(path).unwrap();
    let reader = SerializedFileReader::new(file).unwrap();
    let mut out = Vec::new();
    for row in reader.into_iter() {
        let row = row.unwrap();
        let f: Vec<&Field> = row.get_column_iter().map(|(_, f)| f).collect();
        let text = |i: usize| match f[i] {
            Field::Str(s) => s.clone(),
            other => panic!("column {i}: expected a string, found {other:?}"),
        };
        let (Field::Long(rep), Field::Int(year)) = (f[1], f[2]) else {
            panic!("replication, year: {f:?}");
        };
        let value = match f[6] {
            Field::Double(v) => *v,
            Field::Null => f64::NAN,
            other => panic!("value: expected a double or null, found {other:?}"),
        };
        out.push((
            text(0),
            *rep as u64,
            *year,
            text(3),
            text(4),
            text(5),
            value,
        ));
    }
    out
}

fn csv_rows(path: &Path) -> Vec<Row> {
    let unguard = carecap::report::tables::unguard;
    csv::Reader::from_path(path)
        .unwrap()
        .records()
        .map(|r| {
            let r = r.unwrap();
            (
                unguard(&r[0]).to_string(),
                r[1].parse().unwrap(),
                r[2].parse().unwrap(),
                r[3].to_string(),
                unguard(&r[4]).to_string(),
                r[5].to_string(),
                if r[6].is_empty() {
                    f64::NAN
                } else {
                    r[6].parse().unwrap()
                },
            )
        })
        .collect()
}

fn manifest_files(dir: &Path) -> Vec<String> {
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    m["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn parquet_holds_every_value_of_the_csv_typed_and_none_writes_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let (csv, pq, none) = (
        dir.path().join("csv"),
        dir.path().join("parquet"),
        dir.path().join("none"),
    );
    study(&csv, &[]);
    study(&pq, &["--replications", "parquet", "--threads", "1"]);
    study(&none, &["--replications", "none"]);

    let want = csv_rows(&csv.join("replications.csv"));
    let got = parquet_rows(&pq.join("replications.parquet"));
    assert!(want.len() > 10_000, "only {} rows", want.len());
    assert_eq!(got.len(), want.len());
    let mut nulls = 0;
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        let same_value = g.6.to_bits() == w.6.to_bits() || (g.6.is_nan() && w.6.is_nan());
        assert!(
            same_value
                && g.0 == w.0
                && g.1 == w.1
                && g.2 == w.2
                && g.3 == w.3
                && g.4 == w.4
                && g.5 == w.5,
            "row {i}: parquet {g:?}, csv {w:?}"
        );
        nulls += g.6.is_nan() as usize;
    }
    assert!(nulls > 0, "no undefined value was checked as a null");

    // Typed columns, strings dictionary-encoded, Snappy pages.
    let reader =
        SerializedFileReader::new(std::fs::File::open(pq.join("replications.parquet")).unwrap())
            .unwrap();
    let meta = reader.metadata();
    let group = meta.row_group(0);
    let expected = [
        ("scenario", Physical::BYTE_ARRAY),
        ("replication", Physical::INT64),
        ("year", Physical::INT32),
        ("area_type", Physical::BYTE_ARRAY),
        ("area", Physical::BYTE_ARRAY),
        ("metric", Physical::BYTE_ARRAY),
        ("value", Physical::DOUBLE),
    ];
    for (c, (name, physical)) in group.columns().iter().zip(expected) {
        assert_eq!(c.column_path().string(), name);
        assert_eq!(c.column_type(), physical, "{name}");
        assert_eq!(c.compression(), Compression::SNAPPY, "{name}");
        if physical == Physical::BYTE_ARRAY {
            assert!(
                c.encodings().any(|e| e == Encoding::RLE_DICTIONARY),
                "{name} is not dictionary-encoded"
            );
        }
    }

    // The other tables are the same whatever the per-replication format;
    // the manifest lists the file written and no other.
    for table in ["summary.csv", "compare.csv", "by_hour.csv"] {
        let base = std::fs::read(csv.join(table)).unwrap();
        assert!(base == std::fs::read(pq.join(table)).unwrap(), "{table}");
        assert!(base == std::fs::read(none.join(table)).unwrap(), "{table}");
    }
    let listed = manifest_files(&pq);
    assert!(listed.contains(&"replications.parquet".to_string()));
    assert!(!listed.contains(&"replications.csv".to_string()));
    assert!(!pq.join("replications.csv").exists());
    for name in ["replications.csv", "replications.parquet"] {
        assert!(
            !none.join(name).exists(),
            "--replications none wrote {name}"
        );
        assert!(!manifest_files(&none).contains(&name.to_string()));
    }
    // The same study on two threads gives the same bytes.
    let two = dir.path().join("parquet2");
    study(&two, &["--replications", "parquet", "--threads", "2"]);
    assert!(
        std::fs::read(pq.join("replications.parquet")).unwrap()
            == std::fs::read(two.join("replications.parquet")).unwrap(),
        "replications.parquet differs between 1 and 2 threads"
    );
    // A results folder reused for another format keeps no stale table.
    study(&pq, &[]);
    assert!(!pq.join("replications.parquet").exists());
}

#[test]
fn parquet_shards_merge_to_the_bytes_of_one_run_and_mixed_formats_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole");
    study(&whole, &["--replications", "parquet"]);
    let out = dir.path().join("sharded");
    for k in 0..2 {
        let spec = format!("{k}/2");
        study(&out, &["--replications", "parquet", "--shard", &spec]);
    }
    carecap_ok(&["merge", out.to_str().unwrap(), "--no-charts"]);
    for table in ["replications.parquet", "summary.csv", "compare.csv"] {
        assert!(
            std::fs::read(whole.join(table)).unwrap() == std::fs::read(out.join(table)).unwrap(),
            "{table} differs after merging"
        );
    }
    assert!(!out.join("replications.csv").exists());

    // One shard with CSV, the other with Parquet: refused, naming both.
    let mixed = dir.path().join("mixed");
    study(&mixed, &["--shard", "0/2"]);
    study(&mixed, &["--replications", "parquet", "--shard", "1/2"]);
    let r = carecap(&["merge", mixed.to_str().unwrap(), "--no-charts"]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("--replications parquet") && stderr.contains("--replications csv"),
        "{stderr}"
    );
    assert!(!mixed.join("summary.csv").exists());
    // A missing Parquet shard's rerun command carries the flag.
    let partial = dir.path().join("partial");
    study(&partial, &["--replications", "parquet", "--shard", "0/2"]);
    let st = carecap_ok(&["status", partial.to_str().unwrap()]);
    assert!(st.contains("--replications parquet --shard 1/2"), "{st}");
}

#[test]
fn a_sweep_with_sizing_refuses_a_per_replication_format_it_cannot_read() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sizing");
    let r = carecap(&[
        "batch",
        "scenarios/validation/erlang-b.toml",
        "--sweep",
        "scenarios/sweeps/erlang-b-beds.toml",
        "--reps",
        "2",
        "--replications",
        "parquet",
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("--replications parquet") && stderr.contains("[sizing]"),
        "{stderr}"
    );
    assert!(!out.join("summary.csv").exists());
}
