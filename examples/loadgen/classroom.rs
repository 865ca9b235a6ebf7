//! `--classroom`: a class of 200 students, 40 in each domain, each with an
//! account of their own, working through the real endpoints: after logging
//! in, 80% reads and 20% writes, with a think time of 50–150 ms between
//! requests (about 10 requests a second each, a busy lab session). Then
//! the same while all 200 log in again at once (a class arriving), at the
//! server's default bcrypt cost, with the storm's read p99 half second
//! by half second. (The labs login captcha is off: a load generator
//! cannot read the picture.)

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::{Lcg, get_or_post};

const STUDENTS_PER_DOMAIN: usize = 40;
const PASSWORD: &str = "class-password";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Domain {
    Parking,
    Labs,
    Rental,
    Family,
    Shop,
}

const DOMAINS: [Domain; 5] = [
    Domain::Parking,
    Domain::Labs,
    Domain::Rental,
    Domain::Family,
    Domain::Shop,
];

/// What every student of a domain shares: a lot, a lab, a product.
struct Class {
    base: String,
    client: reqwest::Client,
    lab_name: String,
    /// The class's lot, with room for every student at once.
    lot: i64,
    product: (i64, i64),
}

#[derive(Clone)]
struct Student {
    domain: Domain,
    name: String,
    token: String,
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
    async fn register(&self, domain: Domain, n: usize) -> String {
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
            .bearer_auth(super::OPERATOR_TOKEN)
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
    async fn login(&self, domain: Domain, name: &str) -> Option<String> {
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
    async fn settle_in(&self, student: &Student) {
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
    async fn act(&self, student: &Student, write: bool, rng: &mut Lcg) -> bool {
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

/// Latencies of reads and writes, and failures, over one stretch.
#[derive(Default)]
struct Tally {
    /// Each read's start (ms into the stretch) and latency, in start order.
    reads: Vec<(u32, u32)>,
    /// The reads' latencies, sorted.
    reads_us: Vec<u32>,
    writes_us: Vec<u32>,
    errors: usize,
}

fn percentile(sorted: &[u32], q: f64) -> f64 {
    sorted
        .get(((sorted.len() as f64 - 1.0) * q) as usize)
        .copied()
        .unwrap_or(0) as f64
        / 1000.0
}

/// Runs every student until `stop`; reads and writes started between
/// `from()` and `until()` are counted.
async fn class_at_work(
    class: Arc<Class>,
    students: Arc<Vec<Student>>,
    stop: Arc<AtomicBool>,
) -> Tally {
    let mut tasks = Vec::new();
    let began = Instant::now();
    for (n, student) in students.iter().cloned().enumerate() {
        let (class, stop) = (class.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let mut rng = Lcg(n as u64 * 7919 + 1);
            let mut tally = Tally::default();
            while !stop.load(Ordering::Relaxed) {
                tokio::time::sleep(Duration::from_millis(50 + rng.next(101))).await;
                let write = rng.next(10) < 2;
                let started = Instant::now();
                let at_ms = started.duration_since(began).as_millis() as u32;
                let ok = class.act(&student, write, &mut rng).await;
                let us = started.elapsed().as_micros() as u32;
                match write {
                    true => tally.writes_us.push(us),
                    false => tally.reads.push((at_ms, us)),
                }
                tally.errors += usize::from(!ok);
            }
            tally
        }));
    }
    let mut all = Tally::default();
    for task in tasks {
        let tally = task.await.expect("student");
        all.reads.extend(tally.reads);
        all.writes_us.extend(tally.writes_us);
        all.errors += tally.errors;
    }
    all.reads.sort_unstable();
    all.reads_us = all.reads.iter().map(|(_, us)| *us).collect();
    all.reads_us.sort_unstable();
    all.writes_us.sort_unstable();
    all
}

/// Read p99 in each half second of a stretch: whether a rise is the
/// first burst or lasts.
fn print_timeline(tally: &Tally) {
    println!("\n| from s | reads | read p99 ms | read max ms |\n|---:|---:|---:|---:|");
    for window in tally.reads.chunk_by(|a, b| a.0 / 500 == b.0 / 500) {
        let mut us: Vec<u32> = window.iter().map(|(_, us)| *us).collect();
        us.sort_unstable();
        println!(
            "| {:.1} | {} | {:.2} | {:.2} |",
            f64::from(window[0].0 / 500) / 2.0,
            us.len(),
            percentile(&us, 0.99),
            percentile(&us, 1.0)
        );
    }
}

fn print_tally(name: &str, tally: &Tally, seconds: f64) {
    println!(
        "| {name} | {:.0} | {:.2} | {:.2} | {:.0} | {:.2} | {:.2} | {} |",
        tally.reads_us.len() as f64 / seconds,
        percentile(&tally.reads_us, 0.5),
        percentile(&tally.reads_us, 0.99),
        tally.writes_us.len() as f64 / seconds,
        percentile(&tally.writes_us, 0.5),
        percentile(&tally.writes_us, 0.99),
        tally.errors
    );
}

/// The class: accounts, a quiet stretch, then a stretch with every
/// student logging in again at once.
pub async fn run(
    client: &reqwest::Client,
    base: &str,
    binary: &std::path::Path,
    db: &std::path::Path,
    seconds: u64,
) {
    let status = std::process::Command::new(binary)
        .args([
            "parking",
            "add-lot",
            "--db",
            db.to_str().expect("path"),
            "--name",
            "教学楼",
            "--capacity",
            "10000",
            "--price",
            "1",
        ])
        .stdout(std::process::Stdio::null())
        .status()
        .expect("add-lot");
    assert!(status.success(), "add a lot");
    let mut class = Class {
        base: base.to_string(),
        client: client.clone(),
        lab_name: String::new(),
        lot: 0,
        product: (0, 0),
    };
    let (_, lots) = get_or_post(client, format!("{base}/parking/api/parkinglot/list"), None).await;
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
    let class = Arc::new(class);

    let started = Instant::now();
    let mut pending = Vec::new();
    for domain in DOMAINS {
        for n in 0..STUDENTS_PER_DOMAIN {
            let class = class.clone();
            pending.push(tokio::spawn(async move {
                (domain, class.register(domain, n).await)
            }));
        }
    }
    let mut names = Vec::new();
    for task in pending {
        names.push(task.await.expect("register"));
    }
    println!(
        "{} students registered in {:.1} s",
        names.len(),
        started.elapsed().as_secs_f64()
    );
    let storm = |names: Vec<(Domain, String)>| {
        let class = class.clone();
        async move {
            let started = Instant::now();
            let logins = names.into_iter().map(|(domain, name)| {
                let class = class.clone();
                tokio::spawn(async move {
                    let token = class.login(domain, &name).await;
                    (domain, name, token)
                })
            });
            let mut students = Vec::new();
            for login in logins.collect::<Vec<_>>() {
                let (domain, name, token) = login.await.expect("login");
                let token = token.unwrap_or_else(|| panic!("{domain:?}: {name} logs in"));
                students.push(Student {
                    domain,
                    name,
                    token,
                });
            }
            (students, started.elapsed().as_secs_f64())
        }
    };
    let (students, first_storm) = storm(names.clone()).await;
    println!(
        "{} students logged in at once, on a quiet server, in {first_storm:.1} s",
        students.len()
    );
    for student in &students {
        class.settle_in(student).await;
    }
    let students = Arc::new(students);

    println!(
        "\n| stretch | reads/s | read p50 ms | read p99 ms | writes/s | write p50 ms | write p99 ms | errors |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let stop = Arc::new(AtomicBool::new(false));
    let work = tokio::spawn(class_at_work(class.clone(), students.clone(), stop.clone()));
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let quiet = work.await.expect("class");
    print_tally("200 students at work", &quiet, seconds as f64);

    // The same, while all 200 log in again at once: the stretch lasts as
    // long as the storm does.
    let stop = Arc::new(AtomicBool::new(false));
    let work = tokio::spawn(class_at_work(class.clone(), students.clone(), stop.clone()));
    tokio::time::sleep(Duration::from_secs(1)).await;
    let storm_started = Instant::now();
    let (_, storm_seconds) = storm(names).await;
    stop.store(true, Ordering::Relaxed);
    let stormy = work.await.expect("class");
    print_tally(
        "the same, 200 logging in at once",
        &stormy,
        1.0 + storm_started.elapsed().as_secs_f64(),
    );
    print_timeline(&stormy);
    println!(
        "\nlogin storm: 200 logins at the default bcrypt cost finished in {storm_seconds:.1} s; read p99 {:.2} ms -> {:.2} ms ({:.1}x)",
        percentile(&quiet.reads_us, 0.99),
        percentile(&stormy.reads_us, 0.99),
        percentile(&stormy.reads_us, 0.99) / percentile(&quiet.reads_us, 0.99).max(0.001)
    );
}
