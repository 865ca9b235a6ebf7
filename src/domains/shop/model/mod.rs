//! Shop's data as the handlers see it, the checks on client values, and
//! the seed's JSON shapes (prices as strings `"19.90"`, times as RFC 3339
//! with microseconds, images as absolute URLs).

use std::borrow::Cow;

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

// Its text is borrowed from the stored row where the row stays (a
// remembered page) and moved out of it where the row is the handler's own,
// so no answer copies it.
/// A product as the seed shows it (typed, so long lists serialize without
/// building a map per product).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = shop::ProductJson)]
pub struct ProductJson<'a> {
    id: i64,
    shop: i64,
    #[schema(value_type = String)]
    name: Cow<'a, str>,
    #[schema(value_type = String)]
    description: Cow<'a, str>,
    price: String,
    stock_quantity: i64,
    #[schema(value_type = String)]
    status: Cow<'a, str>,
    create_date: String,
    /// Absolute; `null` without an image.
    image: Option<String>,
    /// Its category's id (`shop/category_list/`), `null` without one.
    category: Option<i64>,
}

impl Product {
    /// The seed's product, borrowing this row's text; `image` absolute,
    /// built on `base_url`.
    pub fn wire(&self, base_url: &str) -> ProductJson<'_> {
        self.json(
            [&self.name, &self.description, &self.status].map(|text| Cow::Borrowed(text.as_str())),
            base_url,
        )
    }

    /// The seed's product, taking this row's text.
    pub fn into_wire(mut self, base_url: &str) -> ProductJson<'static> {
        let text = [&mut self.name, &mut self.description, &mut self.status]
            .map(|text| Cow::Owned(std::mem::take(text)));
        self.json(text, base_url)
    }

    fn json<'a>(
        &self,
        [name, description, status]: [Cow<'a, str>; 3],
        base_url: &str,
    ) -> ProductJson<'a> {
        ProductJson {
            id: self.id,
            shop: self.shop_id,
            name,
            description,
            price: price_text(self.price),
            stock_quantity: self.stock_quantity,
            status,
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

mod queries;
mod values;
mod views;

pub use queries::*;
pub use values::*;
pub use views::*;

// What handlers answer (their schemas in the API docs).
crate::shaped!(ProductJson<'static>);

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
