//! A results folder holds one run. While a run writes it, the run holds an
//! advisory lock on `.carecap.lock` (a second writer is refused; the lock of
//! a process that died is released by the system, so the next run takes it
//! over). A run starts by removing the previous run's manifest, then the
//! files carecap wrote for it and any temporary files left by a killed run
//! (never other files: a planner's notes stay). `manifest.json`, written
//! last, carries the run's id and lists every file of the run with its
//! SHA-256, so a folder with files of two runs, or a run killed part-way
//! (no manifest), is recognised and refused by `carecap report`.

use super::manifest::{ManifestFile, sha256_hex};
use std::io::{self, Read, Seek, Write};
use std::path::{Component, Path};

/// The lock file in a results folder.
pub const LOCK_FILE: &str = ".carecap.lock";

/// The run manifest.
pub const MANIFEST: &str = "manifest.json";

/// Files carecap writes at the top of a results folder.
pub const RESULT_FILES: &[&str] = &[
    "replications.csv",
    "replications.parquet",
    "summary.csv",
    "by_hour.csv",
    "compare.csv",
    "appraisal.csv",
    "appraisal.md",
    "sizing.csv",
    "sizing_curve.csv",
    "metrics.csv",
    "results.xlsx",
    "report.html",
    "params.csv",
    "uncertainty.csv",
    "drivers.csv",
    "sensitivity.csv",
    "cost_effectiveness.csv",
    "acceptability.csv",
];

/// Whether `path` (relative, `/`-separated) is drawn by the report, which
/// `carecap report` may redraw: `report.html` and `charts/*.png|svg`.
pub fn is_drawn(path: &str) -> bool {
    path == "report.html"
        || path
            .strip_prefix("charts/")
            .is_some_and(|f| !f.contains('/') && (f.ends_with(".png") || f.ends_with(".svg")))
}

/// Whether `path` is a name carecap writes in a results folder.
fn is_carecap_file(path: &str) -> bool {
    RESULT_FILES.contains(&path) || is_drawn(path)
}

/// The exclusive hold of one run on a results folder; released when
/// dropped (or when the process ends).
#[derive(Debug)]
pub struct FolderLock {
    _file: std::fs::File,
    /// Whether carecap had used the folder before (the lock file was there).
    used_before: bool,
}

impl FolderLock {
    /// Takes the lock of `dir` (which must exist), or explains who holds it.
    pub fn acquire(dir: &Path) -> io::Result<FolderLock> {
        let path = dir.join(LOCK_FILE);
        let used_before = path.exists();
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.take(32).read_to_string(&mut holder);
                let holder = holder.trim();
                return Err(io::Error::new(
                    io::ErrorKind::WouldBlock,
                    format!(
                        "the folder is in use by another carecap run{}; wait for it to finish or choose another --out",
                        if holder.is_empty() {
                            String::new()
                        } else {
                            format!(" (process {holder})")
                        }
                    ),
                ));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(e),
        }
        file.set_len(0)?;
        file.rewind()?;
        write!(file, "{}", std::process::id())?;
        Ok(FolderLock {
            _file: file,
            used_before,
        })
    }
}

/// A new run id: the UTC time and a hash of the time, process and folder.
pub fn new_run_id(dir: &Path) -> String {
    let now = std::time::SystemTime::now();
    let nanos = now
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let seed = format!("{nanos} {} {}", std::process::id(), dir.display());
    let stamp = humantime::format_rfc3339_seconds(now)
        .to_string()
        .replace([':', '-'], "");
    format!("{stamp}-{}", &sha256_hex(seed.as_bytes())[..16])
}

/// The files a manifest lists (none if it lists none).
fn listed(manifest: &serde_json::Value) -> Vec<ManifestFile> {
    serde_json::from_value(manifest["files"].clone()).unwrap_or_default()
}

/// A relative `/`-separated path with only plain components.
fn plain(path: &str) -> bool {
    !path.is_empty()
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

fn read_manifest(dir: &Path) -> Option<serde_json::Value> {
    let file = std::fs::File::open(dir.join(MANIFEST)).ok()?;
    let mut text = String::new();
    file.take(super::MAX_READ_BYTES)
        .read_to_string(&mut text)
        .ok()?;
    serde_json::from_str(&text).ok()
}

fn remove(path: &Path) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Removes temporary files (`.carecap-*`) a killed run left in `dir`.
fn remove_temporaries(dir: &Path) -> io::Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(".carecap-") && entry.file_type().is_ok_and(|t| t.is_file()) {
            remove(&entry.path())?;
        }
    }
    Ok(())
}

/// Clears `dir` for a new run (the lock held): the previous manifest
/// first, then the files carecap wrote there and temporary files. Result
/// tables not listed in a manifest are removed only from a folder carecap
/// has used before (its lock file or manifest was there), so a folder of
/// other work given as `--out` loses nothing but what the run overwrites.
pub fn clear_for_run(dir: &Path, lock: &FolderLock) -> io::Result<()> {
    let manifest = read_manifest(dir);
    let ours = lock.used_before
        || manifest
            .as_ref()
            .is_some_and(|m| m["carecap_version"].is_string());
    let previous = manifest.map(|m| listed(&m)).unwrap_or_default();
    if ours {
        remove(&dir.join(MANIFEST))?;
    }
    for f in previous {
        if plain(&f.path) && is_carecap_file(&f.path) {
            remove(&dir.join(&f.path))?;
        }
    }
    if ours {
        for name in RESULT_FILES {
            remove(&dir.join(name))?;
        }
    }
    remove_temporaries(dir)?;
    remove_temporaries(&dir.join("charts"))
}

/// Removes the report and charts the manifest of `dir` lists (before they
/// are redrawn), and temporary files of the charts folder.
pub fn clear_drawn(dir: &Path, _lock: &FolderLock) -> io::Result<()> {
    if let Some(m) = read_manifest(dir) {
        for f in listed(&m) {
            if plain(&f.path) && is_drawn(&f.path) {
                remove(&dir.join(&f.path))?;
            }
        }
    }
    remove_temporaries(&dir.join("charts"))
}

/// SHA-256 of the file at `path`, hex.
pub fn file_sha256(path: &Path) -> io::Result<String> {
    use sha2::{Digest, Sha256};
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Adds `files` (relative to `dir`, with their SHA-256) to the manifest of
/// `dir`, replacing entries of the same path; with `drawn`, every earlier
/// report and chart entry is replaced by `files`.
pub fn add_files(
    dir: &Path,
    files: &[ManifestFile],
    drawn: bool,
    _lock: &FolderLock,
) -> io::Result<()> {
    let mut manifest = read_manifest(dir).ok_or_else(|| {
        io::Error::other(format!("{} cannot be read", dir.join(MANIFEST).display()))
    })?;
    let mut list: Vec<ManifestFile> = listed(&manifest)
        .into_iter()
        .filter(|f| {
            let replaced = files.iter().any(|n| n.path == f.path);
            let redrawn = drawn && is_drawn(&f.path);
            !(replaced || redrawn)
        })
        .collect();
    list.extend(files.iter().cloned());
    list.sort_by(|a, b| a.path.cmp(&b.path));
    manifest["files"] = serde_json::to_value(&list).map_err(io::Error::other)?;
    let json = serde_json::to_string_pretty(&manifest).map_err(io::Error::other)?;
    super::atomic::write_atomic(&dir.join(MANIFEST), json.as_bytes()).map(|_| ())
}

/// Sets the top-level `key` of the manifest of `dir` to `value` (e.g. the
/// sweep a batch ran), keeping everything else.
pub fn set_field(
    dir: &Path,
    key: &str,
    value: serde_json::Value,
    _lock: &FolderLock,
) -> io::Result<()> {
    let mut manifest = read_manifest(dir).ok_or_else(|| {
        io::Error::other(format!("{} cannot be read", dir.join(MANIFEST).display()))
    })?;
    manifest[key] = value;
    let json = serde_json::to_string_pretty(&manifest).map_err(io::Error::other)?;
    super::atomic::write_atomic(&dir.join(MANIFEST), json.as_bytes()).map(|_| ())
}

/// The entry of the file `name` in `dir`, hashed from disk.
pub fn entry(dir: &Path, name: &str) -> io::Result<ManifestFile> {
    Ok(ManifestFile {
        path: name.to_string(),
        sha256: file_sha256(&dir.join(name))?,
    })
}

/// Checks that the files of `dir` are one run's: the manifest has a run id
/// and a file list, every listed file is there with its SHA-256 (the report
/// and charts may be missing: they are redrawn), and no result table of
/// another run lies beside them.
pub fn verify(dir: &Path) -> Result<String, String> {
    let here = |f: &str| dir.join(f).display().to_string();
    let manifest = read_manifest(dir).ok_or_else(|| {
        format!(
            "{}: missing or unreadable; the run did not finish",
            here(MANIFEST)
        )
    })?;
    let run_id = manifest["run_id"]
        .as_str()
        .filter(|id| !id.is_empty())
        .ok_or_else(|| {
            format!(
                "{}: no run_id (written by an older carecap); run the study again",
                here(MANIFEST)
            )
        })?
        .to_string();
    if manifest["files"].as_array().is_none() {
        return Err(format!(
            "{}: no list of files; run the study again",
            here(MANIFEST)
        ));
    }
    let list = listed(&manifest);
    let mut problems = Vec::new();
    for f in &list {
        if !plain(&f.path) {
            problems.push(format!("{}: not a file of a results folder", f.path));
            continue;
        }
        match file_sha256(&dir.join(&f.path)) {
            Ok(sha) if sha == f.sha256 => {}
            Ok(_) => problems.push(format!(
                "{} is from another run (its SHA-256 differs from run {run_id}'s manifest)",
                here(&f.path)
            )),
            Err(e) if e.kind() == io::ErrorKind::NotFound && is_drawn(&f.path) => {}
            Err(e) => problems.push(format!("{} of run {run_id}: {e}", here(&f.path))),
        }
    }
    for name in RESULT_FILES {
        if !is_drawn(name) && !list.iter().any(|f| f.path == *name) && dir.join(name).exists() {
            problems.push(format!(
                "{} is from another run (not listed in run {run_id}'s manifest)",
                here(name)
            ));
        }
    }
    if problems.is_empty() {
        Ok(run_id)
    } else {
        Err(format!(
            "refusing a folder with files of different runs: {}",
            problems.join("; ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_carecap_never_used_keeps_its_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("compare.csv"), "someone else's\n").unwrap();
        std::fs::write(dir.path().join(".carecap-x.tmp"), "").unwrap();
        let lock = FolderLock::acquire(dir.path()).unwrap();
        clear_for_run(dir.path(), &lock).unwrap();
        assert!(dir.path().join("compare.csv").exists());
        assert!(!dir.path().join(".carecap-x.tmp").exists());
        drop(lock);
        // Now carecap has used it: its result names are its own.
        let lock = FolderLock::acquire(dir.path()).unwrap();
        clear_for_run(dir.path(), &lock).unwrap();
        assert!(!dir.path().join("compare.csv").exists());
    }

    #[test]
    fn a_held_folder_is_refused_to_a_second_writer() {
        let dir = tempfile::tempdir().unwrap();
        let first = FolderLock::acquire(dir.path()).unwrap();
        let second = FolderLock::acquire(dir.path()).unwrap_err();
        assert!(second.to_string().contains("in use"), "{second}");
        drop(first);
        FolderLock::acquire(dir.path()).unwrap();
    }
}
