//! Parking's route table: one declaration per endpoint (method, path,
//! handler, renderer, API-docs text). Handlers never reject; whatever no route takes is classified
//! by the endpoint table into the envelope's 404 / 405, so nothing under the
//! prefix can fall out as a bare warp rejection.

use warp::Filter;
use warp::filters::BoxedFilter;

use super::{envelope, handlers, handlers::Call};
use warp::http::Method;

use crate::app::SharedApp;
use crate::endpoint::{self, Route};
use crate::web::{PathText, Response};

/// Every endpoint of parking, declared once: its route, its summary and
/// its example (the handler's arguments and answer give the schemas of
/// its input and output, the API document's).
pub fn table() -> Vec<Route<Call>> {
    use crate::endpoint::{link, route};
    use envelope::{reply, reply_object_data as object_data};
    use handlers as h;
    #[rustfmt::skip]
    let table = vec![
        route(Method::POST, "/api/user/login", h::user_login, reply)
            .summary("Log in (username, password); data.token authorizes the user's other requests")
            .example(r#"{"username": "demo", "password": "demo1234"}"#),
        route(Method::POST, "/api/user/logout", h::user_logout, reply)
            .summary("End this token's session (username)"),
        route(Method::POST, "/api/user/new", h::user_new, object_data)
            .summary("Register (username, password, email)")
            .example(r#"{"username": "zhangsan", "password": "password123", "email": "zhangsan@example.com"}"#),
        route(Method::GET, "/api/user/info/{username}", |u: PathText, c| h::user_info(u.0, c), reply)
            .summary("A user's balance (over) and e-mail; token required"),
        route(Method::POST, "/api/user/modification", h::user_modification, object_data)
            .summary("Change password and e-mail (username, password, email); token required"),
        route(Method::GET, "/api/user/order/{username}/{status}", |u: PathText, s: PathText, c| h::user_orders(u.0, s.0, c), reply)
            .summary("A user's orders; status 0 reserved, 1 parking, 2 finished, 3 expired/cancelled, 4 all; token required"),
        route(Method::POST, "/api/user/recharge", h::user_recharge, reply)
            .summary("Add to the balance (username, amount in yuan); token required"),
        route(Method::POST, "/api/order/new", h::order_new, reply)
            .links(const { &[link("POST", "/api/order/start", &[("order_id", "/data/id"), ("username", "/data/user")]), link("POST", "/api/order/end", &[("order_id", "/data/id"), ("username", "/data/user")]), link("POST", "/api/order/cancel", &[("order_id", "/data/id"), ("username", "/data/user")])] })
            .summary("Reserve the lowest free spot (username, parkinglot_id); token required")
            .example(r#"{"username": "demo", "parkinglot_id": 1}"#),
        route(Method::POST, "/api/order/start", h::order_start, reply)
            .summary("Start parking on a reservation (username, order_id); token required"),
        route(Method::POST, "/api/order/end", h::order_end, reply)
            .summary("Leave and pay the price per started hour (username, order_id); token required"),
        route(Method::POST, "/api/order/cancel", h::order_cancel, reply)
            .summary("Cancel a reservation (username, order_id); token required"),
        route(Method::GET, "/api/parkinglot/list", h::lot_list, reply)
            .links(const { &[link("GET", "/api/parkinglot/info/{id}", &[("id", "/data/0/id")]), link("POST", "/api/order/new", &[("parkinglot_id", "/data/0/id")])] })
            .summary("Every lot with capacity, free spots and price per hour"),
        route(Method::GET, "/api/parkinglot/info/{id}", |id: PathText, c| h::lot_info(id.0, c), reply)
            .summary("One lot"),
        route(Method::GET, "/events", h::events, crate::envelope::stream::<envelope::Shape>)
            .summary("Server-sent events for the user (username, token): every lot's free spots, the user's orders")
            .events(&[("lot", "a lot's `id`, `name`, `capacity`, `free` and `price`, after any reservation, cancel, end or expiry in it"),
                      ("order", "one of the user's orders, as `/api/user/order` shows it, after it is reserved, started, ended, cancelled or expires")]),
    ];
    table
}

/// Every request under the prefix, answered in parking's envelope.
pub fn routes(app: SharedApp) -> BoxedFilter<(Response,)> {
    let a = &app;
    endpoint::domain_tree(
        table(),
        call(a),
        crate::envelope::unrouted::<envelope::Shape>,
    )
}

/// The shared input of every endpoint.
fn call(
    app: &SharedApp,
) -> impl Filter<Extract = (Call,), Error = warp::Rejection> + Clone + use<> {
    crate::app::call(app, Some(super::COOKIE), warp::any().map(|| ()))
}
