//! Shop's handlers: typed input in, `Result<Done, Error>` out. Checks run in
//! one order everywhere: a readable body, then the session (401), then the
//! role (400), then the shop and the caller's place in it (404 / 301), then
//! the fields and the rules of the data (300 / 302).

use std::net::IpAddr;
use std::sync::Arc;

use serde_json::{Value, json};

use super::envelope::{Done, Error, done, done_typed, shop_error};
use super::lists::Lists;
use super::model::{
    self, CUSTOMER, Invitation, Ordering, PAGE_SIZE, ProductFilter, ProductPage, SELLER,
    UNAVAILABLE, User, optional_text, required_text,
};
use super::store::{self, NewUser, ProductFields};
use super::{COOKIE, DOMAIN, SESSIONS};
use crate::app::{Refused, SharedApp};
use crate::body::{BodyError, Form};
use crate::{clock, session};

/// One request's input, as the routes hand it over.
pub struct Call {
    pub app: SharedApp,
    pub input: Result<Form, BodyError>,
    /// The session token: `Authorization: Bearer`, else the session cookie.
    pub token: Option<String>,
    pub ip: Option<IpAddr>,
    /// `http://host`, for absolute links.
    pub base_url: String,
    /// The request's path, for page links.
    pub path: Arc<str>,
    /// Product pages and counts read since the products last changed.
    pub lists: Arc<Lists>,
}

/// The logged-in user and their session.
struct Caller {
    user: User,
    token_hash: [u8; 32],
}

async fn logged_in(app: &SharedApp, token: Option<String>) -> Result<Caller, Error> {
    let token = token.ok_or(Error::LoginRequired)?;
    let (user, session) = session::account(&app.db, DOMAIN, token, store::user_by_id)
        .await?
        .ok_or(Error::LoginRequired)?;
    Ok(Caller {
        user,
        token_hash: session.token_hash,
    })
}

/// The caller, who must be a seller (400 otherwise).
async fn seller(app: &SharedApp, token: Option<String>) -> Result<User, Error> {
    let caller = logged_in(app, token).await?;
    if caller.user.is_seller() {
        Ok(caller.user)
    } else {
        Err(Error::Role("只有商家可以这样做".into()))
    }
}

// ---- accounts

/// POST /user/register/customer
pub async fn register_customer(call: Call) -> Result<Done, Error> {
    register(call, CUSTOMER).await.map_err(Error::registration)
}

/// POST /user/register/seller
pub async fn register_seller(call: Call) -> Result<Done, Error> {
    register(call, SELLER).await.map_err(Error::registration)
}

async fn register(call: Call, role: &'static str) -> Result<Done, Error> {
    let form = call.input?;
    let name = required_text(&form, "name", 50)?;
    let phone = model::check_phone(&required_text(&form, "phone", 20)?)?;
    let email = model::check_email(&required_text(&form, "email", 100)?)?;
    let password = form
        .text("password")?
        .ok_or_else(|| shop_error("缺少参数 password"))?;
    let app = call.app;
    app.passwords.check_new(&password)?;
    let lookup = email.clone();
    if app
        .db
        .read(move |conn| store::user_by_email(conn, &lookup))
        .await?
        .is_some()
    {
        return Err(Error::Registration("该邮箱已注册".into()));
    }
    let hash = app.passwords.hash(password).await?;
    let now = clock::now();
    app.db
        .write(move |tx| {
            let user = NewUser {
                email: &email,
                name: &name,
                phone: &phone,
                role,
            };
            store::insert_user(tx, &user, &hash, now)
        })
        .await?;
    Ok(done("注册成功", Value::Null))
}

/// POST /user/login: sets the session cookie (its value also works as
/// `Authorization: Bearer`).
pub async fn login(call: Call) -> Result<(Done, String), Error> {
    let form = call.input.map_err(|e| Error::from(e).credentials())?;
    let email =
        model::check_email(&required_text(&form, "email", 100).map_err(Error::credentials)?)
            .map_err(Error::credentials)?;
    let password = form
        .text("password")
        .map_err(|e| Error::from(e).credentials())?
        .ok_or_else(|| Error::Credentials("缺少参数 password".into()))?;
    let app = call.app;
    let lookup_email = email.clone();
    let lookup = app
        .db
        .read(move |conn| store::user_by_email(conn, &lookup_email));
    let user = match app
        .password_login(DOMAIN, &email, call.ip, password, lookup)
        .await?
    {
        Ok(user) => user,
        Err(Refused::Throttled(minutes)) => {
            return Err(Error::Credentials(format!(
                "登录失败次数过多，请 {minutes} 分钟后再试"
            )));
        }
        Err(Refused::UnknownAccount | Refused::WrongPassword) => {
            return Err(Error::Credentials("用户名或密码错误".into()));
        }
    };
    let now = clock::now();
    let token = app
        .db
        .write(move |tx| Ok::<_, Error>(session::create(tx, DOMAIN, user.id, SESSIONS, now)?))
        .await?;
    let cookie = session::set_cookie(COOKIE, &token, Some(SESSIONS.max_age_secs));
    // The token also in the answer, for pages whose browser refuses the
    // cookie: it works as `Authorization: Bearer`.
    Ok((
        done("登录成功", serde_json::json!({ "token": token })),
        cookie,
    ))
}

/// POST /user/logout: ends the session, if any, and clears the cookie.
pub async fn logout(call: Call) -> Result<(Done, String), Error> {
    call.input?;
    session::end_presented(&call.app.db, call.token).await?;
    Ok((done("登出成功", Value::Null), session::clear_cookie(COOKIE)))
}

/// GET /user/profile
pub async fn profile(call: Call) -> Result<Done, Error> {
    call.input?;
    let caller = logged_in(&call.app, call.token).await?;
    Ok(done("", caller.user.profile_json()))
}

/// POST /user/change-password: keeps this session, ends the others.
pub async fn change_password(call: Call) -> Result<Done, Error> {
    let form = call.input?;
    let caller = logged_in(&call.app, call.token).await?;
    let app = call.app;
    let text = |name: &str| -> Result<String, Error> {
        form.text(name)
            .map_err(|e| Error::from(e).credentials())?
            .ok_or_else(|| Error::Credentials(format!("缺少参数 {name}")))
    };
    let old = text("old_password")?;
    let new = text("new_password")?;
    if new != text("confirm_new_password")? {
        return Err(Error::Credentials("两次输入的新密码不一致".into()));
    }
    app.passwords.check_new(&new)?;
    if !app
        .passwords
        .verify(old, caller.user.password_hash.clone())
        .await?
    {
        return Err(Error::Credentials("旧密码错误".into()));
    }
    let hash = app.passwords.hash(new).await?;
    let (user_id, keep) = (caller.user.id, caller.token_hash);
    app.db
        .write(move |tx| {
            store::set_password(tx, user_id, &hash)?;
            session::end_others(tx, DOMAIN, user_id, Some(&keep))?;
            Ok::<_, Error>(())
        })
        .await?;
    Ok(done("密码修改成功", Value::Null))
}

// ---- shops

/// GET /shop: every shop with its sellers.
pub async fn shops(call: Call) -> Result<Done, Error> {
    call.input?;
    let shops = call.app.db.read(store::shops).await?;
    Ok(done(
        "查询所有商铺成功",
        Value::Array(shops.iter().map(model::Shop::to_json).collect()),
    ))
}

/// POST /shop/create: a seller's one shop.
pub async fn create_shop(call: Call) -> Result<Done, Error> {
    let form = call.input?;
    let user = seller(&call.app, call.token).await?;
    let name = required_text(&form, "name", 64)?;
    let address = optional_text(&form, "address", 200)?.unwrap_or_default();
    let description = optional_text(&form, "description", 2000)?.unwrap_or_default();
    let now = clock::now_micros();
    let shop = call
        .app
        .db
        .write(move |tx| {
            let id = store::create_shop(tx, user.id, &name, &address, &description, now)?;
            store::existing_shop(tx, id)
        })
        .await?;
    Ok(done("商铺创建成功", shop.to_json()))
}

/// GET /shop/{id}/info
pub async fn shop_info(shop_id: i64, call: Call) -> Result<Done, Error> {
    call.input?;
    let shop = call
        .app
        .db
        .read(move |conn| store::existing_shop(conn, shop_id))
        .await?;
    Ok(done("", shop.to_json()))
}

/// Letters and digits of invitation codes.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// POST /shop/{id}/create_invitation_code: `expires_in_days` (none =
/// forever), `usage_limit` (default 1).
pub async fn create_invitation(shop_id: i64, call: Call) -> Result<Done, Error> {
    let form = call.input?;
    let user = seller(&call.app, call.token).await?;
    let days = match form.int("expires_in_days") {
        Ok(None) => None,
        Ok(Some(days)) if (1..=3650).contains(&days) => Some(days),
        _ => return Err(shop_error("expires_in_days 应为 1 到 3650 的天数")),
    };
    let usage_limit = match form.int("usage_limit") {
        Ok(None) => 1,
        Ok(Some(limit)) if (1..=10_000).contains(&limit) => limit,
        _ => return Err(shop_error("usage_limit 应为 1 到 10000 的次数")),
    };
    let now = clock::now_micros();
    let invitation = Invitation {
        code: session::random_text(CODE_ALPHABET, 16)?,
        shop_id,
        creator_id: user.id,
        is_active: true,
        created_us: now,
        expires_us: days.map(|d| now + d * 86_400 * 1_000_000),
        usage_limit,
        usage_count: 0,
    };
    let invitation = call
        .app
        .db
        .write(move |tx| {
            store::check_manages(tx, user.id, shop_id)?;
            store::insert_invitation(tx, &invitation)?;
            Ok::<_, Error>(invitation)
        })
        .await?;
    Ok(done("邀请码生成成功", invitation.to_json()))
}

/// POST /shop/join_by_code: a seller with no shop joins by `invitation_code`.
pub async fn join_by_code(call: Call) -> Result<Done, Error> {
    let form = call.input?;
    let user = seller(&call.app, call.token).await?;
    let code = form
        .text("invitation_code")?
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .ok_or_else(|| Error::Invitation("缺少参数 invitation_code".into()))?;
    let now = clock::now_micros();
    let shop = call
        .app
        .db
        .write(move |tx| {
            let shop_id = store::join_by_code(tx, user.id, &code, now)?;
            store::existing_shop(tx, shop_id)
        })
        .await?;
    Ok(done("加入商铺成功", shop.to_json()))
}

/// GET /shop/{id}/orders: the shop's orders, for its sellers.
pub async fn shop_orders(shop_id: i64, call: Call) -> Result<Done, Error> {
    call.input?;
    let user = seller(&call.app, call.token).await?;
    let orders = call
        .app
        .db
        .read(move |conn| {
            store::check_manages(conn, user.id, shop_id)?;
            store::orders(conn, None, Some(shop_id))
        })
        .await?;
    Ok(done(
        "查询返回成功",
        Value::Array(orders.iter().map(model::Order::to_json).collect()),
    ))
}

// ---- products

/// The image of a product form: a file part (`image`, or the only file),
/// or `image` as a link to a file uploaded here. `Ok(None)` when neither.
enum ImageInput {
    Upload(bytes::Bytes),
    Stored(i64),
}

fn image_input(form: &Form) -> Result<Option<ImageInput>, Error> {
    let files = form.files();
    if let Some(file) = files
        .iter()
        .find(|f| f.field == "image")
        .or_else(|| (files.len() == 1).then(|| &files[0]))
    {
        return Ok(Some(ImageInput::Upload(file.bytes.clone())));
    }
    match form.text("image")? {
        None => Ok(None),
        Some(link) => crate::files::id_in_link(&link)
            .map(|id| Some(ImageInput::Stored(id)))
            .ok_or_else(|| shop_error("image 应为上传的图片文件，或本站 /files/{id} 图片链接")),
    }
}

/// Stores or checks an image inside the product's transaction.
fn resolve_image(
    conn: &rusqlite::Connection,
    image: Option<ImageInput>,
    now: i64,
) -> Result<Option<i64>, Error> {
    match image {
        None => Ok(None),
        Some(ImageInput::Upload(bytes)) => {
            Ok(Some(crate::files::store(conn, DOMAIN, &bytes, now)?))
        }
        Some(ImageInput::Stored(id)) => {
            if crate::files::exists(conn, DOMAIN, id)? {
                Ok(Some(id))
            } else {
                Err(shop_error(format!("没有 /files/{id} 这张图片")))
            }
        }
    }
}

/// `status`: `Unavailable` takes a product off sale; `Available` (or
/// `Sold Out`) leaves it to the stock.
fn off_sale(form: &Form) -> Result<Option<bool>, Error> {
    match form.text("status")?.as_deref().map(str::trim) {
        None => Ok(None),
        Some(UNAVAILABLE) => Ok(Some(true)),
        Some(model::AVAILABLE | model::SOLD_OUT) => Ok(Some(false)),
        Some(_) => Err(shop_error("status 可取 Available 或 Unavailable")),
    }
}

/// POST /shop/{id}/product/add: `name`, `description`, `price`,
/// `stock_quantity`, `image` (file or link), `status`.
pub async fn add_product(shop_id: i64, call: Call) -> Result<Done, Error> {
    let form = call.input?;
    let user = seller(&call.app, call.token).await?;
    let name = required_text(&form, "name", 100)?;
    let description = optional_text(&form, "description", 2000)?.unwrap_or_default();
    let price = model::price(&form)?.ok_or_else(|| shop_error("缺少参数 price"))?;
    let stock_quantity = model::stock(&form)?.unwrap_or(0);
    let off_sale = off_sale(&form)?.unwrap_or(false);
    let image = image_input(&form)?;
    let app = call.app;
    let (now, now_us) = (clock::now(), clock::now_micros());
    let product = app
        .db
        .write(move |tx| {
            store::check_manages(tx, user.id, shop_id)?;
            let fields = ProductFields {
                name,
                description,
                price,
                stock_quantity,
                off_sale,
                image_id: resolve_image(tx, image, now)?,
            };
            let id = store::insert_product(tx, shop_id, &fields, now_us)?;
            store::product_in_shop(tx, shop_id, id)
        })
        .await?;
    Ok(done("商品创建成功", product.to_json(&call.base_url)))
}

/// POST /shop/{id}/product/{pid}/update: the fields sent change.
pub async fn update_product(shop_id: i64, product_id: i64, call: Call) -> Result<Done, Error> {
    let form = call.input?;
    let user = seller(&call.app, call.token).await?;
    let name = optional_text(&form, "name", 100)?;
    if name.as_deref() == Some("") {
        return Err(shop_error("name 不能为空"));
    }
    let description = optional_text(&form, "description", 2000)?;
    let price = model::price(&form)?;
    let stock_quantity = model::stock(&form)?;
    let off_sale = off_sale(&form)?;
    let image = image_input(&form)?;
    let now = clock::now();
    let app = call.app;
    let product = app
        .db
        .write(move |tx| {
            store::check_manages(tx, user.id, shop_id)?;
            let old = store::product_in_shop(tx, shop_id, product_id)?;
            let image_id = match image {
                None => old.image_id,
                some => resolve_image(tx, some, now)?,
            };
            let fields = ProductFields {
                off_sale: off_sale.unwrap_or_else(|| store::is_off_sale(&old)),
                name: name.unwrap_or(old.name),
                description: description.unwrap_or(old.description),
                price: price.unwrap_or(old.price),
                stock_quantity: stock_quantity.unwrap_or(old.stock_quantity),
                image_id,
            };
            store::update_product(tx, product_id, &fields)?;
            store::product_in_shop(tx, shop_id, product_id)
        })
        .await?;
    Ok(done("商品修改成功", product.to_json(&call.base_url)))
}

/// POST /shop/{id}/product/{pid}/delete: orders keep their copy.
pub async fn delete_product(shop_id: i64, product_id: i64, call: Call) -> Result<Done, Error> {
    call.input?;
    let user = seller(&call.app, call.token).await?;
    let app = call.app;
    app.db
        .write(move |tx| {
            store::check_manages(tx, user.id, shop_id)?;
            store::product_in_shop(tx, shop_id, product_id)?;
            store::delete_product(tx, product_id)
        })
        .await?;
    Ok(done("商品删除成功", Value::Null))
}

/// GET /shop/{id}/product/{pid}
pub async fn product_info(shop_id: i64, product_id: i64, call: Call) -> Result<Done, Error> {
    call.input?;
    let product = call
        .app
        .db
        .read(move |conn| store::product_in_shop(conn, shop_id, product_id))
        .await?;
    Ok(done("", product.to_json(&call.base_url)))
}

/// GET /shop/{id}/products
pub async fn shop_products(shop_id: i64, call: Call) -> Result<Done, Error> {
    call.app
        .db
        .read(move |conn| store::existing_shop(conn, shop_id).map(|_| ()))
        .await?;
    product_list(call, Some(shop_id)).await
}

/// GET /products: every shop's products.
pub async fn all_products(call: Call) -> Result<Done, Error> {
    product_list(call, None).await
}

/// A page of 10 with `count`, absolute `next` / `previous` links and
/// `products`; `?q=` searches names and descriptions, `?ordering=` sorts.
async fn product_list(call: Call, shop_id: Option<i64>) -> Result<Done, Error> {
    let form = call.input?;
    let page = model::page_number(&form)?;
    let ordering_text = form.text("ordering")?;
    let ordering = Ordering::parse(ordering_text.as_deref())?;
    let q = optional_text(&form, "q", 100)?.filter(|q| !q.is_empty());
    let filter = ProductFilter {
        shop_id,
        q: q.clone(),
    };
    let app = call.app;
    let page_key = format!("{}|{ordering:?}|{page}", filter.key());
    let offset = (page - 1).saturating_mul(PAGE_SIZE);
    let lists = &call.lists;
    let (count, products) = match lists.pages.get(&app.db, &page_key) {
        Some(remembered) => remembered,
        None => {
            let stamp = lists.pages.stamp(&app.db);
            let read = read_page(&app, lists, filter, ordering, page).await?;
            lists.pages.put(page_key, stamp, read.clone());
            read
        }
    };
    let link = |page: i64| -> String {
        let mut params: Vec<(&str, String)> = vec![("page", page.to_string())];
        if let Some(q) = &q {
            params.push(("q", q.clone()));
        }
        if let Some(o) = &ordering_text {
            params.push(("ordering", o.clone()));
        }
        let query = serde_urlencoded::to_string(&params).unwrap_or_default();
        format!("{}{}?{query}", call.base_url, call.path)
    };
    let page = ProductPage {
        count,
        next: (offset + PAGE_SIZE < count).then(|| link(page + 1)),
        previous: (page > 1).then(|| link(page - 1)),
        products: products.iter().map(|p| p.wire(&call.base_url)).collect(),
    };
    done_typed("查询返回成功", &page)
}

/// Reads one page and the list's count (remembered per filter until the
/// products change); 404 for a page past the end.
async fn read_page(
    app: &SharedApp,
    lists: &Lists,
    filter: ProductFilter,
    ordering: Ordering,
    page: i64,
) -> Result<super::lists::Page, Error> {
    let key = filter.key();
    let counts = lists.counts_for(&filter);
    let remembered = counts.get(&app.db, &key);
    let stamp = counts.stamp(&app.db);
    let offset = (page - 1).saturating_mul(PAGE_SIZE);
    let (count, products) = app
        .db
        .read(move |conn| {
            let count = match remembered {
                Some(count) => count,
                None => store::count_products(conn, &filter)?,
            };
            let pages = (count + PAGE_SIZE - 1) / PAGE_SIZE;
            if page > pages.max(1) {
                return Err(Error::NotFound(format!("无效页码：共 {} 页", pages.max(1))));
            }
            let products = store::product_page(conn, &filter, ordering, offset, PAGE_SIZE)?;
            Ok((count, products))
        })
        .await?;
    if remembered.is_none() {
        counts.put(key, stamp, count);
    }
    Ok((count, Arc::new(products)))
}

/// POST /upload (not in the seed): a seller uploads an image (multipart
/// `file`) for a product → `url`.
pub async fn upload(call: Call) -> Result<Done, Error> {
    let form = call.input?;
    seller(&call.app, call.token).await?;
    let bytes = form
        .files()
        .first()
        .ok_or_else(|| shop_error("请用 multipart/form-data 上传图片文件 file"))?
        .bytes
        .clone();
    let now = clock::now();
    let id = call
        .app
        .db
        .write(move |tx| Ok::<_, Error>(crate::files::store(tx, DOMAIN, &bytes, now)?))
        .await?;
    let path = crate::files::path_of(id);
    Ok(done(
        "上传成功",
        json!({ "url": format!("{}{path}", call.base_url), "path": path }),
    ))
}

// ---- orders

/// POST /order/create: a customer buys `quantity` (default 1) of
/// `product_id`.
pub async fn create_order(call: Call) -> Result<Done, Error> {
    let form = call.input?;
    let caller = logged_in(&call.app, call.token).await?;
    if caller.user.role != CUSTOMER {
        return Err(Error::Role("只有买家可以下单".into()));
    }
    let product_id = match form.int("product_id") {
        Ok(Some(id)) => id,
        Ok(None) => return Err(shop_error("缺少参数 product_id")),
        Err(_) => return Err(shop_error("product_id 应为整数")),
    };
    let quantity = match form.int("quantity") {
        Ok(None) => 1,
        Ok(Some(q)) if (1..=1000).contains(&q) => q,
        _ => return Err(shop_error("quantity 应为 1 到 1000 的整数")),
    };
    let customer = caller.user.id;
    let now = clock::now_micros();
    let order = call
        .app
        .db
        .write(move |tx| {
            let id = store::buy(tx, customer, product_id, quantity, now)?;
            store::order_by_id(tx, id)?.ok_or_else(|| shop_error("订单不存在"))
        })
        .await?;
    Ok(done("下单成功", order.to_json()))
}

/// GET /order/list: the caller's orders, newest first.
pub async fn my_orders(call: Call) -> Result<Done, Error> {
    call.input?;
    let caller = logged_in(&call.app, call.token).await?;
    let customer = caller.user.id;
    let orders = call
        .app
        .db
        .read(move |conn| store::orders(conn, Some(customer), None))
        .await?;
    Ok(done(
        "查询返回成功",
        Value::Array(orders.iter().map(model::Order::to_json).collect()),
    ))
}
