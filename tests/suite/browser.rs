//! The report in a real browser: headless Chromium opens report.html, with
//! network logging, and must show the charts with no console errors and no
//! network requests. `scripts/test` installs Debian's chromium when it is
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

#[test]
fn report_opens_in_headless_chromium_without_errors_or_requests() {
    if std::env::var("CARECAP_BROWSER").is_err() {
        assert!(
            std::env::var("CI").is_err(),
            "CI must provide a browser (scripts/test installs chromium)"
        );
        eprintln!("skipped: set CARECAP_BROWSER to a chromium binary (scripts/test does)");
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
    let page = format!("file://{}", out.join("report.html").display());
    let net_log = dir.path().join("net.json");
    let shot = dir.path().join("shot.png");
    let dom = chromium(
        &dir.path().join("p1"),
        &[
            "--dump-dom",
            &format!("--log-net-log={}", net_log.display()),
        ],
        &page,
    );
    let html = String::from_utf8_lossy(&dom.stdout);
    let log = String::from_utf8_lossy(&dom.stderr);
    assert!(
        html.matches("<svg").count() >= 6,
        "charts missing from the rendered page"
    );
    assert!(!log.contains(":CONSOLE("), "console messages: {log}");
    let page_requests = page_initiated_requests(&net_log);
    assert!(
        page_requests.is_empty(),
        "the page made network requests: {page_requests:?}"
    );
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
