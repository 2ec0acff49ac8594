//! Donor reports: gather the figures (from `domain/` via the store), render a handlebars
//! template into the document markup, parse it into a [`document::Document`], and render
//! that as PDF, XLSX or HTML.

pub mod document;
pub mod html;
pub mod markup;
pub mod pdf;
pub mod xlsx;
