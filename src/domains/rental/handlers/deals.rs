//! Requests and deals.

use super::*;

/// POST /operation/apply-house/
pub async fn apply_house(
    call: Call,
    caller: Caller,
    Input(input::Application {
        house_id,
        period,
        start_date,
        end_date,
    }): Input<input::Application>,
) -> Result<model::NewId, Error> {
    if !(1..=120).contains(&period) {
        return Err(failed("租期（period）应为 1 到 120 个月"));
    }
    let start = model::parse_us_date(&start_date.0, "start_date")?;
    let end = model::parse_us_date(&end_date.0, "end_date")?;
    if end < start {
        return Err(failed("结束日期不能早于开始日期"));
    }
    let (tenant, now) = (caller.id, clock::now());
    let id = call
        .app
        .db
        .write(move |tx| store::apply(tx, tenant, house_id, period, start, end, now))
        .await?;
    Ok(model::NewId { id })
}

/// POST /operation/provide-house/ (not in the seed): offer a house to a demand.
pub async fn provide_house(
    call: Call,
    caller: Caller,
    Input(input::Offer {
        house_id,
        rental_id: demand_id,
    }): Input<input::Offer>,
) -> Result<model::NewId, Error> {
    let (owner, now) = (caller.id, clock::now());
    let id = call
        .app
        .db
        .write(move |tx| store::provide(tx, owner, house_id, demand_id, now))
        .await?;
    Ok(model::NewId { id })
}

async fn notifications(call: Call, kind: RequestKind) -> Result<Vec<store::Notification>, Error> {
    call.input?;
    let caller: Caller = session::required(&call.app.db, call.token).await?;
    let user = caller.id;
    call.app
        .db
        .read(move |conn| store::notifications(conn, kind, user))
        .await
}

/// POST /query/apply-notification
pub async fn apply_notifications(call: Call) -> Result<model::Applications, Error> {
    let data = notifications(call, RequestKind::Apply).await?;
    let data = data
        .into_iter()
        .map(|n| model::ApplicationView {
            head: n.head,
            period: n.period,
            start_date: n.start_date.map(model::us_date),
            end_date: n.end_date.map(model::us_date),
        })
        .collect();
    Ok(model::Applications { data })
}

/// POST /query/provide-notification
pub async fn provide_notifications(call: Call) -> Result<model::Offers, Error> {
    let data = notifications(call, RequestKind::Provide).await?;
    let data = data
        .into_iter()
        .map(|n| model::OfferView {
            head: n.head,
            rental_id: n.demand_id,
        })
        .collect();
    Ok(model::Offers { data })
}

/// POST /action/accept-notification: only the addressee.
pub async fn accept(
    call: Call,
    caller: Caller,
    Input(input::Id { id }): Input<input::Id>,
) -> Result<model::DealId, Error> {
    let app = call.app;
    let (user, rate, now) = (
        caller.id,
        app.flags::<super::super::Flags>().commission_bp,
        clock::now(),
    );
    let deal = app
        .db
        .write(move |tx| store::accept(tx, user, id, rate, now))
        .await?;
    Ok(model::DealId { deal_id: deal })
}

/// POST /action/reject-notification: only the addressee.
pub async fn reject(
    call: Call,
    caller: Caller,
    Input(input::Id { id }): Input<input::Id>,
) -> Result<Done, Error> {
    let (user, now) = (caller.id, clock::now());
    call.app
        .db
        .write(move |tx| store::reject(tx, user, id, now))
        .await?;
    Ok(Done {})
}

/// POST /data/deal-details/
pub async fn deal_details(
    call: Call,
    caller: Caller,
    Input(query): Input<input::DealQuery>,
) -> Result<model::Deals, Error> {
    let from = query
        .start_date
        .map(|d| model::parse_us_date(&d, "start_date"))
        .transpose()?;
    let to = query
        .end_date
        .map(|d| model::parse_us_date(&d, "end_date"))
        .transpose()?
        .map(|day| day + 24 * 3600);
    let location = query
        .location
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty());
    let data = call
        .app
        .db
        .read(move |conn| store::deals(conn, &caller.account, from, to, location.as_deref()))
        .await?;
    Ok(model::Deals { data })
}

/// POST /data/city-statistics/
pub async fn city_statistics(call: Call) -> Result<model::CityStatistics, Error> {
    call.input?;
    let data = call.app.db.read(store::city_statistics).await?;
    Ok(model::CityStatistics { data })
}

/// GET or POST /test
pub async fn test(call: Call) -> Result<Done, Error> {
    call.input?;
    Ok(Done {})
}
