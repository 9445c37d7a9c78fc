//! Charts and the HTML report: text drawn without system fonts, the page
//! self-contained, scenario text escaped, `carecap report` redraws.

use crate::common;

use common::{carecap, carecap_ok, repo};
use std::path::Path;
use std::process::Command;

fn run_with_empty_fontconfig(args: &[&str], dir: &Path) -> std::process::Output {
    let config = dir.join("fonts.conf");
    std::fs::write(
        &config,
        "<?xml version=\"1.0\"?><fontconfig></fontconfig>\n",
    )
    .unwrap();
    Command::new(env!("CARGO_BIN_EXE_carecap"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("FONTCONFIG_FILE", &config)
        .env_remove("FONTCONFIG_PATH")
        .output()
        .unwrap()
}

/// Non-white pixels in rows `y0..y1` of a PNG.
fn ink(png: &Path, y0: u32, y1: u32) -> (u32, u32, usize) {
    let img = image::open(png).unwrap().to_rgb8();
    let (w, h) = img.dimensions();
    let count = (y0..y1.min(h))
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .filter(|&(x, y)| img.get_pixel(x, y).0.iter().any(|&c| c < 200))
        .count();
    (w, h, count)
}

#[test]
fn charts_draw_text_with_no_system_fonts() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let r = run_with_empty_fontconfig(
        &[
            "run",
            "scenarios/nwl-baseline.toml",
            "--reps",
            "4",
            "--out",
            out.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    for chart in [
        "demand_referrals",
        "ipu_occupancy",
        "ipu_pressure",
        "hah_capacity",
        "calls_by_hour",
        "workforce",
        "deaths_by_place",
    ] {
        let png = out.join("charts").join(format!("{chart}.png"));
        let (w, h, title_ink) = ink(&png, 8, 48);
        assert!(w >= 1200 && h >= 700, "{chart}: {w}x{h}");
        // The title band holds only the caption: ink there means text was drawn.
        assert!(
            title_ink > 500,
            "{chart}: only {title_ink} dark pixels in the title band"
        );
        let (_, _, footer_ink) = ink(&png, h - 30, h);
        assert!(footer_ink > 200, "{chart}: footer text missing");
        let svg = std::fs::read_to_string(out.join("charts").join(format!("{chart}.svg"))).unwrap();
        assert!(
            svg.contains("<text") && svg.contains("carecap"),
            "{chart}: SVG without text"
        );
    }
}

#[test]
fn report_is_self_contained_escaped_and_redrawn_from_results() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("xss.toml");
    std::fs::write(
        &scenario,
        format!(
            "extends = {:?}\n[scenario]\nname = \"<script>alert(1)</script>\"\nyears = 2\n\
             [costs]\ncurrency = \"C$\"\n",
            repo("scenarios/nwl-baseline.toml").display().to_string()
        ),
    )
    .unwrap();
    let out = dir.path().join("xss");
    carecap_ok(&[
        "run",
        scenario.to_str().unwrap(),
        "--reps",
        "3",
        "--out",
        out.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("<script"), "unescaped or scripted page");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    for attr in ["src=\"http", "href=\"http", "url(http", "@import"] {
        assert!(!html.contains(attr), "external reference {attr}");
    }
    assert!(html.matches("<svg").count() >= 6, "charts are not inline");
    // Money is in the scenario's currency: never pounds in the page or its
    // charts, dollars in the data dictionary.
    assert!(!html.contains('£'), "money in pounds");
    let dictionary = std::fs::read_to_string(out.join("metrics.csv")).unwrap();
    assert!(dictionary.contains("C$ a year") && !dictionary.contains('£'));
    // Equity: the baseline's population segments each have a row of the
    // table by group, and the answers name groups.
    let equity = &html[html.find("id=equity").expect("a table by group")..];
    for group in [
        "Cancer",
        "Organ failure",
        "Frailty, dementia and other",
        "Care-home residents",
    ] {
        assert!(
            equity.contains(&format!("<td>{group}</td>")),
            "no row for {group}"
        );
    }
    assert!(html.contains("Referred, % of deaths"));
    assert!(html.contains("Who is reached, who waits, and who dies where they wished, by group?"));
    // Redraw from the files alone.
    std::fs::remove_file(out.join("report.html")).unwrap();
    std::fs::remove_dir_all(out.join("charts")).unwrap();
    carecap_ok(&["report", out.to_str().unwrap()]);
    assert_eq!(
        std::fs::read_to_string(out.join("report.html")).unwrap(),
        html
    );
    assert!(out.join("charts/workforce.png").exists());
    // Years for the answers: those the results cover, or an input error.
    carecap_ok(&["report", out.to_str().unwrap(), "--years", "2026"]);
    let r = carecap(&["report", out.to_str().unwrap(), "--years", "2026,2040"]);
    assert_eq!(r.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&r.stderr).contains("2025 to 2026), found 2040"));
}

#[test]
fn report_on_a_folder_without_results_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let r = carecap(&["report", dir.path().to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&r.stderr).contains("summary.csv"));
}

/// The files `manifest.json` lists for its run: path → sha256.
fn listed(out: &Path) -> (String, std::collections::BTreeMap<String, String>) {
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let run_id = m["run_id"]
        .as_str()
        .expect("manifest has a run_id")
        .to_string();
    let files = m["files"]
        .as_array()
        .expect("manifest lists its files")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["sha256"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (run_id, files)
}

/// Every file under `dir` (relative, `/`-separated), hidden ones included.
fn all_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if p.is_dir() {
            out.extend(all_files(&p).into_iter().map(|f| format!("{name}/{f}")));
        } else {
            out.push(name);
        }
    }
    out.sort();
    out
}

#[test]
fn a_run_owns_its_results_folder_one_run_id_lock_and_no_leftovers() {
    let dir = tempfile::tempdir().unwrap();
    let option = dir.path().join("copy.toml");
    std::fs::write(
        &option,
        format!(
            "extends = {:?}\n[scenario]\nname = \"copy\"\n",
            repo("scenarios/validation/erlang-b.toml")
                .display()
                .to_string()
        ),
    )
    .unwrap();
    let out = dir.path().join("folder");
    let o = out.to_str().unwrap();
    let base = "scenarios/validation/erlang-b.toml";
    // A comparison with charts, then the user's own files and a stray temporary file.
    carecap_ok(&[
        "compare",
        base,
        option.to_str().unwrap(),
        "--reps",
        "3",
        "--out",
        o,
    ]);
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    std::fs::write(out.join("charts/mine.png"), "mine").unwrap();
    std::fs::write(out.join(".carecap-stray.tmp"), "junk").unwrap();
    // A plain run without charts into the same folder.
    carecap_ok(&["run", base, "--reps", "3", "--no-charts", "--out", o]);
    let files = all_files(&out);
    for gone in [
        "compare.csv",
        "appraisal.csv",
        "appraisal.md",
        "report.html",
        ".carecap-stray.tmp",
    ] {
        assert!(
            !files.contains(&gone.to_string()),
            "{gone} left from another run: {files:?}"
        );
    }
    assert!(
        !files
            .iter()
            .any(|f| f.starts_with("charts/") && f != "charts/mine.png"),
        "charts of the comparison left beside the run: {files:?}"
    );
    assert!(
        files.contains(&"notes.txt".to_string()) && files.contains(&"charts/mine.png".to_string())
    );
    // Every file carecap wrote is listed with its run id and SHA-256.
    let (run_id, list) = listed(&out);
    assert!(!run_id.is_empty());
    for f in &files {
        if [
            "notes.txt",
            "charts/mine.png",
            "manifest.json",
            ".carecap.lock",
        ]
        .contains(&f.as_str())
        {
            continue;
        }
        let sha = list
            .get(f)
            .unwrap_or_else(|| panic!("{f} is not in the manifest"));
        assert_eq!(
            sha,
            &carecap::report::manifest::sha256_hex(&std::fs::read(out.join(f)).unwrap()),
            "{f}"
        );
    }
    // A table of another run beside this run's: the report refuses.
    let other = dir.path().join("other");
    carecap_ok(&[
        "run",
        base,
        "--reps",
        "3",
        "--seed",
        "8",
        "--no-charts",
        "--out",
        other.to_str().unwrap(),
    ]);
    std::fs::copy(other.join("summary.csv"), out.join("summary.csv")).unwrap();
    let r = carecap(&["report", o]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_ne!(r.status.code(), Some(0));
    assert!(
        stderr.contains("another run") && stderr.contains("summary.csv"),
        "{stderr}"
    );
    // A second writer is refused while the folder is locked; a stale lock is taken over.
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(out.join(".carecap.lock"))
        .unwrap();
    lock.try_lock().unwrap();
    let r = carecap(&["run", base, "--reps", "3", "--no-charts", "--out", o]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("in use"), "{stderr}");
    drop(lock);
    carecap_ok(&["run", base, "--reps", "3", "--out", o]);
    let (second, _) = listed(&out);
    assert_ne!(second, run_id, "each run has its own id");
    carecap_ok(&["report", o]);
}

#[test]
fn a_comparison_prints_money_in_the_scenarios_currency() {
    let dir = tempfile::tempdir().unwrap();
    let base = repo("scenarios/nwl-baseline.toml").display().to_string();
    let write = |name: &str, extra: &str| {
        let path = dir.path().join(format!("{name}.toml"));
        std::fs::write(
            &path,
            format!(
                "extends = {base:?}\n[scenario]\nname = \"{name}\"\nyears = 2\n\
                 [costs]\ncurrency = \"C$\"\n{extra}"
            ),
        )
        .unwrap();
        path
    };
    let first = write("dollars", "");
    let second = write("dollars more calls", "[calls]\nper_patient_day = 0.06\n");
    let out = dir.path().join("compared");
    carecap_ok(&[
        "compare",
        first.to_str().unwrap(),
        second.to_str().unwrap(),
        "--reps",
        "3",
        "--out",
        out.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    // Costs are shown (the options' cost difference and the
    // cost-effectiveness charts), every amount in dollars.
    assert!(html.contains("C$"), "no money in C$");
    assert!(!html.contains('£'), "money in pounds");
}
