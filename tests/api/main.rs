//! Integration tests: the real server on a random port, on SQLite and on PostgreSQL
//! (when `RBM_TEST_POSTGRES_URL` is set), each test on its own fresh database.

mod helpers;
/// The PDF reader of the renderer's own tests, to read generated reports back.
#[path = "../common/pdf_reader.rs"]
#[allow(dead_code)]
mod pdf_reader;
/// The XLSX reader of the renderer's own tests, to read generated reports back.
#[path = "../xlsx/reader.rs"]
#[allow(dead_code)]
mod xlsx_reader;

mod access;
mod audit_pages;
mod backup;
mod contract;
mod eu;
mod finance;
mod finance_filters;
mod funding;
mod iati;
mod issues;
mod lang;
mod platform;
mod progress;
mod projects;
mod readme;
mod report_layout;
mod report_templates;
mod report_undp;
mod reports;
mod results;
mod security_contention;
mod security_demo_data;
mod security_file_names;
mod security_input;
mod security_instances;
mod security_last_admin;
mod security_login;
mod security_money;
mod security_retried_writes;
mod security_slow_clients;
mod settings;
mod upgrade;
mod workplan_io;
