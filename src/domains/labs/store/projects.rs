//! Projects.

use super::*;
use crate::db::CachedSql;
use crate::db::Write;

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
    /// A lab's projects in one state.
    OfLab { lab_id: i64, status: Status },
    /// Every project in one state.
    WithStatus(Status),
}

/// A list in the seed's `*` shape, newest first; `page` is (page, rows);
/// states are as of `now`.
pub fn project_list(
    conn: &Connection,
    filter: ProjectFilter,
    page: Option<(i64, i64)>,
    now: i64,
) -> Result<Vec<ProjectItemJson>, Error> {
    let (limit, offset) = page.map_or((-1, 0), |(page, rows)| (rows, (page - 1) * rows));
    let mut values = vec![limit, offset, now];
    let condition = match filter {
        ProjectFilter::OfStudent(user_id) => {
            values.push(user_id);
            "p.id IN (SELECT project_id FROM labs_members WHERE user_id = ?4)".to_string()
        }
        ProjectFilter::OfLab { lab_id, status } => {
            values.push(lab_id);
            format!("p.lab_id = ?4 AND {}", status.condition("?3"))
        }
        ProjectFilter::WithStatus(status) => status.condition("?3"),
    };
    // `?3 = ?3` keeps `now` bound when the state does not read it.
    let sql = format!(
        "{PROJECT_SELECT} WHERE p.deleted = 0 AND {condition} AND ?3 = ?3 ORDER BY p.id DESC LIMIT ?1 OFFSET ?2"
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

/// Live projects in a state as of `now`.
pub fn count_with_status(conn: &Connection, status: Status, now: i64) -> Result<i64, Error> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT count(*) FROM labs_projects p WHERE p.deleted = 0 AND {} AND ?1 = ?1",
            status.condition("?1")
        ))?
        .query_row([now], |row| row.get(0))?)
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
    conn.execute_cached(
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

/// The `project` event: which project, its `opt_status`, and what changed.
#[derive(serde::Serialize)]
struct ProjectNews<'a> {
    id: i64,
    name: &'a str,
    lab_name: &'a str,
    opt_status: i64,
    deleted: bool,
    /// `created`, `updated`, `reviewed`, `deleted` or `restored`.
    change: &'static str,
}

/// Tells a project's members, its lab's leader and every admin what
/// changed, once the write commits.
fn tell_project(write: &Write, id: i64, change: &'static str) -> Result<(), Error> {
    let Some(project) = project(write, id)? else {
        return Ok(());
    };
    let readers: Vec<i64> = write
        .prepare_cached(
            "SELECT user_id FROM labs_members WHERE project_id = ?1
             UNION SELECT leader_id FROM labs_labs WHERE id = ?2 AND leader_id IS NOT NULL
             UNION SELECT id FROM labs_users WHERE is_admin = 1",
        )?
        .query_map(params![id, project.lab_id], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let news = ProjectNews {
        id,
        name: &project.name,
        lab_name: &project.lab_name,
        opt_status: shown_opt_status(project.opt_status),
        deleted: project.deleted,
        change,
    };
    events::stage(write, DOMAIN, "project", &news, Audience::Accounts(readers));
    Ok(())
}

/// Adds a project led by `leader_id` in the lab named `lab_name`.
pub fn insert_project(
    write: &Write,
    leader_id: i64,
    lab_name: &str,
    fields: &ProjectFields,
    now: i64,
) -> Result<i64, Error> {
    let lab = lab_by_name(write, lab_name)?
        .ok_or_else(|| failed(format!("实验室「{lab_name}」不存在")))?;
    let others = member_users(write, &fields.member_sids)?;
    write.execute_cached(
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
    let id = write.last_insert_rowid();
    set_members(write, id, leader_id, &others)?;
    tell_project(write, id, "created")?;
    Ok(id)
}

/// A project the caller may manage (admin or its lab's leader), read inside
/// the writer so the check and the change cannot be split. The lab the
/// caller leads is read here again, not taken from their session: a lab
/// handed to another leader a moment ago is no longer theirs.
fn managed_project(conn: &Connection, caller: &Account, id: i64) -> Result<Project, Error> {
    let project = project(conn, id)?.ok_or_else(|| failed(format!("项目 {id} 不存在")))?;
    let leads = lab_led_by(conn, caller.user.id)?.is_some_and(|lab| lab.id == project.lab_id);
    if !(caller.is_admin() || leads) {
        return Err(Error::Denied);
    }
    Ok(project)
}

/// Changes a project's fields and members; returns the members to notify.
pub fn update_project(
    write: &Write,
    caller: &Account,
    id: i64,
    fields: &ProjectFields,
    now: i64,
) -> Result<(Project, Vec<Member>), Error> {
    let project = managed_project(write, caller, id)?;
    let others = member_users(write, &fields.member_sids)?;
    write.execute_cached(
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
    set_members(write, id, project.leader_user_id, &others)?;
    tell_project(write, id, "updated")?;
    let content = format!("项目「{}」的信息已修改", fields.name);
    notify_members(write, caller, id, ["项目修改", &content], now)?;
    let project = self::project(write, id)?.ok_or_else(|| failed(format!("项目 {id} 不存在")))?;
    let members = members(write, id)?;
    Ok((project, members))
}

/// Sets `opt_status`; approval stamps the start, finishing the end.
pub fn review_project(
    write: &Write,
    caller: &Account,
    id: i64,
    status: i64,
    now: i64,
) -> Result<(), Error> {
    let project = managed_project(write, caller, id)?;
    set_status(write, id, status, now)?;
    let outcome = match status {
        stage::APPROVED => "已通过审核",
        stage::FINISHED => "已验收完成",
        _ => "未通过审核",
    };
    let content = format!("项目「{}」{outcome}", project.name);
    notify_members(write, caller, id, ["项目审核", &content], now)?;
    tell_project(write, id, "reviewed")
}

/// Sets `opt_status` with no permission check (demo data).
pub fn set_status(conn: &Connection, id: i64, status: i64, now: i64) -> Result<(), Error> {
    conn.execute_cached(
        "UPDATE labs_projects SET opt_status = ?2,
             start_time = CASE WHEN ?2 IN (1, 2) THEN coalesce(start_time, ?3) ELSE start_time END, -- approved, finished
             end_time = CASE WHEN ?2 = 2 THEN coalesce(end_time, ?3) ELSE end_time END
         WHERE id = ?1",
        params![id, status, now],
    )?;
    Ok(())
}

/// The student's own delete (or restore) of a project they lead.
pub fn set_deleted_by_leader(
    write: &Write,
    user_id: i64,
    id: i64,
    deleted: bool,
) -> Result<(), Error> {
    let project = project(write, id)?.ok_or_else(|| failed(format!("项目 {id} 不存在")))?;
    if project.leader_user_id != user_id {
        return Err(Error::Denied);
    }
    write.execute_cached(
        "UPDATE labs_projects SET deleted = ?2 WHERE id = ?1",
        params![id, deleted],
    )?;
    tell_project(write, id, if deleted { "deleted" } else { "restored" })
}

/// Deletes (or restores) several projects, all or none: every id must
/// exist and be managed by the caller.
pub fn set_deleted(
    write: &Write,
    caller: &Account,
    ids: &[i64],
    deleted: bool,
    now: i64,
) -> Result<(), Error> {
    let mut projects = Vec::with_capacity(ids.len());
    for id in ids {
        projects.push(managed_project(write, caller, *id)?);
    }
    for project in projects {
        write.execute_cached(
            "UPDATE labs_projects SET deleted = ?2 WHERE id = ?1",
            params![project.id, deleted],
        )?;
        tell_project(
            write,
            project.id,
            if deleted { "deleted" } else { "restored" },
        )?;
        let (kind, done) = if deleted {
            ("取消项目", "已被删除")
        } else {
            ("项目通知", "已恢复")
        };
        let content = format!("项目「{}」{done}", project.name);
        notify_members(write, caller, project.id, [kind, &content], now)?;
    }
    Ok(())
}
