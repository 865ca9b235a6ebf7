//! Lab services.

use super::*;

/// GET /lab/get/all
pub async fn lab_all(call: Call) -> Result<Vec<model::LabJson>, Error> {
    call.input?;
    let labs = call.app.db.read(store::labs).await?;
    Ok(labs.iter().map(model::Lab::view).collect())
}

/// GET /lab/get
pub async fn lab_get(call: Call) -> Result<model::LabJson, Error> {
    let input::Id { id } = decode(&call.input?)?;
    let lab = call
        .app
        .db
        .read(move |conn| store::lab_by_id(conn, id))
        .await?
        .ok_or_else(|| failed("实验室不存在"))?;
    Ok(lab.view())
}

/// POST /lab/create (admin)
pub async fn lab_create(call: Call) -> Result<Value, Error> {
    let form = call.input?;
    admin(&call.app, call.token).await?;
    let input: input::NewLab = decode(&form)?;
    let name = check_required_text(input.name, 64, "实验室名称")?;
    let leader = input.leader_id.map(|s| s.trim().to_string());
    let description = check_text(input.description, 2000, "实验室简介")?;
    let now = clock::now();
    call.app
        .db
        .write(move |tx| store::insert_lab(tx, &name, leader.as_deref(), &description, now))
        .await?;
    Ok(Value::Null)
}

/// POST /lab/update (admin): fields not sent stay as they are.
pub async fn lab_update(call: Call) -> Result<Value, Error> {
    let form = call.input?;
    admin(&call.app, call.token).await?;
    let input: input::LabChange = decode(&form)?;
    let id = input.id;
    let name = input
        .name
        .map(|n| check_required_text(Some(n), 64, "实验室名称"))
        .transpose()?;
    let leader = input.leader_id.map(|s| s.trim().to_string());
    let description = input
        .description
        .map(|d| check_text(Some(d), 2000, "实验室简介"))
        .transpose()?;
    call.app
        .db
        .write(move |tx| {
            store::update_lab(
                tx,
                id,
                name.as_deref(),
                leader.as_deref(),
                description.as_deref(),
            )
        })
        .await?;
    Ok(Value::Null)
}

/// POST /lab/delete (admin)
pub async fn lab_delete(call: Call) -> Result<Value, Error> {
    let form = call.input?;
    admin(&call.app, call.token).await?;
    let input::Id { id } = decode(&form)?;
    call.app
        .db
        .write(move |tx| store::delete_lab(tx, id))
        .await?;
    Ok(Value::Null)
}
