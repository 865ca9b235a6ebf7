//! Typed input: a form's fields deserialized into an endpoint's input
//! struct (`#[derive(Deserialize)]`), as leniently as the field accessors:
//! numbers may come as numeric strings and text as numbers, `null` and
//! `""` count as absent (a blank number too), and an array field may come
//! as one value. A required field that is absent is
//! [`DecodeError::Missing`], so the domain answers with its own message; a
//! value of the wrong type names its field. Uploaded files are fields too,
//! read as an [`Attachment`](super::Attachment).

use std::fmt::Display;

use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use serde_json::Value;

use super::{FieldError, Form};

/// Why a form did not fit an input struct.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("missing {0}")]
    Missing(String),
    #[error(transparent)]
    Field(#[from] FieldError),
    /// A value refused by the type it was read into, not yet named.
    #[error("{0}")]
    Refused(String),
}

impl de::Error for DecodeError {
    fn custom<T: Display>(message: T) -> Self {
        DecodeError::Refused(message.to_string())
    }

    fn missing_field(field: &'static str) -> Self {
        DecodeError::Missing(field.to_string())
    }
}

impl DecodeError {
    /// The domain's error: a field left out answered by `missing` (given
    /// its name), a wrong value by `wrong` where the domain has its own
    /// message for that field, else as the field's error.
    pub fn answer<E: From<FieldError>>(
        self,
        missing: impl FnOnce(&str) -> E,
        wrong: impl FnOnce(&FieldError) -> Option<E>,
    ) -> E {
        match self {
            DecodeError::Missing(name) => missing(&name),
            DecodeError::Field(e) => wrong(&e).unwrap_or_else(|| e.into()),
            DecodeError::Refused(message) => FieldError::new("body", message).into(),
        }
    }

    /// [`DecodeError::answer`] with one message for any field left out
    /// (parking's `need username and order_id`).
    pub fn or_missing<E: From<FieldError>>(self, missing: impl FnOnce() -> E) -> E {
        self.answer(|_| missing(), |_| None)
    }
}

impl Form {
    /// The fields as an endpoint's typed input.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, DecodeError> {
        T::deserialize(Fields(self))
    }
}

struct Fields<'a>(&'a Form);

impl<'de> de::Deserializer<'de> for Fields<'de> {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        let values = self.0.fields.iter().map(|(name, value)| Field {
            name: name.as_str(),
            value,
            file: None,
        });
        let files = self.0.files.iter().map(|file| Field {
            name: file.field.as_str(),
            value: &FILE_PART,
            file: Some(file),
        });
        visitor.visit_map(FieldsAccess {
            fields: Box::new(values.chain(files)),
            value: None,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct FieldsAccess<'a> {
    fields: Box<dyn Iterator<Item = Field<'a>> + 'a>,
    value: Option<Field<'a>>,
}

impl<'de> de::MapAccess<'de> for FieldsAccess<'de> {
    type Error = DecodeError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DecodeError> {
        match self.fields.next() {
            Some(field) => {
                let name = field.name;
                self.value = Some(field);
                seed.deserialize(name.into_deserializer()).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DecodeError> {
        let field = self
            .value
            .take()
            .ok_or_else(|| DecodeError::Refused("a value without its name".into()))?;
        seed.deserialize(field)
    }
}

/// A visitor's refusal, named after the field `name`; serde's "invalid
/// type: …, expected X" reads as "`name` must be X".
fn refused_as(name: &str, error: DecodeError) -> DecodeError {
    match error {
        DecodeError::Missing(unnamed) if unnamed.is_empty() => DecodeError::Missing(name.into()),
        DecodeError::Refused(message) => {
            let expected = match message.split_once(", expected ") {
                Some((_, expected)) if message.starts_with("invalid type") => expected.to_string(),
                _ => message,
            };
            DecodeError::Field(FieldError::new(name, expected))
        }
        other => other,
    }
}

/// One field's value (of the body or query, or a file part), deserialized
/// as the input struct asks.
struct Field<'a> {
    name: &'a str,
    value: &'a Value,
    file: Option<&'a super::Upload>,
}

/// A file part's `value`, never read: every read of a file part goes
/// through [`Field::file`] first.
static FILE_PART: Value = Value::Null;

impl Field<'_> {
    fn wrong(&self, expected: &'static str) -> DecodeError {
        DecodeError::Field(FieldError::new(self.name, expected))
    }

    /// A visitor's refusal (a bad amount, a number out of range), named
    /// after this field.
    fn named(&self) -> impl FnOnce(DecodeError) -> DecodeError + '_ {
        move |e| refused_as(self.name, e)
    }

    fn missing(&self) -> DecodeError {
        DecodeError::Missing(self.name.to_string())
    }

    /// `null` and `""` are absent, as in [`Form::text`]; a file part never
    /// is.
    fn is_absent(&self) -> bool {
        self.file.is_none()
            && (matches!(self.value, Value::Null)
                || matches!(self.value, Value::String(s) if s.is_empty()))
    }

    /// A number may also be blank, as in [`Form::int`].
    fn is_blank_number(&self) -> bool {
        matches!(self.value, Value::Null)
            || matches!(self.value, Value::String(s) if s.trim().is_empty())
    }

    /// A file part where a value of another kind was asked for.
    fn not_a_file(&self) -> Result<(), DecodeError> {
        match self.file {
            Some(_) => Err(self.wrong("a value, not a file")),
            None => Ok(()),
        }
    }

    fn whole(&self) -> Result<i64, DecodeError> {
        let expected = "a whole number";
        self.not_a_file()?;
        match self.value {
            _ if self.is_blank_number() => Err(self.missing()),
            Value::Number(n) => n.as_i64().ok_or_else(|| self.wrong(expected)),
            Value::String(s) => s.trim().parse().map_err(|_| self.wrong(expected)),
            _ => Err(self.wrong(expected)),
        }
    }
}

impl<'de> de::Deserializer<'de> for Field<'de> {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        let name = self.name;
        let named = |e| refused_as(name, e);
        if let Some(file) = self.file {
            return visitor.visit_bytes(&file.bytes).map_err(named);
        }
        match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            // A whole number past i64 stays whole (as u64), never rounded
            // through a float.
            Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
                (Some(i), _, _) => visitor.visit_i64(i),
                (None, Some(u), _) => visitor.visit_u64(u),
                (None, None, Some(f)) => visitor.visit_f64(f),
                _ => Err(self.wrong("a number")),
            },
            Value::String(s) => visitor.visit_str(s),
            Value::Array(_) => self.deserialize_seq(visitor),
            Value::Object(_) => Err(self.wrong("a single value")),
        }
        .map_err(named)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        if self.is_absent() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.not_a_file()?;
        match self.value {
            _ if self.is_absent() => Err(self.missing()),
            Value::String(s) => visitor.visit_str(s).map_err(self.named()),
            Value::Number(n) => visitor.visit_string(n.to_string()).map_err(self.named()),
            _ => Err(self.wrong("a string")),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        let whole = self.whole()?;
        visitor.visit_i64(whole).map_err(self.named())
    }

    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_i64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        let expected = "a number";
        self.not_a_file()?;
        match self.value {
            _ if self.is_blank_number() => Err(self.missing()),
            Value::Number(n) => visitor.visit_f64(n.as_f64().ok_or_else(|| self.wrong(expected))?),
            Value::String(s) => {
                visitor.visit_f64(s.trim().parse().map_err(|_| self.wrong(expected))?)
            }
            _ => Err(self.wrong(expected)),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.not_a_file()?;
        let name = self.name;
        let items: Vec<&Value> = match self.value {
            Value::Array(items) => items.iter().collect(),
            one => vec![one],
        };
        visitor.visit_seq(de::value::SeqDeserializer::new(items.into_iter().map(
            move |value| Field {
                name,
                value,
                file: None,
            },
        )))
    }

    /// A field the input does not name is left alone, whatever it holds.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_unit()
    }

    /// A file part's bytes, or a value's text (an [`Attachment`]).
    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.file {
            Some(file) => visitor.visit_bytes(&file.bytes),
            None => self.deserialize_str(visitor),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i128 u8 u16 u128 f32 char
        unit unit_struct tuple
        tuple_struct map struct enum identifier
    }
}

impl<'de> IntoDeserializer<'de, DecodeError> for Field<'de> {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::Cents;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Input {
        name: String,
        count: i64,
        note: Option<String>,
        tags: Option<Vec<String>>,
        amount: Option<Cents>,
    }

    fn form(json: &str) -> Form {
        match serde_json::from_str(json).unwrap() {
            Value::Object(fields) => Form {
                fields,
                files: Vec::new(),
            },
            _ => panic!("not an object"),
        }
    }

    #[test]
    fn numbers_and_text_come_either_way() {
        let input: Input = form(
            r#"{"name": 510, "count": " 7 ", "amount": "4.5", "tags": "a", "extra": {"a": 1}}"#,
        )
        .decode()
        .unwrap();
        assert_eq!(
            input,
            Input {
                name: "510".into(),
                count: 7,
                note: None,
                tags: Some(vec!["a".into()]),
                amount: Some(Cents(450)),
            }
        );
    }

    #[test]
    fn absent_and_blank_required_fields_are_missing() {
        for body in [
            r#"{"count": 1}"#,
            r#"{"name": "", "count": 1}"#,
            r#"{"name": null, "count": 1}"#,
            r#"{"name": "x", "count": " "}"#,
        ] {
            let error = form(body).decode::<Input>().unwrap_err();
            assert!(matches!(error, DecodeError::Missing(_)), "{body}: {error}");
        }
        for note in [r#""""#, "null"] {
            let body = format!(r#"{{"name": "x", "count": 1, "note": {note}}}"#);
            let input: Input = form(&body).decode().unwrap();
            assert_eq!(input.note, None, "{body}");
        }
    }

    #[test]
    fn a_wrong_value_names_its_field() {
        let cases = [
            (
                r#"{"name": "x", "count": "many"}"#,
                "count must be a whole number",
            ),
            (
                r#"{"name": "x", "count": 1.5}"#,
                "count must be a whole number",
            ),
            (r#"{"name": {"a": 1}, "count": 1}"#, "name must be a string"),
            (
                r#"{"name": "x", "count": 1, "amount": "4.555"}"#,
                "amount must be an amount with at most two decimals",
            ),
        ];
        for (body, message) in cases {
            let error = form(body).decode::<Input>().unwrap_err();
            assert_eq!(error.to_string(), message, "{body}");
        }
    }
}
