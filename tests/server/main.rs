//! Server-wide behaviour: health, landing page, domain selection, --root,
//! CORS, operator pages, files, --delay and graceful shutdown.

#[path = "../common/mod.rs"]
mod common;

mod api_docs;
mod browsers;
mod limits;
mod mounting;
mod public;

use std::time::{Duration, Instant};

use common::{OPERATOR_TOKEN, spawn_app, spawn_app_with};
use serde_json::json;

/// A folder like a front-end's build, with a secret beside it and a
/// symlink pointing out of it.
fn front_end_folder() -> (tempfile::TempDir, std::path::PathBuf) {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "secret").unwrap();
    let public = outside.path().join("public");
    std::fs::create_dir_all(public.join("static")).unwrap();
    std::fs::write(public.join("index.html"), "<h1>front-end</h1>").unwrap();
    std::fs::write(public.join("static/app.js"), "console.log(1);").unwrap();
    std::fs::create_dir_all(public.join("assets/js")).unwrap();
    std::fs::write(public.join("assets/js/jquery.js"), "var $;").unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), public.join("link.txt")).unwrap();
    (outside, public)
}

async fn raw_get(address: &str, path: &str) -> String {
    let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    let address = address.to_string();
    tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        String::from_utf8_lossy(&answer).into_owned()
    })
    .await
    .unwrap()
}

/// Logs in with a domain's login route and returns the session token.
async fn demo_token(app: &common::TestApp, path: &str, body: serde_json::Value) -> String {
    let (status, answer) = app.post(path, body, None).await;
    assert_eq!(status, 200, "{path}: {answer}");
    [&answer["data"]["token"], &answer["token"]]
        .into_iter()
        .find_map(|v| v.as_str())
        .unwrap_or_else(|| panic!("{path}: no token in {answer}"))
        .to_string()
}

/// Whether an answer is its domain's success envelope.
fn succeeded(path: &str, body: &serde_json::Value) -> bool {
    match path.split('/').nth(1) {
        Some("parking") => body["code"] == 200,
        Some("labs") => body["status"] == 200,
        Some("rental") => body["state"] == 1,
        Some("family") => body["code"] == 200 || body.is_array(),
        Some("shop") => body["success"] == true,
        _ => false,
    }
}

/// A documented path with its parameters filled in from the demo data.
fn demo_path(path: &str) -> String {
    path.replace("{username}", "demo")
        .replace("{status}", "4")
        .replace("{id}", "1")
        .replace("{pid}", "1")
}

/// Sends `bytes` on a new connection and returns what comes back until the
/// server closes it or `within` passes (then `None`).
async fn exchange(addr: &str, bytes: &[u8], within: Duration) -> Option<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    let mut answer = Vec::new();
    match tokio::time::timeout(within, stream.read_to_end(&mut answer)).await {
        Ok(_) => Some(String::from_utf8_lossy(&answer).into_owned()),
        Err(_) => None,
    }
}
