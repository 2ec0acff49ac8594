//! Builds the HTTP server: one app factory shared by `rbm serve` and the integration tests.

use crate::api::{self, ApiDoc};
use crate::auth::LoginLimiter;
use crate::configuration::{MAX_BODY_BYTES, Settings};
use crate::db::Db;
use crate::domain::progress::Thresholds;
use crate::error::AppError;
use crate::reports::templates::Templates;
use actix_web::ResponseError;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::middleware::Logger;
use actix_web::middleware::Next;
use actix_web::{App, HttpResponse, HttpServer, web};
use std::net::TcpListener;
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

/// What the server needs beyond the database.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// HTTP worker threads (default: one per core).
    pub workers: Option<usize>,
    /// Indicator status thresholds.
    pub thresholds: Thresholds,
    pub templates: Templates,
}

impl ServerOptions {
    pub fn new(settings: &Settings) -> Result<Self, AppError> {
        Ok(ServerOptions {
            workers: settings.workers,
            thresholds: settings.thresholds()?,
            templates: settings.templates(),
        })
    }
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions::new(&Settings::default()).expect("the default settings are valid")
    }
}

/// Starts serving on an already-bound listener (tests bind port 0 for a random port).
pub fn run(listener: TcpListener, db: Db, options: ServerOptions) -> std::io::Result<Server> {
    let db = web::Data::new(db);
    let thresholds = web::Data::new(options.thresholds);
    let templates = web::Data::new(options.templates);
    // One limiter for all workers, so attempts are counted across them.
    let limiter = web::Data::new(LoginLimiter::default());
    let openapi = ApiDoc::openapi();
    let mut server = HttpServer::new(move || {
        App::new()
            .wrap(actix_web::middleware::from_fn(refuse_nul))
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
            .configure(api::routes)
            .default_service(web::to(api::not_found))
    })
    .listen(listener)?;
    if let Some(n) = options.workers {
        server = server.workers(n);
    }
    Ok(server.run())
}

/// PostgreSQL text cannot hold the NUL character: a URL carrying one (`%00`) names nothing in
/// its path (404) and is unreadable in its query (400), before any handler runs.
async fn refuse_nul(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let uri = req.uri();
    let refused = if uri.path().contains("%00") {
        Some(AppError::NotFound("the resource".into()))
    } else if uri.query().is_some_and(|q| q.contains("%00")) {
        Some(AppError::BadRequest("the query string contains a NUL character (%00)".into()))
    } else {
        None
    };
    match refused {
        Some(e) => Ok(req.into_response(e.error_response()).map_into_right_body()),
        None => next.call(req).await.map(ServiceResponse::map_into_left_body),
    }
}
