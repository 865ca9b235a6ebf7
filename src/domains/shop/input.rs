//! Shop's typed inputs: one struct per request shape, decoded from the body
//! or query by [`crate::body::Form::decode`] after the session and role
//! checks. Their schemas are the request schemas of `/openapi.json`. A
//! field left out answers `缺少参数 <name>`; a number of the wrong form
//! answers the field's own message ([`wrong_value`]).

use serde::Deserialize;
use utoipa::ToSchema;

use crate::body::{Attachment, Cents, Text};

/// What a wrong value of a numeric field answers (text fields answer the
/// shared "`name` must be a string").
pub fn wrong_value(field: &str) -> Option<&'static str> {
    Some(match field {
        "page" => "page 应为正整数",
        "price" => "price 应为不超过 1000000 的金额，最多两位小数，如 19.90",
        "stock_quantity" => "stock_quantity 应为 0 或正整数",
        "product_id" => "product_id 应为整数",
        "quantity" => "quantity 应为 1 到 1000 的整数",
        "expires_in_days" => "expires_in_days 应为 1 到 3650 的天数",
        "usage_limit" => "usage_limit 应为 1 到 10000 的次数",
        _ => return None,
    })
}

/// `user/register/customer` and `user/register/seller`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = shop::Registration)]
pub struct Registration {
    #[schema(value_type = String)]
    pub name: Text,
    #[schema(value_type = String)]
    pub phone: Text,
    #[schema(value_type = String)]
    pub email: Text,
    pub password: String,
}

/// `user/login`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = shop::Credentials)]
pub struct Credentials {
    #[schema(value_type = String)]
    pub email: Text,
    pub password: String,
}

/// `user/change-password`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = shop::PasswordChange)]
pub struct PasswordChange {
    pub old_password: String,
    /// Also read as `password`, the original server's name.
    #[serde(alias = "password")]
    pub new_password: String,
    /// Also read as `password_confirm`, the original server's name.
    #[serde(alias = "password_confirm")]
    pub confirm_new_password: String,
}

/// `shop/create`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = shop::NewShop)]
pub struct NewShop {
    #[schema(value_type = String)]
    pub name: Text,
    pub address: Option<String>,
    pub description: Option<String>,
}

/// `shop/{id}/create_invitation_code`: no `expires_in_days` is forever,
/// `usage_limit` defaults to 1.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = shop::InvitationRequest)]
pub struct InvitationRequest {
    pub expires_in_days: Option<i64>,
    pub usage_limit: Option<i64>,
}

/// `shop/join_by_code`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = shop::Join)]
pub struct Join {
    #[schema(required, value_type = String)]
    pub invitation_code: Option<String>,
}

/// `shop/{id}/product/add`: `image` is a file part or a `/files/{id}`
/// link; `status` is `Available` or `Unavailable`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = shop::NewProduct)]
pub struct NewProduct {
    #[schema(value_type = String)]
    pub name: Text,
    #[schema(value_type = f64)]
    pub price: Cents,
    pub description: Option<String>,
    pub stock_quantity: Option<i64>,
    pub status: Option<String>,
    #[schema(value_type = Option<String>, format = Binary)]
    pub image: Option<Attachment>,
    /// A category id from `shop/category_list/`.
    pub category: Option<i64>,
}

/// `shop/{id}/product/{pid}/update`: the fields sent change.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = shop::ProductChange)]
pub struct ProductChange {
    pub name: Option<String>,
    pub description: Option<String>,
    #[schema(value_type = Option<f64>)]
    pub price: Option<Cents>,
    pub stock_quantity: Option<i64>,
    pub status: Option<String>,
    #[schema(value_type = Option<String>, format = Binary)]
    pub image: Option<Attachment>,
    /// A category id from `shop/category_list/`.
    pub category: Option<i64>,
}

/// The product lists: `page` of 10 (from 1), `q` searched in names and
/// descriptions, `ordering` one of `price`, `-price`, `created_at`,
/// `-created_at`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = shop::ProductQuery)]
pub struct ProductQuery {
    pub page: Option<i64>,
    /// Only this category's products.
    pub category: Option<i64>,
    pub q: Option<String>,
    pub ordering: Option<String>,
}

/// `order/create`: `quantity` defaults to 1.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = shop::NewOrder)]
pub struct NewOrder {
    pub product_id: i64,
    pub quantity: Option<i64>,
}

/// `upload`: one image file (`file`, or the only file sent).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = shop::ImageUpload)]
pub struct ImageUpload {
    #[schema(required, value_type = String, format = Binary)]
    pub file: Option<Attachment>,
}

/// `GET /shop/` under `--compat shop`: the page, from 1.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = shop::ShopPage)]
pub struct ShopPage {
    pub page: Option<i64>,
}

/// `cart/add/`: `product_id` (also `productId`, as one revision of the
/// original front-end sent it) and `quantity` (1 when left out).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = shop::CartAdd)]
pub struct CartAdd {
    #[serde(alias = "productId")]
    pub product_id: i64,
    pub quantity: Option<i64>,
}

/// `cart/update/`: a line's new quantity; 0 or less takes it out.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = shop::CartUpdate)]
pub struct CartUpdate {
    pub item_id: i64,
    pub quantity: i64,
}

/// `cart/delete/`: the line to take out.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = shop::CartItemId)]
pub struct CartItemId {
    pub item_id: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::{DecodeError, Form};

    fn form(json: &str) -> Form {
        Form::from_json(json).unwrap()
    }

    #[test]
    fn numbers_may_come_as_text() {
        let product: NewProduct = form(r#"{"name": "茶", "price": "19.9", "stock_quantity": "3"}"#)
            .decode()
            .unwrap();
        assert_eq!(
            (product.price, product.stock_quantity),
            (Cents(1990), Some(3))
        );
        assert!(product.image.is_none());
        let order: NewOrder = form(r#"{"product_id": "7"}"#).decode().unwrap();
        assert_eq!((order.product_id, order.quantity), (7, None));
    }

    #[test]
    fn the_first_missing_field_is_named() {
        let error = form(r#"{"name": "a", "phone": "1"}"#)
            .decode::<Registration>()
            .unwrap_err();
        assert!(
            matches!(error, DecodeError::Missing(ref f) if f == "email"),
            "{error}"
        );
    }

    #[test]
    fn numeric_fields_have_their_own_message() {
        let DecodeError::Field(error) = form(r#"{"name": "a", "price": "1.234"}"#)
            .decode::<NewProduct>()
            .unwrap_err()
        else {
            panic!("not a field error")
        };
        assert_eq!(error.field, "price");
        assert!(wrong_value(&error.field).is_some_and(|m| m.starts_with("price 应为")));
        assert_eq!(wrong_value("name"), None);
    }
}
