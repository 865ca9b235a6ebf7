//! What a handler answers, as the API docs state it. A route line reads the
//! schema of a success's `data` from its handler's return type, so the type
//! is named once and the docs cannot drift from the handler.

use super::*;

/// A success's data whose JSON schema the API docs state.
pub trait Shaped {
    /// `None` where the answer has no fixed shape (a stream, a hand-made
    /// response, an untyped value); the route line then says it.
    const SCHEMA: Option<SchemaFn>;
}

/// Declares types deriving `utoipa::ToSchema` as a success's data.
#[macro_export]
macro_rules! shaped {
    ($($data:ty),* $(,)?) => {
        $(impl $crate::endpoint::Shaped for $data {
            const SCHEMA: Option<$crate::endpoint::SchemaFn> =
                Some($crate::endpoint::schema_of::<Self>);
        })*
    };
}

/// Always `null`.
impl Shaped for () {
    const SCHEMA: Option<SchemaFn> = Some(null_schema);
}

impl Shaped for i64 {
    const SCHEMA: Option<SchemaFn> = Some(schema_of::<i64>);
}

impl Shaped for String {
    const SCHEMA: Option<SchemaFn> = Some(schema_of::<String>);
}

/// `None` is the domain's "nothing" answer, which its renderer writes.
impl<T: Shaped> Shaped for Option<T> {
    const SCHEMA: Option<SchemaFn> = T::SCHEMA;
}

impl<T: Shaped> Shaped for Vec<T> {
    const SCHEMA: Option<SchemaFn> = Some(list_of::<T>);
}

/// An answer and the session cookie it sets.
impl<T: Shaped> Shaped for (T, String) {
    const SCHEMA: Option<SchemaFn> = T::SCHEMA;
}

impl Shaped for serde_json::Value {
    const SCHEMA: Option<SchemaFn> = None;
}

impl Shaped for Response {
    const SCHEMA: Option<SchemaFn> = None;
}

fn list_of<T: Shaped>(components: &mut Components) -> serde_json::Value {
    match T::SCHEMA {
        Some(items) => serde_json::json!({"type": "array", "items": items(components)}),
        None => serde_json::json!({"type": "array"}),
    }
}

/// A handler's whole outcome: the shape of its success.
pub trait Answer {
    const OUTPUT: Option<SchemaFn>;
}

impl<T: Shaped, E> Answer for Result<T, E> {
    const OUTPUT: Option<SchemaFn> = T::SCHEMA;
}
