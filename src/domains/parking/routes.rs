//! Parking's warp filters: one line per endpoint (path, method, handler,
//! renderer). Handlers never reject; whatever no route takes is classified
//! by the endpoint table into the envelope's 404 / 405, so nothing under the
//! prefix can fall out as a bare warp rejection.

use warp::Filter;
use warp::filters::BoxedFilter;

use super::{ENDPOINTS, envelope, handlers, handlers::Call};
use crate::app::{SharedApp, with_app};
use crate::web::{self, PathText, Response};

/// Every request under the prefix, answered in parking's envelope.
pub fn routes(app: SharedApp) -> BoxedFilter<(Response,)> {
    use envelope::{reply, reply_object_data as object_data};
    use handlers as h;
    use warp::{get, path, post};
    use web::{route, route1, route2};
    let a = &app;
    #[rustfmt::skip]
    let routes = vec![
        route(path!("api" / "user" / "login"), post(), call(a), h::user_login, reply),
        route(path!("api" / "user" / "logout"), post(), call(a), h::user_logout, reply),
        route(path!("api" / "user" / "new"), post(), call(a), h::user_new, object_data),
        route1(path!("api" / "user" / "info" / PathText), get(), call(a), |u: PathText, c| h::user_info(u.0, c), reply),
        route(path!("api" / "user" / "modification"), post(), call(a), h::user_modification, object_data),
        route2(path!("api" / "user" / "order" / PathText / PathText), get(), call(a), |u: PathText, s: PathText, c| h::user_orders(u.0, s.0, c), reply),
        route(path!("api" / "user" / "recharge"), post(), call(a), h::user_recharge, reply),
        route(path!("api" / "order" / "new"), post(), call(a), h::order_new, reply),
        route(path!("api" / "order" / "start"), post(), call(a), h::order_start, reply),
        route(path!("api" / "order" / "end"), post(), call(a), h::order_end, reply),
        route(path!("api" / "order" / "cancel"), post(), call(a), h::order_cancel, reply),
        route(path!("api" / "parkinglot" / "list"), get(), call(a), h::lot_list, reply),
        route1(path!("api" / "parkinglot" / "info" / PathText), get(), call(a), |id: PathText, c| h::lot_info(id.0, c), reply),
    ];
    web::domain_tree(ENDPOINTS, routes, envelope::unrouted)
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
