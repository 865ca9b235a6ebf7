//! `--demo` data for family: a family (`parent` and `child`), a user waiting
//! to join it (`guest`), a year of bills, savings and loans (the README
//! lists the accounts).

use time::{Date, Month, OffsetDateTime};

use super::envelope::Error;
use super::model::BillKind::{self, Expense, Income};
use super::model::MessageKind;
use super::store::{self, BillFields, DepositFields, LoanFields, Profile};
use crate::app::SharedApp;

/// (username, password, telephone, email, sex)
const USERS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "parent",
        "parent1234",
        "13900000001",
        "parent@example.com",
        "男",
    ),
    (
        "child",
        "child1234",
        "13900000002",
        "child@example.com",
        "女",
    ),
    ("guest", "guest1234", "", "guest@example.com", ""),
];

/// Monthly bills: (user index, kind, day of month, yuan, remarks).
const MONTHLY: &[(usize, BillKind, u8, i64, &str)] = &[
    (0, Income, 10, 12_000, "工资"),
    (1, Income, 15, 1_500, "兼职"),
    (0, Expense, 1, 4_000, "房租"),
    (0, Expense, 6, 520, "超市"),
    (0, Expense, 13, 380, "超市"),
    (0, Expense, 20, 610, "超市"),
    (0, Expense, 25, 350, "水电燃气"),
    (1, Expense, 8, 260, "书本文具"),
    (1, Expense, 18, 180, "聚餐"),
];

/// Unix seconds of `day` at noon, `back` months before the month of `now`.
fn day_in_month(now: OffsetDateTime, back: i32, day: u8) -> i64 {
    let index = now.year() * 12 + i32::from(u8::from(now.month())) - 1 - back;
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    let month = Month::try_from(month as u8).unwrap_or(Month::January);
    Date::from_calendar_date(year, month, day.min(28))
        .map(|d| d.midnight().assume_utc().unix_timestamp() + 12 * 3600)
        .unwrap_or_else(|_| now.unix_timestamp())
}

/// The demo rows, passwords hashed before the write (see [`crate::demo`]).
pub async fn rows(app: &SharedApp) -> crate::error::Result<crate::descriptor::DemoRows> {
    let mut hashes = Vec::new();
    for user in USERS {
        hashes.push(app.passwords.hash(user.1.to_string()).await?);
    }
    let now = OffsetDateTime::now_utc();
    let stamp = now.unix_timestamp();
    Ok(crate::descriptor::demo_rows(move |tx| {
        let mut ids = Vec::new();
        for ((username, _, telephone, email, sex), hash) in USERS.iter().zip(&hashes) {
            let profile = Profile {
                telephone: telephone.to_string(),
                email: email.to_string(),
                sex: sex.to_string(),
            };
            ids.push(store::insert_user(tx, username, hash, &profile, stamp)?);
        }
        let (parent, child, guest) = (ids[0], ids[1], ids[2]);
        let family = store::create_family(tx, parent, "演示之家", stamp)?;
        store::apply(tx, child, family, stamp)?;
        store::decide(tx, parent, child, true, stamp)?;
        store::apply(tx, guest, family, stamp)?;

        insert_bills(tx, &ids, now)?;
        insert_deposits_and_loans(tx, parent, child, now)?;
        store::insert_message(
            tx,
            store::Outgoing {
                sender: Some(parent),
                receiver: child,
                kind: MessageKind::User,
                title: "本月预算",
                text: "这个月聚餐少一点哦。",
            },
            stamp,
        )?;
        Ok::<_, Error>(())
    }))
}

/// A year of the monthly bills, up to today, by whichever of the demo
/// users pays each.
fn insert_bills(tx: &crate::db::Write, ids: &[i64], now: OffsetDateTime) -> Result<(), Error> {
    let stamp = now.unix_timestamp();
    for back in (0..12).rev() {
        for (who, kind, day, yuan, remarks) in MONTHLY {
            let time = day_in_month(now, back, *day);
            if time > stamp {
                continue;
            }
            let fields = BillFields {
                // 90% to 110% of the usual amount, varying by month.
                money: yuan * (90 + (i64::from(back) * 37 + i64::from(*day) * 11) % 21),
                remarks: remarks.to_string(),
                time,
            };
            store::insert_bill(tx, ids[*who], *kind, &fields, stamp)?;
        }
    }
    Ok(())
}

/// The parent's two deposits and a loan given (partly repaid), and the
/// child's loan taken.
fn insert_deposits_and_loans(
    tx: &crate::db::Write,
    parent: i64,
    child: i64,
    now: OffsetDateTime,
) -> Result<(), Error> {
    let stamp = now.unix_timestamp();
    let deposits = [
        ("工商银行", "活期", 50_000, 35, 10, None),
        ("建设银行", "定期", 100_000, 215, 6, Some(18)),
    ];
    for (bank, kind, yuan, rate, back, months) in deposits {
        let start_time = day_in_month(now, back, 3);
        let fields = DepositFields {
            bank: bank.to_string(),
            kind,
            money: yuan * 100,
            rate,
            start_time,
            end_time: months.map(|m: i64| start_time + m * 30 * 86_400),
        };
        store::insert_deposit(tx, parent, &fields, stamp)?;
    }
    let lent = LoanFields {
        direction: "借出",
        counterparty: "张三".into(),
        money: 5_000 * 100,
        time: day_in_month(now, 8, 12),
        due_time: Some(day_in_month(now, -4, 12)),
    };
    let lent = store::insert_loan(tx, parent, &lent, stamp)?;
    store::repay(tx, parent, lent, 2_000 * 100, day_in_month(now, 3, 12))?;
    let borrowed = LoanFields {
        direction: "借入",
        counterparty: "李四".into(),
        money: 800 * 100,
        time: day_in_month(now, 1, 20),
        due_time: Some(day_in_month(now, -2, 20)),
    };
    store::insert_loan(tx, child, &borrowed, stamp)?;
    Ok(())
}

/// `onebox family generate-bills`: `count` bills of the user
/// `generated-parent` (made on the first run with `parent_hash` as
/// password and a family of its own, 生成之家; reused after), of the demo's
/// monthly kinds at 90%–110% of their usual amounts, spread over the three
/// years before now. The same on every run, so the ledger's lists and the
/// yearly report can be tried, and timed, over a large ledger.
pub fn generated_bills(tx: &crate::db::Write, count: u64, parent_hash: &str) -> Result<u64, Error> {
    let now = crate::clock::now();
    let parent = match store::user_by_name(tx, "generated-parent")? {
        Some(parent) => parent.id,
        None => {
            let parent = store::insert_user(
                tx,
                "generated-parent",
                parent_hash,
                &Profile::default(),
                now,
            )?;
            store::create_family(tx, parent, "生成之家", now)?;
            parent
        }
    };
    const THREE_YEARS: u64 = 3 * 365 * 86_400;
    let mut picks = crate::descriptor::Picks::new(11);
    for _ in 0..count {
        let (_, kind, _, yuan, remarks) = picks.of(MONTHLY);
        let fields = BillFields {
            money: yuan * (90 + picks.below(21) as i64),
            remarks: remarks.to_string(),
            time: now - picks.below(THREE_YEARS) as i64,
        };
        store::insert_bill(tx, parent, *kind, &fields, now)?;
    }
    Ok(count)
}
