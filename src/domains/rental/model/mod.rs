//! Rental's values: houses, demands, requests and deals as stored and as the
//! seed shows them, the rules input must meet, list filters, and the seed's
//! date formats (`1959/4/12`, deal dates `8/9/1964`, never zero-padded).

use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{Date, Month};

use super::envelope::{Error, failed};
use super::input::{Bounds, ListFilters, ListingText};
use crate::body::Cents;

/// Houses in one page unless `page_size` says otherwise (at most 100).
pub const PAGE_SIZE: i64 = 10;
pub const MAX_PAGE_SIZE: i64 = 100;
pub const LET: &str = "已租";
pub const TO_LET: &str = "待租";
pub const CLOSED: &str = "已成交";
pub const OPEN: &str = "未成交";
pub const ADMIN_GRADE: &str = "管理员";

mod dates;
mod filters;
mod listing;
mod stored;
mod views;

pub use dates::*;
pub use filters::*;
pub use listing::*;
pub use stored::*;
pub use views::*;

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
