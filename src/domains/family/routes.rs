//! Family's warp filters: one line per endpoint (path, method, handler,
//! renderer), all under `/family/api/v1/`. Handlers never reject; whatever
//! no route takes is classified by the endpoint table into 404 / 405.

use warp::filters::BoxedFilter;
use warp::{Filter, Rejection};

use super::handlers::{self as h, Call};
use super::ledger as l;
use super::model::BillKind::{Expense, Income};
use super::report as r;
use super::{ENDPOINTS, envelope};
use crate::app::{SharedApp, with_app};
use crate::web::{self, Response};

/// Every request under the prefix, answered in family's envelope.
pub fn routes(app: SharedApp) -> BoxedFilter<(Response,)> {
    use envelope::{reply, reply_bare as bare, reply_svg as svg};
    use warp::{delete, get, path, post, put};
    use web::route;
    let a = &app;
    #[rustfmt::skip]
    let routes = vec![
        route(path!("api" / "v1" / "user_manage" / "register"), post(), call(a), h::register, reply),
        route(path!("api" / "v1" / "user_manage" / "login"), post(), call(a), h::login, reply),
        route(path!("api" / "v1" / "user_manage" / "logout"), delete(), call(a), h::logout, reply),
        route(path!("api" / "v1" / "user_manage" / "user_info"), get(), call(a), h::user_info, bare),
        route(path!("api" / "v1" / "user_manage" / "user_info"), put(), call(a), h::update_user_info, reply),
        route(path!("api" / "v1" / "user_manage" / "about_family"), post(), call(a), h::apply, reply),
        route(path!("api" / "v1" / "user_manage" / "about_family"), delete(), call(a), h::leave, reply),
        route(path!("api" / "v1" / "message"), get(), call(a), h::messages, bare),
        route(path!("api" / "v1" / "message"), post(), call(a), h::send_message, reply),
        route(path!("api" / "v1" / "message"), delete(), call(a), h::delete_message, reply),
        route(path!("api" / "v1" / "message"), put(), call(a), h::set_message_state, reply),
        route(path!("api" / "v1" / "family" / "familyManage"), get(), call(a), h::family_info, reply),
        route(path!("api" / "v1" / "family" / "familyManage"), post(), call(a), h::create_family, reply),
        route(path!("api" / "v1" / "family" / "familyManage"), put(), call(a), h::hand_over, reply),
        route(path!("api" / "v1" / "family" / "familyMember"), get(), call(a), h::applications, bare),
        route(path!("api" / "v1" / "family" / "familyMember"), put(), call(a), h::decide, reply),
        route(path!("api" / "v1" / "bill" / "Income"), get(), call(a), |c| l::bills(c, Income), bare),
        route(path!("api" / "v1" / "bill" / "Income"), post(), call(a), |c| l::add_bill(c, Income), reply),
        route(path!("api" / "v1" / "bill" / "Income"), put(), call(a), |c| l::update_bill(c, Income), reply),
        route(path!("api" / "v1" / "bill" / "Income"), delete(), call(a), |c| l::delete_bill(c, Income), reply),
        route(path!("api" / "v1" / "bill" / "Expense"), get(), call(a), |c| l::bills(c, Expense), bare),
        route(path!("api" / "v1" / "bill" / "Expense"), post(), call(a), |c| l::add_bill(c, Expense), reply),
        route(path!("api" / "v1" / "bill" / "Expense"), put(), call(a), |c| l::update_bill(c, Expense), reply),
        route(path!("api" / "v1" / "bill" / "Expense"), delete(), call(a), |c| l::delete_bill(c, Expense), reply),
        route(path!("api" / "v1" / "bank" / "Deposit"), get(), call(a), l::deposits, bare),
        route(path!("api" / "v1" / "bank" / "Deposit"), post(), call(a), l::add_deposit, reply),
        route(path!("api" / "v1" / "bank" / "Deposit"), put(), call(a), l::update_deposit, reply),
        route(path!("api" / "v1" / "bank" / "Deposit"), delete(), call(a), l::delete_deposit, reply),
        route(path!("api" / "v1" / "loan"), get(), call(a), l::loans, bare),
        route(path!("api" / "v1" / "loan"), post(), call(a), l::add_loan, reply),
        route(path!("api" / "v1" / "loan"), put(), call(a), l::update_loan, reply),
        route(path!("api" / "v1" / "loan"), delete(), call(a), l::delete_loan, reply),
        route(path!("api" / "v1" / "loan" / "repay"), get(), call(a), l::repayments, bare),
        route(path!("api" / "v1" / "loan" / "repay"), post(), call(a), l::repay, reply),
        route(path!("api" / "v1" / "report"), get(), call(a), r::report, reply),
        route(path!("api" / "v1" / "report" / "chart.svg"), get(), call(a), r::chart, svg),
    ];
    web::domain_tree(ENDPOINTS, routes, envelope::unrouted)
}

/// The shared input of every endpoint.
fn call(app: &SharedApp) -> impl Filter<Extract = (Call,), Error = Rejection> + Clone + use<> {
    with_app(app.clone())
        .and(crate::body::input(app.settings.limits))
        .and(warp::header::headers_cloned())
        .and(web::client_ip())
        .map(|app, input, headers: warp::http::HeaderMap, ip| Call {
            app,
            input,
            bearer: crate::session::bearer(&headers),
            ip,
        })
}
