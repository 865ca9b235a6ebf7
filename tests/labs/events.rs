//! Event streams: members, the lab's leader and admins hear of project changes.

use std::time::Duration;

use super::*;
use common::sse::Stream;

/// `token`'s stream, with the token in the query.
async fn open(w: &World, token: &str) -> Stream {
    let url = w.app.url(&format!("/labs/events?token={token}"));
    Stream::open(&w.app.client, &url, &[]).await
}

/// The project 事件项目 in lab A, created by s1 with s2 as member, then
/// reviewed by lab A's leader; its id.
async fn reviewed_project(w: &World) -> i64 {
    let p1 = w.project("实验室A", "事件项目").await;
    assert_ok(
        &w.post(
            "/labs/project/review",
            json!({"id": p1, "opt_status": 3}),
            &w.leader_a,
        )
        .await,
    );
    p1
}

#[tokio::test]
async fn a_stream_without_a_session_is_refused() {
    let w = world().await;
    let refused = Stream::open(&w.app.client, &w.app.url("/labs/events"), &[]).await;
    assert!(!refused.is_stream());
    assert_denied(&refused.refusal().await);
}

#[tokio::test]
async fn a_new_project_and_its_review_are_told_to_its_members_its_labs_leader_and_admins() {
    let w = world().await;
    let mut member = open(&w, &w.s2).await;
    let mut leader_a = open(&w, &w.leader_a).await;
    let mut admin = open(&w, &w.admin).await;
    let p1 = reviewed_project(&w).await;
    for stream in [&mut member, &mut leader_a, &mut admin] {
        let created = stream.next_named("project").await;
        assert_eq!(created.data["id"], p1);
        assert_eq!(created.data["change"], "created");
        assert_eq!(created.data["lab_name"], "实验室A");
        assert_eq!(created.data["opt_status"], 0);
    }
    let reviewed = member.next_named("project").await;
    assert_eq!(
        (
            reviewed.data["change"].as_str(),
            reviewed.data["opt_status"].as_i64()
        ),
        (Some("reviewed"), Some(0))
    );
    assert_eq!(admin.next_named("project").await.data["change"], "reviewed");
}

/// A refused review tells no one; another lab's leader and a student
/// outside the project never hear of it.
#[tokio::test]
async fn a_refused_review_tells_no_one_and_outsiders_hear_nothing() {
    let w = world().await;
    let mut leader_b = open(&w, &w.leader_b).await;
    let mut outsider = open(&w, &w.s3).await;
    let p1 = reviewed_project(&w).await;
    let mut member = open(&w, &w.s2).await;
    assert_denied(
        &w.post(
            "/labs/project/review",
            json!({"id": p1, "opt_status": 2}),
            &w.leader_b,
        )
        .await,
    );
    assert!(member.drain(Duration::from_millis(300)).await.is_empty());
    assert!(leader_b.drain(Duration::from_millis(100)).await.is_empty());
    assert!(outsider.drain(Duration::from_millis(100)).await.is_empty());
}

/// Resuming from the start replays the member's two changes, the
/// outsider's none.
#[tokio::test]
async fn resuming_from_the_start_replays_only_what_each_may_see() {
    let w = world().await;
    reviewed_project(&w).await;
    let resume = |token: &str| {
        let url = w.app.url(&format!("/labs/events?token={token}"));
        let client = w.app.client.clone();
        async move {
            Stream::open(&client, &url, &[("last-event-id", "0")])
                .await
                .drain(Duration::from_millis(300))
                .await
        }
    };
    let replayed = resume(&w.s2).await;
    let changes: Vec<&str> = replayed
        .iter()
        .filter_map(|e| e.data["change"].as_str())
        .collect();
    assert_eq!(changes, ["created", "reviewed"], "{replayed:?}");
    assert!(resume(&w.s3).await.is_empty());
}

#[tokio::test]
async fn a_user_holds_at_most_eight_streams_and_the_ninth_is_refused() {
    let w = world().await;
    let mut open_streams = Vec::new();
    for _ in 0..8 {
        let stream = open(&w, &w.leader_b).await;
        assert!(stream.is_stream());
        open_streams.push(stream);
    }
    let refused = open(&w, &w.leader_b).await;
    assert!(!refused.is_stream());
    assert_failed(&refused.refusal().await, "at most 8");
}

#[tokio::test]
async fn logging_out_ends_the_stream() {
    let w = world().await;
    let mut member = open(&w, &w.s2).await;
    assert!(member.is_stream());
    let response = w
        .app
        .client
        .post(w.app.url("/labs/user/logout"))
        .bearer_auth(&w.s2)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(member.next_named("ended").await.event, "ended");
    assert!(member.closes_within(Duration::from_secs(2)).await);
    w.app.stop().await;
}
