//! Labs' typed inputs: one struct per request shape, decoded from the body
//! or query by [`crate::body::Form::decode`] after the session check. Their
//! schemas are the request schemas of `/openapi.json`.
//!
//! Text fields the seed requires are `Option` here and marked `required`
//! in the schema: the handlers check them with the seed's own messages
//! (`学号或邮箱不能为空`), in the order the seed's clients expect. A whole
//! number left out answers `<name> 不能为空` (see `handlers::decode`).

use serde::Deserialize;
use utoipa::ToSchema;

use crate::body::Flag;

/// `user/login`: `sid` is a student number or an e-mail address.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = labs::Login)]
pub struct Login {
    #[schema(required, value_type = String)]
    pub sid: Option<String>,
    #[schema(required, value_type = String)]
    pub password: Option<String>,
    /// The captcha's letters, when the server asks for a captcha.
    pub code: Option<String>,
    /// The captcha's id, for clients that cannot keep its cookie.
    pub captcha_id: Option<String>,
    #[serde(default)]
    #[schema(value_type = bool)]
    pub remember: Flag,
}

/// `user/register/mail`, `user/resetPassword/mail`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = labs::Email)]
pub struct Email {
    #[schema(required, value_type = String)]
    pub email: Option<String>,
}

/// `user/register/code`: a student's account; `sid` defaults to the e-mail.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = labs::Registration)]
pub struct Registration {
    #[schema(required, value_type = String)]
    pub email: Option<String>,
    #[schema(required, value_type = String)]
    pub code: Option<String>,
    #[schema(required, value_type = String)]
    pub name: Option<String>,
    #[schema(required, value_type = String)]
    pub password: Option<String>,
    pub sid: Option<String>,
    pub phone: Option<String>,
    pub college: Option<String>,
    pub grade: Option<String>,
    pub major: Option<String>,
    pub introduce: Option<String>,
}

/// `user/resetPassword/code`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = labs::Reset)]
pub struct Reset {
    #[schema(required, value_type = String)]
    pub email: Option<String>,
    #[schema(required, value_type = String)]
    pub code: Option<String>,
    #[schema(required, value_type = String)]
    pub password: Option<String>,
}

/// The editable text of a project, as create and update send it.
pub struct ProjectText {
    pub name: Option<String>,
    pub description: Option<String>,
    pub duration: Option<i64>,
    pub coach_id: Option<String>,
    pub aim: Option<String>,
    pub kind: Option<String>,
    pub member_ids: Option<String>,
}

/// `project/create`: `memberIds` are student numbers joined by `@`;
/// `duration` is in seconds.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = labs::NewProject)]
pub struct NewProject {
    #[schema(required, value_type = String)]
    pub name: Option<String>,
    #[schema(required, value_type = String)]
    pub lab_name: Option<String>,
    #[schema(required, value_type = String)]
    pub aim: Option<String>,
    #[serde(rename = "memberIds")]
    #[schema(required, value_type = String)]
    pub member_ids: Option<String>,
    pub description: Option<String>,
    pub duration: Option<i64>,
    pub coach_id: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

impl NewProject {
    /// The lab named and the project's text.
    pub fn split(self) -> (Option<String>, ProjectText) {
        let text = ProjectText {
            name: self.name,
            description: self.description,
            duration: self.duration,
            coach_id: self.coach_id,
            aim: self.aim,
            kind: self.kind,
            member_ids: self.member_ids,
        };
        (self.lab_name, text)
    }
}

/// `project/update`: with `notify`, every member is mailed.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = labs::ProjectChange)]
pub struct ProjectChange {
    pub id: i64,
    #[schema(required, value_type = String)]
    pub name: Option<String>,
    #[schema(required, value_type = i64)]
    pub duration: Option<i64>,
    #[schema(required, value_type = String)]
    pub aim: Option<String>,
    #[serde(rename = "type")]
    #[schema(required, value_type = String)]
    pub kind: Option<String>,
    #[serde(rename = "memberIds")]
    #[schema(required, value_type = String)]
    pub member_ids: Option<String>,
    pub description: Option<String>,
    pub coach_id: Option<String>,
    #[serde(default)]
    #[schema(value_type = bool)]
    pub notify: Flag,
}

impl ProjectChange {
    /// The project's id, whether to notify, and its new text.
    pub fn split(self) -> (i64, bool, ProjectText) {
        let text = ProjectText {
            name: self.name,
            description: self.description,
            duration: self.duration,
            coach_id: self.coach_id,
            aim: self.aim,
            kind: self.kind,
            member_ids: self.member_ids,
        };
        (self.id, self.notify.0, text)
    }
}

/// `project/one`, `lab/get`, `lab/delete`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = labs::Id)]
pub struct Id {
    pub id: i64,
}

/// `project/count/lab`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = labs::LabId)]
pub struct LabId {
    pub lab_id: i64,
}

/// `project/count/status`: a state as the original numbers them (0 all,
/// 1 待审核, 2 已拒绝, 3 进行中, 4 已取消, 5 已完成, 6 已超时, 7 请求中).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = labs::Status)]
pub struct Status {
    pub status: i64,
}

/// `project/student`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = labs::Sid)]
pub struct Sid {
    #[schema(required, value_type = String)]
    pub sid: Option<String>,
}

/// `project/lab`: paged only when `status` is 0.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = labs::LabProjects)]
pub struct LabProjects {
    pub status: i64,
    pub lab_id: i64,
    pub page: Option<i64>,
    pub rows: Option<i64>,
}

/// `project/all`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = labs::StatusPage)]
pub struct StatusPage {
    pub status: i64,
    pub page: Option<i64>,
    pub rows: Option<i64>,
}

/// `project/review`: `opt_status` is the state to move to (3 approves,
/// 5 finishes, 2 rejects).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = labs::Review)]
pub struct Review {
    pub id: i64,
    pub opt_status: i64,
}

/// `project/delete/student`: `newValue` 1 (the default) deletes, 0 restores.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = labs::StudentDelete)]
pub struct StudentDelete {
    pub pid: i64,
    #[serde(rename = "newValue")]
    pub new_value: Option<i64>,
}

/// `project/delete`: `ids` joined by `@`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = labs::ManyDelete)]
pub struct ManyDelete {
    #[schema(required, value_type = String)]
    pub ids: Option<String>,
    #[serde(rename = "newValue")]
    pub new_value: Option<i64>,
}

/// `lab/create`: `leader_id` is the leader's student number.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = labs::NewLab)]
pub struct NewLab {
    #[schema(required, value_type = String)]
    pub name: Option<String>,
    pub leader_id: Option<String>,
    pub description: Option<String>,
    pub classroom: Option<String>,
}

/// `lab/update`: the fields sent change.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = labs::LabChange)]
pub struct LabChange {
    pub id: i64,
    pub name: Option<String>,
    pub leader_id: Option<String>,
    pub description: Option<String>,
    pub classroom: Option<String>,
}

/// `noti/read`: the notification to mark read.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = labs::NotificationId)]
pub struct NotificationId {
    pub nid: i64,
}

/// `bulletin/get`: a page (1 and 10 when not sent; rows above 100 are 100).
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = labs::Page)]
pub struct Page {
    pub page: Option<i64>,
    pub rows: Option<i64>,
}

/// `bulletin/one`: with `read_count` true the read is counted.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = labs::BulletinRead)]
pub struct BulletinRead {
    pub id: i64,
    #[schema(value_type = Option<bool>)]
    pub read_count: Option<Flag>,
}

/// `bulletin/create`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = labs::NewBulletin)]
pub struct NewBulletin {
    #[schema(required, value_type = String)]
    pub title: Option<String>,
    #[schema(required, value_type = String)]
    pub content: Option<String>,
}

/// `bulletin/update`: the whole new text.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = labs::BulletinChange)]
pub struct BulletinChange {
    pub id: i64,
    #[schema(required, value_type = String)]
    pub title: Option<String>,
    #[schema(required, value_type = String)]
    pub content: Option<String>,
}

/// `bulletin/delete`: `ids` joined by `@`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = labs::BulletinIds)]
pub struct BulletinIds {
    #[schema(required, value_type = String)]
    pub ids: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::{DecodeError, Form};

    fn form(json: &str) -> Form {
        Form::from_json(json).unwrap()
    }

    #[test]
    fn login_reads_the_remember_checkbox_leniently() {
        let login: Login = form(r#"{"sid": 20160030, "password": "x", "remember": "on"}"#)
            .decode()
            .unwrap();
        assert_eq!(login.sid.as_deref(), Some("20160030"));
        assert!(login.remember.0);
        let login: Login = form(r#"{"sid": "a"}"#).decode().unwrap();
        assert!(!login.remember.0 && login.password.is_none());
    }

    #[test]
    fn seed_names_are_kept() {
        let change: ProjectChange = form(
            r#"{"id": "7", "type": "竞赛", "memberIds": "1@2", "newValue": 0, "notify": true}"#,
        )
        .decode()
        .unwrap();
        let (id, notify, text) = change.split();
        assert_eq!((id, notify), (7, true));
        assert_eq!(text.kind.as_deref(), Some("竞赛"));
        assert_eq!(text.member_ids.as_deref(), Some("1@2"));
        let delete: StudentDelete = form(r#"{"pid": 3, "newValue": "0"}"#).decode().unwrap();
        assert_eq!(delete.new_value, Some(0));
    }

    #[test]
    fn a_missing_id_is_named() {
        let error = form(r#"{"status": 1}"#)
            .decode::<LabProjects>()
            .unwrap_err();
        assert!(
            matches!(error, DecodeError::Missing(ref f) if f == "lab_id"),
            "{error}"
        );
        let error = form(r#"{"id": "x"}"#).decode::<Id>().unwrap_err();
        assert_eq!(error.to_string(), "id must be a whole number");
    }
}
