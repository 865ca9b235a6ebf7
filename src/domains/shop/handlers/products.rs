//! Products.

use super::*;

/// The image of a product form: a file part (`image`, or the only file),
/// or `image` as a link to a file uploaded here. `Ok(None)` when neither.
enum ImageInput {
    Upload(bytes::Bytes),
    Stored(i64),
}

fn image_input(form: &Form, image: Option<Attachment>) -> Result<Option<ImageInput>, Error> {
    let only_file = match form.files() {
        [file] => Some(Attachment::File(file.bytes.clone())),
        _ => None,
    };
    match image.or(only_file) {
        None => Ok(None),
        Some(Attachment::File(bytes)) => Ok(Some(ImageInput::Upload(bytes))),
        Some(Attachment::Text(link)) => crate::files::id_in_link(&link)
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
fn off_sale(status: Option<String>) -> Result<Option<bool>, Error> {
    match status.as_deref().map(str::trim) {
        None => Ok(None),
        Some(UNAVAILABLE) => Ok(Some(true)),
        Some(model::AVAILABLE | model::SOLD_OUT) => Ok(Some(false)),
        Some(_) => Err(shop_error("status 可取 Available 或 Unavailable")),
    }
}

/// POST /shop/{id}/product/add: `name`, `description`, `price`,
/// `stock_quantity`, `image` (file or link), `status`.
pub async fn add_product(
    shop_id: i64,
    call: Call,
    Seller(user): Seller,
    Input(input): Input<input::NewProduct>,
) -> Result<Said<ProductJson<'static>>, Error> {
    let form = call.input?;
    let name = required_text(input.name, "name", 100)?;
    let description = optional_text(input.description, "description", 2000)?.unwrap_or_default();
    let price = model::price(Some(input.price))?.unwrap_or_default();
    let stock_quantity = model::stock(input.stock_quantity)?.unwrap_or(0);
    let off_sale = off_sale(input.status)?.unwrap_or(false);
    let category_id = model::category(input.category)?;
    let image = image_input(&form, input.image)?;
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
                category_id,
            };
            let id = store::insert_product(tx, shop_id, &fields, now_us)?;
            store::product_in_shop(tx, shop_id, id)
        })
        .await?;
    Ok(said(
        "商品创建成功",
        product.into_wire(&call.extra.base_url),
    ))
}

/// POST /shop/{id}/product/{pid}/update: the fields sent change.
pub async fn update_product(
    shop_id: i64,
    product_id: i64,
    call: Call,
    Seller(user): Seller,
    Input(input): Input<input::ProductChange>,
) -> Result<Said<ProductJson<'static>>, Error> {
    let form = call.input?;
    let name = optional_text(input.name, "name", 100)?;
    if name.as_deref() == Some("") {
        return Err(shop_error("name 不能为空"));
    }
    let description = optional_text(input.description, "description", 2000)?;
    let price = model::price(input.price)?;
    let stock_quantity = model::stock(input.stock_quantity)?;
    let off_sale = off_sale(input.status)?;
    let category_id = model::category(input.category)?;
    let image = image_input(&form, input.image)?;
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
                category_id: category_id.or(old.category_id),
            };
            store::update_product(tx, product_id, &fields)?;
            store::product_in_shop(tx, shop_id, product_id)
        })
        .await?;
    Ok(said(
        "商品修改成功",
        product.into_wire(&call.extra.base_url),
    ))
}

/// POST /shop/{id}/product/{pid}/delete: orders keep their copy.
pub async fn delete_product(
    shop_id: i64,
    product_id: i64,
    call: Call,
    Seller(user): Seller,
) -> Result<Said<()>, Error> {
    let app = call.app;
    app.db
        .write(move |tx| {
            store::check_manages(tx, user.id, shop_id)?;
            store::product_in_shop(tx, shop_id, product_id)?;
            store::delete_product(tx, product_id)
        })
        .await?;
    Ok(said("商品删除成功", ()))
}

/// GET /shop/{id}/product/{pid}
pub async fn product_info(
    shop_id: i64,
    product_id: i64,
    call: Call,
) -> Result<Said<ProductJson<'static>>, Error> {
    call.input?;
    let product = call
        .app
        .db
        .lookup(move |conn| store::product_in_shop(conn, shop_id, product_id))
        .await?;
    Ok(said("", product.into_wire(&call.extra.base_url)))
}

/// GET /shop/{id}/products
pub async fn shop_products(shop_id: i64, call: Call) -> Result<Said<model::PageOfProducts>, Error> {
    call.app
        .db
        .read(move |conn| store::existing_shop(conn, shop_id).map(|_| ()))
        .await?;
    // The shop is looked for before the query is read (404 first).
    let query = decode(call.input.as_ref().map_err(|e| Error::from(e.clone()))?)?;
    product_list(call, query, Some(shop_id)).await
}

/// GET /products: every shop's products.
pub async fn all_products(
    call: Call,
    Input(query): Input<input::ProductQuery>,
) -> Result<Said<model::PageOfProducts>, Error> {
    product_list(call, query, None).await
}

/// A page of 10 with `count`, absolute `next` / `previous` links and
/// `products`; `?q=` searches names and descriptions, `?ordering=` sorts.
async fn product_list(
    call: Call,
    query: input::ProductQuery,
    shop_id: Option<i64>,
) -> Result<Said<model::PageOfProducts>, Error> {
    let page = model::page_number(query.page)?;
    let ordering_text = query.ordering;
    let ordering = Ordering::parse(ordering_text.as_deref())?;
    let q = optional_text(query.q, "q", 100)?.filter(|q| !q.is_empty());
    let filter = ProductFilter {
        shop_id,
        category: model::category(query.category)?,
        q: q.clone(),
    };
    let category = filter.category;
    let app = call.app;
    let page_key = format!("{}|{ordering:?}|{page}", filter.key());
    let offset = (page - 1).saturating_mul(PAGE_SIZE);
    let lists = &call.extra.lists;
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
        if let Some(category) = category {
            params.push(("category", category.to_string()));
        }
        if let Some(o) = &ordering_text {
            params.push(("ordering", o.clone()));
        }
        let query = serde_urlencoded::to_string(&params).unwrap_or_default();
        format!("{}{}?{query}", call.extra.base_url, call.extra.path)
    };
    let page = model::PageOfProducts {
        count,
        next: (offset + PAGE_SIZE < count).then(|| link(page + 1)),
        previous: (page > 1).then(|| link(page - 1)),
        rows: products,
        base_url: call.extra.base_url,
    };
    Ok(said("查询返回成功", page))
}

/// Reads one page and the list's count (remembered per filter until the
/// products change); 404 for a page past the end. A far page is cut from
/// the list's remembered order when there is one, and asks for it else.
async fn read_page(
    app: &SharedApp,
    lists: &Lists,
    filter: ProductFilter,
    ordering: Ordering,
    page: i64,
) -> Result<lists::Page, Error> {
    let offset = (page - 1).saturating_mul(PAGE_SIZE);
    let (ascending, backwards) = ordering.ascending();
    let order_key = Lists::order_key(&filter, ascending);
    if let Some(order) = lists.orders.get(&app.db, &order_key) {
        let count = order.len() as i64;
        check_page(page, count)?;
        let ids = crate::cache::page_of(&order, offset, PAGE_SIZE, backwards);
        let products = app
            .db
            .read(move |conn| store::products_by_ids(conn, &ids))
            .await?;
        return Ok((count, Arc::new(products)));
    }
    if offset >= lists::FAR {
        let filter = filter.clone();
        lists
            .orders
            .fill_in_background(&app.db, order_key, move |conn| {
                store::product_order(conn, &filter, ascending).map(Arc::new)
            });
    }
    let key = filter.key();
    let counts = lists.counts_for(&filter);
    let remembered = counts.get(&app.db, &key);
    let stamp = counts.stamp(&app.db);
    let (count, products) = app
        .db
        .read(move |conn| {
            let count = match remembered {
                Some(count) => count,
                None => store::count_products(conn, &filter)?,
            };
            check_page(page, count)?;
            let products = store::product_page(conn, &filter, ordering, offset, PAGE_SIZE)?;
            Ok::<_, Error>((count, products))
        })
        .await?;
    if remembered.is_none() {
        counts.put(key, stamp, count);
    }
    Ok((count, Arc::new(products)))
}

/// 404 for a page past the end of a list of `count` (page 1 always is).
fn check_page(page: i64, count: i64) -> Result<(), Error> {
    let pages = ((count + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    if page > pages {
        return Err(Error::NotFound(format!("无效页码：共 {pages} 页")));
    }
    Ok(())
}

/// POST /upload (not in the seed): a seller uploads an image (multipart
/// `file`) for a product → `url`.
pub async fn upload(
    call: Call,
    _: Seller,
    Input(input::ImageUpload { file }): Input<input::ImageUpload>,
) -> Result<Said<UploadJson>, Error> {
    let form = call.input?;
    let first_file = form.files().first().map(|f| f.bytes.clone());
    let bytes = match file {
        Some(Attachment::File(bytes)) => bytes,
        _ => first_file.ok_or_else(|| shop_error("请用 multipart/form-data 上传图片文件 file"))?,
    };
    let now = clock::now();
    let id = call
        .app
        .db
        .write(move |tx| Ok::<_, Error>(crate::files::store(tx, DOMAIN, &bytes, now)?))
        .await?;
    let path = crate::files::path_of(id);
    Ok(said(
        "上传成功",
        UploadJson {
            url: format!("{}{path}", call.extra.base_url),
            path,
        },
    ))
}
