//! Parking's route table: one declaration per endpoint (method, path,
//! handler, renderer, API-docs text). Handlers never reject; whatever no route takes is classified
//! by the endpoint table into the envelope's 404 / 405, so nothing under the
//! prefix can fall out as a bare warp rejection.

use warp::Filter;
use warp::filters::BoxedFilter;

use super::{envelope, handlers, handlers::Call};
use warp::http::Method;

use crate::app::{SharedApp, with_app};
use crate::endpoint::{self, Route};
use crate::web::{self, PathText, Response};

/// Every endpoint of parking, declared once: its route, its API-docs text
/// and its example.
pub fn table() -> Vec<Route<Call>> {
    use crate::endpoint::{route, route1, route2};
    use envelope::{reply, reply_object_data as object_data};
    use handlers as h;
    #[rustfmt::skip]
    let table = vec![
        route(Method::POST, "/api/user/login", h::user_login, reply)
            .doc("Log in (username, password); data.token authorizes the user's other requests", "username password")
            .example(r#"{"username": "demo", "password": "demo1234"}"#),
        route(Method::POST, "/api/user/logout", h::user_logout, reply)
            .doc("End this token's session (username)", "username"),
        route(Method::POST, "/api/user/new", h::user_new, object_data)
            .doc("Register (username, password, email)", "username password email")
            .example(r#"{"username": "zhangsan", "password": "password123", "email": "zhangsan@example.com"}"#),
        route1(Method::GET, "/api/user/info/{username}", |u: PathText, c| h::user_info(u.0, c), reply)
            .doc("A user's balance (over) and e-mail; token required", ""),
        route(Method::POST, "/api/user/modification", h::user_modification, object_data)
            .doc("Change password and e-mail (username, password, email); token required", "username password email"),
        route2(Method::GET, "/api/user/order/{username}/{status}", |u: PathText, s: PathText, c| h::user_orders(u.0, s.0, c), reply)
            .doc("A user's orders; status 0 reserved, 1 parking, 2 finished, 3 expired/cancelled, 4 all; token required", ""),
        route(Method::POST, "/api/user/recharge", h::user_recharge, reply)
            .doc("Add to the balance (username, amount in yuan); token required", "username amount:number"),
        route(Method::POST, "/api/order/new", h::order_new, reply)
            .doc("Reserve the lowest free spot (username, parkinglot_id); token required", "username parkinglot_id:int")
            .example(r#"{"username": "demo", "parkinglot_id": 1}"#),
        route(Method::POST, "/api/order/start", h::order_start, reply)
            .doc("Start parking on a reservation (username, order_id); token required", "username order_id:int"),
        route(Method::POST, "/api/order/end", h::order_end, reply)
            .doc("Leave and pay the price per started hour (username, order_id); token required", "username order_id:int"),
        route(Method::POST, "/api/order/cancel", h::order_cancel, reply)
            .doc("Cancel a reservation (username, order_id); token required", "username order_id:int"),
        route(Method::GET, "/api/parkinglot/list", h::lot_list, reply)
            .doc("Every lot with capacity, free spots and price per hour", ""),
        route1(Method::GET, "/api/parkinglot/info/{id}", |id: PathText, c| h::lot_info(id.0, c), reply)
            .doc("One lot", ""),
    ];
    table
}

/// Every request under the prefix, answered in parking's envelope.
pub fn routes(app: SharedApp) -> BoxedFilter<(Response,)> {
    let a = &app;
    endpoint::domain_tree(table(), call(a), envelope::unrouted)
}

/// The shared input of every endpoint.
fn call(
    app: &SharedApp,
) -> impl Filter<Extract = (Call,), Error = warp::Rejection> + Clone + use<> {
    with_app(app.clone())
        .and(crate::body::input(app.settings.limits))
        .and(crate::session::presented(super::COOKIE))
        .and(web::client_ip())
        .map(|app, input, bearer, ip| Call {
            app,
            input,
            bearer,
            ip,
        })
}
