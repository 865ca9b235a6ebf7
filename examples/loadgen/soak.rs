//! `--soak`: mixed traffic for minutes, watching memory, file descriptors and p99 for a climb.

use super::*;

/// `--soak`: mixed reads and writes in every domain, window after window.
pub(crate) async fn soak(
    client: &reqwest::Client,
    base: &str,
    pid: u32,
    db: &std::path::Path,
    options: &Options,
) {
    let counter = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let windows = (options.soak.unwrap_or(10) * 60).div_ceil(options.seconds.max(1));
    println!("| window | req/s | p99 ms | errors | RSS MB | anon MB | db MB | open fds |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut first = None;
    let mut last = None;
    for window in 1..=windows {
        let (c, b, n) = (client.clone(), base.to_string(), counter.clone());
        let report = drive("mixed", options.connections, options.seconds, move |_| {
            let (c, b) = (c.clone(), b.clone());
            let i = n.fetch_add(1, Ordering::Relaxed);
            async move {
                let (path, body) = match i % 10 {
                    0 => ("/parking/api/user/new", Some(json!({"username": format!("soak{i}"), "password": "secret123", "email": "s@example.com"}))),
                    1 => ("/family/api/v1/user_manage/register/", Some(json!({"username": format!("soak{i}"), "password": "secret123", "pwdagain": "secret123"}))),
                    2 => ("/labs/user/login/code", None),
                    3 => ("/rental/operation/register", Some(json!({"username": format!("soak{i}"), "password": "secret123", "name": "张三", "id_type": "身份证", "id_number": "110101199001011234", "phone": "13800000000", "city": "北京"}))),
                    4 | 5 => ("/shop/shop/products", None),
                    6 => ("/shop/shop/products?q=demo&page=2", None),
                    _ => ("/parking/api/parkinglot/list", None),
                };
                let request = match body {
                    Some(body) => c.post(format!("{b}{path}")).json(&body),
                    None => c.get(format!("{b}{path}")),
                };
                match request.send().await {
                    Ok(answer) => answer.status().as_u16() < 500 && answer.bytes().await.is_ok(),
                    Err(_) => false,
                }
            }
        })
        .await;
        let db_mb = std::fs::metadata(db).map_or(f64::NAN, |m| m.len() as f64 / 1_048_576.0);
        let row = (
            report.rate,
            report.p99_ms,
            rss_mb(pid),
            open_fds(pid),
            status_mb(pid, "RssAnon:"),
        );
        println!(
            "| {window} | {:.0} | {:.2} | {} | {:.1} | {:.1} | {db_mb:.1} | {} |",
            row.0, row.1, report.errors, row.2, row.4, row.3
        );
        first.get_or_insert(row);
        last = Some(row);
    }
    if let (Some(first), Some(last)) = (first, last) {
        println!(
            "first window to last: req/s {:.0} -> {:.0}, p99 {:.2} -> {:.2} ms, RSS {:.1} -> {:.1} MB (anonymous {:.1} -> {:.1}), fds {} -> {}",
            first.0, last.0, first.1, last.1, first.2, last.2, first.4, last.4, first.3, last.3
        );
    }
}
