//! The class: its students, what they share, and what each one does.

use serde_json::{Value, json};

use crate::{Lcg, Options, get_or_post, onebox_command};

pub(super) const STUDENTS_PER_DOMAIN: usize = 40;
const PASSWORD: &str = "class-password";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Domain {
    Parking,
    Labs,
    Rental,
    Family,
    Shop,
}

pub(super) const DOMAINS: [Domain; 5] = [
    Domain::Parking,
    Domain::Labs,
    Domain::Rental,
    Domain::Family,
    Domain::Shop,
];

/// What every student of a domain shares: a lot, a lab, a product.
pub(super) struct Class {
    base: String,
    client: reqwest::Client,
    lab_name: String,
    /// The class's lot, with room for every student at once.
    lot: i64,
    product: (i64, i64),
}

#[derive(Clone)]
pub(super) struct Student {
    pub(super) domain: Domain,
    pub(super) name: String,
    pub(super) token: String,
}

/// One request: its path, method and body, and the token it carries.
struct Call {
    post: bool,
    path: String,
    body: Value,
}

fn get(path: String) -> Call {
    Call {
        post: false,
        path,
        body: Value::Null,
    }
}

fn post(path: &str, body: Value) -> Call {
    Call {
        post: true,
        path: path.to_string(),
        body,
    }
}

impl Class {
    /// Sends a call; the answer when it succeeded in the domain's terms.
    async fn send(&self, call: &Call, token: Option<&str>) -> Option<Value> {
        let url = format!("{}{}", self.base, call.path);
        let mut request = match call.post {
            true => self.client.post(url).json(&call.body),
            false => self.client.get(url),
        };
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let method = if call.post { "POST" } else { "GET" };
        let answer = match request.send().await {
            Ok(answer) => answer,
            Err(e) => {
                eprintln!("{method} {} -> {e}", call.path);
                return None;
            }
        };
        let status = answer.status();
        let body: Value = match answer.json().await {
            Ok(body) => body,
            Err(e) => {
                eprintln!("{method} {} -> {status}, not JSON: {e}", call.path);
                return None;
            }
        };
        // Each domain's envelope says failure its own way.
        let ok = status.is_success()
            && body["success"] != false
            && body["state"] != 0
            && body["status"].as_i64().is_none_or(|s| s == 200)
            && body["code"].as_i64().is_none_or(|c| c == 0 || c == 200);
        if !ok {
            eprintln!("{method} {} -> {status} {body}", call.path);
        }
        ok.then_some(body)
    }

    /// The calls that make a student's account, in order.
    pub(super) async fn register(&self, domain: Domain, n: usize) -> String {
        let name = format!("student{n}");
        let calls: Vec<Call> = match domain {
            Domain::Parking => vec![post(
                "/parking/api/user/new",
                json!({"username": name, "password": PASSWORD, "email": format!("{name}@example.com")}),
            )],
            Domain::Labs => {
                let email = format!("{name}@example.com");
                self.send(
                    &post("/labs/user/register/mail", json!({"email": email})),
                    None,
                )
                .await
                .expect("labs: mail a code");
                let code = self.mailed_code(&email).await;
                vec![post(
                    "/labs/user/register/code",
                    json!({"email": email, "code": code, "name": name, "password": PASSWORD,
                           "sid": name, "phone": "13800000000"}),
                )]
            }
            Domain::Rental => vec![post(
                "/rental/operation/register",
                json!({"username": name, "password": PASSWORD, "name": "学生", "id_type": "身份证",
                       "id_number": "110101199001011234", "phone": "13800000000", "city": "北京"}),
            )],
            Domain::Family => vec![post(
                "/family/api/v1/user_manage/register/",
                json!({"username": name, "password": PASSWORD, "pwdagain": PASSWORD}),
            )],
            Domain::Shop => vec![post(
                "/shop/user/register/customer",
                json!({"name": name, "phone": "13800000000", "email": format!("{name}@example.com"),
                       "password": PASSWORD}),
            )],
        };
        for call in calls {
            self.send(&call, None)
                .await
                .unwrap_or_else(|| panic!("{domain:?}: register {name}"));
        }
        name
    }

    async fn mailed_code(&self, email: &str) -> String {
        let mails: Value = self
            .client
            .get(format!("{}/_/outbox.json", self.base))
            .bearer_auth(crate::OPERATOR_TOKEN)
            .send()
            .await
            .expect("read the outbox")
            .json()
            .await
            .expect("the outbox as JSON");
        let body = mails
            .as_array()
            .and_then(|mails| mails.iter().rev().find(|m| m["to"] == email))
            .and_then(|m| m["body"].as_str())
            .unwrap_or_else(|| panic!("no mail to {email}: {mails}"))
            .to_string();
        body.split(|c: char| !c.is_ascii_digit())
            .find(|w| w.len() == 6)
            .expect("a six-digit code")
            .to_string()
    }

    /// Logs a student in: a new session's token.
    pub(super) async fn login(&self, domain: Domain, name: &str) -> Option<String> {
        let (path, body) = match domain {
            Domain::Parking => (
                "/parking/api/user/login",
                json!({"username": name, "password": PASSWORD}),
            ),
            Domain::Labs => (
                "/labs/user/login",
                json!({"sid": name, "password": PASSWORD}),
            ),
            Domain::Rental => (
                "/rental/operation/login",
                json!({"username": name, "password": PASSWORD}),
            ),
            Domain::Family => (
                "/family/api/v1/user_manage/login/",
                json!({"username": name, "password": PASSWORD}),
            ),
            Domain::Shop => (
                "/shop/user/login",
                json!({"email": format!("{name}@example.com"), "password": PASSWORD}),
            ),
        };
        let answer = self.send(&post(path, body), None).await?;
        [&answer["data"]["token"], &answer["token"]]
            .into_iter()
            .find_map(|t| t.as_str())
            .map(str::to_string)
    }

    /// What a new student does once: money for parking, a family.
    pub(super) async fn settle_in(&self, student: &Student) {
        let call = match student.domain {
            Domain::Parking => post(
                "/parking/api/user/recharge",
                json!({"username": student.name, "amount": "100000"}),
            ),
            Domain::Family => post(
                "/family/api/v1/family/familyManage/",
                json!({"family_name": format!("{}家", student.name)}),
            ),
            _ => return,
        };
        self.send(&call, Some(&student.token))
            .await
            .unwrap_or_else(|| panic!("{:?}: settle {} in", student.domain, student.name));
    }

    /// One read or write of a student's domain; whether it succeeded.
    pub(super) async fn act(&self, student: &Student, write: bool, rng: &mut Lcg) -> bool {
        let name = &student.name;
        let token = Some(student.token.as_str());
        let (shop, product) = self.product;
        let calls = match (student.domain, write, rng.next(2)) {
            (Domain::Parking, false, 0) => vec![get("/parking/api/parkinglot/list".into())],
            (Domain::Parking, false, _) => vec![get(format!("/parking/api/user/info/{name}"))],
            (Domain::Parking, true, _) => {
                let order = self
                    .send(
                        &post(
                            "/parking/api/order/new",
                            json!({"username": name, "parkinglot_id": self.lot}),
                        ),
                        token,
                    )
                    .await;
                let Some(id) = order.and_then(|o| o["data"]["id"].as_i64()) else {
                    return false;
                };
                vec![post(
                    "/parking/api/order/cancel",
                    json!({"username": name, "order_id": id}),
                )]
            }
            (Domain::Labs, false, 0) => vec![get("/labs/lab/get/all".into())],
            (Domain::Labs, false, _) => vec![get(format!("/labs/project/student?sid={name}"))],
            (Domain::Labs, true, _) => vec![post(
                "/labs/project/create",
                json!({"name": format!("{name}的项目{}", rng.next(1_000_000)), "lab_name": self.lab_name,
                       "aim": "目标", "memberIds": format!("{name}@{}", if name == "student0" { "student1" } else { "student0" }),
                       "duration": 3600, "type": "创新"}),
            )],
            (Domain::Rental, false, 0) => vec![post(
                "/rental/gethouselist",
                json!({"district": (["北京", "上海", ""][rng.next(3) as usize]), "orderby": rng.next(5), "seq": rng.next(2)}),
            )],
            (Domain::Rental, false, _) => vec![post("/rental/data/user-info", json!({}))],
            (Domain::Rental, true, _) => vec![post(
                "/rental/data/addhouse",
                json!({"district": "北京市海淀区学院路", "community": "小区", "unit": "1单元", "type": "一居",
                       "area": 40 + rng.next(80), "floor": 1 + rng.next(30), "elevator": rng.next(2),
                       "description": "学生发布", "imgs": [], "deposit": 1000, "pay_method": "月",
                       "cost": 1000 + rng.next(9000), "tag": "独卫"}),
            )],
            (Domain::Family, false, 0) => vec![get("/family/api/v1/bill/Income/".into())],
            (Domain::Family, false, _) => vec![get("/family/api/v1/user_manage/user_info/".into())],
            (Domain::Family, true, _) => vec![post(
                "/family/api/v1/bill/Income/",
                json!({"money": format!("{}", 1 + rng.next(500)), "remarks": "兼职", "time": "2026-12-01 12:00:00"}),
            )],
            (Domain::Shop, false, 0) => {
                vec![get(format!("/shop/shop/products?page={}", 1 + rng.next(2)))]
            }
            (Domain::Shop, false, _) => vec![get(format!("/shop/shop/{shop}/product/{product}"))],
            (Domain::Shop, true, _) => vec![post(
                "/shop/order/create",
                json!({"product_id": product, "quantity": 1}),
            )],
        };
        for call in &calls {
            if self.send(call, token).await.is_none() {
                return false;
            }
        }
        true
    }
}

impl Class {
    /// The class's shared rows: a lot added with the CLI, the first demo
    /// lab, and a product that never runs out in the demo seller's shop.
    pub(super) async fn prepare(
        client: &reqwest::Client,
        base: &str,
        options: &Options,
        db: &std::path::Path,
    ) -> Self {
        onebox_command(
            options,
            &[
                "parking",
                "add-lot",
                "--name",
                "教学楼",
                "--capacity",
                "10000",
                "--price",
                "1",
            ],
            db,
        );
        let mut class = Self {
            base: base.to_string(),
            client: client.clone(),
            lab_name: String::new(),
            lot: 0,
            product: (0, 0),
        };
        let (_, lots) =
            get_or_post(client, format!("{base}/parking/api/parkinglot/list"), None).await;
        class.lot = lots["data"]
            .as_array()
            .and_then(|lots| lots.iter().find(|l| l["name"] == "教学楼"))
            .and_then(|l| l["id"].as_i64())
            .unwrap_or_else(|| panic!("the class lot: {lots}"));
        let (_, labs) = get_or_post(client, format!("{base}/labs/lab/get/all"), None).await;
        class.lab_name = labs["data"][0]["name"]
            .as_str()
            .unwrap_or_else(|| panic!("a demo lab: {labs}"))
            .to_string();
        // A product that never runs out, in the demo seller's shop.
        let seller = class
            .send(
                &post(
                    "/shop/user/login",
                    json!({"email": "seller1@example.com", "password": "seller1234"}),
                ),
                None,
            )
            .await
            .expect("the demo seller logs in");
        let seller = seller["data"]["token"].as_str().expect("token").to_string();
        let (_, shops) = get_or_post(client, format!("{base}/shop/shop/products"), None).await;
        let shop = shops["data"]["products"][0]["shop"]
            .as_i64()
            .expect("a demo shop");
        let added = class
            .send(
                &post(
                    &format!("/shop/shop/{shop}/product/add"),
                    json!({"name": "实验记录本", "price": "9.90", "stock_quantity": 1_000_000_000}),
                ),
                Some(&seller),
            )
            .await;
        let added = added.unwrap_or_else(|| panic!("add the class product to shop {shop}"));
        class.product = (shop, added["data"]["id"].as_i64().expect("product id"));
        class
    }
}
