//! The customer's cart and the product categories, as the original shop
//! and its front-end have them (not in the seed).

use super::*;
use crate::domains::shop::model::{
    CartItemJson, CartJson, CartLineJson, CartShopJson, CategoriesJson, price_text,
};
use crate::domains::shop::store::CartLine;

fn image_of(line: &CartLine, base_url: &str) -> Option<String> {
    line.product
        .image_id
        .map(|id| format!("{base_url}{}", crate::files::path_of(id)))
}

/// GET /cart/: the caller's cart, by shop.
pub async fn cart(call: Call, Customer(user): Customer) -> Result<Said<CartJson>, Error> {
    let lines = call
        .app
        .db
        .read(move |conn| store::cart(conn, user.id))
        .await?;
    let mut shops: Vec<CartShopJson> = Vec::new();
    for line in &lines {
        let item = CartLineJson {
            item_id: line.item_id,
            product_id: line.product.id,
            product_name: line.product.name.clone(),
            product_stock_quantity: line.product.stock_quantity,
            product_status: line.product.status.clone(),
            quantity: line.quantity,
            price: price_text(line.product.price),
            total_price: price_text(line.product.price.saturating_mul(line.quantity)),
            image: image_of(line, &call.extra.base_url),
        };
        match shops.last_mut() {
            Some(shop) if shop.shop_id == line.product.shop_id => shop.items.push(item),
            _ => shops.push(CartShopJson {
                shop_id: line.product.shop_id,
                shop_name: line.shop_name.clone(),
                items: vec![item],
            }),
        }
    }
    Ok(said("", CartJson { shops }))
}

/// A line as add and update answer it.
fn item_view(line: CartLine, base_url: &str) -> CartItemJson {
    CartItemJson {
        id: line.item_id,
        product_id: line.product.id,
        quantity: line.quantity,
        updated_time: crate::clock::format_rfc3339_micros(line.updated_us),
        product: line.product.into_wire(base_url),
    }
}

/// POST /cart/add/: `quantity` (1 by default) of a product on sale.
pub async fn add_to_cart(
    call: Call,
    Customer(user): Customer,
    Input(input::CartAdd {
        product_id,
        quantity,
    }): Input<input::CartAdd>,
) -> Result<Said<CartItemJson>, Error> {
    let quantity = match quantity {
        None => 1,
        Some(q) if (1..=store::MOST_IN_CART).contains(&q) => q,
        _ => return Err(shop_error("quantity 应为 1 到 1000 的整数")),
    };
    let now_us = clock::now_micros();
    let line = call
        .app
        .db
        .write(move |tx| {
            let id = store::add_to_cart(tx, user.id, product_id, quantity, now_us)?;
            store::cart_line(tx, user.id, id)
        })
        .await?;
    Ok(said(
        "加入购物车成功",
        item_view(line, &call.extra.base_url),
    ))
}

/// PUT /cart/update/: a line's quantity; 0 or less takes it out.
pub async fn update_cart(
    call: Call,
    Customer(user): Customer,
    Input(input::CartUpdate { item_id, quantity }): Input<input::CartUpdate>,
) -> Result<Said<Option<CartItemJson>>, Error> {
    if quantity > store::MOST_IN_CART {
        return Err(shop_error("quantity 不能超过 1000"));
    }
    let now_us = clock::now_micros();
    let line = call
        .app
        .db
        .write(move |tx| {
            if store::set_cart_quantity(tx, user.id, item_id, quantity, now_us)? {
                store::cart_line(tx, user.id, item_id).map(Some)
            } else {
                Ok(None)
            }
        })
        .await?;
    match line {
        Some(line) => Ok(said(
            "购物车已更新",
            Some(item_view(line, &call.extra.base_url)),
        )),
        None => Ok(said("商品已从购物车移除", None)),
    }
}

/// DELETE /cart/delete/: takes a line out.
pub async fn remove_from_cart(
    call: Call,
    Customer(user): Customer,
    Input(input::CartItemId { item_id }): Input<input::CartItemId>,
) -> Result<Said<()>, Error> {
    call.app
        .db
        .write(move |tx| store::remove_from_cart(tx, user.id, item_id))
        .await?;
    Ok(said("商品已从购物车移除", ()))
}

/// GET /shop/category_list/: every category.
pub async fn categories(call: Call) -> Result<Said<CategoriesJson>, Error> {
    call.input?;
    Ok(said("", CategoriesJson::of(None)))
}

/// GET /shop/{id}/category_list/: the categories of a shop's products.
pub async fn shop_categories(shop_id: i64, call: Call) -> Result<Said<CategoriesJson>, Error> {
    call.input?;
    let ids = call
        .app
        .db
        .read(move |conn| {
            store::existing_shop(conn, shop_id)?;
            store::shop_categories(conn, shop_id)
        })
        .await?;
    Ok(said("", CategoriesJson::of(Some(ids))))
}
