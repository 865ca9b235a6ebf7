//! The value types an input struct may use for what the seeds' clients
//! send loosely: money in yuan, checkboxes, file parts, required text, and
//! text an update may clear. Each reads through the form's deserializer
//! ([`super::decode`]), which names the field in any refusal.

use serde::de::{self, Visitor};

/// A money amount in yuan with at most two decimals (`"4.50"`, `4.5`), as
/// cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cents(pub i64);

impl<'de> de::Deserialize<'de> for Cents {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Amount;
        impl Visitor<'_> for Amount {
            type Value = Cents;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an amount with at most two decimals")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Cents, E> {
                crate::body::parse_cents(text.trim())
                    .map(Cents)
                    .ok_or_else(|| E::custom("an amount with at most two decimals"))
            }
        }
        deserializer.deserialize_str(Amount)
    }
}

/// `true`, `"true"`, `1`, `"1"`, `"on"` and `"yes"` are yes; anything else,
/// or nothing, is no (a checkbox, a query flag).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flag(pub bool);

impl<'de> de::Deserialize<'de> for Flag {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Yes;
        impl<'v> Visitor<'v> for Yes {
            type Value = Flag;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("yes or no")
            }
            fn visit_bool<E: de::Error>(self, b: bool) -> Result<Flag, E> {
                Ok(Flag(b))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Flag, E> {
                Ok(Flag(n == 1))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Flag, E> {
                Ok(Flag(n == 1))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Flag, E> {
                Ok(Flag(false))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Flag, E> {
                Ok(Flag(matches!(text.trim(), "true" | "1" | "on" | "yes")))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Flag, E> {
                Ok(Flag(false))
            }
            fn visit_seq<A: de::SeqAccess<'v>>(self, _: A) -> Result<Flag, A::Error> {
                Ok(Flag(false))
            }
        }
        deserializer.deserialize_any(Yes)
    }
}

/// A field that may be an uploaded file or a text (a link to a file
/// already uploaded, say). Its schema is a binary string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attachment {
    File(bytes::Bytes),
    Text(String),
}

impl<'de> de::Deserialize<'de> for Attachment {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Part;
        impl Visitor<'_> for Part {
            type Value = Attachment;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a file")
            }
            fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<Attachment, E> {
                Ok(Attachment::File(bytes::Bytes::copy_from_slice(bytes)))
            }
            fn visit_byte_buf<E: de::Error>(self, bytes: Vec<u8>) -> Result<Attachment, E> {
                Ok(Attachment::File(bytes.into()))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Attachment, E> {
                Ok(Attachment::Text(text.to_string()))
            }
            fn visit_string<E: de::Error>(self, text: String) -> Result<Attachment, E> {
                Ok(Attachment::Text(text))
            }
        }
        deserializer.deserialize_bytes(Part)
    }
}

/// A required text, trimmed; a blank one counts as not sent, so it is
/// [`DecodeError::Missing`](super::DecodeError::Missing) like an absent one. Document it with
/// `#[schema(value_type = String)]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(pub String);

impl<'de> de::Deserialize<'de> for Text {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Trimmed;
        impl Visitor<'_> for Trimmed {
            type Value = Text;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Text, E> {
                match text.trim() {
                    // Named after its field by the form's deserializer.
                    "" => Err(E::missing_field("")),
                    trimmed => Ok(Text(trimmed.to_string())),
                }
            }
        }
        deserializer.deserialize_str(Trimmed)
    }
}

/// A text field of a partial update: `None` when not sent (or `null`),
/// else the text as sent, `""` included (which clears the field). Read it
/// with `#[serde(default)]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Patch(pub Option<String>);

impl<'de> de::Deserialize<'de> for Patch {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Text;
        impl Visitor<'_> for Text {
            type Value = Patch;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Patch, E> {
                Ok(Patch(Some(text.to_string())))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Patch, E> {
                Ok(Patch(Some(n.to_string())))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Patch, E> {
                Ok(Patch(Some(n.to_string())))
            }
            /// Written as JSON writes it (`5.5e31`, not 32 digits), as a
            /// text field reads a number.
            fn visit_f64<E: de::Error>(self, n: f64) -> Result<Patch, E> {
                let text = serde_json::Number::from_f64(n)
                    .map_or_else(|| n.to_string(), |n| n.to_string());
                Ok(Patch(Some(text)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Patch, E> {
                Ok(Patch(None))
            }
        }
        deserializer.deserialize_any(Text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::{DecodeError, Form, Upload};
    use serde::Deserialize;

    fn form(json: &str) -> Form {
        Form::from_json(json).unwrap()
    }

    #[derive(Debug, Deserialize)]
    struct Checkbox {
        #[serde(default)]
        on: Flag,
    }

    #[test]
    fn flags_are_lenient_yes_or_no() {
        for (value, yes) in [
            ("true", true),
            ("1", true),
            (r#""on""#, true),
            (r#"" yes ""#, true),
            (r#""1""#, true),
            ("false", false),
            ("0", false),
            (r#""off""#, false),
            (r#""""#, false),
            ("null", false),
        ] {
            let body = format!(r#"{{"on": {value}}}"#);
            let checkbox: Checkbox = form(&body).decode().unwrap();
            assert_eq!(checkbox.on, Flag(yes), "{body}");
        }
        let checkbox: Checkbox = form("{}").decode().unwrap();
        assert_eq!(checkbox.on, Flag(false));
    }

    #[derive(Debug, Deserialize)]
    struct Named {
        name: Text,
    }

    #[test]
    fn a_required_text_is_trimmed_and_blank_is_missing() {
        let named: Named = form(r#"{"name": "  张三 "}"#).decode().unwrap();
        assert_eq!(named.name, Text("张三".into()));
        for body in [r#"{"name": "   "}"#, r#"{"name": ""}"#, "{}"] {
            let error = form(body).decode::<Named>().unwrap_err();
            assert!(
                matches!(error, DecodeError::Missing(ref f) if f == "name"),
                "{body}: {error}"
            );
        }
    }

    #[derive(Debug, Deserialize)]
    struct Edit {
        #[serde(default)]
        note: Patch,
    }

    #[test]
    fn a_patch_tells_empty_from_not_sent() {
        let cases = [
            ("{}", None),
            (r#"{"note": null}"#, None),
            (r#"{"note": ""}"#, Some("")),
            (r#"{"note": 12}"#, Some("12")),
            (
                r#"{"note": 15555000000248007984}"#,
                Some("15555000000248007984"),
            ),
            (r#"{"note": "x"}"#, Some("x")),
        ];
        for (body, note) in cases {
            let edit: Edit = form(body).decode().unwrap();
            assert_eq!(edit.note.0.as_deref(), note, "{body}");
        }
        let error = form(r#"{"note": true}"#).decode::<Edit>().unwrap_err();
        assert_eq!(error.to_string(), "note must be a string");
    }

    #[derive(Debug, Deserialize)]
    struct Picture {
        image: Option<Attachment>,
        title: Option<String>,
    }

    #[test]
    fn a_file_part_is_an_attachment_and_only_that() {
        let mut with_file = form(r#"{"title": "x"}"#);
        with_file.files.push(Upload {
            field: "image".into(),
            file_name: Some("a.png".into()),
            bytes: bytes::Bytes::from_static(b"PNG"),
        });
        let picture: Picture = with_file.decode().unwrap();
        assert_eq!(picture.title.as_deref(), Some("x"));
        assert_eq!(
            picture.image,
            Some(Attachment::File(bytes::Bytes::from_static(b"PNG")))
        );
        let linked: Picture = form(r#"{"image": "/files/3"}"#).decode().unwrap();
        assert_eq!(linked.image, Some(Attachment::Text("/files/3".into())));
        let mut misplaced = form("{}");
        misplaced.files.push(Upload {
            field: "title".into(),
            file_name: None,
            bytes: bytes::Bytes::from_static(b"x"),
        });
        let error = misplaced.decode::<Picture>().unwrap_err();
        assert_eq!(error.to_string(), "title must be a value, not a file");
    }
}
