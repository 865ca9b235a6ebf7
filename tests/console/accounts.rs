//! Password resets, ended sessions, lockouts and the login throttle.

use super::*;

/// The demo server, parking's demo user's id and a session of theirs.
struct DemoUser {
    app: common::TestApp,
    user_id: i64,
    token: String,
}

async fn demo_user() -> DemoUser {
    let app = common::spawn_app_with(&["--demo"]).await;
    let (code, token) = parking_login(&app, "demo1234").await;
    assert_eq!(code, 200);
    let token = token.unwrap();
    let user_id: i64 = app
        .db()
        .query_row(
            "SELECT id FROM parking_users WHERE username = 'demo'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let demo = DemoUser {
        app,
        user_id,
        token,
    };
    assert_eq!(demo.info(&demo.token).await, 200);
    demo
}

impl DemoUser {
    /// The code of the demo user's info, asked for with `token`.
    async fn info(&self, token: &str) -> i64 {
        self.app
            .get("/parking/api/user/info/demo", Some(token))
            .await
            .1["code"]
            .as_i64()
            .unwrap()
    }

    /// The operator gives the demo user a new password.
    async fn reset_password(&self, password: &str) -> Value {
        let path = format!("/_/api/accounts/parking/{}/password", self.user_id);
        let (status, done) = console_post(&self.app, &path, json!({"password": password})).await;
        assert_eq!(status, 200, "{done}");
        done
    }
}

/// A new password: the old one and the old session stop working.
#[tokio::test]
async fn an_operators_new_password_retires_the_old_one_and_its_sessions() {
    let demo = demo_user().await;
    let done = demo.reset_password("class-2026").await;
    assert_eq!(done["sessions_ended"], 1);
    assert_ne!(demo.info(&demo.token).await, 200);
    assert_ne!(parking_login(&demo.app, "demo1234").await.0, 200);
    let (code, _) = parking_login(&demo.app, "class-2026").await;
    assert_eq!(code, 200);
}

#[tokio::test]
async fn an_operator_ends_an_accounts_sessions_alone() {
    let demo = demo_user().await;
    let (status, done) = console_post(
        &demo.app,
        &format!("/_/api/accounts/parking/{}/logout", demo.user_id),
        json!({}),
    )
    .await;
    assert_eq!((status, done["sessions_ended"].as_i64()), (200, Some(1)));
    assert_ne!(demo.info(&demo.token).await, 200);
    assert_eq!(parking_login(&demo.app, "demo1234").await.0, 200);
}

/// Ten typos lock the account; clearing the counts lets it in again.
#[tokio::test]
async fn an_operator_clears_a_lockout() {
    let demo = demo_user().await;
    for _ in 0..10 {
        parking_login(&demo.app, "typo-typo").await;
    }
    let (_, locked) = demo
        .app
        .post(
            "/parking/api/user/login",
            json!({"username": "demo", "password": "demo1234"}),
            None,
        )
        .await;
    assert!(
        locked["msg"].as_str().unwrap().contains("minute"),
        "{locked}"
    );
    let (status, cleared) = console_post(&demo.app, "/_/api/throttle/clear", json!({})).await;
    assert_eq!(status, 200);
    assert!(cleared["cleared"].as_i64().unwrap() >= 1);
    assert_eq!(parking_login(&demo.app, "demo1234").await.0, 200);
}

/// Mistakes are 4xx with the reason, and change nothing.
#[tokio::test]
async fn an_operators_mistake_is_a_4xx_with_its_reason_and_changes_nothing() {
    let demo = demo_user().await;
    let user_id = demo.user_id;
    for (path, body, status) in [
        (
            format!("/_/api/accounts/parking/{user_id}/password"),
            json!({"password": "short"}),
            400,
        ),
        (
            format!("/_/api/accounts/parking/{user_id}/password"),
            json!({}),
            400,
        ),
        (
            "/_/api/accounts/parking/999999/password".to_string(),
            json!({"password": "long-enough-1"}),
            404,
        ),
        (
            "/_/api/accounts/nosuch/1/logout".to_string(),
            json!({}),
            404,
        ),
        (
            "/_/api/accounts/parking/999999/logout".to_string(),
            json!({}),
            404,
        ),
    ] {
        let (got, answer) = console_post(&demo.app, &path, body).await;
        assert_eq!(got, status, "{path}: {answer}");
        assert!(answer["error"].is_string(), "{path}: {answer}");
    }
    assert_eq!(parking_login(&demo.app, "demo1234").await.0, 200);
    assert_eq!(demo.info(&demo.token).await, 200);
}

/// A page of another site cannot post here, token cookie or not.
#[tokio::test]
async fn a_page_of_another_site_cannot_post_to_the_console() {
    let demo = demo_user().await;
    let forged = demo
        .app
        .client
        .post(demo.app.url("/_/api/throttle/clear"))
        .bearer_auth(OPERATOR_TOKEN)
        .header("origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 404);
    demo.app.stop().await;
}

#[tokio::test]
async fn the_login_throttle_can_be_raised_or_turned_off() {
    let off = common::spawn_app_with(&["--demo", "--login-throttle", "off"]).await;
    for _ in 0..15 {
        parking_login(&off, "typo-typo").await;
    }
    assert_eq!(parking_login(&off, "demo1234").await.0, 200);
    off.stop().await;
    let strict = common::spawn_app_with(&["--demo", "--login-throttle", "2"]).await;
    for _ in 0..2 {
        parking_login(&strict, "typo-typo").await;
    }
    assert_ne!(parking_login(&strict, "demo1234").await.0, 200);
    strict.stop().await;
    for bad in ["0", "many", "-1"] {
        let output = binary()
            .args(["serve", &format!("--login-throttle={bad}")])
            .output()
            .unwrap();
        assert!(!output.status.success(), "{bad}");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("off"),
            "{bad}"
        );
    }
}
