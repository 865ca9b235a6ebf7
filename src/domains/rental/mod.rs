//! House rental (`../shared/seeds/rental.md`), under `/rental`.
//!
//! Owners publish houses, tenants publish demands (求租). A tenant applies
//! for a house, or an owner offers a house to a demand; the addressee
//! accepts or rejects. Accepting makes one deal (with the commission of
//! `--commission-rate`), lets the house and closes the demand. Sessions are
//! a cookie (or `Authorization: Bearer`). Envelope: `{"state": 1, ...keys}`
//! or `{"state": 0, "error_msg"}`, HTTP 200 for every API outcome.

use super::{ApiDocs, Descriptor};
use crate::session::Policy;
use crate::web::{Endpoint, Example};

pub mod cli;
pub mod counts;
pub mod demo;
pub mod envelope;
pub mod handlers;
pub mod model;
pub mod routes;
pub mod store;

pub use cli::{Command, Flags, add_admin};
pub use routes::routes;

/// Rental, as the core sees it.
pub const DESCRIPTOR: Descriptor = Descriptor {
    name: DOMAIN,
    title: "House rental: listings, demands, applications, deals",
    endpoints: ENDPOINTS,
    examples: EXAMPLES,
    api: ApiDocs {
        envelope: r#"{"type": "object", "required": ["state"],
            "properties": {"state": {"type": "integer"}, "error_msg": {"type": "string"}}}"#,
        statuses: super::ROUTING_STATUSES,
        security_schemes: &[(
            "rental_cookie",
            r#"{"type": "apiKey", "in": "cookie", "name": "onebox_rental"}"#,
        )],
        bearer: true,
        login: "POST /rental/operation/login with username and password (demo: owner / owner1234). The session is the onebox_rental cookie. state 1 success, 0 failure with error_msg.",
        binary_answers: &[],
    },
    tables: &[
        "rental_users",
        "rental_houses",
        "rental_demands",
        "rental_requests",
        "rental_deals",
    ],
    routes: |app| routes(app.clone()),
    load_demo: |app| Box::pin(demo::load(app)),
    background: None,
};

/// Name in the sessions table, the throttle and the files table.
pub const DOMAIN: &str = "rental";
/// The session cookie.
pub const COOKIE: &str = "onebox_rental";
/// Sessions last a week without use, a month at most.
pub const SESSIONS: Policy = Policy {
    idle_secs: 7 * 24 * 3600,
    max_age_secs: 30 * 24 * 3600,
};

/// The documented routes (relative to `/rental`); every one also answers
/// with a trailing slash.
pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        method: "POST",
        path: "/gethouselist",
        summary: "Houses to let, 10 a page: seq, district, range_of_floor, range_of_prices, range_of_area, orderby 0-4, house_type 0-4, elevator 0-2 → houses, total",
        fields: "seq:int? page_size:int? district? range_of_floor:array? range_of_prices:array? range_of_area:array? orderby:int? house_type:int? elevator:int?",
    },
    Endpoint {
        method: "POST",
        path: "/getrentallist",
        summary: "Open demands, 10 a page: seq, district, range_of_floor, orderby 0-2, house_type, elevator → houses, total",
        fields: "seq:int? page_size:int? district? range_of_floor:array? range_of_prices:array? orderby:int? house_type:int? elevator:int?",
    },
    Endpoint {
        method: "POST",
        path: "/data/user-info",
        summary: "The logged-in user (no password)",
        fields: "",
    },
    Endpoint {
        method: "POST",
        path: "/data/user-published",
        summary: "The user's houses: house_id, location, rental, state",
        fields: "",
    },
    Endpoint {
        method: "POST",
        path: "/data/user-asked",
        summary: "The user's demands: id, location, description, rental, state",
        fields: "",
    },
    Endpoint {
        method: "POST",
        path: "/query/user-exist",
        summary: "Whether a username is taken (username) → exist",
        fields: "username",
    },
    Endpoint {
        method: "POST",
        path: "/operation/login",
        summary: "Log in (username, password) → success; sets the session cookie",
        fields: "username password",
    },
    Endpoint {
        method: "POST",
        path: "/operation/logout",
        summary: "End the session",
        fields: "",
    },
    Endpoint {
        method: "POST",
        path: "/operation/register",
        summary: "Register (username, password, name, id_type, id_number, phone, city) → success",
        fields: "username password name id_type id_number phone city",
    },
    Endpoint {
        method: "POST",
        path: "/modify/password",
        summary: "Change the password (password); ends the other sessions",
        fields: "password",
    },
    Endpoint {
        method: "POST",
        path: "/modify/phone",
        summary: "Change the phone (phone, 11 digits)",
        fields: "phone",
    },
    Endpoint {
        method: "POST",
        path: "/query/apply-notification",
        summary: "Requests to rent the user's houses: id, username, location, status",
        fields: "",
    },
    Endpoint {
        method: "POST",
        path: "/query/provide-notification",
        summary: "Houses offered to the user's demands: id, username, location, status",
        fields: "",
    },
    Endpoint {
        method: "POST",
        path: "/action/accept-notification",
        summary: "Accept a request addressed to the user (id): makes the deal",
        fields: "id:int",
    },
    Endpoint {
        method: "POST",
        path: "/action/reject-notification",
        summary: "Reject a request addressed to the user (id)",
        fields: "id:int",
    },
    Endpoint {
        method: "POST",
        path: "/data/house-info",
        summary: "One house (house_id)",
        fields: "house_id:int",
    },
    Endpoint {
        method: "POST",
        path: "/data/rental-info",
        summary: "One demand (rental_id)",
        fields: "rental_id:int",
    },
    Endpoint {
        method: "POST",
        path: "/data/addhouse",
        summary: "Publish a house (district, community, unit, type, area, floor, elevator, description, imgs, deposit, pay_method, cost; tag, name)",
        fields: "district community unit type area:number floor:int elevator:int description imgs:array deposit:number pay_method cost:number tag:array? name?",
    },
    Endpoint {
        method: "POST",
        path: "/data/addrental",
        summary: "Publish a demand (district, community, type, floor, elevator, description, deposit, pay_method, cost; area, tag, name)",
        fields: "district community type floor:int elevator:int description deposit:number pay_method cost:number area:number? tag:array? name?",
    },
    Endpoint {
        method: "POST",
        path: "/modify/house",
        summary: "Change one's house (house_id plus the addhouse fields)",
        fields: "house_id:int district community unit type area:number floor:int elevator:int description imgs:array deposit:number pay_method cost:number tag:array? name?",
    },
    Endpoint {
        method: "POST",
        path: "/modify/rental",
        summary: "Change one's demand (rental_id plus the addrental fields)",
        fields: "rental_id:int district community type floor:int elevator:int description deposit:number pay_method cost:number area:number? tag:array? name?",
    },
    Endpoint {
        method: "POST",
        path: "/data/deal-details",
        summary: "The user's deals (all for 管理员): start_date, end_date (mm/dd/yyyy), location",
        fields: "start_date? end_date? location?",
    },
    Endpoint {
        method: "POST",
        path: "/data/city-statistics",
        summary: "Deals and commission per city",
        fields: "",
    },
    Endpoint {
        method: "POST",
        path: "/operation/apply-house",
        summary: "Ask to rent a house (house_id, period, start_date, end_date)",
        fields: "house_id:int period:int start_date end_date",
    },
    Endpoint {
        method: "POST",
        path: "/operation/provide-house",
        summary: "Offer one's house to a demand (house_id, rental_id)",
        fields: "house_id:int rental_id:int",
    },
    Endpoint {
        method: "POST",
        path: "/data/uploadfile",
        summary: "Upload an image (multipart file) → url",
        fields: "file:file",
    },
    Endpoint {
        method: "POST",
        path: "/delete/house",
        summary: "Delete one's house (id); not when let",
        fields: "id:int",
    },
    Endpoint {
        method: "POST",
        path: "/delete/demand",
        summary: "Delete one's demand (id)",
        fields: "id:int",
    },
    Endpoint {
        method: "GET",
        path: "/test",
        summary: "Answers state 1",
        fields: "",
    },
    Endpoint {
        method: "POST",
        path: "/test",
        summary: "Answers state 1",
        fields: "",
    },
];

/// Request bodies from the seed's examples (or in their style), shown in
/// `/openapi.json`.
pub const EXAMPLES: &[Example] = &[
    Example {
        method: "POST",
        path: "/gethouselist",
        body: r#"{"seq": 1, "orderby": 0, "district": "山东省青岛市崂山区五一街道", "range_of_prices": [0, 10000], "range_of_area": [0, 10000], "range_of_floor": [0, 5], "house_type": 2, "elevator": 1}"#,
    },
    Example {
        method: "POST",
        path: "/getrentallist",
        body: r#"{"seq": 1, "orderby": 0, "district": "山东省青岛市崂山区五一街道", "range_of_floor": [0, 5], "house_type": 2, "elevator": 1}"#,
    },
    Example {
        method: "POST",
        path: "/operation/login",
        body: r#"{"username": "owner", "password": "owner1234"}"#,
    },
    Example {
        method: "POST",
        path: "/data/addhouse",
        body: r#"{"district": "北京市海淀区西土城路", "community": "金典小区", "unit": "8单元", "type": "五居", "area": 20, "floor": 8, "elevator": 1, "description": "这房豪华", "imgs": ["a.jpg", "b.jpg"], "deposit": 2000, "pay_method": "月", "cost": 2500}"#,
    },
    Example {
        method: "POST",
        path: "/data/addrental",
        body: r#"{"district": "北京市海淀区西土城路", "community": "金典小区", "type": "五居", "floor": 8, "elevator": 1, "description": "这房豪华", "deposit": 2000, "pay_method": "月", "cost": 2500}"#,
    },
    Example {
        method: "POST",
        path: "/data/deal-details",
        body: r#"{"start_date": "1/1/1970", "end_date": "1/7/2019", "location": "北京市"}"#,
    },
    Example {
        method: "POST",
        path: "/operation/apply-house",
        body: r#"{"house_id": 2, "period": 3, "start_date": "1/1/1970", "end_date": "4/1/2019"}"#,
    },
];
