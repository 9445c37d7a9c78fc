//! Reading a file a user named (scenario, `extends`, sweep, shard parts)
//! safely: only regular files, and never more than a limit, whatever the
//! file system says about its size.
//!
//! A device such as `/dev/zero` reports a size of 0 and never ends; a FIFO
//! blocks until someone writes to it; a file can grow while it is read.
//! [`read_limited`] refuses anything that is not a regular file before
//! opening it, checks again on the open handle, and reads at most
//! `limit + 1` bytes, so it always ends and never holds more than the limit.

use std::fmt;
use std::io::Read;
use std::path::Path;

/// Why a user-named file could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// It could not be opened or read (missing, no permission, …).
    Io(std::io::Error),
    /// It is not a regular file; the text says what it is.
    NotRegular(&'static str),
    /// It holds more than the limit, in bytes.
    TooLarge(u64),
    /// It is not UTF-8 text: the 1-based line and column of the first bad byte.
    NotUtf8 {
        /// Line of the first byte that is not UTF-8.
        line: usize,
        /// Column (in characters, 1-based) of that byte.
        column: usize,
    },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "expected a readable file, found: {e}"),
            ReadError::NotRegular(kind) => write!(f, "expected a regular file, found {kind}"),
            ReadError::TooLarge(limit) => {
                write!(f, "expected a file of at most {limit} bytes, found more")
            }
            ReadError::NotUtf8 { line, column } => write!(
                f,
                "expected text in UTF-8, found a byte that is not UTF-8 at line {line}, column {column}"
            ),
        }
    }
}

impl std::error::Error for ReadError {}

impl ReadError {
    /// The message with the file's path: "expected a regular file at
    /// /dev/zero, found a device".
    pub fn at(&self, path: &Path) -> String {
        let text = self.to_string();
        match text.split_once(", found") {
            Some((expected, found)) => format!("{expected} at {}, found{found}", path.display()),
            None => format!("{text} ({})", path.display()),
        }
    }
}

/// What kind of non-regular file `meta` describes, in plain words.
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() {
        "a folder"
    } else {
        "something other than a file"
    }
}

fn regular(meta: &std::fs::Metadata) -> Result<(), ReadError> {
    if meta.is_file() {
        Ok(())
    } else {
        Err(ReadError::NotRegular(kind_of(meta)))
    }
}

/// Opens `path` for reading if it is a regular file, checked before
/// opening (opening a FIFO for reading would block) and again on the open
/// handle. Read it through [`Read::take`] with a limit.
pub fn open_regular(path: &Path) -> Result<std::fs::File, ReadError> {
    regular(&std::fs::metadata(path).map_err(ReadError::Io)?)?;
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    regular(&file.metadata().map_err(ReadError::Io)?)?;
    Ok(file)
}

/// The bytes of the regular file at `path`, refusing more than `limit`.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = open_regular(path)?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge(limit));
    }
    Ok(bytes)
}

/// The UTF-8 text of the regular file at `path`, refusing more than `limit`
/// bytes.
pub fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    let bytes = read_limited(path, limit)?;
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let text = std::str::from_utf8(good).unwrap_or_default();
        let line = text.matches('\n').count() + 1;
        let column = text.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        ReadError::NotUtf8 { line, column }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_kinds() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.txt");
        std::fs::write(&f, "ab\ncd\u{e9}").unwrap();
        assert_eq!(read_text(&f, 100).unwrap(), "ab\ncd\u{e9}");
        assert!(matches!(read_text(&f, 3), Err(ReadError::TooLarge(3))));
        assert!(matches!(
            read_text(dir.path(), 100),
            Err(ReadError::NotRegular("a folder"))
        ));
        std::fs::write(&f, b"ab\ncd\xe9x").unwrap();
        assert!(matches!(
            read_text(&f, 100),
            Err(ReadError::NotUtf8 { line: 2, column: 3 })
        ));
        #[cfg(unix)]
        assert!(matches!(
            read_limited(Path::new("/dev/zero"), 100),
            Err(ReadError::NotRegular("a device"))
        ));
    }
}
