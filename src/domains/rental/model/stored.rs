//! Stored rows and accounts.

use super::*;
use crate::money::Amount;

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
    pub fn house_item(&self, base_url: &str) -> HouseItem {
        let l = &self.listing;
        HouseItem {
            id: self.id,
            house_id: self.id,
            img: l
                .imgs
                .first()
                .map(|img| absolute(base_url, img))
                .unwrap_or_default(),
            name: l.name.clone(),
            description: l.description.clone(),
            tag: l.tags.clone(),
            area: Amount(l.area),
            price: Amount(l.cost),
            house_type: l.house_type(),
            elevator: i64::from(l.elevator),
            location: l.location(),
        }
    }

    /// A `getrentallist` item: `id` and `rental_id` both.
    pub fn demand_item(&self) -> DemandItem {
        let l = &self.listing;
        DemandItem {
            id: self.id,
            rental_id: self.id,
            name: l.name.clone(),
            description: l.description.clone(),
            tag: l.tags.clone(),
            area: Amount(l.area),
            price: Amount(l.cost),
            house_type: l.house_type(),
            elevator: i64::from(l.elevator),
            location: l.location(),
        }
    }

    /// `data/house-info`.
    pub fn house_info(self, base_url: &str) -> HouseInfo {
        let l = self.listing;
        HouseInfo {
            house_id: self.id,
            user_id: self.owner_id,
            house_type: l.house_type(),
            location: l.location(),
            imgs: l.imgs.iter().map(|img| absolute(base_url, img)).collect(),
            name: l.name,
            district: l.district,
            community: l.community,
            unit: l.unit,
            kind: l.kind,
            area: Amount(l.area),
            floor: l.floor,
            elevator: i64::from(l.elevator),
            description: l.description,
            tag: l.tags,
            deposit: Amount(l.deposit),
            pay_method: l.pay_method,
            cost: Amount(l.cost),
            house_state: self.state,
            register_time: slash_date(self.created_at),
            modify_time: slash_date(self.modified_at),
        }
    }

    /// `data/rental-info`.
    pub fn demand_info(self) -> DemandInfo {
        let l = self.listing;
        DemandInfo {
            rental_id: self.id,
            user_id: self.owner_id,
            house_type: l.house_type(),
            location: l.location(),
            name: l.name,
            district: l.district,
            community: l.community,
            kind: l.kind,
            area: Amount(l.area),
            floor: l.floor,
            elevator: i64::from(l.elevator),
            description: l.description,
            tag: l.tags,
            deposit: Amount(l.deposit),
            pay_method: l.pay_method,
            cost: Amount(l.cost),
            rental_state: self.state,
            register_time: slash_date(self.created_at),
            modify_time: slash_date(self.modified_at),
        }
    }

    /// One of the caller's houses, short.
    pub fn my_house(self) -> MyHouse {
        MyHouse {
            house_id: self.id,
            id: self.id,
            location: self.listing.location(),
            name: self.listing.name,
            rental: Amount(self.listing.cost),
            state: self.state,
        }
    }

    /// One of the caller's demands, short.
    pub fn my_demand(self) -> MyDemand {
        MyDemand {
            id: self.id,
            rental_id: self.id,
            location: self.listing.location(),
            name: self.listing.name,
            description: self.listing.description,
            rental: Amount(self.listing.cost),
            state: self.state,
        }
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
    pub fn info(&self) -> UserInfo {
        UserInfo {
            user_id: self.id,
            username: self.username.clone(),
            name: self.name.clone(),
            id_type: self.id_type.clone(),
            id_number: self.id_number.clone(),
            phone: self.phone.clone(),
            grade: self.grade.clone(),
            register_city: self.register_city.clone(),
            register_time: slash_date(self.created_at),
        }
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
