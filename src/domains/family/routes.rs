//! Family's warp filters: one line per endpoint (path, method, handler,
//! renderer), all under `/family/api/v1/`. Handlers never reject; whatever
//! no route takes is classified by the endpoint table into 404 / 405.

use warp::filters::BoxedFilter;
use warp::{Filter, Rejection};

use super::envelope;
use super::handlers::borrowing as b;
use super::handlers::ledger as l;
use super::handlers::report as r;
use super::handlers::{self as h, Call};
use super::model::BillKind::{Expense, Income};
use warp::http::Method;

use crate::app::SharedApp;
use crate::endpoint::{self, Route};
use crate::web::Response;

/// Every endpoint of family, declared once: its route, its API-docs text
/// and its example.
pub fn table() -> Vec<Route<Call>> {
    use super::input::*;
    use crate::endpoint::{link, route};
    use envelope::{reply, reply_bare as bare, reply_shaped as shaped, reply_svg as svg};
    #[rustfmt::skip]
    let table = vec![
        route(Method::POST, "/api/v1/user_manage/register", h::register, reply)
            .summary("Register (username, password, pwdagain; telephone, email, sex) → token")
            .example(r#"{"username": "demo", "password": "demo1234", "pwdagain": "demo1234"}"#),
        route(Method::POST, "/api/v1/user_manage/login", h::login, reply)
            .summary("Log in (username, password) → token; 429 after repeated failures")
            .example(r#"{"username": "parent", "password": "parent1234"}"#),
        route(Method::DELETE, "/api/v1/user_manage/logout", h::logout, reply)
            .summary("End the session (token)")
            .example(r#"{"token": "d5d8354d-646d-4d83-a4d4-4f3d8628eb2b"}"#),
        route(Method::GET, "/api/v1/user_manage/user_info", h::user_info, bare)
            .summary("The user with family1 (no password)")
            .bare(),
        route(Method::PUT, "/api/v1/user_manage/user_info", h::update_user_info, reply)
            .summary("Change the fields sent: username, telephone, email, sex; password with pwdagain")
            .example(r#"{"telephone": "13800000000", "email": "jiazhang@163.com", "sex": "男"}"#),
        route(Method::POST, "/api/v1/user_manage/about_family", h::apply, reply)
            .summary("Ask to join a family (family_id); the parents get a message; 460 when in a family or it is full")
            .example(r#"{"family_id": "1"}"#),
        route(Method::DELETE, "/api/v1/user_manage/about_family", h::leave, reply)
            .summary("Leave the family; the last member leaving removes it"),
        route(Method::GET, "/api/v1/message", h::messages, bare)
            .summary("The user's messages (?state=0|1|2)")
            .bare(),
        route(Method::POST, "/api/v1/message", h::send_message, bare)
            .summary("Send a message (receive_id or receive = username, title, text) → the caller's inbox")
            .bare()
            .example(r#"{"receive_id": "child", "title": "系统测试", "text": "系统测试消息"}"#),
        route(Method::DELETE, "/api/v1/message", h::delete_message, bare)
            .summary("Delete one's message (id) → the inbox")
            .bare()
            .example(r#"{"id": "1"}"#),
        route(Method::PUT, "/api/v1/message", h::set_message_state, bare)
            .summary("Set one's message state (id, state 0 unread, 1 starred, 2 read, 3 un-star) → the inbox")
            .bare()
            .example(r#"{"id": "1", "state": "2"}"#),
        route(Method::GET, "/api/v1/family/familyManage", h::family_info, reply)
            .summary("The user's family: id, family_name, family_member; or family \"null\""),
        route(Method::POST, "/api/v1/family/familyManage", h::create_family, reply)
            .links(const { &[link("POST", "/api/v1/user_manage/about_family", &[("family_id", "/id")])] })
            .summary("Create a family (family_name); the creator is its parent; 460 when in a family")
            .example(r#"{"family_name": "newfamily"}"#),
        route(Method::PUT, "/api/v1/family/familyManage", h::hand_over, reply)
            .summary("Parent: make a member a parent (user_id); with two parents the caller steps down")
            .input::<Member>(),
        route(Method::GET, "/api/v1/family/familyMember", h::applications, bare)
            .summary("Parent: pending applications to the family")
            .bare(),
        route(Method::PUT, "/api/v1/family/familyMember", h::decide, reply)
            .summary("Parent: decide an application (user_id, is_agree 0 yes / 1 no); 418 none, 460 full")
            .example(r#"{"parent_id": "1", "user_id": "3", "is_agree": "0"}"#),
        route(Method::GET, "/api/v1/bill/Income", |c, a, q| l::bills(c, a, q, Income), shaped)
            .summary("The user's income bills (?start=&end=, ?scope=family for parents)")
            .bare(),
        route(Method::POST, "/api/v1/bill/Income", |c, a, i| l::add_bill(c, a, i, Income), shaped)
            .summary("Add a bill (money, remarks, time; bill_type 0 收入 by default, 1, 10, 11, 12; concrete_type) → the list of its kind")
            .bare()
            .example(r#"{"money": "510", "remarks": "学习2", "time": "2019-10-1 12:12:12"}"#),
        route(Method::PUT, "/api/v1/bill/Income", |c, a, i| l::update_bill(c, a, i, Income), reply)
            .summary("Change one's income bill (id plus fields)"),
        route(Method::DELETE, "/api/v1/bill/Income", |c, a, i| l::delete_bill(c, a, i, Income), reply)
            .summary("Delete one's income bill (id)"),
        route(Method::GET, "/api/v1/bill/Expense", |c, a, q| l::bills(c, a, q, Expense), shaped)
            .summary("The user's expense bills (?start=&end=, ?scope=family for parents)")
            .bare(),
        route(Method::POST, "/api/v1/bill/Expense", |c, a, i| l::add_bill(c, a, i, Expense), shaped)
            .summary("Add a bill (money, remarks, time; bill_type 10 支出 by default; concrete_type) → the list of its kind")
            .bare()
            .example(r#"{"money": "88.5", "remarks": "晚饭", "time": "2019-10-1 19:00:00"}"#),
        route(Method::GET, "/api/v1/bill/expend", l::expend_bills, reply)
            .summary("The original's spelling: the user's expense bills in {code, msg, data}"),
        route(Method::POST, "/api/v1/bill/expend", |c, a, i| l::add_bill(c, a, i, Expense), shaped)
            .summary("The original's spelling of POST bill/Expense/")
            .bare()
            .example(r#"{"bill_type": "10", "money": "30", "remarks": "午饭", "time": "2019-12-14 12:00:00", "concrete_type": "餐饮"}"#),
        route(Method::PUT, "/api/v1/bill/expend", |c, a, i| l::update_bill(c, a, i, Expense), reply)
            .summary("The original's spelling of PUT bill/Expense/"),
        route(Method::DELETE, "/api/v1/bill/expend", |c, a, i| l::delete_bill(c, a, i, Expense), reply)
            .summary("The original's spelling of DELETE bill/Expense/"),
        route(Method::GET, "/api/v1/bill/data", l::statistics, envelope::reply_or_no_data)
            .summary("Statistics of the user's income (type 0) and expense (type 10): totals, by concrete_type, overage; 201 with none"),
        route(Method::PUT, "/api/v1/bill/Expense", |c, a, i| l::update_bill(c, a, i, Expense), reply)
            .summary("Change one's expense bill (id plus fields)"),
        route(Method::DELETE, "/api/v1/bill/Expense", |c, a, i| l::delete_bill(c, a, i, Expense), reply)
            .summary("Delete one's expense bill (id)"),
        route(Method::GET, "/api/v1/bank/Deposit", l::deposits, bare)
            .summary("The user's deposits (?start=&end=, ?scope=family)")
            .bare(),
        route(Method::POST, "/api/v1/bank/Deposit", l::add_deposit, reply)
            .links(const { &[link("PUT", "/api/v1/bank/Deposit", &[("id", "/id")]), link("DELETE", "/api/v1/bank/Deposit", &[("id", "/id")])] })
            .summary("Add a deposit (bank, type 活期/定期, money, rate, start_time, end_time)")
            .example(r#"{"bank": "建设银行", "type": "定期", "money": "10000", "rate": "2.15", "start_time": "2019-12-01", "end_time": "2020-12-01"}"#),
        route(Method::PUT, "/api/v1/bank/Deposit", l::update_deposit, reply)
            .summary("Change one's deposit (id plus fields)"),
        route(Method::DELETE, "/api/v1/bank/Deposit", l::delete_deposit, reply)
            .summary("Delete one's deposit (id)"),
        route(Method::GET, "/api/v1/loan", l::loans, bare)
            .summary("The user's loans (?start=&end=, ?scope=family)")
            .bare(),
        route(Method::POST, "/api/v1/loan", l::add_loan, reply)
            .links(const { &[link("PUT", "/api/v1/loan", &[("id", "/id")]), link("POST", "/api/v1/loan/repay", &[("id", "/id")]), link("GET", "/api/v1/loan/repay", &[("id", "/id")]), link("DELETE", "/api/v1/loan", &[("id", "/id")])] })
            .summary("Add a loan (direction 借入/借出, counterparty, money, time, due_time)")
            .example(r#"{"direction": "借出", "counterparty": "张三", "money": "500", "time": "2019-10-05 10:00:00", "due_time": "2020-01-01"}"#),
        route(Method::PUT, "/api/v1/loan", l::update_loan, reply)
            .summary("Change one's loan (id plus fields; money not below repaid)"),
        route(Method::DELETE, "/api/v1/loan", l::delete_loan, reply)
            .summary("Delete one's loan (id)"),
        route(Method::POST, "/api/v1/borrow_money/borrow", b::request, reply)
            .summary("Ask a user for money (who: user id, money, pay_back_date YYYY-MM-DD); the lender gets a type-3 message with the record number in 【】")
            .example(r#"{"who": "2", "money": "100", "pay_back_date": "2030-01-31"}"#),
        route(Method::PUT, "/api/v1/borrow_money/borrow", b::decide, reply)
            .summary("The lender answers a request (borrow_id; is_agree 0 agrees, 1 refuses); agreed, it is a 借入/借出 loan pair with their bills"),
        route(Method::GET, "/api/v1/borrow_money/payBack", b::owed, envelope::reply_or_no_data)
            .summary("What the caller still owes (id, money, deadline, borrower, status, lender, lender_id); 201 with none"),
        route(Method::POST, "/api/v1/borrow_money/payBack", b::pay_back, reply)
            .summary("Pay back part or all of an agreed borrowing (who: the lender's id, money, bill_id: the record)"),
        route(Method::GET, "/api/v1/loan/repay", l::repayments, bare)
            .summary("Repayments of a loan (id)")
            .bare(),
        route(Method::POST, "/api/v1/loan/repay", l::repay, reply)
            .summary("Repay one's loan (id, money up to the outstanding amount, time)")
            .example(r#"{"id": "1", "money": "100"}"#),
        route(Method::GET, "/api/v1/report", r::report, reply)
            .summary("Asset report (?scope=self|family&start=&end=): income, expense, net, savings, loans, net worth, months, members"),
        route(Method::GET, "/api/v1/report/chart.svg", r::chart, svg)
            .summary("The report's monthly income and expense as an SVG bar chart"),
        route(Method::GET, "/events", h::events, crate::envelope::stream::<envelope::Shape>)
            .summary("Server-sent events for the user: new messages, changes to their family")
            .input::<crate::events::StreamQuery>()
            .events(&[("message", "a new message for the user, as `/api/v1/message/` lists it"),
                      ("family", "`family_id`, `change` (`joined`, `rejected`, `left`, `removed`, `parent`), `user_id`, `username`: to the family's members and the user it is about")]),
    ];
    table
}

/// Every request under the prefix, answered in family's envelope.
pub fn routes(app: SharedApp) -> BoxedFilter<(Response,)> {
    let a = &app;
    endpoint::domain_tree(
        table(),
        call(a),
        crate::envelope::unrouted::<envelope::Shape>,
    )
}

/// The shared input of every endpoint.
fn call(app: &SharedApp) -> impl Filter<Extract = (Call,), Error = Rejection> + Clone + use<> {
    crate::app::call(app, None, warp::any().map(|| ()))
}
