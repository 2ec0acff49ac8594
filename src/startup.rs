//! Builds the HTTP server: one app factory shared by `rbm serve` and the integration tests.

use crate::api::{self, ApiDoc};
use crate::auth::{HashPool, Login, LoginPolicy};
use crate::configuration::MAX_BODY_BYTES;
use crate::db::Db;
use crate::domain::progress::Thresholds;
use crate::error::AppError;
use crate::reports::templates::Templates;
use actix_web::dev::Server;
use actix_web::middleware::Logger;
use actix_web::{App, HttpResponse, HttpServer, web};
use std::net::{IpAddr, TcpListener};
use utoipa::OpenApi;
use utoipa_swagger_ui::SwaggerUi;

/// What the server needs beyond the database.
#[derive(Debug, Clone, Default)]
pub struct ServerOptions {
    /// HTTP worker threads (default: one per core).
    pub workers: Option<usize>,
    /// Indicator status thresholds.
    pub thresholds: Thresholds,
    /// Reverse proxies whose `X-Forwarded-For` names the client (login limits count by it).
    pub trusted_proxies: Vec<IpAddr>,
    /// Failed-login allowances and back-off (default: [`LoginPolicy::default`]).
    pub login_policy: Option<LoginPolicy>,
    /// Password hashes computed at once (default: [`HashPool::default_size`]).
    pub hashes_in_flight: Option<usize>,
}

/// Starts serving on an already-bound listener (tests bind port 0 for a random port).
pub fn run(listener: TcpListener, db: Db, options: ServerOptions) -> std::io::Result<Server> {
    let db = web::Data::new(db);
    let thresholds = web::Data::new(options.thresholds);
    let templates = web::Data::new(Templates::from_env());
    // One limiter and one hashing pool for all workers, so attempts are counted across them.
    let login = web::Data::new(Login::new(
        options.login_policy.unwrap_or_default(),
        options.hashes_in_flight.unwrap_or_else(HashPool::default_size),
        options.trusted_proxies.clone(),
    ));
    let openapi = ApiDoc::openapi();
    let mut server = HttpServer::new(move || {
        App::new()
            .wrap(actix_web::middleware::from_fn(api::refuse_control_characters))
            .wrap(Logger::new("%a \"%r\" %s %b %Dms"))
            .app_data(db.clone())
            .app_data(login.clone())
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
