//! Rental's workloads: houses seeded across districts and kinds, then lists and details read.

use super::*;

/// Adds `count` generated houses (one in ten let) with `onebox rental
/// generate-houses`.
pub(crate) fn generate_houses(options: &Options, db: &std::path::Path, count: usize) {
    onebox_command(
        options,
        &["rental", "generate-houses", "--count", &count.to_string()],
        db,
    );
}

/// `gethouselist` over 100,000 houses: filter sets that repeat (people
/// paging through the same search), and filters new on every request (a
/// price range no one asked before), each at 8 and 16 connections.
pub(crate) async fn rental_workloads(
    client: &reqwest::Client,
    base: &str,
    db: &std::path::Path,
    options: &Options,
) -> Vec<Report> {
    let seeded = Instant::now();
    generate_houses(options, db, 100_000);
    println!(
        "seeded 100,000 houses in {:.1} s",
        seeded.elapsed().as_secs_f64()
    );
    let searches = Arc::new(searches());
    let mut reports = Vec::new();
    for conns in [8, 16] {
        for fresh in [false, true] {
            let run = list_searches(client, base, &searches, conns, fresh, options.seconds);
            reports.push(run.await);
        }
    }
    reports
}

/// 35 searches: seven districts (one of them empty) by five orderings,
/// each with its own price range, type and elevator choice.
fn searches() -> Vec<Value> {
    let districts = [
        "北京",
        "海淀区",
        "青岛市崂山",
        "上海",
        "杭州",
        "深圳市南山区",
        "",
    ];
    districts
        .iter()
        .enumerate()
        .flat_map(|(n, district)| {
            (0..5).map(move |orderby| {
                json!({
                    "district": district, "orderby": orderby, "seq": (n + orderby as usize) % 4,
                    "range_of_prices": [2000 + 1000 * orderby, 9000 + 1000 * n],
                    "range_of_area": [30, 150], "range_of_floor": [1, 30],
                    "house_type": (n + orderby as usize) % 5, "elevator": orderby % 3,
                })
            })
        })
        .collect()
}

/// The searches in turn at `conns` connections; with `fresh`, each
/// request's price range is one no request asked before.
async fn list_searches(
    client: &reqwest::Client,
    base: &str,
    searches: &Arc<Vec<Value>>,
    conns: usize,
    fresh: bool,
    seconds: u64,
) -> Report {
    let (c, url, s) = (
        client.clone(),
        format!("{base}/rental/gethouselist"),
        searches.clone(),
    );
    let first = if fresh { 1_000_000 * conns } else { 0 };
    let counter = Arc::new(std::sync::atomic::AtomicUsize::new(first));
    let filters = if fresh { "new" } else { "repeated" };
    drive(
        &format!("rental list, 100k houses, {filters} filters, {conns} conns"),
        conns,
        seconds,
        move |_| {
            let n = counter.fetch_add(1, Ordering::Relaxed);
            let mut body = s[n % s.len()].clone();
            if fresh {
                body["range_of_prices"] = json!([1000 + n % 5000, 8000 + n % 9000]);
            }
            listed(c.clone(), url.clone(), body)
        },
    )
    .await
}

/// Whether a list answered with success and a total.
async fn listed(client: reqwest::Client, url: String, body: Value) -> bool {
    match client.post(url).json(&body).send().await {
        Ok(r) => r
            .json::<Value>()
            .await
            .map(|v| v["state"] == 1 && v["total"].is_i64())
            .unwrap_or(false),
        Err(_) => false,
    }
}
