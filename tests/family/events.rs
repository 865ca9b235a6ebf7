//! Events: receivers of messages and members of a family hear of them.

use std::time::Duration;

use super::*;
use common::sse::Stream;

/// A parent's family, a child who will ask to join it, and an outsider.
struct Household {
    app: TestApp,
    parent: String,
    child: String,
    outsider: String,
    family_id: i64,
}

async fn household() -> Household {
    let app = spawn_app().await;
    let parent = register(&app, "parent").await;
    let child = register(&app, "child").await;
    let outsider = register(&app, "outsider").await;
    let family_id = family_with(&app, &parent, &[]).await;
    Household {
        app,
        parent,
        child,
        outsider,
        family_id,
    }
}

impl Household {
    async fn open(&self, token: &str) -> Stream {
        let url = self.app.url(&format!("/family/events?token={token}"));
        Stream::open(&self.app.client, &url, &[]).await
    }

    /// The child asks to join the family.
    async fn child_applies(&self) {
        let (status, body) = post(
            &self.app,
            "user_manage/about_family/",
            &self.child,
            json!({"family_id": self.family_id.to_string()}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }

    /// The parent lets the child in; the child's user id.
    async fn parent_agrees(&self) -> i64 {
        let child_id = user_id(&self.app, &self.child).await;
        let (status, body) = put(
            &self.app,
            "family/familyMember/",
            &self.parent,
            json!({"user_id": child_id.to_string(), "is_agree": "0"}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        child_id
    }
}

#[tokio::test]
async fn a_stream_with_an_unknown_token_is_refused() {
    let at = household().await;
    let refused = at.open("not-a-token").await;
    assert_eq!(refused.status, 401);
    assert!(
        refused.refusal().await["detail"]
            .as_str()
            .unwrap()
            .starts_with("认证失败")
    );
}

/// The child applies: the parent gets the system's message. The parent
/// agrees: the family hears the child joined, the child also gets the
/// message.
#[tokio::test]
async fn an_application_and_its_answer_are_told_to_the_family_and_the_applicant() {
    let at = household().await;
    let mut parents = at.open(&at.parent).await;
    let mut childs = at.open(&at.child).await;
    assert!(parents.is_stream() && childs.is_stream());
    at.child_applies().await;
    let message = parents.next_named("message").await;
    assert_eq!(message.data["receive_id"], "parent");
    assert_eq!(message.data["title"], "加入家庭申请");
    at.parent_agrees().await;
    for stream in [&mut parents, &mut childs] {
        let joined = stream.next_named("family").await;
        assert_eq!(joined.data["family_id"], at.family_id);
        assert_eq!(joined.data["change"], "joined");
        assert_eq!(joined.data["username"], "child");
    }
    assert_eq!(
        childs.next_named("message").await.data["title"],
        "家庭申请已通过"
    );
}

#[tokio::test]
async fn a_message_between_users_reaches_its_receiver_only() {
    let at = household().await;
    let mut parents = at.open(&at.parent).await;
    let mut childs = at.open(&at.child).await;
    let mut outsiders = at.open(&at.outsider).await;
    assert!(parents.is_stream() && childs.is_stream() && outsiders.is_stream());
    let (status, _) = post(
        &at.app,
        "message/",
        &at.outsider,
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
}

/// Leaving tells who is left and who left; resuming replays it.
#[tokio::test]
async fn leaving_is_told_to_both_sides_and_replayed_on_resuming() {
    let at = household().await;
    at.child_applies().await;
    let child_id = at.parent_agrees().await;
    let mut parents = at.open(&at.parent).await;
    let mut childs = at.open(&at.child).await;
    assert!(parents.is_stream() && childs.is_stream());
    let (status, body) = delete(&at.app, "user_manage/about_family/", &at.child, json!({})).await;
    assert_eq!(status, 200, "{body}");
    let left = parents.next_named("family").await;
    assert_eq!(
        (left.data["change"].as_str(), left.data["user_id"].as_i64()),
        (Some("left"), Some(child_id))
    );
    let child_left = childs.next_named("family").await;
    let before = (child_left.id.unwrap() - 1).to_string();
    let url = at.app.url(&format!("/family/events?token={}", at.child));
    let mut resumed = Stream::open(&at.app.client, &url, &[("last-event-id", &before)]).await;
    assert_eq!(resumed.next().await.data["change"], "left");
}

#[tokio::test]
async fn a_user_holds_at_most_eight_streams_and_the_ninth_is_refused() {
    let at = household().await;
    let mut open = Vec::new();
    for _ in 0..8 {
        let stream = at.open(&at.outsider).await;
        assert!(stream.is_stream());
        open.push(stream);
    }
    let refused = at.open(&at.outsider).await;
    let status = refused.status;
    assert_code(status, &refused.refusal().await, 429);
}

#[tokio::test]
async fn logging_out_ends_the_stream() {
    let at = household().await;
    let mut childs = at.open(&at.child).await;
    assert!(childs.is_stream());
    let (status, _) = delete(&at.app, "user_manage/logout/", &at.child, json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(childs.next_named("ended").await.event, "ended");
    assert!(childs.closes_within(Duration::from_secs(2)).await);
    at.app.stop().await;
}
