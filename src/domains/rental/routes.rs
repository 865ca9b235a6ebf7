//! Rental's warp filters: one line per endpoint (path, method, handler,
//! renderer). Handlers never reject; whatever no route takes is classified
//! by the endpoint table into the envelope's 404 / 405.

use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::{Filter, Rejection};

use super::counts::HouseCounts;
use super::{COOKIE, ENDPOINTS, envelope, handlers, handlers::Call};
use crate::app::{SharedApp, with_app};
use crate::web::{self, Response};

/// Every request under the prefix, answered in rental's envelope.
pub fn routes(app: SharedApp) -> BoxedFilter<(Response,)> {
    use envelope::{reply, reply_account as account, reply_login, reply_with_cookie};
    use handlers as h;
    use warp::{get, path, post};
    use web::route;
    let counts = Arc::new(HouseCounts::default());
    let a = &(app, counts);
    #[rustfmt::skip]
    let routes = vec![
        route(path!("gethouselist"), post(), call(a), h::house_list, reply),
        route(path!("getrentallist"), post(), call(a), h::demand_list, reply),
        route(path!("data" / "user-info"), post(), call(a), h::user_info, reply),
        route(path!("data" / "user-published"), post(), call(a), h::user_published, reply),
        route(path!("data" / "user-asked"), post(), call(a), h::user_asked, reply),
        route(path!("query" / "user-exist"), post(), call(a), h::user_exist, reply),
        route(path!("operation" / "login"), post(), call(a), h::login, reply_login),
        route(path!("operation" / "logout"), post(), call(a), h::logout, reply_with_cookie),
        route(path!("operation" / "register"), post(), call(a), h::register, account),
        route(path!("modify" / "password"), post(), call(a), h::modify_password, reply),
        route(path!("modify" / "phone"), post(), call(a), h::modify_phone, reply),
        route(path!("query" / "apply-notification"), post(), call(a), h::apply_notifications, reply),
        route(path!("query" / "provide-notification"), post(), call(a), h::provide_notifications, reply),
        route(path!("action" / "accept-notification"), post(), call(a), h::accept, reply),
        route(path!("action" / "reject-notification"), post(), call(a), h::reject, reply),
        route(path!("data" / "house-info"), post(), call(a), h::house_info, reply),
        route(path!("data" / "rental-info"), post(), call(a), h::demand_info, reply),
        route(path!("data" / "addhouse"), post(), call(a), h::add_house, reply),
        route(path!("data" / "addrental"), post(), call(a), h::add_demand, reply),
        route(path!("modify" / "house"), post(), call(a), h::modify_house, reply),
        route(path!("modify" / "rental"), post(), call(a), h::modify_demand, reply),
        route(path!("data" / "deal-details"), post(), call(a), h::deal_details, reply),
        route(path!("data" / "city-statistics"), post(), call(a), h::city_statistics, reply),
        route(path!("operation" / "apply-house"), post(), call(a), h::apply_house, reply),
        route(path!("operation" / "provide-house"), post(), call(a), h::provide_house, reply),
        route(path!("data" / "uploadfile"), post(), call(a), h::upload, reply),
        route(path!("delete" / "house"), post(), call(a), h::delete_house, reply),
        route(path!("delete" / "demand"), post(), call(a), h::delete_demand, reply),
        route(path!("test"), get(), call(a), h::test, reply),
        route(path!("test"), post(), call(a), h::test, reply),
    ];
    web::domain_tree(ENDPOINTS, routes, envelope::unrouted)
}

/// The shared input of every endpoint.
fn call(
    (app, counts): &(SharedApp, Arc<HouseCounts>),
) -> impl Filter<Extract = (Call,), Error = Rejection> + Clone + use<> {
    let counts = counts.clone();
    with_app(app.clone())
        .and(crate::body::input(app.settings.limits))
        .and(crate::session::presented(COOKIE))
        .and(web::client_ip())
        .and(web::base_url())
        .map(move |app, input, token, ip, base_url| Call {
            app,
            input,
            token,
            ip,
            base_url,
            counts: counts.clone(),
        })
}
