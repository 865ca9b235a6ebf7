//! Labs' answers in the seed's shapes, typed: their schemas are the
//! `data` of `/openapi.json`.

use serde::Serialize;
use utoipa::ToSchema;

use super::{Member, Project, millis};

/// A lab as the seed shows it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = labs::LabJson)]
pub struct LabJson {
    pub id: String,
    pub name: String,
    /// The leader's sid (`""` without a leader).
    pub leader_id: String,
    pub leader_name: String,
    /// Epoch milliseconds.
    pub create_time: i64,
    pub description: String,
    /// Where the lab is.
    pub classroom: String,
    /// The leader, as the original's lab pages read it (`null` without one).
    pub leader: Option<PersonJson>,
}

/// A person named in an answer: an admin, a student, a project member.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = labs::PersonJson)]
pub struct PersonJson {
    /// Their sid.
    pub id: String,
    pub name: String,
}

/// The login / `user/type` data: the role (0 without a session, 1 student,
/// 2 lab leader, 3 admin) and whichever of admin, student and lab applies.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = labs::RoleJson)]
pub struct RoleJson {
    pub role: i64,
    pub admin: Option<PersonJson>,
    pub student: Option<PersonJson>,
    pub lab: Option<LabJson>,
}

/// `user/login`: the role data and the session token.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = labs::LoginJson)]
pub struct LoginJson {
    #[serde(flatten)]
    pub role: RoleJson,
    /// Also set as the session cookie; works as `Authorization: Bearer`.
    pub token: String,
}

/// What every project view starts with. Times are epoch milliseconds.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = labs::ProjectHeadJson)]
pub struct ProjectHeadJson {
    pub id: String,
    pub name: String,
    pub coach_id: String,
    pub lab_name: String,
    pub opt_status: i64,
    pub start_time: Option<i64>,
    pub end_time: Option<i64>,
    /// Seconds.
    pub duration: i64,
    pub submit_time: i64,
}

/// A project in the seed's `*` lists.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = labs::ProjectItemJson)]
pub struct ProjectItemJson {
    #[serde(flatten)]
    pub head: ProjectHeadJson,
    /// The leader's sid.
    pub leader_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub members: Vec<PersonJson>,
}

/// `project/one`: the whole project, members with their details.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = labs::ProjectJson)]
pub struct ProjectJson {
    #[serde(flatten)]
    pub head: ProjectHeadJson,
    pub description: String,
    pub leader_id: String,
    pub aim: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// `"1"` when its leader deleted it.
    pub deleted: String,
    pub members: Vec<MemberJson>,
}

/// A project member with their details.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = labs::MemberJson)]
pub struct MemberJson {
    pub id: String,
    pub name: String,
    /// `""` unless the caller may see contacts.
    pub email: String,
    pub phone: String,
    pub college: String,
    pub grade: String,
    pub major: String,
    pub introduce: String,
}

/// The views of a project.
impl Project {
    /// The fields every project view starts with, in the seed's order.
    fn head(&self) -> ProjectHeadJson {
        ProjectHeadJson {
            id: self.id.to_string(),
            name: self.name.clone(),
            coach_id: self.coach_id.clone(),
            lab_name: self.lab_name.clone(),
            opt_status: super::shown_opt_status(self.opt_status),
            start_time: self.start_time.map(millis),
            end_time: self.end_time.map(millis),
            duration: self.duration,
            submit_time: millis(self.submit_time),
        }
    }

    /// The seed's `*` list item, members as `{id, name}`.
    pub fn list_item(&self, members: Vec<Member>) -> ProjectItemJson {
        ProjectItemJson {
            head: self.head(),
            leader_id: self.leader_sid.clone(),
            kind: self.kind.clone(),
            members: members
                .into_iter()
                .map(|m| PersonJson {
                    id: m.sid,
                    name: m.name,
                })
                .collect(),
        }
    }

    /// The seed's `project/one`: the whole project; members' e-mail and
    /// phone are `""` unless `contacts` (the caller manages the lab or is a
    /// member).
    pub fn detail(&self, members: Vec<Member>, contacts: bool) -> ProjectJson {
        ProjectJson {
            head: self.head(),
            description: self.description.clone(),
            leader_id: self.leader_sid.clone(),
            aim: self.aim.clone(),
            kind: self.kind.clone(),
            deleted: if self.deleted { "1" } else { "0" }.to_string(),
            members: members
                .into_iter()
                .map(|m| {
                    let (email, phone) = if contacts {
                        (m.email.unwrap_or_default(), m.profile.phone)
                    } else {
                        (String::new(), String::new())
                    };
                    MemberJson {
                        id: m.sid,
                        name: m.name,
                        email,
                        phone,
                        college: m.profile.college,
                        grade: m.profile.grade,
                        major: m.profile.major,
                        introduce: m.profile.introduce,
                    }
                })
                .collect(),
        }
    }
}

/// A notification in `noti/get`; `time` in epoch milliseconds.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = labs::NotificationJson)]
pub struct NotificationJson {
    pub id: i64,
    /// What it is about: 项目审核, 项目修改, 取消项目.
    #[serde(rename = "type")]
    pub kind: String,
    pub content: String,
    pub from: String,
    pub time: i64,
}

/// A bulletin in the `bulletin/get` list.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = labs::BulletinItemJson)]
pub struct BulletinItemJson {
    pub id: i64,
    pub title: String,
    /// 系统公告, or the lab that posted it.
    pub from: String,
    pub time: i64,
}

/// `bulletin/one`: the whole bulletin.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = labs::BulletinJson)]
pub struct BulletinJson {
    pub id: i64,
    pub title: String,
    pub content: String,
    pub from: String,
    pub time: i64,
    pub read_count: i64,
}

/// An answer whose times are epoch milliseconds, as the seed says, or,
/// under `--compat labs`, strings as the original Spring server wrote them
/// (`2018-10-08T22:18:09.000+0000`), which its pages split on `T`.
#[derive(Debug)]
pub struct Timed<T> {
    pub value: T,
    pub iso: bool,
}

/// Shaped as its value (the docs give the seed's milliseconds).
impl<T: crate::endpoint::Shaped> crate::endpoint::Shaped for Timed<T> {
    const SCHEMA: Option<crate::endpoint::SchemaFn> = T::SCHEMA;
}

/// The keys that hold a time in labs' answers.
const TIME_KEYS: [&str; 5] = [
    "start_time",
    "end_time",
    "submit_time",
    "create_time",
    "time",
];

impl<T: Serialize> Serialize for Timed<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if !self.iso {
            return self.value.serialize(serializer);
        }
        let mut value = serde_json::to_value(&self.value).map_err(serde::ser::Error::custom)?;
        times_as_text(&mut value);
        value.serialize(serializer)
    }
}

fn times_as_text(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Array(items) => items.iter_mut().for_each(times_as_text),
        Value::Object(fields) => {
            for (key, field) in fields.iter_mut() {
                match field.as_i64() {
                    Some(millis) if TIME_KEYS.contains(&key.as_str()) => {
                        let text = crate::clock::format_datetime(millis.div_euclid(1000));
                        *field = Value::String(format!("{}.000+0000", text.replacen(' ', "T", 1)));
                    }
                    _ => times_as_text(field),
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn compat_times_are_the_spring_servers_text_and_others_stay() {
        let value = json!({"submit_time": 1_538_000_000_000_i64, "duration": 3600,
                           "members": [{"time": 0}], "end_time": null});
        let timed = Timed { value, iso: true };
        assert_eq!(
            serde_json::to_value(&timed).unwrap(),
            json!({"submit_time": "2018-09-26T22:13:20.000+0000", "duration": 3600,
                   "members": [{"time": "1970-01-01T00:00:00.000+0000"}], "end_time": null})
        );
    }
}

// What handlers answer (their schemas in the API docs).
crate::shaped!(
    BulletinItemJson,
    BulletinJson,
    LabJson,
    LoginJson,
    NotificationJson,
    ProjectItemJson,
    ProjectJson,
    RoleJson,
);
