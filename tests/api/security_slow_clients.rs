//! Threat model: slow clients (slowloris). A client that trickles its headers or its body
//! holds a connection; hundreds of them must not stop the server from answering others, and
//! each is cut off after the client timeout (`--client-timeout`) with a 408.

use crate::helpers::{Backend, TestApp};
use rbm::startup::ServerOptions;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const TIMEOUT: Duration = Duration::from_secs(2);

/// Opens a connection that sends all its headers and the first bytes of a body it announces
/// as much longer, then stalls.
async fn slow_body(addr: &str, token: &str) -> TcpStream {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "POST /api/v1/projects HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"code\": "
    );
    s.write_all(head.as_bytes()).await.expect("send");
    s
}

/// Opens a connection that sends half of its request line and headers, then stalls.
async fn slow_headers(addr: &str) -> TcpStream {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    s.write_all(format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nX-Slow: ").as_bytes()).await.expect("send");
    s
}

/// What the server sends before it closes the connection (it must close it by `within`).
async fn answer(mut s: TcpStream, within: Duration) -> String {
    let mut out = vec![];
    tokio::time::timeout(within, s.read_to_end(&mut out)).await.expect("the server closes a stalled connection").ok();
    String::from_utf8_lossy(&out).into_owned()
}

async fn slow_clients_cannot_stop_the_server(backend: Backend) {
    let options = ServerOptions { workers: Some(2), client_timeout: TIMEOUT, ..Default::default() };
    let Some(app) = TestApp::spawn_with_options(backend, options).await else { return };
    let addr = app.address.trim_start_matches("http://").to_string();

    let mut bodies = vec![];
    for _ in 0..300 {
        bodies.push(slow_body(&addr, &app.admin_token).await);
    }
    let headers = slow_headers(&addr).await;

    // With 300 stalled bodies open, others are still served, and at once.
    let started = Instant::now();
    let (status, health) = app.get("/healthz").await;
    assert_eq!(status, 200, "{health}");
    assert!(started.elapsed() < TIMEOUT, "healthz took {:?} behind 300 slow clients", started.elapsed());
    let (status, _) = app.get("/api/v1/projects").await;
    assert_eq!(status, 200);

    // Each stalled client is cut off after the timeout: the body with a problem+json 408, the
    // headers with a 408 too.
    let body_answer = answer(bodies.pop().unwrap(), TIMEOUT * 3).await;
    assert!(body_answer.starts_with("HTTP/1.1 408"), "{body_answer}");
    assert!(
        body_answer.contains("application/problem+json") && body_answer.contains("request-timeout"),
        "{body_answer}"
    );
    let header_answer = answer(headers, TIMEOUT * 3).await;
    assert!(header_answer.is_empty() || header_answer.starts_with("HTTP/1.1 408"), "{header_answer}");
    for s in bodies {
        assert!(answer(s, TIMEOUT).await.starts_with("HTTP/1.1 408"));
    }
    assert_eq!(app.get("/healthz").await.0, 200);
}

crate::on_both_backends!(slow_clients_cannot_stop_the_server);
