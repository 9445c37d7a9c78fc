//! `carecap batch`: folders of scenarios, sweeps and sizing.

use crate::common;

use carecap::stats::erlang::erlang_b;
use common::carecap_ok;

#[test]
fn sizing_finds_the_erlang_b_answer_every_year() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sizing");
    carecap_ok(&[
        "batch",
        "scenarios/validation/erlang-b.toml",
        "--sweep",
        "scenarios/sweeps/erlang-b-beds.toml",
        "--reps",
        "200",
        "--out",
        out.to_str().unwrap(),
    ]);
    let target = 0.0475;
    let expected = (28..60).find(|&c| erlang_b(28.0, c) < target).unwrap();
    assert_eq!(expected, 34);
    let mut reader = csv::Reader::from_path(out.join("sizing.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 5, "one row per year");
    for row in rows {
        assert_eq!(row[3].parse::<u32>().unwrap(), expected, "{row:?}");
    }
    let curve = std::fs::read_to_string(out.join("sizing_curve.csv")).unwrap();
    assert_eq!(
        curve.lines().count(),
        1 + 9 * 5,
        "every value in every year"
    );
}

#[test]
fn a_folder_runs_every_scenario_in_it_and_compares_with_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("batch");
    carecap_ok(&[
        "batch",
        "scenarios/validation",
        "--reps",
        "5",
        "--out",
        out.to_str().unwrap(),
    ]);
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(summary.lines().any(|l| l.starts_with("erlang-b,")));
    assert!(summary.lines().any(|l| l.starts_with("erlang-c,")));
    assert!(out.join("compare.csv").exists());
}

#[test]
fn linked_sweep_values_move_together() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("beds");
    carecap_ok(&[
        "batch",
        "scenarios/nwl-baseline.toml",
        "--sweep",
        "scenarios/sweeps/st-johns-beds.toml",
        "--reps",
        "4",
        "--no-charts",
        "--out",
        out.to_str().unwrap(),
    ]);
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    // Beds without nurses would not open: staffed beds must rise with every step.
    let staffed: Vec<f64> = summary
        .lines()
        .filter(|l| l.contains(",2035,site,St John's Hospice,ipu_staffed_beds_mean,"))
        .map(|l| l.split(',').nth(5).unwrap().parse().unwrap())
        .collect();
    assert_eq!(staffed.len(), 5);
    assert!(staffed.windows(2).all(|w| w[1] > w[0] + 1.0), "{staffed:?}");
    assert!(out.join("sizing.csv").exists());
}

#[test]
fn generated_scripts_and_text_cannot_carry_injected_lines_escapes_or_formulas() {
    let dir = tempfile::tempdir().unwrap();
    // A newline in a SLURM option would add a line to run.sbatch: refused.
    let out = dir.path().join("slurm");
    for (flag, value) in [
        ("--partition", "short\n#SBATCH --wrap=rm"),
        ("--account", "a\rb"),
        ("--time", "01:00:00\necho x"),
        ("--mem", "2G\u{1b}[2J"),
    ] {
        let r = common::carecap(&[
            "slurm",
            "scenarios/validation/erlang-b.toml",
            "--shards",
            "2",
            flag,
            value,
            "--out",
            out.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&r.stderr);
        assert_eq!(r.status.code(), Some(1), "{flag}: {stderr}");
        assert!(stderr.contains(flag), "{flag}: {stderr}");
        assert!(!out.join("run.sbatch").exists(), "{flag}: script written");
    }
    // Every path in the scripts is one shell word, even with a space.
    let spaced = dir.path().join("with space");
    carecap_ok(&[
        "slurm",
        "scenarios/validation/erlang-b.toml",
        "--shards",
        "2",
        "--out",
        spaced.to_str().unwrap(),
    ]);
    for script in ["run.sbatch", "merge.sbatch", "submit.sh"] {
        let text = std::fs::read_to_string(spaced.join(script)).unwrap();
        for line in text.lines() {
            for (i, _) in line.match_indices("with space") {
                let before = &line[..i];
                assert!(
                    before.matches('\'').count() % 2 == 1,
                    "{script}: unquoted path in {line:?}"
                );
            }
        }
    }
    // Terminal escape codes in a name are shown escaped, not sent raw.
    let escaped = dir.path().join("red\u{1b}[31mfolder");
    let text = carecap_ok(&[
        "run",
        "scenarios/validation/erlang-b.toml",
        "--reps",
        "2",
        "--no-charts",
        "--out",
        escaped.to_str().unwrap(),
    ]);
    assert!(
        !text.contains('\u{1b}'),
        "raw escape code printed: {text:?}"
    );
    // A name starting like a formula is guarded as text; numbers stay numbers.
    let formula = dir.path().join("formula.toml");
    let text = std::fs::read_to_string(common::repo("scenarios/validation/erlang-b.toml"))
        .unwrap()
        .replace("name = \"erlang-b\"", "name = \"=SUM(1+2)\"")
        .replace("beds = 30", "beds = 25");
    std::fs::write(&formula, text).unwrap();
    let out = dir.path().join("compare");
    carecap_ok(&[
        "compare",
        "scenarios/validation/erlang-b.toml",
        formula.to_str().unwrap(),
        "--reps",
        "3",
        "--no-charts",
        "--out",
        out.to_str().unwrap(),
    ]);
    let mut reader = csv::Reader::from_path(out.join("compare.csv")).unwrap();
    let mut negative = 0;
    for row in reader.records() {
        let row = row.unwrap();
        assert_eq!(&row[0], "'=SUM(1+2)", "{row:?}");
        for field in [&row[6], &row[7], &row[8], &row[9]] {
            if !field.is_empty() {
                let x: f64 = field
                    .parse()
                    .unwrap_or_else(|_| panic!("{field:?} is not a number"));
                negative += (x < 0.0) as usize;
            }
        }
    }
    assert!(negative > 0, "no negative difference to check");
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(
        !summary.lines().any(|l| l.starts_with("=SUM")),
        "unguarded name"
    );
    assert!(summary.lines().any(|l| l.starts_with("'=SUM(1+2)")));
}
