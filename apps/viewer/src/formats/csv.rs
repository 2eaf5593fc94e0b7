//! CSV as a table: the first record is the header; ragged rows are padded, not rejected.

use super::Page;
use crate::text;

const MAX_ROWS: usize = 2000;

pub fn render(text: &str, page: &mut Page) -> Result<(), String> {
    // Excel in German locales writes `;`: pick the separator the header uses most.
    let first = text.lines().next().unwrap_or("");
    let sep = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|s| first.bytes().filter(|b| b == s).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sep)
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let columns: Vec<String> = reader
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(str::to_string)
        .collect();
    let mut rows = Vec::new();
    let mut total = 0;
    for record in reader.records() {
        let record = record.map_err(|e| text::csv_row_error(total + 2, &e.to_string()))?;
        total += 1;
        if rows.len() < MAX_ROWS {
            let mut row: Vec<String> = record.iter().map(str::to_string).collect();
            row.resize(columns.len().max(row.len()), String::new());
            rows.push(row);
        }
    }
    page.text(&text::rows_columns(total, columns.len()));
    page.table(columns, rows);
    if total > MAX_ROWS {
        page.full = true;
    }
    Ok(())
}
