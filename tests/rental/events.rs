//! Event streams: addressees of requests, senders of decisions and both sides of deals.

use super::*;

#[tokio::test]
async fn events_tell_addressees_of_requests_senders_of_decisions_and_both_sides_of_deals() {
    use common::sse::Stream;
    use std::time::Duration;
    let app = spawn_app().await;
    let owner = user(&app, "owner").await;
    let tenant = user(&app, "tenant").await;
    let rival = user(&app, "rival").await;
    let stranger = user(&app, "stranger").await;
    let h = add_house(
        &app,
        &owner,
        house("山东省青岛市崂山区", "二居", json!(80), 5, 1, json!(4000)),
    )
    .await;
    let refused = Stream::open(&app.client, &app.url("/rental/events"), &[]).await;
    assert!(!refused.is_stream());
    assert_failed(&refused.refusal().await, "请先登录");
    let open = |token: &str| {
        let url = app.url(&format!("/rental/events?token={token}"));
        let client = app.client.clone();
        async move { Stream::open(&client, &url, &[]).await }
    };
    let mut owners = open(&owner).await;
    let mut tenants = open(&tenant).await;
    let mut rivals = open(&rival).await;
    let mut strangers = open(&stranger).await;

    let apply =
        json!({"house_id": h, "period": 3, "start_date": "1/1/2027", "end_date": "4/1/2027"});
    let r1 = assert_ok(
        &call(
            &app,
            "/operation/apply-house/",
            apply.clone(),
            Some(&tenant),
        )
        .await,
    )["id"]
        .as_i64()
        .unwrap();
    let r2 = assert_ok(&call(&app, "/operation/apply-house/", apply, Some(&rival)).await)["id"]
        .as_i64()
        .unwrap();
    for (id, from) in [(r1, "tenant"), (r2, "rival")] {
        let request = owners.next_named("request").await;
        assert_eq!(request.data["id"], id);
        assert_eq!(request.data["kind"], "apply");
        assert_eq!(request.data["username"], from);
        assert_eq!(request.data["status"], "待处理");
        assert_eq!(request.data["house_id"], h);
    }
    // Accepting one request rejects the other: each sender hears of theirs,
    // owner and tenant of the deal, the stranger of nothing.
    assert_ok(
        &call(
            &app,
            "/action/accept-notification",
            json!({"id": r1}),
            Some(&owner),
        )
        .await,
    );
    let accepted = tenants.next_named("request").await;
    assert_eq!(
        (
            accepted.data["id"].as_i64(),
            accepted.data["status"].as_str()
        ),
        (Some(r1), Some("已接受"))
    );
    assert_eq!(accepted.data["username"], "owner");
    let rejected = rivals.next_named("request").await;
    assert_eq!(
        (
            rejected.data["id"].as_i64(),
            rejected.data["status"].as_str()
        ),
        (Some(r2), Some("已拒绝"))
    );
    for stream in [&mut owners, &mut tenants] {
        let deal = stream.next_named("deal").await;
        assert_eq!(
            (deal.data["owner"].as_str(), deal.data["user"].as_str()),
            (Some("owner"), Some("tenant"))
        );
        assert_eq!(deal.data["location"], "山东省青岛市崂山区小区1单元");
    }
    assert!(
        rivals
            .drain(Duration::from_millis(300))
            .await
            .iter()
            .all(|e| e.event != "deal")
    );
    assert!(strangers.drain(Duration::from_millis(100)).await.is_empty());
    // Resuming from the start replays the tenant's decision and deal only.
    let mut resumed = Stream::open(
        &app.client,
        &app.url(&format!("/rental/events?token={tenant}")),
        &[("last-event-id", "0")],
    )
    .await;
    let replayed = resumed.drain(Duration::from_millis(300)).await;
    let names: Vec<&str> = replayed.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(names, ["request", "deal"], "{replayed:?}");
    assert_eq!(replayed[0].data["id"], r1);
    // The stranger may hold 8 streams (one is open); the ninth is refused.
    let mut more = Vec::new();
    for _ in 0..7 {
        let stream = open(&stranger).await;
        assert!(stream.is_stream());
        more.push(stream);
    }
    let refused = open(&stranger).await;
    assert!(!refused.is_stream());
    assert_failed(&refused.refusal().await, "at most 8");
    drop(more);
    // Logging out ends the stream.
    assert_ok(&call(&app, "/operation/logout", json!({}), Some(&tenant)).await);
    assert_eq!(tenants.next_named("ended").await.event, "ended");
    assert!(tenants.closes_within(Duration::from_secs(2)).await);
    app.stop().await;
}
