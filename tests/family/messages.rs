//! Messages between users: sent, listed newest first, starred, deleted by their receiver.

use super::*;

/// admin's message 系统测试 in junbao's inbox.
struct Mail {
    app: TestApp,
    admin: String,
    junbao: String,
    id: i64,
}

async fn mail() -> Mail {
    let app = spawn_app().await;
    let admin = register(&app, "admin").await;
    let junbao = register(&app, "junbao").await;
    let (status, sent) = post(
        &app,
        "message/",
        &admin,
        json!({"receive_id": "junbao", "title": "系统测试", "text": "系统测试消息"}),
    )
    .await;
    assert_eq!(status, 200, "{sent}");
    // The answer is the sender's own inbox, as the original's is.
    assert_eq!(sent, json!([]));
    let (status, inbox) = get(&app, "message/", &junbao).await;
    assert_eq!(status, 200);
    let id = inbox[0]["id"].as_i64().unwrap();
    Mail {
        app,
        admin,
        junbao,
        id,
    }
}

#[tokio::test]
async fn a_message_reaches_its_receivers_inbox_with_every_field() {
    let Mail {
        app, admin, junbao, ..
    } = mail().await;
    let (status, inbox) = get(&app, "message/", &junbao).await;
    assert_eq!(status, 200);
    let items = inbox.as_array().expect("a bare array");
    assert_eq!(items.len(), 1);
    let message = &items[0];
    assert_eq!(message["send_id"], "admin");
    assert_eq!(message["receive_id"], "junbao");
    assert_eq!(message["send_name"], "admin");
    assert_eq!(message["receive_name"], "junbao");
    assert_eq!(message["type"], 0);
    assert_eq!(message["title"], "系统测试");
    assert_eq!(message["text"], "系统测试消息");
    assert_eq!(message["state"], 0);
    let sent_at = message["send_time"].as_str().unwrap();
    assert!(
        sent_at.len() == 20 && sent_at.ends_with('Z') && sent_at.as_bytes()[10] == b'T',
        "{sent_at}"
    );
    assert_eq!(get(&app, "message/", &admin).await.1, json!([]));
}

/// The sender cannot touch the receiver's message; unknown ids are 404.
#[tokio::test]
async fn only_the_receiver_changes_or_deletes_a_message() {
    let Mail {
        app,
        admin,
        junbao,
        id,
    } = mail().await;
    let (status, body) = put(
        &app,
        "message/",
        &admin,
        json!({"id": id.to_string(), "state": "2"}),
    )
    .await;
    assert_code(status, &body, 403);
    let (status, body) = delete(&app, "message/", &admin, json!({"id": id.to_string()})).await;
    assert_code(status, &body, 403);
    let (status, body) = delete(&app, "message/", &junbao, json!({"id": "999"})).await;
    assert_code(status, &body, 404);
}

/// PUT answers the whole inbox, as the original does; the original's
/// state 3 takes the star off and the message stays read.
#[tokio::test]
async fn a_message_is_marked_by_its_state_and_a_bad_state_is_refused() {
    let Mail {
        app, junbao, id, ..
    } = mail().await;
    for bad in [
        json!({"id": id, "state": "4"}),
        json!({"id": id, "state": "x"}),
        json!({"state": 1}),
    ] {
        let (status, body) = put(&app, "message/", &junbao, bad).await;
        assert_code(status, &body, 400);
    }
    let (status, body) = put(
        &app,
        "message/",
        &junbao,
        json!({"id": id.to_string(), "state": "1"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body[0]["state"], 1);
    assert_eq!(
        get(&app, "message/?state=1", &junbao)
            .await
            .1
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(get(&app, "message/?state=0", &junbao).await.1, json!([]));
    let (status, body) = put(&app, "message/", &junbao, json!({"id": id, "state": 3})).await;
    assert_eq!((status, &body[0]["state"]), (200, &json!(2)), "{body}");
}

#[tokio::test]
async fn a_message_to_no_one_known_or_without_a_title_is_refused() {
    let Mail { app, admin, .. } = mail().await;
    let (status, body) = post(
        &app,
        "message/",
        &admin,
        json!({"receive_id": "nobody", "title": "t", "text": "x"}),
    )
    .await;
    assert_code(status, &body, 404);
    let (status, body) = post(
        &app,
        "message/",
        &admin,
        json!({"receive_id": "junbao", "text": "no title"}),
    )
    .await;
    assert_code(status, &body, 400);
}

/// DELETE answers the whole inbox, as the original does.
#[tokio::test]
async fn deleting_a_message_answers_the_inbox_without_it() {
    let Mail {
        app, junbao, id, ..
    } = mail().await;
    let (status, body) = delete(&app, "message/", &junbao, json!({"id": id})).await;
    assert_eq!((status, body), (200, json!([])));
    app.stop().await;
}

#[tokio::test]
async fn the_inbox_lists_the_newest_message_first() {
    let app = spawn_app().await;
    let sender = register(&app, "sender").await;
    let receiver = register(&app, "receiver").await;
    for title in ["first", "second"] {
        post(
            &app,
            "message/",
            &sender,
            json!({"receive_id": "receiver", "title": title, "text": "x"}),
        )
        .await;
    }
    let (_, inbox) = get(&app, "message/", &receiver).await;
    assert_eq!(
        (&inbox[0]["title"], &inbox[1]["title"]),
        (&json!("second"), &json!("first"))
    );
    app.stop().await;
}
