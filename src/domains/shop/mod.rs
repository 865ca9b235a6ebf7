//! Multi-seller shop (`../shared/seeds/shop.md`), under `/shop`.
//!
//! Customers and sellers register by e-mail. A seller manages one shop,
//! made by themselves or joined with an invitation code of limited uses;
//! sellers add products (with an image) that everyone can list, 10 a page,
//! and customers buy them, never more than the stock. Sessions are a cookie
//! (or `Authorization: Bearer`). Envelope: `{"success", "code", "message",
//! "data"}` with the seed's codes.

use crate::descriptor::{ApiDocs, Descriptor};
use crate::session::Policy;

pub mod cli;
pub mod demo;
pub mod envelope;
pub mod handlers;
pub mod input;
pub mod model;
pub mod routes;
pub mod store;

pub use cli::Command;
pub use routes::routes;

/// Shop, as the core sees it.
pub const DESCRIPTOR: Descriptor = Descriptor {
    name: DOMAIN,
    title: "Multi-seller shop: customers, sellers, shops, products",
    endpoints: || crate::endpoint::endpoints(&routes::table()),
    api: ApiDocs {
        envelope: r#"{"type": "object", "required": ["success", "code", "message", "data"],
            "properties": {"success": {"type": "boolean"}, "code": {"type": "integer"},
                "message": {"type": "string", "nullable": true}, "data": {"nullable": true}}}"#,
        statuses: &[
            (400, "Failure (codes 300, 302, 402, 403)"),
            (401, "Not logged in (code 401)"),
            (403, "Not allowed (codes 301, 400)"),
            (404, "No such shop, product, page or path"),
            (405, "Wrong method (see Allow)"),
        ],
        security_schemes: &[(
            "shop_cookie",
            r#"{"type": "apiKey", "in": "cookie", "name": "onebox_shop"}"#,
        )],
        bearer: true,
        login: "POST /shop/user/login with email and password (demo: customer@example.com / customer1234, seller1@example.com / seller1234). The session is the onebox_shop cookie.",
        typed_success: Some(envelope::typed_success),
        binary_answers: &[],
    },
    notes: include_str!("API.md"),
    server_error: crate::envelope::server_error::<envelope::Shape>,
    accounts: "shop_users",
    tables: &[
        "shop_users",
        "shop_shops",
        "shop_sellers",
        "shop_invitations",
        "shop_products",
        "shop_orders",
        "shop_product_moves",
        "shop_cart_items",
    ],
    routes: |app| routes(app.clone()),
    demo: |app| Box::pin(demo::rows(app)),
    demo_logins: "seller1@example.com/seller1234, customer@example.com/customer1234",
    landing_note: |_| None,
    background: None,
};

/// Name in the sessions table, the throttle and the files table.
pub const DOMAIN: &str = "shop";
/// The session cookie.
pub const COOKIE: &str = "onebox_shop";
/// Sessions last two weeks without use, a month at most.
pub const SESSIONS: Policy = Policy {
    idle_secs: 14 * 24 * 3600,
    max_age_secs: 30 * 24 * 3600,
};
