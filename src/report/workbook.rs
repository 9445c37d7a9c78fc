//! `results.xlsx`: the results folder's tables as one Excel workbook, for
//! people who work in spreadsheets. One sheet each for the summary, the
//! comparison, the appraisal and the sizing (those the folder has), the
//! data dictionary (`metrics`), and `parameters`: every input line of each
//! scenario file with its S/D/I flag (S stated in a source, D derived from
//! sourced figures, I an informed assumption) as written in its comment.
//!
//! Cells hold the same values as the CSV files: numbers as numbers, names
//! as text (without the CSV's spreadsheet-formula guard, since a text cell
//! is never run as a formula). The workbook's creation date is fixed, so
//! the same results give the same bytes.

use super::atomic::write_atomic;
use super::manifest::{Manifest, ManifestFile};
use super::tables::unguard;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use std::path::Path;

/// The workbook's file name.
pub const FILE: &str = "results.xlsx";

/// The sheets copied from CSV files: (sheet name, file).
pub const SHEETS: [(&str, &str); 5] = [
    ("summary", "summary.csv"),
    ("compare", "compare.csv"),
    ("appraisal", "appraisal.csv"),
    ("sizing", "sizing.csv"),
    ("metrics", "metrics.csv"),
];

/// Columns that hold names (always text, even when they look like numbers).
const TEXT_COLUMNS: [&str; 12] = [
    "scenario",
    "option",
    "baseline",
    "area_type",
    "area",
    "metric",
    "name",
    "label",
    "unit",
    "definition",
    "area_types",
    "parameter",
];

fn xlsx_error(e: XlsxError) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

/// Copies the CSV file at `path` into `sheet`.
fn copy_csv(sheet: &mut Worksheet, path: &Path, bold: &Format) -> std::io::Result<()> {
    let mut reader = csv::Reader::from_path(path).map_err(std::io::Error::other)?;
    let header: Vec<String> = reader
        .headers()
        .map_err(std::io::Error::other)?
        .iter()
        .map(String::from)
        .collect();
    for (c, h) in header.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, h, bold)
            .map_err(xlsx_error)?;
    }
    for (r, row) in reader.records().enumerate() {
        let row = row.map_err(std::io::Error::other)?;
        let r = (r + 1) as u32;
        for (c, field) in row.iter().enumerate() {
            let text = header
                .get(c)
                .is_none_or(|h| TEXT_COLUMNS.contains(&h.as_str()));
            match field.parse::<f64>() {
                Ok(x) if !text && x.is_finite() => {
                    sheet.write_number(r, c as u16, x).map_err(xlsx_error)?;
                }
                _ if field.is_empty() => {}
                _ => {
                    sheet
                        .write_string(r, c as u16, unguard(field))
                        .map_err(xlsx_error)?;
                }
            }
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    Ok(())
}

/// One input line of a scenario file: (section, key, value, flag, comment).
pub type Input = (String, String, String, String, String);

/// The input lines of a scenario file's text: every `key = value` line,
/// with the table it sits in (and the entry's name in an array of tables),
/// and the S/D/I flag its comment starts with (blank when the line has no
/// flag of its own: the comment above it applies).
pub fn inputs(text: &str) -> Vec<Input> {
    let mut out = Vec::new();
    let mut section = String::new();
    let mut header = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            header = trimmed.split('#').next().unwrap_or("").trim().to_string();
            section = header.clone();
            continue;
        }
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some((key, rest)) = trimmed.split_once('=') else {
            continue;
        };
        let key = key.trim().to_string();
        let (value, comment) = match rest.find(" #") {
            Some(i) => (rest[..i].trim(), rest[i + 2..].trim()),
            None => (rest.trim(), ""),
        };
        if key == "name" && header.starts_with("[[") {
            section = format!("{header} {}", value.trim_matches('"'));
        }
        let flag = comment
            .split(|c: char| !c.is_ascii_alphabetic())
            .next()
            .filter(|f| matches!(*f, "S" | "D" | "I"))
            .unwrap_or("")
            .to_string();
        out.push((
            section.clone(),
            key,
            value.to_string(),
            flag,
            comment.to_string(),
        ));
    }
    out
}

/// Writes `results.xlsx` in `dir` from the folder's CSV files and the
/// scenario files named in `manifest` (read from where the run read them);
/// returns its manifest entry.
pub fn write(dir: &Path, manifest: &Manifest) -> std::io::Result<ManifestFile> {
    let mut book = Workbook::new();
    let fixed = ExcelDateTime::from_ymd(2000, 1, 1).map_err(xlsx_error)?;
    book.set_properties(
        &DocProperties::new()
            .set_title("carecap results")
            .set_creation_datetime(&fixed),
    );
    let bold = Format::new().set_bold();
    for (name, file) in SHEETS {
        let path = dir.join(file);
        if !path.exists() {
            continue;
        }
        let sheet = book.add_worksheet();
        sheet.set_name(name).map_err(xlsx_error)?;
        copy_csv(sheet, &path, &bold)?;
    }
    let sheet = book.add_worksheet();
    sheet.set_name("parameters").map_err(xlsx_error)?;
    for (c, h) in [
        "scenario", "file", "section", "key", "value", "flag", "comment",
    ]
    .iter()
    .enumerate()
    {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(xlsx_error)?;
    }
    let mut r = 1u32;
    for s in &manifest.scenarios {
        for f in &s.files {
            let Ok(text) =
                crate::fsread::read_text(Path::new(&f.path), crate::scenario::load::MAX_FILE_BYTES)
            else {
                continue;
            };
            for (section, key, value, flag, comment) in inputs(&text) {
                for (c, cell) in [&s.name, &f.path, &section, &key, &value, &flag, &comment]
                    .iter()
                    .enumerate()
                {
                    sheet
                        .write_string(r, c as u16, cell.as_str())
                        .map_err(xlsx_error)?;
                }
                r += 1;
            }
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
    let bytes = book.save_to_buffer().map_err(xlsx_error)?;
    let sha256 = write_atomic(&dir.join(FILE), &bytes)?;
    Ok(ManifestFile {
        path: FILE.into(),
        sha256,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_lines_carry_their_section_and_flag() {
        let text = "[scenario]\nname = \"x\"\n\n[[borough]]\nname = \"Harrow\"   # S R1\npopulation = 261300  # S R16d\ngrowth = 0.02  # D from R2\ncover = \"daytime\"\n# a note\n[[site]]\nname = \"St John's\"\nbeds = 18   # I\n";
        let rows = inputs(text);
        assert_eq!(rows.len(), 7);
        assert_eq!(rows[2].0, "[[borough]] Harrow");
        assert_eq!(rows[2].1, "population");
        assert_eq!(rows[2].2, "261300");
        assert_eq!(rows[2].3, "S");
        assert_eq!(rows[3].3, "D");
        assert_eq!(rows[4].3, "");
        assert_eq!(rows[6].0, "[[site]] St John's");
        assert_eq!(rows[6].3, "I");
    }
}
