//! Rental's values: houses, demands, requests and deals as stored and as the
//! seed shows them, the rules input must meet, list filters, and the seed's
//! date formats (`1959/4/12`, deal dates `8/9/1964`, never zero-padded).

use serde_json::{Value, json};
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{Date, Month};

use super::envelope::{Error, failed};
use crate::body::Form;
use crate::money;

/// Houses in one page unless `page_size` says otherwise (at most 100).
pub const PAGE_SIZE: i64 = 10;
pub const MAX_PAGE_SIZE: i64 = 100;
pub const LET: &str = "已租";
pub const TO_LET: &str = "待租";
pub const CLOSED: &str = "已成交";
pub const OPEN: &str = "未成交";
pub const ADMIN_GRADE: &str = "管理员";

const SLASH_DATE: &[BorrowedFormatItem<'_>] =
    format_description!("[year padding:none]/[month padding:none]/[day padding:none]");
const US_DATE: &[BorrowedFormatItem<'_>] =
    format_description!("[month padding:none]/[day padding:none]/[year padding:none]");

/// `YYYY/M/D` (UTC), the seed's registration and modification dates.
pub fn slash_date(unix_seconds: i64) -> String {
    crate::clock::format_unix(unix_seconds, SLASH_DATE, "")
}

/// `M/D/YYYY` (UTC), the seed's deal dates.
pub fn us_date(unix_seconds: i64) -> String {
    crate::clock::format_unix(unix_seconds, US_DATE, "")
}

/// Parses `mm/dd/yyyy` (zero padding optional) to the day's first second, UTC.
pub fn parse_us_date(text: &str, field: &str) -> Result<i64, Error> {
    let bad = || failed(format!("{field} 应为 mm/dd/yyyy 格式的日期，如 1/7/2019"));
    let parts: Vec<&str> = text.trim().split('/').collect();
    let [month, day, year] = parts[..] else {
        return Err(bad());
    };
    let month: u8 = month.trim().parse().map_err(|_| bad())?;
    let day: u8 = day.trim().parse().map_err(|_| bad())?;
    let year: i32 = year.trim().parse().map_err(|_| bad())?;
    let month = Month::try_from(month).map_err(|_| bad())?;
    if !(1900..=9999).contains(&year) {
        return Err(bad());
    }
    let date = Date::from_calendar_date(year, month, day).map_err(|_| bad())?;
    Ok(date.midnight().assume_utc().unix_timestamp())
}

/// The city a district names: `北京市海淀区…` → 北京, `山东省青岛市…` → 青岛.
pub fn city_of(district: &str) -> String {
    let mut rest = district.trim();
    for marker in ["自治区", "省"] {
        if let Some((_, after)) = rest.split_once(marker) {
            rest = after;
            break;
        }
    }
    if let Some((city, _)) = rest.split_once('市')
        && !city.is_empty()
    {
        return city.to_string();
    }
    for municipality in ["北京", "上海", "天津", "重庆", "香港", "澳门"] {
        if rest.starts_with(municipality) {
            return municipality.to_string();
        }
    }
    "其他".to_string()
}

/// 一居 1, 二居 2, 三居 3, anything else 4.
pub fn house_type_of(kind: &str) -> i64 {
    if kind.contains("一居") {
        1
    } else if kind.contains("二居") || kind.contains("两居") {
        2
    } else if kind.contains("三居") {
        3
    } else {
        4
    }
}

/// The fields of a house or a demand, checked.
#[derive(Debug, Clone)]
pub struct Listing {
    pub name: String,
    pub district: String,
    pub community: String,
    /// Houses only.
    pub unit: String,
    pub kind: String,
    /// Hundredths of a square metre.
    pub area: i64,
    pub floor: i64,
    pub elevator: bool,
    pub description: String,
    /// Houses only.
    pub imgs: Vec<String>,
    pub tags: Vec<String>,
    pub deposit: i64,
    pub pay_method: String,
    pub cost: i64,
}

impl Listing {
    pub fn house_type(&self) -> i64 {
        house_type_of(&self.kind)
    }

    /// District, community and unit joined without separators.
    pub fn location(&self) -> String {
        format!("{}{}{}", self.district, self.community, self.unit)
    }
}

fn text(form: &Form, name: &str, what: &str, max: usize, required: bool) -> Result<String, Error> {
    let value = form.text(name)?.unwrap_or_default();
    let value = value.trim();
    if required && value.is_empty() {
        return Err(failed(format!("{what}（{name}）不能为空")));
    }
    if value.chars().count() > max {
        return Err(failed(format!("{what}（{name}）不能超过 {max} 个字符")));
    }
    Ok(value.to_string())
}

/// An amount with at most two decimals, from 0 to `max` (in hundredths).
fn amount(form: &Form, name: &str, what: &str, max: i64, required: bool) -> Result<i64, Error> {
    match form.cents(name)? {
        Some(v) if v <= max => Ok(v),
        Some(_) => Err(failed(format!("{what}（{name}）太大"))),
        None if required => Err(failed(format!("{what}（{name}）不能为空"))),
        None => Ok(0),
    }
}

/// `elevator`: 1/0, true/false, 有/没有.
fn elevator(form: &Form) -> Result<bool, Error> {
    match form.get("elevator") {
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::String(s)) if s.trim() == "有" => Ok(true),
        Some(Value::String(s)) if s.trim() == "没有" || s.trim() == "无" => Ok(false),
        _ => match form.int("elevator")? {
            Some(1) => Ok(true),
            Some(0) => Ok(false),
            _ => Err(failed("是否有电梯（elevator）应为 1（有）或 0（没有）")),
        },
    }
}

/// A list of short texts: a JSON array, repeated form fields, or one text
/// joined by `separator`.
fn list(
    form: &Form,
    name: &str,
    separator: Option<char>,
    max_items: usize,
    max_len: usize,
) -> Result<Vec<String>, Error> {
    let items: Vec<String> = match form.get(name) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(values)) => values
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.clone()),
                Value::Number(n) => Ok(n.to_string()),
                _ => Err(failed(format!("{name} 应为文本数组"))),
            })
            .collect::<Result<_, _>>()?,
        Some(Value::String(s)) => match separator {
            Some(sep) => s.split(sep).map(str::to_string).collect(),
            None => vec![s.clone()],
        },
        Some(_) => return Err(failed(format!("{name} 应为文本数组"))),
    };
    let items: Vec<String> = items
        .into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if items.len() > max_items || items.iter().any(|s| s.chars().count() > max_len) {
        return Err(failed(format!(
            "{name} 最多 {max_items} 项，每项不超过 {max_len} 个字符"
        )));
    }
    Ok(items)
}

/// Which listing a form describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListingKind {
    House,
    Demand,
}

/// The fields of `addhouse` / `modify/house` (or the demand variants).
pub fn listing(form: &Form, kind: ListingKind) -> Result<Listing, Error> {
    let house = kind == ListingKind::House;
    let district = text(form, "district", "地区", 100, true)?;
    let community = text(form, "community", "小区名", 64, true)?;
    let unit = if house {
        text(form, "unit", "具体楼门号", 32, true)?
    } else {
        String::new()
    };
    let kind_text = text(form, "type", "房屋类型", 16, true)?;
    let area = amount(form, "area", "房屋面积", 10_000_000, house)?;
    let floor = form
        .int("floor")?
        .ok_or_else(|| failed("房屋楼层（floor）不能为空"))?;
    if !(-10..=300).contains(&floor) {
        return Err(failed("房屋楼层（floor）应在 -10 到 300 之间"));
    }
    let pay_method = text(form, "pay_method", "支付方式", 4, true)?;
    if !["月", "季", "年"].contains(&pay_method.as_str()) {
        return Err(failed("支付方式（pay_method）应为 月、季 或 年"));
    }
    let cost = amount(form, "cost", "租金", 1_000_000_000, true)?;
    if cost == 0 {
        return Err(failed("租金（cost）应大于 0"));
    }
    let name = text(form, "name", "名称", 64, false)?;
    let name = if name.is_empty() {
        format!("{community}{kind_text}")
    } else {
        name
    };
    Ok(Listing {
        name,
        elevator: elevator(form)?,
        description: text(form, "description", "房屋描述", 2000, false)?,
        imgs: if house {
            list(form, "imgs", None, 20, 500)?
        } else {
            Vec::new()
        },
        tags: list(form, "tag", Some('_'), 10, 16)?,
        deposit: amount(form, "deposit", "押金", 1_000_000_000, true)?,
        district,
        community,
        unit,
        kind: kind_text,
        area,
        floor,
        pay_method,
        cost,
    })
}

/// An 11-digit phone number.
pub fn check_phone(phone: &str) -> Result<String, Error> {
    let phone = phone.trim();
    if phone.len() == 11 && phone.chars().all(|c| c.is_ascii_digit()) {
        Ok(phone.to_string())
    } else {
        Err(failed("手机号码应为 11 位数字"))
    }
}

/// A username: 1–32 characters, no blanks.
pub fn check_username(name: &str) -> Result<String, Error> {
    let count = name.chars().count();
    if count == 0 || count > 32 || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Err(failed("用户名应为 1 到 32 个字符，不含空白"))
    } else {
        Ok(name.to_string())
    }
}

/// An inclusive `[min, max]` range, in the unit `scale` (1 for floors, 100
/// for money and area): a JSON array, repeated fields, or `"min,max"`.
pub fn range(form: &Form, name: &str, scale: i64) -> Result<(Option<i64>, Option<i64>), Error> {
    let bad = || failed(format!("{name} 应为 [最小, 最大]，如 [0, 5000]"));
    let bound = |v: &Value| -> Result<Option<i64>, Error> {
        let text = match v {
            Value::Null => return Ok(None),
            Value::Number(n) => n.to_string(),
            Value::String(s) if s.trim().is_empty() => return Ok(None),
            Value::String(s) => s.trim().to_string(),
            _ => return Err(bad()),
        };
        let value = if scale == 100 {
            crate::body::parse_cents(&text)
        } else {
            text.parse::<i64>().ok()
        };
        value.map(Some).ok_or_else(bad)
    };
    let bounds: Vec<Value> = match form.get(name) {
        None | Some(Value::Null) => return Ok((None, None)),
        Some(Value::Array(values)) => values.clone(),
        Some(Value::String(s)) if s.trim().is_empty() => return Ok((None, None)),
        Some(Value::String(s)) => s
            .trim()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .split(',')
            .map(|part| Value::String(part.to_string()))
            .collect(),
        Some(_) => return Err(bad()),
    };
    let [low, high] = &bounds[..] else {
        return Err(bad());
    };
    let (low, high) = (bound(low)?, bound(high)?);
    if let (Some(l), Some(h)) = (low, high)
        && l > h
    {
        return Err(bad());
    }
    Ok((low, high))
}

/// A whole number from `0` to `max` (`0` when not sent).
pub fn choice(form: &Form, name: &str, max: i64) -> Result<i64, Error> {
    match form.int(name)? {
        None => Ok(0),
        Some(v) if (0..=max).contains(&v) => Ok(v),
        Some(_) => Err(failed(format!("{name} 应为 0 到 {max} 之间的整数"))),
    }
}

/// The filters and page of `gethouselist` / `getrentallist`.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub district: Option<String>,
    pub floor: (Option<i64>, Option<i64>),
    pub price: (Option<i64>, Option<i64>),
    pub area: (Option<i64>, Option<i64>),
    pub house_type: i64,
    pub elevator: i64,
    pub orderby: i64,
    pub seq: i64,
    pub page_size: i64,
}

impl ListQuery {
    /// Reads the filters; `orderings` is 4 for houses, 2 for demands.
    pub fn from_form(form: &Form, orderings: i64) -> Result<ListQuery, Error> {
        let seq = form.int("seq")?.unwrap_or(0);
        if !(0..=1_000_000).contains(&seq) {
            return Err(failed("seq 是从 0 开始的页码"));
        }
        let page_size = form.int("page_size")?.unwrap_or(PAGE_SIZE);
        if !(1..=MAX_PAGE_SIZE).contains(&page_size) {
            return Err(failed(format!("page_size 应在 1 到 {MAX_PAGE_SIZE} 之间")));
        }
        let district = form
            .text("district")?
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty());
        if district.as_ref().is_some_and(|d| d.chars().count() > 100) {
            return Err(failed("district 不能超过 100 个字符"));
        }
        Ok(ListQuery {
            district,
            floor: range(form, "range_of_floor", 1)?,
            price: range(form, "range_of_prices", 100)?,
            area: range(form, "range_of_area", 100)?,
            house_type: choice(form, "house_type", 4)?,
            elevator: choice(form, "elevator", 2)?,
            orderby: choice(form, "orderby", orderings)?,
            seq,
            page_size,
        })
    }

    /// The filters alone, as the key of a remembered total.
    pub fn filter_key(&self) -> String {
        format!(
            "{:?}|{:?}|{:?}|{:?}|{}|{}",
            self.district, self.floor, self.price, self.area, self.house_type, self.elevator
        )
    }
}

/// A house or demand row as lists and info show it.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: i64,
    pub owner_id: i64,
    pub listing: Listing,
    pub state: String,
    pub created_at: i64,
    pub modified_at: i64,
}

fn tags_value(tags: &[String]) -> Value {
    json!(tags)
}

/// An image link as clients use it: server paths (`/files/7`) made absolute
/// with the request's `http://host`.
fn absolute(base_url: &str, img: &str) -> String {
    if img.starts_with('/') {
        format!("{base_url}{img}")
    } else {
        img.to_string()
    }
}

impl Stored {
    /// A `gethouselist` item: `id` and `house_id` both.
    pub fn house_item(&self, base_url: &str) -> Value {
        let l = &self.listing;
        json!({
            "id": self.id,
            "house_id": self.id,
            "img": l.imgs.first().map(|img| absolute(base_url, img)).unwrap_or_default(),
            "name": l.name,
            "description": l.description,
            "tag": tags_value(&l.tags),
            "area": money::number(l.area),
            "price": money::number(l.cost),
            "house_type": l.house_type(),
            "elevator": i64::from(l.elevator),
            "location": l.location(),
        })
    }

    /// A `getrentallist` item: `id` and `rental_id` both.
    pub fn demand_item(&self) -> Value {
        let l = &self.listing;
        json!({
            "id": self.id,
            "rental_id": self.id,
            "name": l.name,
            "description": l.description,
            "tag": tags_value(&l.tags),
            "area": money::number(l.area),
            "price": money::number(l.cost),
            "house_type": l.house_type(),
            "elevator": i64::from(l.elevator),
            "location": l.location(),
        })
    }

    /// `data/house-info`.
    pub fn house_info(&self, base_url: &str) -> Value {
        let imgs: Vec<String> = self
            .listing
            .imgs
            .iter()
            .map(|img| absolute(base_url, img))
            .collect();
        let l = &self.listing;
        json!({
            "house_id": self.id,
            "user_id": self.owner_id,
            "name": l.name,
            "district": l.district,
            "community": l.community,
            "unit": l.unit,
            "type": l.kind,
            "house_type": l.house_type(),
            "area": money::number(l.area),
            "floor": l.floor,
            "elevator": i64::from(l.elevator),
            "description": l.description,
            "imgs": imgs,
            "tag": tags_value(&l.tags),
            "deposit": money::number(l.deposit),
            "pay_method": l.pay_method,
            "cost": money::number(l.cost),
            "house_state": self.state,
            "location": l.location(),
            "register_time": slash_date(self.created_at),
            "modify_time": slash_date(self.modified_at),
        })
    }

    /// `data/rental-info`.
    pub fn demand_info(&self) -> Value {
        let l = &self.listing;
        json!({
            "rental_id": self.id,
            "user_id": self.owner_id,
            "name": l.name,
            "district": l.district,
            "community": l.community,
            "type": l.kind,
            "house_type": l.house_type(),
            "area": money::number(l.area),
            "floor": l.floor,
            "elevator": i64::from(l.elevator),
            "description": l.description,
            "tag": tags_value(&l.tags),
            "deposit": money::number(l.deposit),
            "pay_method": l.pay_method,
            "cost": money::number(l.cost),
            "rental_state": self.state,
            "location": l.location(),
            "register_time": slash_date(self.created_at),
            "modify_time": slash_date(self.modified_at),
        })
    }
}

/// A user as stored.
#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub name: String,
    pub id_type: String,
    pub id_number: String,
    pub phone: String,
    pub grade: String,
    pub register_city: String,
    pub created_at: i64,
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
    /// `data/user-info`, never the password.
    pub fn info(&self) -> Value {
        json!({
            "user_id": self.id,
            "username": self.username,
            "name": self.name,
            "id_type": self.id_type,
            "id_number": self.id_number,
            "phone": self.phone,
            "grade": self.grade,
            "register_city": self.register_city,
            "register_time": slash_date(self.created_at),
        })
    }

    pub fn is_admin(&self) -> bool {
        self.grade == ADMIN_GRADE
    }
}

/// What a request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestKind {
    /// A tenant asks an owner for a house.
    Apply,
    /// An owner offers a house to a demand.
    Provide,
}

impl RequestKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::Apply => "apply",
            RequestKind::Provide => "provide",
        }
    }
}

/// How a request's state reads in a notification.
pub fn request_status(state: &str) -> &'static str {
    match state {
        "accepted" => "已接受",
        "rejected" => "已拒绝",
        _ => "待处理",
    }
}

/// The commission of a deal: `rate_bp` basis points of one month's rent,
/// rounded to the cent.
pub fn commission(rent_cents: i64, rate_bp: i64) -> i64 {
    (rent_cents.saturating_mul(rate_bp) + 5_000) / 10_000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_not_zero_padded() {
        assert_eq!(slash_date(-333_763_200), "1959/6/5");
        let day = parse_us_date("8/9/1964", "d").unwrap();
        assert_eq!(us_date(day), "8/9/1964");
        assert_eq!(parse_us_date("08/09/1964", "d").unwrap(), day);
        assert!(parse_us_date("13/1/2019", "d").is_err());
        assert!(parse_us_date("2/30/2019", "d").is_err());
        assert!(parse_us_date("2019-01-01", "d").is_err());
    }

    #[test]
    fn cities_come_from_districts() {
        assert_eq!(city_of("北京市海淀区西土城路"), "北京");
        assert_eq!(city_of("山东省青岛市崂山区五一街道"), "青岛");
        assert_eq!(city_of("广西壮族自治区南宁市青秀区"), "南宁");
        assert_eq!(city_of("上海浦东新区"), "上海");
        assert_eq!(city_of("某地"), "其他");
    }

    #[test]
    fn house_types_come_from_the_type_text() {
        assert_eq!(house_type_of("一居室"), 1);
        assert_eq!(house_type_of("两居"), 2);
        assert_eq!(house_type_of("三居"), 3);
        assert_eq!(house_type_of("五居"), 4);
    }

    #[test]
    fn commission_rounds_to_the_cent() {
        assert_eq!(commission(250_000, 1000), 25_000);
        assert_eq!(commission(333, 1000), 33);
        assert_eq!(commission(335, 1000), 34);
    }
}
