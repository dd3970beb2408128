//! Pages at scale: the same pages of data sets made by `quorum seed` at scale 1 and scale 10,
//! on SQLite and PostgreSQL, side by side, so that a page whose cost grows with the data shows
//! it as a ratio. `scripts/bench` seeds the databases and runs this; by hand:
//!
//! ```text
//! QUORUM_BENCH_DATABASES="sqlite:1=sqlite:///tmp/s1/quorum.db sqlite:10=sqlite:///tmp/s10/quorum.db" \
//!   cargo bench --bench scale
//! ```
//!
//! Each entry is `engine:scale=database URL`. For each database the benchmark finds what the
//! seed made (the largest open group, its longest public thread, the poll of each kind with
//! the most ballots whose results are shown, a member who is not an admin, and an open
//! proposal that member voted on and may change), signs that member in by writing a session,
//! and asks the whole router in process (see `support`) for each page with brotli, as browsers
//! ask: p50 and p99 of wall-clock time, CPU time a request, and the bytes sent. The vote is a
//! real `POST /p/<id>/vote` that changes the member's vote each time. The pages' own checks are
//! the router's: a page that does not answer 200 (303 for the vote) stops the benchmark.
//!
//! It also writes `target/bench/<engine>-<scale>.env` (paths, the member's cookie and the
//! form token) for the throughput run with wrk that `scripts/bench` makes next, on a server of
//! its own over the same database. Nothing is judged by the exit status: timings depend on the
//! machine and what else it is doing.

mod support;

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use sqlx::Row;
use tower::ServiceExt;

use quorum::auth::csrf;
use quorum::auth::session::{CSRF_COOKIE, SESSION_COOKIE};
use quorum::auth::token;
use quorum::domain::threads::COMMENTS_PER_PAGE;
use quorum::store::Store;
use support::{HOST, fetch, process_cpu_time, quantile, unix_now};

/// A word the seed's comments use often.
const SEARCH: &str = "volunteers";

fn main() -> Result<()> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(run())
}

/// One seeded database to measure.
struct Database {
    engine: String,
    scale: u32,
    url: String,
}

/// One engine's rows, in the order first measured, and their figures by row and scale.
type Engine = (Vec<String>, BTreeMap<(String, u32), Figures>);

/// One row's figures.
#[derive(Clone, Copy)]
struct Figures {
    p50: Duration,
    p99: Duration,
    cpu: Option<Duration>,
    bytes: usize,
}

async fn run() -> Result<()> {
    let databases = databases()?;
    let runs: usize = std::env::var("QUORUM_BENCH_RUNS")
        .ok()
        .map(|r| r.parse())
        .transpose()
        .context("QUORUM_BENCH_RUNS is a number of requests")?
        .unwrap_or(300);
    let warm_up = (runs / 10).max(5);
    println!(
        "Pages at scale: the whole router in process, one request at a time, brotli asked for; \
         {warm_up} warm-up requests, then {runs} timed, a row. Times are wall-clock; CPU is \
         the process's CPU time a request; bytes as sent.\n"
    );
    let mut results: BTreeMap<String, Engine> = BTreeMap::new();
    for database in &databases {
        let rows = measure_database(database, runs, warm_up)
            .await
            .with_context(|| format!("{} at scale {}", database.engine, database.scale))?;
        let (order, figures) = results.entry(database.engine.clone()).or_default();
        for (name, row) in rows {
            if !order.contains(&name) {
                order.push(name.clone());
            }
            figures.insert((name, database.scale), row);
        }
    }
    for (engine, (order, figures)) in &results {
        print_table(engine, order, figures);
    }
    if let Some(page) = MEMBER_THREAD_PAGE.get() {
        compression_table(page);
    }
    Ok(())
}

/// A member's first page of the long thread, as sent without compression: the page the
/// compression quality is chosen for.
static MEMBER_THREAD_PAGE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();

/// What each brotli quality costs and saves on a member's thread page: the time to compress it
/// (mean of many) and the bytes it makes, beside the quality the server uses.
fn compression_table(page: &[u8]) {
    const RUNS: u32 = 200;
    println!(
        "Brotli on a member's thread page ({} bytes), mean of {RUNS} compressions; the server \
         uses quality {}:",
        page.len(),
        quorum::server::BROTLI_QUALITY
    );
    println!("{:>8} {:>10} {:>8}", "quality", "µs", "bytes");
    for quality in [0, 1, 2, 3, 4, 5, 6, 9, 11] {
        let params = brotli::enc::BrotliEncoderParams {
            quality,
            ..Default::default()
        };
        let mut size = 0;
        let start = Instant::now();
        for _ in 0..RUNS {
            let mut out = Vec::new();
            // Writing into memory cannot fail.
            let _ = brotli::BrotliCompress(&mut &page[..], &mut out, &params);
            size = black_box(out).len();
        }
        println!(
            "{quality:>8} {:>10.0} {size:>8}",
            start.elapsed().as_secs_f64() * 1e6 / f64::from(RUNS)
        );
    }
    println!();
}

/// `QUORUM_BENCH_DATABASES`: `engine:scale=url` entries separated by spaces.
fn databases() -> Result<Vec<Database>> {
    let list = std::env::var("QUORUM_BENCH_DATABASES").unwrap_or_default();
    let mut databases = Vec::new();
    for entry in list.split_whitespace() {
        let (name, url) = entry
            .split_once('=')
            .with_context(|| format!("{entry:?} is not engine:scale=url"))?;
        let (engine, scale) = name
            .split_once(':')
            .with_context(|| format!("{name:?} is not engine:scale"))?;
        databases.push(Database {
            engine: engine.to_string(),
            scale: scale
                .parse()
                .with_context(|| format!("{scale:?} is not a scale"))?,
            url: url.to_string(),
        });
    }
    if databases.is_empty() {
        bail!(
            "QUORUM_BENCH_DATABASES names no database: scripts/bench seeds them and sets it \
             (engine:scale=url, separated by spaces)"
        );
    }
    Ok(databases)
}

/// What the seed made that the rows need.
struct Found {
    group: String,
    thread: String,
    comments: i64,
    member: String,
    /// Kind, id and ballots of the poll of each kind with the most ballots.
    polls: Vec<(String, String, i64)>,
    vote_poll: String,
}

async fn find(url: &str) -> Result<Found> {
    sqlx::any::install_default_drivers();
    let db = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await?;
    let group = sqlx::query(
        "SELECT g.id, g.handle FROM groups g JOIN memberships m ON m.group_id = g.id \
         WHERE g.privacy = 'open' GROUP BY g.id, g.handle ORDER BY COUNT(*) DESC LIMIT 1",
    )
    .fetch_one(&db)
    .await
    .context("the database holds no open group: was it seeded?")?;
    let (group_id, handle): (String, String) = (group.try_get(0)?, group.try_get(1)?);
    let thread = sqlx::query(
        "SELECT t.id, COUNT(*) FROM threads t JOIN comments c ON c.thread_id = t.id \
         WHERE t.group_id = $1 AND NOT t.private AND t.deleted_at IS NULL \
         GROUP BY t.id ORDER BY COUNT(*) DESC LIMIT 1",
    )
    .bind(&group_id)
    .fetch_one(&db)
    .await?;
    let member: String = sqlx::query(
        "SELECT account_id FROM memberships WHERE group_id = $1 AND role = 'member' \
         ORDER BY account_id LIMIT 1",
    )
    .bind(&group_id)
    .fetch_one(&db)
    .await?
    .try_get(0)?;
    let mut polls: Vec<(String, String, i64)> = Vec::new();
    for row in sqlx::query(
        "SELECT p.kind, p.id, COUNT(*) FROM polls p \
         JOIN threads t ON t.id = p.thread_id \
         JOIN ballots b ON b.poll_id = p.id AND b.replaced_at IS NULL \
         WHERE t.group_id = $1 AND t.deleted_at IS NULL AND p.hide_results = 'never' \
         GROUP BY p.kind, p.id ORDER BY p.kind, COUNT(*) DESC, p.id",
    )
    .bind(&group_id)
    .fetch_all(&db)
    .await?
    {
        let kind: String = row.try_get(0)?;
        if polls.last().is_none_or(|(last, _, _)| *last != kind) {
            polls.push((kind, row.try_get(1)?, row.try_get(2)?));
        }
    }
    let vote_poll: String = sqlx::query(
        "SELECT p.id FROM polls p JOIN threads t ON t.id = p.thread_id \
         JOIN ballots b ON b.poll_id = p.id AND b.voter_id = $2 AND b.replaced_at IS NULL \
         WHERE t.group_id = $1 AND p.kind = 'proposal' AND p.closed_at IS NULL \
         AND p.allow_change AND NOT p.voters_only ORDER BY p.created_at, p.id LIMIT 1",
    )
    .bind(&group_id)
    .bind(&member)
    .fetch_one(&db)
    .await
    .context("no open proposal that the member voted on and may change")?
    .try_get(0)?;
    db.close().await;
    Ok(Found {
        group: handle,
        thread: thread.try_get(0)?,
        comments: thread.try_get(1)?,
        member,
        polls,
        vote_poll,
    })
}

async fn measure_database(
    database: &Database,
    runs: usize,
    warm_up: usize,
) -> Result<Vec<(String, Figures)>> {
    let found = find(&database.url).await?;
    let store = Store::open(&database.url).await?;
    // A data set seeded by an older release is brought up to date, as a server would.
    store.migrate().await?;
    let session = token::new_token()?;
    let csrf_token = token::new_token()?;
    store
        .create_session(
            &session.digest(),
            &token::new_id()?,
            &found.member,
            "Firefox on Linux",
            unix_now(),
        )
        .await?;
    let cookie = format!(
        "{SESSION_COOKIE}={}; {CSRF_COOKIE}={}",
        session.expose(),
        csrf_token.expose()
    );
    let member = Some(cookie.as_str());
    write_env(database, &found, &cookie, csrf_token.expose())?;

    let mail = tempfile::tempdir()?;
    let (app, mail_sender) = support::app(&store, mail.path())?;
    let thread = format!("/t/{}", found.thread);
    let last_page = (found.comments + COMMENTS_PER_PAGE - 1) / COMMENTS_PER_PAGE;
    let last = format!("{thread}?page={last_page}");
    let group = format!("/g/{}", found.group);
    let search = format!("/search?q={SEARCH}");
    let mut pages: Vec<(String, String, Option<&str>)> = vec![
        ("Home page, signed out".into(), "/".into(), None),
        ("Group page, signed out".into(), group.clone(), None),
        ("Group page, member".into(), group, member),
        ("Thread, page 1, signed out".into(), thread.clone(), None),
        ("Thread, page 1, member".into(), thread, member),
        ("Thread, last page, signed out".into(), last.clone(), None),
        ("Thread, last page, member".into(), last, member),
    ];
    println!(
        "{} ×{}: group {}, a thread of {} comments; the largest poll of each kind: {}",
        database.engine,
        database.scale,
        found.group,
        found.comments,
        found
            .polls
            .iter()
            .map(|(kind, _, ballots)| format!("{kind} {ballots}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for (kind, id, _) in &found.polls {
        pages.push((format!("Poll, {kind}, member"), format!("/p/{id}"), member));
    }
    pages.push(("Dashboard, member".into(), "/dashboard".into(), member));
    pages.push((format!("Search \"{SEARCH}\", member"), search, member));

    if MEMBER_THREAD_PAGE.get().is_none() {
        let page = fetch(&app, &format!("/t/{}", found.thread), member, false).await?;
        let _ = MEMBER_THREAD_PAGE.set(page.to_vec());
    }
    let mut rows = Vec::new();
    for (name, path, cookie) in pages {
        let figures = measure(runs, warm_up, || fetch(&app, &path, cookie, true))
            .await
            .with_context(|| format!("{name}: {path}"))?;
        rows.push((name, figures));
    }
    // A public page is sent as stored until what it shows changes: the same page just after a
    // change (the version of everything raised before each request, untimed) is rendered again.
    let changed = {
        sqlx::any::install_default_drivers();
        let db = sqlx::any::AnyPoolOptions::new()
            .max_connections(1)
            .connect(&database.url)
            .await?;
        let thread = format!("/t/{}", found.thread);
        let mut times = Vec::with_capacity(runs);
        let mut bytes = 0;
        for run in 0..warm_up + runs {
            sqlx::query(
                "INSERT INTO content_versions (family, version) VALUES ('', 1) \
                 ON CONFLICT (family) DO UPDATE SET version = content_versions.version + 1",
            )
            .execute(&db)
            .await?;
            let start = Instant::now();
            bytes = black_box(fetch(&app, &thread, None, true).await?).len();
            if run >= warm_up {
                times.push(start.elapsed());
            }
        }
        db.close().await;
        times.sort();
        Figures {
            p50: quantile(&times, 0.50),
            p99: quantile(&times, 0.99),
            cpu: None,
            bytes,
        }
    };
    rows.push(("Thread, page 1, signed out, just changed".into(), changed));
    let mut choice = 0;
    let vote = measure(runs, warm_up, || {
        choice = 1 - choice;
        cast(&app, &found.vote_poll, &cookie, csrf_token.expose(), choice)
    })
    .await
    .context("the vote")?;
    rows.push(("Vote (POST, changing it), member".into(), vote));

    mail_sender.shutdown().await;
    store.close().await;
    Ok(rows)
}

/// Times `runs` requests made by `request` after `warm_up` untimed ones.
async fn measure<F, Fut>(runs: usize, warm_up: usize, mut request: F) -> Result<Figures>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<axum::body::Bytes>>,
{
    let mut bytes = 0;
    for _ in 0..warm_up {
        bytes = black_box(request().await?).len();
    }
    let cpu_before = process_cpu_time();
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        black_box(request().await?);
        times.push(start.elapsed());
    }
    let cpu = cpu_before
        .zip(process_cpu_time())
        .map(|(before, after)| after.saturating_sub(before) / u32::try_from(runs).unwrap_or(1));
    times.sort();
    Ok(Figures {
        p50: quantile(&times, 0.50),
        p99: quantile(&times, 0.99),
        cpu,
        bytes,
    })
}

/// Casts the member's vote for option `choice` of the proposal, straight to "Cast vote", as the
/// check-your-vote page's form sends it.
async fn cast(
    app: &Router,
    poll: &str,
    cookie: &str,
    csrf_token: &str,
    choice: usize,
) -> Result<axum::body::Bytes> {
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair(csrf::FIELD, csrf_token)
        .append_pair("choice", &choice.to_string())
        .append_pair("reason", "")
        .append_pair("intent", "cast")
        .finish();
    let path = format!("/p/{poll}/vote");
    let request = Request::post(&path)
        .header(header::HOST, HOST)
        .header(header::COOKIE, cookie)
        .header(header::ACCEPT_ENCODING, "br")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))?;
    let response = app.clone().oneshot(request).await?;
    ensure!(
        response.status() == StatusCode::SEE_OTHER,
        "{path} answered {}",
        response.status()
    );
    Ok(axum::body::to_bytes(response.into_body(), usize::MAX).await?)
}

/// What the wrk run needs, as shell variables.
fn write_env(database: &Database, found: &Found, cookie: &str, csrf_token: &str) -> Result<()> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(&dir)?;
    let text = format!(
        "GROUP_PATH='/g/{}'\nTHREAD_PATH='/t/{}'\nVOTE_PATH='/p/{}/vote'\nMEMBER_COOKIE='{cookie}'\nCSRF_TOKEN='{csrf_token}'\n",
        found.group, found.thread, found.vote_poll
    );
    std::fs::write(
        dir.join(format!("{}-{}.env", database.engine, database.scale)),
        text,
    )?;
    Ok(())
}

fn print_table(engine: &str, order: &[String], figures: &BTreeMap<(String, u32), Figures>) {
    let mut scales: Vec<u32> = figures.keys().map(|(_, scale)| *scale).collect();
    scales.sort_unstable();
    scales.dedup();
    let ms = |d: Duration| format!("{:.2}", d.as_secs_f64() * 1_000.0);
    let mut header = format!("{engine:<44}");
    for scale in &scales {
        header.push_str(&format!(
            " {:>9} {:>9} {:>8} {:>8}",
            format!("×{scale} p50"),
            "p99",
            "CPU",
            "KB br"
        ));
    }
    if scales.len() > 1 {
        header.push_str(&format!(" {:>7}", "ratio"));
    }
    println!("{header}\n{}", "-".repeat(header.chars().count()));
    for row in order {
        let mut line = format!("{row:<44}");
        for scale in &scales {
            match figures.get(&(row.clone(), *scale)) {
                Some(f) => line.push_str(&format!(
                    " {:>9} {:>9} {:>8} {:>8.1}",
                    ms(f.p50),
                    ms(f.p99),
                    f.cpu.map_or("-".into(), ms),
                    f.bytes as f64 / 1024.0
                )),
                None => line.push_str(&format!(" {:>9} {:>9} {:>8} {:>8}", "-", "-", "-", "-")),
            }
        }
        if let (Some(first), Some(last)) = (scales.first(), scales.last())
            && first != last
            && let (Some(a), Some(b)) = (
                figures.get(&(row.clone(), *first)),
                figures.get(&(row.clone(), *last)),
            )
        {
            line.push_str(&format!(
                " {:>7.2}",
                b.p50.as_secs_f64() / a.p50.as_secs_f64().max(1e-9)
            ));
        }
        println!("{line}");
    }
    println!(
        "(times in ms; ratio is p50 at ×{} over ×{})\n",
        scales.last().unwrap_or(&0),
        scales.first().unwrap_or(&0)
    );
}
