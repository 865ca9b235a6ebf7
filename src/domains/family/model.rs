//! Family's data as the handlers see it, the checks on client values, and
//! the seed's JSON shapes (times as `2019-12-13 21:42:22`, messages as
//! `2019-11-16T16:17:52Z`, money as JSON numbers).

use serde_json::{Map, Value, json};
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

use super::envelope::{Error, bad};
use crate::body::Form;
use crate::money;

/// `role`: not in a family.
pub const NO_FAMILY: i64 = 0;
/// `role`: an ordinary member.
pub const MEMBER: i64 = 1;
/// `role`: a parent, who decides applications and sees everyone's money.
pub const PARENT: i64 = 2;
/// A family never has more members than this (parents included).
pub const MAX_MEMBERS: i64 = 8;
/// Nor more parents than this.
pub const MAX_PARENTS: i64 = 2;

/// A family account.
#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub telephone: String,
    pub email: String,
    pub sex: String,
    pub family_id: Option<i64>,
    pub role: i64,
}

impl crate::app::LoginAccount for User {
    fn account_id(&self) -> i64 {
        self.id
    }
    fn password_hash(&self) -> &str {
        &self.password_hash
    }
}

impl User {
    pub fn is_parent(&self) -> bool {
        self.role == PARENT && self.family_id.is_some()
    }
}

/// A family with its members, parents first.
#[derive(Debug, Clone)]
pub struct Family {
    pub id: i64,
    pub name: String,
    /// (user id, username, role)
    pub members: Vec<(i64, String, i64)>,
}

impl Family {
    /// The seed's `family_member`: `parent<id>` / `members<id>` → username.
    pub fn member_map(&self) -> Value {
        let mut map = Map::new();
        for (id, username, role) in &self.members {
            let key = if *role == PARENT {
                format!("parent{id}")
            } else {
                format!("members{id}")
            };
            map.insert(key, json!(username));
        }
        Value::Object(map)
    }

    /// `{"id", "family_name", "family_member"}`.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "family_name": self.name,
            "family_member": self.member_map(),
        })
    }
}

/// `GET user_info`: the user without any secret; `family1` is the string
/// `"null"` without a family, as the seed shows.
pub fn user_json(user: &User, family: Option<&Family>) -> Value {
    json!({
        "id": user.id,
        "username": user.username,
        "telephone": user.telephone,
        "email": user.email,
        "sex": user.sex,
        "family1": family.map(Family::to_json).unwrap_or_else(|| json!("null")),
    })
}

/// A message in someone's inbox.
#[derive(Debug, Clone)]
pub struct Message {
    pub id: i64,
    /// The sender's username; `None` for the system.
    pub sender: Option<String>,
    pub receiver: String,
    pub title: String,
    pub text: String,
    pub sent_at: i64,
    pub state: i64,
}

/// Who system messages come from, as `send_id`.
pub const SYSTEM_SENDER: &str = "系统";

impl Message {
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "send_id": self.sender.as_deref().unwrap_or(SYSTEM_SENDER),
            "receive_id": self.receiver,
            "title": self.title,
            "text": self.text,
            "send_time": format_iso(self.sent_at),
            "state": self.state,
        })
    }
}

/// Income or expense.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BillKind {
    Income,
    Expense,
}

impl BillKind {
    /// The `kind` column.
    pub fn column(self) -> &'static str {
        match self {
            BillKind::Income => "income",
            BillKind::Expense => "expense",
        }
    }

    /// The seed's `bill_type`.
    pub fn label(self) -> &'static str {
        match self {
            BillKind::Income => "收入",
            BillKind::Expense => "支出",
        }
    }
}

/// An income or expense record.
#[derive(Debug, Clone)]
pub struct Bill {
    pub id: i64,
    pub user_id: i64,
    pub username: String,
    pub kind: BillKind,
    pub money: i64,
    pub remarks: String,
    pub time: i64,
}

impl Bill {
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "remarks": self.remarks,
            "money": money::number(self.money),
            "time": format_time(self.time),
            "username": self.username,
            "bill_type": self.kind.label(),
        })
    }
}

/// A bank deposit.
#[derive(Debug, Clone)]
pub struct Deposit {
    pub id: i64,
    pub user_id: i64,
    pub username: String,
    pub bank: String,
    /// 活期 or 定期.
    pub kind: String,
    pub money: i64,
    /// Yearly interest in hundredths of a percent.
    pub rate: i64,
    pub start_time: i64,
    pub end_time: Option<i64>,
}

impl Deposit {
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "bank": self.bank,
            "type": self.kind,
            "money": money::number(self.money),
            "rate": money::number(self.rate),
            "start_time": format_time(self.start_time),
            "end_time": self.end_time.map(format_time),
            "username": self.username,
        })
    }
}

/// Money borrowed or lent.
#[derive(Debug, Clone)]
pub struct Loan {
    pub id: i64,
    pub user_id: i64,
    pub username: String,
    /// 借入 or 借出.
    pub direction: String,
    pub counterparty: String,
    pub money: i64,
    pub repaid: i64,
    pub time: i64,
    pub due_time: Option<i64>,
}

impl Loan {
    pub fn outstanding(&self) -> i64 {
        self.money - self.repaid
    }

    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "direction": self.direction,
            "counterparty": self.counterparty,
            "money": money::number(self.money),
            "repaid": money::number(self.repaid),
            "time": format_time(self.time),
            "due_time": self.due_time.map(format_time),
            "state": if self.outstanding() == 0 { "已还清" } else { "未还清" },
            "username": self.username,
        })
    }
}

/// One repayment of a loan.
#[derive(Debug, Clone)]
pub struct Repayment {
    pub id: i64,
    pub loan_id: i64,
    pub money: i64,
    pub time: i64,
}

impl Repayment {
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "loan_id": self.loan_id,
            "money": money::number(self.money),
            "time": format_time(self.time),
        })
    }
}

// ---- times

/// Earliest and latest instants accepted (1970-01-01 .. 2100-12-31).
const FIRST_YEAR: i32 = 1970;
const LAST_YEAR: i32 = 2100;

/// `2019-12-13 21:42:22` (UTC), zero-padded.
pub fn format_time(unix: i64) -> String {
    crate::clock::format_datetime(unix)
}

/// `2019-11-16T16:17:52Z`, the messages' form.
pub fn format_iso(unix: i64) -> String {
    format_time(unix).replacen(' ', "T", 1) + "Z"
}

/// `2019-12`, a month of the report.
pub fn format_month(unix: i64) -> String {
    format_time(unix)[..7].to_string()
}

/// Parses `2019-10-1 12:12:12`, `2019-10-01T12:12:12Z`, `2019-10-01 12:12`,
/// `2019-10-01` or `2019/10/1` as a UTC instant. Zones other than `Z` are
/// refused rather than guessed.
pub fn parse_time(text: &str) -> Option<i64> {
    let text = text.trim();
    let text = text.strip_suffix('Z').unwrap_or(text);
    let (date, clock) = match text.split_once([' ', 'T']) {
        Some((d, c)) => (d, Some(c.trim())),
        None => (text, None),
    };
    let parts: Vec<&str> = date.split(['-', '/']).collect();
    let [year, month, day] = parts.as_slice() else {
        return None;
    };
    let year: i32 = number(year, 4)?;
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return None;
    }
    let month = Month::try_from(number::<u8>(month, 2)?).ok()?;
    let date = Date::from_calendar_date(year, month, number(day, 2)?).ok()?;
    let time = match clock {
        None => Time::MIDNIGHT,
        Some(clock) => {
            let clock = clock.split_once('.').map_or(clock, |(whole, _)| whole);
            let parts: Vec<&str> = clock.split(':').collect();
            let (h, m, s) = match parts.as_slice() {
                [h, m] => (*h, *m, "0"),
                [h, m, s] => (*h, *m, *s),
                _ => return None,
            };
            Time::from_hms(number(h, 2)?, number(m, 2)?, number(s, 2)?).ok()?
        }
    };
    Some(
        PrimitiveDateTime::new(date, time)
            .assume_utc()
            .unix_timestamp(),
    )
}

fn number<T: std::str::FromStr>(text: &str, max_digits: usize) -> Option<T> {
    let text = text.trim();
    if text.is_empty() || text.len() > max_digits || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The last second of the day `unix` falls on.
pub fn end_of_day(unix: i64) -> i64 {
    unix - unix.rem_euclid(86_400) + 86_399
}

/// The first second of the month after the one `unix` falls in.
pub fn next_month(unix: i64) -> i64 {
    let Ok(t) = OffsetDateTime::from_unix_timestamp(unix) else {
        return i64::MAX;
    };
    let (year, month) = match t.month() {
        Month::December => (t.year() + 1, Month::January),
        m => (t.year(), m.next()),
    };
    Date::from_calendar_date(year, month, 1)
        .map(|d| d.midnight().assume_utc().unix_timestamp())
        .unwrap_or(i64::MAX)
}

/// A `[start, end]` filter from `?start=&end=` (inclusive; a bare date as
/// `end` means the whole day).
#[derive(Debug, Clone, Copy, Default)]
pub struct Period {
    pub start: Option<i64>,
    pub end: Option<i64>,
}

impl Period {
    pub fn from_form(form: &Form) -> Result<Period, Error> {
        let read = |name: &str| -> Result<Option<(i64, bool)>, Error> {
            match form.text(name)? {
                None => Ok(None),
                Some(text) => parse_time(&text)
                    .map(|t| Some((t, !text.trim().contains([' ', 'T']))))
                    .ok_or_else(|| bad(format!("{name} 应为日期，如 2019-12-01"))),
            }
        };
        let start = read("start")?.map(|(t, _)| t);
        let end = read("end")?.map(|(t, whole_day)| if whole_day { end_of_day(t) } else { t });
        if let (Some(s), Some(e)) = (start, end)
            && s > e
        {
            return Err(bad("start 不能晚于 end"));
        }
        Ok(Period { start, end })
    }

    /// SQL bounds, open ends filled in.
    pub fn bounds(&self) -> (i64, i64) {
        (self.start.unwrap_or(i64::MIN), self.end.unwrap_or(i64::MAX))
    }
}

// ---- client values

/// A required text field, trimmed.
pub fn required(form: &Form, name: &str) -> Result<String, Error> {
    form.text(name)?
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad(format!("缺少参数 {name}")))
}

/// A required id.
pub fn required_id(form: &Form, name: &str) -> Result<i64, Error> {
    form.int(name)?
        .ok_or_else(|| bad(format!("缺少参数 {name}")))
}

/// Optional text of at most `max` characters, trimmed.
pub fn optional_text(form: &Form, name: &str, max: usize) -> Result<Option<String>, Error> {
    match form.get(name) {
        // Sent empty means "clear it" for optional text.
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(Some(String::new())),
        _ => {}
    }
    let Some(text) = form.text(name)? else {
        return Ok(None);
    };
    let text = text.trim().to_string();
    if text.chars().count() > max {
        return Err(bad(format!("{name} 不能超过 {max} 个字符")));
    }
    if text.chars().any(char::is_control) {
        return Err(bad(format!("{name} 不能含控制字符")));
    }
    Ok(Some(text))
}

/// 1 to 32 characters, no whitespace.
pub fn check_username(name: &str) -> Result<String, Error> {
    let count = name.chars().count();
    if count == 0 || count > 32 || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Err(bad("用户名应为 1 到 32 个字符，不含空白"))
    } else {
        Ok(name.to_string())
    }
}

/// Digits, spaces, `+` and `-`, at most 20; empty is allowed.
pub fn check_telephone(phone: &str) -> Result<(), Error> {
    if phone.len() > 20
        || !phone
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | ' '))
    {
        return Err(bad("telephone 应为数字，最多 20 位"));
    }
    Ok(())
}

/// `name@host`, at most 100 characters; empty is allowed.
pub fn check_email(email: &str) -> Result<(), Error> {
    if email.is_empty() {
        return Ok(());
    }
    let valid = email.len() <= 100
        && email.split_once('@').is_some_and(|(name, host)| {
            !name.is_empty() && host.contains('.') && !host.contains('@')
        });
    if valid {
        Ok(())
    } else {
        Err(bad("email 格式不正确"))
    }
}

/// The largest amount one record may hold: 100 million yuan, so that sums
/// over any realistic number of records stay far from overflow.
pub const MAX_MONEY: i64 = 100_000_000 * 100;

/// A positive amount of money (yuan, two decimals) as cents.
pub fn positive_money(form: &Form, name: &str) -> Result<Option<i64>, Error> {
    match form.cents(name) {
        Ok(Some(0)) => Err(bad(format!("{name} 应大于 0"))),
        Ok(Some(cents)) if cents > MAX_MONEY => Err(bad(format!("{name} 不能超过 1 亿"))),
        Ok(other) => Ok(other),
        Err(_) => Err(bad(format!("{name} 应为大于 0 的金额，最多两位小数"))),
    }
}

/// A time field: `None` when absent, refused when unreadable.
pub fn time_field(form: &Form, name: &str) -> Result<Option<i64>, Error> {
    match form.text(name)? {
        None => Ok(None),
        Some(text) => parse_time(&text)
            .map(Some)
            .ok_or_else(|| bad(format!("{name} 应为时间，如 2019-10-01 12:12:12"))),
    }
}

/// 活期 / 定期 (or current / fixed).
pub fn deposit_type(text: &str) -> Result<&'static str, Error> {
    match text.trim().to_ascii_lowercase().as_str() {
        "活期" | "current" => Ok("活期"),
        "定期" | "fixed" => Ok("定期"),
        _ => Err(bad("type 应为 活期 或 定期")),
    }
}

/// 借入 / 借出 (or borrow / lend).
pub fn loan_direction(text: &str) -> Result<&'static str, Error> {
    match text.trim().to_ascii_lowercase().as_str() {
        "借入" | "borrow" => Ok("借入"),
        "借出" | "lend" => Ok("借出"),
        _ => Err(bad("direction 应为 借入 或 借出")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse_in_the_forms_clients_send() {
        let expected = parse_time("2019-10-01 12:12:12").unwrap();
        assert_eq!(format_time(expected), "2019-10-01 12:12:12");
        assert_eq!(parse_time("2019-10-1 12:12:12"), Some(expected));
        assert_eq!(parse_time("2019-10-01T12:12:12Z"), Some(expected));
        assert_eq!(parse_time("2019-10-01T12:12:12.5Z"), Some(expected));
        assert_eq!(parse_time("2019/10/1 12:12:12"), Some(expected));
        assert_eq!(
            parse_time("2019-10-01"),
            Some(expected - 12 * 3600 - 12 * 60 - 12)
        );
        for bad in [
            "",
            "yesterday",
            "2019-13-01",
            "2019-02-30",
            "2019-10-01 25:00:00",
            "1969-12-31",
            "2019-10-01+08:00",
            "20190-1-1",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
        assert_eq!(format_iso(expected), "2019-10-01T12:12:12Z");
        assert_eq!(format_month(expected), "2019-10");
    }

    #[test]
    fn month_and_day_boundaries() {
        let dec = parse_time("2019-12-13 21:42:22").unwrap();
        assert_eq!(format_time(next_month(dec)), "2020-01-01 00:00:00");
        assert_eq!(format_time(end_of_day(dec)), "2019-12-13 23:59:59");
    }

    #[test]
    fn family_member_keys_name_the_role_and_id() {
        let family = Family {
            id: 2,
            name: "newfamily".into(),
            members: vec![(1, "家长".into(), PARENT), (3, "用户3".into(), MEMBER)],
        };
        assert_eq!(
            family.member_map(),
            json!({"parent1": "家长", "members3": "用户3"})
        );
    }
}
