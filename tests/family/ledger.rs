//! Bills, deposits, loans and the yearly report, in the documented shapes and the original front-end's.

use super::*;

/// A family of `parent` and `child`, a `stranger` outside it, and four
/// bills: the parent's incomes of 510 (2019-10-01) and 333.5
/// (2019-12-19) and expense of 12.34 (2019-12-20), the child's income of
/// 100 (2019-12-01).
struct Bills {
    app: TestApp,
    parent: String,
    child: String,
    stranger: String,
    income_id: i64,
    expense_id: i64,
}

async fn bills() -> Bills {
    let app = spawn_app().await;
    let parent = register(&app, "parent").await;
    let child = register(&app, "child").await;
    let stranger = register(&app, "stranger").await;
    family_with(&app, &parent, &[&child]).await;
    let mut ids = Vec::new();
    for (who, kind, body) in [
        (
            &parent,
            "Income",
            json!({"money": "510", "remarks": "学习2", "time": "2019-10-1 12:12:12"}),
        ),
        (
            &parent,
            "Income",
            json!({"money": 333.5, "remarks": "dfgf", "time": "2019-12-19 21:42:35"}),
        ),
        (
            &parent,
            "Expense",
            json!({"money": "12.34", "time": "2019-12-20 08:00:00"}),
        ),
        (
            &child,
            "Income",
            json!({"money": "100", "time": "2019-12-01 00:00:00"}),
        ),
    ] {
        let (status, list) = post(&app, &format!("bill/{kind}/"), who, body).await;
        assert_eq!(status, 200, "{list}");
        ids.push(list[0]["id"].as_i64().unwrap());
    }
    Bills {
        app,
        parent,
        child,
        stranger,
        income_id: ids[0],
        expense_id: ids[2],
    }
}

#[tokio::test]
async fn a_bill_posted_as_the_seed_shows_it_answers_the_list_of_its_kind() {
    let app = spawn_app().await;
    let parent = register(&app, "parent").await;
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
    app.stop().await;
}

#[tokio::test]
async fn bills_are_listed_by_kind_and_filtered_by_whole_days() {
    let Bills {
        app,
        parent,
        income_id,
        ..
    } = bills().await;
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
    app.stop().await;
}

#[tokio::test]
async fn parents_read_the_familys_bills_and_members_only_their_own() {
    let Bills {
        app,
        parent,
        child,
        stranger,
        ..
    } = bills().await;
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
    app.stop().await;
}

#[tokio::test]
async fn a_change_writes_only_the_fields_sent_and_only_for_the_owner() {
    let Bills {
        app,
        parent,
        child,
        stranger,
        income_id,
        expense_id,
    } = bills().await;
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
    // An expense is not changed as an income.
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
    app.stop().await;
}

#[tokio::test]
async fn bad_bills_and_bad_filters_are_refused_and_write_nothing() {
    let Bills { app, parent, .. } = bills().await;
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
    let rows: i64 = app
        .db()
        .query_row("SELECT count(*) FROM family_bills", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 4, "the refused bills left nothing behind");
    app.stop().await;
}

#[tokio::test]
async fn a_bill_deleted_by_its_owner_leaves_its_list() {
    let Bills {
        app,
        parent,
        expense_id,
        ..
    } = bills().await;
    let (status, _) = delete(
        &app,
        "bill/Expense/",
        &parent,
        json!({"id": expense_id.to_string()}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(get(&app, "bill/Expense/", &parent).await.1, json!([]));
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

/// `parent` and `stranger` each head a family; `child` (in none) has lent
/// 张三 500 on 2019-10-05, due 2020-01-01. Returns the three and the loan.
async fn a_loan(app: &TestApp) -> (String, String, String, i64) {
    let parent = register(app, "parent").await;
    let child = register(app, "child").await;
    let stranger = register(app, "stranger").await;
    family_with(app, &parent, &[]).await;
    family_with(app, &stranger, &[]).await;
    let (status, loan) = post(app, "loan/", &child, json!({"direction": "借出", "counterparty": "张三", "money": "500", "time": "2019-10-05 10:00:00", "due_time": "2020-01-01"})).await;
    assert_eq!(status, 200, "{loan}");
    assert_eq!(loan["state"], "未还清");
    assert_eq!(loan["repaid"], 0);
    (parent, child, stranger, loan["id"].as_i64().unwrap())
}

async fn repay(app: &TestApp, token: &str, body: Value) -> (u16, Value) {
    post(app, "loan/repay/", token, body).await
}

#[tokio::test]
async fn a_loan_is_repaid_in_parts_up_to_its_amount_and_never_past_it() {
    let app = spawn_app().await;
    let (_, child, _, id) = a_loan(&app).await;
    let (status, body) = repay(&app, &child, json!({"id": id, "money": "600"})).await;
    assert_code(status, &body, 400);
    let (status, repaid) = repay(
        &app,
        &child,
        json!({"id": id.to_string(), "money": "100.5", "time": "2019-11-01"}),
    )
    .await;
    assert_eq!(status, 200, "{repaid}");
    assert_eq!(repaid["repaid"], 100.5);
    // Its amount cannot fall below what was repaid.
    let (status, body) = put(&app, "loan/", &child, json!({"id": id, "money": "100"})).await;
    assert_code(status, &body, 400);
    let (status, repaid) = repay(&app, &child, json!({"id": id, "money": "399.5"})).await;
    assert_eq!(status, 200, "{repaid}");
    assert_eq!(repaid["state"], "已还清");
    let (status, body) = repay(&app, &child, json!({"id": id, "money": "0.01"})).await;
    assert_code(status, &body, 400);
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
async fn only_the_loans_owner_repays_it_and_reads_its_repayments() {
    let app = spawn_app().await;
    let (parent, child, stranger, id) = a_loan(&app).await;
    let (status, body) = repay(&app, &stranger, json!({"id": id, "money": "1"})).await;
    assert_code(status, &body, 403);
    for money in ["100.5", "399.5"] {
        let (status, body) = repay(&app, &child, json!({"id": id, "money": money})).await;
        assert_eq!(status, 200, "{body}");
    }
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
    app.stop().await;
}

#[tokio::test]
async fn a_loan_needs_a_direction_a_counterparty_and_a_due_date_after_it() {
    let app = spawn_app().await;
    let child = register(&app, "child").await;
    for bad in [
        json!({"direction": "sideways", "counterparty": "x", "money": 1}),
        json!({"direction": "borrow", "money": 1}),
        json!({"direction": "borrow", "counterparty": "x", "money": 1, "time": "2020-01-02", "due_time": "2020-01-01"}),
    ] {
        let (status, body) = post(&app, "loan/", &child, bad).await;
        assert_code(status, &body, 400);
    }
    app.stop().await;
}

#[tokio::test]
async fn a_borrowing_is_listed_with_the_loans_and_changes_only_the_fields_sent() {
    let app = spawn_app().await;
    let (_, child, _, _) = a_loan(&app).await;
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
    app.stop().await;
}

#[tokio::test]
async fn a_deleted_loan_takes_its_repayments_with_it() {
    let app = spawn_app().await;
    let (_, child, _, id) = a_loan(&app).await;
    repay(&app, &child, json!({"id": id, "money": "100.5"})).await;
    assert_eq!(
        delete(&app, "loan/", &child, json!({"id": id})).await.0,
        200
    );
    let repayment_rows: i64 = app
        .db()
        .query_row("SELECT count(*) FROM family_repayments", [], |r| r.get(0))
        .unwrap();
    assert_eq!(repayment_rows, 0, "a loan's repayments go with it");
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
