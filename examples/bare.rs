//! The bare baseline for `examples/loadgen --baseline`: warp and rusqlite
//! doing the SQL of three onebox answers with nothing else (no route table,
//! no envelope, no sessions, no request log, no caches), on the same pool
//! settings (eight read-only reader connections in an r2d2 pool, one writer,
//! WAL, `synchronous=NORMAL`, the same mmap size). It opens a database onebox
//! made, so the rows and indexes are the same.
//!
//! ```text
//! bare --db FILE --listen 127.0.0.1:PORT
//! GET  /healthz              {"status": "ok"}
//! GET  /product/{id}         the product row as JSON (shop's product by id)
//! POST /order                {"customer_id", "product_id", "quantity"}: shop's
//!                            order/create transaction, answering the order
//! ```

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use serde_json::{Value, json};
use warp::Filter;
use warp::http::StatusCode;

/// As `src/db`: SQLite maps up to this much of the file.
const MMAP_BYTES: i64 = 256 * 1024 * 1024;
const READERS: u32 = 8;

const PRODUCT: &str = "SELECT id, shop_id, name, description, price, stock_quantity, status, image_id, created_us \
     FROM shop_products WHERE id = ?1";

fn pragmas(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "mmap_size", MMAP_BYTES)
}

fn product(conn: &Connection, id: i64) -> rusqlite::Result<Option<Value>> {
    conn.prepare_cached(PRODUCT)?
        .query_row([id], |row| {
            Ok(json!({
                "id": row.get::<_, i64>(0)?,
                "shop": row.get::<_, i64>(1)?,
                "name": row.get::<_, String>(2)?,
                "description": row.get::<_, String>(3)?,
                "price": row.get::<_, i64>(4)?,
                "stock_quantity": row.get::<_, i64>(5)?,
                "status": row.get::<_, String>(6)?,
                "image_id": row.get::<_, Option<i64>>(7)?,
                "created_us": row.get::<_, i64>(8)?,
            }))
        })
        .optional()
}

/// Shop's `store::buy` and the order read that follows, in one transaction.
fn buy(
    conn: &mut Connection,
    customer: i64,
    product_id: i64,
    quantity: i64,
) -> rusqlite::Result<Option<Value>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let Some(item) = product(&tx, product_id)? else {
        return Ok(None);
    };
    let taken = tx
        .prepare_cached(
            "UPDATE shop_products
             SET stock_quantity = stock_quantity - ?2,
                 status = CASE WHEN stock_quantity - ?2 = 0 THEN 'Sold Out' ELSE status END
             WHERE id = ?1 AND stock_quantity >= ?2 AND status = 'Available'",
        )?
        .execute(params![product_id, quantity])?;
    if taken == 0 {
        return Ok(None);
    }
    let price = item["price"].as_i64().unwrap_or_default();
    let now_us = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64);
    tx.prepare_cached(
        "INSERT INTO shop_orders (customer_id, shop_id, product_id, product_name, unit_price, quantity, total_price, created_us)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        customer,
        item["shop"].as_i64(),
        product_id,
        item["name"].as_str(),
        price,
        quantity,
        price * quantity,
        now_us
    ])?;
    let id = tx.last_insert_rowid();
    let order = tx
        .prepare_cached(
            "SELECT o.id, o.product_id, o.product_name, o.unit_price, o.quantity, o.total_price, o.status,
                    o.created_us, u.id, u.email, u.name
             FROM shop_orders o JOIN shop_users u ON u.id = o.customer_id WHERE o.id = ?1",
        )?
        .query_row([id], |row| {
            Ok(json!({
                "id": row.get::<_, i64>(0)?,
                "product": row.get::<_, i64>(1)?,
                "product_name": row.get::<_, String>(2)?,
                "unit_price": row.get::<_, i64>(3)?,
                "quantity": row.get::<_, i64>(4)?,
                "total_price": row.get::<_, i64>(5)?,
                "status": row.get::<_, String>(6)?,
                "created_us": row.get::<_, i64>(7)?,
                "customer": {"id": row.get::<_, i64>(8)?, "email": row.get::<_, String>(9)?,
                             "name": row.get::<_, String>(10)?},
            }))
        })?;
    tx.commit()?;
    Ok(Some(order))
}

fn answer(found: Result<Option<Value>, String>) -> warp::reply::WithStatus<warp::reply::Json> {
    let (status, body) = match found {
        Ok(Some(value)) => (StatusCode::OK, value),
        Ok(None) => (StatusCode::NOT_FOUND, json!({"error": "not found"})),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, json!({"error": e})),
    };
    warp::reply::with_status(warp::reply::json(&body), status)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
            .unwrap_or_else(|| panic!("bare --db FILE --listen ADDR: {flag} missing"))
    };
    let db = PathBuf::from(value("--db"));
    let listen: SocketAddr = value("--listen").parse().expect("--listen ADDR");

    let writer = Connection::open(&db).expect("open the database");
    pragmas(&writer).expect("pragmas");
    let writer = Arc::new(Mutex::new(writer));
    let manager = SqliteConnectionManager::file(&db)
        .with_flags(OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .with_init(|conn| {
            pragmas(conn)?;
            conn.pragma_update(None, "query_only", "ON")
        });
    let readers = r2d2::Pool::builder()
        .max_size(READERS)
        .min_idle(Some(1))
        .test_on_check_out(false)
        .build(manager)
        .expect("reader pool");

    let healthz = warp::path!("healthz")
        .and(warp::get())
        .map(|| warp::reply::json(&json!({"status": "ok"})));
    let read = warp::path!("product" / i64)
        .and(warp::get())
        .and_then(move |id: i64| {
            let readers = readers.clone();
            async move {
                let found = tokio::task::spawn_blocking(move || {
                    let conn = readers.get().map_err(|e| e.to_string())?;
                    product(&conn, id).map_err(|e| e.to_string())
                })
                .await
                .unwrap_or_else(|e| Err(e.to_string()));
                Ok::<_, warp::Rejection>(answer(found))
            }
        });
    let order = warp::path!("order")
        .and(warp::post())
        .and(warp::body::content_length_limit(64 * 1024))
        .and(warp::body::json())
        .and_then(move |body: Value| {
            let writer = writer.clone();
            async move {
                let field = |name: &str| body[name].as_i64().unwrap_or(1);
                let (customer, product_id, quantity) =
                    (field("customer_id"), field("product_id"), field("quantity"));
                let found = tokio::task::spawn_blocking(move || {
                    let mut conn = writer.lock().map_err(|e| e.to_string())?;
                    buy(&mut conn, customer, product_id, quantity).map_err(|e| e.to_string())
                })
                .await
                .unwrap_or_else(|e| Err(e.to_string()));
                Ok::<_, warp::Rejection>(answer(found))
            }
        });
    println!("bare listening on http://{listen}");
    warp::serve(healthz.or(read).or(order)).run(listen).await;
}
