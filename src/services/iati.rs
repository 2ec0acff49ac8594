//! Publishing a project to IATI: `GET /projects/{p}/iati.xml`.
//!
//! Whoever may read the project may export it (the policy's `Read`): the document holds
//! approved work plans and approved actuals only, what a donor sees anywhere.

use super::project_for;
use crate::auth::Principal;
use crate::db::Db;
use crate::domain::access::Action;
use crate::error::AppError;
use crate::iati::{self, Export};

/// The project's IATI activity document (one read transaction, off the HTTP workers).
pub async fn export(db: &Db, who: &Principal, key: &str) -> Result<Export, AppError> {
    let (who, key) = (who.clone(), key.to_string());
    let now = crate::store::now();
    db.tx_snapshot(move |c| {
        let project = project_for(c, &who, &key, Action::Read)?;
        iati::export(c, &project, now)
    })
    .await
}
