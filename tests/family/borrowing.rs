//! borrow_money/: the original's borrowing between users, a loan pair with a bill on each side.

use super::*;

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
