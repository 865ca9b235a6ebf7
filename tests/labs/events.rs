//! Event streams: members, the lab's leader and admins hear of project changes.

use super::*;

#[tokio::test]
async fn events_tell_members_the_labs_leader_and_admins_of_project_changes() {
    use common::sse::Stream;
    use std::time::Duration;
    let w = world().await;
    let app = &w.app;
    let refused = Stream::open(&app.client, &app.url("/labs/events"), &[]).await;
    assert!(!refused.is_stream());
    assert_denied(&refused.refusal().await);
    let open = |token: &str| {
        let url = app.url(&format!("/labs/events?token={token}"));
        let client = app.client.clone();
        async move { Stream::open(&client, &url, &[]).await }
    };
    let mut member = open(&w.s2).await;
    let mut outsider = open(&w.s3).await;
    let mut leader_a = open(&w.leader_a).await;
    let mut leader_b = open(&w.leader_b).await;
    let mut admin = open(&w.admin).await;

    let p1 = w.project("实验室A", "事件项目").await;
    for stream in [&mut member, &mut leader_a, &mut admin] {
        let created = stream.next_named("project").await;
        assert_eq!(created.data["id"], p1);
        assert_eq!(created.data["change"], "created");
        assert_eq!(created.data["lab_name"], "实验室A");
        assert_eq!(created.data["opt_status"], 0);
    }
    assert_ok(
        &w.post(
            "/labs/project/review",
            json!({"id": p1, "opt_status": 3}),
            &w.leader_a,
        )
        .await,
    );
    let reviewed = member.next_named("project").await;
    assert_eq!(
        (
            reviewed.data["change"].as_str(),
            reviewed.data["opt_status"].as_i64()
        ),
        (Some("reviewed"), Some(0))
    );
    assert_eq!(admin.next_named("project").await.data["change"], "reviewed");
    // A refused review tells no one; another lab's leader and a student
    // outside the project never hear of it.
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
    // Resuming from the start replays the member's two changes, the
    // outsider's none.
    let resume = |token: &str| {
        let url = app.url(&format!("/labs/events?token={token}"));
        let client = app.client.clone();
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
    // A leader may hold 8 streams (one is open); the ninth is refused.
    let mut more = Vec::new();
    for _ in 0..7 {
        let stream = open(&w.leader_b).await;
        assert!(stream.is_stream());
        more.push(stream);
    }
    let refused = open(&w.leader_b).await;
    assert!(!refused.is_stream());
    assert_failed(&refused.refusal().await, "at most 8");
    drop(more);
    // Logging out ends the stream.
    let response = app
        .client
        .post(app.url("/labs/user/logout"))
        .bearer_auth(&w.s2)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(member.next_named("ended").await.event, "ended");
    assert!(member.closes_within(Duration::from_secs(2)).await);
    drop((outsider, leader_a, leader_b, admin));
    w.app.stop().await;
}
