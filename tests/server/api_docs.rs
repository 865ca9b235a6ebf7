//! The API document and the docs page, checked against the routes.

use super::*;
use common::TestApp;
use serde_json::Value;

#[tokio::test]
async fn openapi_lists_every_route_and_every_listed_route_is_served() {
    let app = spawn_app().await;
    let (status, document) = app.get("/openapi.json", None).await;
    assert_eq!(status, 200);
    assert_eq!(document["openapi"], "3.0.3");
    let paths = document["paths"].as_object().expect("paths");

    // Every endpoint of every domain is an operation, and nothing else is
    // but the four server-wide routes.
    let mut expected = 4;
    for domain in onebox::domains::ALL {
        for endpoint in (domain.endpoints)() {
            expected += 1;
            let path = format!("/{}{}", domain.name, endpoint.path);
            let operation = &paths[&path][endpoint.method.to_lowercase()];
            assert_eq!(operation["tags"][0], domain.name, "{path}");
            assert!(operation["responses"]["200"].is_object(), "{path}");
        }
    }
    let operations: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(operations, expected);

    // Each domain's section of /docs is its API notes, one source.
    for domain in onebox::domains::ALL {
        let tag = document["tags"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == domain.name)
            .expect("a tag per domain");
        let description = tag["description"].as_str().unwrap();
        let notes_body = domain.notes.split_once('\n').unwrap().1.trim();
        assert!(description.starts_with(domain.title), "{}", domain.name);
        assert!(description.ends_with(notes_body), "{}", domain.name);
        assert!(
            notes_body.contains("curl"),
            "{}: a walk-through",
            domain.name
        );
    }

    // Every operation it lists is routed (whatever the answer to an empty
    // request), never the domain's "no such path" or a 405.
    for (path, methods) in paths {
        let concrete = path
            .replace("{username}", "demo")
            .replace("{status}", "4")
            .replace("{id}", "1")
            .replace("{pid}", "1");
        for method in methods.as_object().unwrap().keys() {
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let response = app
                .client
                .request(method.clone(), app.url(&concrete))
                .bearer_auth(common::OPERATOR_TOKEN)
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let body = String::from_utf8_lossy(&response.bytes().await.unwrap()).into_owned();
            assert_ne!(status, 405, "{method} {concrete}: {body}");
            for unrouted in [
                "没有这个接口",
                "no such API",
                "the landing page lists every API",
            ] {
                assert!(!body.contains(unrouted), "{method} {concrete}: {body}");
            }
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn the_docs_page_is_served_from_the_binary() {
    let app = spawn_app().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(response.status(), 301);
    assert_eq!(response.headers()["location"], "/docs/");
    let page = client.get(app.url("/docs/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger-ui"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no CDN: {html}"
    );
    let init = client
        .get(app.url("/docs/swagger-initializer.js"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(init.contains("\"/openapi.json\""), "{init}");
    for file in ["swagger-ui-bundle.js", "swagger-ui.css"] {
        let response = client
            .get(app.url(&format!("/docs/{file}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{file}");
        assert!(response.bytes().await.unwrap().len() > 10_000, "{file}");
    }
    app.stop().await;
}

#[tokio::test]
async fn every_request_example_in_the_api_document_is_accepted_as_sent() {
    let app = spawn_app_with(&["--demo", "--captcha", "off"]).await;
    let (_, doc) = app.get("/openapi.json", None).await;
    let examples = request_examples(&doc);
    assert!(examples.len() >= 30, "only {} examples", examples.len());
    let sessions = DemoSessions::log_in(&app).await;
    for (method, path, mut example) in examples {
        let token = sessions.for_example(&path, &mut example);
        let url = path.replace("{id}", "1");
        let (status, body) = app
            .send(method.parse().unwrap(), &url, Some(example.clone()), token)
            .await;
        assert_eq!(status, 200, "{method} {path} {example}: {body}");
        assert!(
            succeeded(&path, &body),
            "{method} {path} {example} was refused: {body}"
        );
    }
    app.stop().await;
}

/// Every JSON request example of the document as (method, path, example),
/// deletions last so a message is changed before it is deleted.
fn request_examples(doc: &Value) -> Vec<(String, String, Value)> {
    let mut examples = Vec::new();
    for (path, operations) in doc["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            let content = &operation["requestBody"]["content"]["application/json"];
            if let Some(example) = content.get("example") {
                examples.push((method.to_uppercase(), path.clone(), example.clone()));
            }
        }
    }
    examples.sort_by_key(|(method, _, _)| method == "DELETE");
    examples
}

/// A session of each demo account an example needs, and two family users
/// in no family yet.
struct DemoSessions {
    parking: String,
    student: String,
    lab_leader: String,
    owner: String,
    tenant: String,
    parent: String,
    leaving: String,
    founder: String,
    applicant: String,
    customer: String,
    customer2: String,
    seller1: String,
    seller3: String,
    new_seller: String,
}

impl DemoSessions {
    async fn log_in(app: &TestApp) -> DemoSessions {
        let login = |path: &'static str, body: Value| demo_token(app, path, body);
        let labs = |sid: &str, password: &str| json!({"sid": sid, "password": password});
        let rental = |name: &str| json!({"username": name, "password": format!("{name}1234")});
        let family = json!({"username": "parent", "password": "parent1234"});
        let loner = |name: &str| json!({"username": name, "password": "password123", "pwdagain": "password123"});
        let shop = |email: &str, password: &str| json!({"email": email, "password": password});
        let new_seller = json!({"name": "新商家", "phone": "13700000002", "email": "new@example.com", "password": "password123"});
        assert!(succeeded(
            "/shop",
            &app.post("/shop/user/register/seller", new_seller, None)
                .await
                .1
        ));
        DemoSessions {
            parking: login(
                "/parking/api/user/login",
                json!({"username": "demo", "password": "demo1234"}),
            )
            .await,
            student: login("/labs/user/login", labs("20160030", "student1234")).await,
            lab_leader: login("/labs/user/login", labs("20160001", "leader1234")).await,
            owner: login("/rental/operation/login", rental("owner")).await,
            tenant: login("/rental/operation/login", rental("tenant")).await,
            parent: login("/family/api/v1/user_manage/login/", family.clone()).await,
            leaving: login("/family/api/v1/user_manage/login/", family).await,
            founder: login("/family/api/v1/user_manage/register/", loner("founder")).await,
            applicant: login("/family/api/v1/user_manage/register/", loner("applicant")).await,
            customer: login(
                "/shop/user/login",
                shop("customer@example.com", "customer1234"),
            )
            .await,
            customer2: login(
                "/shop/user/login",
                shop("customer2@example.com", "customer1234"),
            )
            .await,
            seller1: login(
                "/shop/user/login",
                shop("seller1@example.com", "seller1234"),
            )
            .await,
            seller3: login(
                "/shop/user/login",
                shop("seller3@example.com", "seller1234"),
            )
            .await,
            new_seller: login("/shop/user/login", shop("new@example.com", "password123")).await,
        }
    }

    /// The session an example is sent with. Family's logout carries its
    /// session in the body, as the document's example does.
    fn for_example(&self, path: &str, example: &mut Value) -> Option<&str> {
        let token = match path {
            "/parking/api/order/new" => &self.parking,
            "/labs/project/create" => &self.student,
            "/labs/bulletin/create" => &self.lab_leader,
            "/rental/data/addhouse" | "/rental/data/addrental" | "/rental/data/deal-details" => {
                &self.owner
            }
            "/rental/operation/apply-house" => &self.tenant,
            "/family/api/v1/family/familyManage" => &self.founder,
            "/family/api/v1/user_manage/about_family" => &self.applicant,
            "/family/api/v1/user_manage/logout" => {
                example["token"] = json!(self.leaving);
                return None;
            }
            p if p.starts_with("/family/") && !p.contains("register") && !p.contains("login") => {
                &self.parent
            }
            "/shop/user/change-password" => &self.customer2,
            "/shop/order/create" | "/shop/cart/add" => &self.customer,
            "/shop/shop/create" => &self.new_seller,
            "/shop/shop/join_by_code" => &self.seller3,
            p if p.contains("create_invitation_code") => &self.seller1,
            _ => return None,
        };
        Some(token)
    }
}

#[tokio::test]
async fn head_answers_every_get_route_like_get_without_a_body() {
    let app = spawn_app_with(&["--demo", "--captcha", "off"]).await;
    let (_, doc) = app.get("/openapi.json", None).await;
    let mut paths: Vec<String> = vec!["/".into(), "/healthz".into(), "/docs/".into()];
    for (path, operations) in doc["paths"].as_object().unwrap() {
        if operations.get("get").is_some() {
            paths.push(demo_path(path));
        }
    }
    assert!(paths.len() > 40, "{paths:?}");
    for path in paths {
        let get = app.client.get(app.url(&path)).send().await.unwrap();
        let head = app.client.head(app.url(&path)).send().await.unwrap();
        assert_eq!(head.status(), get.status(), "HEAD {path}");
        assert_ne!(head.status(), 405, "HEAD {path}");
        assert_eq!(
            head.headers().get("content-type"),
            get.headers().get("content-type"),
            "HEAD {path}"
        );
        assert!(
            head.bytes().await.unwrap().is_empty(),
            "HEAD {path} has a body"
        );
    }
    app.stop().await;
}
