//! Shops.

use super::*;

/// GET /shop: every shop with its sellers; under `--compat shop`, a page
/// of ten (`?page=`) in the original's `{count, next, previous, shops,
/// total_count, total_page, cur_page}`, which its shop list reads.
pub async fn shops(call: Call) -> Result<Said<model::ShopList>, Error> {
    let form = call.input?;
    let shops = call.app.db.read(store::shops).await?;
    let views: Vec<_> = shops.iter().map(model::Shop::view).collect();
    if !call.app.compat(DOMAIN) {
        return Ok(said("查询所有商铺成功", model::ShopList::All(views)));
    }
    let input::ShopPage { page } = decode(&form)?;
    let page = model::page_number(page)?;
    let total_count = i64::try_from(views.len()).unwrap_or(i64::MAX);
    let total_page = ((total_count + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    if page > total_page {
        return Err(Error::NotFound("无效页面。".into()));
    }
    let link = |page: i64| format!("{}{}?page={page}", call.extra.base_url, call.extra.path);
    let start = usize::try_from((page - 1) * PAGE_SIZE).unwrap_or(usize::MAX);
    let data = model::ShopPageJson {
        count: total_count,
        next: (page < total_page).then(|| link(page + 1)),
        previous: (page > 1).then(|| link(page - 1)),
        shops: views
            .into_iter()
            .skip(start)
            .take(PAGE_SIZE as usize)
            .collect(),
        total_count,
        total_page,
        cur_page: page,
    };
    Ok(said("查询返回成功", model::ShopList::Page(data)))
}

/// POST /shop/create: a seller's one shop.
pub async fn create_shop(
    call: Call,
    Seller(user): Seller,
    Input(input): Input<input::NewShop>,
) -> Result<Said<ShopJson>, Error> {
    let name = required_text(input.name, "name", 64)?;
    let address = optional_text(input.address, "address", 200)?.unwrap_or_default();
    let description = optional_text(input.description, "description", 2000)?.unwrap_or_default();
    let now = clock::now_micros();
    let shop = call
        .app
        .db
        .write(move |tx| {
            let id = store::create_shop(tx, user.id, &name, &address, &description, now)?;
            store::existing_shop(tx, id)
        })
        .await?;
    Ok(said("商铺创建成功", shop.view()))
}

/// GET /shop/{id}/info
pub async fn shop_info(shop_id: i64, call: Call) -> Result<Said<ShopJson>, Error> {
    call.input?;
    let shop = call
        .app
        .db
        .lookup(move |conn| store::existing_shop(conn, shop_id))
        .await?;
    Ok(said("", shop.view()))
}

/// Letters and digits of invitation codes.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// POST /shop/{id}/create_invitation_code: `expires_in_days` (none =
/// forever), `usage_limit` (default 1).
pub async fn create_invitation(
    shop_id: i64,
    call: Call,
    Seller(user): Seller,
    Input(request): Input<input::InvitationRequest>,
) -> Result<Said<InvitationJson>, Error> {
    let days = match request.expires_in_days {
        None => None,
        Some(days) if (1..=3650).contains(&days) => Some(days),
        _ => return Err(shop_error("expires_in_days 应为 1 到 3650 的天数")),
    };
    let usage_limit = match request.usage_limit {
        None => 1,
        Some(limit) if (1..=10_000).contains(&limit) => limit,
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
    Ok(said("邀请码生成成功", invitation.view()))
}

/// POST /shop/join_by_code: a seller with no shop joins by `invitation_code`.
pub async fn join_by_code(
    call: Call,
    Seller(user): Seller,
    Input(input::Join { invitation_code }): Input<input::Join>,
) -> Result<Said<ShopJson>, Error> {
    let code = invitation_code
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
    Ok(said("加入商铺成功", shop.view()))
}

/// GET /shop/{id}/orders: the shop's orders, for its sellers.
pub async fn shop_orders(
    shop_id: i64,
    call: Call,
    Seller(user): Seller,
) -> Result<Said<Vec<OrderJson>>, Error> {
    let orders = call
        .app
        .db
        .read(move |conn| {
            store::check_manages(conn, user.id, shop_id)?;
            store::orders(conn, None, Some(shop_id))
        })
        .await?;
    Ok(said(
        "查询返回成功",
        orders.iter().map(model::Order::view).collect::<Vec<_>>(),
    ))
}
