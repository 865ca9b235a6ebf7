//! Parking's warp filters: one function per endpoint, its doc line the
//! route. Handlers never reject; whatever no route takes is classified by
//! the endpoint table into the envelope's 404 / 405, so nothing under the
//! prefix can fall out as a bare warp rejection.

use warp::Filter;
use warp::filters::BoxedFilter;

use super::{ENDPOINTS, envelope, handlers, handlers::Call};
use crate::app::{SharedApp, with_app};
use crate::web::{self, PathText, Response};

/// Every request under the prefix, answered in parking's envelope.
pub fn routes(app: SharedApp) -> BoxedFilter<(Response,)> {
    let api = user_login(&app)
        .or(user_logout(&app))
        .unify()
        .or(user_new(&app))
        .unify()
        .or(user_info(&app))
        .unify()
        .or(user_modification(&app))
        .unify()
        .or(user_orders(&app))
        .unify()
        .or(user_recharge(&app))
        .unify()
        .or(order_new(&app))
        .unify()
        .or(order_start(&app))
        .unify()
        .or(order_end(&app))
        .unify()
        .or(order_cancel(&app))
        .unify()
        .or(lot_list(&app))
        .unify()
        .or(lot_info(&app))
        .unify();
    api.or(web::unrouted(ENDPOINTS).map(envelope::unrouted))
        .unify()
        .boxed()
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

/// POST /api/user/login
fn user_login(app: &SharedApp) -> BoxedFilter<(Response,)> {
    warp::path!("api" / "user" / "login")
        .and(warp::post())
        .and(call(app))
        .then(handlers::user_login)
        .map(envelope::reply)
        .boxed()
}

/// POST /api/user/logout
fn user_logout(app: &SharedApp) -> BoxedFilter<(Response,)> {
    warp::path!("api" / "user" / "logout")
        .and(warp::post())
        .and(call(app))
        .then(handlers::user_logout)
        .map(envelope::reply)
        .boxed()
}

/// POST /api/user/new
fn user_new(app: &SharedApp) -> BoxedFilter<(Response,)> {
    warp::path!("api" / "user" / "new")
        .and(warp::post())
        .and(call(app))
        .then(handlers::user_new)
        .map(envelope::reply_object_data)
        .boxed()
}

/// GET /api/user/info/{username}
fn user_info(app: &SharedApp) -> BoxedFilter<(Response,)> {
    warp::path!("api" / "user" / "info" / PathText)
        .and(warp::get())
        .and(call(app))
        .then(|username: PathText, call| handlers::user_info(username.0, call))
        .map(envelope::reply)
        .boxed()
}

/// POST /api/user/modification
fn user_modification(app: &SharedApp) -> BoxedFilter<(Response,)> {
    warp::path!("api" / "user" / "modification")
        .and(warp::post())
        .and(call(app))
        .then(handlers::user_modification)
        .map(envelope::reply_object_data)
        .boxed()
}

/// GET /api/user/order/{username}/{status}
fn user_orders(app: &SharedApp) -> BoxedFilter<(Response,)> {
    warp::path!("api" / "user" / "order" / PathText / PathText)
        .and(warp::get())
        .and(call(app))
        .then(|username: PathText, status: PathText, call| {
            handlers::user_orders(username.0, status.0, call)
        })
        .map(envelope::reply)
        .boxed()
}

/// POST /api/user/recharge
fn user_recharge(app: &SharedApp) -> BoxedFilter<(Response,)> {
    warp::path!("api" / "user" / "recharge")
        .and(warp::post())
        .and(call(app))
        .then(handlers::user_recharge)
        .map(envelope::reply)
        .boxed()
}

/// POST /api/order/new
fn order_new(app: &SharedApp) -> BoxedFilter<(Response,)> {
    warp::path!("api" / "order" / "new")
        .and(warp::post())
        .and(call(app))
        .then(handlers::order_new)
        .map(envelope::reply)
        .boxed()
}

/// POST /api/order/start
fn order_start(app: &SharedApp) -> BoxedFilter<(Response,)> {
    warp::path!("api" / "order" / "start")
        .and(warp::post())
        .and(call(app))
        .then(handlers::order_start)
        .map(envelope::reply)
        .boxed()
}

/// POST /api/order/end
fn order_end(app: &SharedApp) -> BoxedFilter<(Response,)> {
    warp::path!("api" / "order" / "end")
        .and(warp::post())
        .and(call(app))
        .then(handlers::order_end)
        .map(envelope::reply)
        .boxed()
}

/// POST /api/order/cancel
fn order_cancel(app: &SharedApp) -> BoxedFilter<(Response,)> {
    warp::path!("api" / "order" / "cancel")
        .and(warp::post())
        .and(call(app))
        .then(handlers::order_cancel)
        .map(envelope::reply)
        .boxed()
}

/// GET /api/parkinglot/list
fn lot_list(app: &SharedApp) -> BoxedFilter<(Response,)> {
    warp::path!("api" / "parkinglot" / "list")
        .and(warp::get())
        .and(call(app))
        .then(handlers::lot_list)
        .map(envelope::reply)
        .boxed()
}

/// GET /api/parkinglot/info/{id}
fn lot_info(app: &SharedApp) -> BoxedFilter<(Response,)> {
    warp::path!("api" / "parkinglot" / "info" / PathText)
        .and(warp::get())
        .and(call(app))
        .then(|id: PathText, call| handlers::lot_info(id.0, call))
        .map(envelope::reply)
        .boxed()
}
