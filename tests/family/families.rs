//! Families: created, joined, decided, handed over and left; the member places under concurrency.

use super::*;

/// `who` applies to join the family `family_id` (as sent: a number or text).
async fn apply(app: &TestApp, who: &str, family_id: Value) -> (u16, Value) {
    post(
        app,
        "user_manage/about_family/",
        who,
        json!({"family_id": family_id}),
    )
    .await
}

/// `parent` decides on `user_id`'s application: "0" agrees, "1" refuses.
async fn decide(app: &TestApp, parent: &str, body: Value) -> (u16, Value) {
    put(app, "family/familyMember/", parent, body).await
}

/// `parent` hands their place over to `user_id`.
async fn hand_over(app: &TestApp, parent: &str, body: Value) -> (u16, Value) {
    put(app, "family/familyManage/", parent, body).await
}

async fn leave(app: &TestApp, who: &str) -> (u16, Value) {
    delete(app, "user_manage/about_family/", who, json!({})).await
}

#[tokio::test]
async fn a_user_creates_one_family_and_no_second() {
    let app = spawn_app().await;
    let parent = register(&app, "家长").await;

    let (status, body) = get(&app, "family/familyManage/", &parent).await;
    assert_eq!(
        (status, body.clone()),
        (200, json!({"code": 200, "msg": "ok", "family": "null"}))
    );
    let (status, body) = post(&app, "family/familyManage/", &parent, json!({})).await;
    assert_code(status, &body, 400);
    family_with(&app, &parent, &[]).await;
    let (status, body) = post(
        &app,
        "family/familyManage/",
        &parent,
        json!({"family_name": "second"}),
    )
    .await;
    assert_eq!(
        (status, body.clone()),
        (460, json!({"code": 460, "msg": "Reach the upper limit"}))
    );
    app.stop().await;
}

#[tokio::test]
async fn applying_needs_a_known_family_and_an_applicant_in_none() {
    let app = spawn_app().await;
    let parent = register(&app, "家长").await;
    let child = register(&app, "用户2").await;
    let family_id = family_with(&app, &parent, &[]).await;

    let (status, body) = apply(&app, &child, json!("999")).await;
    assert_code(status, &body, 404);
    let (status, body) = apply(&app, &child, json!("one")).await;
    assert_code(status, &body, 400);
    let (status, body) = apply(&app, &parent, json!(family_id)).await;
    assert_code(status, &body, 460);
    let (status, _) = apply(&app, &child, json!(family_id.to_string())).await;
    assert_eq!(status, 200);
    // A second application while the first waits.
    let (status, body) = apply(&app, &child, json!(family_id)).await;
    assert_code(status, &body, 400);
    app.stop().await;
}

#[tokio::test]
async fn an_application_reaches_the_parents_inbox_and_pending_list_only() {
    let app = spawn_app().await;
    let parent = register(&app, "家长").await;
    let child = register(&app, "用户2").await;
    let child_id = user_id(&app, &child).await;
    let family_id = family_with(&app, &parent, &[]).await;
    apply(&app, &child, json!(family_id)).await;

    let (_, inbox) = get(&app, "message/", &parent).await;
    let notice = inbox.as_array().unwrap().last().unwrap().clone();
    assert_eq!(notice["title"], "加入家庭申请");
    // A join request (type 2) comes from the applicant.
    assert_eq!(notice["type"], 2);
    assert_eq!(notice["send_id"], "用户2");
    assert!(
        notice["text"].as_str().unwrap().contains("用户2"),
        "{notice}"
    );
    let (status, pending) = get(&app, "family/familyMember/", &parent).await;
    assert_eq!(status, 200);
    assert_eq!(pending[0]["user_id"], child_id);
    let (status, body) = get(&app, "family/familyMember/", &child).await;
    assert_code(status, &body, 403);
    app.stop().await;
}

#[tokio::test]
async fn only_a_parent_decides_and_only_on_a_pending_application() {
    let app = spawn_app().await;
    let parent = register(&app, "家长").await;
    let child = register(&app, "用户2").await;
    let other = register(&app, "用户3").await;
    let (child_id, other_id) = (user_id(&app, &child).await, user_id(&app, &other).await);
    let family_id = family_with(&app, &parent, &[]).await;
    apply(&app, &child, json!(family_id)).await;

    let (status, body) = decide(&app, &child, json!({"user_id": child_id, "is_agree": "0"})).await;
    assert_code(status, &body, 403);
    let (status, body) = decide(&app, &parent, json!({"user_id": other_id, "is_agree": "0"})).await;
    assert_eq!(
        (status, body.clone()),
        (418, json!({"code": 418, "msg": "happy new year"}))
    );
    // A parent_id naming someone else.
    let (status, body) = decide(
        &app,
        &parent,
        json!({"parent_id": other_id, "user_id": child_id, "is_agree": "0"}),
    )
    .await;
    assert_code(status, &body, 403);
    let (status, body) = decide(&app, &parent, json!({"user_id": child_id, "is_agree": "2"})).await;
    assert_code(status, &body, 400);
    app.stop().await;
}

#[tokio::test]
async fn a_refusal_tells_the_applicant_and_ends_the_application() {
    let app = spawn_app().await;
    let parent = register(&app, "家长").await;
    let other = register(&app, "用户3").await;
    let (parent_id, other_id) = (user_id(&app, &parent).await, user_id(&app, &other).await);
    let family_id = family_with(&app, &parent, &[]).await;
    apply(&app, &other, json!(family_id)).await;

    let (status, _) = decide(&app, &parent, json!({"parent_id": parent_id.to_string(), "user_id": other_id.to_string(), "is_agree": "1"})).await;
    assert_eq!(status, 200);
    let (_, inbox) = get(&app, "message/", &other).await;
    assert_eq!(inbox[0]["title"], "家庭申请未通过");
    // A notice (type 1) from the parent who decided, as the original sends it.
    assert_eq!(inbox[0]["send_id"], "家长");
    assert_eq!(inbox[0]["send_name"], "家长");
    assert_eq!(inbox[0]["type"], 1);
    let (status, _) = decide(&app, &parent, json!({"user_id": other_id, "is_agree": "0"})).await;
    assert_eq!(status, 418);
    app.stop().await;
}

#[tokio::test]
async fn an_approval_tells_the_applicant_and_numbers_their_place() {
    let app = spawn_app().await;
    let parent = register(&app, "家长").await;
    let child = register(&app, "用户2").await;
    let (parent_id, child_id) = (user_id(&app, &parent).await, user_id(&app, &child).await);
    let family_id = family_with(&app, &parent, &[]).await;
    apply(&app, &child, json!(family_id)).await;

    let (status, _) = decide(&app, &parent, json!({"parent_id": parent_id.to_string(), "user_id": child_id.to_string(), "is_agree": "0"})).await;
    assert_eq!(status, 200);
    let (_, inbox) = get(&app, "message/", &child).await;
    assert_eq!(inbox[0]["title"], "家庭申请已通过");
    let (status, info) = get(&app, "family/familyManage/", &child).await;
    assert_eq!(status, 200);
    assert_eq!(info["code"], 200);
    assert_eq!(info["token"], child.as_str());
    assert_eq!(info["id"], family_id);
    assert_eq!(info["family_name"], "newfamily");
    let mut expected = serde_json::Map::new();
    // Numbered places, as the document's example and the original number
    // them: the creator is parent1, the first member members3.
    expected.insert("parent1".into(), json!("家长"));
    expected.insert("members3".into(), json!("用户2"));
    assert_eq!(info["family_member"], Value::Object(expected.clone()));
    let (_, user_info) = get(&app, "user_manage/user_info/", &child).await;
    assert_eq!(
        user_info["family1"]["family_member"],
        Value::Object(expected)
    );
    assert_eq!(user_info["family1"]["id"], family_id);
    app.stop().await;
}

#[tokio::test]
async fn the_only_parent_cannot_leave_the_members_without_one() {
    let app = spawn_app().await;
    let parent = register(&app, "家长").await;
    let child = register(&app, "用户2").await;
    family_with(&app, &parent, &[&child]).await;

    let (status, body) = leave(&app, &parent).await;
    assert_code(status, &body, 403);
    app.stop().await;
}

#[tokio::test]
async fn a_parent_hands_over_to_a_member_and_not_to_oneself() {
    let app = spawn_app().await;
    let parent = register(&app, "家长").await;
    let child = register(&app, "用户2").await;
    let other = register(&app, "用户3").await;
    let (parent_id, child_id) = (user_id(&app, &parent).await, user_id(&app, &child).await);
    let other_id = user_id(&app, &other).await;
    family_with(&app, &parent, &[&child]).await;

    // Parents only, before any other check.
    for body in [
        json!({"user_id": parent_id}),
        json!({"user_id": child_id}),
        json!({}),
    ] {
        let (status, answer) = hand_over(&app, &child, body).await;
        assert_code(status, &answer, 403);
    }
    let (status, body) = hand_over(&app, &parent, json!({"user_id": other_id})).await;
    assert_code(status, &body, 404);
    let (status, body) = hand_over(&app, &parent, json!({"user_id": parent_id})).await;
    assert_code(status, &body, 400);
    // With one parent, handing over adds a second.
    let (status, body) = hand_over(&app, &parent, json!({"user_id": child_id.to_string()})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["family_member"],
        json!({"parent1": "家长", "parent2": "用户2"})
    );
    // Already a parent.
    let (status, body) = hand_over(&app, &parent, json!({"user_id": child_id})).await;
    assert_code(status, &body, 400);
    app.stop().await;
}

#[tokio::test]
async fn with_two_parents_handing_over_makes_the_caller_a_member() {
    let app = spawn_app().await;
    let parent = register(&app, "家长").await;
    let child = register(&app, "用户2").await;
    let third = register(&app, "用户4").await;
    let (child_id, third_id) = (user_id(&app, &child).await, user_id(&app, &third).await);
    let family_id = family_with(&app, &parent, &[&child]).await;
    hand_over(&app, &parent, json!({"user_id": child_id})).await;
    // The second parent decides too.
    apply(&app, &third, json!(family_id)).await;
    decide(&app, &child, json!({"user_id": third_id, "is_agree": 0})).await;

    let (status, body) = hand_over(&app, &parent, json!({"user_id": third_id})).await;
    assert_eq!(status, 200, "{body}");
    // The caller and the new parent swap places.
    assert_eq!(
        body["family_member"],
        json!({"parent1": "用户4", "parent2": "用户2", "members3": "家长"})
    );
    app.stop().await;
}

#[tokio::test]
async fn members_leave_and_the_last_to_leave_removes_the_family() {
    let app = spawn_app().await;
    let parent = register(&app, "家长").await;
    let child = register(&app, "用户2").await;
    let third = register(&app, "用户4").await;
    let (child_id, third_id) = (user_id(&app, &child).await, user_id(&app, &third).await);
    family_with(&app, &parent, &[&child, &third]).await;
    hand_over(&app, &parent, json!({"user_id": child_id})).await;
    hand_over(&app, &parent, json!({"user_id": third_id})).await;

    let (status, _) = leave(&app, &parent).await;
    assert_eq!(status, 200);
    let (_, info) = get(&app, "family/familyManage/", &parent).await;
    assert_eq!(info["family"], "null");
    let (status, body) = leave(&app, &parent).await;
    assert_code(status, &body, 400);
    assert_eq!(leave(&app, &third).await.0, 200);
    let (status, body) = leave(&app, &child).await;
    assert_eq!(status, 200);
    assert_eq!(body["family_removed"], true);
    let families: i64 = app
        .db()
        .query_row("SELECT count(*) FROM family_families", [], |r| r.get(0))
        .unwrap();
    assert_eq!(families, 0);
    app.stop().await;
}

#[tokio::test]
async fn a_family_whose_six_member_places_are_taken_takes_no_more_applications() {
    let app = spawn_app().await;
    let parent = register(&app, "p").await;
    let mut members = Vec::new();
    // Places 3 to 8 are the members' (`members3` ... `members8`); 1 and 2
    // are kept for parents.
    for n in 0..6 {
        members.push(register(&app, &format!("m{n}")).await);
    }
    let refs: Vec<&str> = members.iter().map(String::as_str).collect();
    let family_id = family_with(&app, &parent, &refs).await;
    let late = register(&app, "late").await;
    let (status, body) = post(
        &app,
        "user_manage/about_family/",
        &late,
        json!({"family_id": family_id}),
    )
    .await;
    assert_code(status, &body, 460);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twelve_approvals_at_once_never_fill_more_than_the_six_member_places() {
    let app = spawn_app().await;
    let parent = register(&app, "parent").await;
    let family_id = family_with(&app, &parent, &[]).await;
    let mut applicants = Vec::new();
    for n in 0..12 {
        let token = register(&app, &format!("applicant{n}")).await;
        let (status, _) = post(
            &app,
            "user_manage/about_family/",
            &token,
            json!({"family_id": family_id}),
        )
        .await;
        assert_eq!(status, 200);
        applicants.push(user_id(&app, &token).await);
    }
    let decisions = applicants.iter().map(|id| {
        let request = app
            .client
            .put(app.url(&at("family/familyMember/", Some(&parent))))
            .json(&json!({"user_id": id, "is_agree": "0"}));
        async move { common::json_of(request.send().await.unwrap()).await }
    });
    let answers = futures_util::future::join_all(decisions).await;
    let accepted = answers.iter().filter(|(s, _)| *s == 200).count();
    let full = answers
        .iter()
        .filter(|(s, b)| *s == 460 && b["code"] == 460)
        .count();
    assert_eq!((accepted, full), (6, 6), "{answers:?}");
    let members: i64 = app
        .db()
        .query_row(
            "SELECT count(*) FROM family_users WHERE family_id = ?1",
            [family_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(members, 7);
    app.stop().await;
}

#[tokio::test]
async fn deciding_on_an_applicant_who_joined_another_family_is_460() {
    let app = spawn_app().await;
    let first = register(&app, "家长甲").await;
    let second = register(&app, "家长乙").await;
    let applicant = register(&app, "申请人").await;
    let applicant_id = user_id(&app, &applicant).await;
    let family_a = family_with(&app, &first, &[]).await;
    let family_b = family_with(&app, &second, &[]).await;
    for family in [family_a, family_b] {
        let (status, body) = post(
            &app,
            "user_manage/about_family/",
            &applicant,
            json!({"family_id": family}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = put(
        &app,
        "family/familyMember/",
        &second,
        json!({"user_id": applicant_id, "is_agree": 0}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    for agree in [0, 1] {
        let (status, body) = put(
            &app,
            "family/familyMember/",
            &first,
            json!({"user_id": applicant_id, "is_agree": agree}),
        )
        .await;
        assert_code(status, &body, 460);
    }
    // The applicant stays in the family that took them.
    let (_, info) = get(&app, "family/familyManage/", &applicant).await;
    assert_eq!(info["id"], family_b);
    let members: i64 = app
        .db()
        .query_row(
            "SELECT count(*) FROM family_users WHERE family_id = ?1",
            [family_a],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(members, 1);
    // Someone who never applied is still 418.
    let stranger = register(&app, "路人").await;
    let stranger_id = user_id(&app, &stranger).await;
    let (status, body) = put(
        &app,
        "family/familyMember/",
        &first,
        json!({"user_id": stranger_id, "is_agree": 0}),
    )
    .await;
    assert_code(status, &body, 418);
}

#[tokio::test]
async fn under_compat_a_join_request_is_approved_with_the_ids_its_message_carries() {
    let app = common::spawn_app_with(&["--compat", "family"]).await;
    let parent = register(&app, "parent").await;
    let child = register(&app, "child").await;
    let family_id = family_with(&app, &parent, &[]).await;
    let (status, _) = reqwest_style(
        &app,
        Method::POST,
        "user_manage/about_family/",
        &child,
        &format!("family_id={family_id}"),
    )
    .await;
    assert_eq!(status, 200);
    let (_, inbox) = get(&app, "message/", &parent).await;
    let request = &inbox[0];
    assert_eq!(request["type"], 2);
    assert_eq!(request["send_id"], user_id(&app, &child).await);
    assert_eq!(request["receive_id"], user_id(&app, &parent).await);
    assert_eq!(request["send_name"], "child");
    // The page's 同意 button: parent_id = receive_id, user_id = send_id.
    let form = format!(
        "parent_id={}&user_id={}&is_agree=0",
        request["receive_id"], request["send_id"]
    );
    let (status, body) =
        reqwest_style(&app, Method::PUT, "family/familyMember/", &parent, &form).await;
    assert_eq!(status, 200, "{body}");
    let (_, family) = get(&app, "family/familyManage/", &child).await;
    assert_eq!(
        family["family_member"],
        json!({"parent1": "parent", "members3": "child"})
    );
    app.stop().await;
}
