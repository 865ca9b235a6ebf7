//! `onebox family generate-bills`: a generated ledger, served.

use super::*;

/// Runs `onebox family generate-bills` on the app's file; its line.
fn generate(app: &TestApp, count: &str) -> String {
    common::command_on(
        &app.db_path,
        &["family", "generate-bills", "--count", count],
    )
}

/// A session of generated-parent, after the console sets its password.
async fn generated_parent(app: &TestApp) -> String {
    let id: i64 = app
        .db()
        .query_row(
            "SELECT id FROM family_users WHERE username = 'generated-parent'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    let (status, body) = app
        .post(
            &format!("/_/api/accounts/family/{id}/password"),
            json!({"password": PASSWORD}),
            Some(common::OPERATOR_TOKEN),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app
        .post_form(
            &at("user_manage/login/", None),
            &[("username", "generated-parent"), ("password", PASSWORD)],
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body["token"].as_str().unwrap().to_string()
}

/// How many bills of one kind the list gives, over any time.
async fn listed(app: &TestApp, token: &str, kind: &str) -> usize {
    let (status, list) = get(
        app,
        &format!("bill/{kind}/?start=2000-01-01&end=2100-01-01"),
        token,
    )
    .await;
    assert_eq!(status, 200, "{list}");
    list.as_array().expect("a list of bills").len()
}

#[tokio::test]
async fn generated_bills_are_listed_and_reported_for_their_parent() {
    let app = spawn_app().await;
    let line = generate(&app, "40");
    assert!(line.contains("added 40 family bills"), "{line}");
    let token = generated_parent(&app).await;
    let (income, expense) = (
        listed(&app, &token, "Income").await,
        listed(&app, &token, "Expense").await,
    );
    assert_eq!(income + expense, 40);
    assert!(income > 0 && expense > 0, "{income} {expense}");
    let (status, report) = get(&app, "report?start=2000-01-01&end=2100-01-01", &token).await;
    assert_eq!(status, 200, "{report}");
    assert!(
        report["income"].as_f64().is_some_and(|yuan| yuan > 0.0),
        "{report}"
    );
    assert!(
        report["expense"].as_f64().is_some_and(|yuan| yuan > 0.0),
        "{report}"
    );
    let (_, info) = get(&app, "family/familyManage/", &token).await;
    assert_eq!(info["family_name"], "生成之家", "{info}");
}

#[tokio::test]
async fn a_second_generation_adds_bills_to_the_same_parent() {
    let app = spawn_app().await;
    generate(&app, "3");
    generate(&app, "4");
    let count = |sql: &str| -> i64 { app.db().query_row(sql, [], |row| row.get(0)).unwrap() };
    assert_eq!(count("SELECT count(*) FROM family_bills"), 7);
    assert_eq!(count("SELECT count(DISTINCT user_id) FROM family_bills"), 1);
    assert_eq!(count("SELECT count(*) FROM family_families"), 1);
}
