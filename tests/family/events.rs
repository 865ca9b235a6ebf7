//! Events: receivers of messages and members of a family hear of them.

use super::*;

#[tokio::test]
async fn events_tell_receivers_of_messages_and_members_of_their_family() {
    use common::sse::Stream;
    use std::time::Duration;
    let app = spawn_app().await;
    let parent = register(&app, "parent").await;
    let child = register(&app, "child").await;
    let outsider = register(&app, "outsider").await;
    let family_id = family_with(&app, &parent, &[]).await;
    let open = |token: &str| {
        let url = app.url(&format!("/family/events?token={token}"));
        let client = app.client.clone();
        async move { Stream::open(&client, &url, &[]).await }
    };
    let refused = open("not-a-token").await;
    assert_eq!(refused.status, 401);
    assert!(
        refused.refusal().await["detail"]
            .as_str()
            .unwrap()
            .starts_with("认证失败")
    );
    let mut parents = open(&parent).await;
    let mut childs = open(&child).await;
    let mut outsiders = open(&outsider).await;
    assert!(parents.is_stream() && childs.is_stream() && outsiders.is_stream());

    // The child applies: the parent gets the system's message.
    let (status, body) = post(
        &app,
        "user_manage/about_family/",
        &child,
        json!({"family_id": family_id.to_string()}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let message = parents.next_named("message").await;
    assert_eq!(message.data["receive_id"], "parent");
    assert_eq!(message.data["title"], "加入家庭申请");
    // The parent agrees: the family hears the child joined, the child also
    // gets the message; the outsider hears nothing.
    let child_id = user_id(&app, &child).await;
    let (status, body) = put(
        &app,
        "family/familyMember/",
        &parent,
        json!({"user_id": child_id.to_string(), "is_agree": "0"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    for stream in [&mut parents, &mut childs] {
        let joined = stream.next_named("family").await;
        assert_eq!(joined.data["family_id"], family_id);
        assert_eq!(joined.data["change"], "joined");
        assert_eq!(joined.data["username"], "child");
    }
    assert_eq!(
        childs.next_named("message").await.data["title"],
        "家庭申请已通过"
    );
    // A message between users reaches its receiver only.
    let (status, _) = post(
        &app,
        "message/",
        &outsider,
        json!({"receive_id": "child", "title": "你好", "text": "在吗"}),
    )
    .await;
    assert_eq!(status, 200);
    let hello = childs.next_named("message").await;
    assert_eq!(
        (hello.data["send_id"].as_str(), hello.data["text"].as_str()),
        (Some("outsider"), Some("在吗"))
    );
    assert!(outsiders.drain(Duration::from_millis(400)).await.is_empty());
    assert!(parents.drain(Duration::from_millis(100)).await.is_empty());

    // Leaving tells who is left and who left; resuming replays it.
    let (status, body) = delete(&app, "user_manage/about_family/", &child, json!({})).await;
    assert_eq!(status, 200, "{body}");
    let left = parents.next_named("family").await;
    assert_eq!(
        (left.data["change"].as_str(), left.data["user_id"].as_i64()),
        (Some("left"), Some(child_id))
    );
    let child_left = childs.next_named("family").await;
    let before = (child_left.id.unwrap() - 1).to_string();
    let mut resumed = Stream::open(
        &app.client,
        &app.url(&format!("/family/events?token={child}")),
        &[("last-event-id", &before)],
    )
    .await;
    assert_eq!(resumed.next().await.data["change"], "left");
    // The outsider may hold 8 streams (one is open); the ninth is refused.
    let mut more = Vec::new();
    for _ in 0..7 {
        let stream = open(&outsider).await;
        assert!(stream.is_stream());
        more.push(stream);
    }
    let refused = open(&outsider).await;
    let status = refused.status;
    assert_code(status, &refused.refusal().await, 429);
    drop(more);
    // Logging out ends the stream.
    let (status, _) = delete(&app, "user_manage/logout/", &child, json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(childs.next_named("ended").await.event, "ended");
    assert!(childs.closes_within(Duration::from_secs(2)).await);
    app.stop().await;
}
