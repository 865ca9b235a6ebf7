//! Typed input (`Form::decode`): a form's fields read into an endpoint's
//! input struct as leniently as the field accessors (`Form::int`,
//! `Form::text`, `Form::cents`) read them one by one. An input is the
//! `Content-Type` line, then the body.

use futures_util::FutureExt;
use onebox::body::{self, Attachment, Cents, DecodeError, Flag, Form, Limits, Patch, Sent, Text};
use serde::Deserialize;
use serde_json::Value;

use super::Input;

/// A struct of one field named `$field`, read as `$ty`.
macro_rules! one {
    ($name:ident, $field:ident, $ty:ty) => {
        #[derive(Debug, Deserialize)]
        struct $name {
            #[serde(default)]
            $field: $ty,
        }
    };
}

one!(Id, id, Option<i64>);
one!(Count, count, Option<u32>);
one!(Price, price, Option<Cents>);
one!(Name, name, Option<String>);
one!(Title, title, Option<Text>);
one!(Note, note, Patch);
one!(Agree, agree, Flag);
one!(Ids, ids, Vec<i64>);
one!(Score, score, Option<f64>);
one!(Picture, picture, Option<Attachment>);

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Required {
    id: i64,
    title: Text,
    price: Cents,
}

fn form_of(data: &[u8]) -> Option<Form> {
    let mut input = Input::new(data);
    let content_type = std::str::from_utf8(input.line()).ok()?;
    let raw = bytes::Bytes::copy_from_slice(input.rest());
    let stream = futures_util::stream::iter([Ok::<_, std::io::Error>(raw)]);
    let sent = Sent {
        content_type,
        length: None,
    };
    body::read("", sent, stream, Limits::default())
        .now_or_never()
        .expect("a body in memory is read without waiting")
        .ok()
}

/// A refusal names the field it is about.
fn names_its_field(error: &DecodeError, field: &str) {
    let message = error.to_string();
    assert!(
        message.contains(field),
        "the refusal {message:?} does not name {field:?}"
    );
}

/// A value the accessors read as absent but a typed number refuses: a
/// blank one (missing), or a file part (not a value).
fn is_blank_or_file(form: &Form, field: &str) -> bool {
    matches!(form.get(field), Some(Value::String(s)) if s.trim().is_empty())
        || form.files().iter().any(|f| f.field == field)
}

/// - a typed field reads what the accessor of its kind reads (a blank
///   number aside: absent to `Form::int`, a missing value to a typed
///   field);
/// - a field read as present was sent;
/// - every refusal names its field.
pub fn decode(data: &[u8]) {
    let Some(form) = form_of(data) else {
        return;
    };
    match form.decode::<Id>() {
        Ok(Id { id }) => assert_eq!(form.int("id").ok(), Some(id), "id"),
        Err(e) => {
            names_its_field(&e, "id");
            assert!(
                form.int("id").is_err() || is_blank_or_file(&form, "id"),
                "typed id refused what Form::int read: {e}"
            );
        }
    }
    match form.decode::<Count>() {
        Ok(Count { count }) => {
            assert_eq!(form.int("count").ok(), Some(count.map(i64::from)), "count")
        }
        Err(e) => names_its_field(&e, "count"),
    }
    match form.decode::<Price>() {
        Ok(Price { price }) => {
            let cents = price.map(|c| c.0);
            assert_eq!(form.cents("price").ok(), Some(cents), "price");
            assert!(cents.is_none_or(|c| c >= 0), "a negative amount");
        }
        Err(e) => {
            names_its_field(&e, "price");
            assert!(
                form.cents("price").is_err() || is_blank_or_file(&form, "price"),
                "typed price refused what Form::cents read: {e}"
            );
        }
    }
    match form.decode::<Name>() {
        Ok(Name { name }) => assert_eq!(form.text("name").ok(), Some(name), "name"),
        Err(e) => {
            names_its_field(&e, "name");
            assert!(
                form.text("name").is_err() || is_blank_or_file(&form, "name"),
                "typed name refused: {e}"
            );
        }
    }
    match form.decode::<Title>() {
        Ok(Title {
            title: Some(Text(title)),
        }) => {
            let sent = form.text("title").ok().flatten().expect("a title was sent");
            assert_eq!(title, sent.trim(), "a title is the text sent, trimmed");
            assert!(!title.is_empty(), "a required text is never blank");
        }
        Ok(Title { title: None }) => assert!(
            form.text("title").is_ok_and(|t| t.is_none()),
            "a title sent was dropped"
        ),
        Err(e) => names_its_field(&e, "title"),
    }
    match form.decode::<Note>() {
        Ok(Note {
            note: Patch(Some(text)),
        }) => {
            let sent = match form.get("note") {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                other => panic!("a note read from {other:?}"),
            };
            assert_eq!(text, sent, "a patch is the text as sent");
        }
        Ok(Note { note: Patch(None) }) => assert!(
            matches!(form.get("note"), None | Some(Value::Null)),
            "a note sent was dropped"
        ),
        Err(e) => names_its_field(&e, "note"),
    }
    match form.decode::<Agree>() {
        Ok(Agree { agree: Flag(true) }) => assert!(form.get("agree").is_some(), "yes from nothing"),
        Ok(_) => {}
        Err(e) => names_its_field(&e, "agree"),
    }
    match form.decode::<Ids>() {
        Ok(Ids { ids }) => {
            let sent = match form.get("ids") {
                None => 0,
                Some(Value::Array(items)) => items.len(),
                Some(_) => 1,
            };
            assert_eq!(ids.len(), sent, "one id per value sent");
        }
        Err(e) => names_its_field(&e, "ids"),
    }
    match form.decode::<Score>() {
        Ok(Score { score: Some(_) }) => {
            assert!(form.get("score").is_some(), "a score from nothing")
        }
        Ok(_) => {}
        Err(e) => names_its_field(&e, "score"),
    }
    match form.decode::<Picture>() {
        Ok(Picture {
            picture: Some(Attachment::File(bytes)),
        }) => assert!(
            form.files()
                .iter()
                .any(|f| f.field == "picture" && f.bytes == bytes),
            "a file that was not uploaded"
        ),
        Ok(_) => {}
        Err(e) => names_its_field(&e, "picture"),
    }
    if let Err(DecodeError::Missing(name)) = form.decode::<Required>() {
        assert!(
            ["id", "title", "price"].contains(&name.as_str()),
            "missing {name:?}, which the input does not have"
        );
    }
}
