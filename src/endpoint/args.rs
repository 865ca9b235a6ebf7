//! What a handler takes from its request besides the request itself: a
//! guard (the logged-in caller, perhaps in a role) and then its typed
//! input. The route line takes them in that order, after checking that
//! the body could be read, so a body is decoded only once the session has
//! passed: a handler cannot see its input before its caller is known.

use serde::de::DeserializeOwned;

use super::{SchemaFn, schema_of};
use crate::body::{BodyError, DecodeError, Form};

/// A domain's per-request input, as far as the route line reads it.
pub trait Request: Send + Sync + 'static {
    /// The query and body fields, or why the body could not be read.
    fn body(&self) -> Result<&Form, &BodyError>;
}

/// When an argument is taken: every guard before the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Guard = 0,
    Input = 1,
}

/// An argument a handler takes from its request `C`, or the domain's
/// error `E` that answers instead.
pub trait FromCall<C, E>: Sized + Send + 'static {
    const STAGE: Stage = Stage::Guard;
    /// The schema of the typed input this argument is.
    const INPUT: Option<SchemaFn> = None;
    fn from_call(request: &C) -> impl Future<Output = Result<Self, E>> + Send;
}

/// A handler's typed input: the body fields (the query for GET) decoded
/// into `T`, leniently ([`Form::decode`]). Naming it in the handler's
/// signature is what states the route's input schema.
#[derive(Debug)]
pub struct Input<T>(pub T);

/// How a domain answers an input `T` that does not decode (a field left
/// out, a value of the wrong form), in its own words (which may depend on
/// the input: parking names the fields each endpoint needs).
pub trait Refuses<T>: Sized {
    fn refused(error: DecodeError) -> Self;
}

impl<C, E, T> FromCall<C, E> for Input<T>
where
    C: Request,
    E: Refuses<T> + From<BodyError> + Send,
    T: DeserializeOwned + utoipa::ToSchema + Send + 'static,
{
    const STAGE: Stage = Stage::Input;
    const INPUT: Option<SchemaFn> = Some(schema_of::<T>);

    fn from_call(request: &C) -> impl Future<Output = Result<Self, E>> + Send {
        let decoded = match request.body() {
            Ok(form) => form.decode().map(Input).map_err(E::refused),
            Err(unreadable) => Err(E::from(unreadable.clone())),
        };
        std::future::ready(decoded)
    }
}
