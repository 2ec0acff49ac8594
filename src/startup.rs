//! Builds the HTTP server: one app factory shared by `rbm serve` and the integration tests.

use crate::api::{self, ApiDoc};
use crate::auth::{HashPool, Login, LoginPolicy};
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
use std::net::{IpAddr, TcpListener};
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
    /// Reverse proxies whose `X-Forwarded-For` names the client (login limits count by it).
    pub trusted_proxies: Vec<IpAddr>,
    /// Failed-login allowances and back-off (default: [`LoginPolicy::default`]).
    pub login_policy: Option<LoginPolicy>,
    /// Password hashes computed at once (default: [`HashPool::default_size`]).
    pub hashes_in_flight: Option<usize>,
    /// Time a client has for its request headers, and again for its body.
    pub client_timeout: std::time::Duration,
    /// Open connections per worker.
    pub max_connections: usize,
}

impl ServerOptions {
    pub fn new(settings: &Settings) -> Result<Self, AppError> {
        Ok(ServerOptions {
            workers: settings.workers,
            thresholds: settings.thresholds()?,
            templates: settings.templates(),
            trusted_proxies: settings.trusted_proxies.clone(),
            login_policy: None,
            hashes_in_flight: None,
            client_timeout: std::time::Duration::from_secs(settings.client_timeout_secs),
            max_connections: settings.max_connections,
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
    let demo = web::Data::new(DemoCredentials::check(&db));
    let db = web::Data::new(db);
    let thresholds = web::Data::new(options.thresholds);
    let templates = web::Data::new(options.templates);
    // One hashing pool for all workers; the limiter's counters are in the database, shared by
    // every worker and every instance.
    let login = web::Data::new(Login::new(
        options.login_policy.unwrap_or_default(),
        options.hashes_in_flight.unwrap_or_else(HashPool::default_size),
        options.trusted_proxies.clone(),
    ));
    let openapi = ApiDoc::openapi();
    let body_timeout = crate::api::json::BodyTimeout(options.client_timeout);
    let mut server = HttpServer::new(move || {
        App::new()
            // The pages' error pages in the page's language (the API's answers pass untouched).
            .wrap(actix_web::middleware::from_fn(crate::web::errors_in_page_language))
            .wrap(actix_web::middleware::from_fn(refuse_control_characters))
            .wrap(Logger::new("%a \"%r\" %s %b %Dms"))
            .app_data(db.clone())
            .app_data(demo.clone())
            .app_data(login.clone())
            .app_data(thresholds.clone())
            .app_data(templates.clone())
            .app_data(web::PayloadConfig::new(MAX_BODY_BYTES))
            .app_data(body_timeout)
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
            // The API first: its routes sit under one static prefix the router checks at once;
            // behind the pages' routes every API request was matched against each of them.
            .configure(api::routes)
            .configure(crate::web::routes)
            .default_service(web::to(api::not_found))
    })
    // Slow clients: the headers must arrive within the client timeout (408 otherwise), the body
    // likewise (`BodyTimeout`); idle keep-alive connections close after 5 s; each worker holds
    // at most `max_connections` open.
    .client_request_timeout(options.client_timeout)
    .client_disconnect_timeout(std::time::Duration::from_secs(1))
    .keep_alive(std::time::Duration::from_secs(5))
    .max_connections(options.max_connections)
    .listen(listener)?;
    if let Some(n) = options.workers {
        server = server.workers(n);
    }
    Ok(server.run())
}

/// The password hashes of active users that log in with a password published for the demo
/// (`admin@rbm.example` / `demo-admin-2025` ...), found at start; `/healthz` tells whether any
/// is still in use (a changed password changes the hash).
#[derive(Debug, Clone, Default)]
pub struct DemoCredentials(pub Vec<String>);

impl DemoCredentials {
    /// Looks for the demo users' published passwords, and says so loudly when one works.
    pub fn check(db: &Db) -> DemoCredentials {
        let found = match crate::seeds::demo_credentials(db) {
            Ok(found) => found,
            Err(e) => {
                log::warn!("could not check for demo credentials: {e}");
                return DemoCredentials::default();
            }
        };
        if !found.is_empty() {
            let emails: Vec<&str> = found.iter().map(|(e, _)| e.as_str()).collect();
            log::warn!(
                "DEMO CREDENTIALS IN USE: {n} user(s) log in with a password published in the README \
                 ({emails}).\nAnyone can log in as them. Never expose this server: change those passwords or \
                 deactivate the users (PUT /api/v1/users/{{id}}), or start from an empty database with --no-demo.\n{bar}",
                bar = "!".repeat(78),
                n = found.len(),
                emails = emails.join(", "),
            );
        }
        DemoCredentials(found.into_iter().map(|(_, hash)| hash).collect())
    }
}

/// A URL carrying a percent-encoded control character (`%00` ... `%1F`) is refused before
/// any handler runs: no path segment or filter needs one, PostgreSQL text cannot hold NUL, and
/// the reports could not print the rest. In the path it names nothing (404), in the query it is
/// unreadable (400). Raw control bytes never get this far (the HTTP parser refuses them).
async fn refuse_control_characters(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let control = |s: &str| {
        s.as_bytes().windows(3).any(|w| w[0] == b'%' && matches!(w[1], b'0' | b'1') && w[2].is_ascii_hexdigit())
    };
    let uri = req.uri();
    let refused = if control(uri.path()) {
        Some(AppError::NotFound("the resource".into()))
    } else if uri.query().is_some_and(control) {
        Some(AppError::BadRequest("the query string contains a control character (%00-%1F)".into()))
    } else {
        None
    };
    match refused {
        Some(e) => Ok(req.into_response(e.error_response()).map_into_right_body()),
        None => next.call(req).await.map(ServiceResponse::map_into_left_body),
    }
}
