//! The yearly report and its chart: a user's or the family's records added up by month.

use super::*;

/// A family of `parent` and `child` with a quarter of records: the
/// parent's incomes of 510 (October) and 1000.50 (December), an expense of
/// 200.25 (December), a current deposit of 3000 (November), 500 lent (100
/// of it repaid) and 1000 borrowed in October; the child's income of 300
/// and expense of 50 in December.
async fn a_quarter_of_records() -> (TestApp, String, String) {
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

    (app, parent, child)
}

#[tokio::test]
async fn the_report_adds_up_a_users_records_month_by_month() {
    let (app, parent, _child) = a_quarter_of_records().await;
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
    app.stop().await;
}

#[tokio::test]
async fn a_report_between_two_dates_counts_only_what_falls_between() {
    let (app, parent, _child) = a_quarter_of_records().await;
    let (_, december) = get(&app, "report/?start=2019-12-01&end=2019-12-31", &parent).await;
    assert_eq!(
        (december["income"].clone(), december["savings"].clone()),
        (json!(1000.5), json!(0))
    );
    assert_eq!(december["lent_outstanding"], 0);
    assert_eq!(december["net_worth"], 800.25);
    app.stop().await;
}

#[tokio::test]
async fn a_parent_reports_on_the_whole_family_and_a_member_on_themself() {
    let (app, parent, child) = a_quarter_of_records().await;
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
    app.stop().await;
}

#[tokio::test]
async fn a_deficit_reports_as_a_negative_net() {
    let (app, _parent, child) = a_quarter_of_records().await;
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
    app.stop().await;
}

#[tokio::test]
async fn the_chart_is_an_svg_with_a_bar_per_month_and_kind() {
    let (app, parent, _child) = a_quarter_of_records().await;
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
    app.stop().await;
}

#[tokio::test]
async fn a_chart_without_bills_says_so_and_one_without_a_token_is_401() {
    let (app, _parent, _child) = a_quarter_of_records().await;
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
