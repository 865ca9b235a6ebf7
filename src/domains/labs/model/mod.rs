//! Labs' values: users, labs and projects as stored and as the seed shows
//! them (ids and text as strings; `int` fields, roles, counts and epoch
//! millisecond timestamps as numbers), and the rules input must meet.

mod status;
mod views;

pub use status::*;
pub use views::*;

use super::envelope::{Error, failed};

/// Mailed codes: digits, lifetime, tries, and the gap between two mails to
/// one address.
pub const CODE_DIGITS: usize = 6;
pub const CODE_LIFETIME_SECS: i64 = 10 * 60;
pub const CODE_TRIES: i64 = 5;
pub const MAIL_GAP_SECS: i64 = 60;
/// A captcha must be answered within five minutes.
pub const CAPTCHA_LIFETIME_SECS: i64 = 5 * 60;
/// Members of one project, its leader included.
pub const MAX_MEMBERS: usize = 30;
/// Largest page of a paged list.
pub const MAX_ROWS: i64 = 100;

/// Epoch milliseconds, the seed's timestamp.
pub fn millis(unix_seconds: i64) -> i64 {
    unix_seconds.saturating_mul(1000)
}

/// A user as stored.
#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub sid: String,
    pub email: Option<String>,
    pub name: String,
    pub password_hash: String,
    pub is_admin: bool,
}

impl crate::app::LoginAccount for User {
    fn account_id(&self) -> i64 {
        self.id
    }
    fn password_hash(&self) -> &str {
        &self.password_hash
    }
}

/// Optional details a student gives at registration.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    pub phone: String,
    pub college: String,
    pub grade: String,
    pub major: String,
    pub introduce: String,
}

/// A user about to be stored.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub sid: String,
    pub email: Option<String>,
    pub name: String,
    pub profile: Profile,
    pub is_admin: bool,
}

/// A lab as stored, with its leader's sid and name.
#[derive(Debug, Clone)]
pub struct Lab {
    pub id: i64,
    pub name: String,
    pub leader_user_id: Option<i64>,
    pub leader_sid: Option<String>,
    pub leader_name: Option<String>,
    pub description: String,
    pub created_at: i64,
    /// Where it is (the original's `classroom`).
    pub classroom: String,
}

impl Lab {
    /// The lab as `lab/get` and login data show it.
    pub fn view(&self) -> LabJson {
        LabJson {
            id: self.id.to_string(),
            name: self.name.clone(),
            leader_id: self.leader_sid.clone().unwrap_or_default(),
            leader_name: self.leader_name.clone().unwrap_or_default(),
            create_time: millis(self.created_at),
            description: self.description.clone(),
            classroom: self.classroom.clone(),
            leader: self.leader_sid.clone().map(|id| PersonJson {
                id,
                name: self.leader_name.clone().unwrap_or_default(),
            }),
        }
    }
}

/// A labs user and the lab they lead, if any: what decides their role.
#[derive(Debug, Clone)]
pub struct Account {
    pub user: User,
    pub lab: Option<Lab>,
}

impl Account {
    /// 1 student, 2 lab leader, 3 admin.
    pub fn role(&self) -> i64 {
        if self.user.is_admin {
            3
        } else if self.lab.is_some() {
            2
        } else {
            1
        }
    }

    pub fn is_admin(&self) -> bool {
        self.user.is_admin
    }

    /// Whether the caller leads the lab with this id.
    pub fn leads(&self, lab_id: i64) -> bool {
        self.lab.as_ref().is_some_and(|lab| lab.id == lab_id)
    }

    /// Admin, or the leader of this lab.
    pub fn manages(&self, lab_id: i64) -> bool {
        self.is_admin() || self.leads(lab_id)
    }
}

/// The login / `type` data: the role and whichever of admin, student and
/// lab applies (the others null).
pub fn role_view(caller: Option<&Account>) -> RoleJson {
    let Some(caller) = caller else {
        return RoleJson {
            role: 0,
            admin: None,
            student: None,
            lab: None,
        };
    };
    let user = &caller.user;
    let person = PersonJson {
        id: user.sid.clone(),
        name: user.name.clone(),
    };
    if user.is_admin {
        return RoleJson {
            role: 3,
            admin: Some(person),
            student: None,
            lab: None,
        };
    }
    RoleJson {
        role: caller.role(),
        admin: None,
        student: Some(person),
        lab: caller.lab.as_ref().map(Lab::view),
    }
}

/// A project's own columns, as stored.
#[derive(Debug, Clone)]
pub struct Project {
    pub id: i64,
    pub lab_id: i64,
    pub lab_name: String,
    pub leader_user_id: i64,
    pub leader_sid: String,
    pub name: String,
    pub description: String,
    pub duration: i64,
    pub coach_id: String,
    pub aim: String,
    pub kind: String,
    pub opt_status: i64,
    pub submit_time: i64,
    pub start_time: Option<i64>,
    pub end_time: Option<i64>,
    pub deleted: bool,
}

/// A project member.
#[derive(Debug, Clone)]
pub struct Member {
    pub user_id: i64,
    pub sid: String,
    pub name: String,
    pub email: Option<String>,
    pub profile: Profile,
}

/// The editable fields of a project.
#[derive(Debug, Clone)]
pub struct ProjectFields {
    pub name: String,
    pub description: String,
    pub duration: i64,
    pub coach_id: String,
    pub aim: String,
    pub kind: String,
    /// Member sids besides the leader, in the order given.
    pub member_sids: Vec<String>,
}

/// What a mailed code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Register,
    Reset,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Register => "register",
            Purpose::Reset => "reset",
        }
    }
}

/// Why a mailed code is not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeProblem {
    NotSent,
    Used,
    Expired,
    TooManyTries,
    Wrong,
}

impl CodeProblem {
    /// The failure, given the tries left after a wrong code.
    pub fn error(self, tries_left: i64) -> Error {
        failed(match self {
            CodeProblem::NotSent => "请先获取验证码".to_string(),
            CodeProblem::Used => "验证码已使用，请重新获取".to_string(),
            CodeProblem::Expired => "验证码已过期，请重新获取".to_string(),
            CodeProblem::TooManyTries => "验证码错误次数过多，请重新获取".to_string(),
            CodeProblem::Wrong if tries_left > 0 => {
                format!("验证码错误，还可尝试 {tries_left} 次")
            }
            CodeProblem::Wrong => "验证码错误次数过多，请重新获取".to_string(),
        })
    }
}

/// Six random digits from the OS generator.
pub fn new_code() -> Result<String, Error> {
    Ok(crate::session::random_text(b"0123456789", CODE_DIGITS)?)
}

/// The stored form of a code: a SHA-256 bound to the address.
pub fn code_hash(email: &str, code: &str) -> [u8; 32] {
    crate::session::hash(&format!("{email}\n{}", code.trim()))
}

/// An e-mail address, trimmed and lower-cased: one `@`, a dot in the
/// domain, no spaces, at most 100 characters.
pub fn check_email(email: &str) -> Result<String, Error> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 100
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && matches!(email.split_once('@'), Some((local, domain))
            if !local.is_empty() && !domain.contains('@') && domain.contains('.')
                && !domain.starts_with('.') && !domain.ends_with('.'));
    if valid {
        Ok(email)
    } else {
        Err(failed("邮箱格式不正确"))
    }
}

/// A student number or admin id: 1–32 letters, digits, `-` or `_`.
pub fn check_sid(sid: &str) -> Result<String, Error> {
    let sid = sid.trim();
    let valid = !sid.is_empty()
        && sid.len() <= 32
        && sid
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        Ok(sid.to_string())
    } else {
        Err(failed("学号只能由 1 到 32 个字母、数字、- 或 _ 组成"))
    }
}

/// A person's name: 1–32 characters.
pub fn check_name(name: &str) -> Result<String, Error> {
    let name = name.trim();
    let count = name.chars().count();
    if count == 0 || count > 32 || name.chars().any(char::is_control) {
        Err(failed("姓名应为 1 到 32 个字符"))
    } else {
        Ok(name.to_string())
    }
}

/// Free text of at most `max` characters (`what` names the field).
pub fn check_text(text: Option<String>, max: usize, what: &str) -> Result<String, Error> {
    let text = text.unwrap_or_default();
    let text = text.trim();
    if text.chars().count() > max {
        Err(failed(format!("{what}不能超过 {max} 个字符")))
    } else {
        Ok(text.to_string())
    }
}

/// Required free text of 1 to `max` characters.
pub fn check_required_text(text: Option<String>, max: usize, what: &str) -> Result<String, Error> {
    let text = check_text(text, max, what)?;
    if text.is_empty() {
        Err(failed(format!("{what}不能为空")))
    } else {
        Ok(text)
    }
}

/// `memberIds`: sids joined by `@`; the leader is dropped, duplicates too,
/// and at least one other member must remain.
pub fn parse_member_ids(
    member_ids: Option<String>,
    leader_sid: &str,
) -> Result<Vec<String>, Error> {
    let mut sids: Vec<String> = Vec::new();
    for sid in member_ids.unwrap_or_default().split('@') {
        let sid = sid.trim();
        if sid.is_empty() || sid == leader_sid || sids.iter().any(|s| s == sid) {
            continue;
        }
        sids.push(sid.to_string());
    }
    if sids.is_empty() {
        return Err(failed(
            "memberIds 除负责人外至少要有一名成员，成员学号以 @ 分隔",
        ));
    }
    if sids.len() + 1 > MAX_MEMBERS {
        return Err(failed(format!("一个项目最多 {MAX_MEMBERS} 名成员")));
    }
    Ok(sids)
}

/// `ids`: project ids joined by `@`.
pub fn parse_ids(ids: &str) -> Result<Vec<i64>, Error> {
    let mut parsed: Vec<i64> = Vec::new();
    for id in ids.split('@').map(str::trim).filter(|s| !s.is_empty()) {
        let id = id
            .parse()
            .map_err(|_| failed("ids 应为以 @ 分隔的项目编号，如 88@89"))?;
        if !parsed.contains(&id) {
            parsed.push(id);
        }
    }
    if parsed.is_empty() || parsed.len() > 100 {
        return Err(failed("ids 应为以 @ 分隔的 1 到 100 个项目编号，如 88@89"));
    }
    Ok(parsed)
}

/// Who a bulletin from an admin is from (the original's `SYSTEM_BULLETIN`).
pub const SYSTEM_BULLETIN: &str = "系统公告";
/// Who a notification from an admin is from (the original's `SYSTEM_ADMIN`).
pub const SYSTEM_ADMIN: &str = "系统管理员";

/// A notification to send: its type (the original's 项目审核, 项目修改,
/// 取消项目 …), what it says and who it is from.
#[derive(Debug, Clone, Copy)]
pub struct Notice<'a> {
    pub kind: &'a str,
    pub content: &'a str,
    pub from: &'a str,
}

/// A duration in seconds: 0 to ten years.
pub fn check_duration(duration: i64) -> Result<i64, Error> {
    if (0..=10 * 366 * 24 * 3600).contains(&duration) {
        Ok(duration)
    } else {
        Err(failed("duration 应为 0 到十年之间的秒数"))
    }
}

/// `newValue`: 1 deletes (the default), 0 restores.
pub fn check_new_value(value: Option<i64>) -> Result<bool, Error> {
    match value.unwrap_or(1) {
        1 => Ok(true),
        0 => Ok(false),
        _ => Err(failed("newValue 只能是 1（删除）或 0（恢复）")),
    }
}

/// `page` and `rows` of a paged list: page from 1, rows 10 when not
/// given; more than 100 rows are 100 (the original's grids ask for
/// 100000 to mean "all").
pub fn check_page(page: Option<i64>, rows: Option<i64>) -> Result<(i64, i64), Error> {
    let page = page.unwrap_or(1);
    let rows = rows.unwrap_or(10).min(MAX_ROWS);
    if page < 1 || rows < 1 || page > 1_000_000 {
        return Err(failed("page 与 rows 应从 1 开始"));
    }
    Ok((page, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits() {
        let code = new_code().unwrap();
        assert_eq!(code.len(), 6);
        assert!(code.chars().all(|c| c.is_ascii_digit()));
    }

    #[test]
    fn member_ids_drop_the_leader_and_duplicates() {
        assert_eq!(
            parse_member_ids(Some("1@2@2@ 3 @".into()), "1").unwrap(),
            vec!["2", "3"]
        );
        assert!(parse_member_ids(Some("1".into()), "1").is_err());
        assert!(parse_member_ids(None, "1").is_err());
    }

    #[test]
    fn emails_are_checked_and_lower_cased() {
        assert_eq!(check_email(" A@B.cn ").unwrap(), "a@b.cn");
        for bad in ["a", "a@b", "@b.cn", "a b@c.cn", "a@@b.cn", "a@b.", "a@.cn"] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ids_are_numbers_joined_by_at() {
        assert_eq!(parse_ids("88@89@88").unwrap(), vec![88, 89]);
        assert!(parse_ids("88@x").is_err());
        assert!(parse_ids("@").is_err());
    }
}
