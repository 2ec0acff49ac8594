//! PDF renderer (printpdf low-level operations, our own layout). Being written.
