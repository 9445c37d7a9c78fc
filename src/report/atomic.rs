//! Atomic output files: written to a temporary file in the target folder,
//! flushed and synced, then renamed over the final name. A killed run
//! leaves at most a stray temporary file (removed by the next run in the
//! folder), never a half-written result. The SHA-256 of what was written
//! is computed on the way, for the manifest.

use sha2::{Digest, Sha256};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// A file being written; it appears under its final name only on
/// [`AtomicFile::commit`].
#[derive(Debug)]
pub struct AtomicFile {
    target: PathBuf,
    writer: BufWriter<NamedTempFile>,
    hasher: Sha256,
}

impl AtomicFile {
    /// Starts writing `target` (its folder must exist).
    pub fn create(target: &Path) -> io::Result<AtomicFile> {
        let dir = target
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let tmp = tempfile::Builder::new()
            .prefix(".carecap-")
            .suffix(".tmp")
            .tempfile_in(dir)?;
        Ok(AtomicFile {
            target: target.to_path_buf(),
            writer: BufWriter::with_capacity(1 << 16, tmp),
            hasher: Sha256::new(),
        })
    }

    /// Flushes, syncs and renames the file into place; returns the
    /// SHA-256 of its bytes, hex (what `sha256sum` prints).
    pub fn commit(self) -> io::Result<String> {
        let tmp = self.writer.into_inner().map_err(|e| e.into_error())?;
        readable(tmp.path())?;
        tmp.as_file().sync_all()?;
        tmp.persist(&self.target).map_err(|e| e.error)?;
        Ok(self
            .hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.writer.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

/// Makes a temporary file readable by everyone (temporary files are created
/// private), as an ordinary output file would be.
pub fn readable(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Writes `bytes` to `target` atomically; returns their SHA-256, hex.
pub fn write_atomic(target: &Path, bytes: &[u8]) -> io::Result<String> {
    let mut f = AtomicFile::create(target)?;
    f.write_all(bytes)?;
    f.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_appears_until_commit() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        let mut f = AtomicFile::create(&target).unwrap();
        f.write_all(b"a,b\n").unwrap();
        assert!(!target.exists());
        drop(f); // abandoned: as if killed
        assert!(!target.exists());
        let sha = write_atomic(&target, b"x\n").unwrap();
        assert_eq!(sha, crate::report::manifest::sha256_hex(b"x\n"));
        assert_eq!(std::fs::read(&target).unwrap(), b"x\n");
    }
}
