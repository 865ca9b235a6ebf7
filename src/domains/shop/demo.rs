//! `--demo` data for shop: two shops with their sellers, a seller without a
//! shop (and a code to join one), customers, products with images drawn
//! here, and a few orders (the README lists the accounts).

use std::io::Cursor;

use image::{ImageOutputFormat, Rgb, RgbImage};

use super::envelope::Error;
use super::model::{CUSTOMER, Invitation, SELLER};
use super::store::{self, NewUser, ProductFields};
use crate::app::SharedApp;

/// (email, password, name, phone, role)
const USERS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "seller1@example.com",
        "seller1234",
        "李四",
        "13700000001",
        SELLER,
    ),
    (
        "seller2@example.com",
        "seller1234",
        "张三",
        "13700000002",
        SELLER,
    ),
    (
        "seller3@example.com",
        "seller1234",
        "王五",
        "13700000003",
        SELLER,
    ),
    (
        "customer@example.com",
        "customer1234",
        "小明",
        "13700000010",
        CUSTOMER,
    ),
    (
        "customer2@example.com",
        "customer1234",
        "小红",
        "13700000011",
        CUSTOMER,
    ),
];

/// An invitation code to 李四的商铺 (five uses), for trying join_by_code.
pub const DEMO_CODE: &str = "DEMOjoin2024code";

/// (shop index, name, description, price in cents, stock, colour)
type DemoProduct = (usize, &'static str, &'static str, i64, i64, [u8; 3]);

const PRODUCTS: &[DemoProduct] = &[
    (0, "纯棉T恤", "白色，M/L/XL", 5900, 120, [235, 235, 235]),
    (0, "牛仔裤", "直筒，蓝色", 15900, 40, [60, 90, 160]),
    (0, "运动鞋", "透气跑鞋", 29900, 25, [200, 60, 60]),
    (0, "棒球帽", "可调节", 3990, 3, [40, 40, 40]),
    (0, "羊毛围巾", "冬季保暖", 8800, 0, [150, 40, 60]),
    (0, "帆布包", "大容量", 4500, 60, [190, 170, 120]),
    (0, "雨伞", "折叠晴雨伞", 3500, 80, [30, 120, 160]),
    (0, "袜子五双装", "中筒棉袜", 2990, 200, [120, 160, 90]),
    (0, "羽绒服", "轻薄款", 49900, 12, [20, 60, 110]),
    (0, "手套", "触屏款", 3900, 45, [90, 70, 50]),
    (0, "睡衣套装", "珊瑚绒", 12900, 18, [230, 160, 180]),
    (0, "腰带", "真皮", 9900, 30, [80, 50, 30]),
    (1, "苹果手机", "Iphone 16", 999998, 999, [50, 50, 60]),
    (1, "安卓手机", "oppo A11 pro max", 1990, 2, [40, 140, 90]),
    (1, "蓝牙耳机", "降噪", 39900, 70, [240, 240, 240]),
    (1, "充电宝", "20000mAh", 12900, 150, [70, 70, 90]),
    (1, "机械键盘", "青轴", 34900, 22, [30, 30, 30]),
    (1, "显示器", "27 英寸 4K", 189900, 8, [20, 30, 50]),
];

/// A product picture: a coloured tile with a lighter disc.
fn picture(colour: [u8; 3]) -> Option<Vec<u8>> {
    let size = 240u32;
    let image = RgbImage::from_fn(size, size, |x, y| {
        let (dx, dy) = (x.abs_diff(120), y.abs_diff(110));
        if dx * dx + dy * dy < 70 * 70 {
            Rgb(colour.map(|c| c.saturating_add(50)))
        } else if y > 200 {
            Rgb(colour.map(|c| c / 2))
        } else {
            Rgb(colour)
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
    let pictures: Vec<Option<Vec<u8>>> = PRODUCTS.iter().map(|p| picture(p.5)).collect();
    let now = crate::clock::now();
    let now_us = crate::clock::now_micros();
    Ok(crate::descriptor::demo_rows(move |tx| {
        let mut ids = Vec::new();
        for ((email, _, name, phone, role), hash) in USERS.iter().zip(&hashes) {
            let user = NewUser {
                email,
                name,
                phone,
                role,
            };
            ids.push(store::insert_user(tx, &user, hash, now)?);
        }
        // Created a day apart, a little in the past.
        let day = 86_400 * 1_000_000;
        let shops = [
            store::create_shop(
                tx,
                ids[0],
                "李四的商铺",
                "上海市浦东新区",
                "主营服装鞋帽",
                now_us - 3 * day,
            )?,
            store::create_shop(
                tx,
                ids[1],
                "张三的商铺",
                "北京市朝阳区",
                "主营电子产品",
                now_us - 2 * day,
            )?,
        ];
        store::insert_invitation(
            tx,
            &Invitation {
                code: DEMO_CODE.to_string(),
                shop_id: shops[0],
                creator_id: ids[0],
                is_active: true,
                created_us: now_us,
                expires_us: None,
                usage_limit: 5,
                usage_count: 0,
            },
        )?;
        let mut products = Vec::new();
        for (n, ((shop, name, description, price, stock, _), bytes)) in
            PRODUCTS.iter().zip(&pictures).enumerate()
        {
            let image_id = match bytes {
                Some(bytes) => Some(crate::files::store(tx, super::DOMAIN, bytes, now)?),
                None => None,
            };
            let fields = ProductFields {
                name: name.to_string(),
                description: description.to_string(),
                price: *price,
                stock_quantity: *stock,
                off_sale: false,
                image_id,
                // The first shop sells clothes (服装鞋包), the second
                // electronics (电子数码).
                category_id: Some(if *shop == 0 { 2 } else { 1 }),
            };
            let at = now_us - day + n as i64 * 60_000_000;
            products.push(store::insert_product(tx, shops[*shop], &fields, at)?);
        }
        store::buy(tx, ids[3], products[0], 2, now_us)?;
        store::buy(tx, ids[3], products[13], 1, now_us)?;
        store::buy(tx, ids[4], products[2], 1, now_us)?;
        Ok::<_, Error>(())
    }))
}

/// How many shops `onebox shop generate-products` spreads its products over.
pub const GENERATED_SHOPS: usize = 20;

/// `onebox shop generate-products`: `count` products over
/// [`GENERATED_SHOPS`] shops, the same on every run (so a load test over
/// them can be repeated). The shops and their sellers
/// (`generated-seller{n}@example.com`, whose password is `seller_hash`)
/// are made on the first run and reused after. The first product never
/// runs out; the others have 0–99 in stock, sold out at 0. Each is
/// created a microsecond after the one before, ending now.
pub fn generated_products(
    tx: &crate::db::Write,
    count: u64,
    seller_hash: &str,
) -> Result<GeneratedProducts, Error> {
    let now = crate::clock::now();
    let now_us = crate::clock::now_micros();
    let mut shops = Vec::with_capacity(GENERATED_SHOPS);
    for n in 0..GENERATED_SHOPS {
        let email = format!("generated-seller{n}@example.com");
        let existing = match store::user_by_email(tx, &email)? {
            Some(seller) => store::shop_of(tx, seller.id)?,
            None => None,
        };
        let shop = match existing {
            Some(shop) => shop,
            None => {
                let seller = NewUser {
                    email: &email,
                    name: "商家",
                    phone: "13800000000",
                    role: SELLER,
                };
                let seller = store::insert_user(tx, &seller, seller_hash, now)?;
                store::create_shop(tx, seller, &format!("商铺{n}"), "北京市", "综合", now_us)?
            }
        };
        shops.push(shop);
    }
    let mut picks = crate::descriptor::Picks::new(7);
    let mut first = None;
    let start_us = now_us - count as i64;
    for n in 0..count {
        let stock = if n == 0 {
            1_000_000_000
        } else {
            picks.below(100) as i64
        };
        let shop = *picks.of(&shops);
        let fields = ProductFields {
            name: format!("商品{n}"),
            description: "安卓手机，全网通，双卡双待，大电池".to_string(),
            price: 100 + picks.below(999_900) as i64,
            stock_quantity: stock,
            off_sale: false,
            image_id: None,
            category_id: None,
        };
        let id = store::insert_product(tx, shop, &fields, start_us + n as i64)?;
        first.get_or_insert((id, shop));
    }
    // Fresh statistics for the planner over the new rows.
    tx.execute_batch("ANALYZE")?;
    Ok(GeneratedProducts {
        count,
        shops: shops.len(),
        first,
    })
}

/// What `onebox shop generate-products` added.
pub struct GeneratedProducts {
    pub count: u64,
    pub shops: usize,
    /// The product that never runs out, and its shop.
    pub first: Option<(i64, i64)>,
}
