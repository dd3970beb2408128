//! `/metrics`, as Prometheus and as a stranger see it, over HTTP against the real binary: for
//! the holder of `QUORUM_METRICS_TOKEN`, the Prometheus text format with requests by route
//! template, method and status, latency histograms, the outbox, the database pool and the
//! background jobs; for anyone else, and without the setting, the ordinary "Page not found".
//! Also that no label holds a path's ids or tokens, and that the token never reaches the log.
//!
//! Strategy: each test starts its own server (the counts live in its process) and reads the
//! page as Prometheus does. Figures that move on their own (mail retries, timed jobs) are
//! waited for by scraping again until they arrive, with a deadline; no fixed sleep decides a
//! result.

#![expect(
    clippy::unwrap_used,
    reason = "the helpers below serve the tests in this file: a failure in one is a test failure"
)]

mod support;

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use support::smtp::{SmtpSink, free_port, smtp_url};
use support::{TestApp, assert_stopped_with_one_clear_line};

const TOKEN: &str = "metrics-3f9a1c7e5b2d4f60a8c1";
/// How long figures that move on their own may take to arrive.
const WAIT: Duration = Duration::from_secs(30);
const SEND_MAIL_RUNS: &str = r#"quorum_job_runs_total{job="send_mail"}"#;
const SEND_MAIL_FAILURES: &str = r#"quorum_job_failures_total{job="send_mail"}"#;

fn with_token() -> TestApp {
    TestApp::builder()
        .env("QUORUM_METRICS_TOKEN", TOKEN)
        .start()
}

/// GETs `/metrics` with `authorization` (when given), as a fresh client with no cookies.
async fn metrics_with(app: &TestApp, authorization: Option<&str>) -> reqwest::Response {
    let mut request = app.client().get(app.url("/metrics"));
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    request.send().await.unwrap()
}

/// The page as Prometheus reads it with the right token.
async fn scrape(app: &TestApp) -> String {
    let response = metrics_with(app, Some(&format!("Bearer {TOKEN}"))).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

/// Scrapes until `done` holds for the page, and returns that page; fails after `WAIT`.
async fn scrape_until(app: &TestApp, what: &str, done: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let page = scrape(app).await;
        if done(&page) {
            return page;
        }
        assert!(
            Instant::now() < deadline,
            "never saw {what}; the page:\n{page}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The value of the sample `series`, written exactly as on the page (name and labels).
fn value(page: &str, series: &str) -> Option<f64> {
    page.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

fn value_of(page: &str, series: &str) -> f64 {
    value(page, series).unwrap_or_else(|| panic!("no {series} on the page:\n{page}"))
}

/// What a client can compare between two answers: the status, the headers (less those that
/// differ on every answer: the date, the request id, and the value of a new cookie) and the body.
async fn outward(response: reqwest::Response) -> (StatusCode, Vec<String>, String) {
    let status = response.status();
    let mut headers: Vec<String> = response
        .headers()
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "date" | "x-request-id"))
        .map(|(name, value)| {
            let value = value.to_str().unwrap();
            let value = match (name.as_str(), value.split_once('=')) {
                ("set-cookie", Some((cookie, rest))) => {
                    let attributes = rest.split_once(';').map_or("", |(_, a)| a);
                    format!("{cookie}=…;{attributes}")
                }
                _ => value.to_string(),
            };
            format!("{name}: {value}")
        })
        .collect();
    headers.sort();
    (status, headers, response.text().await.unwrap())
}

/// The answer to an address that does not exist, asked for the same way.
async fn unknown_page(app: &TestApp, method: Method) -> (StatusCode, Vec<String>, String) {
    let response = app
        .client()
        .request(method, app.url("/metricz"))
        .send()
        .await
        .unwrap();
    outward(response).await
}

#[tokio::test]
async fn without_the_setting_the_page_is_an_ordinary_not_found_page() {
    for app in [
        TestApp::start(),
        TestApp::builder().env("QUORUM_METRICS_TOKEN", "").start(),
    ] {
        let unknown = unknown_page(&app, Method::GET).await;
        assert_eq!(unknown.0, StatusCode::NOT_FOUND);
        for authorization in [None, Some("Bearer "), Some(&*format!("Bearer {TOKEN}"))] {
            let answer = outward(metrics_with(&app, authorization).await).await;
            assert_eq!(answer, unknown, "with {authorization:?}");
        }
    }
}

#[tokio::test]
async fn a_missing_wrong_or_malformed_token_gets_the_ordinary_not_found_page() {
    let app = with_token();
    let unknown = unknown_page(&app, Method::GET).await;
    assert_eq!(unknown.0, StatusCode::NOT_FOUND);
    assert!(
        unknown.2.contains("<h1") && unknown.2.contains("Page not found"),
        "{}",
        unknown.2
    );
    let refused = [
        None,
        Some("Bearer not-the-metrics-token-at-all".to_string()),
        Some(format!("Bearer {TOKEN}x")),
        Some(format!("Bearer {}", &TOKEN[1..])),
        Some(format!("Basic {TOKEN}")),
        Some(format!(
            "Basic {}",
            base64_of(&format!("prometheus:{TOKEN}"))
        )),
        Some(TOKEN.to_string()),
        Some(format!("Bearer{TOKEN}")),
        Some("Bearer".to_string()),
    ];
    for authorization in &refused {
        let answer = outward(metrics_with(&app, authorization.as_deref()).await).await;
        assert_eq!(answer, unknown, "with {authorization:?}");
    }
    // Only GET is served, even with the token; other methods get what an unknown address gives.
    let posted = app
        .client()
        .post(app.url("/metrics"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(
        outward(posted).await,
        unknown_page(&app, Method::POST).await
    );
}

fn base64_of(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}

#[tokio::test]
async fn the_right_token_gets_prometheus_text_that_is_never_stored() {
    let app = with_token();
    let response = metrics_with(&app, Some(&format!("bearer {TOKEN}"))).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "the scheme is case-blind"
    );
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    assert_eq!(response.headers()["cache-control"], "no-store");
    let page = response.text().await.unwrap();
    for (family, kind) in [
        ("quorum_http_requests_total", "counter"),
        ("quorum_http_request_duration_seconds", "histogram"),
        ("quorum_http_responses_total", "counter"),
        ("quorum_outbox_depth", "gauge"),
        ("quorum_outbox_oldest_age_seconds", "gauge"),
        ("quorum_db_connections_in_use", "gauge"),
        ("quorum_db_connections_idle", "gauge"),
        ("quorum_db_connections_max", "gauge"),
        ("quorum_job_runs_total", "counter"),
        ("quorum_job_failures_total", "counter"),
    ] {
        let type_line = format!("# TYPE {family} {kind}");
        assert!(
            page.lines().any(|line| line == type_line),
            "{family}:\n{page}"
        );
        assert!(
            page.contains(&format!("# HELP {family} ")),
            "{family}:\n{page}"
        );
    }
    for line in page.lines().filter(|line| !line.starts_with('#')) {
        let (series, number) = line.rsplit_once(' ').unwrap();
        assert!(number.parse::<f64>().is_ok(), "{line}");
        assert!(series.starts_with("quorum_"), "{line}");
    }
}

#[tokio::test]
async fn requests_are_counted_by_route_template_method_and_status() {
    let app = with_token();
    for path in [
        "/",
        "/",
        "/healthz",
        "/g/garden-club",
        "/g/chess-club",
        "/no/such/place",
    ] {
        app.get(path).await;
    }
    app.client().post(app.url("/")).send().await.unwrap();
    let brew = Method::from_bytes(b"BREW").unwrap();
    app.client()
        .request(brew, app.url("/"))
        .send()
        .await
        .unwrap();

    let page = scrape(&app).await;
    let requests = |method: &str, route: &str| {
        value(
            &page,
            &format!(r#"quorum_http_requests_total{{method="{method}",route="{route}"}}"#),
        )
    };
    assert_eq!(requests("GET", "/"), Some(2.0), "{page}");
    assert_eq!(requests("POST", "/"), Some(1.0), "{page}");
    assert_eq!(requests("other", "/"), Some(1.0), "{page}");
    assert_eq!(requests("GET", "/healthz"), Some(1.0), "{page}");
    assert_eq!(requests("GET", "/g/{handle}"), Some(2.0), "{page}");
    assert_eq!(requests("GET", "unmatched"), Some(1.0), "{page}");
    assert!(
        !page.contains("garden-club") && !page.contains("no/such"),
        "{page}"
    );

    let responses = |status: &str| {
        value(
            &page,
            &format!(r#"quorum_http_responses_total{{status="{status}"}}"#),
        )
    };
    assert_eq!(responses("200"), Some(3.0), "{page}");
    assert_eq!(responses("404"), Some(3.0), "{page}");
    assert_eq!(responses("405"), Some(2.0), "{page}");

    let histogram = "quorum_http_request_duration_seconds";
    for (route, requests) in [("/", 4.0), ("/g/{handle}", 2.0), ("unmatched", 1.0)] {
        let count = value_of(&page, &format!(r#"{histogram}_count{{route="{route}"}}"#));
        assert_eq!(count, requests, "{route}");
        let buckets: Vec<f64> = page
            .lines()
            .filter(|line| line.starts_with(&format!(r#"{histogram}_bucket{{route="{route}","#)))
            .map(|line| line.rsplit_once(' ').unwrap().1.parse().unwrap())
            .collect();
        assert_eq!(buckets.len(), 12, "{route}");
        assert!(
            buckets.windows(2).all(|pair| pair[0] <= pair[1]),
            "{route}: {buckets:?}"
        );
        assert_eq!(buckets.last(), Some(&count), "{route}: +Inf holds them all");
        let sum = value_of(&page, &format!(r#"{histogram}_sum{{route="{route}"}}"#));
        assert!(sum > 0.0 && sum < 30.0 * count, "{route}: {sum}");
    }
}

#[tokio::test]
async fn a_token_in_a_path_never_reaches_the_page() {
    let app = with_token();
    let token = format!("{}Qx", "Zq3x_-Aa9".repeat(4)) + "Kp3Lm";
    assert_eq!(token.len(), 43);
    app.get(&format!("/sign-in/link/{token}")).await;
    app.get(&format!("/account/email/confirm/{token}")).await;
    let unknown = app.get(&format!("/sign-in/links/{token}")).await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

    let page = scrape(&app).await;
    for route in [
        "/sign-in/link/{token}",
        "/account/email/confirm/{token}",
        "unmatched",
    ] {
        let series = format!(r#"quorum_http_requests_total{{method="GET",route="{route}"}}"#);
        assert_eq!(value(&page, &series), Some(1.0), "{route}:\n{page}");
    }
    assert!(!page.contains(&token), "{page}");
    assert!(!page.contains("/sign-in/links"), "{page}");
}

#[tokio::test]
async fn waiting_mail_shows_in_the_outbox_and_every_delivery_attempt_is_counted() {
    let port = free_port();
    let app = TestApp::builder()
        .env("QUORUM_METRICS_TOKEN", TOKEN)
        .env("QUORUM_SMTP_URL", smtp_url(port))
        .start();
    let page = scrape(&app).await;
    assert_eq!(value(&page, "quorum_outbox_depth"), Some(0.0), "{page}");
    assert_eq!(
        value(&page, "quorum_outbox_oldest_age_seconds"),
        Some(0.0),
        "{page}"
    );
    assert_eq!(value(&page, SEND_MAIL_RUNS), Some(0.0), "{page}");

    // The mail server is down: the sign-in email waits in the outbox, and each try fails.
    let asked = app
        .browser()
        .submit("/sign-in", "/sign-in", &[("email", "ann@example.org")])
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
    let page = scrape_until(&app, "a failed delivery", |page| {
        value(page, SEND_MAIL_FAILURES).is_some_and(|failures| failures >= 1.0)
    })
    .await;
    assert_eq!(value(&page, "quorum_outbox_depth"), Some(1.0), "{page}");
    let age = value_of(&page, "quorum_outbox_oldest_age_seconds");
    assert!((0.0..=WAIT.as_secs_f64()).contains(&age), "{age}");
    assert!(value_of(&page, SEND_MAIL_RUNS) >= value_of(&page, SEND_MAIL_FAILURES));

    // The mail server comes up: the email leaves the outbox, after one attempt that worked.
    let sink = SmtpSink::start_on(port).await;
    sink.wait_for(1, WAIT).await;
    let page = scrape_until(&app, "an empty outbox", |page| {
        value(page, "quorum_outbox_depth") == Some(0.0)
    })
    .await;
    assert_eq!(
        value(&page, "quorum_outbox_oldest_age_seconds"),
        Some(0.0),
        "{page}"
    );
    assert_eq!(
        value_of(&page, SEND_MAIL_RUNS) - value_of(&page, SEND_MAIL_FAILURES),
        1.0,
        "{page}"
    );
}

#[tokio::test]
async fn the_database_pool_and_the_timed_jobs_are_reported() {
    let app = with_token();
    let jobs = [
        "close_polls",
        "prune_rate_limits",
        "purge_deleted_threads",
        "purge_kept_answers",
        "end_support_grants",
        "purge_audit_log",
        "build_exports",
        "purge_exports",
    ];
    // Each timed job runs once as the server starts.
    let page = scrape_until(&app, "a run of every timed job", |page| {
        jobs.iter().all(|job| {
            value(page, &format!(r#"quorum_job_runs_total{{job="{job}"}}"#))
                .is_some_and(|runs| runs >= 1.0)
        })
    })
    .await;
    for job in jobs.iter().chain(&["send_mail"]) {
        let failures = format!(r#"quorum_job_failures_total{{job="{job}"}}"#);
        assert_eq!(value(&page, &failures), Some(0.0), "{job}:\n{page}");
    }
    assert_eq!(value(&page, SEND_MAIL_RUNS), Some(0.0), "no mail was sent");

    let max = value_of(&page, "quorum_db_connections_max");
    let in_use = value_of(&page, "quorum_db_connections_in_use");
    let idle = value_of(&page, "quorum_db_connections_idle");
    assert!(max > 0.0, "{page}");
    assert!(
        in_use >= 0.0 && idle >= 0.0 && in_use + idle <= max,
        "{page}"
    );
    assert!(
        in_use + idle >= 1.0,
        "the server has opened a connection:\n{page}"
    );
}

#[tokio::test]
async fn the_token_never_reaches_the_log() {
    let app = TestApp::builder()
        .env("QUORUM_METRICS_TOKEN", TOKEN)
        .env("QUORUM_LOG", "debug")
        .start();
    scrape(&app).await;
    let wrong = format!("Bearer {TOKEN}-wrong");
    assert_eq!(
        metrics_with(&app, Some(&wrong)).await.status(),
        StatusCode::NOT_FOUND
    );
    let log = app.wait_for_log("status=404");
    assert!(log.contains(r#"path="/metrics""#), "{log}");
    let log = app.stop().stdout;
    assert!(!log.contains(TOKEN), "{log}");
}

#[tokio::test]
async fn a_short_token_stops_start_up_without_repeating_it() {
    let finished = TestApp::builder()
        .env("QUORUM_METRICS_TOKEN", "letmein")
        .run_to_exit();
    assert_stopped_with_one_clear_line(&finished, "QUORUM_METRICS_TOKEN must be at least 16");
    assert!(!finished.stderr.contains("letmein"), "{finished:?}");
}
