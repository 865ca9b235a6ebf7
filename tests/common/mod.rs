//! Shared test helpers: the real server on a random port with a temporary
//! database (in-process, or the built binary), and small HTTP helpers.
#![allow(dead_code)] // every test file compiles its own copy and uses a part

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use onebox::cli::ServeArgs;
use onebox::server::Server;
use serde_json::Value;
use tempfile::TempDir;

pub mod chromium;
pub mod family;
pub mod labs;
pub mod parking;
pub mod rental;
pub mod shop;
pub mod smtp;
pub mod sse;

pub const OPERATOR_TOKEN: &str = "test-operator-token";

/// A server started in this process on 127.0.0.1:0.
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub server: Option<Server>,
    pub db_path: PathBuf,
    pub dir: TempDir,
}

/// Starts the server with test defaults (bcrypt cost 4) plus `extra` flags.
pub async fn spawn_app_with(extra: &[&str]) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let db_path = dir.path().join("test.db");
    let mut args: Vec<String> = vec![
        "--db".into(),
        db_path.display().to_string(),
        "--listen".into(),
        "127.0.0.1:0".into(),
        "--bcrypt-cost".into(),
        "4".into(),
        "--admin-token".into(),
        OPERATOR_TOKEN.into(),
        // Request lines would print from the server's own thread, past the
        // test harness's capture.
        "--quiet".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let serve = ServeArgs::from_args(args).expect("valid arguments");
    let server = onebox::server::start(&serve).await.expect("server starts");
    TestApp {
        base: format!("http://{}", server.addr),
        client: reqwest::Client::new(),
        server: Some(server),
        db_path,
        dir,
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn server(&self) -> &Server {
        self.server.as_ref().expect("server running")
    }

    /// GET, returning the HTTP status and the JSON body.
    pub async fn get(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        let mut request = self.client.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        json_of(request.send().await.expect("request sent")).await
    }

    /// POST a JSON body.
    pub async fn post(&self, path: &str, body: Value, token: Option<&str>) -> (u16, Value) {
        let mut request = self.client.post(self.url(path)).json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        json_of(request.send().await.expect("request sent")).await
    }

    /// Any method, with an optional JSON body.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
        token: Option<&str>,
    ) -> (u16, Value) {
        let mut request = self.client.request(method, self.url(path));
        if let Some(body) = body {
            request = request.json(&body);
        }
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        json_of(request.send().await.expect("request sent")).await
    }

    /// A writable connection to the database file, for tests that move
    /// stored times back instead of waiting.
    pub fn db_writer(&self) -> rusqlite::Connection {
        let conn = rusqlite::Connection::open(&self.db_path).expect("database opens");
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .expect("busy timeout");
        conn
    }

    /// POST a URL-encoded form.
    pub async fn post_form(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        token: Option<&str>,
    ) -> (u16, Value) {
        let body = serde_urlencoded::to_string(fields).expect("encodable");
        let mut request = self
            .client
            .post(self.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        json_of(request.send().await.expect("request sent")).await
    }

    /// A read-only look at the database file, to prove what the API says.
    pub fn db(&self) -> rusqlite::Connection {
        rusqlite::Connection::open_with_flags(
            &self.db_path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .expect("database opens")
    }

    pub async fn stop(mut self) {
        if let Some(server) = self.server.take() {
            server.stop().await;
        }
    }
}

/// The mail in the outbox, newest first, as `/_/outbox.json` shows it.
pub async fn outbox(app: &TestApp) -> Vec<Value> {
    let response = app
        .client
        .get(app.url("/_/outbox.json"))
        .bearer_auth(OPERATOR_TOKEN)
        .send()
        .await
        .expect("request sent");
    let (status, body) = json_of(response).await;
    assert_eq!(status, 200, "{body}");
    body.as_array().expect("a JSON array").clone()
}

/// The first six-digit code standing alone in a mail's text.
pub fn code_in(text: &str) -> Option<String> {
    text.split_whitespace()
        .find(|word| word.len() == 6 && word.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_string)
}

/// The cookie an answer sets, checked to be out of scripts' reach
/// (`HttpOnly`) and not sent by other sites' requests (`SameSite=Lax`).
pub fn session_cookie(response: &reqwest::Response) -> String {
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    cookie
}

pub async fn json_of(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.expect("body read");
    let value =
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
    (status, value)
}

/// Asserts that no response text carries a password or a bcrypt hash.
pub fn assert_no_secrets(body: &Value, passwords: &[&str]) {
    let text = body.to_string();
    assert!(!text.contains("password_hash"), "hash field leaked: {text}");
    assert!(
        !text.contains("\"password\""),
        "password field leaked: {text}"
    );
    assert!(
        !text.contains("$2b$") && !text.contains("$2y$"),
        "bcrypt hash leaked: {text}"
    );
    for password in passwords {
        assert!(!text.contains(password), "password leaked: {text}");
    }
}

/// The built `onebox` binary.
pub fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_onebox"))
}

/// Runs `onebox ARGS --db DB`, which must succeed; what it printed.
pub fn command_on(db: &Path, args: &[&str]) -> String {
    let output = binary().args(args).arg("--db").arg(db).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "onebox {args:?}: {stderr}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The real binary serving on a random port.
pub struct RunningBinary {
    pub child: Child,
    pub base: String,
}

/// The address in a started server's first line ("onebox listening on
/// http://ADDR ...").
pub fn listening_address(child: &mut Child) -> String {
    let stdout = child.stdout.take().expect("stdout piped");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("first line");
    line.split("http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string()
}

impl RunningBinary {
    /// Starts `onebox serve` on `db` and waits for its "listening" line.
    pub fn start(db: &Path, extra: &[&str]) -> RunningBinary {
        let mut child = binary()
            .arg("serve")
            .arg("--db")
            .arg(db)
            .args(["--listen", "127.0.0.1:0", "--bcrypt-cost", "4"])
            .args(extra)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("binary starts");
        let addr = listening_address(&mut child);
        RunningBinary {
            child,
            base: format!("http://{addr}"),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// SIGKILL: no chance to flush or close anything.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then wait for a clean exit.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        self.child.wait().expect("exits")
    }
}

impl Drop for RunningBinary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A multipart body framed as Chromium frames `FormData`: a
/// `----WebKitFormBoundary…` boundary with capitals. Returns the
/// content type and the body.
pub fn browser_multipart(fields: &[(&str, &str)], file: (&str, &str, &[u8])) -> (String, Vec<u8>) {
    let boundary = "----WebKitFormBoundaryAbCdEfGh12345678";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    let (name, file_name, bytes) = file;
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: image/png\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
