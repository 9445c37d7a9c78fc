//! The report in a real browser: headless Chromium opens report.html (of a
//! run and of a comparison), with network logging, and must show the
//! answers first, then the charts, with no console errors and no network
//! requests; printed to PDF, it gives a sensible number of pages. `scripts/test` installs Debian's chromium when it is
//! missing (as root) and passes its path in CARECAP_BROWSER. In CI the test
//! fails if no browser is available; elsewhere it says why it skips.

use crate::common;

use common::carecap_ok;
use std::process::Command;

fn chromium(profile: &std::path::Path, extra: &[&str], page: &str) -> std::process::Output {
    let browser = std::env::var("CARECAP_BROWSER").unwrap();
    Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-default-apps",
            "--disable-extensions",
            "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,MediaRouter,Translate",
            // Nothing may leave the machine: every host name fails to resolve.
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--enable-logging=stderr",
            "--v=0",
            &format!("--user-data-dir={}", profile.display()),
        ])
        .args(extra)
        .arg(page)
        .output()
        .expect("chromium starts")
}

fn browser_available() -> bool {
    if std::env::var("CARECAP_BROWSER").is_err() {
        assert!(
            std::env::var("CI").is_err(),
            "CI must provide a browser (scripts/test installs chromium)"
        );
        eprintln!("skipped: set CARECAP_BROWSER to a chromium binary (scripts/test does)");
        return false;
    }
    true
}

/// Opens `report` in headless Chromium: the rendered DOM must show the
/// charts and the answers before any evidence, with no console messages
/// and no page-initiated requests; returns the rendered text.
fn open_report(dir: &std::path::Path, report: &std::path::Path, charts: usize) -> String {
    let page = format!("file://{}", report.display());
    let net_log = dir.join("net.json");
    let dom = chromium(
        &dir.join("p1"),
        &[
            "--dump-dom",
            &format!("--log-net-log={}", net_log.display()),
        ],
        &page,
    );
    let html = String::from_utf8_lossy(&dom.stdout).to_string();
    let log = String::from_utf8_lossy(&dom.stderr);
    assert!(
        html.matches("<svg").count() >= charts,
        "charts missing from the rendered page"
    );
    assert!(!log.contains(":CONSOLE("), "console messages: {log}");
    let page_requests = page_initiated_requests(&net_log);
    assert!(
        page_requests.is_empty(),
        "the page made network requests: {page_requests:?}"
    );
    // The answers come first: before any chart or evidence table, after at
    // most a heading and a paragraph.
    let answers = html.find("id=\"answers\"").expect("an answers section");
    let evidence = html.find("id=\"evidence\"").expect("an evidence part");
    assert!(answers < evidence);
    assert!(
        html.find("<svg").unwrap() > evidence,
        "a chart before the answers"
    );
    let before = strip_tags(&html[html.find("<body").unwrap()..answers]);
    assert!(before.len() < 800, "too much before the answers: {before}");
    strip_tags(&html[answers..evidence])
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in html.chars() {
        match c {
            '<' => inside = true,
            '>' => {
                inside = false;
                out.push(' ');
            }
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Prints `report` to PDF with the print stylesheet; returns its page count.
fn print_pdf(dir: &std::path::Path, report: &std::path::Path) -> usize {
    let pdf = dir.join("report.pdf");
    let out = chromium(
        &dir.join("p3"),
        &[
            &format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer",
        ],
        &format!("file://{}", report.display()),
    );
    let bytes = std::fs::read(&pdf)
        .unwrap_or_else(|_| panic!("no PDF: {}", String::from_utf8_lossy(&out.stderr)));
    assert!(bytes.starts_with(b"%PDF"), "not a PDF");
    // Each page object is "/Type /Page" (the page tree is "/Type /Pages").
    let text = String::from_utf8_lossy(&bytes);
    text.match_indices("/Type /Page")
        .filter(|(i, m)| !text[i + m.len()..].starts_with('s'))
        .count()
}

#[test]
fn report_opens_in_headless_chromium_without_errors_or_requests() {
    if !browser_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    carecap_ok(&[
        "run",
        "scenarios/nwl-baseline.toml",
        "--reps",
        "3",
        "--out",
        out.to_str().unwrap(),
    ]);
    let answers = open_report(dir.path(), &out.join("report.html"), 6);
    for expected in [
        "When do hospice beds reach the occupancy ceiling?",
        "85% occupancy ceiling",
        "How many beds does each site need?",
        "st-johns-beds.toml",
        "Which boroughs fall short first, and when?",
        "Can every role be staffed?",
        "Warnings",
        "only 3 replications",
    ] {
        assert!(
            answers.contains(expected),
            "first page lacks {expected:?}: {answers}"
        );
    }
    assert!(
        answers.contains(" in 20"),
        "no year in the answers: {answers}"
    );
    let page = format!("file://{}", out.join("report.html").display());
    let shot = dir.path().join("shot.png");
    let s = chromium(
        &dir.path().join("p2"),
        &[
            "--screenshot=".to_string() + shot.to_str().unwrap(),
            "--window-size=1280,2400".into(),
        ]
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>(),
        &page,
    );
    assert!(
        shot.exists(),
        "no screenshot: {}",
        String::from_utf8_lossy(&s.stderr)
    );
    let img = image::open(&shot).unwrap().to_rgb8();
    let coloured = img.pixels().filter(|p| {
        let [r, g, b] = p.0;
        r.max(g).max(b) - r.min(g).min(b) > 60
    });
    assert!(
        coloured.count() > 5_000,
        "the screenshot shows no coloured chart lines"
    );
    let pages = print_pdf(dir.path(), &out.join("report.html"));
    assert!(
        (8..80).contains(&pages),
        "the printed report has {pages} pages"
    );
}

#[test]
fn a_comparison_report_ranks_the_options_on_its_first_page() {
    if !browser_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    carecap_ok(&[
        "compare",
        "scenarios/nwl-baseline.toml",
        "scenarios/options/hah-24-7.toml",
        "scenarios/options/retention.toml",
        "--reps",
        "3",
        "--out",
        out.to_str().unwrap(),
    ]);
    let answers = open_report(dir.path(), &out.join("report.html"), 10);
    for expected in [
        "Which option does most, at what cost?",
        "In 2030,",
        "In 2035,",
        "Options in 2030, ranked",
        "Options in 2035, ranked",
        "1. hah-24-7",
        "Total cost",
        " pt (",
        "£",
    ] {
        assert!(
            answers.contains(expected),
            "first page lacks {expected:?}: {answers}"
        );
    }
    let pages = print_pdf(dir.path(), &out.join("report.html"));
    assert!(pages >= 8, "the printed comparison has {pages} pages");
}

/// URLs of requests in Chromium's net log that a page initiated (the
/// browser's own background fetches carry no initiating origin).
fn page_initiated_requests(net_log: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(net_log).expect("net log written");
    let log: serde_json::Value = serde_json::from_str(&text).expect("net log is JSON");
    let start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"].as_i64();
    log["events"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["type"].as_i64() == start)
        .filter(|e| {
            e["params"]["initiator"]
                .as_str()
                .is_some_and(|i| i != "not an origin")
        })
        .map(|e| e["params"]["url"].as_str().unwrap_or("").to_string())
        .collect()
}
