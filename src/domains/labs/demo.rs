//! `--demo` data for labs: an admin, two labs with their leaders, three
//! students and a few projects (the README lists the accounts).

use super::envelope::Error;
use super::model::{NewUser, Profile, ProjectFields};
use super::store;
use crate::app::SharedApp;

/// (sid, e-mail, name, password, admin?)
const USERS: &[(&str, Option<&str>, &str, &str, bool)] = &[
    ("admin", None, "管理员", "admin1234", true),
    (
        "20160001",
        Some("lilei@example.com"),
        "李雷",
        "leader1234",
        false,
    ),
    (
        "20160002",
        Some("wangfang@example.com"),
        "王芳",
        "leader1234",
        false,
    ),
    (
        "20160030",
        Some("hanmeimei@example.com"),
        "韩梅梅",
        "student1234",
        false,
    ),
    (
        "20160031",
        Some("zhangwei@example.com"),
        "张伟",
        "student1234",
        false,
    ),
    (
        "20160032",
        Some("liuyang@example.com"),
        "刘洋",
        "student1234",
        false,
    ),
];

/// (name, leader sid, description)
const LABS: &[(&str, &str, &str)] = &[
    (
        "智能系统实验室",
        "20160001",
        "机器学习与智能系统方向的本科生科研实验室",
    ),
    ("网络安全实验室", "20160002", "网络攻防、密码学与系统安全"),
];

/// (lab, leader sid, name, aim, other members, stage as stored: `model::stage`)
const PROJECTS: &[(&str, &str, &str, &str, &str, i64)] = &[
    (
        "智能系统实验室",
        "20160030",
        "校园垃圾分类识别",
        "用图像识别辅助垃圾分类",
        "20160031@20160032",
        0,
    ),
    (
        "智能系统实验室",
        "20160031",
        "课程问答机器人",
        "回答课程常见问题",
        "20160030",
        1,
    ),
    (
        "网络安全实验室",
        "20160032",
        "校园网弱口令检测",
        "发现并通知弱口令账户",
        "20160030",
        0,
    ),
];

/// The demo rows, passwords hashed before the write (see [`crate::demo`]).
pub async fn rows(app: &SharedApp) -> crate::error::Result<crate::descriptor::DemoRows> {
    let mut users = Vec::new();
    for (sid, email, name, password, is_admin) in USERS {
        let user = NewUser {
            sid: sid.to_string(),
            email: email.map(str::to_string),
            name: name.to_string(),
            profile: Profile {
                college: "计算机学院".into(),
                grade: "2016".into(),
                major: "计算机科学与技术".into(),
                ..Profile::default()
            },
            is_admin: *is_admin,
        };
        users.push((user, app.passwords.hash(password.to_string()).await?));
    }
    let now = crate::clock::now();
    Ok(crate::descriptor::demo_rows(move |tx| {
        for (user, hash) in &users {
            store::insert_user(tx, user, hash, now)?;
        }
        for (name, leader, description) in LABS {
            let fields = store::LabFields {
                name,
                leader_sid: Some(leader),
                description,
                classroom: "",
            };
            store::insert_lab(tx, &fields, now)?;
        }
        for (lab, leader, name, aim, members, status) in PROJECTS {
            let leader_id = store::user_by_sid(tx, leader)?
                .map(|u| u.id)
                .ok_or_else(|| super::envelope::failed("demo leader missing"))?;
            let fields = ProjectFields {
                name: name.to_string(),
                description: String::new(),
                duration: 90 * 24 * 3600,
                coach_id: "T001".into(),
                aim: aim.to_string(),
                kind: "创新项目".into(),
                member_sids: members.split('@').map(str::to_string).collect(),
            };
            let id = store::insert_project(tx, leader_id, lab, &fields, now)?;
            store::set_status(tx, id, *status, now)?;
        }
        Ok::<_, Error>(())
    }))
}
