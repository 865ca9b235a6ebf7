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
    let searches: Arc<Vec<Value>> = Arc::new(
        [
            "北京",
            "海淀区",
            "青岛市崂山",
            "上海",
            "杭州",
            "深圳市南山区",
            "",
        ]
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
        .collect(),
    );
    let list = |client: reqwest::Client, url: String, body: Value| async move {
        match client.post(url).json(&body).send().await {
            Ok(r) => r
                .json::<Value>()
                .await
                .map(|v| v["state"] == 1 && v["total"].is_i64())
                .unwrap_or(false),
            Err(_) => false,
        }
    };
    let mut reports = Vec::new();
    for conns in [8, 16] {
        let (c, b, s) = (client.clone(), base.to_string(), searches.clone());
        let counter = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        reports.push(
            drive(
                &format!("rental list, 100k houses, repeated filters, {conns} conns"),
                conns,
                options.seconds,
                move |_| {
                    let n = counter.fetch_add(1, Ordering::Relaxed);
                    list(
                        c.clone(),
                        format!("{b}/rental/gethouselist"),
                        s[n % s.len()].clone(),
                    )
                },
            )
            .await,
        );
        let (c, b, s) = (client.clone(), base.to_string(), searches.clone());
        let counter = Arc::new(std::sync::atomic::AtomicUsize::new(1_000_000 * conns));
        reports.push(
            drive(
                &format!("rental list, 100k houses, new filters, {conns} conns"),
                conns,
                options.seconds,
                move |_| {
                    let n = counter.fetch_add(1, Ordering::Relaxed);
                    let mut body = s[n % s.len()].clone();
                    body["range_of_prices"] = json!([1000 + n % 5000, 8000 + n % 9000]);
                    list(c.clone(), format!("{b}/rental/gethouselist"), body)
                },
            )
            .await,
        );
    }
    reports
}
