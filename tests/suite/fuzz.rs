//! A mutation fuzzer over the shipped scenarios: carecap never panics,
//! never hangs and never exits with anything but 0 (valid, ran) or 1
//! (invalid input) on a damaged scenario file.
//!
//! Each case takes a shipped scenario (options get an absolute `extends`),
//! applies one to three mutations (numbers replaced by extremes, lines
//! deleted, duplicated or swapped, characters replaced, the text truncated,
//! strings emptied or lengthened) and runs `carecap validate`; a case that
//! validates is also run (`--reps 1`). Every call has a deadline; a case
//! past it is a hang. The first half of the time budget replays a fixed
//! seed, the second a fresh one printed for replay:
//! `CARECAP_FUZZ_SEED=<seed> CARECAP_FUZZ_SECONDS=<s> cargo test --test suite fuzz`.
//! Failing inputs are kept under `target/fuzz-failures/`.

use crate::common;

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Wall time a single validate or run may take before it counts as a hang.
const DEADLINE: Duration = Duration::from_secs(60);

const EXTREMES: [&str; 14] = [
    "0",
    "-1",
    "1e308",
    "-1e308",
    "nan",
    "inf",
    "4294967296",
    "18446744073709551615",
    "99999999999999999999",
    "0.0000001",
    "-0.0",
    "1e-300",
    "1000000",
    "2.5",
];

const CHARACTERS: [&str; 14] = [
    "\"",
    "[",
    "]",
    "=",
    "\n",
    "{",
    "}",
    ",",
    "\\",
    "#",
    "\u{0}",
    "é",
    "'",
    "\u{1b}[31m",
];

/// The shipped scenarios, with `extends` made absolute.
fn corpus() -> Vec<(String, String)> {
    let mut files = Vec::new();
    for dir in ["scenarios", "scenarios/options", "scenarios/validation"] {
        let mut names: Vec<PathBuf> = std::fs::read_dir(common::repo(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        names.sort();
        for path in names {
            let text = std::fs::read_to_string(&path).unwrap();
            let base = path.parent().unwrap().join("../nwl-baseline.toml");
            let text = text.replace(
                "extends = \"../nwl-baseline.toml\"",
                &format!("extends = {:?}", base.display().to_string()),
            );
            files.push((path.file_name().unwrap().to_string_lossy().into(), text));
        }
    }
    files
}

/// Byte ranges of the numbers in `text`.
fn numbers(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()) {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                i += 1;
            }
            out.push((start, i));
        } else {
            i += 1;
        }
    }
    out
}

/// A char boundary at or before `i`.
fn boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn mutate(text: &str, rng: &mut ChaCha8Rng) -> String {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let pick = |rng: &mut ChaCha8Rng, n: usize| rng.random_range(0..n.max(1));
    match rng.random_range(0..8u32) {
        0 | 1 => {
            let spots = numbers(text);
            if spots.is_empty() {
                return text.to_string();
            }
            let (a, b) = spots[pick(rng, spots.len())];
            let value = EXTREMES[pick(rng, EXTREMES.len())];
            return format!("{}{}{}", &text[..a], value, &text[b..]);
        }
        2 if !lines.is_empty() => {
            let i = pick(rng, lines.len());
            lines.remove(i);
        }
        3 if !lines.is_empty() => {
            let i = pick(rng, lines.len());
            let copy = lines[i].clone();
            lines.insert(i, copy);
        }
        4 if lines.len() > 1 => {
            let (i, j) = (pick(rng, lines.len()), pick(rng, lines.len()));
            lines.swap(i, j);
        }
        5 => {
            let at = boundary(text, pick(rng, text.len()));
            let c = CHARACTERS[pick(rng, CHARACTERS.len())];
            let end = boundary(text, at + 1).max(at);
            let end = if end == at {
                boundary(text, at + 4)
            } else {
                end
            };
            return format!("{}{}{}", &text[..at], c, &text[end..]);
        }
        6 => return text[..boundary(text, pick(rng, text.len()))].to_string(),
        _ => {
            let quotes: Vec<usize> = text.match_indices("= \"").map(|(i, _)| i + 3).collect();
            if quotes.is_empty() {
                return text.to_string();
            }
            let at = quotes[pick(rng, quotes.len())];
            let end = text[at..].find('"').map_or(at, |k| at + k);
            let value = match rng.random_range(0..3u32) {
                0 => String::new(),
                1 => "x".repeat(10_000),
                _ => "St John\\u0000's \\t Hospice".to_string(),
            };
            return format!("{}{}{}", &text[..at], value, &text[end..]);
        }
    }
    lines.join("\n")
}

/// Runs carecap with a deadline; `None` if it had to be killed.
fn run_with_deadline(args: &[&str]) -> Option<ExitStatus> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_carecap"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("carecap starts");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return Some(status);
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// What went wrong with one case, if anything.
fn check(file: &Path, out: &Path) -> Option<String> {
    let path = file.to_str().unwrap();
    let verdict = |what: &str, status: Option<ExitStatus>| match status {
        None => Some(format!("{what} did not finish within {DEADLINE:?}")),
        Some(s) if matches!(s.code(), Some(0) | Some(1)) => None,
        Some(s) => Some(format!("{what} ended with {s}")),
    };
    let validated = run_with_deadline(&["validate", path]);
    if let Some(problem) = verdict("validate", validated) {
        return Some(problem);
    }
    if validated.and_then(|s| s.code()) != Some(0) {
        return None;
    }
    let out = out.to_str().unwrap();
    let ran = run_with_deadline(&["run", path, "--reps", "1", "--no-charts", "--out", out]);
    verdict("run", ran)
}

fn fuzz(seed: u64, budget: Duration, corpus: &[(String, String)], work: &Path) -> usize {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let start = Instant::now();
    let mut cases = 0;
    let failures = common::repo("target/fuzz-failures");
    while start.elapsed() < budget {
        let (name, text) = &corpus[rng.random_range(0..corpus.len())];
        let mut mutated = text.clone();
        for _ in 0..rng.random_range(1..=3u32) {
            mutated = mutate(&mutated, &mut rng);
        }
        let file = work.join(format!("case-{cases}.toml"));
        std::fs::write(&file, &mutated).unwrap();
        if let Some(problem) = check(&file, &work.join("out")) {
            std::fs::create_dir_all(&failures).unwrap();
            let kept = failures.join(format!("seed-{seed}-case-{cases}-{name}"));
            std::fs::write(&kept, &mutated).unwrap();
            panic!(
                "seed {seed}, case {cases} (from {name}): {problem}; input kept in {}",
                kept.display()
            );
        }
        let _ = std::fs::remove_file(&file);
        let _ = std::fs::remove_dir_all(work.join("out"));
        cases += 1;
    }
    cases
}

#[test]
fn damaged_scenarios_never_panic_hang_or_exit_oddly() {
    let seconds: u64 = std::env::var("CARECAP_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(90);
    let half = Duration::from_secs(seconds) / 2;
    let corpus = corpus();
    let work = tempfile::tempdir().unwrap();
    let fixed = std::env::var("CARECAP_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_261_123);
    let cases = fuzz(fixed, half, &corpus, work.path());
    eprintln!("fuzz: seed {fixed}: {cases} cases, no failure");
    let fresh = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    eprintln!("fuzz: fresh seed {fresh} (replay with CARECAP_FUZZ_SEED={fresh})");
    let cases = fuzz(fresh, half, &corpus, work.path());
    eprintln!("fuzz: seed {fresh}: {cases} cases, no failure");
}
