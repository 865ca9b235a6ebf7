//! The whole route tree: the server's own routes, each domain under its
//! prefix (and `--root` at `/`), and a public folder after them all, cut
//! at the first path segment so a request runs only the branch that can
//! take it.

use super::*;

/// The whole route tree.
pub(super) fn routes(
    app: &SharedApp,
    domains: &[&'static Descriptor],
    root: Option<&'static Descriptor>,
    demo: bool,
    operator: Arc<crate::operator::Secret>,
    public: Option<Arc<crate::public::Public>>,
) -> Routes {
    let server = server_routes(app, domains, root, demo, operator, public.as_deref());
    let mut rest = not_found().boxed();
    if let Some(root) = root {
        rest = mounted(app, root).or(rest).unify().boxed();
    }
    if let Some(public) = public {
        rest = unclaimed_by(root)
            .and(crate::public::routes(public))
            .or(rest)
            .unify()
            .boxed();
    }
    let server = server.or(rest.clone()).unify().boxed();
    let mut branches: Vec<(&'static str, BoxedFilter<(Response,)>)> = crate::server_wide::SEGMENTS
        .iter()
        .map(|segment| (*segment, server.clone()))
        .collect();
    for domain in domains {
        let shadowed = root
            .filter(|r| r.name == domain.name)
            .map(|r| (r.endpoints)());
        let branch = warp::path(domain.name)
            .and(not_a_root_path(domain.name, shadowed))
            .and(mounted(app, domain))
            .or(rest.clone())
            .unify()
            .boxed();
        branches.push((domain.name, branch));
    }
    Routes::new(branches, rest)
}

/// The server's own routes: health, the landing page, assets, files, the
/// console and the API docs.
fn server_routes(
    app: &SharedApp,
    domains: &[&'static Descriptor],
    root: Option<&'static Descriptor>,
    demo: bool,
    operator: Arc<crate::operator::Secret>,
    public: Option<&crate::public::Public>,
) -> BoxedFilter<(Response,)> {
    let landing = Arc::new(crate::assets::landing_page(app, domains, root, demo));
    // A public folder with its own index.html is the site's home page.
    let landing_at_root = !public.as_ref().is_some_and(|p| p.has_index());
    let healthz = warp::path!("healthz").and(warp::get()).map(|| {
        let mut response = Response::new(r#"{"status":"ok"}"#.into());
        response.headers_mut().insert(
            warp::http::header::CONTENT_TYPE,
            warp::http::HeaderValue::from_static("application/json"),
        );
        response
    });
    let index = warp::path::end()
        .and(warp::get())
        .and_then(move || async move {
            if landing_at_root {
                Ok(())
            } else {
                Err(warp::reject::not_found())
            }
        })
        .untuple_one()
        .map(move || warp::reply::html(landing.to_string()).into_response());
    // A front-end's own `assets/` folder (the labs pages have one) is
    // served from the public folder when onebox embeds no such file.
    let has_public = public.is_some();
    let assets = warp::path("assets")
        .and(warp::path::tail())
        .and(warp::get())
        .and_then(move |tail: warp::path::Tail| async move {
            match crate::assets::embedded(tail.as_str()) {
                Some(found) => Ok(found),
                None if has_public => Err(warp::reject::not_found()),
                None => Ok(crate::assets::serve(tail.as_str())),
            }
        });

    healthz
        .or(index)
        .unify()
        .or(assets)
        .unify()
        .or(crate::files::routes(app.db.clone()))
        .unify()
        .or(crate::operator::routes(app, domains, operator))
        .unify()
        .or(crate::openapi::routes(domains))
        .unify()
        .boxed()
}

/// A domain's routes after `--delay`, unless a fault set for it answers
/// first (its server error).
fn mounted(app: &SharedApp, domain: &'static Descriptor) -> BoxedFilter<(Response,)> {
    let routes = (domain.routes)(app);
    let faults = app.clone();
    let faulted = warp::any()
        .and_then(move || {
            let app = faults.clone();
            async move {
                match app.faults.apply(domain.name).await {
                    crate::faults::Effect::Fail => Ok((domain.server_error)()),
                    crate::faults::Effect::Pass => Err(warp::reject::not_found()),
                }
            }
        })
        .or(routes)
        .unify();
    let delay = app.settings.delay;
    if delay.is_zero() {
        return faulted.boxed();
    }
    warp::any()
        .then(move || tokio::time::sleep(delay))
        .untuple_one()
        .and(faulted)
        .boxed()
}

/// Passes a path no route of the `--root` domain knows, so the public
/// folder never hides an API path.
fn unclaimed_by(
    root: Option<&'static Descriptor>,
) -> impl Filter<Extract = (), Error = warp::Rejection> + Clone {
    let root_paths: Arc<[Endpoint]> = root.map(|r| (r.endpoints)()).unwrap_or_default().into();
    warp::path::full()
        .and_then(move |full: warp::path::FullPath| {
            let claimed = endpoint::knows(&root_paths, full.as_str());
            async move {
                if claimed {
                    Err(warp::reject::not_found())
                } else {
                    Ok(())
                }
            }
        })
        .untuple_one()
}

/// What no route takes: 404, or 405 with `Allow` for a server-wide path.
fn not_found() -> impl Filter<Extract = (Response,), Error = std::convert::Infallible> + Clone {
    endpoint::unrouted(crate::server_wide::ROUTES.into()).map(|unrouted| match unrouted {
        Unrouted::MethodNotAllowed { allow } => web::with_allow(
            web::json(
                StatusCode::METHOD_NOT_ALLOWED,
                &serde_json::json!({"error": format!("method not allowed; use {}", allow.join(" or "))}),
            ),
            &allow,
        ),
        Unrouted::NotFound { .. } => web::json(
            StatusCode::NOT_FOUND,
            &serde_json::json!({"error": "not found; the landing page at / lists every API"}),
        ),
    })
}

/// With `--root` naming this domain, its prefix mount lets pass a path that
/// only the root mount knows: shop's own paths begin with `/shop/`
/// (`/shop/create/`), which the `/shop` prefix would otherwise answer 404.
fn not_a_root_path(
    name: &'static str,
    root_endpoints: Option<Vec<Endpoint>>,
) -> impl Filter<Extract = (), Error = warp::Rejection> + Clone {
    let root_endpoints: Option<Arc<[Endpoint]>> = root_endpoints.map(Into::into);
    warp::path::full()
        .and_then(move |full: warp::path::FullPath| {
            let yield_to_root = root_endpoints.as_ref().is_some_and(|endpoints| {
                let tail = full
                    .as_str()
                    .strip_prefix('/')
                    .and_then(|p| p.strip_prefix(name));
                !tail.is_some_and(|tail| endpoint::knows(endpoints, tail))
                    && endpoint::knows(endpoints, full.as_str())
            });
            async move {
                if yield_to_root {
                    Err(warp::reject::not_found())
                } else {
                    Ok(())
                }
            }
        })
        .untuple_one()
}
