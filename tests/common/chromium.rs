//! Headless Chromium driven over the DevTools protocol: enough to open a
//! page and run a script in it. Tests that need it skip, saying so, where
//! no `chromium` is installed.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

/// The Chromium executable: `$CHROMIUM`, else `chromium` or
/// `chromium-browser` on the PATH.
pub fn find() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// A running headless browser and one DevTools connection to it.
pub struct Browser {
    child: Child,
    socket: WebSocket<MaybeTlsStream<TcpStream>>,
    next_id: u64,
    _profile: tempfile::TempDir,
}

/// An open tab.
pub struct Tab {
    session: String,
}

impl Browser {
    pub fn launch(executable: &PathBuf) -> Browser {
        let profile = tempfile::tempdir().expect("profile dir");
        let mut child = Command::new(executable)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chromium starts");
        // Chromium names its DevTools address on standard error.
        let stderr = child.stderr.take().expect("stderr piped");
        let (found, address) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("DevTools listening on ") {
                    let _ = found.send(url.trim().to_string());
                }
            }
        });
        let url = address
            .recv_timeout(Duration::from_secs(60))
            .expect("chromium printed its DevTools address");
        let (socket, _) = tungstenite::connect(url.as_str()).expect("DevTools connection");
        if let MaybeTlsStream::Plain(stream) = socket.get_ref() {
            stream
                .set_read_timeout(Some(Duration::from_secs(60)))
                .expect("read timeout");
        }
        Browser {
            child,
            socket,
            next_id: 0,
            _profile: profile,
        }
    }

    /// Sends one command (to a tab when `session` is given) and waits for
    /// its answer, skipping the events in between.
    fn command(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        match self.try_command(session, method, params) {
            Ok(result) => result,
            Err(answer) => panic!("{method}: {answer}"),
        }
    }

    /// [`command`](Self::command), with DevTools' error answer as `Err`.
    fn try_command(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<Value, Value> {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        self.socket
            .send(Message::text(message.to_string()))
            .expect("command sent");
        loop {
            let frame = self.socket.read().expect("DevTools answer");
            let Message::Text(text) = frame else { continue };
            let answer: Value = serde_json::from_str(text.as_str()).expect("DevTools JSON");
            if answer["id"] == id {
                if answer.get("error").is_some() {
                    return Err(answer);
                }
                return Ok(answer["result"].clone());
            }
        }
    }

    /// Opens `url` in a new tab and waits until it has loaded.
    pub fn open(&mut self, url: &str) -> Tab {
        let target = self.command(None, "Target.createTarget", json!({"url": url}));
        let attached = self.command(
            None,
            "Target.attachToTarget",
            json!({"targetId": target["targetId"], "flatten": true}),
        );
        let tab = Tab {
            session: attached["sessionId"]
                .as_str()
                .expect("session id")
                .to_string(),
        };
        // The tab starts on about:blank, which is complete at once.
        let page = url.split('?').next().unwrap_or(url);
        let loaded = format!(
            "document.readyState === 'complete' && location.href.startsWith({})",
            json!(page)
        );
        self.wait_for(&tab, &loaded, Duration::from_secs(30));
        tab
    }

    /// Waits until `expression` is true in the tab; fails the test when it
    /// is not within `limit`.
    pub fn wait_for(&mut self, tab: &Tab, expression: &str, limit: Duration) {
        let deadline = Instant::now() + limit;
        loop {
            // A page that is still navigating (its old document gone, the
            // new one not there yet) answers with an error: not true yet.
            let answer = self.try_command(
                Some(&tab.session),
                "Runtime.evaluate",
                json!({"expression": expression, "awaitPromise": true, "returnByValue": true}),
            );
            if answer.is_ok_and(|result| result["result"]["value"] == json!(true)) {
                return;
            }
            assert!(Instant::now() < deadline, "never true: {expression}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Runs `expression` in the tab, awaiting a promise, and returns its
    /// value. A thrown exception fails the test.
    pub fn evaluate(&mut self, tab: &Tab, expression: &str) -> Value {
        let result = self.command(
            Some(&tab.session),
            "Runtime.evaluate",
            json!({"expression": expression, "awaitPromise": true, "returnByValue": true}),
        );
        assert!(
            result.get("exceptionDetails").is_none(),
            "{expression} threw: {result}"
        );
        result["result"]["value"].clone()
    }
}

impl Browser {
    /// A PNG of what the tab shows, base64-encoded, for a person to look
    /// at while writing a test.
    #[allow(dead_code)]
    pub fn screenshot_base64(&mut self, tab: &Tab) -> String {
        let shot = self.command(
            Some(&tab.session),
            "Page.captureScreenshot",
            json!({"format": "png"}),
        );
        shot["data"].as_str().expect("image data").to_string()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
