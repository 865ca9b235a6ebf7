//! Listing input.

use super::*;
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

fn text(
    value: Option<String>,
    name: &str,
    what: &str,
    max: usize,
    required: bool,
) -> Result<String, Error> {
    let value = value.unwrap_or_default();
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
fn amount(
    value: Option<Cents>,
    name: &str,
    what: &str,
    max: i64,
    required: bool,
) -> Result<i64, Error> {
    match value {
        Some(Cents(v)) if v <= max => Ok(v),
        Some(_) => Err(failed(format!("{what}（{name}）太大"))),
        None if required => Err(failed(format!("{what}（{name}）不能为空"))),
        None => Ok(0),
    }
}

/// What an `elevator` of the wrong form (or none) answers.
pub fn bad_elevator() -> Error {
    failed("是否有电梯（elevator）应为 1（有）或 0（没有）")
}

/// What a list field of the wrong form answers.
pub fn bad_list(name: &str) -> Error {
    failed(format!("{name} 应为文本数组"))
}

/// A list of short texts, each item split at `separator` if there is one.
fn list(
    items: Option<Vec<String>>,
    name: &str,
    separator: Option<char>,
    max_items: usize,
    max_len: usize,
) -> Result<Vec<String>, Error> {
    let items: Vec<String> = items
        .unwrap_or_default()
        .iter()
        .flat_map(|item| match separator {
            Some(sep) => item.split(sep).collect::<Vec<_>>(),
            None => vec![item.as_str()],
        })
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
pub fn listing(input: ListingText, kind: ListingKind) -> Result<Listing, Error> {
    let house = kind == ListingKind::House;
    let district = text(input.district, "district", "地区", 100, true)?;
    let community = text(input.community, "community", "小区名", 64, true)?;
    let unit = if house {
        text(input.unit, "unit", "具体楼门号", 32, true)?
    } else {
        String::new()
    };
    let kind_text = text(input.kind, "type", "房屋类型", 16, true)?;
    let area = amount(input.area, "area", "房屋面积", 10_000_000, house)?;
    let floor = input
        .floor
        .ok_or_else(|| failed("房屋楼层（floor）不能为空"))?;
    if !(-10..=300).contains(&floor) {
        return Err(failed("房屋楼层（floor）应在 -10 到 300 之间"));
    }
    let pay_method = text(input.pay_method, "pay_method", "支付方式", 4, true)?;
    if !["月", "季", "年"].contains(&pay_method.as_str()) {
        return Err(failed("支付方式（pay_method）应为 月、季 或 年"));
    }
    let cost = amount(input.cost, "cost", "租金", 1_000_000_000, true)?;
    if cost == 0 {
        return Err(failed("租金（cost）应大于 0"));
    }
    let name = text(input.name, "name", "名称", 64, false)?;
    let name = if name.is_empty() {
        format!("{community}{kind_text}")
    } else {
        name
    };
    Ok(Listing {
        name,
        elevator: input.elevator.ok_or_else(bad_elevator)?.0,
        description: text(input.description, "description", "房屋描述", 2000, false)?,
        imgs: if house {
            list(input.imgs, "imgs", None, 20, 500)?
        } else {
            Vec::new()
        },
        tags: list(input.tag, "tag", Some('_'), 10, 16)?,
        deposit: amount(input.deposit, "deposit", "押金", 1_000_000_000, true)?,
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
