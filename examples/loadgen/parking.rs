//! Parking's workloads: a lot big enough for the run, its users, and the reserve-start-end-cancel cycle.

use super::*;

/// Adds the benchmark's parking lot (id 1, 10,000 places) with the CLI.
pub(crate) fn add_bench_lot(options: &Options, db: &std::path::Path) {
    onebox_command(
        options,
        &[
            "parking",
            "add-lot",
            "--name",
            "bench",
            "--capacity",
            "10000",
            "--price",
            "1",
        ],
        db,
    );
}

/// `n` parking users `{prefix}{i}`, registered, logged in and with a
/// balance: (username, token).
pub(crate) async fn parking_users(
    client: &reqwest::Client,
    base: &str,
    prefix: &str,
    n: usize,
) -> Vec<(String, String)> {
    let mut tokens = Vec::new();
    for i in 0..n {
        let name = format!("{prefix}{i}");
        let post = |path: &str, body: Value, token: Option<&str>| {
            let mut request = client.post(format!("{base}{path}")).json(&body);
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            async move {
                request
                    .send()
                    .await
                    .expect("request")
                    .json::<Value>()
                    .await
                    .expect("json")
            }
        };
        post(
            "/parking/api/user/new",
            json!({"username": name, "password": "bench-password", "email": "b@b"}),
            None,
        )
        .await;
        let login = post(
            "/parking/api/user/login",
            json!({"username": name, "password": "bench-password"}),
            None,
        )
        .await;
        let token = login["data"]["token"].as_str().expect("token").to_string();
        post(
            "/parking/api/user/recharge",
            json!({"username": name, "amount": "100000"}),
            Some(&token),
        )
        .await;
        tokens.push((name, token));
    }
    tokens
}

/// One parking order cycle in lot 1: reserve, then cancel.
pub(crate) async fn order_cycle(
    c: reqwest::Client,
    b: String,
    name: String,
    token: String,
) -> bool {
    let Ok(reply) = c
        .post(format!("{b}/parking/api/order/new"))
        .bearer_auth(&token)
        .json(&json!({"username": name, "parkinglot_id": 1}))
        .send()
        .await
    else {
        return false;
    };
    let Ok(body) = reply.json::<Value>().await else {
        return false;
    };
    let Some(id) = body["data"]["id"].as_i64() else {
        return false;
    };
    let Ok(reply) = c
        .post(format!("{b}/parking/api/order/cancel"))
        .bearer_auth(&token)
        .json(&json!({"username": name, "order_id": id}))
        .send()
        .await
    else {
        return false;
    };
    reply
        .json::<Value>()
        .await
        .map(|v| v["code"] == 200)
        .unwrap_or(false)
}
