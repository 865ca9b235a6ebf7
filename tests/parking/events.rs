//! Event streams: each user's orders and everyone's lots, caps, and streams ended with their session.

use std::time::Duration;

use super::*;
use common::sse::Stream;

fn events_url(app: &TestApp, username: &str, token: &str) -> String {
    app.url(&format!(
        "/parking/events?username={username}&token={token}"
    ))
}

/// A three-place lot whose reservations expire after a second, and
/// alice and bob with money to spend.
struct Lot {
    app: TestApp,
    lot: i64,
    alice: String,
    bob: String,
}

async fn lot() -> Lot {
    let app = spawn_app_with(&["--reserve-timeout", "1s"]).await;
    let lot = add_lot(&app, "事件", 3, 500);
    let alice = user_with_balance(&app, "alice", "100").await;
    let bob = user_with_balance(&app, "bob", "100").await;
    Lot {
        app,
        lot,
        alice,
        bob,
    }
}

impl Lot {
    /// `username`'s stream, with the token in the query.
    async fn open(&self, username: &str, token: &str) -> Stream {
        Stream::open(
            &self.app.client,
            &events_url(&self.app, username, token),
            &[],
        )
        .await
    }

    /// Alice reserves a place; the order's id.
    async fn alice_reserves(&self) -> i64 {
        let (_, body) = self
            .app
            .post(
                "/parking/api/order/new",
                json!({"username": "alice", "parkinglot_id": self.lot}),
                Some(&self.alice),
            )
            .await;
        assert_ok(&body)["id"].as_i64().unwrap()
    }
}

#[tokio::test]
async fn a_stream_without_a_session_for_another_name_or_with_a_wrong_token_is_refused() {
    let Lot { app, alice, .. } = lot().await;
    for url in [
        app.url("/parking/events?username=alice"),
        events_url(&app, "bob", &alice),
        events_url(&app, "alice", "not-a-token"),
    ] {
        let refused = Stream::open(&app.client, &url, &[]).await;
        assert!(!refused.is_stream(), "{url}");
        assert_fail(&refused.refusal().await, 406, "login required");
    }
}

#[tokio::test]
async fn an_order_is_told_to_its_user_only_and_the_lot_to_everyone() {
    let at = lot().await;
    let mut alices = at.open("alice", &at.alice).await;
    let mut bobs = at.open("bob", &at.bob).await;
    // A Bearer token works as well as the token field.
    let mut bearer = Stream::open(
        &at.app.client,
        &at.app.url("/parking/events?username=alice"),
        &[("authorization", &format!("Bearer {}", at.alice))],
    )
    .await;
    assert!(alices.is_stream() && bobs.is_stream() && bearer.is_stream());
    let order_id = at.alice_reserves().await;
    let order = alices.next_named("order").await;
    assert_eq!(order.data["id"], order_id);
    assert_eq!(order.data["status"], 0);
    assert_eq!(order.data["user"], "alice");
    assert!(order.id.is_some(), "events have ids");
    let seen = alices.next_named("lot").await;
    assert_eq!(
        (seen.data["id"].as_i64(), seen.data["free"].as_i64()),
        (Some(at.lot), Some(2))
    );
    assert_eq!(bearer.next_named("order").await.data["id"], order_id);
    // Bob hears of the lot, never of Alice's order.
    let bob_saw = bobs.drain(Duration::from_millis(400)).await;
    assert_eq!(bob_saw.len(), 1, "{bob_saw:?}");
    assert_eq!(bob_saw[0].event, "lot");
    assert_eq!(bob_saw[0].data["free"], 2);
}

/// The reservation expires (1 s): Alice hears it, everyone sees the spot
/// free; resuming replays what followed an event, only Alice's to her.
#[tokio::test]
async fn an_expiry_is_told_like_an_order_and_replayed_on_resuming() {
    let at = lot().await;
    let mut alices = at.open("alice", &at.alice).await;
    let mut bobs = at.open("bob", &at.bob).await;
    assert!(alices.is_stream() && bobs.is_stream());
    at.alice_reserves().await;
    let first_id = alices
        .next_named("order")
        .await
        .id
        .expect("events have ids");
    assert_eq!(alices.next_named("lot").await.data["free"], 2);
    let expired = alices
        .next_within(Duration::from_secs(8))
        .await
        .expect("the expiry is told");
    assert_eq!(
        (expired.event.as_str(), &expired.data["status"]),
        ("order", &json!(3))
    );
    assert_eq!(alices.next_named("lot").await.data["free"], 3);
    assert_eq!(bobs.next_named("lot").await.data["free"], 2);
    assert_eq!(bobs.next_named("lot").await.data["free"], 3);

    let last = first_id.to_string();
    let mut resumed = Stream::open(
        &at.app.client,
        &events_url(&at.app, "alice", &at.alice),
        &[("last-event-id", &last)],
    )
    .await;
    let replayed = resumed.drain(Duration::from_millis(300)).await;
    let names: Vec<&str> = replayed.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(names, ["lot", "order", "lot"], "{replayed:?}");
    assert!(replayed.iter().all(|e| e.id > Some(first_id)));
    let mut bob_resumed = Stream::open(
        &at.app.client,
        &format!("{}&last_event_id=0", events_url(&at.app, "bob", &at.bob)),
        &[],
    )
    .await;
    let bob_replayed = bob_resumed.drain(Duration::from_millis(300)).await;
    assert_eq!(bob_replayed.len(), 2, "{bob_replayed:?}");
    assert!(bob_replayed.iter().all(|e| e.event == "lot"));
}

#[tokio::test]
async fn logging_out_ends_every_stream_of_that_user_and_only_theirs() {
    let at = lot().await;
    let mut alices = at.open("alice", &at.alice).await;
    let mut alices_second = at.open("alice", &at.alice).await;
    let mut bobs = at.open("bob", &at.bob).await;
    assert!(alices.is_stream() && alices_second.is_stream() && bobs.is_stream());
    let (_, body) = at
        .app
        .post(
            "/parking/api/user/logout",
            json!({"username": "alice"}),
            Some(&at.alice),
        )
        .await;
    assert_ok(&body);
    assert_eq!(
        alices.next_named("ended").await.data["reason"],
        "the session has ended"
    );
    assert!(alices.closes_within(Duration::from_secs(2)).await);
    assert!(alices_second.closes_within(Duration::from_secs(2)).await);
    assert!(!bobs.closes_within(Duration::from_millis(500)).await);
    at.app.stop().await;
}

#[tokio::test]
async fn event_streams_are_capped_per_account_and_in_total() {
    use common::sse::Stream;
    let app = spawn_app_with(&["--max-streams-per-account", "2", "--max-streams", "3"]).await;
    let alice = user_with_balance(&app, "alice", "0").await;
    let bob = user_with_balance(&app, "bob", "0").await;
    let carol = user_with_balance(&app, "carol", "0").await;
    let first = Stream::open(&app.client, &events_url(&app, "alice", &alice), &[]).await;
    let _second = Stream::open(&app.client, &events_url(&app, "alice", &alice), &[]).await;
    assert!(first.is_stream());
    let third = Stream::open(&app.client, &events_url(&app, "alice", &alice), &[]).await;
    let refusal = third.refusal().await;
    assert_eq!(refusal["code"], 429, "{refusal}");
    assert!(
        refusal["msg"].as_str().unwrap().contains("at most 2"),
        "{refusal}"
    );
    let _bobs = Stream::open(&app.client, &events_url(&app, "bob", &bob), &[]).await;
    let over = Stream::open(&app.client, &events_url(&app, "carol", &carol), &[]).await;
    let refusal = over.refusal().await;
    assert!(
        refusal["msg"]
            .as_str()
            .unwrap()
            .contains("on this server (at most 3)"),
        "{refusal}"
    );
    // A closed stream frees its place.
    drop(first);
    let mut opened = false;
    for _ in 0..50 {
        let again = Stream::open(&app.client, &events_url(&app, "carol", &carol), &[]).await;
        if again.is_stream() {
            opened = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(opened, "a place is freed when a stream closes");
    app.stop().await;
}

#[tokio::test]
async fn a_password_change_ends_the_streams_of_the_accounts_other_sessions() {
    use common::sse::Stream;
    use std::time::Duration;
    let app = spawn_app().await;
    let first = user_with_balance(&app, "alice", "0").await;
    let second = login(&app, "alice").await;
    let mut kept = Stream::open(&app.client, &events_url(&app, "alice", &first), &[]).await;
    let mut other = Stream::open(&app.client, &events_url(&app, "alice", &second), &[]).await;
    assert!(kept.is_stream() && other.is_stream());
    let (_, body) = app
        .post(
            "/parking/api/user/modification",
            json!({"username": "alice", "password": "another-pass-2", "email": "a@example.com"}),
            Some(&first),
        )
        .await;
    assert_ok(&body);
    assert_eq!(other.next_named("ended").await.event, "ended");
    assert!(other.closes_within(Duration::from_secs(2)).await);
    // The session that changed the password goes on.
    assert!(!kept.closes_within(Duration::from_millis(500)).await);
    app.stop().await;
}

#[tokio::test]
async fn a_stream_opens_with_a_last_event_id_it_cannot_parse_and_needs_the_username() {
    use common::sse::Stream;
    let app = spawn_app().await;
    let alice = user_with_balance(&app, "alice", "1").await;
    let garbled = format!("{}&last_event_id=soon", events_url(&app, "alice", &alice));
    let stream = Stream::open(&app.client, &garbled, &[]).await;
    assert!(stream.is_stream(), "refused: {}", stream.status);

    let nameless = app.url(&format!("/parking/events?token={alice}"));
    let refused = Stream::open(&app.client, &nameless, &[]).await;
    assert!(!refused.is_stream());
    assert_fail(
        &refused.refusal().await,
        402,
        "need parameter username in request",
    );
}
