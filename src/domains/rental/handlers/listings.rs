//! Listings.

use super::*;

/// A page of open listings and the total: remembered until the table
/// changes, else from the in-memory copy of the houses, else counted.
async fn list(call: Call, table: Table) -> Result<Keys, Error> {
    let form = call.input?;
    let orderings = if table == Table::Houses { 4 } else { 2 };
    let query = ListQuery::from_form(&form, orderings)?;
    let (app, base_url, counts) = (call.app, call.base_url, call.counts);
    let filter = query.filter_key();
    let totals = counts.totals(table);
    let remembered = totals.get(&app.db, &filter);
    let stamp = totals.stamp(&app.db);
    let snapshot = match (table, remembered) {
        (Table::Houses, None) => counts.current(&app),
        _ => None,
    };
    let (page, total, counted_in_sql) = app
        .db
        .read(move |conn| {
            let page = store::list_page(conn, table, &query)?;
            let len = page.len() as i64;
            let mut counted_in_sql = false;
            let total = match (remembered, snapshot) {
                (Some(total), _) => total,
                // A short page that is not past the end is the last one:
                // the total is known without counting.
                _ if len > 0 && len < query.page_size => query.seq * query.page_size + len,
                _ if len == 0 && query.seq == 0 => 0,
                (None, Some(snapshot)) => snapshot.count(&query),
                (None, None) => {
                    counted_in_sql = true;
                    store::list_total(conn, table, &query)?
                }
            };
            Ok::<_, Error>((page, total, counted_in_sql))
        })
        .await?;
    if remembered.is_none() {
        totals.put(filter, stamp, total);
    }
    if counted_in_sql && table == Table::Houses {
        counts.refresh(&app);
    }
    let items: Vec<Value> = page
        .iter()
        .map(|s| match table {
            Table::Houses => s.house_item(&base_url),
            Table::Demands => s.demand_item(),
        })
        .collect();
    Ok(keys(json!({ "houses": items, "total": total })))
}

/// POST /gethouselist
pub async fn house_list(call: Call) -> Result<Keys, Error> {
    list(call, Table::Houses).await
}

/// POST /getrentallist
pub async fn demand_list(call: Call) -> Result<Keys, Error> {
    list(call, Table::Demands).await
}

async fn info(call: Call, table: Table, id_field: &str) -> Result<Keys, Error> {
    let form = call.input?;
    let id = required_id(&form, id_field)?;
    let stored = call
        .app
        .db
        .read(move |conn| store::listing(conn, table, id))
        .await?
        .ok_or_else(|| match table {
            Table::Houses => failed(format!("房屋 {id} 不存在")),
            Table::Demands => failed(format!("求租信息 {id} 不存在")),
        })?;
    Ok(keys(match table {
        Table::Houses => stored.house_info(&call.base_url),
        Table::Demands => stored.demand_info(),
    }))
}

/// POST /data/house-info
pub async fn house_info(call: Call) -> Result<Keys, Error> {
    info(call, Table::Houses, "house_id").await
}

/// POST /data/rental-info
pub async fn demand_info(call: Call) -> Result<Keys, Error> {
    info(call, Table::Demands, "rental_id").await
}

/// Adds (`id_field` None) or replaces a listing of the caller's.
async fn save(call: Call, table: Table, id_field: Option<&str>) -> Result<Keys, Error> {
    let form = call.input?;
    let caller = logged_in(&call.app, call.token).await?;
    let id = id_field
        .map(|field| required_id(&form, field))
        .transpose()?;
    let kind = match table {
        Table::Houses => ListingKind::House,
        Table::Demands => ListingKind::Demand,
    };
    let listing = model::listing(&form, kind)?;
    let (owner, now) = (caller.id, clock::now());
    let app = call.app;
    let id = app
        .db
        .write(move |tx| match id {
            Some(id) => store::update_listing(tx, table, owner, id, &listing, now).map(|()| id),
            None => store::insert_listing(tx, table, owner, &listing, now),
        })
        .await?;
    Ok(keys(match table {
        Table::Houses => json!({ "house_id": id }),
        Table::Demands => json!({ "rental_id": id }),
    }))
}

/// POST /data/addhouse
pub async fn add_house(call: Call) -> Result<Keys, Error> {
    save(call, Table::Houses, None).await
}

/// POST /data/addrental
pub async fn add_demand(call: Call) -> Result<Keys, Error> {
    save(call, Table::Demands, None).await
}

/// POST /modify/house
pub async fn modify_house(call: Call) -> Result<Keys, Error> {
    save(call, Table::Houses, Some("house_id")).await
}

/// POST /modify/rental
pub async fn modify_demand(call: Call) -> Result<Keys, Error> {
    save(call, Table::Demands, Some("rental_id")).await
}

async fn delete(call: Call, table: Table) -> Result<Keys, Error> {
    let form = call.input?;
    let caller = logged_in(&call.app, call.token).await?;
    let id = required_id(&form, "id")?;
    let owner = caller.id;
    let app = call.app;
    app.db
        .write(move |tx| store::delete_listing(tx, table, owner, id))
        .await?;
    Ok(Keys::new())
}

/// POST /delete/house/
pub async fn delete_house(call: Call) -> Result<Keys, Error> {
    delete(call, Table::Houses).await
}

/// POST /delete/demand/
pub async fn delete_demand(call: Call) -> Result<Keys, Error> {
    delete(call, Table::Demands).await
}

async fn mine(call: Call, table: Table) -> Result<Keys, Error> {
    call.input?;
    let caller = logged_in(&call.app, call.token).await?;
    let owner = caller.id;
    let data = call
        .app
        .db
        .read(move |conn| store::listings_of(conn, table, owner))
        .await?;
    Ok(keys(json!({ "data": data })))
}

/// POST /data/user-published
pub async fn user_published(call: Call) -> Result<Keys, Error> {
    mine(call, Table::Houses).await
}

/// POST /data/user-asked
pub async fn user_asked(call: Call) -> Result<Keys, Error> {
    mine(call, Table::Demands).await
}

/// POST /data/uploadfile/: a multipart `file`, images only.
pub async fn upload(call: Call) -> Result<Keys, Error> {
    let form = call.input?;
    logged_in(&call.app, call.token).await?;
    let file = form
        .files()
        .iter()
        .find(|f| f.field == "file")
        .or_else(|| form.files().first())
        .ok_or_else(|| failed("请用 multipart/form-data 上传字段 file"))?
        .bytes
        .clone();
    let now = clock::now();
    let id = call
        .app
        .db
        .write(move |tx| Ok::<_, Error>(crate::files::store(tx, DOMAIN, &file, now)?))
        .await?;
    Ok(keys(
        json!({ "url": format!("{}{}", call.base_url, crate::files::path_of(id)) }),
    ))
}
