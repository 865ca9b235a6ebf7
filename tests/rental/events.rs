//! Event streams: addressees of requests, senders of decisions and both sides of deals.

use std::time::Duration;

use super::*;
use common::sse::Stream;

/// An owner's house in 青岛, a tenant and a rival who will both apply
/// for it, and a stranger.
struct Letting {
    app: TestApp,
    owner: String,
    tenant: String,
    rival: String,
    stranger: String,
    house: i64,
}

async fn letting() -> Letting {
    let app = spawn_app().await;
    let owner = user(&app, "owner").await;
    let tenant = user(&app, "tenant").await;
    let rival = user(&app, "rival").await;
    let stranger = user(&app, "stranger").await;
    let house = add_house(
        &app,
        &owner,
        house("山东省青岛市崂山区", "二居", json!(80), 5, 1, json!(4000)),
    )
    .await;
    Letting {
        app,
        owner,
        tenant,
        rival,
        stranger,
        house,
    }
}

impl Letting {
    async fn open(&self, token: &str) -> Stream {
        let url = self.app.url(&format!("/rental/events?token={token}"));
        Stream::open(&self.app.client, &url, &[]).await
    }

    /// `token`'s request to rent the house; its id.
    async fn apply(&self, token: &str) -> i64 {
        let apply = json!({"house_id": self.house, "period": 3, "start_date": "1/1/2027", "end_date": "4/1/2027"});
        let body = call(&self.app, "/operation/apply-house/", apply, Some(token)).await;
        assert_ok(&body)["id"].as_i64().unwrap()
    }

    /// The tenant and the rival apply; the owner accepts the tenant.
    /// (tenant's request, rival's request).
    async fn let_to_tenant(&self) -> (i64, i64) {
        let r1 = self.apply(&self.tenant).await;
        let r2 = self.apply(&self.rival).await;
        assert_ok(
            &call(
                &self.app,
                "/action/accept-notification",
                json!({"id": r1}),
                Some(&self.owner),
            )
            .await,
        );
        (r1, r2)
    }
}

#[tokio::test]
async fn a_stream_without_a_session_is_refused_with_the_login_message() {
    let letting = letting().await;
    let url = letting.app.url("/rental/events");
    let refused = Stream::open(&letting.app.client, &url, &[]).await;
    assert!(!refused.is_stream());
    assert_failed(&refused.refusal().await, "请先登录");
}

#[tokio::test]
async fn the_owner_hears_of_each_request_for_their_house() {
    let letting = letting().await;
    let mut owners = letting.open(&letting.owner).await;
    let r1 = letting.apply(&letting.tenant).await;
    let r2 = letting.apply(&letting.rival).await;
    for (id, from) in [(r1, "tenant"), (r2, "rival")] {
        let request = owners.next_named("request").await;
        assert_eq!(request.data["id"], id);
        assert_eq!(request.data["kind"], "apply");
        assert_eq!(request.data["username"], from);
        assert_eq!(request.data["status"], "待处理");
        assert_eq!(request.data["house_id"], letting.house);
    }
}

/// Accepting one request rejects the other: each sender hears of theirs,
/// owner and tenant of the deal, the stranger of nothing.
#[tokio::test]
async fn a_decision_is_told_to_its_sender_and_a_deal_to_both_sides_only() {
    let letting = letting().await;
    let mut owners = letting.open(&letting.owner).await;
    let mut tenants = letting.open(&letting.tenant).await;
    let mut rivals = letting.open(&letting.rival).await;
    let mut strangers = letting.open(&letting.stranger).await;
    let (r1, r2) = letting.let_to_tenant().await;
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
}

#[tokio::test]
async fn resuming_from_the_start_replays_only_the_tenants_decision_and_deal() {
    let letting = letting().await;
    let (r1, _) = letting.let_to_tenant().await;
    let url = letting
        .app
        .url(&format!("/rental/events?token={}", letting.tenant));
    let mut resumed = Stream::open(&letting.app.client, &url, &[("last-event-id", "0")]).await;
    let replayed = resumed.drain(Duration::from_millis(300)).await;
    let names: Vec<&str> = replayed.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(names, ["request", "deal"], "{replayed:?}");
    assert_eq!(replayed[0].data["id"], r1);
}

#[tokio::test]
async fn a_user_holds_at_most_eight_streams_and_the_ninth_is_refused() {
    let letting = letting().await;
    let mut open = Vec::new();
    for _ in 0..8 {
        let stream = letting.open(&letting.stranger).await;
        assert!(stream.is_stream());
        open.push(stream);
    }
    let refused = letting.open(&letting.stranger).await;
    assert!(!refused.is_stream());
    assert_failed(&refused.refusal().await, "at most 8");
}

#[tokio::test]
async fn logging_out_ends_the_stream() {
    let letting = letting().await;
    let mut tenants = letting.open(&letting.tenant).await;
    assert!(tenants.is_stream());
    assert_ok(
        &call(
            &letting.app,
            "/operation/logout",
            json!({}),
            Some(&letting.tenant),
        )
        .await,
    );
    assert_eq!(tenants.next_named("ended").await.event, "ended");
    assert!(tenants.closes_within(Duration::from_secs(2)).await);
    letting.app.stop().await;
}
