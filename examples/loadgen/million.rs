//! `--million`: every shop and rental list over a million rows, first, middle and last pages.

use super::*;

/// One list request of the million-row workloads and what it must answer:
/// the total (counted in SQL on the file, not by the server) and how many
/// rows the page holds.
#[derive(Clone)]
pub(crate) struct ListCase {
    label: String,
    url: String,
    /// The JSON body of a POST list (rental); `None` for a GET (shop).
    body: Option<Value>,
    total: i64,
    rows: usize,
}

/// The pages a workload asks for of a list of `total`: first, middle, last.
pub(crate) fn first_middle_last(total: i64, size: i64) -> Vec<(i64, usize)> {
    let pages = ((total + size - 1) / size).max(1);
    let rows = |page: i64| (total - page * size).clamp(0, size) as usize;
    let mut picked = vec![0, pages / 2, pages - 1];
    picked.dedup();
    picked.into_iter().map(|p| (p, rows(p))).collect()
}

/// Every list the shop and rental seeds offer (each filter, each ordering;
/// first, middle and last pages) over 1,000,000 products and 1,000,000
/// houses, with totals checked against SQL counts on the file.
pub(crate) fn million_cases(db: &std::path::Path, base: &str) -> (Vec<ListCase>, Vec<ListCase>) {
    let conn = rusqlite::Connection::open(db).expect("open to count");
    let count = |sql: &str| -> i64 {
        conn.query_row(sql, [], |row| row.get(0))
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    };
    let mut shop = Vec::new();
    let like = |q: &str| format!("(name LIKE '%{q}%' OR description LIKE '%{q}%')");
    for (path, q, condition) in [
        ("/shop/shop/products".to_string(), "", "1".to_string()),
        (
            "/shop/shop/3/products".to_string(),
            "",
            "shop_id = 3".to_string(),
        ),
        ("/shop/shop/products".to_string(), "商品12", like("商品12")),
        ("/shop/shop/products".to_string(), "全网通", like("全网通")),
        (
            "/shop/shop/3/products".to_string(),
            "商品9",
            format!("shop_id = 3 AND {}", like("商品9")),
        ),
    ] {
        let total = count(&format!(
            "SELECT count(*) FROM shop_products WHERE {condition}"
        ));
        for ordering in [
            "id",
            "-id",
            "create_date",
            "-create_date",
            "price",
            "-price",
        ] {
            for (page, rows) in first_middle_last(total, 10) {
                let page = page + 1;
                shop.push(ListCase {
                    label: format!("{path}?q={q}&ordering={ordering}&page={page}"),
                    url: format!("{base}{path}?q={q}&ordering={ordering}&page={page}"),
                    body: None,
                    total,
                    rows,
                });
            }
        }
    }
    let mut rental = Vec::new();
    for (filter, condition) in [
        (json!({}), "1"),
        (json!({"district": "北京"}), "instr(district, '北京') > 0"),
        (json!({"range_of_prices": [3000, 8000]}), "cost BETWEEN 300000 AND 800000"),
        (json!({"range_of_area": [50, 120], "house_type": 2}), "area BETWEEN 5000 AND 12000 AND house_type = 2"),
        (json!({"district": "海淀区", "range_of_floor": [5, 20], "elevator": 1}),
         "instr(district, '海淀区') > 0 AND floor BETWEEN 5 AND 20 AND elevator = 1"),
        (json!({"district": "上海", "range_of_prices": [2000, 15000], "range_of_area": [30, 150],
                "range_of_floor": [1, 30], "house_type": 3, "elevator": 2}),
         "instr(district, '上海') > 0 AND cost BETWEEN 200000 AND 1500000 AND area BETWEEN 3000 AND 15000
          AND floor BETWEEN 1 AND 30 AND house_type = 3 AND elevator = 0"),
    ] {
        let total = count(&format!(
            "SELECT count(*) FROM rental_houses WHERE state = '待租' AND {condition}"
        ));
        for orderby in 0..=4 {
            for (seq, rows) in first_middle_last(total, 10) {
                let mut body = filter.clone();
                body["orderby"] = json!(orderby);
                body["seq"] = json!(seq);
                rental.push(ListCase {
                    label: body.to_string(),
                    url: format!("{base}/rental/gethouselist"),
                    body: Some(body),
                    total,
                    rows,
                });
            }
        }
    }
    (shop, rental)
}

/// The parts of a list answer a case checks; the rest is skipped, not
/// built, so the generator's own work stays small beside the server's.
#[derive(serde::Deserialize)]
pub(crate) struct ListAnswer {
    #[serde(default)]
    total: Option<i64>,
    #[serde(default)]
    houses: Option<Vec<serde::de::IgnoredAny>>,
    #[serde(default)]
    data: Option<ShopListData>,
}

#[derive(serde::Deserialize)]
pub(crate) struct ShopListData {
    count: i64,
    products: Vec<serde::de::IgnoredAny>,
}

/// Asks for one case; whether the total and the page's rows are right.
pub(crate) async fn check_case(client: &reqwest::Client, case: &ListCase) -> bool {
    let request = match &case.body {
        Some(body) => client.post(&case.url).json(body),
        None => client.get(&case.url),
    };
    let answer = match request.send().await {
        Ok(r) if r.status().is_success() => r.bytes().await.ok(),
        _ => None,
    };
    let parsed = answer
        .as_deref()
        .and_then(|bytes| serde_json::from_slice::<ListAnswer>(bytes).ok());
    let found = match parsed {
        Some(ListAnswer {
            total: Some(total),
            houses: Some(houses),
            ..
        }) => Some((total, houses.len())),
        Some(ListAnswer {
            data: Some(data), ..
        }) => Some((data.count, data.products.len())),
        _ => None,
    };
    let right = found == Some((case.total, case.rows));
    if !right {
        eprintln!(
            "wrong answer to {}: found {found:?}, want {} and {} rows",
            case.label, case.total, case.rows
        );
    }
    right
}

/// `--million`: the shop and rental lists over a million rows each.
pub(crate) async fn million_workloads(
    client: &reqwest::Client,
    base: &str,
    pid: u32,
    db: &std::path::Path,
    options: &Options,
) -> Vec<Report> {
    let seeded = Instant::now();
    generate_products(options, db, 1_000_000);
    generate_houses(options, db, 1_000_000);
    println!(
        "seeded 1,000,000 products and 1,000,000 houses in {:.1} s",
        seeded.elapsed().as_secs_f64()
    );
    let (shop, rental) = million_cases(db, base);
    let mut reports = Vec::new();
    for (domain, cases) in [("shop products", shop), ("rental houses", rental)] {
        // The first time each list is asked for: far pages walk the index
        // while the list's order is read in the background.
        let mut first = Vec::new();
        for case in &cases {
            let started = Instant::now();
            assert!(check_case(client, case).await, "{}", case.label);
            first.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        first.sort_by(f64::total_cmp);
        println!(
            "{domain}: {} lists asked for the first time, one at a time: median {:.1} ms, slowest {:.1} ms",
            cases.len(),
            first[first.len() / 2],
            first[first.len() - 1]
        );
        tokio::time::sleep(Duration::from_secs(5)).await;
        // Again, now that the orders are remembered.
        let mut again = Vec::new();
        for case in &cases {
            let started = Instant::now();
            assert!(check_case(client, case).await, "{}", case.label);
            again.push((started.elapsed().as_secs_f64() * 1000.0, case.label.clone()));
        }
        again.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (slowest, label) = &again[again.len() - 1];
        println!(
            "{domain}: the same lists again, one at a time: median {:.2} ms, slowest {slowest:.2} ms ({label})",
            again[again.len() / 2].0,
        );
        let cases = Arc::new(cases);
        let (c, list) = (client.clone(), cases.clone());
        let counter = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        reports.push(
            drive(
                &format!(
                    "{domain}, 1M, {} lists (first, middle, last pages), {} conns",
                    cases.len(),
                    options.connections
                ),
                options.connections,
                options.seconds,
                move |_| {
                    let n = counter.fetch_add(1, Ordering::Relaxed);
                    let (c, case) = (c.clone(), list[n % list.len()].clone());
                    async move { check_case(&c, &case).await }
                },
            )
            .await,
        );
        println!(
            "after {domain}: RSS {:.1} MB, of it anonymous (not the mapped file) {:.1} MB",
            rss_mb(pid),
            status_mb(pid, "RssAnon:")
        );
    }
    reports
}
