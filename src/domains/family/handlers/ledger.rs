//! The money handlers: income and expense bills, bank deposits, loans and
//! their repayments. Each record is changed only by its owner; a parent
//! reads the whole family's with `?scope=family`. Updates change the
//! fields sent and keep the rest.

use super::{Call, Caller};
use crate::body::{Cents, Patch, Text};
use crate::clock;
use crate::domains::family::DOMAIN;
use crate::domains::family::envelope::{Error, Layout, bad, forbidden, not_found};
use crate::domains::family::input;
use crate::domains::family::model::{
    self, BillKind, Period, User, deposit_type, loan_direction, optional_text, positive_money,
    time_field,
};
use crate::domains::family::model::{BillsData, StatisticsData};
use crate::domains::family::store::{self, BillFields, DepositFields, Ledger, LoanFields, Scope};
use crate::endpoint::Input;
use crate::money::Amount;

mod loans;
pub use loans::*;

/// `?scope=self` (the default) or `family` (parents only).
pub fn scope_of(scope: Option<String>, user: &User) -> Result<Scope, Error> {
    match scope.as_deref().map(str::trim) {
        None | Some("self") => Ok(Scope::User(user.id)),
        Some("family") => match user.family_id {
            Some(family_id) if user.is_parent() => Ok(Scope::Family(family_id)),
            _ => Err(forbidden("只有家长可以查看整个家庭的记录")),
        },
        Some(_) => Err(bad("scope 应为 self 或 family")),
    }
}

fn required_money(money: Cents) -> Result<i64, Error> {
    positive_money(Some(money), "money")?.ok_or_else(|| bad("缺少参数 money"))
}

/// A required short text of at most `max` characters.
fn required_text(text: Text, name: &str, max: usize) -> Result<String, Error> {
    Ok(optional_text(Some(text.0), name, max)?.unwrap_or_default())
}

/// A short text the update may change; sent blank is refused.
fn changed_text(sent: Patch, name: &str, max: usize) -> Result<Option<String>, Error> {
    match optional_text(sent.0, name, max)? {
        Some(text) if text.is_empty() => Err(bad(format!("{name} 不能为空"))),
        other => Ok(other),
    }
}

/// Whose records a list or report reads, and when.
pub fn query(query: input::RecordQuery, user: &User) -> Result<(Scope, Period), Error> {
    let input::RecordQuery { scope, start, end } = query;
    Ok((scope_of(scope, user)?, Period::read(start, end)?))
}

fn list<T, V>(items: &[T], view: fn(&T) -> V) -> Vec<V> {
    items.iter().map(view).collect()
}

// ---- bills

/// GET bill/Income/ and bill/Expense/: `?start=&end=` and `?scope=`; the
/// bare list the document shows, or the original's `{code, msg, data}`
/// under `--compat family`.
pub async fn bills(
    call: Call,
    caller: Caller,
    Input(records): Input<input::RecordQuery>,
    kind: BillKind,
) -> Result<Layout<Vec<model::BillJson>, BillsData>, Error> {
    let compat = call.app.compat(DOMAIN);
    let list = bill_list(call, caller, records, kind).await?;
    Ok(if compat {
        Layout::Keys(BillsData { data: list })
    } else {
        Layout::Bare(list)
    })
}

/// GET bill/expend/ (the original's spelling, which the document leaves
/// out): the expense bills, always in `{code, msg, data}` as the original
/// answers them.
pub async fn expend_bills(
    call: Call,
    caller: Caller,
    Input(records): Input<input::RecordQuery>,
) -> Result<BillsData, Error> {
    Ok(BillsData {
        data: bill_list(call, caller, records, BillKind::Expense).await?,
    })
}

async fn bill_list(
    call: Call,
    Caller { user, .. }: Caller,
    records: input::RecordQuery,
    kind: BillKind,
) -> Result<Vec<model::BillJson>, Error> {
    let (scope, period) = query(records, &user)?;
    let bills = call
        .app
        .db
        .read(move |conn| store::bills(conn, scope, kind, period))
        .await?;
    Ok(list(&bills, model::Bill::view))
}

/// POST bill/Income/, bill/Expense/, bill/expend/: `money`, `remarks`,
/// `time` (now when left out), and the original's `bill_type` (which
/// decides the kind; the endpoint's own by default) and `concrete_type`.
/// The answer is the caller's list of that kind (the document's "同查询"),
/// or under `--compat family` the statistics the original answers with.
pub async fn add_bill(
    call: Call,
    Caller { user, .. }: Caller,
    Input(input): Input<input::NewBill>,
    kind: BillKind,
) -> Result<Layout<Vec<model::BillJson>, StatisticsData>, Error> {
    let app = call.app;
    let code = input.bill_type.unwrap_or(kind.default_code());
    if !model::BILL_TYPES.iter().any(|(c, _)| *c == code) {
        return Err(bad("类型错误：bill_type 应为 0、1、10、11 或 12"));
    }
    let concrete_type = optional_text(input.concrete_type, "concrete_type", 100)?
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "其他".to_string());
    let now = clock::now();
    let fields = BillFields {
        money: required_money(input.money)?,
        remarks: optional_text(input.remarks, "remarks", 200)?.unwrap_or_default(),
        time: time_field(input.time, "time")?.unwrap_or(now),
    };
    let compat = app.compat(DOMAIN);
    let kind = BillKind::of_code(code);
    app.db
        .write(move |tx| {
            let bill_type = store::BillType {
                code,
                concrete_type: &concrete_type,
            };
            store::insert_typed_bill(tx, user.id, bill_type, &fields, now)?;
            Ok(if compat {
                Layout::Keys(StatisticsData {
                    data: statistics_of(tx, user.id)?,
                })
            } else {
                let bills = store::bills(tx, Scope::User(user.id), kind, Period::default())?;
                Layout::Bare(list(&bills, model::Bill::view))
            })
        })
        .await
}

/// GET bill/data/: the original's statistics of the caller's bills, or
/// its `{"code": 201, "msg": "no data"}` when there are none.
pub async fn statistics(
    call: Call,
    Caller { user, .. }: Caller,
) -> Result<Option<StatisticsData>, Error> {
    let app = call.app;
    app.db
        .read(move |conn| {
            let stats = statistics_of(conn, user.id)?;
            let empty = stats.income_projects.is_empty() && stats.expend_projects.is_empty();
            Ok((!empty).then_some(StatisticsData { data: stats }))
        })
        .await
}

fn statistics_of(
    conn: &rusqlite::Connection,
    user_id: i64,
) -> Result<model::StatisticsJson, Error> {
    let (income, incomes) = store::bill_totals(conn, user_id, BillKind::Income.default_code())?;
    let (expense, expenses) = store::bill_totals(conn, user_id, BillKind::Expense.default_code())?;
    let split = |rows: Vec<(String, i64)>| -> (Vec<String>, Vec<Amount>) {
        rows.into_iter()
            .map(|(name, sum)| (name, Amount(sum)))
            .unzip()
    };
    let (income_projects, income_money) = split(incomes);
    let (expend_projects, expend_money) = split(expenses);
    Ok(model::StatisticsJson {
        all_income: Amount(income),
        all_expend: Amount(expense),
        income_projects,
        income_money,
        expend_projects,
        expend_money,
        overage: Amount(income - expense),
    })
}

/// PUT bill/Income/ and bill/Expense/: `id` plus the fields to change.
pub async fn update_bill(
    call: Call,
    Caller { user, .. }: Caller,
    Input(input): Input<input::BillChange>,
    kind: BillKind,
) -> Result<model::BillJson, Error> {
    let app = call.app;
    let id = input.id;
    let money = positive_money(input.money, "money")?;
    let remarks = optional_text(input.remarks.0, "remarks", 200)?;
    let time = time_field(input.time, "time")?;
    let bill = app
        .db
        .write(move |tx| {
            store::own_record(tx, Ledger::Bills, Some(kind), user.id, id)?;
            let old = store::bill_by_id(tx, id)?.ok_or_else(|| not_found("账单不存在"))?;
            let fields = BillFields {
                money: money.unwrap_or(old.money),
                remarks: remarks.unwrap_or(old.remarks),
                time: time.unwrap_or(old.time),
            };
            store::update_bill(tx, id, &fields)?;
            store::bill_by_id(tx, id)?.ok_or_else(|| not_found("账单不存在"))
        })
        .await?;
    Ok(bill.view())
}

/// DELETE bill/Income/ and bill/Expense/: `id`.
pub async fn delete_bill(
    call: Call,
    caller: Caller,
    Input(input::Id { id }): Input<input::Id>,
    kind: BillKind,
) -> Result<model::Done, Error> {
    delete(call, caller, id, Ledger::Bills, Some(kind)).await
}

async fn delete(
    call: Call,
    Caller { user, .. }: Caller,
    id: i64,
    ledger: Ledger,
    kind: Option<BillKind>,
) -> Result<model::Done, Error> {
    let app = call.app;
    app.db
        .write(move |tx| store::delete_record(tx, ledger, kind, user.id, id))
        .await?;
    Ok(model::Done {})
}

// ---- deposits

/// A yearly rate in percent (`1.75`), 0 to 100, as hundredths.
fn rate(rate: Option<Cents>) -> Result<Option<i64>, Error> {
    match rate {
        Some(Cents(rate)) if rate > 100 * 100 => Err(bad(input::RATE)),
        rate => Ok(rate.map(|r| r.0)),
    }
}

/// A fixed deposit needs an end; an end never precedes the start.
fn check_deposit(fields: &DepositFields) -> Result<(), Error> {
    if fields.kind == "定期" && fields.end_time.is_none() {
        return Err(bad("定期存款需要 end_time"));
    }
    if fields.end_time.is_some_and(|end| end < fields.start_time) {
        return Err(bad("end_time 不能早于 start_time"));
    }
    Ok(())
}

/// GET bank/Deposit/: deposits started in `?start=&end=`; `?scope=`.
pub async fn deposits(
    call: Call,
    Caller { user, .. }: Caller,
    Input(records): Input<input::RecordQuery>,
) -> Result<Vec<model::DepositJson>, Error> {
    let app = call.app;
    let (scope, period) = query(records, &user)?;
    let deposits = app
        .db
        .read(move |conn| store::deposits(conn, scope, period))
        .await?;
    Ok(list(&deposits, model::Deposit::view))
}

/// POST bank/Deposit/: `bank`, `type`, `money`, `rate`, `start_time`,
/// `end_time` (needed for 定期).
pub async fn add_deposit(
    call: Call,
    Caller { user, .. }: Caller,
    Input(input): Input<input::NewDeposit>,
) -> Result<model::DepositJson, Error> {
    let app = call.app;
    let now = clock::now();
    let fields = DepositFields {
        bank: required_text(input.bank, "bank", 50)?,
        kind: deposit_type(&input.kind.0)?,
        money: required_money(input.money)?,
        rate: rate(input.rate)?.unwrap_or(0),
        start_time: time_field(input.start_time, "start_time")?.unwrap_or(now),
        end_time: time_field(input.end_time, "end_time")?,
    };
    check_deposit(&fields)?;
    let deposit = app
        .db
        .write(move |tx| {
            let id = store::insert_deposit(tx, user.id, &fields, now)?;
            store::deposit_by_id(tx, id)?.ok_or_else(|| not_found("存款不存在"))
        })
        .await?;
    Ok(deposit.view())
}

/// PUT bank/Deposit/: `id` plus the fields to change.
pub async fn update_deposit(
    call: Call,
    Caller { user, .. }: Caller,
    Input(input): Input<input::DepositChange>,
) -> Result<model::DepositJson, Error> {
    let app = call.app;
    let id = input.id;
    let bank = changed_text(input.bank, "bank", 50)?;
    let kind = input.kind.map(|t| deposit_type(&t)).transpose()?;
    let money = positive_money(input.money, "money")?;
    let rate = rate(input.rate)?;
    let start_time = time_field(input.start_time, "start_time")?;
    let end_time = time_field(input.end_time, "end_time")?;
    let deposit = app
        .db
        .write(move |tx| {
            store::own_record(tx, Ledger::Deposits, None, user.id, id)?;
            let old = store::deposit_by_id(tx, id)?.ok_or_else(|| not_found("存款不存在"))?;
            let fields = DepositFields {
                bank: bank.unwrap_or(old.bank),
                kind: kind.unwrap_or(if old.kind == "定期" {
                    "定期"
                } else {
                    "活期"
                }),
                money: money.unwrap_or(old.money),
                rate: rate.unwrap_or(old.rate),
                start_time: start_time.unwrap_or(old.start_time),
                end_time: end_time.or(old.end_time),
            };
            check_deposit(&fields)?;
            store::update_deposit(tx, id, &fields)?;
            store::deposit_by_id(tx, id)?.ok_or_else(|| not_found("存款不存在"))
        })
        .await?;
    Ok(deposit.view())
}

/// DELETE bank/Deposit/: `id`.
pub async fn delete_deposit(
    call: Call,
    caller: Caller,
    Input(input::Id { id }): Input<input::Id>,
) -> Result<model::Done, Error> {
    delete(call, caller, id, Ledger::Deposits, None).await
}
