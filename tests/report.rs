//! Charts and the HTML report: text drawn without system fonts, the page
//! self-contained, scenario text escaped, `carecap report` redraws.

mod common;

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
            "extends = {:?}\n[scenario]\nname = \"<script>alert(1)</script>\"\nyears = 2\n",
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
    // Redraw from the files alone.
    std::fs::remove_file(out.join("report.html")).unwrap();
    std::fs::remove_dir_all(out.join("charts")).unwrap();
    carecap_ok(&["report", out.to_str().unwrap()]);
    assert_eq!(
        std::fs::read_to_string(out.join("report.html")).unwrap(),
        html
    );
    assert!(out.join("charts/workforce.png").exists());
}

#[test]
fn report_on_a_folder_without_results_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let r = carecap(&["report", dir.path().to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&r.stderr).contains("summary.csv"));
}
