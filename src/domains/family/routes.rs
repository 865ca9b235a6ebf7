//! Family's warp filters: one line per endpoint (path, method, handler,
//! renderer), all under `/family/api/v1/`. Handlers never reject; whatever
//! no route takes is classified by the endpoint table into 404 / 405.

use warp::filters::BoxedFilter;
use warp::{Filter, Rejection};

use super::envelope;
use super::handlers::{self as h, Call};
use super::ledger as l;
use super::model::BillKind::{Expense, Income};
use super::report as r;
use warp::http::Method;

use crate::app::{SharedApp, with_app};
use crate::endpoint::{self, Route};
use crate::web::{self, Response};

/// Every endpoint of family, declared once: its route, its API-docs text
/// and its example.
pub fn table() -> Vec<Route<Call>> {
    use crate::endpoint::route;
    use envelope::{reply, reply_bare as bare, reply_svg as svg};
    #[rustfmt::skip]
    let table = vec![
        route(Method::POST, "/api/v1/user_manage/register", h::register, reply)
            .doc("Register (username, password, pwdagain; telephone, email, sex) → token", "username password pwdagain telephone? email? sex?")
            .example(r#"{"username": "demo", "password": "demo1234", "pwdagain": "demo1234"}"#),
        route(Method::POST, "/api/v1/user_manage/login", h::login, reply)
            .doc("Log in (username, password) → token; 429 after repeated failures", "username password")
            .example(r#"{"username": "parent", "password": "parent1234"}"#),
        route(Method::DELETE, "/api/v1/user_manage/logout", h::logout, reply)
            .doc("End the session (token)", "")
            .example(r#"{"token": "d5d8354d-646d-4d83-a4d4-4f3d8628eb2b"}"#),
        route(Method::GET, "/api/v1/user_manage/user_info", h::user_info, bare)
            .doc("The user with family1 (no password)", ""),
        route(Method::PUT, "/api/v1/user_manage/user_info", h::update_user_info, reply)
            .doc("Change the fields sent: username, telephone, email, sex; password with pwdagain", "username? telephone? email? sex? password? pwdagain?")
            .example(r#"{"telephone": "13800000000", "email": "jiazhang@163.com", "sex": "男"}"#),
        route(Method::POST, "/api/v1/user_manage/about_family", h::apply, reply)
            .doc("Ask to join a family (family_id); the parents get a message; 460 when in a family or it is full", "family_id:int")
            .example(r#"{"family_id": "1"}"#),
        route(Method::DELETE, "/api/v1/user_manage/about_family", h::leave, reply)
            .doc("Leave the family; the last member leaving removes it", ""),
        route(Method::GET, "/api/v1/message", h::messages, bare)
            .doc("The user's messages (?state=0|1|2)", "state:int?"),
        route(Method::POST, "/api/v1/message", h::send_message, reply)
            .doc("Send a message (receive_id = username, title, text)", "receive_id title text")
            .example(r#"{"receive_id": "child", "title": "系统测试", "text": "系统测试消息"}"#),
        route(Method::DELETE, "/api/v1/message", h::delete_message, reply)
            .doc("Delete one's message (id)", "id:int")
            .example(r#"{"id": "1"}"#),
        route(Method::PUT, "/api/v1/message", h::set_message_state, reply)
            .doc("Set one's message state (id, state 0 unread, 1 starred, 2 read)", "id:int state:int")
            .example(r#"{"id": "1", "state": "2"}"#),
        route(Method::GET, "/api/v1/family/familyManage", h::family_info, reply)
            .doc("The user's family: id, family_name, family_member; or family \"null\"", ""),
        route(Method::POST, "/api/v1/family/familyManage", h::create_family, reply)
            .doc("Create a family (family_name); the creator is its parent; 460 when in a family", "family_name")
            .example(r#"{"family_name": "newfamily"}"#),
        route(Method::PUT, "/api/v1/family/familyManage", h::hand_over, reply)
            .doc("Parent: make a member a parent (user_id); with two parents the caller steps down", "user_id:int"),
        route(Method::GET, "/api/v1/family/familyMember", h::applications, bare)
            .doc("Parent: pending applications to the family", ""),
        route(Method::PUT, "/api/v1/family/familyMember", h::decide, reply)
            .doc("Parent: decide an application (user_id, is_agree 0 yes / 1 no); 418 none, 460 full", "user_id:int is_agree:int parent_id:int?")
            .example(r#"{"parent_id": "1", "user_id": "3", "is_agree": "0"}"#),
        route(Method::GET, "/api/v1/bill/Income", |c| l::bills(c, Income), bare)
            .doc("The user's income bills (?start=&end=, ?scope=family for parents)", "start? end? scope?"),
        route(Method::POST, "/api/v1/bill/Income", |c| l::add_bill(c, Income), reply)
            .doc("Add income (money, remarks, time)", "money:number remarks? time?")
            .example(r#"{"money": "510", "remarks": "学习2", "time": "2019-10-1 12:12:12"}"#),
        route(Method::PUT, "/api/v1/bill/Income", |c| l::update_bill(c, Income), reply)
            .doc("Change one's income bill (id plus fields)", "id:int money:number? remarks? time?"),
        route(Method::DELETE, "/api/v1/bill/Income", |c| l::delete_bill(c, Income), reply)
            .doc("Delete one's income bill (id)", "id:int"),
        route(Method::GET, "/api/v1/bill/Expense", |c| l::bills(c, Expense), bare)
            .doc("The user's expense bills (?start=&end=, ?scope=family for parents)", "start? end? scope?"),
        route(Method::POST, "/api/v1/bill/Expense", |c| l::add_bill(c, Expense), reply)
            .doc("Add expense (money, remarks, time)", "money:number remarks? time?")
            .example(r#"{"money": "88.5", "remarks": "晚饭", "time": "2019-10-1 19:00:00"}"#),
        route(Method::PUT, "/api/v1/bill/Expense", |c| l::update_bill(c, Expense), reply)
            .doc("Change one's expense bill (id plus fields)", "id:int money:number? remarks? time?"),
        route(Method::DELETE, "/api/v1/bill/Expense", |c| l::delete_bill(c, Expense), reply)
            .doc("Delete one's expense bill (id)", "id:int"),
        route(Method::GET, "/api/v1/bank/Deposit", l::deposits, bare)
            .doc("The user's deposits (?start=&end=, ?scope=family)", "start? end? scope?"),
        route(Method::POST, "/api/v1/bank/Deposit", l::add_deposit, reply)
            .doc("Add a deposit (bank, type 活期/定期, money, rate, start_time, end_time)", "bank type money:number rate:number? start_time? end_time?")
            .example(r#"{"bank": "建设银行", "type": "定期", "money": "10000", "rate": "2.15", "start_time": "2019-12-01", "end_time": "2020-12-01"}"#),
        route(Method::PUT, "/api/v1/bank/Deposit", l::update_deposit, reply)
            .doc("Change one's deposit (id plus fields)", "id:int bank? type? money:number? rate:number? start_time? end_time?"),
        route(Method::DELETE, "/api/v1/bank/Deposit", l::delete_deposit, reply)
            .doc("Delete one's deposit (id)", "id:int"),
        route(Method::GET, "/api/v1/loan", l::loans, bare)
            .doc("The user's loans (?start=&end=, ?scope=family)", "start? end? scope?"),
        route(Method::POST, "/api/v1/loan", l::add_loan, reply)
            .doc("Add a loan (direction 借入/借出, counterparty, money, time, due_time)", "direction counterparty money:number time? due_time?")
            .example(r#"{"direction": "借出", "counterparty": "张三", "money": "500", "time": "2019-10-05 10:00:00", "due_time": "2020-01-01"}"#),
        route(Method::PUT, "/api/v1/loan", l::update_loan, reply)
            .doc("Change one's loan (id plus fields; money not below repaid)", "id:int direction? counterparty? money:number? time? due_time?"),
        route(Method::DELETE, "/api/v1/loan", l::delete_loan, reply)
            .doc("Delete one's loan (id)", "id:int"),
        route(Method::GET, "/api/v1/loan/repay", l::repayments, bare)
            .doc("Repayments of a loan (id)", "id:int"),
        route(Method::POST, "/api/v1/loan/repay", l::repay, reply)
            .doc("Repay one's loan (id, money up to the outstanding amount, time)", "id:int money:number time?")
            .example(r#"{"id": "1", "money": "100"}"#),
        route(Method::GET, "/api/v1/report", r::report, reply)
            .doc("Asset report (?scope=self|family&start=&end=): income, expense, net, savings, loans, net worth, months, members", "scope? start? end?"),
        route(Method::GET, "/api/v1/report/chart.svg", r::chart, svg)
            .doc("The report's monthly income and expense as an SVG bar chart", "scope? start? end?"),
    ];
    table
}

/// Every request under the prefix, answered in family's envelope.
pub fn routes(app: SharedApp) -> BoxedFilter<(Response,)> {
    let a = &app;
    endpoint::domain_tree(table(), call(a), envelope::unrouted)
}

/// The shared input of every endpoint.
fn call(app: &SharedApp) -> impl Filter<Extract = (Call,), Error = Rejection> + Clone + use<> {
    with_app(app.clone())
        .and(crate::body::input(app.settings.limits))
        .and(warp::header::headers_cloned())
        .and(web::client_ip())
        .map(|app, input, headers: warp::http::HeaderMap, ip| Call {
            app,
            input,
            bearer: crate::session::bearer(&headers),
            ip,
        })
}
