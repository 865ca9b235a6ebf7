//! Lab services.

use super::*;

/// GET /lab/get/all
pub async fn lab_all(call: Call) -> Result<model::Timed<Vec<model::LabJson>>, Error> {
    call.input?;
    let labs = call.app.db.read(store::labs).await?;
    Ok(timed(
        &call.app,
        labs.iter().map(model::Lab::view).collect(),
    ))
}

/// GET /lab/get
pub async fn lab_get(
    call: Call,
    Input(input::Id { id }): Input<input::Id>,
) -> Result<model::Timed<model::LabJson>, Error> {
    let lab = call
        .app
        .db
        .lookup(move |conn| store::lab_by_id(conn, id))
        .await?
        .ok_or_else(|| failed("实验室不存在"))?;
    Ok(timed(&call.app, lab.view()))
}

/// GET /lab/get/name: every lab's name, for the project form's choice.
pub async fn lab_names(call: Call) -> Result<Vec<String>, Error> {
    call.input?;
    call.app.db.read(store::lab_names).await
}

/// POST /lab/create (admin)
pub async fn lab_create(
    call: Call,
    _: Admin,
    Input(input): Input<input::NewLab>,
) -> Result<(), Error> {
    let name = check_required_text(input.name, 64, "实验室名称")?;
    let leader = input.leader_id.map(|s| s.trim().to_string());
    let description = check_text(input.description, 2000, "实验室简介")?;
    let classroom = check_text(input.classroom, 64, "实验室地点")?;
    let now = clock::now();
    call.app
        .db
        .write(move |tx| {
            let fields = store::LabFields {
                name: &name,
                leader_sid: leader.as_deref(),
                description: &description,
                classroom: &classroom,
            };
            store::insert_lab(tx, &fields, now)
        })
        .await?;
    Ok(())
}

/// POST /lab/update: an admin, or the lab's own leader (as the original
/// allows), who may not hand the lab to someone else; fields not sent
/// stay as they are.
pub async fn lab_update(
    call: Call,
    caller: Caller,
    Input(input): Input<input::LabChange>,
) -> Result<(), Error> {
    let id = input.id;
    let own_lab = caller.lab.as_ref().is_some_and(|lab| lab.id == id);
    let may = caller.is_admin() || (own_lab && input.leader_id.is_none());
    if !may {
        return Err(Error::Denied);
    }
    let name = input
        .name
        .map(|n| check_required_text(Some(n), 64, "实验室名称"))
        .transpose()?;
    let leader = input.leader_id.map(|s| s.trim().to_string());
    let description = input
        .description
        .map(|d| check_text(Some(d), 2000, "实验室简介"))
        .transpose()?;
    let classroom = input
        .classroom
        .map(|c| check_text(Some(c), 64, "实验室地点"))
        .transpose()?;
    call.app
        .db
        .write(move |tx| {
            let changes = store::LabChanges {
                name: name.as_deref(),
                leader_sid: leader.as_deref(),
                description: description.as_deref(),
                classroom: classroom.as_deref(),
            };
            store::update_lab(tx, id, &changes)
        })
        .await?;
    Ok(())
}

/// POST /lab/delete (admin)
pub async fn lab_delete(
    call: Call,
    _: Admin,
    Input(input::Id { id }): Input<input::Id>,
) -> Result<(), Error> {
    call.app
        .db
        .write(move |tx| store::delete_lab(tx, id))
        .await?;
    Ok(())
}
