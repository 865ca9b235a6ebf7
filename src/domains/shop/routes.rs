//! Shop's route table: one declaration per endpoint (method, path,
//! handler, renderer, API-docs text). Handlers never reject; whatever no route takes is classified
//! by the endpoint table into 404 / 405.

use warp::filters::BoxedFilter;
use warp::{Filter, Rejection};

use std::sync::Arc;

use super::handlers::{self as h, Call};
use super::store::lists::Lists;
use super::{COOKIE, envelope};
use warp::http::Method;

use crate::app::SharedApp;
use crate::endpoint::{self, Route};
use crate::web::{self, Response};

/// Every endpoint of shop, declared once: its route, its API-docs text
/// and its example.
pub fn table() -> Vec<Route<Call>> {
    use super::input::*;
    use crate::endpoint::{link, route};
    use envelope::{reply, reply_with_cookie as cookie};
    #[rustfmt::skip]
    let table = vec![
        route(Method::POST, "/user/register/customer", h::register_customer, reply)
            .summary("Register a customer (name, phone, email, password); 402 on failure")
            .input::<Registration>()
            .example(r#"{"name": "小明", "phone": "13700000010", "email": "buyer@example.com", "password": "password123"}"#),
        route(Method::POST, "/user/register/seller", h::register_seller, reply)
            .summary("Register a seller (name, phone, email, password); 402 on failure")
            .input::<Registration>()
            .example(r#"{"name": "测试商家0", "phone": "13700000001", "email": "seller1@buaa.edu.cn", "password": "password123"}"#),
        route(Method::POST, "/user/login", h::login, cookie)
            .summary("Log in (email, password); sets the session cookie; 403 on bad credentials")
            .input::<Credentials>()
            .example(r#"{"email": "customer@example.com", "password": "customer1234"}"#),
        route(Method::POST, "/user/logout", h::logout, cookie)
            .summary("End the session"),
        route(Method::GET, "/user/profile", h::profile, reply)
            .summary("The user: name, email, role, phone, shop (a seller's shop id)"),
        route(Method::POST, "/user/change-password", h::change_password, reply)
            .summary("old_password, new_password, confirm_new_password (or the original's password, password_confirm); keeps this session, ends the others")
            .input::<PasswordChange>()
            .example(r#"{"old_password": "customer1234", "new_password": "newpass5678", "confirm_new_password": "newpass5678"}"#),
        route(Method::GET, "/shop", h::shops, reply)
            .summary("Every shop with its sellers"),
        route(Method::POST, "/shop/create", h::create_shop, reply)
            .links(const { &[link("GET", "/shop/{id}/info", &[("id", "/data/id")]), link("POST", "/shop/{id}/create_invitation_code", &[("id", "/data/id")]), link("POST", "/shop/{id}/product/add", &[("id", "/data/id")]), link("GET", "/shop/{id}/orders", &[("id", "/data/id")])] })
            .summary("Seller: create one's shop (name, address, description); 300 if one already")
            .example(r#"{"name": "张三的商铺", "address": "北京市朝阳区", "description": "主营电子产品"}"#),
        route(Method::POST, "/shop/join_by_code", h::join_by_code, reply)
            .summary("Seller without a shop: join by invitation_code; 302 bad, expired or used up")
            .example(r#"{"invitation_code": "DEMOjoin2024code"}"#),
        route(Method::GET, "/shop/products", h::all_products, reply)
            .links(const { &[link("GET", "/shop/{id}/product/{pid}", &[("id", "/data/products/0/shop"), ("pid", "/data/products/0/id")]), link("POST", "/order/create", &[("product_id", "/data/products/0/id")])] })
            .summary("Every product, 10 a page: page, q, ordering → count, next, previous, products"),
        route(Method::GET, "/shop/category_list", h::categories, reply)
            .summary("Every product category {categories: [{id, name}]} (the original's; not in the seed)"),
        route(Method::GET, "/shop/{id}/category_list", h::shop_categories, reply)
            .summary("The categories of a shop's products"),
        route(Method::GET, "/cart", h::cart, reply)
            .summary("Customer: the cart by shop {shops: [{shop_id, shop_name, items}]} (the original's; not in the seed)"),
        route(Method::POST, "/cart/add", h::add_to_cart, reply)
            .summary("Customer: put quantity (1 by default) of product_id in the cart")
            .example(r#"{"product_id": 2, "quantity": 1}"#),
        route(Method::PUT, "/cart/update", h::update_cart, reply)
            .summary("Customer: set a line's quantity (item_id, quantity; 0 takes it out)"),
        route(Method::DELETE, "/cart/delete", h::remove_from_cart, reply)
            .summary("Customer: take a line out (item_id)"),
        route(Method::GET, "/shop/{id}/info", h::shop_info, reply)
            .summary("One shop with its sellers"),
        route(Method::POST, "/shop/{id}/create_invitation_code", h::create_invitation, reply)
            .links(const { &[link("POST", "/shop/join_by_code", &[("invitation_code", "/data/code")])] })
            .summary("Seller of the shop: a code (expires_in_days, usage_limit)")
            .example(r#"{"expires_in_days": 7, "usage_limit": 1}"#),
        route(Method::GET, "/shop/{id}/products", h::shop_products, reply)
            .summary("The shop's products, 10 a page: page, q, ordering → count, next, previous, products")
            .input::<ProductQuery>(),
        route(Method::POST, "/shop/{id}/product/add", h::add_product, reply)
            .links(const { &[link("GET", "/shop/{id}/product/{pid}", &[("id", "/data/shop"), ("pid", "/data/id")]), link("POST", "/shop/{id}/product/{pid}/update", &[("id", "/data/shop"), ("pid", "/data/id")]), link("POST", "/order/create", &[("product_id", "/data/id")]), link("POST", "/shop/{id}/product/{pid}/delete", &[("id", "/data/shop"), ("pid", "/data/id")])] })
            .summary("Seller of the shop: add a product (name, description, price, stock_quantity, image file or link, status)"),
        route(Method::GET, "/shop/{id}/product/{pid}", h::product_info, reply)
            .summary("One product"),
        route(Method::POST, "/shop/{id}/product/{pid}/update", h::update_product, reply)
            .summary("Seller of the shop: change the fields sent"),
        route(Method::POST, "/shop/{id}/product/{pid}/delete", h::delete_product, reply)
            .summary("Seller of the shop: delete a product"),
        route(Method::GET, "/shop/{id}/orders", h::shop_orders, reply)
            .summary("Seller of the shop: the shop's orders, newest first"),
        route(Method::POST, "/upload", h::upload, reply)
            .summary("Seller: upload an image (multipart file) → url for a product's image"),
        route(Method::POST, "/order/create", h::create_order, reply)
            .summary("Customer: buy (product_id, quantity); never more than the stock")
            .input::<NewOrder>()
            .example(r#"{"product_id": 2, "quantity": 1}"#),
        route(Method::GET, "/order/list", h::my_orders, reply)
            .summary("The user's orders, newest first"),
        route(Method::GET, "/events", h::events, crate::envelope::stream::<envelope::Shape>)
            .input::<crate::events::StreamQuery>()
            .summary("Server-sent events for the user: new orders of their shop or their own, every product's stock and status")
            .events(&[("order", "a new order, as `/order/list` shows it: to the shop's sellers and the customer"),
                      ("product", "a product's `id`, `shop`, `stock_quantity` and `status` after a sale or an update: to everyone")]),
    ];
    table
}

/// Every request under the prefix, answered in shop's envelope.
pub fn routes(app: SharedApp) -> BoxedFilter<(Response,)> {
    let a = &(app, Arc::new(Lists::default()));
    endpoint::domain_tree(
        table(),
        call(a),
        crate::envelope::unrouted::<envelope::Shape>,
    )
}

/// The shared input of every endpoint.
fn call(
    (app, lists): &(SharedApp, Arc<Lists>),
) -> impl Filter<Extract = (Call,), Error = Rejection> + Clone + use<> {
    let lists = lists.clone();
    let extra =
        web::base_url()
            .and(warp::path::full())
            .map(move |base_url, path: warp::path::FullPath| h::Extra {
                base_url,
                path: path.as_str().into(),
                lists: lists.clone(),
            });
    crate::app::call(app, Some(COOKIE), extra)
}
