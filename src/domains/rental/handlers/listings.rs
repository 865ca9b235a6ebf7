//! Listings.

use super::*;

/// A page of open listings and the total: a house list's from its
/// remembered order or the in-memory copy of the houses, else from SQLite
/// (with the total remembered until the table changes, or counted).
async fn list(call: Call, table: Table) -> Result<(Arc<Vec<Stored>>, i64, String), Error> {
    let filters = decode_with(&call.input?, |wrong| {
        wrong
            .field
            .starts_with("range_of_")
            .then(|| model::bad_range(&wrong.field))
    })?;
    let orderings = if table == Table::Houses { 4 } else { 2 };
    let query = ListQuery::from_filters(filters, orderings)?;
    let (app, base_url, lists) = (call.app, call.extra.base_url, call.extra.lists);
    if table == Table::Houses {
        match ordered_page(&app, &lists, &query).await? {
            Some((page, total)) => return Ok((page, total, base_url)),
            None => lists.refresh(&app),
        }
    }
    let filter = query.filter_key();
    let totals = lists.totals(table);
    let remembered = totals.get(&app.db, &filter);
    let stamp = totals.stamp(&app.db);
    let (page, total) = app
        .db
        .read(move |conn| {
            let page = store::list_page(conn, table, &query)?;
            let len = page.len() as i64;
            let total = match remembered {
                Some(total) => total,
                // A short page that is not past the end is the last one:
                // the total is known without counting.
                _ if len > 0 && len < query.page_size => query.seq * query.page_size + len,
                _ if len == 0 && query.seq == 0 => 0,
                None => store::list_total(conn, table, &query)?,
            };
            Ok::<_, Error>((page, total))
        })
        .await?;
    if remembered.is_none() {
        totals.put(filter, stamp, total);
    }
    Ok((Arc::new(page), total, base_url))
}

/// A page cut from the list's order: remembered (the page itself, or the
/// order), or found in the copy of the houses (and then remembered).
/// `None` while there is no copy.
async fn ordered_page(
    app: &SharedApp,
    lists: &Lists,
    query: &ListQuery,
) -> Result<Option<Page>, Error> {
    let key = Lists::order_key(query);
    let page_key = format!("{key}|{}|{}|{}", query.orderby, query.seq, query.page_size);
    // One stamp for both: they are read from the houses alone.
    let stamp = lists.orders().stamp(&app.db);
    if let Some(page) = lists.pages().get(&app.db, &page_key) {
        return Ok(Some(page));
    }
    let remembered = lists.orders().get(&app.db, &key);
    let snapshot = match remembered {
        Some(_) => None,
        None => match lists.current(app) {
            Some(snapshot) => Some(snapshot),
            None => return Ok(None),
        },
    };
    let found = remembered.is_none();
    let (seq, page_size) = (query.seq, query.page_size);
    let backwards = Lists::ascending(query.orderby).1;
    let query = query.clone();
    let (page, order) = app
        .db
        .read(move |conn| {
            let order = match (remembered, snapshot) {
                (Some(order), _) => order,
                (None, Some(snapshot)) => Arc::new(snapshot.order(&query)),
                (None, None) => Arc::default(),
            };
            let offset = seq.saturating_mul(page_size);
            let ids = crate::cache::page_of(&order, offset, page_size, backwards);
            let page = store::listings_by_ids(conn, Table::Houses, &ids)?;
            Ok::<_, Error>((Arc::new(page), order))
        })
        .await?;
    let page = (page, order.len() as i64);
    if found {
        lists.orders().put(key, stamp, order);
    }
    lists.pages().put(page_key, stamp, page.clone());
    Ok(Some(page))
}

/// POST /gethouselist
pub async fn house_list(call: Call) -> Result<model::HousePage, Error> {
    let (page, total, base_url) = list(call, Table::Houses).await?;
    let houses = page.iter().map(|s| s.house_item(&base_url)).collect();
    Ok(model::HousePage { houses, total })
}

/// POST /getrentallist
pub async fn demand_list(call: Call) -> Result<model::DemandPage, Error> {
    let (page, total, _) = list(call, Table::Demands).await?;
    let houses = page.iter().map(Stored::demand_item).collect();
    Ok(model::DemandPage { houses, total })
}

async fn info(call: Call, table: Table) -> Result<Stored, Error> {
    let form = call.input?;
    let id = match table {
        Table::Houses => decode::<input::HouseId>(&form)?.house_id,
        Table::Demands => decode::<input::DemandId>(&form)?.rental_id,
    };
    let stored = call
        .app
        .db
        .lookup(move |conn| store::listing(conn, table, id))
        .await?
        .ok_or_else(|| match table {
            Table::Houses => failed(format!("房屋 {id} 不存在")),
            Table::Demands => failed(format!("求租信息 {id} 不存在")),
        })?;
    Ok(stored)
}

/// POST /data/house-info
pub async fn house_info(call: Call) -> Result<model::HouseInfo, Error> {
    let base_url = call.extra.base_url.clone();
    Ok(info(call, Table::Houses).await?.house_info(&base_url))
}

/// POST /data/rental-info
pub async fn demand_info(call: Call) -> Result<model::DemandInfo, Error> {
    Ok(info(call, Table::Demands).await?.demand_info())
}

/// What the input of a listing is, by table and by whether it adds one.
#[derive(Clone, Copy)]
enum Save {
    Add,
    Change,
}

/// A listing's field of the wrong form: its own message where it has one.
fn wrong_listing_field(wrong: &FieldError) -> Option<Error> {
    match wrong.field.as_str() {
        "elevator" => Some(model::bad_elevator()),
        "tag" | "imgs" => Some(model::bad_list(&wrong.field)),
        _ => None,
    }
}

/// Adds or replaces (the id the input names) a listing of the caller's.
async fn save(call: Call, table: Table, save: Save) -> Result<i64, Error> {
    let form = call.input?;
    let caller: Caller = session::required(&call.app.db, call.token).await?;
    let w = wrong_listing_field;
    let (id, text) = match (table, save) {
        (Table::Houses, Save::Add) => (None, decode_with::<input::NewHouse>(&form, w)?.text()),
        (Table::Houses, Save::Change) => {
            let (id, text) = decode_with::<input::HouseChange>(&form, w)?.text();
            (Some(id), text)
        }
        (Table::Demands, Save::Add) => (None, decode_with::<input::NewDemand>(&form, w)?.split().0),
        (Table::Demands, Save::Change) => {
            let (text, id) = decode_with::<input::DemandChange>(&form, w)?.split();
            (Some(id), text)
        }
    };
    let kind = match table {
        Table::Houses => ListingKind::House,
        Table::Demands => ListingKind::Demand,
    };
    let listing = model::listing(text, kind)?;
    let (owner, now) = (caller.id, clock::now());
    let app = call.app;
    let id = app
        .db
        .write(move |tx| match id {
            Some(id) => store::update_listing(tx, table, owner, id, &listing, now).map(|()| id),
            None => store::insert_listing(tx, table, owner, &listing, now),
        })
        .await?;
    Ok(id)
}

/// POST /data/addhouse
pub async fn add_house(call: Call) -> Result<model::SavedHouse, Error> {
    let house_id = save(call, Table::Houses, Save::Add).await?;
    Ok(model::SavedHouse { house_id })
}

/// POST /data/addrental
pub async fn add_demand(call: Call) -> Result<model::SavedDemand, Error> {
    let rental_id = save(call, Table::Demands, Save::Add).await?;
    Ok(model::SavedDemand { rental_id })
}

/// POST /modify/house
pub async fn modify_house(call: Call) -> Result<model::SavedHouse, Error> {
    let house_id = save(call, Table::Houses, Save::Change).await?;
    Ok(model::SavedHouse { house_id })
}

/// POST /modify/rental
pub async fn modify_demand(call: Call) -> Result<model::SavedDemand, Error> {
    let rental_id = save(call, Table::Demands, Save::Change).await?;
    Ok(model::SavedDemand { rental_id })
}

async fn delete(call: Call, table: Table) -> Result<Done, Error> {
    let form = call.input?;
    let caller: Caller = session::required(&call.app.db, call.token).await?;
    let input::Id { id } = decode(&form)?;
    let owner = caller.id;
    let app = call.app;
    app.db
        .write(move |tx| store::delete_listing(tx, table, owner, id))
        .await?;
    Ok(Done {})
}

/// POST /delete/house/
pub async fn delete_house(call: Call) -> Result<Done, Error> {
    delete(call, Table::Houses).await
}

/// POST /delete/demand/
pub async fn delete_demand(call: Call) -> Result<Done, Error> {
    delete(call, Table::Demands).await
}

async fn mine(call: Call, table: Table) -> Result<Vec<Stored>, Error> {
    call.input?;
    let caller: Caller = session::required(&call.app.db, call.token).await?;
    let owner = caller.id;
    call.app
        .db
        .read(move |conn| store::listings_of(conn, table, owner))
        .await
}

/// POST /data/user-published
pub async fn user_published(call: Call) -> Result<model::MyHouses, Error> {
    let data = mine(call, Table::Houses).await?;
    Ok(model::MyHouses {
        data: data.into_iter().map(Stored::my_house).collect(),
    })
}

/// POST /data/user-asked
pub async fn user_asked(call: Call) -> Result<model::MyDemands, Error> {
    let data = mine(call, Table::Demands).await?;
    Ok(model::MyDemands {
        data: data.into_iter().map(Stored::my_demand).collect(),
    })
}

/// POST /data/uploadfile/: a multipart `file`, images only.
pub async fn upload(
    call: Call,
    _: Caller,
    Input(input::ImageUpload { file }): Input<input::ImageUpload>,
) -> Result<model::Uploaded, Error> {
    let form = call.input?;
    let first_file = form.files().first().map(|f| f.bytes.clone());
    let file = match file {
        Some(Attachment::File(bytes)) => bytes,
        _ => first_file.ok_or_else(|| failed("请用 multipart/form-data 上传字段 file"))?,
    };
    let now = clock::now();
    let id = call
        .app
        .db
        .write(move |tx| Ok::<_, Error>(crate::files::store(tx, DOMAIN, &file, now)?))
        .await?;
    Ok(model::Uploaded {
        url: format!("{}{}", call.extra.base_url, crate::files::path_of(id)),
    })
}
