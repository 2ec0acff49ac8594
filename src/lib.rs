//! `rbm`: results-based monitoring and donor reporting for development projects.
//!
//! Layout (see `../shared/DESIGN.md` and the README):
//! - [`api`]: HTTP handlers (actix-web), the OpenAPI document;
//! - [`store`]: use cases over the database, one transaction each (diesel);
//! - [`domain`]: pure rules: periods, money, results levels, indicator definitions;
//! - [`db`]: SQLite / PostgreSQL connections, pool and migrations;
//! - [`seeds`]: the seed document format, loaded by `rbm seed` and at first start;
//! - [`services`]: use cases (one function each) that the web pages call;
//! - [`iati`]: the IATI 2.03 activity document of a project;
//! - [`web`]: the web application (server-rendered pages on the same port);
//! - [`awp`]: the annual work plan and results framework as an Excel workbook, out and in.

pub mod api;
pub mod auth;
pub mod awp;
pub mod configuration;
pub mod db;
pub mod domain;
pub mod error;
pub mod iati;
pub mod reports;
pub mod schema;
pub mod seeds;
pub mod services;
pub mod startup;
pub mod store;
pub mod timestamp;
pub mod web;
