//! `onebox rental generate-houses`: generated houses, served.

use super::*;

/// Runs `onebox rental generate-houses` on the app's file; its line.
fn generate(app: &TestApp, count: &str) -> String {
    common::command_on(
        &app.db_path,
        &["rental", "generate-houses", "--count", count],
    )
}

fn count(app: &TestApp, sql: &str) -> i64 {
    app.db().query_row(sql, [], |row| row.get(0)).unwrap()
}

#[tokio::test]
async fn generated_houses_to_let_are_listed_and_found_by_district() {
    let app = spawn_app().await;
    let line = generate(&app, "60");
    assert!(line.contains("added 60 rental houses"), "{line}");
    let let_ = count(
        &app,
        "SELECT count(*) FROM rental_houses WHERE state = '已租'",
    );
    assert!(let_ > 0 && let_ < 60, "some let, most to let: {let_}");

    let (ids, total) = house_ids(&app, "/gethouselist", json!({})).await;
    assert_eq!(total, 60 - let_);
    assert!(!ids.is_empty());
    let in_beijing = count(
        &app,
        "SELECT count(*) FROM rental_houses WHERE state = '待租' AND instr(district, '北京') > 0",
    );
    assert!(in_beijing > 0);
    let (_, total) = house_ids(&app, "/gethouselist", json!({"district": "北京"})).await;
    assert_eq!(total, in_beijing);
}

#[tokio::test]
async fn a_second_generation_adds_houses_of_the_same_owner() {
    let app = spawn_app().await;
    generate(&app, "5");
    generate(&app, "6");
    assert_eq!(count(&app, "SELECT count(*) FROM rental_houses"), 11);
    assert_eq!(
        count(&app, "SELECT count(DISTINCT owner_id) FROM rental_houses"),
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM rental_users WHERE username = 'generated-owner'"
        ),
        1
    );
}
