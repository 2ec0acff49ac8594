//! XLSX renderer (rust_xlsxwriter). Being written on branch `xlsx`.

use super::document::Document;

pub fn render(_doc: &Document) -> Result<Vec<u8>, String> {
    Err("the XLSX renderer is not merged yet".into())
}
