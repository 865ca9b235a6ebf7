//! List filters.

use super::*;

/// What a range filter of the wrong form answers.
pub fn bad_range(name: &str) -> Error {
    failed(format!("{name} 应为 [最小, 最大]，如 [0, 5000]"))
}

/// An inclusive `[min, max]` range, in the unit `scale` (1 for floors, 100
/// for money and area); no bounds when not sent.
pub fn range(
    bounds: Option<Bounds>,
    name: &str,
    scale: i64,
) -> Result<(Option<i64>, Option<i64>), Error> {
    let bound = |text: &Option<String>| -> Result<Option<i64>, Error> {
        let text = match text.as_deref().map(str::trim) {
            None | Some("") => return Ok(None),
            Some(text) => text,
        };
        let value = if scale == 100 {
            crate::body::parse_cents(text)
        } else {
            text.parse::<i64>().ok()
        };
        value.map(Some).ok_or_else(|| bad_range(name))
    };
    let bounds = bounds.unwrap_or_default().0;
    let (low, high) = match &bounds[..] {
        [] => return Ok((None, None)),
        [low, high] => (bound(low)?, bound(high)?),
        _ => return Err(bad_range(name)),
    };
    if let (Some(l), Some(h)) = (low, high)
        && l > h
    {
        return Err(bad_range(name));
    }
    Ok((low, high))
}

/// A whole number from `0` to `max` (`0` when not sent).
pub fn choice(value: Option<i64>, name: &str, max: i64) -> Result<i64, Error> {
    match value {
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
    pub fn from_filters(filters: ListFilters, orderings: i64) -> Result<ListQuery, Error> {
        let seq = filters.seq.unwrap_or(0);
        if !(0..=1_000_000).contains(&seq) {
            return Err(failed("seq 是从 0 开始的页码"));
        }
        let page_size = filters.page_size.unwrap_or(PAGE_SIZE);
        if !(1..=MAX_PAGE_SIZE).contains(&page_size) {
            return Err(failed(format!("page_size 应在 1 到 {MAX_PAGE_SIZE} 之间")));
        }
        // The original front-end sends district 0 for any district.
        let district = filters
            .district
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty() && d != "0");
        if district.as_ref().is_some_and(|d| d.chars().count() > 100) {
            return Err(failed("district 不能超过 100 个字符"));
        }
        let either = |range: Option<Bounds>, low: Option<String>, high: Option<String>| {
            range.or_else(|| (low.is_some() || high.is_some()).then(|| Bounds(vec![low, high])))
        };
        let floors = either(filters.range_of_floor, filters.min_floor, filters.max_floor);
        let prices = either(
            filters.range_of_prices,
            filters.min_price,
            filters.max_price,
        );
        let areas = either(filters.range_of_area, filters.min_area, filters.max_area);
        Ok(ListQuery {
            district,
            floor: range(floors, "range_of_floor", 1)?,
            price: range(prices, "range_of_prices", 100)?,
            area: range(areas, "range_of_area", 100)?,
            house_type: choice(filters.house_type, "house_type", 4)?,
            elevator: choice(filters.elevator, "elevator", 2)?,
            orderby: choice(filters.orderby, "orderby", orderings)?,
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
