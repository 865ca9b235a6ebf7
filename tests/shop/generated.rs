//! `onebox shop generate-products`: a generated catalogue, served.

use super::*;

/// Runs `onebox shop generate-products` on the app's file; its line.
fn generate(app: &TestApp, count: &str) -> String {
    common::command_on(
        &app.db_path,
        &["shop", "generate-products", "--count", count],
    )
}

#[tokio::test]
async fn generated_products_are_listed_in_pages_and_the_first_never_runs_out() {
    let app = spawn_app().await;
    let line = generate(&app, "25");
    assert!(
        line.contains("added 25 shop products in 20 shops"),
        "{line}"
    );

    let (status, body) = app.get("/shop/shop/products?ordering=id", None).await;
    assert_ok(status, &body);
    assert_eq!(body["data"]["count"], 25, "{body}");
    let first = &body["data"]["products"][0];
    assert_eq!(first["stock_quantity"], 1_000_000_000, "{first}");
    assert!(
        line.contains(&format!("product {} ", first["id"])),
        "{line}"
    );
    let (status, last) = app
        .get("/shop/shop/products?ordering=id&page=3", None)
        .await;
    assert_ok(status, &last);
    assert_eq!(last["data"]["products"].as_array().unwrap().len(), 5);
    let (_, shops) = app.get("/shop/shop", None).await;
    assert_eq!(shops["data"].as_array().unwrap().len(), 20, "{shops}");
}

#[tokio::test]
async fn a_second_generation_adds_products_to_the_same_shops() {
    let app = spawn_app().await;
    generate(&app, "3");
    generate(&app, "4");
    let (_, shops) = app.get("/shop/shop", None).await;
    assert_eq!(shops["data"].as_array().unwrap().len(), 20, "{shops}");
    let (status, body) = app.get("/shop/shop/products", None).await;
    assert_ok(status, &body);
    assert_eq!(body["data"]["count"], 7, "{body}");
}

#[tokio::test]
async fn a_generated_seller_has_a_password_hash_and_no_known_password() {
    let app = spawn_app().await;
    generate(&app, "1");
    let hash: String = app
        .db()
        .query_row(
            "SELECT password_hash FROM shop_users WHERE email = 'generated-seller0@example.com'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert!(hash.starts_with("$2b$10$"), "{hash}");
    for password in ["", "password", "seller1234", "generated-seller0"] {
        let (status, body) = app
            .post(
                "/shop/user/login",
                json!({"email": "generated-seller0@example.com", "password": password}),
                None,
            )
            .await;
        assert_eq!(body["success"], false, "{password}: {status} {body}");
    }
}
