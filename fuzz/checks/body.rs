//! The request input parser (`onebox::body::read`): a query string merged
//! with a JSON, URL-encoded, plain or multipart body arriving in chunks.
//! An input is a chunk-size byte, a byte choosing the `Content-Length`
//! (none, true, half), the `Content-Type` line, the query line, then the
//! body: the layout `scripts/fuzz-seeds` writes the tests' requests in.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use futures_util::{FutureExt, StreamExt};
use onebox::body::{self, BodyError, Form, Limits, Sent};

use super::Input;

/// Small limits, so that inputs of a few kilobytes cross them.
const LIMITS: Limits = Limits {
    form: 2048,
    upload: 4096,
    time: std::time::Duration::from_secs(60),
};

struct Read {
    result: Result<Form, BodyError>,
    /// How many body bytes the parser pulled from the connection.
    pulled: usize,
}

fn read(query: &str, sent: Sent, body: &[u8], chunk: usize) -> Read {
    let pulled = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&pulled);
    let chunks: Vec<Bytes> = body.chunks(chunk).map(Bytes::copy_from_slice).collect();
    let stream = futures_util::stream::iter(chunks).map(move |chunk| {
        counter.fetch_add(chunk.len(), Ordering::SeqCst);
        Ok::<_, std::io::Error>(chunk)
    });
    let result = body::read(query, sent, stream, LIMITS)
        .now_or_never()
        .expect("a body already in memory is read without waiting");
    Read {
        result,
        pulled: pulled.load(Ordering::SeqCst),
    }
}

/// The field names a URL-encoded text carries, bracketed or not.
fn urlencoded_names(raw: &[u8], into: &mut BTreeSet<String>) {
    if let Ok(pairs) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(raw) {
        for (name, _) in pairs {
            if let Some((base, _)) = name.split_once('[') {
                into.insert(base.to_string());
            }
            into.insert(name);
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// - never pulls more than a chunk or two past its limit (a body over the
///   limit is refused, never buffered whole), and never answers a
///   URL-encoded or JSON body longer than the limit;
/// - reads the same whatever the chunking;
/// - merges as documented: every field is the body's, else the query's;
/// - holds no field the bytes did not carry, and no file or text part
///   that is not in the body as sent.
pub fn body(data: &[u8]) {
    let mut input = Input::new(data);
    let chunk = 1 + usize::from(input.byte()) % 512;
    let declared = input.byte() % 3;
    let (Ok(content_type), Ok(query)) = (
        std::str::from_utf8(input.line()),
        std::str::from_utf8(input.line()),
    ) else {
        return;
    };
    let raw = input.rest();
    let sent = Sent {
        content_type,
        length: match declared {
            0 => None,
            1 => Some(raw.len()),
            _ => Some(raw.len() / 2),
        },
    };
    let multipart = content_type
        .to_ascii_lowercase()
        .starts_with("multipart/form-data");
    let limit = if multipart {
        LIMITS.upload
    } else {
        LIMITS.form
    };

    let whole = read(query, sent, raw, chunk);
    assert!(
        whole.pulled <= limit + 2 * chunk,
        "pulled {} bytes past a limit of {limit}",
        whole.pulled
    );
    let at_once = read(query, sent, raw, raw.len().max(1));
    assert_eq!(
        format!("{:?}", whole.result),
        format!("{:?}", at_once.result),
        "the chunking changed what was read"
    );
    let Ok(form) = whole.result else {
        return;
    };
    if !multipart {
        assert!(raw.len() <= LIMITS.form, "a body over the limit was read");
    }

    let from_query = read(query, Sent::default(), b"", chunk)
        .result
        .expect("the query parses alone when it parsed with the body");
    let from_body = read("", sent, raw, chunk)
        .result
        .expect("the body parses alone when it parsed with the query");
    let names: BTreeSet<&str> = form.names().collect();
    let expected: BTreeSet<&str> = from_body.names().chain(from_query.names()).collect();
    assert_eq!(names, expected, "merged names");
    for name in &names {
        let want = from_body.get(name).or_else(|| from_query.get(name));
        assert_eq!(
            form.get(name),
            want,
            "field {name:?}: the body's, else the query's"
        );
    }

    let mut carried = BTreeSet::new();
    urlencoded_names(query.as_bytes(), &mut carried);
    urlencoded_names(raw, &mut carried);
    if let Ok(object) = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(raw) {
        carried.extend(object.keys().cloned());
        if !multipart && !content_type.to_ascii_lowercase().contains("urlencoded") {
            let read: BTreeSet<&str> = from_body.names().collect();
            let sent: BTreeSet<&str> = object.keys().map(String::as_str).collect();
            assert_eq!(read, sent, "a JSON object's fields");
            for (name, value) in &object {
                assert_eq!(from_body.get(name), Some(value), "JSON field {name:?}");
            }
        }
    }
    for name in from_query.names() {
        assert!(
            carried.contains(name),
            "query field {name:?} not in the query"
        );
    }
    for name in from_body.names() {
        // A part's name is a quoted string in its header, where `\"`
        // stands for a quote.
        let quoted = name.replace('"', "\\\"");
        let in_bytes =
            multipart && (contains(raw, name.as_bytes()) || contains(raw, quoted.as_bytes()));
        assert!(
            carried.contains(name) || in_bytes,
            "field {name:?} not carried by the body"
        );
    }
    if multipart {
        let mut total = 0;
        for file in form.files() {
            assert!(contains(raw, &file.bytes), "a file part not in the body");
            total += file.bytes.len();
        }
        for name in from_body.names() {
            let texts = match from_body.get(name) {
                Some(serde_json::Value::Array(items)) => items.clone(),
                Some(one) => vec![one.clone()],
                None => Vec::new(),
            };
            for text in texts {
                let text = text.as_str().expect("a multipart field is text");
                assert!(
                    contains(raw, text.as_bytes()),
                    "text of {name:?} not in the body"
                );
                total += text.len();
            }
        }
        assert!(
            total <= LIMITS.upload,
            "{total} bytes of parts past the limit"
        );
    } else {
        assert!(
            form.files().is_empty(),
            "files from a body that is not multipart"
        );
    }
}
