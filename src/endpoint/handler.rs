//! A route line's handler: its path parameters (none, one or two, parsed
//! from their segments), the domain's request, and what it takes from
//! the request (a guard, its typed input), in one generic [`route`].

use super::args::{FromCall, Request, Stage};
use super::*;
use crate::body::BodyError;

/// The path parameters a route's handler takes before its input: none,
/// one (`/shop/{id}/info`) or two, each parsed from its segment; a segment
/// that does not parse is no match.
pub trait PathParams: Sized + Send + 'static {
    const COUNT: usize;
    fn parse(segments: &[&str]) -> Option<Self>;
}

impl PathParams for () {
    const COUNT: usize = 0;
    fn parse(segments: &[&str]) -> Option<Self> {
        segments.is_empty().then_some(())
    }
}

impl<P: FromStr + Send + 'static> PathParams for (P,) {
    const COUNT: usize = 1;
    fn parse(segments: &[&str]) -> Option<Self> {
        let [first] = segments else { return None };
        Some((first.parse().ok()?,))
    }
}

impl<P: FromStr + Send + 'static, Q: FromStr + Send + 'static> PathParams for (P, Q) {
    const COUNT: usize = 2;
    fn parse(segments: &[&str]) -> Option<Self> {
        let [first, second] = segments else {
            return None;
        };
        Some((first.parse().ok()?, second.parse().ok()?))
    }
}

/// A handler: its path parameters, then the domain's request `C`, then
/// what it takes from the request (`Args`). `Args` is `()` for a handler
/// that reads the request itself, `(A,)` or `(A, B)` for one that takes a
/// guard and/or its typed input ([`FromCall`]).
pub trait Handler<Params, Args, C>: Clone + Send + Sync + 'static {
    type Output: Answer;
    /// The schema of the typed input the handler takes, if it takes one.
    const INPUT: Option<SchemaFn>;
    fn call(&self, params: Params, request: C) -> impl Future<Output = Self::Output> + Send;
}

/// One `impl Handler` per count of path parameters, for a handler that
/// reads the request itself.
macro_rules! reads_the_request {
    ($($param:ident),*) => {
        impl<$($param,)* C, H, Fut> Handler<($($param,)*), (), C> for H
        where
            H: Fn($($param,)* C) -> Fut + Clone + Send + Sync + 'static,
            Fut: Future + Send + 'static,
            Fut::Output: Answer,
        {
            type Output = Fut::Output;
            const INPUT: Option<SchemaFn> = None;
            #[allow(non_snake_case)]
            fn call(&self, ($($param,)*): ($($param,)*), request: C) -> impl Future<Output = Fut::Output> + Send {
                self($($param,)* request)
            }
        }
    };
}

reads_the_request!();
reads_the_request!(P);
reads_the_request!(P, Q);

/// One `impl Handler` per count of path parameters and of arguments taken
/// from the request. The body must be readable before anything is taken;
/// then each argument is taken in order (a guard before the input, which
/// the stages check when the route is compiled).
macro_rules! takes_from_the_request {
    ($($param:ident),* ; $($arg:ident),+) => {
        impl<$($param,)* C, H, Fut, T, E, $($arg,)+> Handler<($($param,)*), ($($arg,)+), C> for H
        where
            $($param: Send + 'static,)*
            C: Request,
            H: Fn($($param,)* C, $($arg,)+) -> Fut + Clone + Send + Sync + 'static,
            Fut: Future<Output = Result<T, E>> + Send + 'static,
            Result<T, E>: Answer,
            E: From<BodyError> + Send,
            T: Send,
            $($arg: FromCall<C, E>,)+
        {
            type Output = Result<T, E>;
            const INPUT: Option<SchemaFn> = input_of(&[$($arg::INPUT,)+]);
            #[allow(non_snake_case)]
            fn call(
                &self,
                ($($param,)*): ($($param,)*),
                request: C,
            ) -> impl Future<Output = Result<T, E>> + Send {
                const { assert!(in_stage_order(&[$($arg::STAGE,)+]), "a guard comes before the input") };
                let handler = self.clone();
                async move {
                    if let Err(unreadable) = request.body() {
                        return Err(E::from(unreadable.clone()));
                    }
                    $(let $arg = $arg::from_call(&request).await?;)+
                    handler($($param,)* request, $($arg,)+).await
                }
            }
        }
    };
}

takes_from_the_request!(; A);
takes_from_the_request!(; A, B);
takes_from_the_request!(P; A);
takes_from_the_request!(P; A, B);
takes_from_the_request!(P, Q; A);
takes_from_the_request!(P, Q; A, B);

/// The one typed input among a handler's arguments.
const fn input_of(inputs: &[Option<SchemaFn>]) -> Option<SchemaFn> {
    let mut i = 0;
    while i < inputs.len() {
        if inputs[i].is_some() {
            return inputs[i];
        }
        i += 1;
    }
    None
}

/// Stages strictly increase: at most one guard, then at most one input.
const fn in_stage_order(stages: &[Stage]) -> bool {
    let mut i = 1;
    while i < stages.len() {
        if stages[i - 1] as u8 >= stages[i] as u8 {
            return false;
        }
        i += 1;
    }
    true
}

/// A route: `handler(path parameters…, request, arguments…)`, rendered by
/// `render`. The pattern's `{…}` segments are the handler's parameters, in
/// order; the handler's arguments give the schema of its input
/// ([`Input`]) and its return type the schema of a success ([`Answer`]).
pub fn route<C, Params, Args, H>(
    method: Method,
    path: &'static str,
    handler: H,
    render: fn(H::Output) -> Response,
) -> Route<C>
where
    C: Send + 'static,
    Params: PathParams,
    H: Handler<Params, Args, C>,
    Args: 'static,
{
    debug_assert_eq!(placeholders(path), Params::COUNT, "{path}");
    let mut route = new_route(
        method,
        path,
        Arc::new(move |segments: &[&str]| {
            let params = Params::parse(segments)?;
            let handler = handler.clone();
            let prepared: Prepared<C> = Box::new(move |request| {
                Box::pin(async move { render(handler.call(params, request).await) })
            });
            Some(prepared)
        }),
    );
    route.endpoint.output = <H::Output as Answer>::OUTPUT;
    route.endpoint.input = H::INPUT;
    route
}
