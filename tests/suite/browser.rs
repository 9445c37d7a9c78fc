//! The report in a real browser: headless Chromium opens report.html (of a
//! run and of a comparison), with network logging, and must show the
//! answers first, then the charts, with no console errors and no network
//! requests; printed to PDF, it gives a sensible number of pages, the first
//! of which holds the answers, and no table row is split across pages. `scripts/test` installs Debian's chromium when it is
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

/// A report printed to PDF: its page count and, when `pdftotext` (poppler)
/// is there, the text of each page.
struct Printed {
    pages: usize,
    text: Option<Vec<String>>,
}

/// Prints `report` to PDF with the print stylesheet. `scripts/test`
/// installs poppler's `pdftotext` beside chromium; in CI it must be there.
fn print_pdf(dir: &std::path::Path, report: &std::path::Path) -> Printed {
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
    let raw = String::from_utf8_lossy(&bytes);
    let pages = raw
        .match_indices("/Type /Page")
        .filter(|(i, m)| !raw[i + m.len()..].starts_with('s'))
        .count();
    let text = match Command::new("pdftotext").arg(&pdf).arg("-").output() {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout).to_string();
            // pdftotext ends every page with a form feed.
            let mut text: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
            text.truncate(pages);
            assert_eq!(text.len(), pages, "pdftotext saw other pages");
            Some(text)
        }
        _ => {
            assert!(
                std::env::var("CI").is_err(),
                "CI must provide pdftotext (scripts/test installs poppler-utils)"
            );
            eprintln!("pages not read: pdftotext (poppler-utils) is missing");
            None
        }
    };
    Printed { pages, text }
}

/// `text` without spaces, hyphens and dashes: a line may wrap at any of
/// them (pdftotext then drops a hyphen and joins the word), so a row's
/// words, split there, are looked for as pieces of this.
fn squeezed(text: &str) -> String {
    text.chars()
        .filter(|&c| !c.is_whitespace() && !matches!(c, '-' | '\u{2013}' | '\u{2212}'))
        .collect()
}

/// Checks the printed pages: the first page holds the answers, and no
/// table row of `html` is split across two pages.
fn check_pages(printed: &Printed, html: &str, first_page: &[&str]) {
    let Some(pages) = &printed.text else { return };
    let first = pages[0].split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in first_page {
        assert!(
            first.contains(expected),
            "the printed first page lacks {expected:?}: {first}"
        );
    }
    let (rows, split) = split_rows(pages, html);
    assert!(rows > 20, "only {rows} table rows checked");
    assert!(split.is_empty(), "table rows split across pages: {split:?}");
}

/// The table rows of `html` and those not printed whole on one of `pages`
/// (a row's words all sit on one page, in whatever order the PDF's text
/// gives them; a row split by a page break leaves the words of its lower
/// part on the next page only).
fn split_rows(pages: &[String], html: &str) -> (usize, Vec<Vec<String>>) {
    let pages: Vec<String> = pages.iter().map(|p| squeezed(p)).collect();
    let mut rows = 0;
    let mut split = Vec::new();
    for row in html.split("<tr").skip(1) {
        let row = &row[..row.find("</tr>").expect("a closed row")];
        let row_words: Vec<String> = unescape(&strip_tags(&format!("<tr{row}")))
            .split(|c: char| c.is_whitespace() || matches!(c, '-' | '\u{2013}' | '\u{2212}'))
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        if row_words.is_empty() {
            continue;
        }
        rows += 1;
        if !pages
            .iter()
            .any(|page| row_words.iter().all(|w| page.contains(w.as_str())))
        {
            split.push(row_words);
        }
    }
    (rows, split)
}

/// The row check can fail: a table of tall rows printed without
/// `break-inside: avoid` has rows cut by page breaks, and the check finds
/// them; with the report's rule for rows, it finds none.
#[test]
fn the_print_check_finds_rows_split_across_pages() {
    if !browser_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let rows: String = (0..40)
        .map(|i| {
            let lines: Vec<String> = (0..7).map(|l| format!("row{i}line{l}")).collect();
            format!("<tr><td>{}</td><td>cell{i}</td></tr>", lines.join("<br>"))
        })
        .collect();
    let page = |rule: &str| {
        format!(
            "<!doctype html><html><head><style>@media print{{{rule}}}</style></head>\
             <body><table>{rows}</table></body></html>"
        )
    };
    let mut outcome = Vec::new();
    for (name, rule) in [("auto", ""), ("avoid", "tr,td{break-inside:avoid}")] {
        let sub = dir.path().join(name);
        std::fs::create_dir_all(&sub).unwrap();
        let html_path = sub.join("table.html");
        let html = page(rule);
        std::fs::write(&html_path, &html).unwrap();
        let printed = print_pdf(&sub, &html_path);
        let Some(pages) = &printed.text else { return };
        assert!(
            printed.pages >= 3,
            "the table fits on {} pages",
            printed.pages
        );
        let (checked, split) = split_rows(pages, &html);
        assert_eq!(checked, 40);
        outcome.push(split.len());
    }
    assert!(outcome[0] > 0, "no split row found without the rule");
    assert_eq!(outcome[1], 0, "rows split despite break-inside: avoid");
}

/// The HTML entities the report writes, as text.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
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
    let printed = print_pdf(dir.path(), &out.join("report.html"));
    let pages = printed.pages;
    assert!(
        (8..80).contains(&pages),
        "the printed report has {pages} pages"
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    check_pages(
        &printed,
        &html,
        &[
            "The answers",
            "When do hospice beds reach the occupancy ceiling?",
            "How many beds does each site need?",
        ],
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
    let printed = print_pdf(dir.path(), &out.join("report.html"));
    let pages = printed.pages;
    assert!(pages >= 8, "the printed comparison has {pages} pages");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    check_pages(
        &printed,
        &html,
        &["The answers", "Which option does most, at what cost?"],
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
