//! XLSX renderer (rust_xlsxwriter). Being written.
