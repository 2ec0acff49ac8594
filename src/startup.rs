//! Builds the HTTP server: one app factory shared by `rbm serve` and the integration tests.

use crate::api::{self, ApiDoc};
use crate::auth::LoginLimiter;
use crate::configuration::MAX_BODY_BYTES;
use crate::db::Db;
use crate::domain::progress::Thresholds;
use crate::error::AppError;
use crate::reports::templates::Templates;
use actix_web::dev::Server;
use actix_web::middleware::Logger;
use actix_web::{App, HttpResponse, HttpServer, web};
use std::net::TcpListener;
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

/// What the server needs beyond the database.
#[derive(Debug, Clone, Default)]
pub struct ServerOptions {
    /// HTTP worker threads (default: one per core).
    pub workers: Option<usize>,
    /// Indicator status thresholds.
    pub thresholds: Thresholds,
    /// The report templates and catalogues folder (default: `RBM_TEMPLATES_DIR`, or
    /// `report_templates` in the working directory).
    pub templates_dir: Option<std::path::PathBuf>,
}

/// Starts serving on an already-bound listener (tests bind port 0 for a random port).
pub fn run(listener: TcpListener, db: Db, options: ServerOptions) -> std::io::Result<Server> {
    let db = web::Data::new(db);
    let thresholds = web::Data::new(options.thresholds);
    let templates = web::Data::new(match options.templates_dir {
        Some(dir) => Templates::new(Some(dir)),
        None => Templates::from_env(),
    });
    // One limiter for all workers, so attempts are counted across them.
    let limiter = web::Data::new(LoginLimiter::default());
    let openapi = ApiDoc::openapi();
    let mut server = HttpServer::new(move || {
        App::new()
            .wrap(Logger::new("%a \"%r\" %s %b %Dms"))
            .app_data(db.clone())
            .app_data(limiter.clone())
            .app_data(thresholds.clone())
            .app_data(templates.clone())
            .app_data(web::PayloadConfig::new(MAX_BODY_BYTES))
            .app_data(web::PathConfig::default().error_handler(|_, _| AppError::NotFound("the resource".into()).into()))
            .app_data(
                web::QueryConfig::default()
                    .error_handler(|e, _| AppError::BadRequest(format!("bad query string: {e}")).into()),
            )
            // Before the API scope, which would otherwise claim /api/v1/openapi.json.
            .service(SwaggerUi::new("/docs/{_:.*}").url("/api/v1/openapi.json", openapi.clone()))
            .route(
                "/docs",
                web::get()
                    .to(|| async { HttpResponse::PermanentRedirect().insert_header(("Location", "/docs/")).finish() }),
            )
            .configure(crate::web::routes)
            .configure(api::routes)
            .default_service(web::to(api::not_found))
    })
    .listen(listener)?;
    if let Some(n) = options.workers {
        server = server.workers(n);
    }
    Ok(server.run())
}
