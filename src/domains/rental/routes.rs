//! Rental's route table: one declaration per endpoint (method, path,
//! handler, renderer, API-docs text). Handlers never reject; whatever no route takes is classified
//! by the endpoint table into the envelope's 404 / 405.

use std::sync::Arc;

use warp::filters::BoxedFilter;
use warp::{Filter, Rejection};

use super::store::lists::Lists;
use super::{COOKIE, envelope, handlers, handlers::Call};
use warp::http::Method;

use crate::app::SharedApp;
use crate::endpoint::{self, Route};
use crate::web::{self, Response};

/// Every endpoint of rental, declared once: its route, its API-docs text
/// and its example.
pub fn table() -> Vec<Route<Call>> {
    use super::input::*;
    use crate::endpoint::{link, route};
    use envelope::{reply, reply_account as account, reply_login, reply_with_cookie};
    use handlers as h;
    #[rustfmt::skip]
    let table = vec![
        route(Method::POST, "/gethouselist", h::house_list, reply)
            .summary("Houses to let, 10 a page: seq, district, range_of_floor, range_of_prices, range_of_area, orderby 0-4, house_type 0-4, elevator 0-2 → houses, total")
            .input::<ListFilters>()
            .example(r#"{"seq": 1, "orderby": 0, "district": "山东省青岛市崂山区五一街道", "range_of_prices": [0, 10000], "range_of_area": [0, 10000], "range_of_floor": [0, 5], "house_type": 2, "elevator": 1}"#),
        route(Method::POST, "/getrentallist", h::demand_list, reply)
            .summary("Open demands, 10 a page: seq, district, range_of_floor, orderby 0-2, house_type, elevator → houses, total")
            .input::<ListFilters>()
            .example(r#"{"seq": 1, "orderby": 0, "district": "山东省青岛市崂山区五一街道", "range_of_floor": [0, 5], "house_type": 2, "elevator": 1}"#),
        route(Method::POST, "/data/user-info", h::user_info, reply)
            .summary("The logged-in user (no password)"),
        route(Method::POST, "/data/user-published", h::user_published, reply)
            .summary("The user's houses: house_id, location, rental, state"),
        route(Method::POST, "/data/user-asked", h::user_asked, reply)
            .summary("The user's demands: id, location, description, rental, state"),
        route(Method::POST, "/query/user-exist", h::user_exist, reply)
            .summary("Whether a username is taken (username) → exist"),
        route(Method::POST, "/operation/login", h::login, reply_login)
            .summary("Log in (username, password) → success; sets the session cookie")
            .example(r#"{"username": "owner", "password": "owner1234"}"#),
        route(Method::POST, "/operation/logout", h::logout, reply_with_cookie)
            .summary("End the session"),
        route(Method::POST, "/operation/register", h::register, account)
            .summary("Register (username, password, name, id_type, id_number, phone, city) → success"),
        route(Method::POST, "/modify/password", h::modify_password, reply)
            .summary("Change the password (password); ends the other sessions"),
        route(Method::POST, "/modify/phone", h::modify_phone, reply)
            .summary("Change the phone (phone, 11 digits)"),
        route(Method::POST, "/query/apply-notification", h::apply_notifications, reply)
            .summary("Requests to rent the user's houses: id, username, location, status"),
        route(Method::POST, "/query/provide-notification", h::provide_notifications, reply)
            .summary("Houses offered to the user's demands: id, username, location, status"),
        route(Method::POST, "/action/accept-notification", h::accept, reply)
            .summary("Accept a request addressed to the user (id): makes the deal"),
        route(Method::POST, "/action/reject-notification", h::reject, reply)
            .summary("Reject a request addressed to the user (id)"),
        route(Method::POST, "/data/house-info", h::house_info, reply)
            .summary("One house (house_id)")
            .input::<HouseId>(),
        route(Method::POST, "/data/rental-info", h::demand_info, reply)
            .summary("One demand (rental_id)")
            .input::<DemandId>(),
        route(Method::POST, "/data/addhouse", h::add_house, reply)
            .links(const { &[link("POST", "/data/house-info", &[("house_id", "/house_id")]), link("POST", "/modify/house", &[("house_id", "/house_id")]), link("POST", "/operation/apply-house", &[("house_id", "/house_id")]), link("POST", "/delete/house", &[("id", "/house_id")])] })
            .summary("Publish a house (district, community, unit, type, area, floor, elevator, description, imgs, deposit, pay_method, cost; tag, name)")
            .input::<NewHouse>()
            .example(r#"{"district": "北京市海淀区西土城路", "community": "金典小区", "unit": "8单元", "type": "五居", "area": 20, "floor": 8, "elevator": 1, "description": "这房豪华", "imgs": ["a.jpg", "b.jpg"], "deposit": 2000, "pay_method": "月", "cost": 2500}"#),
        route(Method::POST, "/data/addrental", h::add_demand, reply)
            .links(const { &[link("POST", "/data/rental-info", &[("rental_id", "/rental_id")]), link("POST", "/modify/rental", &[("rental_id", "/rental_id")]), link("POST", "/operation/provide-house", &[("rental_id", "/rental_id")]), link("POST", "/delete/demand", &[("id", "/rental_id")])] })
            .summary("Publish a demand (district, community, type, floor, elevator, description, deposit, pay_method, cost; area, tag, name)")
            .input::<NewDemand>()
            .example(r#"{"district": "北京市海淀区西土城路", "community": "金典小区", "type": "五居", "floor": 8, "elevator": 1, "description": "这房豪华", "deposit": 2000, "pay_method": "月", "cost": 2500}"#),
        route(Method::POST, "/modify/house", h::modify_house, reply)
            .summary("Change one's house (house_id plus the addhouse fields)")
            .input::<HouseChange>(),
        route(Method::POST, "/modify/rental", h::modify_demand, reply)
            .summary("Change one's demand (rental_id plus the addrental fields)")
            .input::<DemandChange>(),
        route(Method::POST, "/data/deal-details", h::deal_details, reply)
            .summary("The user's deals (all for 管理员): start_date, end_date (mm/dd/yyyy), location")
            .example(r#"{"start_date": "1/1/1970", "end_date": "1/7/2019", "location": "北京市"}"#),
        route(Method::POST, "/data/city-statistics", h::city_statistics, reply)
            .summary("Deals and commission per city"),
        route(Method::POST, "/operation/apply-house", h::apply_house, reply)
            .links(const { &[link("POST", "/action/accept-notification", &[("id", "/id")]), link("POST", "/action/reject-notification", &[("id", "/id")])] })
            .summary("Ask to rent a house (house_id, period, start_date, end_date)")
            .example(r#"{"house_id": 2, "period": 3, "start_date": "1/1/1970", "end_date": "4/1/2019"}"#),
        route(Method::POST, "/operation/provide-house", h::provide_house, reply)
            .links(const { &[link("POST", "/action/accept-notification", &[("id", "/id")]), link("POST", "/action/reject-notification", &[("id", "/id")])] })
            .summary("Offer one's house to a demand (house_id, rental_id)"),
        route(Method::POST, "/data/uploadfile", h::upload, reply)
            .summary("Upload an image (multipart file) → url"),
        route(Method::POST, "/delete/house", h::delete_house, reply)
            .summary("Delete one's house (id); not when let")
            .input::<Id>(),
        route(Method::POST, "/delete/demand", h::delete_demand, reply)
            .summary("Delete one's demand (id)")
            .input::<Id>(),
        route(Method::GET, "/test", h::test, reply)
            .summary("Answers state 1"),
        route(Method::POST, "/test", h::test, reply)
            .summary("Answers state 1"),
        route(Method::GET, "/events", h::events, crate::envelope::stream::<envelope::Shape>)
            .summary("Server-sent events for the user: requests addressed to them and decisions on theirs, their deals")
            .input::<crate::events::StreamQuery>()
            .events(&[("request", "a request as its notification shows it (`id`, `username` of the other party, `location`, `house_id`, `status`, `time`) plus `kind` (`apply` or `provide`) and `demand_id`: a new one to its addressee, a decision to its sender"),
                      ("deal", "a new deal, as `data/deal-details/` shows it: to its owner and tenant")]),
    ];
    table
}

/// Every request under the prefix, answered in rental's envelope.
pub fn routes(app: SharedApp) -> BoxedFilter<(Response,)> {
    let lists = Arc::new(Lists::default());
    let compat = app.compat(super::DOMAIN);
    let a = &(app, lists);
    let tree = endpoint::domain_tree(
        table(),
        call(a),
        crate::envelope::unrouted::<envelope::Shape>,
    );
    if compat {
        envelope::compat::state_codes(tree)
    } else {
        tree
    }
}

/// The shared input of every endpoint.
fn call(
    (app, lists): &(SharedApp, Arc<Lists>),
) -> impl Filter<Extract = (Call,), Error = Rejection> + Clone + use<> {
    let lists = lists.clone();
    let extra = web::base_url().map(move |base_url| handlers::Extra {
        base_url,
        lists: lists.clone(),
    });
    crate::app::call(app, Some(COOKIE), extra)
}
