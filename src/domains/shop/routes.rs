//! Shop's warp filters: one line per endpoint (path, method, handler,
//! renderer). Handlers never reject; whatever no route takes is classified
//! by the endpoint table into 404 / 405.

use warp::filters::BoxedFilter;
use warp::{Filter, Rejection};

use std::sync::Arc;

use super::handlers::{self as h, Call};
use super::lists::Lists;
use super::{COOKIE, ENDPOINTS, envelope};
use crate::app::{SharedApp, with_app};
use crate::web::{self, Response};

/// Every request under the prefix, answered in shop's envelope.
pub fn routes(app: SharedApp) -> BoxedFilter<(Response,)> {
    use envelope::{reply, reply_with_cookie as cookie};
    use warp::{get, path, post};
    use web::{route, route1, route2};
    let a = &(app, Arc::new(Lists::default()));
    #[rustfmt::skip]
    let routes = vec![
        route(path!("user" / "register" / "customer"), post(), call(a), h::register_customer, reply),
        route(path!("user" / "register" / "seller"), post(), call(a), h::register_seller, reply),
        route(path!("user" / "login"), post(), call(a), h::login, cookie),
        route(path!("user" / "logout"), post(), call(a), h::logout, cookie),
        route(path!("user" / "profile"), get(), call(a), h::profile, reply),
        route(path!("user" / "change-password"), post(), call(a), h::change_password, reply),
        route(path!("shop"), get(), call(a), h::shops, reply),
        route(path!("shop" / "create"), post(), call(a), h::create_shop, reply),
        route(path!("shop" / "join_by_code"), post(), call(a), h::join_by_code, reply),
        route(path!("shop" / "products"), get(), call(a), h::all_products, reply),
        route1(path!("shop" / i64 / "info"), get(), call(a), h::shop_info, reply),
        route1(path!("shop" / i64 / "create_invitation_code"), post(), call(a), h::create_invitation, reply),
        route1(path!("shop" / i64 / "products"), get(), call(a), h::shop_products, reply),
        route1(path!("shop" / i64 / "product" / "add"), post(), call(a), h::add_product, reply),
        route2(path!("shop" / i64 / "product" / i64), get(), call(a), h::product_info, reply),
        route2(path!("shop" / i64 / "product" / i64 / "update"), post(), call(a), h::update_product, reply),
        route2(path!("shop" / i64 / "product" / i64 / "delete"), post(), call(a), h::delete_product, reply),
        route1(path!("shop" / i64 / "orders"), get(), call(a), h::shop_orders, reply),
        route(path!("upload"), post(), call(a), h::upload, reply),
        route(path!("order" / "create"), post(), call(a), h::create_order, reply),
        route(path!("order" / "list"), get(), call(a), h::my_orders, reply),
    ];
    web::domain_tree(ENDPOINTS, routes, envelope::unrouted)
}

/// The shared input of every endpoint.
fn call(
    (app, lists): &(SharedApp, Arc<Lists>),
) -> impl Filter<Extract = (Call,), Error = Rejection> + Clone + use<> {
    let lists = lists.clone();
    with_app(app.clone())
        .and(crate::body::input(app.settings.limits))
        .and(crate::session::presented(COOKIE))
        .and(web::client_ip())
        .and(web::base_url())
        .and(warp::path::full())
        .map(
            move |app, input, token, ip, base_url, path: warp::path::FullPath| Call {
                app,
                input,
                token,
                ip,
                base_url,
                path: path.as_str().into(),
                lists: lists.clone(),
            },
        )
}
