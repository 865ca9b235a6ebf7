//! Every SQL statement on labs' tables. Functions taking a transaction run
//! on the single writer, so a code is checked and used, or a project's lab
//! checked and the project changed, with nothing in between.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::envelope::{Error, failed};
use super::model::{
    CAPTCHA_LIFETIME_SECS, CODE_LIFETIME_SECS, CODE_TRIES, Caller, CodeProblem, Lab, MAIL_GAP_SECS,
    Member, NewUser, Profile, Project, ProjectFields, Purpose, User, code_hash,
};

// ---- users

const USER_COLUMNS: &str = "id, sid, email, name, password_hash, is_admin";

fn user_from(row: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get(0)?,
        sid: row.get(1)?,
        email: row.get(2)?,
        name: row.get(3)?,
        password_hash: row.get(4)?,
        is_admin: row.get(5)?,
    })
}

fn user_where(
    conn: &Connection,
    condition: &str,
    value: &dyn rusqlite::ToSql,
) -> Result<Option<User>, Error> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {USER_COLUMNS} FROM labs_users WHERE {condition}"
        ))?
        .query_row([value], user_from)
        .optional()?)
}

pub fn user_by_id(conn: &Connection, id: i64) -> Result<Option<User>, Error> {
    user_where(conn, "id = ?1", &id)
}

pub fn user_by_sid(conn: &Connection, sid: &str) -> Result<Option<User>, Error> {
    user_where(conn, "sid = ?1", &sid)
}

pub fn user_by_email(conn: &Connection, email: &str) -> Result<Option<User>, Error> {
    user_where(conn, "email = ?1", &email)
}

/// The user a login names: by student number, else by e-mail.
pub fn user_by_login(conn: &Connection, login: &str) -> Result<Option<User>, Error> {
    match user_by_sid(conn, login)? {
        Some(user) => Ok(Some(user)),
        None => user_by_email(conn, &login.to_lowercase()),
    }
}

/// The caller behind a user id: the user and the lab they lead.
pub fn caller(conn: &Connection, user_id: i64) -> Result<Option<Caller>, Error> {
    let Some(user) = user_by_id(conn, user_id)? else {
        return Ok(None);
    };
    let lab = lab_led_by(conn, user.id)?;
    Ok(Some(Caller { user, lab }))
}

/// Adds a user; a taken sid or e-mail is a status-300 failure.
pub fn insert_user(
    conn: &Connection,
    user: &NewUser,
    password_hash: &str,
    now: i64,
) -> Result<i64, Error> {
    if user_by_sid(conn, &user.sid)?.is_some() {
        return Err(failed(format!("学号 {} 已被注册", user.sid)));
    }
    if let Some(email) = &user.email
        && user_by_email(conn, email)?.is_some()
    {
        return Err(failed("该邮箱已注册"));
    }
    let p = &user.profile;
    conn.execute(
        "INSERT INTO labs_users (sid, email, name, password_hash, is_admin, phone, college, grade, major, introduce, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            user.sid,
            user.email,
            user.name,
            password_hash,
            user.is_admin,
            p.phone,
            p.college,
            p.grade,
            p.major,
            p.introduce,
            now
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn set_password(conn: &Connection, user_id: i64, password_hash: &str) -> Result<(), Error> {
    conn.execute(
        "UPDATE labs_users SET password_hash = ?2 WHERE id = ?1",
        params![user_id, password_hash],
    )?;
    Ok(())
}

// ---- labs

const LAB_SELECT: &str =
    "SELECT l.id, l.name, l.leader_id, u.sid, u.name, l.description, l.created_at
     FROM labs_labs l LEFT JOIN labs_users u ON u.id = l.leader_id";

fn lab_from(row: &Row<'_>) -> rusqlite::Result<Lab> {
    Ok(Lab {
        id: row.get(0)?,
        name: row.get(1)?,
        leader_user_id: row.get(2)?,
        leader_sid: row.get(3)?,
        leader_name: row.get(4)?,
        description: row.get(5)?,
        created_at: row.get(6)?,
    })
}

pub fn labs(conn: &Connection) -> Result<Vec<Lab>, Error> {
    let mut stmt = conn.prepare_cached(&format!("{LAB_SELECT} ORDER BY l.id"))?;
    let rows = stmt.query_map([], lab_from)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn lab_where(
    conn: &Connection,
    condition: &str,
    value: &dyn rusqlite::ToSql,
) -> Result<Option<Lab>, Error> {
    Ok(conn
        .prepare_cached(&format!("{LAB_SELECT} WHERE {condition}"))?
        .query_row([value], lab_from)
        .optional()?)
}

pub fn lab_by_id(conn: &Connection, id: i64) -> Result<Option<Lab>, Error> {
    lab_where(conn, "l.id = ?1", &id)
}

pub fn lab_by_name(conn: &Connection, name: &str) -> Result<Option<Lab>, Error> {
    lab_where(conn, "l.name = ?1", &name)
}

pub fn lab_led_by(conn: &Connection, user_id: i64) -> Result<Option<Lab>, Error> {
    lab_where(conn, "l.leader_id = ?1", &user_id)
}

/// The user a `leader_id` names: an existing student leading no other lab.
fn leader_for(conn: &Connection, leader_sid: &str, lab_id: Option<i64>) -> Result<i64, Error> {
    let leader = user_by_sid(conn, leader_sid)?
        .filter(|u| !u.is_admin)
        .ok_or_else(|| failed(format!("负责人 {leader_sid} 不是已注册的学生")))?;
    if let Some(led) = lab_led_by(conn, leader.id)?
        && Some(led.id) != lab_id
    {
        return Err(failed(format!("{leader_sid} 已是「{}」的负责人", led.name)));
    }
    Ok(leader.id)
}

/// Adds a lab; a taken name or an unusable leader is a status-300 failure.
pub fn insert_lab(
    conn: &Connection,
    name: &str,
    leader_sid: Option<&str>,
    description: &str,
    now: i64,
) -> Result<i64, Error> {
    if lab_by_name(conn, name)?.is_some() {
        return Err(failed("实验室名称已存在"));
    }
    let leader = leader_sid
        .map(|sid| leader_for(conn, sid, None))
        .transpose()?;
    conn.execute(
        "INSERT INTO labs_labs (name, leader_id, description, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![name, leader, description, now],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Changes a lab; `None` keeps a field as it is.
pub fn update_lab(
    conn: &Connection,
    id: i64,
    name: Option<&str>,
    leader_sid: Option<&str>,
    description: Option<&str>,
) -> Result<(), Error> {
    let lab = lab_by_id(conn, id)?.ok_or_else(|| failed("实验室不存在"))?;
    if let Some(name) = name
        && lab_by_name(conn, name)?.is_some_and(|other| other.id != id)
    {
        return Err(failed("实验室名称已存在"));
    }
    let leader = match leader_sid {
        Some(sid) => Some(leader_for(conn, sid, Some(id))?),
        None => lab.leader_user_id,
    };
    conn.execute(
        "UPDATE labs_labs SET name = ?2, leader_id = ?3, description = ?4 WHERE id = ?1",
        params![
            id,
            name.unwrap_or(&lab.name),
            leader,
            description.unwrap_or(&lab.description)
        ],
    )?;
    Ok(())
}

/// Deletes a lab that holds no project (deleted ones included).
pub fn delete_lab(conn: &Connection, id: i64) -> Result<(), Error> {
    lab_by_id(conn, id)?.ok_or_else(|| failed("实验室不存在"))?;
    let has_projects: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM labs_projects WHERE lab_id = ?1)",
        [id],
        |row| row.get(0),
    )?;
    if has_projects {
        return Err(failed("实验室下还有项目，不能删除"));
    }
    conn.execute("DELETE FROM labs_labs WHERE id = ?1", [id])?;
    Ok(())
}

// ---- projects

const PROJECT_SELECT: &str =
    "SELECT p.id, p.lab_id, l.name, p.leader_id, u.sid, p.name, p.description,
            p.duration, p.coach_id, p.aim, p.type, p.opt_status, p.submit_time, p.start_time,
            p.end_time, p.deleted
     FROM labs_projects p
     JOIN labs_labs l ON l.id = p.lab_id
     JOIN labs_users u ON u.id = p.leader_id";

fn project_from(row: &Row<'_>) -> rusqlite::Result<Project> {
    Ok(Project {
        id: row.get(0)?,
        lab_id: row.get(1)?,
        lab_name: row.get(2)?,
        leader_user_id: row.get(3)?,
        leader_sid: row.get(4)?,
        name: row.get(5)?,
        description: row.get(6)?,
        duration: row.get(7)?,
        coach_id: row.get(8)?,
        aim: row.get(9)?,
        kind: row.get(10)?,
        opt_status: row.get(11)?,
        submit_time: row.get(12)?,
        start_time: row.get(13)?,
        end_time: row.get(14)?,
        deleted: row.get(15)?,
    })
}

pub fn project(conn: &Connection, id: i64) -> Result<Option<Project>, Error> {
    Ok(conn
        .prepare_cached(&format!("{PROJECT_SELECT} WHERE p.id = ?1"))?
        .query_row([id], project_from)
        .optional()?)
}

/// A project's members, its leader first.
pub fn members(conn: &Connection, project_id: i64) -> Result<Vec<Member>, Error> {
    let mut stmt = conn.prepare_cached(
        "SELECT u.id, u.sid, u.name, u.email, u.phone, u.college, u.grade, u.major, u.introduce
         FROM labs_members m JOIN labs_users u ON u.id = m.user_id
         WHERE m.project_id = ?1 ORDER BY m.position",
    )?;
    let rows = stmt.query_map([project_id], |row| {
        Ok(Member {
            user_id: row.get(0)?,
            sid: row.get(1)?,
            name: row.get(2)?,
            email: row.get(3)?,
            profile: Profile {
                phone: row.get(4)?,
                college: row.get(5)?,
                grade: row.get(6)?,
                major: row.get(7)?,
                introduce: row.get(8)?,
            },
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Which projects a list shows (deleted ones never).
#[derive(Debug, Clone, Copy)]
pub enum ProjectFilter {
    /// Those the student leads or is a member of.
    OfStudent(i64),
    /// A lab's projects of one status.
    OfLab { lab_id: i64, status: i64 },
    /// Every project of one status.
    WithStatus(i64),
}

/// A list in the seed's `*` shape, newest first; `page` is (page, rows).
pub fn project_list(
    conn: &Connection,
    filter: ProjectFilter,
    page: Option<(i64, i64)>,
) -> Result<Vec<serde_json::Value>, Error> {
    let (limit, offset) = page.map_or((-1, 0), |(page, rows)| (rows, (page - 1) * rows));
    let mut values = vec![limit, offset];
    let condition = match filter {
        ProjectFilter::OfStudent(user_id) => {
            values.push(user_id);
            "p.id IN (SELECT project_id FROM labs_members WHERE user_id = ?3)"
        }
        ProjectFilter::OfLab { lab_id, status } => {
            values.extend([lab_id, status]);
            "p.lab_id = ?3 AND p.opt_status = ?4"
        }
        ProjectFilter::WithStatus(status) => {
            values.push(status);
            "p.opt_status = ?3"
        }
    };
    let sql = format!(
        "{PROJECT_SELECT} WHERE p.deleted = 0 AND {condition} ORDER BY p.id DESC LIMIT ?1 OFFSET ?2"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let projects: Vec<Project> = stmt
        .query_map(rusqlite::params_from_iter(values), project_from)?
        .collect::<rusqlite::Result<_>>()?;
    projects
        .into_iter()
        .map(|p| {
            let members = members(conn, p.id)?;
            Ok(p.list_item(members))
        })
        .collect()
}

/// Live (not deleted) projects of a lab.
pub fn count_of_lab(conn: &Connection, lab_id: i64) -> Result<i64, Error> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM labs_projects WHERE lab_id = ?1 AND deleted = 0")?
        .query_row([lab_id], |row| row.get(0))?)
}

/// Live projects of a status.
pub fn count_with_status(conn: &Connection, status: i64) -> Result<i64, Error> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM labs_projects WHERE deleted = 0 AND opt_status = ?1")?
        .query_row([status], |row| row.get(0))?)
}

/// The users behind member sids: existing students, or a failure naming
/// the first that is not.
fn member_users(conn: &Connection, sids: &[String]) -> Result<Vec<i64>, Error> {
    sids.iter()
        .map(|sid| {
            user_by_sid(conn, sid)?
                .filter(|u| !u.is_admin)
                .map(|u| u.id)
                .ok_or_else(|| failed(format!("成员 {sid} 不是已注册的学生")))
        })
        .collect()
}

fn set_members(
    conn: &Connection,
    project_id: i64,
    leader_id: i64,
    others: &[i64],
) -> Result<(), Error> {
    conn.execute(
        "DELETE FROM labs_members WHERE project_id = ?1",
        [project_id],
    )?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO labs_members (project_id, user_id, position) VALUES (?1, ?2, ?3)",
    )?;
    for (position, user_id) in std::iter::once(&leader_id).chain(others).enumerate() {
        insert.execute(params![project_id, user_id, position as i64])?;
    }
    Ok(())
}

/// Adds a project led by `leader_id` in the lab named `lab_name`.
pub fn insert_project(
    conn: &Connection,
    leader_id: i64,
    lab_name: &str,
    fields: &ProjectFields,
    now: i64,
) -> Result<i64, Error> {
    let lab = lab_by_name(conn, lab_name)?
        .ok_or_else(|| failed(format!("实验室「{lab_name}」不存在")))?;
    let others = member_users(conn, &fields.member_sids)?;
    conn.execute(
        "INSERT INTO labs_projects (lab_id, leader_id, name, description, duration, coach_id, aim, type, submit_time)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            lab.id,
            leader_id,
            fields.name,
            fields.description,
            fields.duration,
            fields.coach_id,
            fields.aim,
            fields.kind,
            now
        ],
    )?;
    let id = conn.last_insert_rowid();
    set_members(conn, id, leader_id, &others)?;
    Ok(id)
}

/// A project the caller may manage (admin or its lab's leader), read inside
/// the writer so the check and the change cannot be split.
fn managed_project(conn: &Connection, caller: &Caller, id: i64) -> Result<Project, Error> {
    let project = project(conn, id)?.ok_or_else(|| failed(format!("项目 {id} 不存在")))?;
    if !caller.manages(project.lab_id) {
        return Err(Error::Denied);
    }
    Ok(project)
}

/// Changes a project's fields and members; returns the members to notify.
pub fn update_project(
    conn: &Connection,
    caller: &Caller,
    id: i64,
    fields: &ProjectFields,
) -> Result<(Project, Vec<Member>), Error> {
    let project = managed_project(conn, caller, id)?;
    let others = member_users(conn, &fields.member_sids)?;
    conn.execute(
        "UPDATE labs_projects SET name = ?2, description = ?3, duration = ?4, coach_id = ?5, aim = ?6, type = ?7
         WHERE id = ?1",
        params![
            id,
            fields.name,
            fields.description,
            fields.duration,
            fields.coach_id,
            fields.aim,
            fields.kind
        ],
    )?;
    set_members(conn, id, project.leader_user_id, &others)?;
    let project = self::project(conn, id)?.ok_or_else(|| failed(format!("项目 {id} 不存在")))?;
    let members = members(conn, id)?;
    Ok((project, members))
}

/// Sets `opt_status`; approval stamps the start, finishing the end.
pub fn review_project(
    conn: &Connection,
    caller: &Caller,
    id: i64,
    status: i64,
    now: i64,
) -> Result<(), Error> {
    managed_project(conn, caller, id)?;
    set_status(conn, id, status, now)
}

/// Sets `opt_status` with no permission check (demo data).
pub fn set_status(conn: &Connection, id: i64, status: i64, now: i64) -> Result<(), Error> {
    conn.execute(
        "UPDATE labs_projects SET opt_status = ?2,
             start_time = CASE WHEN ?2 IN (1, 2) THEN coalesce(start_time, ?3) ELSE start_time END,
             end_time = CASE WHEN ?2 = 2 THEN coalesce(end_time, ?3) ELSE end_time END
         WHERE id = ?1",
        params![id, status, now],
    )?;
    Ok(())
}

/// The student's own delete (or restore) of a project they lead.
pub fn set_deleted_by_leader(
    conn: &Connection,
    user_id: i64,
    id: i64,
    deleted: bool,
) -> Result<(), Error> {
    let project = project(conn, id)?.ok_or_else(|| failed(format!("项目 {id} 不存在")))?;
    if project.leader_user_id != user_id {
        return Err(Error::Denied);
    }
    conn.execute(
        "UPDATE labs_projects SET deleted = ?2 WHERE id = ?1",
        params![id, deleted],
    )?;
    Ok(())
}

/// Deletes (or restores) several projects, all or none: every id must
/// exist and be managed by the caller.
pub fn set_deleted(
    conn: &Connection,
    caller: &Caller,
    ids: &[i64],
    deleted: bool,
) -> Result<(), Error> {
    for id in ids {
        managed_project(conn, caller, *id)?;
    }
    let mut update = conn.prepare_cached("UPDATE labs_projects SET deleted = ?2 WHERE id = ?1")?;
    for id in ids {
        update.execute(params![id, deleted])?;
    }
    Ok(())
}

// ---- mailed codes

/// Records a new code for an address, unless one was mailed to it (for any
/// purpose) less than a minute ago; then `Err(seconds to wait)`.
pub fn issue_code(
    conn: &Connection,
    email: &str,
    purpose: Purpose,
    code: &str,
    now: i64,
) -> Result<Result<(), i64>, Error> {
    let last: Option<i64> = conn.query_row(
        "SELECT max(sent_at) FROM labs_codes WHERE email = ?1",
        [email],
        |row| row.get(0),
    )?;
    if let Some(last) = last
        && now - last < MAIL_GAP_SECS
    {
        return Ok(Err(MAIL_GAP_SECS - (now - last)));
    }
    conn.execute(
        "INSERT OR REPLACE INTO labs_codes (email, purpose, code_hash, sent_at, expires_at, tries_left, used_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL)",
        params![
            email,
            purpose.as_str(),
            code_hash(email, code).as_slice(),
            now,
            now + CODE_LIFETIME_SECS,
            CODE_TRIES
        ],
    )?;
    Ok(Ok(()))
}

/// Forgets a code whose mail could not be sent.
pub fn withdraw_code(
    conn: &Connection,
    email: &str,
    purpose: Purpose,
    code: &str,
) -> Result<(), Error> {
    conn.execute(
        "DELETE FROM labs_codes WHERE email = ?1 AND purpose = ?2 AND code_hash = ?3",
        params![email, purpose.as_str(), code_hash(email, code).as_slice()],
    )?;
    Ok(())
}

/// Whether `code` is the live code of the address.
pub fn check_code(
    conn: &Connection,
    email: &str,
    purpose: Purpose,
    code: &str,
    now: i64,
) -> Result<Result<(), CodeProblem>, Error> {
    let row: Option<(Vec<u8>, i64, i64, Option<i64>)> = conn
        .prepare_cached(
            "SELECT code_hash, expires_at, tries_left, used_at FROM labs_codes
             WHERE email = ?1 AND purpose = ?2",
        )?
        .query_row(params![email, purpose.as_str()], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })
        .optional()?;
    let Some((stored, expires_at, tries_left, used_at)) = row else {
        return Ok(Err(CodeProblem::NotSent));
    };
    Ok(if used_at.is_some() {
        Err(CodeProblem::Used)
    } else if expires_at <= now {
        Err(CodeProblem::Expired)
    } else if tries_left <= 0 {
        Err(CodeProblem::TooManyTries)
    } else if stored.as_slice() != code_hash(email, code).as_slice() {
        Err(CodeProblem::Wrong)
    } else {
        Ok(())
    })
}

/// Counts a wrong try against the live code; returns the tries left.
pub fn wrong_try(conn: &Connection, email: &str, purpose: Purpose) -> Result<i64, Error> {
    Ok(conn
        .query_row(
            "UPDATE labs_codes SET tries_left = max(tries_left - 1, 0)
             WHERE email = ?1 AND purpose = ?2 AND used_at IS NULL
             RETURNING tries_left",
            params![email, purpose.as_str()],
            |row| row.get(0),
        )
        .optional()?
        .unwrap_or(0))
}

/// Checks and uses the code in one step: it is accepted at most once.
pub fn use_code(
    conn: &Connection,
    email: &str,
    purpose: Purpose,
    code: &str,
    now: i64,
) -> Result<(), Error> {
    match check_code(conn, email, purpose, code, now)? {
        Ok(()) => {
            conn.execute(
                "UPDATE labs_codes SET used_at = ?3 WHERE email = ?1 AND purpose = ?2",
                params![email, purpose.as_str(), now],
            )?;
            Ok(())
        }
        Err(CodeProblem::Wrong) => {
            let left = wrong_try(conn, email, purpose)?;
            Err(CodeProblem::Wrong.error(left))
        }
        Err(problem) => Err(problem.error(0)),
    }
}

// ---- captchas

/// Keeps a captcha's answer under the hash of the id the client holds.
pub fn insert_captcha(conn: &Connection, id: &str, answer: &str, now: i64) -> Result<(), Error> {
    conn.prepare_cached(
        "INSERT INTO labs_captchas (id_hash, answer, expires_at) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![
        crate::session::hash(id).as_slice(),
        answer.to_lowercase(),
        now + CAPTCHA_LIFETIME_SECS
    ])?;
    Ok(())
}

/// Takes a captcha out (each is answered once); its answer if still live.
pub fn take_captcha(conn: &Connection, id: &str, now: i64) -> Result<Option<String>, Error> {
    let taken: Option<(String, i64)> = conn
        .prepare_cached(
            "DELETE FROM labs_captchas WHERE id_hash = ?1 RETURNING answer, expires_at",
        )?
        .query_row([crate::session::hash(id).as_slice()], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    Ok(taken.and_then(|(answer, expires_at)| (expires_at > now).then_some(answer)))
}

/// Removes expired captchas and codes a day past their expiry.
pub fn sweep(conn: &Connection, now: i64) -> Result<usize, Error> {
    let captchas = conn.execute("DELETE FROM labs_captchas WHERE expires_at <= ?1", [now])?;
    let codes = conn.execute(
        "DELETE FROM labs_codes WHERE expires_at <= ?1",
        [now - 24 * 3600],
    )?;
    Ok(captchas + codes)
}
