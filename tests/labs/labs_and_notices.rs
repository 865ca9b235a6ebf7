//! Labs, notifications and bulletins.

use super::*;

#[tokio::test]
async fn labs_are_public_to_read_and_an_unknown_one_is_refused() {
    let w = world().await;
    let app = &w.app;
    let (_, body) = app.get("/labs/lab/get/all", None).await;
    let labs = assert_ok(&body).as_array().unwrap().clone();
    assert_eq!(labs.len(), 2);
    for key in ["id", "name", "leader_id", "leader_name", "description"] {
        assert!(labs[0][key].is_string(), "{key}: {}", labs[0]);
    }
    assert!(labs[0]["create_time"].is_i64());
    let (_, body) = app
        .get(&format!("/labs/lab/get?id={}", w.lab_b), None)
        .await;
    assert_eq!(assert_ok(&body)["leader_id"], "1002");
    let (_, body) = app.get("/labs/lab/get?id=999", None).await;
    assert_failed(&body, "实验室不存在");
}

/// The lab the tests add.
const LAB_C: &str = "实验室C";

/// The admin creates 实验室C, led by student 2003; its id.
async fn create_lab_c(w: &World) -> i64 {
    let new_lab = json!({"name": LAB_C, "leader_id": "2003", "description": "新"});
    assert_ok(&w.post("/labs/lab/create", new_lab, &w.admin).await);
    w.app
        .db()
        .query_row("SELECT id FROM labs_labs WHERE name = ?1", [LAB_C], |r| {
            r.get(0)
        })
        .unwrap()
}

#[tokio::test]
async fn only_an_admin_creates_a_lab_and_a_taken_name_a_busy_leader_or_a_gap_is_refused() {
    let w = world().await;
    let new_lab = json!({"name": LAB_C, "leader_id": "2003", "description": "新"});
    assert_denied(
        &w.post("/labs/lab/create", new_lab.clone(), &w.leader_a)
            .await,
    );
    assert_denied(&w.app.post("/labs/lab/create", new_lab, None).await.1);
    assert_failed(
        &w.post("/labs/lab/create", json!({"name": "实验室A"}), &w.admin)
            .await,
        "已存在",
    );
    assert_failed(
        &w.post(
            "/labs/lab/create",
            json!({"name": "X", "leader_id": "1001"}),
            &w.admin,
        )
        .await,
        "负责人",
    );
    assert_failed(
        &w.post(
            "/labs/lab/create",
            json!({"name": "X", "leader_id": "admin"}),
            &w.admin,
        )
        .await,
        "不是已注册的学生",
    );
    assert_failed(
        &w.post("/labs/lab/create", json!({"leader_id": "2003"}), &w.admin)
            .await,
        "实验室名称不能为空",
    );
}

#[tokio::test]
async fn a_new_labs_leader_logs_in_as_role_2_with_their_lab() {
    let w = world().await;
    create_lab_c(&w).await;
    let (data, _) = login_as(&w.app, "2003", PASSWORD).await;
    assert_eq!(data["role"], 2, "naming a leader makes them role 2");
    assert_eq!(data["lab"]["name"], LAB_C);
}

#[tokio::test]
async fn only_an_admin_changes_a_lab_and_an_unsent_leader_stays() {
    let w = world().await;
    let lab_c = create_lab_c(&w).await;
    assert_denied(
        &w.post(
            "/labs/lab/update",
            json!({"id": lab_c, "name": "C2"}),
            &w.s1,
        )
        .await,
    );
    assert_ok(
        &w.post(
            "/labs/lab/update",
            json!({"id": lab_c, "name": "实验室C2", "description": "改"}),
            &w.admin,
        )
        .await,
    );
    let (_, body) = w.app.get(&format!("/labs/lab/get?id={lab_c}"), None).await;
    assert_eq!(assert_ok(&body)["name"], "实验室C2");
    assert_eq!(
        assert_ok(&body)["leader_id"],
        "2003",
        "an unsent leader stays"
    );
    assert_failed(
        &w.post(
            "/labs/lab/update",
            json!({"id": lab_c, "name": "实验室A"}),
            &w.admin,
        )
        .await,
        "已存在",
    );
    assert_failed(
        &w.post(
            "/labs/lab/update",
            json!({"id": 999, "name": "Z"}),
            &w.admin,
        )
        .await,
        "实验室不存在",
    );
}

#[tokio::test]
async fn only_an_admin_deletes_a_lab_and_never_one_with_projects() {
    let w = world().await;
    let lab_c = create_lab_c(&w).await;
    w.project("实验室A", "P1").await;
    assert_failed(
        &w.post("/labs/lab/delete", json!({"id": w.lab_a}), &w.admin)
            .await,
        "还有项目",
    );
    assert_denied(
        &w.post("/labs/lab/delete", json!({"id": lab_c}), &w.leader_a)
            .await,
    );
    assert_ok(
        &w.post("/labs/lab/delete", json!({"id": lab_c}), &w.admin)
            .await,
    );
    assert_failed(
        &w.app
            .get(&format!("/labs/lab/get?id={lab_c}"), None)
            .await
            .1,
        "实验室不存在",
    );
    w.app.stop().await;
}

#[tokio::test]
async fn a_lab_shows_its_leader_and_classroom_and_every_lab_name_is_listed() {
    let w = world().await;
    let id = w.lab_a.to_string();
    let changed = w
        .form(
            "/labs/lab/update",
            &[("id", &id), ("classroom", "主楼 501")],
            &w.leader_a,
        )
        .await;
    assert_ok(&changed);
    // A leader changes their lab, but never hands it to someone else.
    let handed = w
        .form(
            "/labs/lab/update",
            &[("id", &id), ("leader_id", "2001")],
            &w.leader_a,
        )
        .await;
    assert_denied(&handed);
    let other = w.lab_b.to_string();
    assert_denied(
        &w.form(
            "/labs/lab/update",
            &[("id", &other), ("classroom", "x")],
            &w.leader_a,
        )
        .await,
    );
    let lab = w.get(&format!("/labs/lab/get?id={id}"), &w.s1).await;
    let lab = assert_ok(&lab);
    assert_eq!(lab["classroom"], "主楼 501");
    assert_eq!(lab["leader"], json!({"id": "1001", "name": "李雷"}));
    let names = w.get("/labs/lab/get/name", &w.s1).await;
    assert_eq!(assert_ok(&names), &json!(["实验室A", "实验室B"]));
    w.app.stop().await;
}

#[tokio::test]
async fn a_review_notifies_the_projects_members_until_each_reads_it() {
    let w = world().await;
    let p1 = w.project("实验室A", "P1").await.to_string();
    assert_ok(
        &w.form(
            "/labs/project/review",
            &[("id", &p1), ("opt_status", "3")],
            &w.leader_a,
        )
        .await,
    );
    let notes = w.get("/labs/noti/get", &w.s2).await;
    let notes = assert_ok(&notes).as_array().unwrap().clone();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["type"], "项目审核");
    assert_eq!(notes[0]["from"], "实验室A");
    assert!(
        notes[0]["content"].as_str().unwrap().contains("P1"),
        "{notes:?}"
    );
    // Outsiders get nothing; one member reading leaves the other's unread.
    assert_eq!(assert_ok(&w.get("/labs/noti/get", &w.s3).await), &json!([]));
    let nid = notes[0]["id"].to_string();
    assert_ok(&w.form("/labs/noti/read", &[("nid", &nid)], &w.s2).await);
    assert_failed(
        &w.form("/labs/noti/read", &[("nid", &nid)], &w.s2).await,
        "通知",
    );
    assert_eq!(assert_ok(&w.get("/labs/noti/get", &w.s2).await), &json!([]));
    assert_eq!(
        assert_ok(&w.get("/labs/noti/get", &w.s1).await)
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_ok(&w.form("/labs/noti/read/all", &[], &w.s1).await);
    assert_eq!(assert_ok(&w.get("/labs/noti/get", &w.s1).await), &json!([]));
    w.app.stop().await;
}

/// The world with two bulletins: the admin's 全校通知 (停电) and, newer,
/// lab A's leader's 开放日.
struct Bulletins {
    w: World,
    lab_post: String,
    admin_post: String,
}

/// Every bulletin as student 2001's jqGrid lists them.
async fn bulletin_list(w: &World) -> Vec<Value> {
    let list = w
        .get(
            &format!("/labs/bulletin/get?{JQGRID}&page=1&rows=100000"),
            &w.s1,
        )
        .await;
    assert_ok(&list).as_array().unwrap().clone()
}

async fn bulletins() -> Bulletins {
    let w = world().await;
    for (title, content, token) in [
        ("全校通知", "停电", &w.admin),
        ("开放日", "周六", &w.leader_a),
    ] {
        assert_ok(
            &w.form(
                "/labs/bulletin/create",
                &[("title", title), ("content", content)],
                token,
            )
            .await,
        );
    }
    let list = bulletin_list(&w).await;
    let (lab_post, admin_post) = (list[0]["id"].to_string(), list[1]["id"].to_string());
    Bulletins {
        w,
        lab_post,
        admin_post,
    }
}

#[tokio::test]
async fn only_admins_and_lab_leaders_post_bulletins_and_a_blank_title_is_refused() {
    let w = world().await;
    assert_ok(
        &w.form(
            "/labs/bulletin/create",
            &[("title", "全校通知"), ("content", "停电")],
            &w.admin,
        )
        .await,
    );
    assert_ok(
        &w.form(
            "/labs/bulletin/create",
            &[("title", "开放日"), ("content", "周六")],
            &w.leader_a,
        )
        .await,
    );
    assert_denied(
        &w.form(
            "/labs/bulletin/create",
            &[("title", "t"), ("content", "c")],
            &w.s1,
        )
        .await,
    );
    assert_failed(
        &w.form(
            "/labs/bulletin/create",
            &[("title", " "), ("content", "c")],
            &w.admin,
        )
        .await,
        "标题",
    );
}

#[tokio::test]
async fn bulletins_are_listed_newest_first_by_their_source_without_their_content() {
    let Bulletins { w, .. } = bulletins().await;
    let list = bulletin_list(&w).await;
    let froms: Vec<&str> = list.iter().map(|b| b["from"].as_str().unwrap()).collect();
    assert_eq!(froms, ["实验室A", "系统公告"], "newest first");
    assert!(list[0].get("content").is_none());
    assert_eq!(
        assert_ok(&w.get("/labs/bulletin/count", &w.s1).await),
        &json!(2)
    );
}

#[tokio::test]
async fn a_bulletins_reads_count_only_when_asked_to() {
    let Bulletins { w, admin_post, .. } = bulletins().await;
    for _ in 0..2 {
        w.get(
            &format!("/labs/bulletin/one?id={admin_post}&read_count=true"),
            &w.s1,
        )
        .await;
    }
    let one = w
        .get(&format!("/labs/bulletin/one?id={admin_post}"), &w.s1)
        .await;
    assert_eq!(
        (&assert_ok(&one)["content"], &assert_ok(&one)["read_count"]),
        (&json!("停电"), &json!(2))
    );
}

#[tokio::test]
async fn a_leader_changes_their_labs_bulletins_never_the_admins_or_another_labs() {
    let Bulletins {
        w,
        lab_post,
        admin_post,
    } = bulletins().await;
    assert_denied(
        &w.form(
            "/labs/bulletin/update",
            &[("id", &admin_post), ("title", "x"), ("content", "y")],
            &w.leader_a,
        )
        .await,
    );
    assert_denied(
        &w.form("/labs/bulletin/delete", &[("ids", &lab_post)], &w.leader_b)
            .await,
    );
    assert_denied(
        &w.form(
            "/labs/bulletin/delete",
            &[("ids", &format!("{lab_post}@{admin_post}"))],
            &w.leader_a,
        )
        .await,
    );
    assert_ok(
        &w.form(
            "/labs/bulletin/update",
            &[
                ("id", &lab_post),
                ("title", "开放日改期"),
                ("content", "周日"),
            ],
            &w.leader_a,
        )
        .await,
    );
    assert_ok(
        &w.form("/labs/bulletin/delete", &[("ids", &lab_post)], &w.leader_a)
            .await,
    );
}

#[tokio::test]
async fn deleted_bulletins_leave_the_count_and_are_not_found() {
    let Bulletins {
        w,
        lab_post,
        admin_post,
    } = bulletins().await;
    assert_ok(
        &w.form("/labs/bulletin/delete", &[("ids", &lab_post)], &w.leader_a)
            .await,
    );
    assert_ok(
        &w.form("/labs/bulletin/delete", &[("ids", &admin_post)], &w.admin)
            .await,
    );
    assert_eq!(
        assert_ok(&w.get("/labs/bulletin/count", &w.s1).await),
        &json!(0)
    );
    assert_failed(
        &w.get(&format!("/labs/bulletin/one?id={admin_post}"), &w.s1)
            .await,
        "不存在",
    );
    w.app.stop().await;
}
