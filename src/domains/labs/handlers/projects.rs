//! Project services.

use super::*;

/// The editable fields of create and update; `leader_sid` is dropped from
/// the members.
fn project_fields(
    text: input::ProjectText,
    leader_sid: &str,
    duration_required: bool,
) -> Result<ProjectFields, Error> {
    let duration = match text.duration {
        Some(d) => model::check_duration(d)?,
        None if duration_required => return Err(failed("duration 不能为空")),
        None => 0,
    };
    Ok(ProjectFields {
        name: check_required_text(text.name, 100, "项目名称")?,
        description: check_text(text.description, 5000, "项目描述")?,
        duration,
        coach_id: check_text(text.coach_id, 64, "指导老师")?,
        aim: check_required_text(text.aim, 2000, "项目目标")?,
        kind: check_text(text.kind, 64, "项目类型")?,
        member_sids: model::parse_member_ids(text.member_ids, leader_sid)?,
    })
}

/// POST /project/create: the caller, a student, leads the new project.
pub async fn project_create(call: Call, caller: Caller) -> Result<(), Error> {
    let form = call.input?;
    if caller.is_admin() {
        return Err(Error::Denied);
    }
    let (lab_name, text) = decode::<input::NewProject>(&form)?.split();
    let lab_name = required(lab_name, "实验室名称")?;
    let fields = project_fields(text, &caller.user.sid, false)?;
    let now = clock::now();
    let leader = caller.user.id;
    call.app
        .db
        .write(move |tx| store::insert_project(tx, leader, &lab_name, &fields, now))
        .await?;
    Ok(())
}

/// GET /project/count/lab
pub async fn count_lab(
    call: Call,
    caller: Caller,
    Input(input::LabId { lab_id }): Input<input::LabId>,
) -> Result<i64, Error> {
    if !caller.manages(lab_id) {
        return Err(Error::Denied);
    }
    let count = call
        .app
        .db
        .read(move |conn| {
            store::lab_by_id(conn, lab_id)?.ok_or_else(|| failed("实验室不存在"))?;
            store::count_of_lab(conn, lab_id)
        })
        .await?;
    Ok(count)
}

/// GET /project/count/status
pub async fn count_status(
    call: Call,
    _: Admin,
    Input(input::Status { status }): Input<input::Status>,
) -> Result<i64, Error> {
    let status = model::Status::from_code(status)?;
    let now = clock::now();
    let count = call
        .app
        .db
        .read(move |conn| store::count_with_status(conn, status, now))
        .await?;
    Ok(count)
}

/// GET /project/student
pub async fn student_projects(
    call: Call,
    caller: Caller,
    Input(input::Sid { sid }): Input<input::Sid>,
) -> Result<model::Timed<Vec<model::ProjectItemJson>>, Error> {
    let sid = required(sid, "sid")?;
    if !caller.is_admin() && caller.user.sid != sid {
        return Err(Error::Denied);
    }
    let now = clock::now();
    let list = call
        .app
        .db
        .read(move |conn| {
            let student = store::user_by_sid(conn, &sid)?
                .filter(|u| !u.is_admin)
                .ok_or_else(|| failed(format!("学生 {sid} 不存在")))?;
            store::project_list(conn, ProjectFilter::OfStudent(student.id), None, now)
        })
        .await?;
    Ok(timed(&call.app, list))
}

/// GET /project/one: any logged-in user (the seed marks no permission);
/// members' e-mail and phone only for an admin, the project's lab leader
/// and its members.
pub async fn project_one(
    call: Call,
    caller: Caller,
    Input(input::Id { id }): Input<input::Id>,
) -> Result<model::Timed<model::ProjectJson>, Error> {
    let project = call
        .app
        .db
        .read(move |conn| {
            let project =
                store::project(conn, id)?.ok_or_else(|| failed(format!("项目 {id} 不存在")))?;
            let members = store::members(conn, id)?;
            let is_member = members.iter().any(|m| m.user_id == caller.user.id);
            let contacts = caller.manages(project.lab_id) || is_member;
            Ok::<_, Error>(project.detail(members, contacts))
        })
        .await?;
    Ok(timed(&call.app, project))
}

/// GET /project/lab: the admins' and the lab's leader's, as the original's
/// `getProjectsByLabId`; every project (`status` 0) is paged, one state
/// is listed whole.
pub async fn lab_projects(
    call: Call,
    caller: Caller,
    Input(input::LabProjects {
        status,
        lab_id,
        page,
        rows,
    }): Input<input::LabProjects>,
) -> Result<model::Timed<Vec<model::ProjectItemJson>>, Error> {
    if !caller.is_admin() && caller.lab.as_ref().map(|lab| lab.id) != Some(lab_id) {
        return Err(Error::Denied);
    }
    let status = model::Status::from_code(status)?;
    let page = if status == model::Status::All {
        Some(model::check_page(page, rows)?)
    } else {
        None
    };
    let now = clock::now();
    let list = call
        .app
        .db
        .read(move |conn| {
            store::lab_by_id(conn, lab_id)?.ok_or_else(|| failed("实验室不存在"))?;
            store::project_list(conn, ProjectFilter::OfLab { lab_id, status }, page, now)
        })
        .await?;
    Ok(timed(&call.app, list))
}

/// GET /project/all (admin)
pub async fn all_projects(
    call: Call,
    _: Admin,
    Input(input::StatusPage { status, page, rows }): Input<input::StatusPage>,
) -> Result<model::Timed<Vec<model::ProjectItemJson>>, Error> {
    let status = model::Status::from_code(status)?;
    let page = model::check_page(page, rows)?;
    let now = clock::now();
    let list = call
        .app
        .db
        .read(move |conn| {
            store::project_list(conn, ProjectFilter::WithStatus(status), Some(page), now)
        })
        .await?;
    Ok(timed(&call.app, list))
}

/// POST /project/update: with `notify`, every member is mailed.
pub async fn project_update(call: Call, caller: Caller) -> Result<(), Error> {
    let form = call.input?;
    let (id, notify, text) = decode::<input::ProjectChange>(&form)?.split();
    if text.kind.is_none() {
        return Err(failed("项目类型不能为空"));
    }
    let app = call.app;
    // The leader is whoever created the project; read it to drop them
    // from memberIds. The writer checks permission and existence again.
    let leader_sid = app
        .db
        .lookup(move |conn| store::project(conn, id))
        .await?
        .ok_or_else(|| failed(format!("项目 {id} 不存在")))?
        .leader_sid;
    let fields = project_fields(text, &leader_sid, true)?;
    let editor = caller.user.name.clone();
    let (project, members) = app
        .db
        .write(move |tx| store::update_project(tx, &caller, id, &fields, clock::now()))
        .await?;
    if notify {
        let subject = format!("【实验室项目管理】项目「{}」已更新", project.name);
        let body = format!(
            "您好！\n\n您参与的项目「{}」（编号 {}，{}）的信息已由 {editor} 更新，请登录查看。\n",
            project.name, project.id, project.lab_name
        );
        for member in members {
            let Some(email) = member.email else { continue };
            if let Err(e) = app
                .mailer
                .send(&app.db, DOMAIN, &email, &subject, &body)
                .await
            {
                tracing::warn!("labs: notifying {email} of project {id}: {e}");
            }
        }
    }
    Ok(())
}

/// POST /project/review
pub async fn project_review(
    call: Call,
    caller: Caller,
    Input(input::Review { id, opt_status }): Input<input::Review>,
) -> Result<(), Error> {
    let status = model::Status::review_stage(opt_status)?;
    let now = clock::now();
    call.app
        .db
        .write(move |tx| store::review_project(tx, &caller, id, status, now))
        .await?;
    Ok(())
}

/// POST /project/delete/student: the project's leader hides it (or back).
pub async fn delete_by_student(
    call: Call,
    caller: Caller,
    Input(input::StudentDelete { pid: id, new_value }): Input<input::StudentDelete>,
) -> Result<(), Error> {
    let deleted = model::check_new_value(new_value)?;
    let user_id = caller.user.id;
    call.app
        .db
        .write(move |tx| store::set_deleted_by_leader(tx, user_id, id, deleted))
        .await?;
    Ok(())
}

/// POST /project/delete: all the ids or none.
pub async fn delete_many(
    call: Call,
    caller: Caller,
    Input(input::ManyDelete { ids, new_value }): Input<input::ManyDelete>,
) -> Result<(), Error> {
    let ids = model::parse_ids(&required(ids, "ids")?)?;
    let deleted = model::check_new_value(new_value)?;
    if !caller.is_admin() && caller.lab.is_none() {
        return Err(Error::Denied);
    }
    call.app
        .db
        .write(move |tx| store::set_deleted(tx, &caller, &ids, deleted, clock::now()))
        .await?;
    Ok(())
}
