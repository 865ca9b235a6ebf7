//! Projects: created, read, updated, reviewed and soft-deleted under the role rules, with mailed notices.

use super::*;

/// A project P1 of 实验室A with members 2001 (韩梅梅) and 2002 (张伟), as
/// the create form sends it.
fn project_form() -> Value {
    json!({"name": "P1", "lab_name": "实验室A", "aim": "目标", "memberIds": "2001@2002", "description": "描述", "duration": "3600", "coach_id": "T9", "type": "创新"})
}

/// P1 created by student 2001, then P2 in 实验室A and PB in 实验室B: the
/// ids of P2 and PB.
async fn three_projects(w: &World) -> (i64, i64) {
    let (_, body) = w
        .app
        .post("/labs/project/create", project_form(), Some(&w.s1))
        .await;
    assert!(assert_ok(&body).is_null());
    (
        w.project("实验室A", "P2").await,
        w.project("实验室B", "PB").await,
    )
}

#[tokio::test]
async fn a_student_creates_a_project_and_a_bad_field_writes_nothing() {
    let w = world().await;
    let app = &w.app;
    let create = |token: Option<String>, body: Value| async move {
        app.post("/labs/project/create", body, token.as_deref())
            .await
            .1
    };
    let valid = project_form();
    assert_denied(&create(None, valid.clone()).await);
    assert_denied(&create(Some(w.admin.clone()), valid.clone()).await);
    let with = |key: &str, value: Value| {
        let mut body = valid.clone();
        body[key] = value;
        body
    };
    let s1 = Some(w.s1.clone());
    assert_failed(
        &create(s1.clone(), with("lab_name", json!("没有"))).await,
        "不存在",
    );
    assert_failed(
        &create(s1.clone(), with("memberIds", json!("2001"))).await,
        "至少",
    );
    assert_failed(
        &create(s1.clone(), with("memberIds", json!("2001@9999"))).await,
        "9999",
    );
    assert_failed(
        &create(s1.clone(), with("memberIds", json!("admin"))).await,
        "admin",
    );
    assert_failed(
        &create(s1.clone(), with("name", json!(""))).await,
        "项目名称不能为空",
    );
    assert_failed(
        &create(s1.clone(), with("aim", json!(null))).await,
        "项目目标不能为空",
    );
    assert_failed(
        &create(s1.clone(), with("duration", json!(-1))).await,
        "duration",
    );
    assert_failed(
        &create(s1.clone(), with("name", json!({"a": 1}))).await,
        "name must be a string",
    );
    let count: i64 = app
        .db()
        .query_row("SELECT count(*) FROM labs_projects", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 0, "no refused create wrote anything");
    assert!(assert_ok(&create(s1.clone(), valid.clone()).await).is_null());
    w.app.stop().await;
}

#[tokio::test]
async fn a_students_projects_are_read_by_the_student_or_an_admin() {
    let w = world().await;
    let (_p1, _p_b) = three_projects(&w).await;
    let body = w.get("/labs/project/student?sid=2001", &w.s1).await;
    let list = assert_ok(&body).as_array().unwrap().clone();
    assert_eq!(list.len(), 3);
    let item = list.iter().find(|p| p["name"] == "P1").unwrap();
    for key in ["id", "name", "coach_id", "lab_name", "leader_id", "type"] {
        assert!(item[key].is_string(), "{key} is a string: {item}");
    }
    for key in ["opt_status", "duration", "submit_time"] {
        assert!(item[key].is_i64(), "{key} is a number: {item}");
    }
    assert_eq!(
        item["members"],
        json!([{"id": "2001", "name": "韩梅梅"}, {"id": "2002", "name": "张伟"}])
    );
    assert_eq!(item["lab_name"], "实验室A");
    assert_eq!(item["duration"], 3600);
    assert!(item["start_time"].is_null());
    assert_eq!(
        assert_ok(&w.get("/labs/project/student?sid=2002", &w.s2).await)
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_denied(&w.get("/labs/project/student?sid=2001", &w.s3).await);
    assert_denied(&w.get("/labs/project/student?sid=2001", &w.leader_a).await);
    assert_eq!(
        assert_ok(&w.get("/labs/project/student?sid=2001", &w.admin).await)
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_failed(
        &w.get("/labs/project/student?sid=9999", &w.admin).await,
        "不存在",
    );
    assert_failed(&w.get("/labs/project/student", &w.admin).await, "sid");
    w.app.stop().await;
}

#[tokio::test]
async fn one_project_shows_its_members_contacts_only_to_them_their_leader_and_admins() {
    let w = world().await;
    let app = &w.app;
    let (p1, _p_b) = three_projects(&w).await;
    let one = format!("/labs/project/one?id={p1}");
    for token in [&w.s1, &w.s2, &w.leader_a, &w.admin] {
        let body = w.get(&one, token).await;
        let data = assert_ok(&body);
        assert_eq!(data["id"], p1.to_string());
        assert_eq!(data["deleted"], "0");
        assert_eq!(data["aim"], "目标");
        assert_eq!(data["members"][0]["phone"], "13800000000");
        assert_eq!(data["members"][1]["email"], "2002@example.com");
        assert_no_secrets(&body, &[PASSWORD]);
    }
    // Anyone logged in reads it, without the members' contacts.
    for token in [&w.s3, &w.leader_b] {
        let body = w.get(&one, token).await;
        let data = assert_ok(&body);
        assert_eq!(data["aim"], "目标");
        assert!(data["members"][0]["name"].is_string());
        for member in data["members"].as_array().unwrap() {
            assert_eq!(member["phone"], "", "{body}");
            assert_eq!(member["email"], "", "{body}");
        }
        assert!(!body.to_string().contains("13800000000"));
    }
    assert_denied(&app.get(&one, None).await.1);
    assert_failed(&w.get("/labs/project/one?id=999", &w.admin).await, "不存在");
    assert_failed(
        &w.get("/labs/project/one?id=abc", &w.admin).await,
        "id must be a whole number",
    );
    w.app.stop().await;
}

#[tokio::test]
async fn project_counts_are_for_admins_and_the_labs_own_leader() {
    let w = world().await;
    let (_p1, _p_b) = three_projects(&w).await;
    let count_a = format!("/labs/project/count/lab?lab_id={}", w.lab_a);
    assert_eq!(assert_ok(&w.get(&count_a, &w.leader_a).await), &json!(2));
    assert_eq!(assert_ok(&w.get(&count_a, &w.admin).await), &json!(2));
    assert_denied(&w.get(&count_a, &w.leader_b).await);
    assert_denied(&w.get(&count_a, &w.s1).await);
    assert_failed(
        &w.get("/labs/project/count/lab?lab_id=999", &w.admin).await,
        "实验室不存在",
    );

    // count/status: admin.
    assert_eq!(
        assert_ok(&w.get("/labs/project/count/status?status=0", &w.admin).await),
        &json!(3)
    );
    assert_eq!(
        assert_ok(&w.get("/labs/project/count/status?status=2", &w.admin).await),
        &json!(0)
    );
    assert_denied(
        &w.get("/labs/project/count/status?status=0", &w.leader_a)
            .await,
    );
    assert_failed(
        &w.get("/labs/project/count/status?status=8", &w.admin).await,
        "status",
    );
    w.app.stop().await;
}

#[tokio::test]
async fn a_labs_projects_are_paged_for_its_leader_and_admins_and_no_one_else() {
    // Paged when status is 0.
    let w = world().await;
    let app = &w.app;
    let (_p1, _p_b) = three_projects(&w).await;
    let lab = |status: i64, extra: &str| {
        format!(
            "/labs/project/lab?status={status}&lab_id={}{extra}",
            w.lab_a
        )
    };
    assert_eq!(
        assert_ok(&w.get(&lab(0, "&page=1&rows=1"), &w.leader_a).await)
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let page2 = w.get(&lab(0, "&page=2&rows=1"), &w.leader_a).await;
    assert_eq!(assert_ok(&page2)[0]["name"], "P1", "newest first");
    assert_eq!(
        assert_ok(&w.get(&lab(0, "&page=3&rows=1"), &w.leader_a).await),
        &json!([])
    );
    assert_eq!(
        assert_ok(&w.get(&lab(0, ""), &w.admin).await)
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // One state is listed whole: 1 待审核 holds both, 3 进行中 none yet.
    assert_eq!(
        assert_ok(&w.get(&lab(1, "&page=1&rows=1"), &w.leader_a).await)
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        assert_ok(&w.get(&lab(3, ""), &w.leader_a).await),
        &json!([])
    );
    // Only the admins and the lab's leader list its projects, as the
    // original's getProjectsByLabId allows.
    for token in [&w.leader_b, &w.s3] {
        assert_denied(&w.get(&lab(0, ""), token).await);
    }
    assert_denied(&app.get(&lab(0, ""), None).await.1);
    assert_failed(&w.get(&lab(0, "&rows=0"), &w.leader_a).await, "rows");
    // jqGrid's "everything" (rows=100000) is clamped, not refused.
    assert_eq!(
        assert_ok(&w.get(&lab(0, "&page=1&rows=100000"), &w.leader_a).await)
            .as_array()
            .unwrap()
            .len(),
        2
    );
    w.app.stop().await;
}

#[tokio::test]
async fn every_project_is_listed_in_pages_for_admins_only() {
    let w = world().await;
    let (_p1, p_b) = three_projects(&w).await;
    let all = w
        .get("/labs/project/all?status=0&page=1&rows=10", &w.admin)
        .await;
    let ids: Vec<String> = assert_ok(&all)
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 3);
    assert!(ids.contains(&p_b.to_string()));
    assert_denied(&w.get("/labs/project/all?status=0", &w.leader_a).await);
    assert_failed(&w.get("/labs/project/all?page=1", &w.admin).await, "status");
    w.app.stop().await;
}

/// An update of P1: new name, duration, aim and type, and 2003 as its
/// only member besides its leader; mailed to the members when `notify`.
fn p1_update(p1: i64, notify: bool) -> Value {
    json!({"id": p1, "name": "P1 改", "duration": 7200, "aim": "新目标", "type": "科研", "memberIds": "2003", "description": "新描述", "notify": notify})
}

#[tokio::test]
async fn the_labs_leader_updates_a_project_and_its_members_are_mailed() {
    let w = world().await;
    let app = &w.app;
    let p1 = w.project("实验室A", "P1").await;
    let update = p1_update(p1, true);
    assert_denied(
        &w.post("/labs/project/update", update.clone(), &w.leader_b)
            .await,
    );
    assert_denied(&w.post("/labs/project/update", update.clone(), &w.s1).await);
    let mails_before = outbox(app).await.len();
    assert_ok(&w.post("/labs/project/update", update, &w.leader_a).await);
    let body = w.get(&format!("/labs/project/one?id={p1}"), &w.admin).await;
    let data = assert_ok(&body);
    assert_eq!(data["name"], "P1 改");
    assert_eq!(data["duration"], 7200);
    assert_eq!(data["type"], "科研");
    let members: Vec<&str> = data["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(members, vec!["2001", "2003"], "the leader stays first");
    let mails = outbox(app).await;
    assert_eq!(mails.len() - mails_before, 2, "each member is notified");
    let notified: Vec<&str> = mails[..2]
        .iter()
        .map(|m| m["to"].as_str().unwrap())
        .collect();
    assert!(notified.contains(&"2001@example.com") && notified.contains(&"2003@example.com"));
    assert!(mails[0]["subject"].as_str().unwrap().contains("P1 改"));
    // 2002 is no longer a member: the contacts are gone.
    let body = w.get(&format!("/labs/project/one?id={p1}"), &w.s2).await;
    assert!(
        assert_ok(&body)["members"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["email"] == ""),
        "{body}"
    );
}

/// Without notify nothing is mailed; missing required fields fail.
#[tokio::test]
async fn an_update_without_notify_mails_no_one_and_one_missing_a_field_fails() {
    let w = world().await;
    let p1 = w.project("实验室A", "P1").await;
    let quiet = p1_update(p1, false);
    let mails_before = outbox(&w.app).await.len();
    assert_ok(
        &w.post("/labs/project/update", quiet.clone(), &w.admin)
            .await,
    );
    assert_eq!(outbox(&w.app).await.len(), mails_before);
    for missing in ["duration", "type", "name", "aim", "memberIds"] {
        let mut body = quiet.clone();
        body.as_object_mut().unwrap().remove(missing);
        assert_eq!(
            w.post("/labs/project/update", body, &w.admin).await["status"],
            300,
            "{missing}"
        );
    }
    let mut unknown = quiet;
    unknown["id"] = json!(999);
    assert_failed(
        &w.post("/labs/project/update", unknown, &w.admin).await,
        "不存在",
    );
}

/// The target is one of the original's states: 3 进行中, 5 已完成, 2 已拒绝.
#[tokio::test]
async fn only_the_labs_leader_or_an_admin_reviews_and_only_to_a_known_state() {
    let w = world().await;
    let p1 = w.project("实验室A", "P1").await;
    let review = |status: i64| json!({"id": p1, "opt_status": status});
    assert_denied(&w.post("/labs/project/review", review(3), &w.s1).await);
    assert_denied(&w.post("/labs/project/review", review(3), &w.leader_b).await);
    for bad in [9, 1, 6] {
        assert_failed(
            &w.post("/labs/project/review", review(bad), &w.leader_a)
                .await,
            "status",
        );
    }
}

/// Review: approve stamps the start, finish the end.
#[tokio::test]
async fn approving_stamps_a_projects_start_and_finishing_its_end() {
    let w = world().await;
    let p1 = w.project("实验室A", "P1").await;
    let review = |status: i64| json!({"id": p1, "opt_status": status});
    assert_ok(&w.post("/labs/project/review", review(3), &w.leader_a).await);
    let body = w.get(&format!("/labs/project/one?id={p1}"), &w.s1).await;
    // The original's opt_status stays 0 once under way; the times tell.
    assert_eq!(assert_ok(&body)["opt_status"], 0);
    assert!(assert_ok(&body)["start_time"].as_i64().unwrap() > 1_600_000_000_000);
    assert!(assert_ok(&body)["end_time"].is_null());
    assert_eq!(
        assert_ok(&w.get("/labs/project/count/status?status=3", &w.admin).await),
        &json!(1)
    );
    assert_ok(&w.post("/labs/project/review", review(5), &w.admin).await);
    let body = w.get(&format!("/labs/project/one?id={p1}"), &w.s1).await;
    assert!(assert_ok(&body)["end_time"].is_i64());
    assert_eq!(
        assert_ok(&w.get("/labs/project/count/status?status=5", &w.admin).await),
        &json!(1)
    );
    w.app.stop().await;
}

/// The world with projects P1 and P2 in lab A and PB in lab B, all
/// created by s1 (student 2001).
struct Projects {
    w: World,
    p1: i64,
    p2: i64,
    p_b: i64,
}

async fn projects() -> Projects {
    let w = world().await;
    let p1 = w.project("实验室A", "P1").await;
    let p2 = w.project("实验室A", "P2").await;
    let p_b = w.project("实验室B", "PB").await;
    Projects { w, p1, p2, p_b }
}

impl Projects {
    /// How many projects student 2001's list shows (deleted ones are not).
    async fn listed(&self) -> usize {
        let body = self
            .w
            .get("/labs/project/student?sid=2001", &self.w.s1)
            .await;
        assert_ok(&body).as_array().unwrap().len()
    }

    async fn delete(&self, body: Value, token: &str) -> Value {
        self.w.post("/labs/project/delete", body, token).await
    }

    async fn delete_as_student(&self, body: Value, token: &str) -> Value {
        self.w
            .post("/labs/project/delete/student", body, token)
            .await
    }
}

#[tokio::test]
async fn a_student_deletes_softly_only_a_project_they_lead_and_can_bring_it_back() {
    let at = projects().await;
    let (w, p1) = (&at.w, at.p1);
    assert_denied(&at.delete_as_student(json!({"pid": p1}), &w.s2).await);
    assert_denied(&at.delete_as_student(json!({"pid": p1}), &w.leader_a).await);
    assert_ok(&at.delete_as_student(json!({"pid": p1}), &w.s1).await);
    assert_eq!(at.listed().await, 2);
    let body = w.get(&format!("/labs/project/one?id={p1}"), &w.s1).await;
    assert_eq!(assert_ok(&body)["deleted"], "1");
    assert_eq!(
        assert_ok(
            &w.get(
                &format!("/labs/project/count/lab?lab_id={}", w.lab_a),
                &w.admin
            )
            .await
        ),
        &json!(1)
    );
    assert_ok(
        &at.delete_as_student(json!({"pid": p1, "newValue": "0"}), &w.s1)
            .await,
    );
    assert_eq!(at.listed().await, 3);
}

#[tokio::test]
async fn a_students_delete_refuses_a_bad_new_value_and_an_unknown_project() {
    let at = projects().await;
    let w = &at.w;
    assert_failed(
        &at.delete_as_student(json!({"pid": at.p1, "newValue": 5}), &w.s1)
            .await,
        "newValue",
    );
    assert_failed(
        &at.delete_as_student(json!({"pid": 999}), &w.s1).await,
        "不存在",
    );
}

#[tokio::test]
async fn a_leader_deletes_none_when_any_id_is_another_labs_and_a_student_none_at_all() {
    let at = projects().await;
    let w = &at.w;
    let ids = format!("{}@{}", at.p1, at.p_b);
    assert_denied(&at.delete(json!({"ids": ids}), &w.leader_a).await);
    assert_denied(&at.delete(json!({"ids": at.p1.to_string()}), &w.s1).await);
    assert_eq!(at.listed().await, 3, "nothing was deleted");
}

#[tokio::test]
async fn a_delete_naming_an_unknown_or_unreadable_id_deletes_none() {
    let at = projects().await;
    let w = &at.w;
    assert_failed(
        &at.delete(json!({"ids": format!("{}@999", at.p1)}), &w.admin)
            .await,
        "999",
    );
    assert_failed(&at.delete(json!({"ids": "1@x"}), &w.admin).await, "ids");
    assert_eq!(at.listed().await, 3);
}

#[tokio::test]
async fn leaders_delete_their_labs_projects_and_admins_delete_and_restore_any() {
    let at = projects().await;
    let (w, p1, p2, p_b) = (&at.w, at.p1, at.p2, at.p_b);
    assert_ok(
        &at.delete(json!({"ids": format!("{p1}@{p2}")}), &w.leader_a)
            .await,
    );
    assert_eq!(at.listed().await, 1);
    assert_ok(
        &at.delete(
            json!({"ids": format!("{p1}@{p2}@{p_b}"), "newValue": 1}),
            &w.admin,
        )
        .await,
    );
    assert_eq!(at.listed().await, 0);
    assert_ok(
        &at.delete(json!({"ids": p_b.to_string(), "newValue": 0}), &w.admin)
            .await,
    );
    assert_eq!(at.listed().await, 1);
    at.w.app.stop().await;
}

#[tokio::test]
async fn under_compat_labs_times_are_the_spring_servers_text() {
    let w = world_with(&["--compat", "labs"]).await;
    let p1 = w.project("实验室A", "P1").await;
    let one = w.get(&format!("/labs/project/one?id={p1}"), &w.s1).await;
    let submitted = assert_ok(&one)["submit_time"]
        .as_str()
        .expect("a string")
        .to_string();
    // 2018-10-08T22:18:09.000+0000, which common.js splits on T and ':'.
    assert_eq!(
        (submitted.len(), &submitted[10..11], &submitted[19..]),
        (28, "T", ".000+0000")
    );
    assert!(assert_ok(&one)["start_time"].is_null());
    assert_eq!(assert_ok(&one)["duration"], 3600);
    let labs = w.get("/labs/lab/get/all", &w.s1).await;
    assert!(
        assert_ok(&labs)[0]["create_time"]
            .as_str()
            .unwrap()
            .ends_with("+0000")
    );
    w.app.stop().await;
}
