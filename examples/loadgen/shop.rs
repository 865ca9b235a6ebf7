//! Shop's workloads: products seeded, then lists, details and orders; the bench customer.

use super::*;

/// Adds `count` generated products in 20 shops with `onebox shop
/// generate-products` (the first never runs out: the buyers of the mixed
/// workload take it).
pub(crate) fn generate_products(options: &Options, db: &std::path::Path, count: usize) {
    onebox_command(
        options,
        &["shop", "generate-products", "--count", &count.to_string()],
        db,
    );
}

/// `/shop/shop/products` over 100,000 products: the first page (with its
/// `count`) at the full connection count, next to `/healthz`, alone and
/// while customers buy; then pages spread over all 10,000, in both
/// orderings, at 8, 16 and full.
pub(crate) async fn shop_workloads(
    client: &reqwest::Client,
    base: &str,
    db: &std::path::Path,
    options: &Options,
) -> Vec<Report> {
    let seeded = Instant::now();
    generate_products(options, db, 100_000);
    println!(
        "seeded 100,000 products in {:.1} s",
        seeded.elapsed().as_secs_f64()
    );
    let mut reports = vec![first_page(client, base, options).await];
    let (readers, buyers) = first_page_while_buying(client, base, options).await;
    reports.push(readers);
    reports.push(buyers);
    for conns in [8, 16, options.connections] {
        reports.push(far_pages(client, base, conns, options.seconds).await);
    }
    reports
}

/// Whether a product page answered, with the whole count. Checked by
/// searching the bytes, not parsing them, so the generator's own work
/// stays close to what it spends on `/healthz`.
async fn page(client: reqwest::Client, url: String) -> bool {
    let contains = |body: &[u8], what: &[u8]| body.windows(what.len()).any(|w| w == what);
    match client.get(url).send().await {
        Ok(r) => r
            .bytes()
            .await
            .map(|b| contains(&b, b"\"success\":true") && contains(&b, b"\"count\":100000"))
            .unwrap_or(false),
        Err(_) => false,
    }
}

/// The first page at the full connection count.
async fn first_page(client: &reqwest::Client, base: &str, options: &Options) -> Report {
    let (c, b) = (client.clone(), base.to_string());
    drive(
        &format!(
            "shop products, 100k, first page, {} conns",
            options.connections
        ),
        options.connections,
        options.seconds,
        move |_| page(c.clone(), format!("{b}/shop/shop/products")),
    )
    .await
}

/// The first page while 4 customers buy back to back: every sale changes
/// a product, so the remembered pages are read again after each one.
async fn first_page_while_buying(
    client: &reqwest::Client,
    base: &str,
    options: &Options,
) -> (Report, Report) {
    let token = bench_customer(client, base).await;
    let (c, b) = (client.clone(), base.to_string());
    let readers_name = format!(
        "shop products, 100k, first page, {} conns, 4 buying",
        options.connections - 4
    );
    let readers = drive(
        &readers_name,
        options.connections - 4,
        options.seconds,
        move |_| page(c.clone(), format!("{b}/shop/shop/products")),
    );
    let (c, b) = (client.clone(), base.to_string());
    let buyers = drive(
        "shop order/create, 4 conns (beside it)",
        4,
        options.seconds,
        move |_| {
            let (c, b, t) = (c.clone(), b.clone(), token.clone());
            async move {
                c.post(format!("{b}/shop/order/create"))
                    .bearer_auth(t)
                    .json(&json!({"product_id": 1, "quantity": 1}))
                    .send()
                    .await
                    .map(|r| r.status().is_success())
                    .unwrap_or(false)
            }
        },
    );
    tokio::join!(readers, buyers)
}

/// Pages 2 to 10,000 at random, in either ordering, at `conns` connections.
async fn far_pages(client: &reqwest::Client, base: &str, conns: usize, seconds: u64) -> Report {
    let (c, b) = (client.clone(), base.to_string());
    let counter = Arc::new(std::sync::atomic::AtomicU64::new(conns as u64));
    drive(
        &format!("shop products, 100k, pages 2-10000, {conns} conns"),
        conns,
        seconds,
        move |_| {
            let mut rng = Lcg(counter.fetch_add(1, Ordering::Relaxed));
            let number = 2 + rng.next(9_999);
            let ordering = if rng.next(2) == 0 { "-price" } else { "id" };
            page(
                c.clone(),
                format!("{b}/shop/shop/products?page={number}&ordering={ordering}"),
            )
        },
    )
    .await
}

/// Registers the shop customer `bench@example.com`, logs in and returns
/// the session token.
pub(crate) async fn bench_customer(client: &reqwest::Client, base: &str) -> String {
    let (status, _) = get_or_post(
        client,
        format!("{base}/shop/user/register/customer"),
        Some(json!({"name": "bench", "phone": "13800000000", "email": "bench@example.com", "password": "bench-password"})),
    )
    .await;
    assert_eq!(status, 200, "register the bench customer");
    let (status, answer) = get_or_post(
        client,
        format!("{base}/shop/user/login"),
        Some(json!({"email": "bench@example.com", "password": "bench-password"})),
    )
    .await;
    assert_eq!(status, 200, "log the bench customer in");
    answer["data"]["token"].as_str().expect("token").to_string()
}
