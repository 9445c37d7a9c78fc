//! The per-replication table in the format asked for with
//! `--replications csv|parquet|none`: `replications.csv` (the default),
//! `replications.parquet` (the same rows and columns in Apache Parquet, for
//! R arrow, pandas, polars and DuckDB), or no per-replication file at all.
//!
//! Both files are written atomically (see [`super::atomic`]) and stream: the
//! CSV row by row, the Parquet file one row group of
//! [`PARQUET_ROW_GROUP_ROWS`] rows at a time, so memory does not grow with
//! replications. The Parquet columns are typed: `scenario`, `area_type`,
//! `area` and `metric` are UTF-8 strings (dictionary encoded), `replication`
//! is a 64-bit integer, `year` a 32-bit integer and `value` an optional
//! double, null where the CSV has an empty field (an undefined value).
//! Names are written as they are, without the CSV's spreadsheet guard (a
//! leading `'` before a name that starts like a formula). Pages are
//! compressed with Snappy. The file holds nothing of the run's time or
//! place, so the same study gives the same bytes.

use super::atomic::AtomicFile;
use super::tables::{self, Key};
use parquet::basic::Compression;
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Rows in each row group of `replications.parquet` (the last may hold
/// fewer): about 10 MB of buffered columns.
pub const PARQUET_ROW_GROUP_ROWS: usize = 1 << 18;

/// The Parquet schema of `replications.parquet`: the columns of
/// `replications.csv`, typed.
pub const PARQUET_SCHEMA: &str = "message replications {
  required binary scenario (STRING);
  required int64 replication;
  required int32 year;
  required binary area_type (STRING);
  required binary area (STRING);
  required binary metric (STRING);
  optional double value;
}";

/// How the per-replication table is written (`--replications`).
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// `replications.csv` (the default).
    #[default]
    Csv,
    /// `replications.parquet`.
    Parquet,
    /// No per-replication file (the summary tables are still written).
    None,
}

impl Format {
    /// The flag's value, as typed on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Parquet => "parquet",
            Format::None => "none",
        }
    }

    /// The file written, if any.
    pub fn file(self) -> Option<&'static str> {
        match self {
            Format::Csv => Some(CSV_FILE),
            Format::Parquet => Some(PARQUET_FILE),
            Format::None => None,
        }
    }

    /// Whether this is the default (`csv`), which a shard marker leaves out.
    pub fn is_default(&self) -> bool {
        *self == Format::Csv
    }
}

/// The CSV per-replication table.
pub const CSV_FILE: &str = "replications.csv";
/// The Parquet per-replication table.
pub const PARQUET_FILE: &str = "replications.parquet";

/// A per-replication table being written; it appears under its final name
/// only on [`Writer::commit`].
pub struct Writer {
    path: Option<PathBuf>,
    sink: Sink,
}

enum Sink {
    Csv(AtomicFile),
    Parquet(Box<ParquetRows>),
    None,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer").field("path", &self.path).finish()
    }
}

impl Writer {
    /// Starts the table of `format` in the folder `dir`.
    pub fn create(dir: &Path, format: Format) -> io::Result<Writer> {
        let path = format.file().map(|f| dir.join(f));
        let sink = match (format, &path) {
            (Format::Csv, Some(p)) => {
                let mut file = AtomicFile::create(p)?;
                writeln!(file, "{}", tables::REPLICATIONS_HEADER)?;
                Sink::Csv(file)
            }
            (Format::Parquet, Some(p)) => Sink::Parquet(Box::new(ParquetRows::create(p)?)),
            _ => Sink::None,
        };
        Ok(Writer { path, sink })
    }

    /// The file being written (none for `--replications none`).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Adds one row: `scenario`'s replication `rep`, at `key`, is `value`
    /// (NaN: undefined).
    pub fn row(&mut self, scenario: &str, rep: u64, key: &Key, value: f64) -> io::Result<()> {
        match &mut self.sink {
            Sink::Csv(f) => tables::write_replication_row(f, scenario, rep, key, value),
            Sink::Parquet(p) => p.row(scenario, rep, key, value),
            Sink::None => Ok(()),
        }
    }

    /// Finishes the file and moves it into place: its name and SHA-256 (hex),
    /// or `None` when no file is written.
    pub fn commit(self) -> io::Result<Option<(&'static str, String)>> {
        match self.sink {
            Sink::Csv(f) => Ok(Some((CSV_FILE, f.commit()?))),
            Sink::Parquet(p) => Ok(Some((PARQUET_FILE, p.commit()?))),
            Sink::None => Ok(None),
        }
    }
}

/// Distinct strings of a column, each stored once.
#[derive(Default)]
struct Interned {
    index: HashMap<String, u32>,
    values: Vec<ByteArray>,
}

impl Interned {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = self.values.len() as u32;
        self.values.push(ByteArray::from(s));
        self.index.insert(s.to_string(), i);
        i
    }

    /// The column's values for the ids `ids` (cheap: shared bytes).
    fn column(&self, ids: &[u32]) -> Vec<ByteArray> {
        ids.iter()
            .map(|&i| self.values[i as usize].clone())
            .collect()
    }
}

/// The rows of the current row group, and the file they go to.
struct ParquetRows {
    writer: SerializedFileWriter<AtomicFile>,
    strings: [Interned; 4],
    /// Ids into `strings`: scenario, area_type, area, metric.
    ids: [Vec<u32>; 4],
    replication: Vec<i64>,
    year: Vec<i32>,
    /// Defined values only.
    value: Vec<f64>,
    /// 1 where the row has a value, 0 where it is null.
    defined: Vec<i16>,
}

fn parquet_err(e: parquet::errors::ParquetError) -> io::Error {
    io::Error::other(e.to_string())
}

impl ParquetRows {
    fn create(path: &Path) -> io::Result<ParquetRows> {
        let schema = Arc::new(parse_message_type(PARQUET_SCHEMA).map_err(parquet_err)?);
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_dictionary_enabled(true)
            .build();
        let file = AtomicFile::create(path)?;
        let writer =
            SerializedFileWriter::new(file, schema, Arc::new(props)).map_err(parquet_err)?;
        Ok(ParquetRows {
            writer,
            strings: Default::default(),
            ids: Default::default(),
            replication: Vec::with_capacity(PARQUET_ROW_GROUP_ROWS),
            year: Vec::with_capacity(PARQUET_ROW_GROUP_ROWS),
            value: Vec::with_capacity(PARQUET_ROW_GROUP_ROWS),
            defined: Vec::with_capacity(PARQUET_ROW_GROUP_ROWS),
        })
    }

    fn row(&mut self, scenario: &str, rep: u64, key: &Key, value: f64) -> io::Result<()> {
        for (c, s) in [scenario, key.area_type, &key.area, key.metric]
            .into_iter()
            .enumerate()
        {
            let id = self.strings[c].id(s);
            self.ids[c].push(id);
        }
        self.replication.push(rep as i64);
        self.year.push(key.year);
        if value.is_nan() {
            self.defined.push(0);
        } else {
            self.defined.push(1);
            self.value.push(value);
        }
        if self.defined.len() >= PARQUET_ROW_GROUP_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the buffered rows as one row group.
    fn flush(&mut self) -> io::Result<()> {
        if self.defined.is_empty() {
            return Ok(());
        }
        let mut group = self.writer.next_row_group().map_err(parquet_err)?;
        let mut column = 0;
        while let Some(mut col) = group.next_column().map_err(parquet_err)? {
            match column {
                1 => {
                    col.typed::<Int64Type>()
                        .write_batch(&self.replication, None, None)
                        .map_err(parquet_err)?;
                }
                2 => {
                    col.typed::<Int32Type>()
                        .write_batch(&self.year, None, None)
                        .map_err(parquet_err)?;
                }
                6 => {
                    col.typed::<DoubleType>()
                        .write_batch(&self.value, Some(&self.defined), None)
                        .map_err(parquet_err)?;
                }
                c => {
                    // Columns 0, 3, 4, 5: scenario, area_type, area, metric.
                    let s = match c {
                        0 => 0,
                        3 => 1,
                        4 => 2,
                        _ => 3,
                    };
                    let values = self.strings[s].column(&self.ids[s]);
                    col.typed::<ByteArrayType>()
                        .write_batch(&values, None, None)
                        .map_err(parquet_err)?;
                }
            }
            col.close().map_err(parquet_err)?;
            column += 1;
        }
        group.close().map_err(parquet_err)?;
        for ids in &mut self.ids {
            ids.clear();
        }
        self.replication.clear();
        self.year.clear();
        self.value.clear();
        self.defined.clear();
        Ok(())
    }

    fn commit(mut self) -> io::Result<String> {
        self.flush()?;
        let file = self.writer.into_inner().map_err(parquet_err)?;
        file.commit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::RowAccessor;

    #[test]
    fn row_groups_are_written_as_rows_come_and_read_back_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = Writer::create(dir.path(), Format::Parquet).unwrap();
        let key = |i: usize| Key {
            year: 2025 + (i % 3) as i32,
            area_type: "borough",
            area: format!("Area {}", i % 7),
            metric: "deaths",
        };
        let rows = 2 * PARQUET_ROW_GROUP_ROWS + 5;
        for i in 0..rows {
            let v = if i % 11 == 0 {
                f64::NAN
            } else {
                i as f64 / 4.0
            };
            w.row("=odd name", (i / 100) as u64, &key(i), v).unwrap();
            if i == PARQUET_ROW_GROUP_ROWS {
                // The first row group went to the file before the end.
                if let Sink::Parquet(p) = &w.sink {
                    assert_eq!(p.writer.flushed_row_groups().len(), 1);
                    assert_eq!(p.defined.len(), 1);
                }
            }
        }
        assert!(
            !dir.path().join(PARQUET_FILE).exists(),
            "visible before commit"
        );
        let (name, sha) = w.commit().unwrap().unwrap();
        assert_eq!(name, PARQUET_FILE);
        let bytes = std::fs::read(dir.path().join(PARQUET_FILE)).unwrap();
        assert_eq!(sha, crate::report::manifest::sha256_hex(&bytes));
        let reader =
            SerializedFileReader::new(std::fs::File::open(dir.path().join(PARQUET_FILE)).unwrap())
                .unwrap();
        assert_eq!(reader.metadata().num_row_groups(), 3);
        let mut n = 0;
        for (i, row) in reader.into_iter().enumerate() {
            let row = row.unwrap();
            assert_eq!(row.get_string(0).unwrap(), "=odd name");
            assert_eq!(row.get_long(1).unwrap(), (i / 100) as i64);
            assert_eq!(row.get_int(2).unwrap(), 2025 + (i % 3) as i32);
            assert_eq!(row.get_string(4).unwrap(), &format!("Area {}", i % 7));
            if i % 11 == 0 {
                assert!(row.get_double(6).is_err(), "row {i} should be null");
            } else {
                assert_eq!(row.get_double(6).unwrap(), i as f64 / 4.0);
            }
            n += 1;
        }
        assert_eq!(n, rows);
    }

    #[test]
    fn none_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = Writer::create(dir.path(), Format::None).unwrap();
        let key = Key {
            year: 2025,
            area_type: "region",
            area: "ALL".into(),
            metric: "deaths",
        };
        w.row("s", 0, &key, 1.0).unwrap();
        assert!(w.commit().unwrap().is_none());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
