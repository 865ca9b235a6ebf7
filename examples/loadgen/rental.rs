//! Rental's workloads: houses seeded across districts and kinds, then lists and details read.

use super::*;

pub(crate) const DISTRICTS: &[&str] = &[
    "北京市海淀区",
    "北京市朝阳区",
    "北京市西城区",
    "上海浦东新区",
    "上海徐汇区",
    "山东省青岛市崂山区",
    "山东省青岛市市南区",
    "浙江省杭州市西湖区",
    "广东省广州市天河区",
    "广东省深圳市南山区",
    "四川省成都市武侯区",
    "湖北省武汉市洪山区",
];
pub(crate) const KINDS: &[&str] = &["一居", "二居", "三居", "四居", "开间"];

/// Fills the rental tables with 100,000 houses of demo size (one owner),
/// written straight into the file while the server runs.
pub(crate) fn seed_houses(db: &std::path::Path, count: usize) {
    let mut conn = rusqlite::Connection::open(db).expect("open for seeding");
    conn.busy_timeout(Duration::from_secs(30))
        .expect("busy timeout");
    let tx = conn.transaction().expect("transaction");
    tx.execute(
        "INSERT INTO rental_users (username, password_hash, name, id_type, id_number, phone, register_city, created_at)
         VALUES ('bench-owner', 'x', '房东', '身份证', '1', '13800000000', '北京', 0)",
        [],
    )
    .expect("owner");
    let owner = tx.last_insert_rowid();
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO rental_houses (owner_id, name, district, community, unit, type, house_type, area, floor,
                     elevator, description, imgs, tags, deposit, pay_method, cost, state, created_at, modified_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, '[\"/files/1\"]', '[\"独卫\",\"近地铁\"]', ?12, '月', ?12, ?13, 0, 0)",
            )
            .expect("prepare");
        let mut rng = Lcg(42);
        for n in 0..count {
            let district = format!(
                "{}{}街道",
                DISTRICTS[rng.next(DISTRICTS.len() as u64) as usize],
                n % 37
            );
            let kind_index = rng.next(KINDS.len() as u64) as usize;
            let kind = KINDS[kind_index];
            let community = format!("第{}小区", rng.next(500));
            let cost = (1_000 + rng.next(19_000) as i64) * 100;
            let state = if rng.next(10) == 0 {
                "已租"
            } else {
                "待租"
            };
            insert
                .execute(rusqlite::params![
                    owner,
                    format!("{community}{kind}"),
                    district,
                    community,
                    format!("{}单元", rng.next(10) + 1),
                    kind,
                    (kind_index as i64 + 1).min(4),
                    (20 + rng.next(180) as i64) * 100,
                    rng.next(33) as i64 + 1,
                    rng.next(2) as i64,
                    "采光好，交通方便，拎包入住，随时看房",
                    cost,
                    state,
                ])
                .expect("insert house");
        }
    }
    tx.commit().expect("commit");
    conn.execute_batch("ANALYZE").expect("analyze");
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
    seed_houses(db, 100_000);
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
