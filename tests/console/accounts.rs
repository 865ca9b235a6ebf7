//! Password resets, ended sessions, lockouts and the login throttle.

use super::*;

#[tokio::test]
async fn an_operator_can_reset_a_password_end_sessions_and_clear_lockouts() {
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
    let info = |token: String| {
        let app = &app;
        async move {
            app.get("/parking/api/user/info/demo", Some(&token)).await.1["code"]
                .as_i64()
                .unwrap()
        }
    };
    assert_eq!(info(token.clone()).await, 200);

    // A new password: the old one and the old session stop working.
    let path = format!("/_/api/accounts/parking/{user_id}/password");
    let (status, done) = console_post(&app, &path, json!({"password": "class-2026"})).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["sessions_ended"], 1);
    assert_ne!(info(token).await, 200);
    assert_ne!(parking_login(&app, "demo1234").await.0, 200);
    let (code, token) = parking_login(&app, "class-2026").await;
    assert_eq!(code, 200);

    // Ending the sessions alone.
    let (status, done) = console_post(
        &app,
        &format!("/_/api/accounts/parking/{user_id}/logout"),
        json!({}),
    )
    .await;
    assert_eq!((status, done["sessions_ended"].as_i64()), (200, Some(1)));
    assert_ne!(info(token.unwrap()).await, 200);

    // Ten typos lock the account; clearing the counts lets it in again.
    for _ in 0..10 {
        parking_login(&app, "typo-typo").await;
    }
    let (_, locked) = app
        .post(
            "/parking/api/user/login",
            json!({"username": "demo", "password": "class-2026"}),
            None,
        )
        .await;
    assert!(
        locked["msg"].as_str().unwrap().contains("minute"),
        "{locked}"
    );
    let (status, cleared) = console_post(&app, "/_/api/throttle/clear", json!({})).await;
    assert_eq!(status, 200);
    assert!(cleared["cleared"].as_i64().unwrap() >= 1);
    assert_eq!(parking_login(&app, "class-2026").await.0, 200);

    // Mistakes are 4xx with the reason, and change nothing.
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
        let (got, answer) = console_post(&app, &path, body).await;
        assert_eq!(got, status, "{path}: {answer}");
        assert!(answer["error"].is_string(), "{path}: {answer}");
    }
    assert_eq!(parking_login(&app, "class-2026").await.0, 200);
    // A page of another site cannot post here, token cookie or not.
    let forged = app
        .client
        .post(app.url("/_/api/throttle/clear"))
        .bearer_auth(OPERATOR_TOKEN)
        .header("origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 404);
    app.stop().await;
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
