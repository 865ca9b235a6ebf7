//! Orders.

use super::*;

/// POST /order/create: a customer buys `quantity` (default 1) of
/// `product_id`.
pub async fn create_order(call: Call, caller: Caller) -> Result<Said<OrderJson>, Error> {
    let form = call.input?;
    if caller.role != CUSTOMER {
        return Err(Error::Role("只有买家可以下单".into()));
    }
    let input::NewOrder {
        product_id,
        quantity,
    } = decode(&form)?;
    let quantity = match quantity {
        None => 1,
        Some(q) if (1..=1000).contains(&q) => q,
        _ => return Err(shop_error("quantity 应为 1 到 1000 的整数")),
    };
    let customer = caller.id;
    let now = clock::now_micros();
    let order = call
        .app
        .db
        .write(move |tx| store::buy(tx, customer, product_id, quantity, now))
        .await?;
    Ok(said("下单成功", order.view()))
}

/// GET /order/list: the caller's orders, newest first.
pub async fn my_orders(call: Call, caller: Caller) -> Result<Said<Vec<OrderJson>>, Error> {
    let customer = caller.id;
    let orders = call
        .app
        .db
        .read(move |conn| store::orders(conn, Some(customer), None))
        .await?;
    Ok(said(
        "查询返回成功",
        orders.iter().map(model::Order::view).collect::<Vec<_>>(),
    ))
}
