//! The lab projects client the labs tests share: accounts, sessions and
//! the requests its front-end sends, with the checks every answer gets.

use super::{TestApp, code_in, outbox, spawn_app_with};
use serde_json::{Value, json};

pub const PASSWORD: &str = "secret-pass-1";
pub const ADMIN_PASSWORD: &str = "admin-pass-1";

pub fn assert_ok(body: &Value) -> &Value {
    assert_eq!(body["status"], 200, "expected success: {body}");
    assert_eq!(body["message"], "操作成功", "{body}");
    &body["data"]
}

/// A status-300 failure whose message contains `part`.
pub fn assert_failed(body: &Value, part: &str) {
    assert_eq!(body["status"], 300, "{body}");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(message.contains(part), "{part:?} not in {body}");
    assert_eq!(body["data"], json!({}), "{body}");
}

pub fn assert_denied(body: &Value) {
    assert_eq!(body["status"], 400, "{body}");
    assert_eq!(body["message"], "会话已过期或权限不足，请重新登陆");
}

pub async fn spawn() -> TestApp {
    spawn_app_with(&["--captcha", "off"]).await
}

/// The newest mailed code for an address, from the outbox.
pub async fn mailed_code(app: &TestApp, email: &str) -> String {
    let mails = outbox(app).await;
    let mail = mails
        .iter()
        .find(|m| m["to"] == email)
        .unwrap_or_else(|| panic!("no mail to {email}: {mails:?}"));
    code_in(mail["body"].as_str().unwrap()).expect("a code in the mail")
}

/// Registers a student through the mailed code.
pub async fn register(app: &TestApp, sid: &str, name: &str) {
    let email = format!("{sid}@example.com");
    let (_, body) = app
        .post("/labs/user/register/mail", json!({"email": email}), None)
        .await;
    assert_ok(&body);
    let code = mailed_code(app, &email).await;
    let (status, body) = app
        .post(
            "/labs/user/register/code",
            json!({"email": email, "code": code, "name": name, "password": PASSWORD, "sid": sid, "phone": "13800000000"}),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_ok(&body);
}

/// Logs in; returns the login data and the session token from the cookie.
pub async fn login_as(app: &TestApp, sid: &str, password: &str) -> (Value, String) {
    let response = app
        .client
        .post(app.url("/labs/user/login"))
        .json(&json!({"sid": sid, "password": password}))
        .send()
        .await
        .unwrap();
    let cookie = response
        .headers()
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().to_string());
    let (_, body) = super::json_of(response).await;
    let mut data = assert_ok(&body).clone();
    let cookie = cookie.expect("a session cookie");
    let token = cookie
        .strip_prefix("onebox_labs=")
        .and_then(|rest| rest.split(';').next())
        .expect("cookie value")
        .to_string();
    // The answer carries the same token, for browsers that refuse the
    // cookie.
    let in_answer = data
        .as_object_mut()
        .and_then(|fields| fields.remove("token"));
    assert_eq!(in_answer, Some(Value::String(token.clone())), "{body}");
    (data, token)
}

pub async fn login(app: &TestApp, sid: &str) -> String {
    login_as(app, sid, PASSWORD).await.1
}

pub fn add_admin(app: &TestApp) {
    onebox::domains::labs::add_admin(&app.db_path, "admin", ADMIN_PASSWORD, Some("管理员"), 8)
        .expect("admin added");
}

/// Two labs (A led by 1001, B by 1002), three students, and everyone's token.
pub struct World {
    pub app: TestApp,
    pub admin: String,
    pub leader_a: String,
    pub leader_b: String,
    pub s1: String,
    pub s2: String,
    pub s3: String,
    pub lab_a: i64,
    pub lab_b: i64,
}

pub async fn world() -> World {
    world_with(&[]).await
}

/// The same world on a server started with `extra` flags as well.
pub async fn world_with(extra: &[&str]) -> World {
    let mut flags = vec!["--captcha", "off"];
    flags.extend_from_slice(extra);
    let app = spawn_app_with(&flags).await;
    add_admin(&app);
    for (sid, name) in [
        ("1001", "李雷"),
        ("1002", "王芳"),
        ("2001", "韩梅梅"),
        ("2002", "张伟"),
        ("2003", "刘洋"),
    ] {
        register(&app, sid, name).await;
    }
    let (_, admin) = login_as(&app, "admin", ADMIN_PASSWORD).await;
    for (name, leader) in [("实验室A", "1001"), ("实验室B", "1002")] {
        let (_, body) = app
            .post(
                "/labs/lab/create",
                json!({"name": name, "leader_id": leader, "description": "d"}),
                Some(&admin),
            )
            .await;
        assert_ok(&body);
    }
    let (_, labs) = app.get("/labs/lab/get/all", None).await;
    let labs = assert_ok(&labs).as_array().unwrap().clone();
    let id_of = |name: &str| -> i64 {
        labs.iter().find(|l| l["name"] == name).unwrap()["id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap()
    };
    World {
        lab_a: id_of("实验室A"),
        lab_b: id_of("实验室B"),
        leader_a: login(&app, "1001").await,
        leader_b: login(&app, "1002").await,
        s1: login(&app, "2001").await,
        s2: login(&app, "2002").await,
        s3: login(&app, "2003").await,
        admin,
        app,
    }
}

impl World {
    /// s1 creates a project in `lab` with s2 as member; returns its id.
    pub async fn project(&self, lab: &str, name: &str) -> i64 {
        let (_, body) = self
            .app
            .post(
                "/labs/project/create",
                json!({"name": name, "lab_name": lab, "aim": "目标", "memberIds": "2001@2002", "duration": 3600, "type": "创新"}),
                Some(&self.s1),
            )
            .await;
        assert_ok(&body);
        self.app
            .db()
            .query_row(
                "SELECT max(id) FROM labs_projects WHERE name = ?1",
                [name],
                |row| row.get(0),
            )
            .unwrap()
    }

    pub async fn get(&self, path: &str, token: &str) -> Value {
        let (status, body) = self.app.get(path, Some(token)).await;
        assert_eq!(status, 200, "{body}");
        body
    }

    pub async fn post(&self, path: &str, body: Value, token: &str) -> Value {
        let (status, body) = self.app.post(path, body, Some(token)).await;
        assert_eq!(status, 200, "{body}");
        body
    }
}

impl World {
    /// A jQuery `$.post`: a URL-encoded form.
    pub async fn form(&self, path: &str, fields: &[(&str, &str)], token: &str) -> Value {
        let (status, body) = self.app.post_form(path, fields, Some(token)).await;
        assert_eq!(status, 200, "{body}");
        body
    }
}

/// What jqGrid adds to every request it sends.
pub const JQGRID: &str = "_search=false&nd=1544280000000&sidx=&sord=asc";
