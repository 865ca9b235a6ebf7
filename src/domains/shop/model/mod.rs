//! Shop's data as the handlers see it, the checks on client values, and
//! the seed's JSON shapes (prices as strings `"19.90"`, times as RFC 3339
//! with microseconds, images as absolute URLs).

use serde::Serialize;
use utoipa::ToSchema;

use super::envelope::{Error, shop_error};
use crate::body::{Cents, Text};
use crate::clock::format_rfc3339_micros as format_time;

pub const CUSTOMER: &str = "CUSTOMER";
pub const SELLER: &str = "SELLER";

/// Product statuses.
pub const AVAILABLE: &str = "Available";
pub const SOLD_OUT: &str = "Sold Out";
pub const UNAVAILABLE: &str = "Unavailable";

/// Products on one page of a list.
pub const PAGE_SIZE: i64 = 10;

/// A shop account.
#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub phone: String,
    pub role: String,
    pub password_hash: String,
}

impl crate::app::LoginAccount for User {
    fn account_id(&self) -> i64 {
        self.id
    }
    fn password_hash(&self) -> &str {
        &self.password_hash
    }
}

impl User {
    pub fn is_seller(&self) -> bool {
        self.role == SELLER
    }

    /// `{name, email, role}`, as shops list their sellers.
    pub fn public(&self) -> PersonJson {
        PersonJson {
            name: self.name.clone(),
            email: self.email.clone(),
            role: self.role.clone(),
        }
    }

    /// `user/profile`: the public fields, the phone and the shop a seller
    /// manages.
    pub fn profile(&self, shop: Option<i64>) -> ProfileJson {
        ProfileJson {
            name: self.name.clone(),
            email: self.email.clone(),
            role: self.role.clone(),
            phone: self.phone.clone(),
            shop,
        }
    }
}

/// The `product` event: a product's stock and status after a change.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = shop::ProductNews)]
pub struct ProductNews<'a> {
    pub id: i64,
    pub shop: i64,
    pub stock_quantity: i64,
    pub status: &'a str,
}

/// A seller of a shop, or the customer of an order.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = shop::PersonJson)]
pub struct PersonJson {
    pub name: String,
    pub email: String,
    /// `CUSTOMER` or `SELLER`.
    pub role: String,
}

/// `user/profile`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = shop::ProfileJson)]
pub struct ProfileJson {
    pub name: String,
    pub email: String,
    pub role: String,
    pub phone: String,
    /// The id of the shop a seller manages (`null` for none and for
    /// customers), as the original's profile gives it; its pages open the
    /// seller's shop from it.
    pub shop: Option<i64>,
}

/// A shop as the seed shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = shop::ShopJson)]
pub struct ShopJson {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub description: String,
    pub create_date: String,
    pub sellers: Vec<PersonJson>,
}

/// An invitation code as the seed shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = shop::InvitationJson)]
pub struct InvitationJson {
    pub code: String,
    pub shop: i64,
    pub creator: i64,
    pub is_active: bool,
    pub created_at: String,
    /// Absent (`null`) for a code that never expires.
    pub expires_at: Option<String>,
    pub usage_limit: i64,
    pub usage_count: i64,
}

/// An order as the seed shows it: a copy of what was bought.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = shop::OrderJson)]
pub struct OrderJson {
    pub id: i64,
    pub shop: i64,
    /// `null` once the product is deleted.
    pub product: Option<i64>,
    pub product_name: String,
    pub price: String,
    pub quantity: i64,
    pub total_price: String,
    pub status: String,
    pub create_date: String,
    pub customer: PersonJson,
}

/// `upload`: where the image is served.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = shop::UploadJson)]
pub struct UploadJson {
    /// Absolute.
    pub url: String,
    pub path: String,
}

/// `user/login`: the session token (also set as the cookie).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = shop::TokenJson)]
pub struct TokenJson {
    pub token: String,
}

/// A shop with its sellers.
#[derive(Debug, Clone)]
pub struct Shop {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub description: String,
    pub created_us: i64,
    pub sellers: Vec<User>,
}

impl Shop {
    pub fn view(&self) -> ShopJson {
        ShopJson {
            id: self.id,
            name: self.name.clone(),
            address: self.address.clone(),
            description: self.description.clone(),
            create_date: format_time(self.created_us),
            sellers: self.sellers.iter().map(User::public).collect(),
        }
    }
}

/// An invitation code of a shop.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub code: String,
    pub shop_id: i64,
    pub creator_id: i64,
    pub is_active: bool,
    pub created_us: i64,
    pub expires_us: Option<i64>,
    pub usage_limit: i64,
    pub usage_count: i64,
}

impl Invitation {
    pub fn view(&self) -> InvitationJson {
        InvitationJson {
            code: self.code.clone(),
            shop: self.shop_id,
            creator: self.creator_id,
            is_active: self.is_active,
            created_at: format_time(self.created_us),
            expires_at: self.expires_us.map(format_time),
            usage_limit: self.usage_limit,
            usage_count: self.usage_count,
        }
    }
}

/// A product of a shop.
#[derive(Debug, Clone)]
pub struct Product {
    pub id: i64,
    pub shop_id: i64,
    pub name: String,
    pub description: String,
    pub price: i64,
    pub stock_quantity: i64,
    pub status: String,
    pub image_id: Option<i64>,
    pub created_us: i64,
    pub category_id: Option<i64>,
}

/// A product as the seed shows it (typed, so long lists serialize without
/// building a map per product).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = shop::ProductJson)]
pub struct ProductJson<'a> {
    id: i64,
    shop: i64,
    name: &'a str,
    description: &'a str,
    price: String,
    stock_quantity: i64,
    status: &'a str,
    create_date: String,
    /// Absolute; `null` without an image.
    image: Option<String>,
    /// Its category's id (`shop/category_list/`), `null` without one.
    category: Option<i64>,
}

impl Product {
    /// The seed's product; `image` absolute, built on `base_url`.
    pub fn wire<'a>(&'a self, base_url: &str) -> ProductJson<'a> {
        ProductJson {
            id: self.id,
            shop: self.shop_id,
            name: &self.name,
            description: &self.description,
            price: price_text(self.price),
            stock_quantity: self.stock_quantity,
            status: &self.status,
            create_date: format_time(self.created_us),
            image: self
                .image_id
                .map(|id| format!("{base_url}{}", crate::files::path_of(id))),
            category: self.category_id,
        }
    }
}

/// The product categories, as the original shop seeds its ten; a
/// category's id is its place here, from 1.
pub const CATEGORIES: [&str; 10] = [
    "电子数码",
    "服装鞋包",
    "家居日用",
    "图书文具",
    "食品饮料",
    "玩具乐器",
    "运动户外",
    "美妆个护",
    "汽车用品",
    "办公设备",
];

/// A category's id, checked: 1 to the number of categories.
pub fn category(id: Option<i64>) -> Result<Option<i64>, Error> {
    match id {
        Some(id) if !(1..=CATEGORIES.len() as i64).contains(&id) => Err(Error::Shop(format!(
            "category 应为 1 到 {} 的分类 id（见 shop/category_list/）",
            CATEGORIES.len()
        ))),
        other => Ok(other),
    }
}

/// A category in `shop/category_list/`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = shop::CategoryJson)]
pub struct CategoryJson {
    pub id: i64,
    pub name: &'static str,
}

/// `{"categories": [...]}`, as the original answers.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = shop::CategoriesJson)]
pub struct CategoriesJson {
    pub categories: Vec<CategoryJson>,
}

impl CategoriesJson {
    /// The categories of `ids` (every one when `None`).
    pub fn of(ids: Option<Vec<i64>>) -> CategoriesJson {
        let ids = ids.unwrap_or_else(|| (1..=CATEGORIES.len() as i64).collect());
        CategoriesJson {
            categories: ids
                .into_iter()
                .filter_map(|id| {
                    let name = CATEGORIES.get(usize::try_from(id - 1).ok()?)?;
                    Some(CategoryJson { id, name })
                })
                .collect(),
        }
    }
}

/// `GET /shop/` under `--compat shop`: one page of shops as the original
/// server pages its lists.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = shop::ShopPageJson)]
pub struct ShopPageJson {
    pub count: i64,
    pub next: Option<String>,
    pub previous: Option<String>,
    pub shops: Vec<ShopJson>,
    pub total_count: i64,
    pub total_page: i64,
    pub cur_page: i64,
}

/// `cart/`: a customer's cart, by shop, as the original answers it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = shop::CartJson)]
pub struct CartJson {
    pub shops: Vec<CartShopJson>,
}

/// The lines of one shop in a cart.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = shop::CartShopJson)]
pub struct CartShopJson {
    pub shop_id: i64,
    pub shop_name: String,
    pub items: Vec<CartLineJson>,
}

/// A line of a cart with what the cart page shows of its product.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = shop::CartLineJson)]
pub struct CartLineJson {
    pub item_id: i64,
    pub product_id: i64,
    pub product_name: String,
    pub product_stock_quantity: i64,
    pub product_status: String,
    pub quantity: i64,
    /// `"19.90"`, as prices are shown.
    pub price: String,
    pub total_price: String,
    /// Absolute; `null` without an image.
    pub image: Option<String>,
}

/// A line as `cart/add/` and `cart/update/` answer it: its product whole.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = shop::CartItemJson)]
pub struct CartItemJson<'a> {
    pub id: i64,
    pub product: ProductJson<'a>,
    pub product_id: i64,
    pub quantity: i64,
    pub updated_time: String,
}

/// One page of a product list.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = shop::ProductPage)]
pub struct ProductPage<'a> {
    pub count: i64,
    pub next: Option<String>,
    pub previous: Option<String>,
    pub products: Vec<ProductJson<'a>>,
}

/// The status a product's stock and the seller's wish give it.
pub fn status_for(stock: i64, off_sale: bool) -> &'static str {
    if off_sale {
        UNAVAILABLE
    } else if stock == 0 {
        SOLD_OUT
    } else {
        AVAILABLE
    }
}

/// An order: a copy of what was bought.
#[derive(Debug, Clone)]
pub struct Order {
    pub id: i64,
    pub customer: User,
    pub shop_id: i64,
    pub product_id: Option<i64>,
    pub product_name: String,
    pub unit_price: i64,
    pub quantity: i64,
    pub total_price: i64,
    pub status: String,
    pub created_us: i64,
}

impl Order {
    pub fn view(&self) -> OrderJson {
        OrderJson {
            id: self.id,
            shop: self.shop_id,
            product: self.product_id,
            product_name: self.product_name.clone(),
            price: price_text(self.unit_price),
            quantity: self.quantity,
            total_price: price_text(self.total_price),
            status: self.status.clone(),
            create_date: format_time(self.created_us),
            customer: self.customer.public(),
        }
    }
}

/// Cents as the seed's price string: `"19.90"`.
pub fn price_text(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

// ---- list queries

/// How a product list is ordered (`?ordering=`); each has an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ordering {
    Oldest,
    Newest,
    Cheapest,
    Dearest,
}

impl Ordering {
    pub fn parse(text: Option<&str>) -> Result<Ordering, Error> {
        match text.map(str::trim) {
            None | Some("" | "id" | "create_date") => Ok(Ordering::Oldest),
            Some("-id" | "-create_date") => Ok(Ordering::Newest),
            Some("price") => Ok(Ordering::Cheapest),
            Some("-price") => Ok(Ordering::Dearest),
            Some(_) => Err(shop_error(
                "ordering 可取 id、-id、create_date、-create_date、price、-price",
            )),
        }
    }

    /// The ORDER BY clause.
    pub fn sql(self) -> &'static str {
        match self {
            Ordering::Oldest => "id",
            Ordering::Newest => "id DESC",
            Ordering::Cheapest => "price, id",
            Ordering::Dearest => "price DESC, id DESC",
        }
    }

    /// The ascending ordering this one walks, and whether it walks it from
    /// the end: each ordering and its reverse share one remembered order.
    pub fn ascending(self) -> (Ordering, bool) {
        match self {
            Ordering::Oldest => (Ordering::Oldest, false),
            Ordering::Newest => (Ordering::Oldest, true),
            Ordering::Cheapest => (Ordering::Cheapest, false),
            Ordering::Dearest => (Ordering::Cheapest, true),
        }
    }
}

/// Which products a list shows.
#[derive(Debug, Clone, Default)]
pub struct ProductFilter {
    pub shop_id: Option<i64>,
    /// Only this category's.
    pub category: Option<i64>,
    /// Matched anywhere in the name or description.
    pub q: Option<String>,
}

impl ProductFilter {
    /// A key for remembered totals.
    pub fn key(&self) -> String {
        format!(
            "{:?}|{:?}|{}",
            self.shop_id,
            self.category,
            self.q.as_deref().unwrap_or("")
        )
    }
}

/// `?page=`: 1-based, 1 when left out.
pub fn page_number(page: Option<i64>) -> Result<i64, Error> {
    match page {
        None => Ok(1),
        Some(page) if page >= 1 => Ok(page),
        _ => Err(shop_error("page 应为正整数")),
    }
}

// ---- client values

/// A required text field, trimmed, at most `max` characters.
pub fn required_text(text: Text, name: &str, max: usize) -> Result<String, Error> {
    Ok(optional_text(Some(text.0), name, max)?.unwrap_or_default())
}

/// Optional text, trimmed, at most `max` characters, no control characters
/// except line breaks.
pub fn optional_text(
    text: Option<String>,
    name: &str,
    max: usize,
) -> Result<Option<String>, Error> {
    let Some(text) = text else {
        return Ok(None);
    };
    let text = text.trim().to_string();
    if text.chars().count() > max {
        return Err(shop_error(format!("{name} 不能超过 {max} 个字符")));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r')
    {
        return Err(shop_error(format!("{name} 不能含控制字符")));
    }
    Ok(Some(text))
}

/// An e-mail address, lower-cased.
pub fn check_email(email: &str) -> Result<String, Error> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 100
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(name, host)| {
            !name.is_empty() && host.contains('.') && !host.contains('@')
        });
    if valid {
        Ok(email)
    } else {
        Err(shop_error("email 格式不正确"))
    }
}

/// Digits, `+`, `-` and spaces; 3 to 20 characters.
pub fn check_phone(phone: &str) -> Result<String, Error> {
    let phone = phone.trim();
    let valid = (3..=20).contains(&phone.len())
        && phone
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' '));
    if valid {
        Ok(phone.to_string())
    } else {
        Err(shop_error("phone 应为电话号码"))
    }
}

/// The largest price: one million yuan.
pub const MAX_PRICE: i64 = 1_000_000 * 100;
/// The largest stock of one product.
pub const MAX_STOCK: i64 = 1_000_000_000;

/// A price in yuan with at most two decimals, as cents.
pub fn price(price: Option<Cents>) -> Result<Option<i64>, Error> {
    match price {
        Some(Cents(cents)) if cents > MAX_PRICE => Err(shop_error(
            "price 应为不超过 1000000 的金额，最多两位小数，如 19.90",
        )),
        cents => Ok(cents.map(|c| c.0)),
    }
}

/// A stock count, 0 or more.
pub fn stock(stock: Option<i64>) -> Result<Option<i64>, Error> {
    match stock {
        Some(n) if !(0..=MAX_STOCK).contains(&n) => {
            Err(shop_error("stock_quantity 应为 0 或正整数"))
        }
        n => Ok(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_strings_with_two_decimals() {
        assert_eq!(price_text(1990), "19.90");
        assert_eq!(price_text(5), "0.05");
        assert_eq!(price_text(999_998), "9999.98");
    }

    #[test]
    fn status_follows_stock_unless_taken_off_sale() {
        assert_eq!(status_for(0, false), SOLD_OUT);
        assert_eq!(status_for(3, false), AVAILABLE);
        assert_eq!(status_for(3, true), UNAVAILABLE);
    }

    #[test]
    fn orderings_name_indexed_columns() {
        assert_eq!(Ordering::parse(Some("-price")).unwrap(), Ordering::Dearest);
        assert_eq!(Ordering::parse(None).unwrap(), Ordering::Oldest);
        assert!(Ordering::parse(Some("name; DROP TABLE")).is_err());
    }
}
