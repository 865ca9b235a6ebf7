//! Rental's typed answers: the keys a success carries after `state`, in the
//! seed's shape. Their schemas are the response schemas of `/openapi.json`.

use serde::Serialize;
use utoipa::ToSchema;

use crate::money::Amount;

/// A `gethouselist` item: `id` and `house_id` both; `img` is the first
/// picture.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = rental::HouseItem)]
pub struct HouseItem {
    pub id: i64,
    pub house_id: i64,
    pub img: String,
    pub name: String,
    pub description: String,
    pub tag: Vec<String>,
    #[schema(value_type = f64)]
    pub area: Amount,
    #[schema(value_type = f64)]
    pub price: Amount,
    pub house_type: i64,
    pub elevator: i64,
    pub location: String,
}

/// A `getrentallist` item: `id` and `rental_id` both.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = rental::DemandItem)]
pub struct DemandItem {
    pub id: i64,
    pub rental_id: i64,
    pub name: String,
    pub description: String,
    pub tag: Vec<String>,
    #[schema(value_type = f64)]
    pub area: Amount,
    #[schema(value_type = f64)]
    pub price: Amount,
    pub house_type: i64,
    pub elevator: i64,
    pub location: String,
}

/// A page of houses and how many match.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = rental::HousePage)]
pub struct HousePage {
    pub houses: Vec<HouseItem>,
    pub total: i64,
}

/// A page of demands (under `houses`, as the seed names it) and how many
/// match.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = rental::DemandPage)]
pub struct DemandPage {
    pub houses: Vec<DemandItem>,
    pub total: i64,
}

/// `data/house-info`: dates as `1959/4/12`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = rental::HouseInfo)]
pub struct HouseInfo {
    pub house_id: i64,
    pub user_id: i64,
    pub name: String,
    pub district: String,
    pub community: String,
    pub unit: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub house_type: i64,
    #[schema(value_type = f64)]
    pub area: Amount,
    pub floor: i64,
    pub elevator: i64,
    pub description: String,
    pub imgs: Vec<String>,
    pub tag: Vec<String>,
    #[schema(value_type = f64)]
    pub deposit: Amount,
    pub pay_method: String,
    #[schema(value_type = f64)]
    pub cost: Amount,
    pub house_state: String,
    pub location: String,
    pub register_time: String,
    pub modify_time: String,
}

/// `data/rental-info`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = rental::DemandInfo)]
pub struct DemandInfo {
    pub rental_id: i64,
    pub user_id: i64,
    pub name: String,
    pub district: String,
    pub community: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub house_type: i64,
    #[schema(value_type = f64)]
    pub area: Amount,
    pub floor: i64,
    pub elevator: i64,
    pub description: String,
    pub tag: Vec<String>,
    #[schema(value_type = f64)]
    pub deposit: Amount,
    pub pay_method: String,
    #[schema(value_type = f64)]
    pub cost: Amount,
    pub rental_state: String,
    pub location: String,
    pub register_time: String,
    pub modify_time: String,
}

/// `data/user-info`, never the password.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = rental::UserInfo)]
pub struct UserInfo {
    pub user_id: i64,
    pub username: String,
    pub name: String,
    pub id_type: String,
    pub id_number: String,
    pub phone: String,
    pub grade: String,
    pub register_city: String,
    pub register_time: String,
}

/// One of the caller's houses (`data/user-published`).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = rental::MyHouse)]
pub struct MyHouse {
    pub house_id: i64,
    pub id: i64,
    pub name: String,
    pub location: String,
    #[schema(value_type = f64)]
    pub rental: Amount,
    pub state: String,
}

/// One of the caller's demands (`data/user-asked`).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = rental::MyDemand)]
pub struct MyDemand {
    pub id: i64,
    pub rental_id: i64,
    pub name: String,
    pub location: String,
    pub description: String,
    #[schema(value_type = f64)]
    pub rental: Amount,
    pub state: String,
}

/// `data/user-published`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = rental::MyHouses)]
pub struct MyHouses {
    pub data: Vec<MyHouse>,
}

/// `data/user-asked`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = rental::MyDemands)]
pub struct MyDemands {
    pub data: Vec<MyDemand>,
}

/// What every notification says: who asked, about which house, and how
/// it stands (待处理, 已接受, 已拒绝).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = rental::NotificationHead)]
pub struct NotificationHead {
    pub id: i64,
    pub username: String,
    pub location: String,
    pub house_id: i64,
    pub status: String,
    pub time: String,
}

/// A tenant's request for one's house (`query/apply-notification`):
/// dates as `8/9/1964`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = rental::ApplicationView)]
pub struct ApplicationView {
    #[serde(flatten)]
    pub head: NotificationHead,
    pub period: Option<i64>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
}

/// An owner's offer of a house for one's demand
/// (`query/provide-notification`).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = rental::OfferView)]
pub struct OfferView {
    #[serde(flatten)]
    pub head: NotificationHead,
    pub rental_id: Option<i64>,
}

/// `query/apply-notification`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = rental::Applications)]
pub struct Applications {
    pub data: Vec<ApplicationView>,
}

/// `query/provide-notification`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = rental::Offers)]
pub struct Offers {
    pub data: Vec<OfferView>,
}

/// A closed deal: `owner` and `user` (the tenant) are usernames, `date`
/// as `8/9/1964`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = rental::Deal)]
pub struct Deal {
    pub id: i64,
    pub owner: String,
    pub user: String,
    pub location: String,
    pub date: String,
    #[schema(value_type = f64)]
    pub rental: Amount,
    #[schema(value_type = f64)]
    pub commission: Amount,
    pub city: String,
}

/// `data/deal-details/`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = rental::Deals)]
pub struct Deals {
    pub data: Vec<Deal>,
}

/// Deals and commission of one city.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = rental::CityStatistic)]
pub struct CityStatistic {
    pub city_name: String,
    pub total_count: i64,
    #[schema(value_type = f64)]
    pub total_commission: Amount,
}

/// `data/city-statistics/`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = rental::CityStatistics)]
pub struct CityStatistics {
    pub data: Vec<CityStatistic>,
}

/// `query/user-exist`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = rental::Exist)]
pub struct Exist {
    pub exist: bool,
}

/// `operation/login`: the token also works as `Authorization: Bearer`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = rental::Token)]
pub struct Token {
    pub token: String,
}

/// A new request's id.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = rental::NewId)]
pub struct NewId {
    pub id: i64,
}

/// `action/accept-notification`: the deal the acceptance closed.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = rental::DealId)]
pub struct DealId {
    pub deal_id: i64,
}

/// A house added or changed.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = rental::SavedHouse)]
pub struct SavedHouse {
    pub house_id: i64,
}

/// A demand added or changed.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = rental::SavedDemand)]
pub struct SavedDemand {
    pub rental_id: i64,
}

/// `data/uploadfile/`: the picture's absolute link.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = rental::Uploaded)]
pub struct Uploaded {
    pub url: String,
}

/// A success with nothing to add to `state`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = rental::Done)]
pub struct Done {}

// What handlers answer (their schemas in the API docs).
crate::shaped!(
    Applications,
    CityStatistics,
    DealId,
    Deals,
    DemandInfo,
    DemandPage,
    Done,
    Exist,
    HouseInfo,
    HousePage,
    MyDemands,
    MyHouses,
    NewId,
    Offers,
    SavedDemand,
    SavedHouse,
    Token,
    Uploaded,
    UserInfo,
);
