//! Notifications and bulletins, which the original system's pages show
//! beside the projects (`noti/`, `bulletin/`; not in the seed).

use super::*;

/// GET /noti/get: the caller's unread notifications, newest first.
pub async fn notifications(
    call: Call,
    caller: Caller,
) -> Result<model::Timed<Vec<model::NotificationJson>>, Error> {
    let user_id = caller.user.id;
    let list = call
        .app
        .db
        .read(move |conn| store::unread_notifications(conn, user_id))
        .await?;
    Ok(timed(&call.app, list))
}

/// POST /noti/read: one of the caller's notifications is read.
pub async fn read_notification(
    call: Call,
    caller: Caller,
    Input(input::NotificationId { nid }): Input<input::NotificationId>,
) -> Result<(), Error> {
    let user_id = caller.user.id;
    call.app
        .db
        .write(move |tx| store::read_notifications(tx, user_id, Some(nid)))
        .await?;
    Ok(())
}

/// POST /noti/read/all: every notification of the caller is read.
pub async fn read_all_notifications(call: Call, caller: Caller) -> Result<(), Error> {
    let user_id = caller.user.id;
    call.app
        .db
        .write(move |tx| store::read_notifications(tx, user_id, None))
        .await?;
    Ok(())
}

/// GET /bulletin/get: a page of bulletins, newest first.
pub async fn bulletins(
    call: Call,
    _: Caller,
    Input(input::Page { page, rows }): Input<input::Page>,
) -> Result<model::Timed<Vec<model::BulletinItemJson>>, Error> {
    let page = model::check_page(page, rows)?;
    let list = call
        .app
        .db
        .read(move |conn| store::bulletins(conn, page))
        .await?;
    Ok(timed(&call.app, list))
}

/// GET /bulletin/count
pub async fn bulletin_count(call: Call, _: Caller) -> Result<i64, Error> {
    call.app.db.read(store::bulletin_count).await
}

/// GET /bulletin/one: `read_count=true` counts this read.
pub async fn bulletin(
    call: Call,
    _: Caller,
    Input(input::BulletinRead { id, read_count }): Input<input::BulletinRead>,
) -> Result<model::Timed<model::BulletinJson>, Error> {
    let count_read = read_count.is_some_and(|flag| flag.0);
    let db = &call.app.db;
    let bulletin = if count_read {
        db.write(move |tx| store::read_bulletin(tx, id, true))
            .await?
    } else {
        db.read(move |conn| store::read_bulletin(conn, id, false))
            .await?
    };
    Ok(timed(&call.app, bulletin))
}

/// A bulletin's title (up to 100 characters) and content (up to 20000).
fn bulletin_text(title: Option<String>, content: Option<String>) -> Result<[String; 2], Error> {
    Ok([
        check_required_text(title, 100, "标题")?,
        check_required_text(content, 20_000, "内容")?,
    ])
}

/// POST /bulletin/create: an admin's (系统公告) or a lab leader's (their lab's).
pub async fn bulletin_create(
    call: Call,
    caller: Caller,
    Input(input): Input<input::NewBulletin>,
) -> Result<(), Error> {
    let [title, content] = bulletin_text(input.title, input.content)?;
    let now = clock::now();
    call.app
        .db
        .write(move |tx| store::insert_bulletin(tx, &caller, [&title, &content], now))
        .await?;
    Ok(())
}

/// POST /bulletin/update: an admin, or the leader of the lab that posted it.
pub async fn bulletin_update(
    call: Call,
    caller: Caller,
    Input(input): Input<input::BulletinChange>,
) -> Result<(), Error> {
    let [title, content] = bulletin_text(input.title, input.content)?;
    let now = clock::now();
    call.app
        .db
        .write(move |tx| store::update_bulletin(tx, &caller, input.id, [&title, &content], now))
        .await?;
    Ok(())
}

/// POST /bulletin/delete: `ids` joined by `@`, all or none; an admin any,
/// a lab's leader their lab's.
pub async fn bulletin_delete(
    call: Call,
    caller: Caller,
    Input(input::BulletinIds { ids }): Input<input::BulletinIds>,
) -> Result<(), Error> {
    let ids = model::parse_ids(&required(ids, "ids")?)?;
    call.app
        .db
        .write(move |tx| store::delete_bulletins(tx, &caller, &ids))
        .await?;
    Ok(())
}
