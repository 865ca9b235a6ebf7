//! A client of every domain, written with reqwest: one flow per domain
//! against a running server with the demo data. Start the server first:
//!
//! ```text
//! cargo run --release -- --demo --captcha off
//! cargo run --example client -- http://127.0.0.1:8080
//! ```
//!
//! (`--captcha off` lets a program log in to labs; a person reads the
//! captcha from `/labs/user/login/code` instead.)

use serde_json::{Value, json};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// A JSON POST; the answer's body.
async fn post(client: &reqwest::Client, url: String, body: Value) -> Result<Value> {
    Ok(client.post(url).json(&body).send().await?.json().await?)
}

async fn get(client: &reqwest::Client, url: String) -> Result<Value> {
    Ok(client.get(url).send().await?.json().await?)
}

fn show(what: &str, value: &Value) {
    let text = value.to_string();
    let short: String = text.chars().take(160).collect();
    println!(
        "{what}: {short}{}",
        if text.len() > short.len() { "…" } else { "" }
    );
}

/// Parking: log in for a token, list the lots, reserve a spot, cancel it.
async fn parking(client: &reqwest::Client, base: &str) -> Result<()> {
    let b = format!("{base}/parking/api");
    let login = post(
        client,
        format!("{b}/user/login"),
        json!({"username": "demo", "password": "demo1234"}),
    )
    .await?;
    let token = login["data"]["token"]
        .as_str()
        .ok_or("parking login failed")?
        .to_string();
    let lots = get(client, format!("{b}/parkinglot/list")).await?;
    show("parking lots", &lots);
    let lot = lots["data"][0]["id"].clone();
    let order: Value = client
        .post(format!("{b}/order/new"))
        .bearer_auth(&token)
        .json(&json!({"username": "demo", "parkinglot_id": lot}))
        .send()
        .await?
        .json()
        .await?;
    show("parking reservation", &order);
    if let Some(id) = order["data"]["id"].as_i64() {
        let cancelled: Value = client
            .post(format!("{b}/order/cancel"))
            .bearer_auth(&token)
            .json(&json!({"username": "demo", "order_id": id}))
            .send()
            .await?
            .json()
            .await?;
        show("parking cancel", &cancelled);
    }
    Ok(())
}

/// Labs: the session is a cookie, kept by the client's cookie store.
async fn labs(base: &str) -> Result<()> {
    let client = reqwest::Client::builder().cookie_store(true).build()?;
    let b = format!("{base}/labs");
    let login = post(
        &client,
        format!("{b}/user/login"),
        json!({"sid": "admin", "password": "admin1234"}),
    )
    .await?;
    show("labs login", &login);
    show(
        "labs user type",
        &get(&client, format!("{b}/user/type")).await?,
    );
    show(
        "labs labs",
        &get(&client, format!("{b}/lab/get/all")).await?,
    );
    show(
        "labs submitted projects",
        &get(&client, format!("{b}/project/all?status=0&page=1&rows=10")).await?,
    );
    Ok(())
}

/// Rental: search houses, log in (cookie), read one's own data.
async fn rental(base: &str) -> Result<()> {
    let client = reqwest::Client::builder().cookie_store(true).build()?;
    let b = format!("{base}/rental");
    let houses = post(
        &client,
        format!("{b}/gethouselist"),
        json!({"seq": 0, "orderby": 1, "district": "北京"}),
    )
    .await?;
    show("rental houses in 北京", &houses);
    post(
        &client,
        format!("{b}/operation/login"),
        json!({"username": "tenant", "password": "tenant1234"}),
    )
    .await?;
    show(
        "rental user info",
        &post(&client, format!("{b}/data/user-info"), json!({})).await?,
    );
    show(
        "rental deals",
        &post(&client, format!("{b}/data/deal-details"), json!({})).await?,
    );
    Ok(())
}

/// Family: a token passed as `?token=`; add an expense, read the report.
async fn family(client: &reqwest::Client, base: &str) -> Result<()> {
    let b = format!("{base}/family/api/v1");
    let login = post(
        client,
        format!("{b}/user_manage/login/"),
        json!({"username": "parent", "password": "parent1234"}),
    )
    .await?;
    let token = login["token"]
        .as_str()
        .ok_or("family login failed")?
        .to_string();
    show(
        "family",
        &get(client, format!("{b}/family/familyManage/?token={token}")).await?,
    );
    let bill = post(
        client,
        format!("{b}/bill/Expense/?token={token}"),
        json!({"money": "88.50", "remarks": "晚饭"}),
    )
    .await?;
    show("family new expense", &bill);
    let report = get(client, format!("{b}/report/?token={token}&scope=family")).await?;
    println!(
        "family report: income {} expense {} net worth {}",
        report["income"], report["expense"], report["net_worth"]
    );
    Ok(())
}

/// Shop: browse products, log in as a customer (cookie), buy one.
async fn shop(base: &str) -> Result<()> {
    let client = reqwest::Client::builder().cookie_store(true).build()?;
    let b = format!("{base}/shop");
    let products = get(&client, format!("{b}/shop/products?ordering=-price")).await?;
    show("shop products", &products);
    post(
        &client,
        format!("{b}/user/login"),
        json!({"email": "customer@example.com", "password": "customer1234"}),
    )
    .await?;
    let available = products["data"]["products"]
        .as_array()
        .and_then(|list| list.iter().find(|p| p["status"] == "Available"))
        .map(|p| p["id"].clone())
        .ok_or("no product for sale")?;
    show(
        "shop order",
        &post(
            &client,
            format!("{b}/order/create"),
            json!({"product_id": available, "quantity": 1}),
        )
        .await?,
    );
    show(
        "shop my orders",
        &get(&client, format!("{b}/order/list")).await?,
    );
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    let base = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:8080".to_string());
    let base = base.trim_end_matches('/');
    let client = reqwest::Client::new();
    parking(&client, base).await?;
    labs(base).await?;
    rental(base).await?;
    family(&client, base).await?;
    shop(base).await?;
    Ok(())
}
