//! The bare baseline for `examples/loadgen --baseline` and
//! `scripts/bench-wrk`: warp and rusqlite doing the SQL of three onebox
//! answers and writing the same answers, byte for byte, as a hand-written
//! handler would (rows into structs, serde derives, no route table, no
//! request log, no caches, no events), on the same pool settings (eight
//! read-only reader connections in an r2d2 pool, one writer, WAL,
//! `synchronous=NORMAL`, the same mmap size). It opens a database onebox made, so the rows and indexes are the
//! same.
//!
//! ```text
//! bare --db FILE --listen 127.0.0.1:PORT
//! GET  /healthz              {"status": "ok"}
//! GET  /product/{id}         shop's product by id, in shop's envelope
//! POST /order                {"product_id", "quantity"} with `Authorization:
//!                            Bearer TOKEN`: onebox's session check (the same
//!                            SQL), then shop's order/create transaction,
//!                            answering the order
//! ```

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use warp::Filter;
use warp::http::StatusCode;

/// As `src/db`: SQLite maps up to this much of the file.
const MMAP_BYTES: i64 = 256 * 1024 * 1024;
const READERS: u32 = 8;

const PRODUCT: &str = "SELECT id, shop_id, name, description, price, stock_quantity, status, image_id, created_us, \
     category_id FROM shop_products WHERE id = ?1";

fn pragmas(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "mmap_size", MMAP_BYTES)
}

/// A product row, as a hand-written handler would hold it.
struct Product {
    id: i64,
    shop: i64,
    name: String,
    description: String,
    price: i64,
    stock_quantity: i64,
    status: String,
    image_id: Option<i64>,
    created_us: i64,
    category: Option<i64>,
}

fn product(conn: &Connection, id: i64) -> rusqlite::Result<Option<Product>> {
    conn.prepare_cached(PRODUCT)?
        .query_row([id], |row| {
            Ok(Product {
                id: row.get(0)?,
                shop: row.get(1)?,
                name: row.get(2)?,
                description: row.get(3)?,
                price: row.get(4)?,
                stock_quantity: row.get(5)?,
                status: row.get(6)?,
                image_id: row.get(7)?,
                created_us: row.get(8)?,
                category: row.get(9)?,
            })
        })
        .optional()
}

/// Cents as the shop's price text, `"19.90"`.
fn price_text(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// Unix microseconds as the shop's RFC 3339 time.
fn time_text(micros: i64) -> String {
    const FORMAT: &[BorrowedFormatItem<'_>] =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1_000)
        .ok()
        .and_then(|t| t.format(FORMAT).ok())
        .unwrap_or_default()
}

/// The shop's answer to a success: its envelope around `data`.
#[derive(Serialize)]
struct Envelope<'a, T> {
    success: bool,
    code: i64,
    message: &'a str,
    data: T,
}

/// The product as the shop answers it, its image link on the request's host.
#[derive(Serialize)]
struct ProductJson<'a> {
    id: i64,
    shop: i64,
    name: &'a str,
    description: &'a str,
    price: String,
    stock_quantity: i64,
    status: &'a str,
    create_date: String,
    image: Option<String>,
    category: Option<i64>,
}

impl Product {
    fn json(&self, host: &str) -> ProductJson<'_> {
        ProductJson {
            id: self.id,
            shop: self.shop,
            name: &self.name,
            description: &self.description,
            price: price_text(self.price),
            stock_quantity: self.stock_quantity,
            status: &self.status,
            create_date: time_text(self.created_us),
            image: self.image_id.map(|id| format!("http://{host}/files/{id}")),
            category: self.category,
        }
    }
}

#[derive(Serialize)]
struct Customer {
    name: String,
    email: String,
    role: String,
}

#[derive(Serialize)]
struct Order {
    id: i64,
    shop: i64,
    product: Option<i64>,
    product_name: String,
    price: String,
    quantity: i64,
    total_price: String,
    status: String,
    create_date: String,
    customer: Customer,
}

/// The account whose live shop session a bearer token names: onebox's
/// `session::lookup`, the same SQL on the token's SHA-256.
fn session_account(conn: &Connection, token: &str) -> rusqlite::Result<Option<i64>> {
    let token_hash: [u8; 32] = Sha256::digest(token.as_bytes()).into();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let found = conn
        .prepare_cached(
            "SELECT account_id, last_seen_at, idle_secs FROM sessions
             WHERE token_hash = ?1 AND domain = ?2 AND expires_at > ?3",
        )?
        .query_row(params![token_hash.as_slice(), "shop", now], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, i64>(2)?,
            ))
        })
        .optional()?;
    Ok(found
        .filter(|(_, seen, idle)| seen + idle > now)
        .map(|(account, _, _)| account))
}

/// Shop's `store::buy` and the order read that follows, in one transaction.
fn buy(
    conn: &mut Connection,
    customer: i64,
    product_id: i64,
    quantity: i64,
) -> rusqlite::Result<Option<Order>> {
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
    let now_us = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64);
    tx.prepare_cached(
        "INSERT INTO shop_orders (customer_id, shop_id, product_id, product_name, unit_price, quantity, total_price, created_us)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        customer,
        item.shop,
        product_id,
        item.name,
        item.price,
        quantity,
        item.price * quantity,
        now_us
    ])?;
    let id = tx.last_insert_rowid();
    let order = tx
        .prepare_cached(
            "SELECT o.id, o.shop_id, o.product_id, o.product_name, o.unit_price, o.quantity, o.total_price,
                    o.status, o.created_us, u.name, u.email, u.role
             FROM shop_orders o JOIN shop_users u ON u.id = o.customer_id WHERE o.id = ?1",
        )?
        .query_row([id], |row| {
            Ok(Order {
                id: row.get(0)?,
                shop: row.get(1)?,
                product: row.get(2)?,
                product_name: row.get(3)?,
                price: price_text(row.get(4)?),
                quantity: row.get(5)?,
                total_price: price_text(row.get(6)?),
                status: row.get(7)?,
                create_date: time_text(row.get(8)?),
                customer: Customer {
                    name: row.get(9)?,
                    email: row.get(10)?,
                    role: row.get(11)?,
                },
            })
        })?;
    tx.commit()?;
    Ok(Some(order))
}

fn answer<T: Serialize>(
    message: &str,
    found: Result<Option<T>, String>,
) -> warp::reply::WithStatus<warp::reply::Json> {
    match found {
        Ok(Some(data)) => warp::reply::with_status(
            warp::reply::json(&Envelope {
                success: true,
                code: 0,
                message,
                data,
            }),
            StatusCode::OK,
        ),
        Ok(None) => warp::reply::with_status(
            warp::reply::json(&json!({"error": "not found"})),
            StatusCode::NOT_FOUND,
        ),
        Err(e) => warp::reply::with_status(
            warp::reply::json(&json!({"error": e})),
            StatusCode::INTERNAL_SERVER_ERROR,
        ),
    }
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

    let (writer, readers) = open(&db);
    let healthz = warp::path!("healthz")
        .and(warp::get())
        .map(|| warp::reply::json(&json!({"status": "ok"})));
    println!("bare listening on http://{listen}");
    warp::serve(healthz.or(product_route(readers)).or(order_route(writer)))
        .run(listen)
        .await;
}

type Readers = r2d2::Pool<SqliteConnectionManager>;

/// The writer connection and the pool of read-only readers.
fn open(db: &std::path::Path) -> (Arc<Mutex<Connection>>, Readers) {
    let writer = Connection::open(db).expect("open the database");
    pragmas(&writer).expect("pragmas");
    let manager = SqliteConnectionManager::file(db)
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
    (Arc::new(Mutex::new(writer)), readers)
}

/// `GET /product/{id}`: the product read on a reader, in the shop's envelope.
fn product_route(
    readers: Readers,
) -> impl Filter<Extract = (warp::reply::WithStatus<warp::reply::Json>,), Error = warp::Rejection> + Clone
{
    warp::path!("product" / i64)
        .and(warp::get())
        .and(warp::header::optional::<String>("host"))
        .and_then(move |id: i64, host: Option<String>| {
            let readers = readers.clone();
            async move {
                let found = tokio::task::spawn_blocking(move || {
                    let conn = readers.get().map_err(|e| e.to_string())?;
                    product(&conn, id).map_err(|e| e.to_string())
                })
                .await
                .unwrap_or_else(|e| Err(e.to_string()));
                let host = host.unwrap_or_else(|| "localhost".into());
                let shown = match &found {
                    Ok(product) => Ok(product.as_ref().map(|p| p.json(&host))),
                    Err(e) => Err(e.clone()),
                };
                Ok::<_, warp::Rejection>(answer("", shown))
            }
        })
}

/// `POST /order`: the session check and the order transaction on the writer.
fn order_route(
    writer: Arc<Mutex<Connection>>,
) -> impl Filter<Extract = (warp::reply::WithStatus<warp::reply::Json>,), Error = warp::Rejection> + Clone
{
    warp::path!("order")
        .and(warp::post())
        .and(warp::header::optional::<String>("authorization"))
        .and(warp::body::content_length_limit(64 * 1024))
        .and(warp::body::json())
        .and_then(move |authorization: Option<String>, body: Value| {
            let writer = writer.clone();
            async move {
                let token = authorization
                    .and_then(|value| value.strip_prefix("Bearer ").map(str::to_string))
                    .unwrap_or_default();
                let field = |name: &str| body[name].as_i64().unwrap_or(1);
                let (product_id, quantity) = (field("product_id"), field("quantity"));
                let found = tokio::task::spawn_blocking(move || {
                    let mut conn = writer.lock().map_err(|e| e.to_string())?;
                    let Some(customer) =
                        session_account(&conn, &token).map_err(|e| e.to_string())?
                    else {
                        return Err("log in first".to_string());
                    };
                    buy(&mut conn, customer, product_id, quantity).map_err(|e| e.to_string())
                })
                .await
                .unwrap_or_else(|e| Err(e.to_string()));
                Ok::<_, warp::Rejection>(answer("下单成功", found))
            }
        })
}
