//! A server-sent-events reader for the event-stream tests: opens a
//! stream and hands over its events one by one.

use std::time::Duration;

use serde_json::Value;

/// One event as the stream sent it.
#[derive(Debug, Clone)]
pub struct Event {
    pub id: Option<u64>,
    pub event: String,
    pub data: Value,
}

/// An open stream (or the refusal it got instead).
pub struct Stream {
    pub status: u16,
    pub content_type: String,
    response: reqwest::Response,
    buffer: String,
    ended: bool,
}

impl Stream {
    /// Opens `url` with the given headers (`Last-Event-ID`, `Authorization`).
    pub async fn open(client: &reqwest::Client, url: &str, headers: &[(&str, &str)]) -> Stream {
        let mut request = client.get(url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("stream request");
        Stream {
            status: response.status().as_u16(),
            content_type: response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string(),
            response,
            buffer: String::new(),
            ended: false,
        }
    }

    /// Whether it is an event stream (not a refusal).
    pub fn is_stream(&self) -> bool {
        self.status == 200 && self.content_type.starts_with("text/event-stream")
    }

    /// The refusal's JSON body.
    pub async fn refusal(self) -> Value {
        assert!(!self.is_stream(), "expected a refusal, got a stream");
        self.response.json().await.expect("a JSON refusal")
    }

    /// The next event within `limit`, skipping comments; `None` when none
    /// came or the stream ended.
    pub async fn next_within(&mut self, limit: Duration) -> Option<Event> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            if let Some(event) = self.take_event() {
                return Some(event);
            }
            if self.ended {
                return None;
            }
            match tokio::time::timeout_at(deadline, self.response.chunk()).await {
                Err(_) => return None,
                Ok(Ok(Some(chunk))) => self.buffer.push_str(&String::from_utf8_lossy(&chunk)),
                Ok(Ok(None)) | Ok(Err(_)) => self.ended = true,
            }
        }
    }

    /// The next event, which must come within a second.
    pub async fn next(&mut self) -> Event {
        self.next_within(Duration::from_secs(1))
            .await
            .expect("an event within a second")
    }

    /// The next event named `name` within a second, skipping others.
    pub async fn next_named(&mut self, name: &str) -> Event {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(1);
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let event = self
                .next_within(left)
                .await
                .unwrap_or_else(|| panic!("a {name} event within a second"));
            if event.event == name {
                return event;
            }
        }
    }

    /// Events that arrive within `limit`.
    pub async fn drain(&mut self, limit: Duration) -> Vec<Event> {
        let deadline = tokio::time::Instant::now() + limit;
        let mut events = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next_within(left).await {
                Some(event) => events.push(event),
                None => return events,
            }
        }
    }

    /// Whether the server closed the stream within `limit`.
    pub async fn closes_within(&mut self, limit: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        while !self.ended {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                return false;
            }
            self.next_within(left).await;
        }
        true
    }

    fn take_event(&mut self) -> Option<Event> {
        loop {
            let end = self.buffer.find("\n\n")?;
            let block: String = self.buffer.drain(..end + 2).collect();
            let mut event = Event {
                id: None,
                event: "message".into(),
                data: Value::Null,
            };
            let mut data = String::new();
            for line in block.lines() {
                if let Some(id) = line.strip_prefix("id:") {
                    event.id = id.trim().parse().ok();
                } else if let Some(name) = line.strip_prefix("event:") {
                    event.event = name.trim().to_string();
                } else if let Some(text) = line.strip_prefix("data:") {
                    data.push_str(text.trim_start());
                }
            }
            if data.is_empty() {
                // A comment (the heartbeat) only.
                continue;
            }
            event.data = serde_json::from_str(&data).unwrap_or(Value::String(data));
            return Some(event);
        }
    }
}
