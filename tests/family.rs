//! Family finance over real HTTP: accounts and tokens, messages, families,
//! bills, deposits, loans, the report and its chart.

mod common;

use common::{TestApp, assert_no_secrets, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

const PASSWORD: &str = "password123";

/// A family endpoint (`bill/Income/`) with the token as `?token=`.
fn at(path: &str, token: Option<&str>) -> String {
    let path = format!("/family/api/v1/{path}");
    match token {
        None => path,
        Some(t) if path.contains('?') => format!("{path}&token={t}"),
        Some(t) => format!("{path}?token={t}"),
    }
}

async fn call(app: &TestApp, method: Method, path: &str, token: &str, body: Value) -> (u16, Value) {
    let body = (method != Method::GET).then_some(body);
    app.send(method, &at(path, Some(token)), body, None).await
}

async fn get(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    call(app, Method::GET, path, token, Value::Null).await
}

async fn post(app: &TestApp, path: &str, token: &str, body: Value) -> (u16, Value) {
    call(app, Method::POST, path, token, body).await
}

async fn put(app: &TestApp, path: &str, token: &str, body: Value) -> (u16, Value) {
    call(app, Method::PUT, path, token, body).await
}

async fn delete(app: &TestApp, path: &str, token: &str, body: Value) -> (u16, Value) {
    call(app, Method::DELETE, path, token, body).await
}

/// Registers `username` and returns its token.
async fn register(app: &TestApp, username: &str) -> String {
    let (status, body) = app
        .post(
            &at("user_manage/register/", None),
            json!({"username": username, "password": PASSWORD, "pwdagain": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["code"], 200);
    assert_eq!(body["msg"], "ok");
    body["token"].as_str().expect("token").to_string()
}

async fn user_id(app: &TestApp, token: &str) -> i64 {
    let (_, info) = get(app, "user_manage/user_info/", token).await;
    info["id"].as_i64().expect("id")
}

fn assert_code(status: u16, body: &Value, code: u16) {
    assert_eq!(status, code, "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["msg"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

/// A family made by `parent` with `members` approved into it; returns its id.
async fn family_with(app: &TestApp, parent: &str, members: &[&str]) -> i64 {
    let (status, body) = post(
        app,
        "family/familyManage/",
        parent,
        json!({"family_name": "newfamily"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let family_id = body["id"].as_i64().expect("family id");
    for member in members {
        let (status, body) = post(
            app,
            "user_manage/about_family/",
            member,
            json!({"family_id": family_id.to_string()}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let member_id = user_id(app, member).await;
        let (status, body) = put(
            app,
            "family/familyMember/",
            parent,
            json!({"user_id": member_id.to_string(), "is_agree": "0"}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    family_id
}

#[tokio::test]
async fn register_login_logout_and_token_passing() {
    let app = spawn_app().await;
    let register_at = at("user_manage/register/", None);

    let (status, body) = app
        .post(
            &register_at,
            json!({"username": "demo", "password": PASSWORD, "pwdagain": "other-password"}),
            None,
        )
        .await;
    assert_eq!(
        (status, body["msg"].as_str()),
        (400, Some("两次密码不一致"))
    );
    let (status, body) = app
        .post(
            &register_at,
            json!({"username": "demo", "password": "short", "pwdagain": "short"}),
            None,
        )
        .await;
    assert_code(status, &body, 400);
    assert!(
        body["msg"].as_str().unwrap().contains("at least 8"),
        "{body}"
    );
    let (status, body) = app
        .post(
            &register_at,
            json!({"username": "has space", "password": PASSWORD, "pwdagain": PASSWORD}),
            None,
        )
        .await;
    assert_code(status, &body, 400);

    let first = register(&app, "demo").await;
    let (status, body) = app
        .post(
            &register_at,
            json!({"username": "demo", "password": PASSWORD, "pwdagain": PASSWORD}),
            None,
        )
        .await;
    assert_eq!((status, body["msg"].as_str()), (400, Some("用户名重复")));

    // Login: the seed's failure, then a token (a new one each time).
    let login_at = at("user_manage/login/", None);
    let (status, body) = app
        .post(
            &login_at,
            json!({"username": "demo", "password": "wrong-password"}),
            None,
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(body, json!({"code": 400, "msg": "Bad Request"}));
    let (status, body) = app
        .post_form(
            &login_at,
            &[("username", "demo"), ("password", PASSWORD)],
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let token = body["token"].as_str().unwrap().to_string();
    assert_ne!(token, first);
    assert!(token.len() >= 32);

    // The token works as ?token=, as a body field and as Bearer.
    let info_at = at("user_manage/user_info/", None);
    let (status, by_query) = get(&app, "user_manage/user_info/", &token).await;
    assert_eq!(status, 200);
    assert_eq!(by_query["username"], "demo");
    assert_eq!(by_query["family1"], "null");
    assert_no_secrets(&by_query, &[PASSWORD]);
    let (status, _) = app.get(&info_at, Some(&token)).await;
    assert_eq!(status, 200);
    let (status, _) = app
        .send(
            Method::PUT,
            &info_at,
            Some(json!({"token": token, "sex": "女"})),
            None,
        )
        .await;
    assert_eq!(status, 200);

    // Without a token, or with a wrong one: HTTP 401 and `detail`.
    let (status, body) = app.get(&info_at, None).await;
    assert_eq!(status, 401);
    assert_eq!(body, json!({"detail": "认证失败(no token)"}));
    let (status, body) = get(&app, "user_manage/user_info/", "not-a-token").await;
    assert_eq!(status, 401);
    assert!(
        body["detail"].as_str().unwrap().starts_with("认证失败("),
        "{body}"
    );

    // Logout (DELETE with the token in the body) ends that session only.
    let (status, body) = app
        .send(
            Method::DELETE,
            &at("user_manage/logout/", None),
            Some(json!({"token": token})),
            None,
        )
        .await;
    assert_eq!(
        (status, body.clone()),
        (200, json!({"code": 200, "msg": "ok"}))
    );
    let (status, _) = get(&app, "user_manage/user_info/", &token).await;
    assert_eq!(status, 401);
    let (status, _) = get(&app, "user_manage/user_info/", &first).await;
    assert_eq!(status, 200);

    // Only hashes of tokens are stored.
    let stored: i64 = app
        .db()
        .query_row(
            "SELECT count(*) FROM sessions WHERE domain = 'family' AND token_hash = ?1",
            [first.as_bytes()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, 0);
    app.stop().await;
}

#[tokio::test]
async fn user_info_changes_only_what_is_sent() {
    let app = spawn_app().await;
    let token = register(&app, "jiazhang").await;
    let other = register(&app, "taken").await;
    let other_id = user_id(&app, &other).await;

    let (status, body) = put(
        &app,
        "user_manage/user_info/",
        &token,
        json!({"telephone": "13800000000", "email": "jiazhang@163.com"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["code"], 200);
    let (_, info) = get(&app, "user_manage/user_info/", &token).await;
    assert_eq!(info["telephone"], "13800000000");
    assert_eq!(info["email"], "jiazhang@163.com");
    assert_eq!(info["sex"], "");

    // The seed's PUT sends the whole object back; read-only parts are ignored.
    let mut whole = info.clone();
    whole["sex"] = json!("男");
    whole["family1"] = json!({"id": 99, "family_name": "x", "family_member": {}});
    let (status, body) = put(&app, "user_manage/user_info/", &token, whole).await;
    assert_eq!(status, 200, "{body}");
    let (_, info) = get(&app, "user_manage/user_info/", &token).await;
    assert_eq!(
        (info["sex"].as_str(), info["telephone"].as_str()),
        (Some("男"), Some("13800000000"))
    );
    assert_eq!(info["family1"], "null");

    for (body, code) in [
        (json!({"id": other_id, "sex": "女"}), 403),
        (json!({"username": "taken"}), 400),
        (json!({"email": "not-an-email"}), 400),
        (json!({"telephone": "call me"}), 400),
        (
            json!({"password": "new-password-1", "pwdagain": "different-1"}),
            400,
        ),
    ] {
        let (status, answer) = put(&app, "user_manage/user_info/", &token, body.clone()).await;
        assert_code(status, &answer, code);
    }
    let (_, other_info) = get(&app, "user_manage/user_info/", &other).await;
    assert_eq!(other_info["sex"], "");

    // A new password: this session stays, the others end.
    let (_, login) = app
        .post(
            &at("user_manage/login/", None),
            json!({"username": "jiazhang", "password": PASSWORD}),
            None,
        )
        .await;
    let second = login["token"].as_str().unwrap().to_string();
    let (status, _) = put(
        &app,
        "user_manage/user_info/",
        &token,
        json!({"password": "new-password-1", "pwdagain": "new-password-1"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(get(&app, "user_manage/user_info/", &token).await.0, 200);
    assert_eq!(get(&app, "user_manage/user_info/", &second).await.0, 401);
    let (status, _) = app
        .post(
            &at("user_manage/login/", None),
            json!({"username": "jiazhang", "password": "new-password-1"}),
            None,
        )
        .await;
    assert_eq!(status, 200);
    app.stop().await;
}

#[tokio::test]
async fn tokens_end_after_fifteen_idle_minutes_and_use_extends_them() {
    let app = spawn_app().await;
    let token = register(&app, "sleepy").await;
    let keeper = register(&app, "busy").await;
    let writer = app.db_writer();
    let age_sessions = |user: &str, secs: i64| {
        writer
            .execute(
                "UPDATE sessions SET last_seen_at = last_seen_at - ?2, created_at = created_at - ?2
                 WHERE domain = 'family' AND account_id = (SELECT id FROM family_users WHERE username = ?1)",
                rusqlite::params![user, secs],
            )
            .unwrap();
    };

    // 14 minutes idle: still valid, and the use is recorded.
    age_sessions("busy", 14 * 60);
    assert_eq!(get(&app, "user_manage/user_info/", &keeper).await.0, 200);
    let mut touched = false;
    for _ in 0..50 {
        let idle: i64 = writer
            .query_row(
                "SELECT unixepoch() - last_seen_at FROM sessions WHERE domain = 'family'
                 AND account_id = (SELECT id FROM family_users WHERE username = 'busy')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        if idle < 60 {
            touched = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(touched, "a use moves the idle clock");
    // Another 14 minutes: valid again, since it was used in between.
    age_sessions("busy", 14 * 60);
    assert_eq!(get(&app, "user_manage/user_info/", &keeper).await.0, 200);

    // 15 minutes without use: gone.
    age_sessions("sleepy", 15 * 60 + 1);
    let (status, body) = get(&app, "user_manage/user_info/", &token).await;
    assert_eq!(status, 401);
    assert!(
        body["detail"].as_str().unwrap().starts_with("认证失败"),
        "{body}"
    );
    app.stop().await;
}

#[tokio::test]
async fn hammering_login_gets_429() {
    let app = spawn_app().await;
    register(&app, "target").await;
    let login_at = at("user_manage/login/", None);
    for _ in 0..10 {
        let (status, _) = app
            .post(
                &login_at,
                json!({"username": "target", "password": "guess-guess"}),
                None,
            )
            .await;
        assert_eq!(status, 400);
    }
    let (status, body) = app
        .post(
            &login_at,
            json!({"username": "target", "password": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(status, 429);
    assert_eq!(body, json!({"code": 429, "msg": "Too many request"}));
    app.stop().await;
}

#[tokio::test]
async fn messages_are_sent_listed_starred_and_deleted_by_their_receiver_only() {
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
    let items = inbox.as_array().expect("a bare array");
    assert_eq!(items.len(), 1);
    let message = &items[0];
    let id = message["id"].as_i64().unwrap();
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

    // The sender cannot touch the receiver's message; unknown ids are 404.
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
    // PUT and DELETE answer the whole inbox, as the original does.
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

    // The original's state 3 takes the star off; the message stays read.
    let (status, body) = put(&app, "message/", &junbao, json!({"id": id, "state": 3})).await;
    assert_eq!((status, &body[0]["state"]), (200, &json!(2)), "{body}");

    let (status, body) = delete(&app, "message/", &junbao, json!({"id": id})).await;
    assert_eq!((status, body), (200, json!([])));
    app.stop().await;
}

#[tokio::test]
async fn families_are_created_joined_decided_handed_over_and_left() {
    let app = spawn_app().await;
    let parent = register(&app, "家长").await;
    let child = register(&app, "用户2").await;
    let other = register(&app, "用户3").await;
    let parent_id = user_id(&app, &parent).await;
    let child_id = user_id(&app, &child).await;
    let other_id = user_id(&app, &other).await;

    let (status, body) = get(&app, "family/familyManage/", &parent).await;
    assert_eq!(
        (status, body.clone()),
        (200, json!({"code": 200, "msg": "ok", "family": "null"}))
    );
    let (status, body) = post(&app, "family/familyManage/", &parent, json!({})).await;
    assert_code(status, &body, 400);
    let family_id = family_with(&app, &parent, &[]).await;
    let (status, body) = post(
        &app,
        "family/familyManage/",
        &parent,
        json!({"family_name": "second"}),
    )
    .await;
    assert_eq!(
        (status, body.clone()),
        (460, json!({"code": 460, "msg": "Reach the upper limit"}))
    );

    // Applying: unknown family 404, bad id 400, already in a family 460.
    let (status, body) = post(
        &app,
        "user_manage/about_family/",
        &child,
        json!({"family_id": "999"}),
    )
    .await;
    assert_code(status, &body, 404);
    let (status, body) = post(
        &app,
        "user_manage/about_family/",
        &child,
        json!({"family_id": "one"}),
    )
    .await;
    assert_code(status, &body, 400);
    let (status, body) = post(
        &app,
        "user_manage/about_family/",
        &parent,
        json!({"family_id": family_id}),
    )
    .await;
    assert_code(status, &body, 460);

    let (status, _) = post(
        &app,
        "user_manage/about_family/",
        &child,
        json!({"family_id": family_id.to_string()}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = post(
        &app,
        "user_manage/about_family/",
        &child,
        json!({"family_id": family_id}),
    )
    .await;
    assert_code(status, &body, 400);
    let (_, inbox) = get(&app, "message/", &parent).await;
    let notice = inbox.as_array().unwrap().last().unwrap().clone();
    assert_eq!(notice["title"], "加入家庭申请");
    // A join request (type 2) comes from the applicant.
    assert_eq!(notice["type"], 2);
    assert_eq!(notice["send_id"], "用户2");
    assert!(
        notice["text"].as_str().unwrap().contains("用户2"),
        "{notice}"
    );
    let (status, pending) = get(&app, "family/familyMember/", &parent).await;
    assert_eq!(status, 200);
    assert_eq!(pending[0]["user_id"], child_id);
    let (status, body) = get(&app, "family/familyMember/", &child).await;
    assert_code(status, &body, 403);

    // Deciding: only a parent (403), only a pending application (418).
    let (status, body) = put(
        &app,
        "family/familyMember/",
        &child,
        json!({"user_id": child_id, "is_agree": "0"}),
    )
    .await;
    assert_code(status, &body, 403);
    let (status, body) = put(
        &app,
        "family/familyMember/",
        &parent,
        json!({"user_id": other_id, "is_agree": "0"}),
    )
    .await;
    assert_eq!(
        (status, body.clone()),
        (418, json!({"code": 418, "msg": "happy new year"}))
    );
    let (status, body) = put(
        &app,
        "family/familyMember/",
        &parent,
        json!({"parent_id": other_id, "user_id": child_id, "is_agree": "0"}),
    )
    .await;
    assert_code(status, &body, 403);
    let (status, body) = put(
        &app,
        "family/familyMember/",
        &parent,
        json!({"user_id": child_id, "is_agree": "2"}),
    )
    .await;
    assert_code(status, &body, 400);

    // A refusal tells the applicant; the application is gone.
    post(
        &app,
        "user_manage/about_family/",
        &other,
        json!({"family_id": family_id}),
    )
    .await;
    let (status, _) = put(&app, "family/familyMember/", &parent, json!({"parent_id": parent_id.to_string(), "user_id": other_id.to_string(), "is_agree": "1"})).await;
    assert_eq!(status, 200);
    let (_, inbox) = get(&app, "message/", &other).await;
    assert_eq!(inbox[0]["title"], "家庭申请未通过");
    // A notice (type 1) from the parent who decided, as the original sends it.
    assert_eq!(inbox[0]["send_id"], "家长");
    assert_eq!(inbox[0]["send_name"], "家长");
    assert_eq!(inbox[0]["type"], 1);
    let (status, _) = put(
        &app,
        "family/familyMember/",
        &parent,
        json!({"user_id": other_id, "is_agree": "0"}),
    )
    .await;
    assert_eq!(status, 418);

    let (status, _) = put(&app, "family/familyMember/", &parent, json!({"parent_id": parent_id.to_string(), "user_id": child_id.to_string(), "is_agree": "0"})).await;
    assert_eq!(status, 200);
    let (_, inbox) = get(&app, "message/", &child).await;
    assert_eq!(inbox[0]["title"], "家庭申请已通过");
    let (status, info) = get(&app, "family/familyManage/", &child).await;
    assert_eq!(status, 200);
    assert_eq!(info["code"], 200);
    assert_eq!(info["token"], child.as_str());
    assert_eq!(info["id"], family_id);
    assert_eq!(info["family_name"], "newfamily");
    let mut expected = serde_json::Map::new();
    // Numbered places, as the document's example and the original number
    // them: the creator is parent1, the first member members3.
    expected.insert("parent1".into(), json!("家长"));
    expected.insert("members3".into(), json!("用户2"));
    assert_eq!(info["family_member"], Value::Object(expected.clone()));
    let (_, user_info) = get(&app, "user_manage/user_info/", &child).await;
    assert_eq!(
        user_info["family1"]["family_member"],
        Value::Object(expected)
    );
    assert_eq!(user_info["family1"]["id"], family_id);

    // The only parent cannot leave members behind without a parent.
    let (status, body) = delete(&app, "user_manage/about_family/", &parent, json!({})).await;
    assert_code(status, &body, 403);

    // Handing over: parents only (before any other check), members only,
    // not to oneself.
    for body in [
        json!({"user_id": parent_id}),
        json!({"user_id": child_id}),
        json!({}),
    ] {
        let (status, answer) = put(&app, "family/familyManage/", &child, body).await;
        assert_code(status, &answer, 403);
    }
    let (status, body) = put(
        &app,
        "family/familyManage/",
        &parent,
        json!({"user_id": other_id}),
    )
    .await;
    assert_code(status, &body, 404);
    let (status, body) = put(
        &app,
        "family/familyManage/",
        &parent,
        json!({"user_id": parent_id}),
    )
    .await;
    assert_code(status, &body, 400);
    let (status, body) = put(
        &app,
        "family/familyManage/",
        &parent,
        json!({"user_id": child_id.to_string()}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["family_member"],
        json!({"parent1": "家长", "parent2": "用户2"})
    );
    let (status, body) = put(
        &app,
        "family/familyManage/",
        &parent,
        json!({"user_id": child_id}),
    )
    .await;
    assert_code(status, &body, 400);

    // With two parents, handing over makes the caller a member.
    let third = register(&app, "用户4").await;
    let third_id = user_id(&app, &third).await;
    post(
        &app,
        "user_manage/about_family/",
        &third,
        json!({"family_id": family_id}),
    )
    .await;
    put(
        &app,
        "family/familyMember/",
        &child,
        json!({"user_id": third_id, "is_agree": 0}),
    )
    .await;
    let (status, body) = put(
        &app,
        "family/familyManage/",
        &parent,
        json!({"user_id": third_id}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // The caller and the new parent swap places.
    assert_eq!(
        body["family_member"],
        json!({"parent1": "用户4", "parent2": "用户2", "members3": "家长"})
    );

    // Leaving; the last member leaving removes the family.
    let (status, _) = delete(&app, "user_manage/about_family/", &parent, json!({})).await;
    assert_eq!(status, 200);
    let (_, info) = get(&app, "family/familyManage/", &parent).await;
    assert_eq!(info["family"], "null");
    let (status, body) = delete(&app, "user_manage/about_family/", &parent, json!({})).await;
    assert_code(status, &body, 400);
    assert_eq!(
        delete(&app, "user_manage/about_family/", &third, json!({}))
            .await
            .0,
        200
    );
    let (status, body) = delete(&app, "user_manage/about_family/", &child, json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(body["family_removed"], true);
    let families: i64 = app
        .db()
        .query_row("SELECT count(*) FROM family_families", [], |r| r.get(0))
        .unwrap();
    assert_eq!(families, 0);
    app.stop().await;
}

#[tokio::test]
async fn a_family_whose_six_member_places_are_taken_takes_no_more_applications() {
    let app = spawn_app().await;
    let parent = register(&app, "p").await;
    let mut members = Vec::new();
    // Places 3 to 8 are the members' (`members3` ... `members8`); 1 and 2
    // are kept for parents.
    for n in 0..6 {
        members.push(register(&app, &format!("m{n}")).await);
    }
    let refs: Vec<&str> = members.iter().map(String::as_str).collect();
    let family_id = family_with(&app, &parent, &refs).await;
    let late = register(&app, "late").await;
    let (status, body) = post(
        &app,
        "user_manage/about_family/",
        &late,
        json!({"family_id": family_id}),
    )
    .await;
    assert_code(status, &body, 460);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twelve_approvals_at_once_never_fill_more_than_the_six_member_places() {
    let app = spawn_app().await;
    let parent = register(&app, "parent").await;
    let family_id = family_with(&app, &parent, &[]).await;
    let mut applicants = Vec::new();
    for n in 0..12 {
        let token = register(&app, &format!("applicant{n}")).await;
        let (status, _) = post(
            &app,
            "user_manage/about_family/",
            &token,
            json!({"family_id": family_id}),
        )
        .await;
        assert_eq!(status, 200);
        applicants.push(user_id(&app, &token).await);
    }
    let decisions = applicants.iter().map(|id| {
        let request = app
            .client
            .put(app.url(&at("family/familyMember/", Some(&parent))))
            .json(&json!({"user_id": id, "is_agree": "0"}));
        async move { common::json_of(request.send().await.unwrap()).await }
    });
    let answers = futures_util::future::join_all(decisions).await;
    let accepted = answers.iter().filter(|(s, _)| *s == 200).count();
    let full = answers
        .iter()
        .filter(|(s, b)| *s == 460 && b["code"] == 460)
        .count();
    assert_eq!((accepted, full), (6, 6), "{answers:?}");
    let members: i64 = app
        .db()
        .query_row(
            "SELECT count(*) FROM family_users WHERE family_id = ?1",
            [family_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(members, 7);
    app.stop().await;
}

#[tokio::test]
async fn bills_are_listed_added_changed_and_deleted_by_their_owner() {
    let app = spawn_app().await;
    let parent = register(&app, "parent").await;
    let child = register(&app, "child").await;
    let stranger = register(&app, "stranger").await;
    family_with(&app, &parent, &[&child]).await;

    // The seed's example body: numbers as strings, an unpadded time.
    let (status, bill) = post(
        &app,
        "bill/Income/",
        &parent,
        json!({"money": "510", "remarks": "学习2", "time": "2019-10-1 12:12:12"}),
    )
    .await;
    // The answer is the list of that kind, as the document says ("同查询").
    assert_eq!(status, 200, "{bill}");
    assert_eq!(bill.as_array().map(Vec::len), Some(1), "{bill}");
    let bill = bill[0].clone();
    assert_eq!(bill["money"], 510);
    assert_eq!(bill["time"], "2019-10-01 12:12:12");
    assert_eq!(bill["bill_type"], "收入");
    assert_eq!(bill["username"], "parent");
    let income_id = bill["id"].as_i64().unwrap();
    post(
        &app,
        "bill/Income/",
        &parent,
        json!({"money": 333.5, "remarks": "dfgf", "time": "2019-12-19 21:42:35"}),
    )
    .await;
    let (_, expense) = post(
        &app,
        "bill/Expense/",
        &parent,
        json!({"money": "12.34", "time": "2019-12-20 08:00:00"}),
    )
    .await;
    let expense = expense[0].clone();
    assert_eq!(expense["bill_type"], "支出");
    assert_eq!(expense["remarks"], "");
    let expense_id = expense["id"].as_i64().unwrap();
    post(
        &app,
        "bill/Income/",
        &child,
        json!({"money": "100", "time": "2019-12-01 00:00:00"}),
    )
    .await;

    let (status, list) = get(&app, "bill/Income/", &parent).await;
    assert_eq!(status, 200);
    let list = list.as_array().expect("a bare array").clone();
    assert_eq!(list.len(), 2);
    assert_eq!(
        list[0],
        json!({"id": income_id, "remarks": "学习2", "money": 510, "time": "2019-10-01 12:12:12", "username": "parent", "bill_type": "收入"})
    );
    assert_eq!(list[1]["money"], 333.5);
    let (_, december) = get(
        &app,
        "bill/Income/?start=2019-12-01&end=2019-12-31",
        &parent,
    )
    .await;
    assert_eq!(december.as_array().unwrap().len(), 1);
    let (_, to_october) = get(&app, "bill/Income/?end=2019-10-01", &parent).await;
    assert_eq!(
        to_october.as_array().unwrap().len(),
        1,
        "end is the whole day"
    );
    let (_, expenses) = get(&app, "bill/Expense/", &parent).await;
    assert_eq!(expenses.as_array().unwrap().len(), 1);

    // Parents read the family's bills; members only their own.
    let (_, family) = get(&app, "bill/Income/?scope=family", &parent).await;
    let owners: Vec<&str> = family
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["username"].as_str().unwrap())
        .collect();
    assert_eq!(owners, ["parent", "child", "parent"]);
    let (status, body) = get(&app, "bill/Income/?scope=family", &child).await;
    assert_code(status, &body, 403);
    let (status, body) = get(&app, "bill/Income/?scope=family", &stranger).await;
    assert_code(status, &body, 403);
    assert_eq!(get(&app, "bill/Income/", &stranger).await.1, json!([]));

    // Changes: only the fields sent; only by the owner.
    let (status, changed) = put(
        &app,
        "bill/Income/",
        &parent,
        json!({"id": income_id.to_string(), "money": "520.5"}),
    )
    .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(
        (changed["money"].clone(), changed["remarks"].clone()),
        (json!(520.5), json!("学习2"))
    );
    assert_eq!(changed["time"], "2019-10-01 12:12:12");
    for token in [&child, &stranger] {
        let (status, body) = put(
            &app,
            "bill/Income/",
            token,
            json!({"id": income_id, "money": 1}),
        )
        .await;
        assert_code(status, &body, 403);
        let (status, body) = delete(&app, "bill/Income/", token, json!({"id": income_id})).await;
        assert_code(status, &body, 403);
    }
    let (status, body) = put(
        &app,
        "bill/Income/",
        &parent,
        json!({"id": expense_id, "money": 1}),
    )
    .await;
    assert_code(status, &body, 404);
    let (status, body) = delete(&app, "bill/Expense/", &parent, json!({"id": 9999})).await;
    assert_code(status, &body, 404);

    for bad in [
        json!({"remarks": "no money"}),
        json!({"money": "0"}),
        json!({"money": "-5"}),
        json!({"money": "abc"}),
        json!({"money": "1.234"}),
        json!({"money": "1000000000"}),
        json!({"money": [1]}),
        json!({"money": "5", "time": "yesterday"}),
        json!({"money": "5", "time": "2019-02-30 00:00:00"}),
        json!({"money": "5", "remarks": "x".repeat(201)}),
    ] {
        let (status, body) = post(&app, "bill/Expense/", &parent, bad.clone()).await;
        assert_code(status, &body, 400);
    }
    for bad in [
        "bill/Income/?start=2019-13-01",
        "bill/Income/?start=2020-01-01&end=2019-01-01",
        "bill/Income/?scope=everyone",
    ] {
        let (status, body) = get(&app, bad, &parent).await;
        assert_code(status, &body, 400);
    }

    let (status, _) = delete(
        &app,
        "bill/Expense/",
        &parent,
        json!({"id": expense_id.to_string()}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(get(&app, "bill/Expense/", &parent).await.1, json!([]));
    let rows: i64 = app
        .db()
        .query_row("SELECT count(*) FROM family_bills", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 3, "the refused bills left nothing behind");
    app.stop().await;
}

#[tokio::test]
async fn deposits_record_current_and_fixed_savings() {
    let app = spawn_app().await;
    let me = register(&app, "saver").await;
    let other = register(&app, "other").await;
    let (status, current) = post(&app, "bank/Deposit/", &me, json!({"bank": "工商银行", "type": "活期", "money": "5000", "rate": "0.35", "start_time": "2019-11-01 09:00:00"})).await;
    assert_eq!(status, 200, "{current}");
    assert_eq!(current["type"], "活期");
    assert_eq!(current["rate"], 0.35);
    assert_eq!(current["end_time"], Value::Null);
    let (status, fixed) = post(&app, "bank/Deposit/", &me, json!({"bank": "建设银行", "type": "fixed", "money": 10000, "rate": 2.15, "start_time": "2019-12-01", "end_time": "2020-12-01"})).await;
    assert_eq!(status, 200, "{fixed}");
    assert_eq!(fixed["type"], "定期");
    assert_eq!(fixed["start_time"], "2019-12-01 00:00:00");
    assert_eq!(fixed["end_time"], "2020-12-01 00:00:00");

    for bad in [
        json!({"bank": "b", "type": "定期", "money": 1}),
        json!({"bank": "b", "type": "活期", "money": 1, "start_time": "2020-01-01", "end_time": "2019-01-01"}),
        json!({"bank": "b", "type": "monthly", "money": 1}),
        json!({"type": "活期", "money": 1}),
        json!({"bank": "b", "type": "活期", "money": 1, "rate": "101"}),
    ] {
        let (status, body) = post(&app, "bank/Deposit/", &me, bad).await;
        assert_code(status, &body, 400);
    }

    let (_, list) = get(&app, "bank/Deposit/", &me).await;
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[0]["bank"], "工商银行");
    let (_, december) = get(&app, "bank/Deposit/?start=2019-12-01", &me).await;
    assert_eq!(december.as_array().unwrap().len(), 1);

    let id = fixed["id"].as_i64().unwrap();
    let (status, changed) = put(
        &app,
        "bank/Deposit/",
        &me,
        json!({"id": id, "money": "12000"}),
    )
    .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(
        (changed["money"].clone(), changed["bank"].clone()),
        (json!(12000), json!("建设银行"))
    );
    let (status, body) = put(
        &app,
        "bank/Deposit/",
        &me,
        json!({"id": id, "end_time": "2019-01-01"}),
    )
    .await;
    assert_code(status, &body, 400);
    let (status, body) = put(&app, "bank/Deposit/", &other, json!({"id": id, "money": 1})).await;
    assert_code(status, &body, 403);
    let (status, body) = delete(&app, "bank/Deposit/", &other, json!({"id": id})).await;
    assert_code(status, &body, 403);
    assert_eq!(
        delete(&app, "bank/Deposit/", &me, json!({"id": id}))
            .await
            .0,
        200
    );
    assert_eq!(
        get(&app, "bank/Deposit/", &me)
            .await
            .1
            .as_array()
            .unwrap()
            .len(),
        1
    );
    app.stop().await;
}

#[tokio::test]
async fn loans_are_repaid_but_never_below_zero() {
    let app = spawn_app().await;
    let parent = register(&app, "parent").await;
    let child = register(&app, "child").await;
    let stranger = register(&app, "stranger").await;
    family_with(&app, &parent, &[]).await;
    family_with(&app, &stranger, &[]).await;
    let (status, loan) = post(&app, "loan/", &child, json!({"direction": "借出", "counterparty": "张三", "money": "500", "time": "2019-10-05 10:00:00", "due_time": "2020-01-01"})).await;
    assert_eq!(status, 200, "{loan}");
    assert_eq!(loan["state"], "未还清");
    assert_eq!(loan["repaid"], 0);
    let id = loan["id"].as_i64().unwrap();

    let (status, body) = post(
        &app,
        "loan/repay/",
        &child,
        json!({"id": id, "money": "600"}),
    )
    .await;
    assert_code(status, &body, 400);
    let (status, body) = post(
        &app,
        "loan/repay/",
        &stranger,
        json!({"id": id, "money": "1"}),
    )
    .await;
    assert_code(status, &body, 403);
    let (status, repaid) = post(
        &app,
        "loan/repay/",
        &child,
        json!({"id": id.to_string(), "money": "100.5", "time": "2019-11-01"}),
    )
    .await;
    assert_eq!(status, 200, "{repaid}");
    assert_eq!(repaid["repaid"], 100.5);
    let (status, body) = put(&app, "loan/", &child, json!({"id": id, "money": "100"})).await;
    assert_code(status, &body, 400);
    let (status, repaid) = post(
        &app,
        "loan/repay/",
        &child,
        json!({"id": id, "money": "399.5"}),
    )
    .await;
    assert_eq!(status, 200, "{repaid}");
    assert_eq!(repaid["state"], "已还清");
    let (status, body) = post(
        &app,
        "loan/repay/",
        &child,
        json!({"id": id, "money": "0.01"}),
    )
    .await;
    assert_code(status, &body, 400);
    let (_, repayments) = get(&app, &format!("loan/repay/?id={id}"), &child).await;
    let amounts: Vec<Value> = repayments
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["money"].clone())
        .collect();
    assert_eq!(amounts, [json!(100.5), json!(399.5)]);
    let (status, body) = get(&app, &format!("loan/repay/?id={id}"), &stranger).await;
    assert_code(status, &body, 404);
    let (status, body) = get(&app, &format!("loan/repay/?id={id}"), &parent).await;
    assert_code(status, &body, 404);

    for bad in [
        json!({"direction": "sideways", "counterparty": "x", "money": 1}),
        json!({"direction": "borrow", "money": 1}),
        json!({"direction": "borrow", "counterparty": "x", "money": 1, "time": "2020-01-02", "due_time": "2020-01-01"}),
    ] {
        let (status, body) = post(&app, "loan/", &child, bad).await;
        assert_code(status, &body, 400);
    }
    let (status, borrowed) = post(
        &app,
        "loan/",
        &child,
        json!({"direction": "borrow", "counterparty": "李四", "money": 80}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(borrowed["direction"], "借入");
    let (status, changed) = put(
        &app,
        "loan/",
        &child,
        json!({"id": borrowed["id"], "counterparty": "王五"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        (changed["counterparty"].clone(), changed["money"].clone()),
        (json!("王五"), json!(80))
    );
    assert_eq!(
        get(&app, "loan/", &child).await.1.as_array().unwrap().len(),
        2
    );
    assert_eq!(
        delete(&app, "loan/", &child, json!({"id": id})).await.0,
        200
    );
    let repayment_rows: i64 = app
        .db()
        .query_row("SELECT count(*) FROM family_repayments", [], |r| r.get(0))
        .unwrap();
    assert_eq!(repayment_rows, 0, "a loan's repayments go with it");
    let stored: i64 = app
        .db()
        .query_row(
            "SELECT count(*) FROM family_loans WHERE repaid > money OR repaid < 0",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stored, 0);
    app.stop().await;
}

#[tokio::test]
async fn the_report_adds_up_the_records() {
    let app = spawn_app().await;
    let parent = register(&app, "parent").await;
    let child = register(&app, "child").await;
    family_with(&app, &parent, &[&child]).await;
    for (path, body) in [
        (
            "bill/Income/",
            json!({"money": "510", "time": "2019-10-01 12:00:00"}),
        ),
        (
            "bill/Income/",
            json!({"money": "1000.50", "time": "2019-12-13 21:42:22"}),
        ),
        (
            "bill/Expense/",
            json!({"money": "200.25", "time": "2019-12-20 08:00:00"}),
        ),
        (
            "bank/Deposit/",
            json!({"bank": "b", "type": "活期", "money": "3000", "start_time": "2019-11-01"}),
        ),
        (
            "loan/",
            json!({"direction": "借出", "counterparty": "a", "money": "500", "time": "2019-10-05"}),
        ),
        (
            "loan/",
            json!({"direction": "借入", "counterparty": "b", "money": "1000", "time": "2019-10-06"}),
        ),
    ] {
        let (status, body) = post(&app, path, &parent, body).await;
        assert_eq!(status, 200, "{body}");
    }
    let (_, loans) = get(&app, "loan/", &parent).await;
    let lent_id = loans[0]["id"].clone();
    post(
        &app,
        "loan/repay/",
        &parent,
        json!({"id": lent_id, "money": "100"}),
    )
    .await;
    post(
        &app,
        "bill/Income/",
        &child,
        json!({"money": "300", "time": "2019-12-01 00:00:00"}),
    )
    .await;
    post(
        &app,
        "bill/Expense/",
        &child,
        json!({"money": "50", "time": "2019-12-02 00:00:00"}),
    )
    .await;

    let (status, report) = get(&app, "report/", &parent).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["code"], 200);
    assert_eq!(report["income"], 1510.5);
    assert_eq!(report["expense"], 200.25);
    assert_eq!(report["net"], 1310.25);
    assert_eq!(report["savings"], 3000);
    assert_eq!(report["lent_outstanding"], 400);
    assert_eq!(report["borrowed_outstanding"], 1000);
    assert_eq!(report["net_worth"], 3710.25);
    assert_eq!(
        report["months"],
        json!([
            {"month": "2019-10", "income": 510, "expense": 0},
            {"month": "2019-11", "income": 0, "expense": 0},
            {"month": "2019-12", "income": 1000.5, "expense": 200.25},
        ])
    );
    assert_eq!(report["members"], json!([]));

    let (_, december) = get(&app, "report/?start=2019-12-01&end=2019-12-31", &parent).await;
    assert_eq!(
        (december["income"].clone(), december["savings"].clone()),
        (json!(1000.5), json!(0))
    );
    assert_eq!(december["lent_outstanding"], 0);
    assert_eq!(december["net_worth"], 800.25);

    let (status, family) = get(&app, "report/?scope=family", &parent).await;
    assert_eq!(status, 200);
    assert_eq!(family["income"], 1810.5);
    assert_eq!(family["expense"], 250.25);
    assert_eq!(family["net"], 1560.25);
    assert_eq!(
        family["members"],
        json!([
            {"username": "parent", "income": 1510.5, "expense": 200.25, "net": 1310.25},
            {"username": "child", "income": 300, "expense": 50, "net": 250},
        ])
    );
    assert_eq!(
        family["months"][2],
        json!({"month": "2019-12", "income": 1300.5, "expense": 250.25})
    );
    let (status, body) = get(&app, "report/?scope=family", &child).await;
    assert_code(status, &body, 403);
    let (_, own) = get(&app, "report/", &child).await;
    assert_eq!(
        (own["income"].clone(), own["net_worth"].clone()),
        (json!(300), json!(250))
    );

    // A deficit is a negative number.
    post(
        &app,
        "bill/Expense/",
        &child,
        json!({"money": "1000", "time": "2019-12-03"}),
    )
    .await;
    let (_, own) = get(&app, "report/", &child).await;
    assert_eq!(own["net"], -750);

    // The chart: an SVG document with a bar per month and kind.
    let response = app
        .client
        .get(app.url(&at("report/chart.svg?scope=family", Some(&parent))))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "image/svg+xml; charset=utf-8"
    );
    let svg = response.text().await.unwrap();
    assert!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{svg}"
    );
    assert!(svg.trim_end().ends_with("</svg>"));
    for month in ["2019-10", "2019-11", "2019-12"] {
        assert!(
            svg.contains(&format!(">{month}</text>")),
            "{month} labelled"
        );
    }
    assert_eq!(svg.matches("<rect x=").count() - 2, 6, "two bars a month");
    assert!(svg.contains("2019-12 收入 1300.5"));

    let stranger = register(&app, "stranger").await;
    let response = app
        .client
        .get(app.url(&at("report/chart.svg", Some(&stranger))))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("这段时间没有账单"));
    let (status, body) = app.get(&at("report/chart.svg", None), None).await;
    assert_eq!(status, 401);
    assert!(body["detail"].is_string());
    app.stop().await;
}

#[tokio::test]
async fn bad_requests_get_the_envelope() {
    let app = spawn_app().await;
    let token = register(&app, "someone").await;
    let income = app.url(&at("bill/Income/", Some(&token)));

    let response = app
        .client
        .post(&income)
        .header("content-type", "application/json")
        .body("{\"money\": ")
        .send()
        .await
        .unwrap();
    let (status, body) = common::json_of(response).await;
    assert_code(status, &body, 400);

    let response = app
        .client
        .post(&income)
        .header("content-type", "application/json")
        .body(format!(
            "{{\"remarks\": \"{}\"}}",
            "x".repeat(2 * 1024 * 1024)
        ))
        .send()
        .await
        .unwrap();
    let (status, body) = common::json_of(response).await;
    assert_code(status, &body, 400);

    // A form body works like JSON; with and without the trailing slash.
    let response = app
        .client
        .post(app.url(&at("bill/Income", Some(&token))))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("money=5&remarks=form")
        .send()
        .await
        .unwrap();
    let (status, body) = common::json_of(response).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body[0]["remarks"], "form");

    let (status, body) = app.get("/family/api/v1/nothing/here/", None).await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], 404);
    let response = app
        .client
        .patch(app.url("/family/api/v1/loan/"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    let allow = response.headers()["allow"].to_str().unwrap().to_string();
    assert!(allow.contains("GET") && allow.contains("DELETE"), "{allow}");
    let (_, body) = common::json_of(response).await;
    assert_eq!(body["code"], 405);

    let (status, body) = delete(&app, "bill/Income/", &token, json!({"id": "abc"})).await;
    assert_code(status, &body, 400);
    let (status, body) = delete(&app, "bill/Income/", &token, json!({})).await;
    assert_code(status, &body, 400);
    app.stop().await;
}

#[tokio::test]
async fn demo_data_has_a_family_with_a_year_of_money() {
    let app = common::spawn_app_with(&["--demo"]).await;
    let (status, login) = app
        .post(
            &at("user_manage/login/", None),
            json!({"username": "parent", "password": "parent1234"}),
            None,
        )
        .await;
    assert_eq!(status, 200, "{login}");
    let token = login["token"].as_str().unwrap();
    let (_, report) = get(&app, "report/?scope=family", token).await;
    assert_eq!(report["months"].as_array().unwrap().len(), 12, "{report}");
    assert_eq!(report["members"].as_array().unwrap().len(), 2);
    assert!(report["savings"].as_f64().unwrap() > 0.0);
    assert!(report["lent_outstanding"].as_f64().unwrap() > 0.0);
    let (_, pending) = get(&app, "family/familyMember/", token).await;
    assert_eq!(pending[0]["username"], "guest");
    for (user, password) in [("child", "child1234"), ("guest", "guest1234")] {
        let (status, _) = app
            .post(
                &at("user_manage/login/", None),
                json!({"username": user, "password": password}),
                None,
            )
            .await;
        assert_eq!(status, 200);
    }
    app.stop().await;
}

#[tokio::test]
async fn deciding_on_an_applicant_who_joined_another_family_is_460() {
    let app = spawn_app().await;
    let first = register(&app, "家长甲").await;
    let second = register(&app, "家长乙").await;
    let applicant = register(&app, "申请人").await;
    let applicant_id = user_id(&app, &applicant).await;
    let family_a = family_with(&app, &first, &[]).await;
    let family_b = family_with(&app, &second, &[]).await;
    for family in [family_a, family_b] {
        let (status, body) = post(
            &app,
            "user_manage/about_family/",
            &applicant,
            json!({"family_id": family}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = put(
        &app,
        "family/familyMember/",
        &second,
        json!({"user_id": applicant_id, "is_agree": 0}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    for agree in [0, 1] {
        let (status, body) = put(
            &app,
            "family/familyMember/",
            &first,
            json!({"user_id": applicant_id, "is_agree": agree}),
        )
        .await;
        assert_code(status, &body, 460);
    }
    // The applicant stays in the family that took them.
    let (_, info) = get(&app, "family/familyManage/", &applicant).await;
    assert_eq!(info["id"], family_b);
    let members: i64 = app
        .db()
        .query_row(
            "SELECT count(*) FROM family_users WHERE family_id = ?1",
            [family_a],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(members, 1);
    // Someone who never applied is still 418.
    let stranger = register(&app, "路人").await;
    let stranger_id = user_id(&app, &stranger).await;
    let (status, body) = put(
        &app,
        "family/familyMember/",
        &first,
        json!({"user_id": stranger_id, "is_agree": 0}),
    )
    .await;
    assert_code(status, &body, 418);
}

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

// ---- the original front-end's request shapes (fpmsWeb: Vue 2 + reqwest)

/// What reqwest.js sends: `a=b&c=d` under `Content-Type: application/json`,
/// the token in the query, `X-Requested-With`.
async fn reqwest_style(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    form: &str,
) -> (u16, Value) {
    let response = app
        .client
        .request(method, app.url(&at(path, Some(token))))
        .header("content-type", "application/json")
        .header("x-requested-with", "XMLHttpRequest")
        .body(form.to_string())
        .send()
        .await
        .unwrap();
    common::json_of(response).await
}

#[tokio::test]
async fn a_bill_form_labelled_json_with_bill_type_ten_is_an_expense() {
    let app = spawn_app().await;
    let token = register(&app, "parent").await;
    let form = "bill_type=10&money=30&is_add_to_family=0&remarks=%E5%8D%88%E9%A5%AD&time=2019-12-14+12%3A00%3A00&concrete_type=%E9%A4%90%E9%A5%AE";
    let (status, body) = reqwest_style(&app, Method::POST, "bill/Income/", &token, form).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body[0]["bill_type"], "支出");
    assert_eq!(body[0]["remarks"], "午饭");
    let (_, expend) = get(&app, "bill/expend/", &token).await;
    assert_eq!(
        (&expend["code"], &expend["data"][0]["money"]),
        (&json!(200), &json!(30))
    );
    let (status, body) = reqwest_style(
        &app,
        Method::POST,
        "bill/Income/",
        &token,
        "bill_type=5&money=1",
    )
    .await;
    assert_code(status, &body, 400);
    app.stop().await;
}

#[tokio::test]
async fn bill_data_counts_income_and_expense_by_concrete_type_and_says_201_when_empty() {
    let app = spawn_app().await;
    let token = register(&app, "parent").await;
    let (status, body) = get(&app, "bill/data/", &token).await;
    assert_eq!(
        (status, body),
        (201, json!({"code": 201, "msg": "no data"}))
    );
    for (bill_type, money, concrete) in [
        (0, "100", "工资"),
        (0, "50.5", "工资"),
        (0, "20", "红包"),
        (10, "30", "餐饮"),
    ] {
        let (status, body) = post(
            &app,
            "bill/Income/",
            &token,
            json!({"bill_type": bill_type, "money": money, "remarks": "r", "time": "2019-12-14 12:00:00", "concrete_type": concrete}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = get(&app, "bill/data/", &token).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["data"],
        json!({"all_income": 170.5, "all_expend": 30, "income_projects": ["工资", "红包"],
               "income_money": [150.5, 20], "expend_projects": ["餐饮"], "expend_money": [30],
               "overage": 140.5})
    );
    app.stop().await;
}

#[tokio::test]
async fn under_compat_bills_come_in_code_and_data_and_a_new_bill_answers_the_statistics() {
    let app = common::spawn_app_with(&["--compat", "family"]).await;
    let token = register(&app, "parent").await;
    let form = "bill_type=0&money=510&remarks=x&time=2019-10-01+12%3A12%3A12&concrete_type=%E5%B7%A5%E8%B5%84";
    let (status, body) = reqwest_style(&app, Method::POST, "bill/Income/", &token, form).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["code"], 200);
    assert_eq!(body["data"]["all_income"], 510);
    assert_eq!(body["data"]["income_projects"], json!(["工资"]));
    let (_, list) = get(&app, "bill/Income/", &token).await;
    assert_eq!(list["code"], 200);
    assert_eq!(list["data"][0]["money"], 510);
    app.stop().await;
}

#[tokio::test]
async fn under_compat_a_join_request_is_approved_with_the_ids_its_message_carries() {
    let app = common::spawn_app_with(&["--compat", "family"]).await;
    let parent = register(&app, "parent").await;
    let child = register(&app, "child").await;
    let family_id = family_with(&app, &parent, &[]).await;
    let (status, _) = reqwest_style(
        &app,
        Method::POST,
        "user_manage/about_family/",
        &child,
        &format!("family_id={family_id}"),
    )
    .await;
    assert_eq!(status, 200);
    let (_, inbox) = get(&app, "message/", &parent).await;
    let request = &inbox[0];
    assert_eq!(request["type"], 2);
    assert_eq!(request["send_id"], user_id(&app, &child).await);
    assert_eq!(request["receive_id"], user_id(&app, &parent).await);
    assert_eq!(request["send_name"], "child");
    // The page's 同意 button: parent_id = receive_id, user_id = send_id.
    let form = format!(
        "parent_id={}&user_id={}&is_agree=0",
        request["receive_id"], request["send_id"]
    );
    let (status, body) =
        reqwest_style(&app, Method::PUT, "family/familyMember/", &parent, &form).await;
    assert_eq!(status, 200, "{body}");
    let (_, family) = get(&app, "family/familyManage/", &child).await;
    assert_eq!(
        family["family_member"],
        json!({"parent1": "parent", "members3": "child"})
    );
    app.stop().await;
}

#[tokio::test]
async fn a_logout_form_labelled_json_ends_the_session() {
    let app = spawn_app().await;
    let token = register(&app, "parent").await;
    let (status, body) = reqwest_style(
        &app,
        Method::DELETE,
        "user_manage/logout/",
        &token,
        &format!("token={token}"),
    )
    .await;
    assert_eq!((status, &body["code"]), (200, &json!(200)), "{body}");
    let (status, _) = get(&app, "user_manage/user_info/", &token).await;
    assert_eq!(status, 401);
    app.stop().await;
}

// ---- borrow_money/: the original's borrowing between users

/// The record number in a borrow request's text, read as fpmsWeb's
/// message page reads it: the digits inside 【】.
fn record_number(text: &str) -> String {
    let start = text.find('【').expect("【 in the text") + '【'.len_utf8();
    let end = text[start..].find('】').expect("】 in the text") + start;
    text[start..end].to_string()
}

/// `borrower` asks `lender` for `money` by reqwest's form; the request's
/// record number as the lender's inbox shows it.
async fn ask_to_borrow(app: &TestApp, borrower: &str, lender: &str, money: &str) -> String {
    let lender_id = user_id(app, lender).await;
    let form = format!("who={lender_id}&money={money}&pay_back_date=2099-12-31");
    let (status, body) =
        reqwest_style(app, Method::POST, "borrow_money/borrow/", borrower, &form).await;
    assert_eq!((status, &body["code"]), (200, &json!(200)), "{body}");
    let (_, inbox) = get(app, "message/", lender).await;
    assert_eq!(inbox[0]["type"], 3, "{inbox}");
    record_number(inbox[0]["text"].as_str().expect("text"))
}

#[tokio::test]
async fn an_agreed_borrow_request_is_a_loan_pair_with_a_bill_on_each_side() {
    let app = spawn_app().await;
    let borrower = register(&app, "borrower").await;
    let lender = register(&app, "lender").await;
    let id = ask_to_borrow(&app, &borrower, &lender, "100").await;
    let (_, owed) = get(&app, "borrow_money/payBack/", &borrower).await;
    assert_eq!(owed["data"][0]["status"], "未处理", "{owed}");

    // The page's 同意 button: is_agree 0, labelled JSON.
    let form = format!("borrow_id={id}&receive_id=2&send_id=1&is_agree=0");
    let (status, body) =
        reqwest_style(&app, Method::PUT, "borrow_money/borrow/", &lender, &form).await;
    assert_eq!((status, &body["code"]), (200, &json!(200)), "{body}");

    let (status, owed) = get(&app, "borrow_money/payBack/", &borrower).await;
    assert_eq!(status, 200, "{owed}");
    assert_eq!(
        owed["data"],
        json!([{"id": id.parse::<i64>().unwrap(), "money": 100, "deadline": "2099-12-31",
                "borrower": "borrower", "status": "已发款", "lender": "lender",
                "lender_id": user_id(&app, &lender).await}])
    );
    let (_, borrowed) = get(&app, "loan/", &borrower).await;
    assert_eq!(
        (
            &borrowed[0]["direction"],
            &borrowed[0]["counterparty"],
            &borrowed[0]["money"]
        ),
        (&json!("借入"), &json!("lender"), &json!(100))
    );
    let (_, lent) = get(&app, "loan/", &lender).await;
    assert_eq!(
        (&lent[0]["direction"], &lent[0]["counterparty"]),
        (&json!("借出"), &json!("borrower"))
    );
    let (_, spent) = get(&app, "bill/expend/", &lender).await;
    assert_eq!(spent["data"][0]["money"], 100, "{spent}");
    let (_, stats) = get(&app, "bill/data/", &borrower).await;
    assert_eq!(stats["data"]["income_projects"], json!(["借款"]));
    let (_, inbox) = get(&app, "message/", &borrower).await;
    assert_eq!(
        (&inbox[0]["type"], &inbox[0]["send_name"]),
        (&json!(1), &json!("lender"))
    );
    app.stop().await;
}

#[tokio::test]
async fn paying_back_repays_both_loans_and_a_settled_debt_leaves_the_list() {
    let app = spawn_app().await;
    let borrower = register(&app, "borrower").await;
    let lender = register(&app, "lender").await;
    let lender_id = user_id(&app, &lender).await;
    let id = ask_to_borrow(&app, &borrower, &lender, "100").await;
    let (status, _) = put(
        &app,
        "borrow_money/borrow/",
        &lender,
        json!({"borrow_id": id, "is_agree": "0"}),
    )
    .await;
    assert_eq!(status, 200);
    let pay = |money: &'static str| format!("who={lender_id}&money={money}&bill_id={id}");
    let (status, body) = reqwest_style(
        &app,
        Method::POST,
        "borrow_money/payBack/",
        &borrower,
        &pay("40"),
    )
    .await;
    assert_eq!((status, &body["code"]), (200, &json!(200)), "{body}");
    assert_eq!(
        get(&app, "borrow_money/payBack/", &borrower).await.1["data"][0]["money"],
        60
    );
    assert_eq!(get(&app, "loan/", &lender).await.1[0]["repaid"], 40);
    let (status, body) = reqwest_style(
        &app,
        Method::POST,
        "borrow_money/payBack/",
        &borrower,
        &pay("61"),
    )
    .await;
    assert_code(status, &body, 400);
    let (status, _) = reqwest_style(
        &app,
        Method::POST,
        "borrow_money/payBack/",
        &borrower,
        &pay("60"),
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = get(&app, "borrow_money/payBack/", &borrower).await;
    assert_eq!(
        (status, body),
        (201, json!({"code": 201, "msg": "no data"}))
    );
    assert_eq!(get(&app, "loan/", &lender).await.1[0]["state"], "已还清");
    let (_, inbox) = get(&app, "message/", &lender).await;
    assert_eq!(
        (&inbox[0]["type"], &inbox[0]["send_name"]),
        (&json!(0), &json!("borrower"))
    );
    app.stop().await;
}

#[tokio::test]
async fn a_repayment_through_loan_repay_repays_the_other_side_too() {
    let app = spawn_app().await;
    let borrower = register(&app, "borrower").await;
    let lender = register(&app, "lender").await;
    let id = ask_to_borrow(&app, &borrower, &lender, "100").await;
    put(
        &app,
        "borrow_money/borrow/",
        &lender,
        json!({"borrow_id": id, "is_agree": 0}),
    )
    .await;
    let loan_id = get(&app, "loan/", &lender).await.1[0]["id"].clone();
    let (status, body) = post(
        &app,
        "loan/repay/",
        &lender,
        json!({"id": loan_id, "money": "25"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(get(&app, "loan/", &borrower).await.1[0]["repaid"], 25);
    assert_eq!(
        get(&app, "borrow_money/payBack/", &borrower).await.1["data"][0]["money"],
        75
    );
    app.stop().await;
}

#[tokio::test]
async fn only_the_lender_answers_a_borrow_request_and_only_once() {
    let app = spawn_app().await;
    let borrower = register(&app, "borrower").await;
    let lender = register(&app, "lender").await;
    let stranger = register(&app, "stranger").await;
    let id = ask_to_borrow(&app, &borrower, &lender, "10").await;
    for someone in [&borrower, &stranger] {
        let (status, body) = put(
            &app,
            "borrow_money/borrow/",
            someone,
            json!({"borrow_id": id, "is_agree": 0}),
        )
        .await;
        assert_code(status, &body, 404);
    }
    let (status, _) = put(
        &app,
        "borrow_money/borrow/",
        &lender,
        json!({"borrow_id": id, "is_agree": 1}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = put(
        &app,
        "borrow_money/borrow/",
        &lender,
        json!({"borrow_id": id, "is_agree": 0}),
    )
    .await;
    assert_code(status, &body, 400);
    assert_eq!(get(&app, "borrow_money/payBack/", &borrower).await.0, 201);
    assert_eq!(get(&app, "loan/", &borrower).await.1, json!([]));
    let (_, inbox) = get(&app, "message/", &borrower).await;
    assert!(
        inbox[0]["text"].as_str().unwrap().contains("拒绝"),
        "{inbox}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_borrow_request_of_the_wrong_form_is_refused_with_the_envelope() {
    let app = spawn_app().await;
    let borrower = register(&app, "borrower").await;
    let lender = register(&app, "lender").await;
    let own = user_id(&app, &borrower).await;
    let other = user_id(&app, &lender).await;
    for (form, code) in [
        (format!("who={own}&money=10&pay_back_date=2099-01-01"), 400),
        (format!("who={other}&money=0&pay_back_date=2099-01-01"), 400),
        (format!("who={other}&money=10&pay_back_date=tomorrow"), 400),
        (
            format!("who={other}&money=10&pay_back_date=2001-01-01"),
            400,
        ),
        (format!("who={other}&money=10"), 400),
        ("who=999&money=10&pay_back_date=2099-01-01".to_string(), 404),
    ] {
        let (status, body) =
            reqwest_style(&app, Method::POST, "borrow_money/borrow/", &borrower, &form).await;
        assert_code(status, &body, code);
    }
    let (status, body) = put(
        &app,
        "borrow_money/borrow/",
        &lender,
        json!({"borrow_id": 1, "is_agree": 2}),
    )
    .await;
    assert_code(status, &body, 400);
    let (status, body) = post(
        &app,
        "borrow_money/payBack/",
        &borrower,
        json!({"who": other, "money": 1, "bill_id": 1}),
    )
    .await;
    assert_code(status, &body, 404);
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
