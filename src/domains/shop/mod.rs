//! Multi-seller shop (`../shared/seeds/shop.md`), under `/shop`.
//!
//! Customers and sellers register by e-mail. A seller manages one shop,
//! made by themselves or joined with an invitation code of limited uses;
//! sellers add products (with an image) that everyone can list, 10 a page,
//! and customers buy them, never more than the stock. Sessions are a cookie
//! (or `Authorization: Bearer`). Envelope: `{"success", "code", "message",
//! "data"}` with the seed's codes.

use super::{ApiDocs, Descriptor};
use crate::session::Policy;
use crate::web::{Endpoint, Example};

pub mod demo;
pub mod envelope;
pub mod handlers;
pub mod lists;
pub mod model;
pub mod routes;
pub mod store;

pub use routes::routes;

/// Shop, as the core sees it.
pub const DESCRIPTOR: Descriptor = Descriptor {
    name: DOMAIN,
    title: "Multi-seller shop: customers, sellers, shops, products",
    endpoints: ENDPOINTS,
    examples: EXAMPLES,
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
        binary_answers: &[],
    },
    tables: &[
        "shop_users",
        "shop_shops",
        "shop_sellers",
        "shop_invitations",
        "shop_products",
        "shop_orders",
    ],
    routes: |app| routes(app.clone()),
    load_demo: |app| Box::pin(demo::load(app)),
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

/// The documented routes (relative to `/shop`); every one also answers
/// with a trailing slash.
pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        method: "POST",
        path: "/user/register/customer",
        summary: "Register a customer (name, phone, email, password); 402 on failure",
        fields: "name phone email password",
    },
    Endpoint {
        method: "POST",
        path: "/user/register/seller",
        summary: "Register a seller (name, phone, email, password); 402 on failure",
        fields: "name phone email password",
    },
    Endpoint {
        method: "POST",
        path: "/user/login",
        summary: "Log in (email, password); sets the session cookie; 403 on bad credentials",
        fields: "email password",
    },
    Endpoint {
        method: "POST",
        path: "/user/logout",
        summary: "End the session",
        fields: "",
    },
    Endpoint {
        method: "GET",
        path: "/user/profile",
        summary: "The user: name, email, role, phone",
        fields: "",
    },
    Endpoint {
        method: "POST",
        path: "/user/change-password",
        summary: "old_password, new_password, confirm_new_password; keeps this session, ends the others",
        fields: "old_password new_password confirm_new_password",
    },
    Endpoint {
        method: "GET",
        path: "/shop",
        summary: "Every shop with its sellers",
        fields: "",
    },
    Endpoint {
        method: "POST",
        path: "/shop/create",
        summary: "Seller: create one's shop (name, address, description); 300 if one already",
        fields: "name address? description?",
    },
    Endpoint {
        method: "GET",
        path: "/shop/{id}/info",
        summary: "One shop with its sellers",
        fields: "",
    },
    Endpoint {
        method: "POST",
        path: "/shop/{id}/create_invitation_code",
        summary: "Seller of the shop: a code (expires_in_days, usage_limit)",
        fields: "expires_in_days:int? usage_limit:int?",
    },
    Endpoint {
        method: "POST",
        path: "/shop/join_by_code",
        summary: "Seller without a shop: join by invitation_code; 302 bad, expired or used up",
        fields: "invitation_code",
    },
    Endpoint {
        method: "POST",
        path: "/shop/{id}/product/add",
        summary: "Seller of the shop: add a product (name, description, price, stock_quantity, image file or link, status)",
        fields: "name price:number description? stock_quantity:int? status? image:file?",
    },
    Endpoint {
        method: "GET",
        path: "/shop/{id}/product/{pid}",
        summary: "One product",
        fields: "",
    },
    Endpoint {
        method: "POST",
        path: "/shop/{id}/product/{pid}/update",
        summary: "Seller of the shop: change the fields sent",
        fields: "name? description? price:number? stock_quantity:int? status? image:file?",
    },
    Endpoint {
        method: "POST",
        path: "/shop/{id}/product/{pid}/delete",
        summary: "Seller of the shop: delete a product",
        fields: "",
    },
    Endpoint {
        method: "GET",
        path: "/shop/{id}/products",
        summary: "The shop's products, 10 a page: page, q, ordering → count, next, previous, products",
        fields: "page:int? q? ordering?",
    },
    Endpoint {
        method: "GET",
        path: "/shop/products",
        summary: "Every product, 10 a page: page, q, ordering → count, next, previous, products",
        fields: "page:int? q? ordering?",
    },
    Endpoint {
        method: "GET",
        path: "/shop/{id}/orders",
        summary: "Seller of the shop: the shop's orders, newest first",
        fields: "",
    },
    Endpoint {
        method: "POST",
        path: "/upload",
        summary: "Seller: upload an image (multipart file) → url for a product's image",
        fields: "file:file",
    },
    Endpoint {
        method: "POST",
        path: "/order/create",
        summary: "Customer: buy (product_id, quantity); never more than the stock",
        fields: "product_id:int quantity:int?",
    },
    Endpoint {
        method: "GET",
        path: "/order/list",
        summary: "The user's orders, newest first",
        fields: "",
    },
];

/// Request bodies from the seed's examples (or in their style), shown in
/// `/openapi.json`.
pub const EXAMPLES: &[Example] = &[
    Example {
        method: "POST",
        path: "/user/register/customer",
        body: r#"{"name": "小明", "phone": "13700000010", "email": "buyer@example.com", "password": "password123"}"#,
    },
    Example {
        method: "POST",
        path: "/user/register/seller",
        body: r#"{"name": "测试商家0", "phone": "13700000001", "email": "seller1@buaa.edu.cn", "password": "password123"}"#,
    },
    Example {
        method: "POST",
        path: "/user/login",
        body: r#"{"email": "customer@example.com", "password": "customer1234"}"#,
    },
    Example {
        method: "POST",
        path: "/user/change-password",
        body: r#"{"old_password": "customer1234", "new_password": "newpass5678", "confirm_new_password": "newpass5678"}"#,
    },
    Example {
        method: "POST",
        path: "/shop/create",
        body: r#"{"name": "张三的商铺", "address": "北京市朝阳区", "description": "主营电子产品"}"#,
    },
    Example {
        method: "POST",
        path: "/shop/{id}/create_invitation_code",
        body: r#"{"expires_in_days": 7, "usage_limit": 1}"#,
    },
    Example {
        method: "POST",
        path: "/shop/join_by_code",
        body: r#"{"invitation_code": "DEMOjoin2024code"}"#,
    },
    Example {
        method: "POST",
        path: "/order/create",
        body: r#"{"product_id": 2, "quantity": 1}"#,
    },
];
