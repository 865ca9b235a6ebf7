//! Shop's answers in the seed's shapes (and the original's, for what the
//! seed leaves out), typed: their schemas are the `data` of
//! `/openapi.json`.

use super::*;

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

/// `GET /shop/`: every shop, or under `--compat shop` a page of them.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum ShopList {
    All(Vec<ShopJson>),
    Page(ShopPageJson),
}

/// The document's shape (the page is the original's, for its pages).
impl crate::endpoint::Shaped for ShopList {
    const SCHEMA: Option<crate::endpoint::SchemaFn> =
        <Vec<ShopJson> as crate::endpoint::Shaped>::SCHEMA;
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
pub struct CartItemJson {
    pub id: i64,
    pub product: ProductJson<'static>,
    pub product_id: i64,
    pub quantity: i64,
    pub updated_time: String,
}

/// One page of a product list.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = shop::ProductPage)]
pub struct ProductPage<'a> {
    pub count: i64,
    pub next: Option<&'a str>,
    pub previous: Option<&'a str>,
    pub products: Vec<ProductJson<'a>>,
}

/// A page as a handler answers it: the remembered rows, wired as the
/// answer is serialized, so no answer copies their text.
pub struct PageOfProducts {
    pub count: i64,
    pub next: Option<String>,
    pub previous: Option<String>,
    pub rows: std::sync::Arc<Vec<super::Product>>,
    pub base_url: String,
}

impl Serialize for PageOfProducts {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        ProductPage {
            count: self.count,
            next: self.next.as_deref(),
            previous: self.previous.as_deref(),
            products: self
                .rows
                .iter()
                .map(|row| row.wire(&self.base_url))
                .collect(),
        }
        .serialize(serializer)
    }
}

impl crate::endpoint::Shaped for PageOfProducts {
    const SCHEMA: Option<crate::endpoint::SchemaFn> =
        Some(crate::endpoint::schema_of::<ProductPage<'static>>);
}

// What handlers answer (their schemas in the API docs).
crate::shaped!(
    CartItemJson,
    CartJson,
    CategoriesJson,
    InvitationJson,
    OrderJson,
    ProfileJson,
    ShopJson,
    TokenJson,
    UploadJson,
);
