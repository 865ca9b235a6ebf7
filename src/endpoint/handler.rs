//! A route line's handler: its path parameters (none, one or two, parsed
//! from their segments) and the domain's input, in one generic [`route`].

use super::*;

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

/// A handler: its path parameters, then the domain's input.
pub trait Handler<Params, C>: Clone + Send + Sync + 'static {
    type Future: Future + Send + 'static;
    fn call(&self, params: Params, input: C) -> Self::Future;
}

impl<C, H, Fut> Handler<(), C> for H
where
    H: Fn(C) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future + Send + 'static,
{
    type Future = Fut;
    fn call(&self, (): (), input: C) -> Fut {
        self(input)
    }
}

impl<P, C, H, Fut> Handler<(P,), C> for H
where
    H: Fn(P, C) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future + Send + 'static,
{
    type Future = Fut;
    fn call(&self, (first,): (P,), input: C) -> Fut {
        self(first, input)
    }
}

impl<P, Q, C, H, Fut> Handler<(P, Q), C> for H
where
    H: Fn(P, Q, C) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future + Send + 'static,
{
    type Future = Fut;
    fn call(&self, (first, second): (P, Q), input: C) -> Fut {
        self(first, second, input)
    }
}

/// A route: `handler(path parameters…, input)`, rendered by `render`. The
/// pattern's `{…}` segments are the handler's parameters, in order; the
/// handler's return type gives the schema of a success ([`Answer`]).
pub fn route<C, Params, H>(
    method: Method,
    path: &'static str,
    handler: H,
    render: fn(<H::Future as Future>::Output) -> Response,
) -> Route<C>
where
    C: Send + 'static,
    Params: PathParams,
    H: Handler<Params, C>,
    <H::Future as Future>::Output: Answer,
{
    debug_assert_eq!(placeholders(path), Params::COUNT, "{path}");
    let mut route = new_route(
        method,
        path,
        Arc::new(move |segments: &[&str]| {
            let params = Params::parse(segments)?;
            let handler = handler.clone();
            let prepared: Prepared<C> = Box::new(move |input| {
                Box::pin(async move { render(handler.call(params, input).await) })
            });
            Some(prepared)
        }),
    );
    route.endpoint.output = <<H::Future as Future>::Output as Answer>::OUTPUT;
    route
}
