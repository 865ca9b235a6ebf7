//! Rental's typed inputs: one struct per request shape, decoded from the
//! body or query by [`crate::body::Form::decode`] after the session check.
//! Their schemas are the request schemas of `/openapi.json`.
//!
//! A field left out answers `缺少参数 <name>`. A listing's fields are
//! `Option` here and marked `required` in the schema, so the listing check
//! answers with the seed's words (`地区（district）不能为空`).

use serde::Deserialize;
use serde::de::{self, Visitor};
use utoipa::ToSchema;

use crate::body::{Attachment, Cents, Text};

/// `operation/register`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = rental::Registration)]
pub struct Registration {
    #[schema(value_type = String)]
    pub username: Text,
    pub password: String,
    #[schema(value_type = String)]
    pub name: Text,
    #[schema(value_type = String)]
    pub id_type: Text,
    #[schema(value_type = String)]
    pub id_number: Text,
    #[schema(value_type = String)]
    pub phone: Text,
    #[schema(value_type = String)]
    pub city: Text,
}

/// `operation/login`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = rental::Credentials)]
pub struct Credentials {
    #[schema(value_type = String)]
    pub username: Text,
    pub password: String,
}

/// `query/user-exist`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = rental::Username)]
pub struct Username {
    #[schema(value_type = String)]
    pub username: Text,
}

/// `modify/password`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = rental::Password)]
pub struct Password {
    pub password: String,
}

/// `modify/phone`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = rental::Phone)]
pub struct Phone {
    #[schema(value_type = String)]
    pub phone: Text,
}

/// `operation/accept`, `operation/reject`, `delete/house/`, `delete/demand/`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = rental::Id)]
pub struct Id {
    pub id: i64,
}

/// `data/house-info`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = rental::HouseId)]
pub struct HouseId {
    pub house_id: i64,
}

/// `data/rental-info`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = rental::DemandId)]
pub struct DemandId {
    pub rental_id: i64,
}

/// `operation/apply-house/`: `period` in months, dates as `1959/4/12`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = rental::Application)]
pub struct Application {
    pub house_id: i64,
    pub period: i64,
    #[schema(value_type = String)]
    pub start_date: Text,
    #[schema(value_type = String)]
    pub end_date: Text,
}

/// `operation/provide-house/`: offer one's house to a demand.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = rental::Offer)]
pub struct Offer {
    pub house_id: i64,
    pub rental_id: i64,
}

/// `data/deal-details/`: deals between the dates (`1959/4/12`), in a
/// location.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = rental::DealQuery)]
pub struct DealQuery {
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub location: Option<String>,
}

/// `data/uploadfile/`: one image (`file`, or the only file sent).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = rental::ImageUpload)]
pub struct ImageUpload {
    #[schema(required, value_type = String, format = Binary)]
    pub file: Option<Attachment>,
}

/// The bounds of a range filter as sent: `[min, max]`, repeated fields or
/// `"min,max"`; empty when not sent. Checked by `model::range`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bounds(pub Vec<Option<String>>);

impl<'de> de::Deserialize<'de> for Bounds {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Pair;
        impl<'v> Visitor<'v> for Pair {
            type Value = Bounds;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("[min, max]")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Bounds, E> {
                let text = text.trim();
                if text.is_empty() {
                    return Ok(Bounds::default());
                }
                let parts = text.trim_start_matches('[').trim_end_matches(']');
                Ok(Bounds(
                    parts.split(',').map(|p| Some(p.to_string())).collect(),
                ))
            }
            fn visit_seq<A: de::SeqAccess<'v>>(self, mut seq: A) -> Result<Bounds, A::Error> {
                let mut bounds = Vec::new();
                while let Some(bound) = seq.next_element::<Option<String>>()? {
                    bounds.push(bound);
                }
                Ok(Bounds(bounds))
            }
        }
        deserializer.deserialize_any(Pair)
    }
}

/// The filters and page of `gethouselist` and `getrentallist`: `seq` is the
/// page from 0; ranges are `[min, max]` (prices and areas with two
/// decimals); `orderby`, `house_type` and `elevator` are small numbers, 0
/// for any.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = rental::ListFilters)]
pub struct ListFilters {
    pub seq: Option<i64>,
    pub page_size: Option<i64>,
    pub district: Option<String>,
    #[schema(value_type = Option<Vec<f64>>)]
    pub range_of_floor: Option<Bounds>,
    #[schema(value_type = Option<Vec<f64>>)]
    pub range_of_prices: Option<Bounds>,
    #[schema(value_type = Option<Vec<f64>>)]
    pub range_of_area: Option<Bounds>,
    pub orderby: Option<i64>,
    pub house_type: Option<i64>,
    pub elevator: Option<i64>,
    /// The original front-end's spelling of the ranges, one bound a key;
    /// a `range_of_*` sent wins.
    pub min_floor: Option<String>,
    pub max_floor: Option<String>,
    pub min_price: Option<String>,
    pub max_price: Option<String>,
    pub min_area: Option<String>,
    pub max_area: Option<String>,
}

/// Whether a house has a lift: `1`/`0`, `true`/`false`, `有`/`没有`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lift(pub bool);

impl<'de> de::Deserialize<'de> for Lift {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct YesNo;
        impl Visitor<'_> for YesNo {
            type Value = Lift;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("1 or 0")
            }
            fn visit_bool<E: de::Error>(self, b: bool) -> Result<Lift, E> {
                Ok(Lift(b))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Lift, E> {
                match n {
                    1 => Ok(Lift(true)),
                    0 => Ok(Lift(false)),
                    _ => Err(E::custom("1 or 0")),
                }
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Lift, E> {
                self.visit_i64(i64::try_from(n).unwrap_or(-1))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Lift, E> {
                match text.trim() {
                    "有" | "1" => Ok(Lift(true)),
                    "没有" | "无" | "0" => Ok(Lift(false)),
                    _ => Err(E::custom("1 or 0")),
                }
            }
        }
        deserializer.deserialize_any(YesNo)
    }
}

/// The fields every listing has, as sent; checked by `model::listing`.
pub struct ListingText {
    pub district: Option<String>,
    pub community: Option<String>,
    pub kind: Option<String>,
    pub area: Option<Cents>,
    pub floor: Option<i64>,
    pub elevator: Option<Lift>,
    pub description: Option<String>,
    pub deposit: Option<Cents>,
    pub pay_method: Option<String>,
    pub cost: Option<Cents>,
    pub tag: Option<Vec<String>>,
    pub name: Option<String>,
    /// Houses only.
    pub unit: Option<String>,
    /// Houses only.
    pub imgs: Option<Vec<String>>,
}

/// Declares a listing input: the fields of every listing, then `$extra`
/// (a house's unit and pictures, the id a change names), and `split`,
/// which gives the shared [`ListingText`] and the extras.
macro_rules! listing_input {
    ($(#[$meta:meta])* $name:ident as $schema:path, area $area:ty,
     { $($(#[$extra_meta:meta])* $extra:ident: $extra_ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Deserialize, ToSchema)]
        #[schema(as = $schema)]
        pub struct $name {
            $($(#[$extra_meta])* pub $extra: $extra_ty,)*
            #[schema(required, value_type = String)]
            pub district: Option<String>,
            #[schema(required, value_type = String)]
            pub community: Option<String>,
            #[serde(rename = "type")]
            #[schema(required, value_type = String)]
            pub kind: Option<String>,
            #[schema(value_type = $area)]
            pub area: Option<Cents>,
            #[schema(required, value_type = i64)]
            pub floor: Option<i64>,
            /// 1 (有) or 0 (没有).
            #[schema(required, value_type = i64)]
            pub elevator: Option<Lift>,
            pub description: Option<String>,
            #[schema(required, value_type = f64)]
            pub deposit: Option<Cents>,
            /// 月, 季 or 年.
            #[schema(required, value_type = String)]
            pub pay_method: Option<String>,
            #[schema(required, value_type = f64)]
            pub cost: Option<Cents>,
            /// Tags, as an array or joined by `_`.
            pub tag: Option<Vec<String>>,
            /// Defaults to the community and type.
            pub name: Option<String>,
        }

        impl $name {
            /// The shared fields (houses' unit and pictures left empty)
            /// and the extras.
            #[allow(unused_parens)]
            pub fn split(self) -> (ListingText, ($($extra_ty),*)) {
                let text = ListingText {
                    district: self.district,
                    community: self.community,
                    kind: self.kind,
                    area: self.area,
                    floor: self.floor,
                    elevator: self.elevator,
                    description: self.description,
                    deposit: self.deposit,
                    pay_method: self.pay_method,
                    cost: self.cost,
                    tag: self.tag,
                    name: self.name,
                    unit: None,
                    imgs: None,
                };
                (text, ($(self.$extra),*))
            }
        }
    };
}

listing_input! {
    /// `data/addhouse`: `imgs` are links to uploaded pictures.
    NewHouse as rental::NewHouse, area f64, {
        #[schema(required, value_type = String)]
        unit: Option<String>,
        #[schema(required)]
        imgs: Option<Vec<String>>,
    }
}

listing_input! {
    /// `modify/house`: every field again, for the house `house_id`.
    HouseChange as rental::HouseChange, area f64, {
        house_id: i64,
        #[schema(required, value_type = String)]
        unit: Option<String>,
        #[schema(required)]
        imgs: Option<Vec<String>>,
    }
}

listing_input! {
    /// `data/addrental`: a demand, the house someone looks for.
    NewDemand as rental::NewDemand, area Option<f64>, {}
}

listing_input! {
    /// `modify/rental`: every field again, for the demand `rental_id`.
    DemandChange as rental::DemandChange, area Option<f64>, {
        rental_id: i64,
    }
}

impl NewHouse {
    /// The house's fields, its unit and pictures included.
    pub fn text(self) -> ListingText {
        let (text, (unit, imgs)) = self.split();
        ListingText { unit, imgs, ..text }
    }
}

impl HouseChange {
    /// The house changed and its fields.
    pub fn text(self) -> (i64, ListingText) {
        let (text, (id, unit, imgs)) = self.split();
        (id, ListingText { unit, imgs, ..text })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::{DecodeError, Form};

    fn form(json: &str) -> Form {
        Form::from_json(json).unwrap()
    }

    #[test]
    fn ranges_come_as_arrays_or_text() {
        let filters: ListFilters = form(
            r#"{"range_of_floor": [0, "5"], "range_of_prices": "[0,5000]", "range_of_area": " "}"#,
        )
        .decode()
        .unwrap();
        let pair = |a: &str, b: &str| Some(Bounds(vec![Some(a.into()), Some(b.into())]));
        assert_eq!(filters.range_of_floor, pair("0", "5"));
        assert_eq!(filters.range_of_prices, pair("0", "5000"));
        assert_eq!(filters.range_of_area, Some(Bounds::default()));
        let error = form(r#"{"range_of_floor": 3}"#)
            .decode::<ListFilters>()
            .unwrap_err();
        assert!(matches!(error, DecodeError::Field(ref e) if e.field == "range_of_floor"));
    }

    #[test]
    fn a_lift_is_yes_or_no_in_several_words() {
        for (value, lift) in [
            ("1", true),
            (r#""有""#, true),
            ("false", false),
            (r#""没有""#, false),
        ] {
            let body = format!(r#"{{"elevator": {value}}}"#);
            let house: NewDemand = form(&body).decode().unwrap();
            assert_eq!(house.elevator, Some(Lift(lift)), "{body}");
        }
        let error = form(r#"{"elevator": 2}"#)
            .decode::<NewDemand>()
            .unwrap_err();
        assert!(matches!(error, DecodeError::Field(ref e) if e.field == "elevator"));
    }

    #[test]
    fn a_change_names_its_listing() {
        let (id, text) = form(r#"{"house_id": "4", "unit": "1单元", "imgs": "/files/1"}"#)
            .decode::<HouseChange>()
            .unwrap()
            .text();
        assert_eq!(id, 4);
        assert_eq!(text.unit.as_deref(), Some("1单元"));
        assert_eq!(text.imgs, Some(vec!["/files/1".to_string()]));
        let error = form("{}").decode::<DemandChange>().unwrap_err();
        assert!(matches!(error, DecodeError::Missing(ref f) if f == "rental_id"));
    }
}
