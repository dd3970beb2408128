//! Server rendering of a thread page, against the budget in DESIGN.md ("first page of a
//! 200-comment thread: p50 under 2 ms on one core"; "HTML + CSS ≤ 14 KB brotli"):
//! `scripts/bench`, or `cargo bench --bench thread_page`.
//!
//! Strategy: a real SQLite file in a temporary folder is seeded through the store's own API, as
//! the pages would do it: twelve named accounts, an open group they belong to, one public
//! thread with a few paragraphs of context, and 200 comments of a few hundred characters of
//! Markdown each (a quarter of them replies, a third with reactions). The whole router
//! (`server::app`, every middleware included) then answers `GET /t/<id>` in process, through
//! `tower::ServiceExt::oneshot`: no socket and no HTTP parsing, so the figures are the server's
//! own work (permission checks, queries, Markdown, rendering, headers, and compression when
//! asked for). Requests run one at a time on a single-threaded runtime; sqlx runs each SQLite
//! query on its connection's own thread, but never two at once, so one core is busy at a time.
//! No log subscriber is installed, so the request log line costs nothing here.
//!
//! The thread has no poll: polls do not exist yet, so the budget's "with an open poll" is not
//! measured. A signed-in member sees more than a signed-out reader (the reaction buttons, the
//! reply and edit links, "jump to first unread" and the comment form), and the last page shows
//! that the cost follows the page, not the length of the thread. Sizes are as the server sends
//! them: brotli at the compression layer's own quality, the stylesheet fetched from its hashed
//! URL the same way. The figures are printed, never judged by the exit status: timings depend on
//! the machine and what else it is doing.

mod support;

use std::hint::black_box;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail, ensure};
use axum::Router;

use quorum::assets::STYLESHEET;
use quorum::auth::session::{CSRF_COOKIE, SESSION_COOKIE};
use quorum::auth::token;
use quorum::domain::groups::{JoinMode, MemberPermissions, Privacy, Settings};
use quorum::domain::permissions::{Action, Permit, Relation, permit};
use quorum::domain::threads::{COMMENTS_PER_PAGE, Reaction};
use quorum::store::{NewComment, NewThread, Store, new_content_id};
use support::{fetch, process_cpu_time, quantile, unix_now};

const COMMENTS: usize = 200;
const WARM_UP: usize = 200;
const RUNS: usize = 2000;
/// DESIGN.md: HTML + CSS of any page.
const BUDGET_BYTES: usize = 14 * 1024;
/// DESIGN.md: p50 of the first page of a 200-comment thread.
const BUDGET_P50: Duration = Duration::from_millis(2);

const PEOPLE: [&str; 12] = [
    "Ada Lovelace",
    "Grace Hopper",
    "Tomás Ortega",
    "Amara Okafor",
    "Li Wei",
    "Fatima Haddad",
    "Jonas Berg",
    "Priya Raman",
    "Sean Murphy",
    "Noor Khalil",
    "Ewa Nowak",
    "Kofi Mensah",
];

/// Index in `PEOPLE` of the member whose view is measured (not an admin).
const MEMBER: usize = 5;

fn main() -> Result<()> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(run())
}

async fn run() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(&format!(
        "sqlite://{}",
        dir.path().join("quorum.db").display()
    ))
    .await?;
    store.migrate().await?;
    let seeded = seed(&store).await?;
    let (app, mail_sender) = support::app(&store, &dir.path().join("mail"))?;

    let first = format!("/t/{}", seeded.thread_id);
    let last_page = COMMENTS.div_ceil(usize::try_from(COMMENTS_PER_PAGE)?);
    let last = format!("{first}?page={last_page}");
    let member = Some(seeded.member_cookie.as_str());
    let scenarios = [
        (
            "page 1, signed out".to_string(),
            first.as_str(),
            None,
            false,
        ),
        (
            "page 1, signed out, brotli".into(),
            first.as_str(),
            None,
            true,
        ),
        ("page 1, member".into(), first.as_str(), member, false),
        (
            "page 1, member, brotli".into(),
            first.as_str(),
            member,
            true,
        ),
        (
            format!("page {last_page} (last), signed out"),
            last.as_str(),
            None,
            false,
        ),
        (
            format!("page {last_page} (last), member"),
            last.as_str(),
            member,
            false,
        ),
    ];

    println!(
        "Thread page: {COMMENTS} comments, {COMMENTS_PER_PAGE} a page, {} people; in process \
         through the whole router, one request at a time; {WARM_UP} warm-up runs, then {RUNS} \
         timed. No poll (polls do not exist yet).\n\
         Times are wall-clock per request; CPU is the mean CPU time per request of the whole \
         process (not inflated by waiting for a busy core); bytes are the body as sent.\n",
        PEOPLE.len(),
    );
    println!(
        "{:<28} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9}",
        "", "p50 µs", "p90 µs", "p99 µs", "mean µs", "CPU µs", "bytes"
    );
    // The slower of the signed-out and member views of page 1: its p50, name and CPU time.
    let mut slowest: (Duration, String, Option<Duration>) = (Duration::ZERO, String::new(), None);
    for (name, path, cookie, brotli) in scenarios {
        check_page(&app, path, cookie).await?;
        let (times, cpu) = measure(&app, path, cookie, brotli).await?;
        let sent = fetch(&app, path, cookie, brotli).await?.len();
        if path == first && !brotli && quantile(&times, 0.50) > slowest.0 {
            slowest = (quantile(&times, 0.50), name.clone(), cpu);
        }
        println!(
            "{name:<28} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9}",
            micros(quantile(&times, 0.50)),
            micros(quantile(&times, 0.90)),
            micros(quantile(&times, 0.99)),
            micros(mean(&times)),
            cpu.map_or("-".into(), |cpu| micros(cpu).to_string()),
            sent,
        );
    }

    let css = fetch(&app, &STYLESHEET.path, None, true).await?.len();
    println!(
        "\nPage 1 as sent with brotli (the stylesheet, {} bytes, is {css} bytes with brotli):",
        STYLESHEET.body.len()
    );
    let mut within = true;
    for (name, cookie) in [("signed out", None), ("member", member)] {
        let html = fetch(&app, &first, cookie, false).await?.len();
        let compressed = fetch(&app, &first, cookie, true).await?.len();
        let total = compressed + css;
        within &= total <= BUDGET_BYTES;
        println!(
            "  {name:<11} HTML {html} bytes, {compressed} with brotli; with the stylesheet \
             {total} of {BUDGET_BYTES}: {}",
            if total <= BUDGET_BYTES {
                "within"
            } else {
                "OVER"
            },
        );
    }
    let (p50, name, cpu) = slowest;
    println!(
        "\nBudget: HTML + CSS ≤ {BUDGET_BYTES} bytes brotli: {}. Page 1 p50 under {} µs: {} \
         (the slower view, {name}: p50 {} µs, CPU {} µs a request).",
        if within { "met" } else { "NOT MET" },
        BUDGET_P50.as_micros(),
        if p50 < BUDGET_P50 { "met" } else { "NOT MET" },
        micros(p50),
        cpu.map_or("-".into(), |cpu| micros(cpu).to_string()),
    );

    mail_sender.shutdown().await;
    store.close().await;
    Ok(())
}

/// What the measurements need from the seeded database.
struct Seeded {
    thread_id: String,
    /// `Cookie` header of a signed-in member who is not an admin.
    member_cookie: String,
}

/// Fills the store the way the pages would: accounts, an open group everyone has joined, a
/// public thread and its comments, replies and reactions, spread over the last few days.
async fn seed(store: &Store) -> Result<Seeded> {
    let start = unix_now() - 5 * 24 * 60 * 60;
    let mut people = Vec::new();
    for name in PEOPLE {
        let email = format!("{}@example.org", name.to_lowercase().replace(' ', "."));
        let account = store
            .find_or_create_account(&token::new_id()?, &email, start)
            .await?;
        store.set_display_name(&account.id, name).await?;
        people.push(account.id);
    }
    let admin = &people[0];
    let group_id = token::new_id()?;
    let settings = Settings {
        name: "Riverside Allotments".into(),
        handle: "riverside".into(),
        description: "Plots, paths and the **shared shed** on Mill Lane. New members welcome: \
                      read [the plot rules](https://example.org/rules) first."
            .into(),
        privacy: Privacy::Open,
        join_mode: JoinMode::Open,
        permissions: MemberPermissions::default(),
    };
    store
        .create_group(&group_id, &settings, None, admin, start)
        .await?
        .map_err(|problem| anyhow!("the group could not be made: {problem:?}"))?;
    let group = store
        .group_by_id(&group_id)
        .await?
        .context("the new group is there")?;
    let join = permit_for(&group_id, &group.rules(), Relation::Outsider, Action::Join)?;
    for person in &people[1..] {
        store.join_group(&join, person, start).await?;
    }

    let thread_id = new_content_id()?;
    let start_thread = permit_for(
        &group_id,
        &group.rules(),
        Relation::Admin,
        Action::StartThread,
    )?;
    store
        .create_thread(
            &start_thread,
            &NewThread {
                id: &thread_id,
                author_id: admin,
                title: "Should we replace the mains water with rain barrels?",
                context: THREAD_CONTEXT,
                private: false,
                now: start,
                attachments: &[],
            },
        )
        .await?;

    let participate = permit_for(
        &group_id,
        &group.rules(),
        Relation::Member,
        Action::Participate,
    )?;
    let mut random = Random(0x5eed_cafe);
    let mut roots: Vec<String> = Vec::new();
    for i in 0..COMMENTS {
        let id = new_content_id()?;
        let author = &people[(i * 7 + 3) % people.len()];
        let reply_to = (i % 4 == 3)
            .then(|| roots.iter().rev().nth(random.below(3)))
            .flatten()
            .cloned();
        let body = comment_body(&mut random, i);
        let now = start + 600 + i64::try_from(i)? * 1_800;
        let posted = store
            .post_comment(
                &participate,
                &NewComment {
                    id: &id,
                    thread_id: &thread_id,
                    author_id: author,
                    reply_to: reply_to.as_deref(),
                    body: &body,
                    now,
                    attachments: &[],
                },
                &[],
            )
            .await?;
        if let Err(problem) = posted {
            bail!("comment {i} could not be posted: {problem:?}");
        }
        if i % 3 == 0 {
            for k in 0..=random.below(4) {
                let reactor = &people[(i + 2 * k + 1) % people.len()];
                let reaction = Reaction::ALL[random.below(Reaction::ALL.len())];
                store
                    .toggle_reaction(&participate, &id, reactor, reaction, now + 60)
                    .await?;
            }
        }
        if reply_to.is_none() {
            roots.push(id);
        }
    }

    // A returning member's browser holds the CSRF cookie too; a first-time reader has none.
    let session = token::new_token()?;
    let csrf = token::new_token()?;
    store
        .create_session(
            &session.digest(),
            &token::new_id()?,
            &people[MEMBER],
            "Firefox on Linux",
            unix_now(),
        )
        .await?;
    Ok(Seeded {
        thread_id,
        member_cookie: format!(
            "{SESSION_COOKIE}={}; {CSRF_COOKIE}={}",
            session.expose(),
            csrf.expose()
        ),
    })
}

fn permit_for(
    group_id: &str,
    rules: &quorum::domain::permissions::GroupRules,
    relation: Relation,
    action: Action,
) -> Result<Permit> {
    permit(group_id, rules, relation, action)
        .map_err(|decision| anyhow!("{action:?} as {relation:?} was refused: {decision:?}"))
}

const THREAD_CONTEXT: &str = "\
The water company has raised the standing charge for our mains connection again, to **£412 a \
year**, and the trough by the gate leaks every winter. Sean has priced an alternative: twelve \
food-grade barrels fed from the shed and polytunnel gutters, with a hand pump at each end.

## What it would cost

- Barrels, fittings and gutters: about £640, once
- Two hand pumps: £180
- The mains connection kept for August only: £95 a year

## What we need to decide

1. Whether to try it for one season before cutting the mains.
2. Who looks after the barrels (mosquito nets, winter draining).
3. Whether plots 14 to 20, furthest from the shed, get a barrel of their own.

The council's guidance on [rainwater harvesting on allotments](https://example.org/guidance) \
says we need their written consent for anything bolted to the shed. Please say what you think \
before the meeting on the 14th.";

const SENTENCES: [&str; 16] = [
    "I measured the shed roof at about 18 square metres, which should fill four barrels after a \
     wet week.",
    "Last summer we went three weeks without rain in July, and the trough was the only thing \
     that kept the beans alive.",
    "The hand pumps on the Greenway site freeze solid in January unless someone drains them.",
    "Could we ask the council whether the gutter brackets count as *bolted to the shed*?",
    "I would rather keep the mains for August and see how far the barrels get us.",
    "My plot is number 17, so a barrel at the far end would save me a lot of carrying.",
    "Mosquito nets are cheap, but someone has to check them every fortnight.",
    "We could put the barrel rota on the noticeboard next to the **key holder list**.",
    "Has anyone actually seen the standing charge letter? I only heard about it second hand.",
    "Green Lane Allotments did exactly this in 2021 and wrote it up on their blog.",
    "I can lend a drill and a spirit level for the gutters, and I am free most Saturdays.",
    "The leak by the gate is the `stop valve`, not the trough itself: it is a £20 part.",
    "Whatever we choose, the older members need water they can reach without lifting a can \
     over a barrel rim.",
    "I am in favour, as long as we try it for one season before cutting anything off.",
    "Food-grade barrels matter: the blue ones from the car wash held detergent.",
    "Could the treasurer share the last three years of water bills before the meeting?",
];

/// A comment of a few hundred characters: sentences in paragraphs, and now and then a list, a
/// quotation or a link, as people write them.
fn comment_body(random: &mut Random, i: usize) -> String {
    let target = 220 + random.below(320);
    let mut body = String::new();
    while body.len() < target {
        let sentence = SENTENCES[random.below(SENTENCES.len())];
        match random.below(10) {
            0 => body.push_str(&format!("> {sentence}\n\nI agree with that. ")),
            1 => body.push_str(&format!(
                "- {sentence}\n- The rota would need at least six names.\n\n"
            )),
            2 => body.push_str(&format!(
                "{sentence} See [their write-up](https://example.org/green-lane/{i}). "
            )),
            3 => body.push_str(&format!("{sentence}\n\n")),
            _ => {
                body.push_str(sentence);
                body.push(' ');
            }
        }
    }
    body.trim_end().to_string()
}

/// A small deterministic generator (xorshift), so that every run seeds the same text.
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        usize::try_from(self.0 % u64::try_from(n).unwrap_or(1)).unwrap_or(0)
    }
}

/// Checks that the page is the one meant: a full page of comments, and for a member (only) the
/// comment form and the reaction buttons.
async fn check_page(app: &Router, path: &str, cookie: Option<&str>) -> Result<()> {
    let html = String::from_utf8_lossy(&fetch(app, path, cookie, false).await?).into_owned();
    let member_parts = html.contains(r#"id="add-comment""#) && html.contains("q-reaction");
    ensure!(
        member_parts == cookie.is_some(),
        "{path} {} the comment form and reaction buttons",
        if member_parts { "shows" } else { "lacks" }
    );
    ensure!(
        html.matches(r#"class="q-comment""#).count() == usize::try_from(COMMENTS_PER_PAGE)?,
        "{path} does not show a full page of comments"
    );
    Ok(())
}

/// Wall-clock times of `RUNS` requests, sorted, and the process's CPU time per request when the
/// system tells it.
async fn measure(
    app: &Router,
    path: &str,
    cookie: Option<&str>,
    brotli: bool,
) -> Result<(Vec<Duration>, Option<Duration>)> {
    for _ in 0..WARM_UP {
        black_box(fetch(app, path, cookie, brotli).await?);
    }
    let cpu_before = process_cpu_time();
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        black_box(fetch(app, path, cookie, brotli).await?);
        times.push(start.elapsed());
    }
    let cpu = cpu_before
        .zip(process_cpu_time())
        .map(|(before, after)| after.saturating_sub(before) / u32::try_from(RUNS).unwrap_or(1));
    times.sort();
    Ok((times, cpu))
}

fn mean(times: &[Duration]) -> Duration {
    times.iter().sum::<Duration>() / u32::try_from(times.len().max(1)).unwrap_or(u32::MAX)
}

fn micros(d: Duration) -> u128 {
    d.as_micros()
}
