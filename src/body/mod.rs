//! Request input as every domain receives it: the query string merged with a
//! body sent as JSON, as a URL-encoded form or as multipart/form-data.
//!
//! The filters here never reject: a malformed or oversize body becomes a
//! [`BodyError`] value that the domain answers in its own envelope. Field
//! accessors are lenient the way the seed clients are (`"510"` and `510` are
//! the same number) and name the field when a value has the wrong type.

mod decode;
mod read;
#[cfg(feature = "fuzz-seeds")]
mod seeds;
mod values;

pub use decode::DecodeError;
pub use read::{Sent, input, query, read};
pub use values::{Attachment, Cents, Flag, Patch, Text};

use bytes::Bytes;
use serde_json::{Map, Value};

/// Size limits for request bodies.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// JSON and URL-encoded bodies.
    pub form: usize,
    /// A whole multipart body, files included.
    pub upload: usize,
    /// How long a body may take to arrive (a client trickling one in holds
    /// a connection and a task).
    pub time: std::time::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            form: 1024 * 1024,
            upload: 5 * 1024 * 1024,
            time: std::time::Duration::from_secs(60),
        }
    }
}

/// A file part of a multipart body.
#[derive(Debug, Clone)]
pub struct Upload {
    pub field: String,
    pub file_name: Option<String>,
    pub bytes: Bytes,
}

/// Named input values plus any uploaded files.
#[derive(Debug, Default, Clone)]
pub struct Form {
    fields: Map<String, Value>,
    files: Vec<Upload>,
}

/// Why a body could not be read; each domain renders it in its envelope.
#[derive(Debug, Clone, thiserror::Error)]
pub enum BodyError {
    #[error("request body is larger than the limit of {limit} bytes")]
    TooLarge { limit: usize },
    #[error("malformed JSON body: {0}")]
    Json(String),
    #[error("a JSON body must be an object of named fields")]
    NotAnObject,
    #[error("malformed form body: {0}")]
    Form(String),
    #[error("malformed multipart body: {0}")]
    Multipart(String),
    #[error(
        "unsupported content type {0}; send JSON, application/x-www-form-urlencoded or multipart/form-data"
    )]
    UnsupportedType(String),
    #[error("the request body could not be read")]
    Read,
    #[error("the request body did not arrive within {secs} s")]
    TooSlow { secs: u64 },
}

/// A field present with a value of the wrong type.
#[derive(Debug, thiserror::Error)]
#[error("{field} must be {expected}")]
pub struct FieldError {
    pub field: String,
    pub expected: std::borrow::Cow<'static, str>,
}

impl FieldError {
    fn new(field: &str, expected: impl Into<std::borrow::Cow<'static, str>>) -> Self {
        FieldError {
            field: field.to_string(),
            expected: expected.into(),
        }
    }
}

impl Form {
    /// A form from a JSON object's text (tests and tools).
    pub fn from_json(text: &str) -> Result<Form, BodyError> {
        parse_json(text.as_bytes())
    }

    /// The names of the fields sent, uploads aside.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.fields.keys().map(String::as_str)
    }

    /// The raw value of a field, if sent.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.fields.get(name)
    }

    /// A text field; numbers are taken as their text, `""` as absent.
    pub fn text(&self, name: &str) -> Result<Option<String>, FieldError> {
        match self.fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(_) => Err(FieldError::new(name, "a string")),
        }
    }

    /// A whole number, sent as a JSON number or a numeric string.
    pub fn int(&self, name: &str) -> Result<Option<i64>, FieldError> {
        let expected = "a whole number";
        match self.fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => s
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| FieldError::new(name, expected)),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| FieldError::new(name, expected)),
            Some(_) => Err(FieldError::new(name, expected)),
        }
    }

    /// An amount of money in yuan with at most two decimals, as cents.
    pub fn cents(&self, name: &str) -> Result<Option<i64>, FieldError> {
        let expected = "an amount with at most two decimals";
        let text = match self.fields.get(name) {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => return Ok(None),
            Some(Value::String(s)) => s.trim().to_string(),
            Some(Value::Number(n)) => n.to_string(),
            Some(_) => return Err(FieldError::new(name, expected)),
        };
        parse_cents(&text)
            .map(Some)
            .ok_or_else(|| FieldError::new(name, expected))
    }

    /// Uploaded files, in the order they were sent.
    pub fn files(&self) -> &[Upload] {
        &self.files
    }

    fn insert(&mut self, name: String, value: Value) {
        // `tag[]=a&tag[]=b` (jQuery) and `tag[0]=a&tag[1]=b` (qs) name one
        // array field `tag`, even when only one value is sent.
        if let Some(base) = array_base(&name) {
            let base = base.to_string();
            match self.fields.get_mut(&base) {
                Some(Value::Array(values)) => values.push(value),
                Some(existing) => {
                    let first = existing.take();
                    *existing = Value::Array(vec![first, value]);
                }
                None => {
                    self.fields.insert(base, Value::Array(vec![value]));
                }
            }
            return;
        }
        match self.fields.get_mut(&name) {
            // A repeated name collects its values in order.
            Some(Value::Array(values)) => values.push(value),
            Some(existing) => {
                let first = existing.take();
                *existing = Value::Array(vec![first, value]);
            }
            None => {
                self.fields.insert(name, value);
            }
        }
    }

    /// Fills in fields from `other` that this form does not have.
    fn merge_missing(&mut self, other: Form) {
        for (name, value) in other.fields {
            self.fields.entry(name).or_insert(value);
        }
    }
}

/// `tag` for the form names `tag[]` and `tag[3]`.
fn array_base(name: &str) -> Option<&str> {
    let (base, index) = name.strip_suffix(']')?.rsplit_once('[')?;
    (!base.is_empty() && !base.contains('[') && index.bytes().all(|b| b.is_ascii_digit()))
        .then_some(base)
}

/// Parses `"12"`, `"12.5"`, `"12.34"` (not negative, not more than two
/// decimals, not absurdly large) into cents.
pub fn parse_cents(text: &str) -> Option<i64> {
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, f),
        None => (text, ""),
    };
    if whole.is_empty() || whole.len() > 12 || fraction.len() > 2 {
        return None;
    }
    if !whole.bytes().all(|b| b.is_ascii_digit()) || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let fraction: i64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().ok()? * 10,
        _ => fraction.parse().ok()?,
    };
    whole.checked_mul(100)?.checked_add(fraction)
}

/// Parses a URL-encoded string (a query string or a form body).
fn parse_urlencoded(raw: &[u8]) -> Result<Form, BodyError> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_bytes(raw).map_err(|e| BodyError::Form(e.to_string()))?;
    let mut form = Form::default();
    for (name, value) in pairs {
        form.insert(name, Value::String(value));
    }
    Ok(form)
}

fn parse_json(raw: &[u8]) -> Result<Form, BodyError> {
    match serde_json::from_slice::<Value>(raw) {
        Ok(Value::Object(fields)) => Ok(Form {
            fields,
            files: Vec::new(),
        }),
        Ok(_) => Err(BodyError::NotAnObject),
        Err(e) => Err(BodyError::Json(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> Form {
        parse_json(text.as_bytes()).unwrap()
    }

    #[test]
    fn numbers_come_as_numbers_or_numeric_strings() {
        let form = json(r#"{"a": 5, "b": "7", "c": " 9 ", "d": "x", "e": 1.5, "f": ""}"#);
        assert_eq!(form.int("a").unwrap(), Some(5));
        assert_eq!(form.int("b").unwrap(), Some(7));
        assert_eq!(form.int("c").unwrap(), Some(9));
        assert!(form.int("d").is_err());
        assert!(form.int("e").is_err());
        assert_eq!(form.int("f").unwrap(), None);
        assert_eq!(form.int("missing").unwrap(), None);
    }

    #[test]
    fn text_accepts_numbers_and_refuses_objects() {
        let form = json(r#"{"a": 12, "b": {"x": 1}, "c": "hi", "d": null}"#);
        assert_eq!(form.text("a").unwrap().as_deref(), Some("12"));
        let err = form.text("b").unwrap_err();
        assert_eq!(err.to_string(), "b must be a string");
        assert_eq!(form.text("c").unwrap().as_deref(), Some("hi"));
        assert_eq!(form.text("d").unwrap(), None);
    }

    #[test]
    fn money_is_parsed_exactly_into_cents() {
        assert_eq!(parse_cents("510"), Some(51_000));
        assert_eq!(parse_cents("19.9"), Some(1_990));
        assert_eq!(parse_cents("0.01"), Some(1));
        assert_eq!(parse_cents("1.005"), None);
        assert_eq!(parse_cents("-1"), None);
        assert_eq!(parse_cents("1e3"), None);
        assert_eq!(parse_cents(".5"), None);
        assert_eq!(parse_cents("9999999999999"), None);
        let form = json(r#"{"a": 19.9, "b": "20.50"}"#);
        assert_eq!(form.cents("a").unwrap(), Some(1_990));
        assert_eq!(form.cents("b").unwrap(), Some(2_050));
    }

    #[test]
    fn json_must_be_an_object() {
        assert!(matches!(parse_json(b"[1,2]"), Err(BodyError::NotAnObject)));
        assert!(matches!(parse_json(b"{oops"), Err(BodyError::Json(_))));
    }

    #[test]
    fn bracketed_names_are_arrays_in_every_spelling() {
        let form = parse_urlencoded(b"tag%5B%5D=a&tag%5B%5D=b&one[]=x&idx[0]=p&idx[1]=q&odd[a]=1")
            .unwrap();
        assert_eq!(form.get("tag"), Some(&serde_json::json!(["a", "b"])));
        assert_eq!(form.get("one"), Some(&serde_json::json!(["x"])));
        assert_eq!(form.get("idx"), Some(&serde_json::json!(["p", "q"])));
        assert_eq!(form.get("odd[a]"), Some(&serde_json::json!("1")));
        assert_eq!(array_base("[]"), None);
    }

    #[test]
    fn repeated_form_names_collect_in_order() {
        let form = parse_urlencoded(b"tag=a&tag=b&x=1").unwrap();
        assert_eq!(form.get("tag"), Some(&serde_json::json!(["a", "b"])));
        assert_eq!(form.text("x").unwrap().as_deref(), Some("1"));
    }
}
