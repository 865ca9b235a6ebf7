//! `--demo` data for rental: an admin, owners and tenants, houses in several
//! cities with photos (drawn here, stored as uploads), demands, pending
//! requests and a few deals (the README lists the accounts).

use std::io::Cursor;

use image::{ImageOutputFormat, Rgb, RgbImage};

use super::envelope::Error;
use super::model::Listing;
use super::store::{self, NewUser, Table};
use crate::app::SharedApp;

/// (username, password, name, phone, city, admin)
const USERS: &[(&str, &str, &str, &str, &str, bool)] = &[
    ("admin", "admin1234", "管理员", "13800000000", "北京", true),
    ("owner", "owner1234", "关云长", "13800000001", "北京", false),
    (
        "owner2",
        "owner1234",
        "赵子龙",
        "13800000002",
        "青岛",
        false,
    ),
    (
        "tenant",
        "tenant1234",
        "张翼德",
        "13800000003",
        "北京",
        false,
    ),
    (
        "tenant2",
        "tenant1234",
        "马孟起",
        "13800000004",
        "上海",
        false,
    ),
];

/// A demo house; area in m², cost in yuan a month, tags joined by `_`.
struct DemoHouse {
    owner: &'static str,
    district: &'static str,
    community: &'static str,
    unit: &'static str,
    kind: &'static str,
    area: i64,
    floor: i64,
    elevator: bool,
    cost: i64,
    tags: &'static str,
}

const HOUSES: &[DemoHouse] = &[
    DemoHouse {
        owner: "owner",
        district: "北京市海淀区西土城路",
        community: "金典小区",
        unit: "8单元",
        kind: "二居",
        area: 89,
        floor: 8,
        elevator: true,
        cost: 6500,
        tags: "独卫_集体供暖_独立阳台",
    },
    DemoHouse {
        owner: "owner",
        district: "北京市朝阳区望京街道",
        community: "望京花园",
        unit: "3号楼2单元",
        kind: "一居",
        area: 45,
        floor: 12,
        elevator: true,
        cost: 5200,
        tags: "近地铁_精装修",
    },
    DemoHouse {
        owner: "owner",
        district: "北京市海淀区学院路",
        community: "学知园",
        unit: "5号楼",
        kind: "三居",
        area: 120,
        floor: 3,
        elevator: false,
        cost: 9800,
        tags: "南北通透_学区",
    },
    DemoHouse {
        owner: "owner2",
        district: "山东省青岛市崂山区五一街道",
        community: "海景苑",
        unit: "1单元",
        kind: "二居",
        area: 95,
        floor: 15,
        elevator: true,
        cost: 4200,
        tags: "海景_独立阳台",
    },
    DemoHouse {
        owner: "owner2",
        district: "山东省青岛市市南区香港中路",
        community: "万象公寓",
        unit: "A座",
        kind: "一居",
        area: 52,
        floor: 20,
        elevator: true,
        cost: 3800,
        tags: "近商场_拎包入住",
    },
    DemoHouse {
        owner: "owner2",
        district: "上海浦东新区陆家嘴",
        community: "滨江苑",
        unit: "2号楼",
        kind: "三居",
        area: 135,
        floor: 28,
        elevator: true,
        cost: 18000,
        tags: "江景_精装修",
    },
    DemoHouse {
        owner: "owner",
        district: "浙江省杭州市西湖区文三路",
        community: "文苑小区",
        unit: "6幢",
        kind: "二居",
        area: 78,
        floor: 5,
        elevator: false,
        cost: 4600,
        tags: "近地铁",
    },
    DemoHouse {
        owner: "owner2",
        district: "上海徐汇区漕河泾",
        community: "田林新村",
        unit: "12号",
        kind: "一居",
        area: 38,
        floor: 4,
        elevator: false,
        cost: 5000,
        tags: "近地铁_独卫",
    },
];

/// (owner, district, community, type, floor, elevator, cost)
const DEMANDS: &[(&str, &str, &str, &str, i64, bool, i64)] = &[
    ("tenant", "北京市海淀区", "金典小区", "二居", 6, true, 7000),
    ("tenant2", "上海浦东新区", "滨江苑", "一居", 10, true, 8000),
    (
        "tenant",
        "山东省青岛市崂山区",
        "海景苑",
        "一居",
        3,
        false,
        3000,
    ),
];

/// A 320×200 picture of a house against a sky of the given colour.
fn photo(sky: [u8; 3]) -> Option<Vec<u8>> {
    let (w, h) = (320u32, 200u32);
    let image = RgbImage::from_fn(w, h, |x, y| {
        let ground = y > 150;
        let wall = (100..220).contains(&x) && (90..=150).contains(&y);
        let roof = y < 90 && y > 40 && x.abs_diff(160) < (y - 40) * 6 / 5 + 10;
        let window =
            wall && ((120..145).contains(&x) || (175..200).contains(&x)) && (105..125).contains(&y);
        if window {
            Rgb([250, 230, 140])
        } else if wall {
            Rgb([235, 225, 210])
        } else if roof {
            Rgb([170, 60, 50])
        } else if ground {
            Rgb([90, 150, 80])
        } else {
            let fade = (y * 60 / h) as u8;
            Rgb([
                sky[0].saturating_add(fade),
                sky[1].saturating_add(fade),
                sky[2],
            ])
        }
    });
    let mut png = Cursor::new(Vec::new());
    image.write_to(&mut png, ImageOutputFormat::Png).ok()?;
    Some(png.into_inner())
}

/// The demo rows, passwords hashed before the write (see [`crate::demo`]).
pub async fn rows(app: &SharedApp) -> crate::error::Result<crate::descriptor::DemoRows> {
    let mut hashes = Vec::new();
    for user in USERS {
        hashes.push(app.passwords.hash(user.1.to_string()).await?);
    }
    let photos: Vec<Vec<u8>> = [
        [110, 160, 220],
        [80, 130, 200],
        [140, 180, 230],
        [100, 120, 180],
    ]
    .into_iter()
    .filter_map(photo)
    .collect();
    let now = crate::clock::now();
    let rate = app.flags::<super::Flags>().commission_bp;
    Ok(crate::descriptor::demo_rows(move |tx| {
        let ids = insert_users(tx, &hashes, now)?;
        let id_of = |name: &str| {
            ids.get(name)
                .copied()
                .ok_or_else(|| super::envelope::failed(format!("demo user {name} missing")))
        };
        let mut photo_urls = Vec::new();
        for bytes in &photos {
            let id = crate::files::store(tx, super::DOMAIN, bytes, now)?;
            photo_urls.push(crate::files::path_of(id));
        }
        let mut houses = Vec::new();
        for (n, house) in HOUSES.iter().enumerate() {
            let listing = house.listing(n, &photo_urls);
            let owner = id_of(house.owner)?;
            houses.push(store::insert_listing(
                tx,
                Table::Houses,
                owner,
                &listing,
                now,
            )?);
        }
        for demand in DEMANDS {
            let owner = id_of(demand.0)?;
            store::insert_listing(tx, Table::Demands, owner, &demand_listing(demand), now)?;
        }
        // Two deals (Beijing and Qingdao) and one request still pending.
        let day = 24 * 3600;
        for (tenant, house) in [("tenant", houses.get(2)), ("tenant2", houses.get(4))] {
            let Some(&house) = house else { continue };
            let request = store::apply(tx, id_of(tenant)?, house, 12, now, now + 365 * day, now)?;
            let owner = store::listing(tx, Table::Houses, house)?
                .map(|h| h.owner_id)
                .unwrap_or_default();
            store::accept(tx, owner, request, rate, now)?;
        }
        if let Some(&first) = houses.first() {
            let (start, end) = (now + 7 * day, now + 190 * day);
            store::apply(tx, id_of("tenant")?, first, 6, start, end, now)?;
        }
        Ok::<_, Error>(())
    }))
}

/// The demo accounts, by username.
fn insert_users(
    tx: &crate::db::Write,
    hashes: &[String],
    now: i64,
) -> Result<std::collections::HashMap<&'static str, i64>, Error> {
    let mut ids = std::collections::HashMap::new();
    for ((username, _, name, phone, city, admin), hash) in USERS.iter().zip(hashes) {
        let user = NewUser {
            username,
            name,
            id_type: "身份证",
            id_number: "110101199001011234",
            phone,
            city,
            admin: *admin,
        };
        ids.insert(*username, store::insert_user(tx, &user, hash, now)?);
    }
    Ok(ids)
}

impl DemoHouse {
    /// The `n`th demo house as listed, with two of the demo photos.
    fn listing(&self, n: usize, photo_urls: &[String]) -> Listing {
        let DemoHouse {
            community,
            kind,
            area,
            floor,
            cost,
            ..
        } = self;
        Listing {
            name: format!("{community}{kind}"),
            district: self.district.to_string(),
            community: community.to_string(),
            unit: self.unit.to_string(),
            kind: kind.to_string(),
            area: area * 100,
            floor: *floor,
            elevator: self.elevator,
            description: format!("{community}{kind}，{area} 平米，{floor} 层，采光好，随时入住"),
            imgs: photo_urls.iter().cycle().skip(n).take(2).cloned().collect(),
            tags: self.tags.split('_').map(str::to_string).collect(),
            deposit: cost * 100,
            pay_method: if n.is_multiple_of(3) { "季" } else { "月" }.to_string(),
            cost: cost * 100,
        }
    }
}

/// A demo demand (a tenant looking for a home) as listed.
fn demand_listing(demand: &(&str, &str, &str, &str, i64, bool, i64)) -> Listing {
    let (_, district, community, kind, floor, elevator, cost) = *demand;
    Listing {
        name: format!("求租{community}{kind}"),
        district: district.to_string(),
        community: community.to_string(),
        unit: String::new(),
        kind: kind.to_string(),
        area: 0,
        floor,
        elevator,
        description: format!("想在{district}{community}附近租一套{kind}"),
        imgs: Vec::new(),
        tags: Vec::new(),
        deposit: cost * 100,
        pay_method: "月".to_string(),
        cost: cost * 100,
    }
}

/// Where generated houses are: every province's search finds some.
const GENERATED_DISTRICTS: &[&str] = &[
    "北京市海淀区",
    "北京市朝阳区",
    "北京市西城区",
    "上海浦东新区",
    "上海徐汇区",
    "山东省青岛市崂山区",
    "山东省青岛市市南区",
    "浙江省杭州市西湖区",
    "广东省广州市天河区",
    "广东省深圳市南山区",
    "四川省成都市武侯区",
    "湖北省武汉市洪山区",
];

/// The kinds of generated houses (each of the document's `house_type`s).
const GENERATED_KINDS: &[&str] = &["一居", "二居", "三居", "四居", "开间"];

/// `onebox rental generate-houses`: `count` houses of the owner
/// `generated-owner` (made on the first run with `owner_hash` as password,
/// reused after), the same on every run, so a load test over them can be
/// repeated. One in ten is let (已租) and leaves the lists.
pub fn generated_houses(tx: &crate::db::Write, count: u64, owner_hash: &str) -> Result<u64, Error> {
    let now = crate::clock::now();
    let owner = match store::user_by_name(tx, "generated-owner")? {
        Some(owner) => owner.id,
        None => {
            let owner = NewUser {
                username: "generated-owner",
                name: "房东",
                id_type: "身份证",
                id_number: "",
                phone: "13800000000",
                city: "北京",
                admin: false,
            };
            store::insert_user(tx, &owner, owner_hash, now)?
        }
    };
    let mut picks = crate::descriptor::Picks::new(42);
    for n in 0..count {
        let district = format!("{}{}街道", picks.of(GENERATED_DISTRICTS), n % 37);
        let kind = picks.of(GENERATED_KINDS).to_string();
        let community = format!("第{}小区", picks.below(500));
        let cost = (1_000 + picks.below(19_000) as i64) * 100;
        let house = Listing {
            name: format!("{community}{kind}"),
            unit: format!("{}单元", picks.below(10) + 1),
            district,
            community,
            kind,
            area: (20 + picks.below(180) as i64) * 100,
            floor: picks.below(33) as i64 + 1,
            elevator: picks.below(2) == 1,
            description: "采光好，交通方便，拎包入住，随时看房".to_string(),
            imgs: Vec::new(),
            tags: vec!["独卫".to_string(), "近地铁".to_string()],
            deposit: cost,
            pay_method: "月".to_string(),
            cost,
        };
        let id = store::insert_listing(tx, Table::Houses, owner, &house, now)?;
        if picks.below(10) == 0 {
            store::mark_let(tx, id)?;
        }
    }
    // Fresh statistics for the planner over the new rows.
    tx.execute_batch("ANALYZE")?;
    Ok(count)
}
