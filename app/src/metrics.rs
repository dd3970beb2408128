//! The counts `GET /metrics` reports (see `server::metrics` for the page): requests and their
//! latency by route, responses by status, the runs and failures of the background jobs, and the
//! outbox and pool figures read when the page is asked for, in the Prometheus text format.
//!
//! Strategy: counts live in this process, in one [`Metrics`] registry shared through
//! `AppState` and handed to the mail sender and the timed jobs: atomics for the jobs, and one
//! mutex over the request tables, held only to add a number or to print them. With several
//! servers, each is scraped on its own; the outbox figures, read from the shared database, are
//! the same on all of them.
//!
//! A request is named by the template of the route it matched (`/g/{handle}/t/{id}`), never by
//! the path it asked for, which holds ids and tokens; one that matched no route is `unmatched`.
//! So the labels hold no one's data, and their number stays bounded whatever paths are sent.

use std::collections::{BTreeMap, HashMap};
use std::fmt::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use axum::http::{Method, StatusCode};

use crate::store::{OutboxBacklog, PoolUsage};

/// The version of the text format, as Prometheus asks for it.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";
/// The route of a request that matched none.
pub const UNMATCHED: &str = "unmatched";
/// Upper bounds of the latency buckets, in seconds; a last bucket (`+Inf`) takes the rest.
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Methods counted by name. Any other (a client may send any word) is `other`, so that what a
/// client sends cannot add series without end.
const METHODS: [&str; 9] = [
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE",
];

/// A job that runs apart from requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// One delivery attempt of one email.
    SendMail,
    ClosePolls,
    PruneRateLimits,
    PurgeDeletedThreads,
    PurgeKeptAnswers,
    /// Telling admins that support grants ran out.
    EndSupportGrants,
    PurgeAuditLog,
    BuildExports,
    PurgeExports,
    /// Telling voters that a poll closes within 24 hours.
    RemindPolls,
    /// Writing the emails of notifications into the outbox.
    NotificationEmails,
    /// Sending catch-up digests.
    SendDigests,
    /// Deleting from storage the files no longer wanted.
    RemoveFiles,
}

impl Job {
    const ALL: [Self; 13] = [
        Self::SendMail,
        Self::ClosePolls,
        Self::PruneRateLimits,
        Self::PurgeDeletedThreads,
        Self::PurgeKeptAnswers,
        Self::EndSupportGrants,
        Self::PurgeAuditLog,
        Self::BuildExports,
        Self::PurgeExports,
        Self::RemindPolls,
        Self::NotificationEmails,
        Self::SendDigests,
        Self::RemoveFiles,
    ];

    fn name(self) -> &'static str {
        match self {
            Self::SendMail => "send_mail",
            Self::ClosePolls => "close_polls",
            Self::PruneRateLimits => "prune_rate_limits",
            Self::PurgeDeletedThreads => "purge_deleted_threads",
            Self::PurgeKeptAnswers => "purge_kept_answers",
            Self::EndSupportGrants => "end_support_grants",
            Self::PurgeAuditLog => "purge_audit_log",
            Self::BuildExports => "build_exports",
            Self::PurgeExports => "purge_exports",
            Self::RemindPolls => "remind_polls",
            Self::NotificationEmails => "notification_emails",
            Self::SendDigests => "send_digests",
            Self::RemoveFiles => "remove_files",
        }
    }
}

/// Everything counted since the process started. Cheap to share (`Arc`), safe to use from
/// every request and job at once.
#[derive(Debug, Default)]
pub struct Metrics {
    http: Mutex<HttpStats>,
    /// Runs and failures, in the order of `Job::ALL`.
    jobs: [JobCounts; Job::ALL.len()],
    /// Inbound replies by how they were handled, in the order of `INBOUND_OUTCOMES`.
    inbound: [AtomicU64; INBOUND_OUTCOMES.len()],
    /// Public pages sent as stored, and renderings stored (`server::stored`).
    stored: [AtomicU64; STORED_OUTCOMES.len()],
}

/// What happened to a public page's request that could be answered from storage: `sent` from
/// storage, or rendered and `stored`.
const STORED_OUTCOMES: [&str; 2] = ["sent", "stored"];

/// How an inbound reply can be handled (`inbound::Handled::outcome`).
const INBOUND_OUTCOMES: [&str; 4] = ["posted", "refused", "dropped", "duplicate"];

#[derive(Debug, Default)]
struct JobCounts {
    runs: AtomicU64,
    failures: AtomicU64,
}

#[derive(Debug, Default)]
struct HttpStats {
    routes: HashMap<String, RouteStats>,
    statuses: BTreeMap<u16, u64>,
}

#[derive(Debug, Default)]
struct RouteStats {
    by_method: BTreeMap<&'static str, u64>,
    latency: Histogram,
}

/// Latencies, counted in the bucket of the smallest bound they fit under (not yet cumulative).
#[derive(Debug, Default)]
struct Histogram {
    counts: [u64; BUCKETS.len() + 1],
    sum_seconds: f64,
}

/// What is read from the database and the pool when the page is asked for.
#[derive(Debug, Clone, Copy)]
pub struct Gauges {
    /// `None` when the database did not answer: the outbox figures are then left out.
    pub outbox: Option<OutboxBacklog>,
    pub pool: PoolUsage,
    /// Unix seconds, for the age of the oldest waiting email.
    pub now: i64,
}

impl Metrics {
    /// Counts one answered request under its route template (or [`UNMATCHED`]).
    pub fn record_request(&self, method: &Method, route: &str, status: StatusCode, took: Duration) {
        let method = METHODS
            .into_iter()
            .find(|known| *known == method.as_str())
            .unwrap_or("other");
        let mut http = self.http.lock().unwrap_or_else(PoisonError::into_inner);
        *http.statuses.entry(status.as_u16()).or_default() += 1;
        // Looked up by `&str` first: a route seen before costs no allocation.
        let stats = match http.routes.get_mut(route) {
            Some(stats) => stats,
            None => http.routes.entry(route.to_string()).or_default(),
        };
        *stats.by_method.entry(method).or_default() += 1;
        stats.latency.observe(took.as_secs_f64());
    }

    /// Counts one run of `job`, and a failure when `outcome` is an error.
    pub fn record_job<T, E>(&self, job: Job, outcome: &Result<T, E>) {
        // `Job::ALL` lists the jobs in declaration order, so a job's number is its place.
        let counts = &self.jobs[job as usize];
        counts.runs.fetch_add(1, Ordering::Relaxed);
        if outcome.is_err() {
            counts.failures.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The whole page in the Prometheus text format.
    pub fn render(&self, gauges: &Gauges) -> String {
        let mut out = String::new();
        let written = self
            .write_http(&mut out)
            .and_then(|()| write_gauges(&mut out, gauges))
            .and_then(|()| self.write_jobs(&mut out))
            .and_then(|()| self.write_inbound(&mut out))
            .and_then(|()| self.write_stored(&mut out));
        debug_assert!(written.is_ok(), "writing to a String cannot fail");
        out
    }

    fn write_http(&self, out: &mut String) -> fmt::Result {
        let http = self.http.lock().unwrap_or_else(PoisonError::into_inner);
        let mut routes: Vec<(&String, &RouteStats)> = http.routes.iter().collect();
        routes.sort_by_key(|(route, _)| *route);
        family(
            out,
            "quorum_http_requests_total",
            "counter",
            "HTTP requests answered, by method and route template.",
        )?;
        for (route, stats) in &routes {
            for (method, count) in &stats.by_method {
                let labels = [("method", *method), ("route", route.as_str())];
                sample(out, "quorum_http_requests_total", &labels, count)?;
            }
        }
        family(
            out,
            "quorum_http_request_duration_seconds",
            "histogram",
            "Time to answer a request, by route template.",
        )?;
        for (route, stats) in &routes {
            stats.latency.write(out, route)?;
        }
        family(
            out,
            "quorum_http_responses_total",
            "counter",
            "HTTP responses, by status code.",
        )?;
        for (status, count) in &http.statuses {
            sample(
                out,
                "quorum_http_responses_total",
                &[("status", &status.to_string())],
                count,
            )?;
        }
        Ok(())
    }

    /// Counts one inbound reply handled with `outcome` (one of [`INBOUND_OUTCOMES`]).
    pub fn record_inbound(&self, outcome: &str) {
        count_outcome(&INBOUND_OUTCOMES, &self.inbound, outcome);
    }

    fn write_inbound(&self, out: &mut String) -> fmt::Result {
        write_outcomes(
            out,
            "quorum_inbound_mail_total",
            "Replies by email received, by how they were handled.",
            &INBOUND_OUTCOMES,
            &self.inbound,
        )
    }

    /// Counts a public page sent from storage (`sent`) or rendered and stored (`stored`).
    pub fn record_stored(&self, outcome: &str) {
        count_outcome(&STORED_OUTCOMES, &self.stored, outcome);
    }

    fn write_stored(&self, out: &mut String) -> fmt::Result {
        write_outcomes(
            out,
            "quorum_stored_pages_total",
            "Pages anyone may read sent as stored (sent), and renderings stored (stored).",
            &STORED_OUTCOMES,
            &self.stored,
        )
    }

    fn write_jobs(&self, out: &mut String) -> fmt::Result {
        let counted = [
            (
                "quorum_job_runs_total",
                "Runs of each background job (for send_mail, delivery attempts).",
                false,
            ),
            (
                "quorum_job_failures_total",
                "Runs of each background job that failed.",
                true,
            ),
        ];
        for (name, help, failures) in counted {
            family(out, name, "counter", help)?;
            for (job, counts) in Job::ALL.iter().zip(&self.jobs) {
                let count = if failures {
                    &counts.failures
                } else {
                    &counts.runs
                };
                let count = count.load(Ordering::Relaxed);
                sample(out, name, &[("job", job.name())], count)?;
            }
        }
        Ok(())
    }
}

fn write_gauges(out: &mut String, gauges: &Gauges) -> fmt::Result {
    if let Some(outbox) = gauges.outbox {
        let age = outbox
            .oldest_created_at
            .map_or(0, |oldest| gauges.now.saturating_sub(oldest).max(0));
        let outbox = [
            (
                "quorum_outbox_depth",
                "Emails waiting to be delivered: neither sent nor given up on.",
                outbox.waiting,
            ),
            (
                "quorum_outbox_oldest_age_seconds",
                "How long the oldest waiting email has waited; 0 when none waits.",
                age,
            ),
        ];
        for (name, help, value) in outbox {
            family(out, name, "gauge", help)?;
            sample(out, name, &[], value)?;
        }
    }
    let pool = [
        (
            "quorum_db_connections_in_use",
            "Database connections lent out to requests and jobs.",
            gauges.pool.in_use,
        ),
        (
            "quorum_db_connections_idle",
            "Database connections open and free.",
            gauges.pool.idle,
        ),
        (
            "quorum_db_connections_max",
            "The most database connections the pool opens.",
            gauges.pool.max,
        ),
    ];
    for (name, help, value) in pool {
        family(out, name, "gauge", help)?;
        sample(out, name, &[], value)?;
    }
    Ok(())
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        let bucket = BUCKETS
            .iter()
            .position(|bound| seconds <= *bound)
            .unwrap_or(BUCKETS.len());
        if let Some(count) = self.counts.get_mut(bucket) {
            *count += 1;
        }
        self.sum_seconds += seconds;
    }

    /// The `_bucket` lines (each counting everything at or under its bound), `_sum` and
    /// `_count` of one route.
    fn write(&self, out: &mut String, route: &str) -> fmt::Result {
        const NAME: &str = "quorum_http_request_duration_seconds";
        let bounds = BUCKETS.iter().map(f64::to_string);
        let mut cumulative = 0;
        for (bound, count) in bounds.chain(["+Inf".to_string()]).zip(self.counts) {
            cumulative += count;
            let labels = [("route", route), ("le", bound.as_str())];
            sample(out, &format!("{NAME}_bucket"), &labels, cumulative)?;
        }
        let route = [("route", route)];
        sample(out, &format!("{NAME}_sum"), &route, self.sum_seconds)?;
        sample(out, &format!("{NAME}_count"), &route, cumulative)
    }
}

/// Adds one to the count of `outcome`, one of `outcomes` (counted in `counts`, in that order);
/// an outcome not in the list is not counted.
fn count_outcome(outcomes: &[&str], counts: &[AtomicU64], outcome: &str) {
    let at = outcomes.iter().position(|known| *known == outcome);
    if let Some(count) = at.and_then(|at| counts.get(at)) {
        count.fetch_add(1, Ordering::Relaxed);
    }
}

/// A counter family with one sample per outcome.
fn write_outcomes(
    out: &mut String,
    name: &str,
    help: &str,
    outcomes: &[&str],
    counts: &[AtomicU64],
) -> fmt::Result {
    family(out, name, "counter", help)?;
    for (outcome, count) in outcomes.iter().zip(counts) {
        let count = count.load(Ordering::Relaxed);
        sample(out, name, &[("outcome", outcome)], count)?;
    }
    Ok(())
}

/// The `# HELP` and `# TYPE` lines that open a metric family.
fn family(out: &mut String, name: &str, kind: &str, help: &str) -> fmt::Result {
    writeln!(out, "# HELP {name} {help}")?;
    writeln!(out, "# TYPE {name} {kind}")
}

/// One line: the name, the labels (values escaped), and the value.
fn sample(
    out: &mut String,
    name: &str,
    labels: &[(&str, &str)],
    value: impl fmt::Display,
) -> fmt::Result {
    out.push_str(name);
    if !labels.is_empty() {
        out.push('{');
        for (at, (label, text)) in labels.iter().enumerate() {
            if at > 0 {
                out.push(',');
            }
            write!(out, "{label}=\"{}\"", escape_label(text))?;
        }
        out.push('}');
    }
    writeln!(out, " {value}")
}

/// A label value as the text format needs it: backslash, double quote and line feed escaped.
fn escape_label(value: &str) -> String {
    value
        .replace('\\', r"\\")
        .replace('"', r#"\""#)
        .replace('\n', r"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gauges() -> Gauges {
        Gauges {
            outbox: Some(OutboxBacklog {
                waiting: 2,
                oldest_created_at: Some(940),
            }),
            pool: PoolUsage {
                in_use: 1,
                idle: 3,
                max: 8,
            },
            now: 1000,
        }
    }

    fn lines_of<'a>(page: &'a str, name: &str) -> Vec<&'a str> {
        page.lines().filter(|line| line.starts_with(name)).collect()
    }

    #[test]
    fn label_values_escape_backslashes_quotes_and_line_feeds() {
        assert_eq!(escape_label(r#"a\b"c"#), r#"a\\b\"c"#);
        assert_eq!(escape_label("two\nlines"), r"two\nlines");
        let metrics = Metrics::default();
        metrics.record_request(&Method::GET, "/x\"y", StatusCode::OK, Duration::ZERO);
        let page = metrics.render(&gauges());
        assert!(
            page.contains(r#"quorum_http_requests_total{method="GET",route="/x\"y"} 1"#),
            "{page}"
        );
    }

    #[test]
    fn buckets_count_everything_at_or_under_their_bound() {
        let metrics = Metrics::default();
        for millis in [3, 3, 20, 700, 12_000] {
            let took = Duration::from_millis(millis);
            metrics.record_request(&Method::GET, "/", StatusCode::OK, took);
        }
        let page = metrics.render(&gauges());
        let buckets = lines_of(&page, "quorum_http_request_duration_seconds_bucket");
        let expected = [
            ("0.005", 2),
            ("0.01", 2),
            ("0.025", 3),
            ("0.05", 3),
            ("0.1", 3),
            ("0.25", 3),
            ("0.5", 3),
            ("1", 4),
            ("2.5", 4),
            ("5", 4),
            ("10", 4),
            ("+Inf", 5),
        ];
        let expected: Vec<String> = expected
            .iter()
            .map(|(le, count)| {
                format!(
                    r#"quorum_http_request_duration_seconds_bucket{{route="/",le="{le}"}} {count}"#
                )
            })
            .collect();
        assert_eq!(buckets, expected);
        assert!(page.contains("quorum_http_request_duration_seconds_count{route=\"/\"} 5\n"));
        let sum = lines_of(&page, "quorum_http_request_duration_seconds_sum")[0];
        let sum: f64 = sum.rsplit(' ').next().unwrap().parse().unwrap();
        assert!((sum - 12.726).abs() < 1e-9, "{sum}");
    }

    #[test]
    fn every_family_has_help_and_type_and_unknown_methods_are_other() {
        let metrics = Metrics::default();
        let method = Method::from_bytes(b"BREW").unwrap();
        metrics.record_request(&method, UNMATCHED, StatusCode::NOT_FOUND, Duration::ZERO);
        metrics.record_job(Job::SendMail, &Err::<(), _>("refused"));
        metrics.record_job(Job::SendMail, &Ok::<_, ()>(()));
        let page = metrics.render(&gauges());
        for (name, kind) in [
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
            ("quorum_stored_pages_total", "counter"),
        ] {
            assert_eq!(
                page.matches(&format!("# TYPE {name} {kind}\n")).count(),
                1,
                "{page}"
            );
            assert!(page.contains(&format!("# HELP {name} ")), "{name}");
        }
        for line in [
            r#"quorum_http_requests_total{method="other",route="unmatched"} 1"#,
            r#"quorum_http_responses_total{status="404"} 1"#,
            "quorum_outbox_depth 2",
            "quorum_outbox_oldest_age_seconds 60",
            "quorum_db_connections_max 8",
            r#"quorum_job_runs_total{job="send_mail"} 2"#,
            r#"quorum_job_failures_total{job="send_mail"} 1"#,
            r#"quorum_job_runs_total{job="close_polls"} 0"#,
        ] {
            assert!(page.lines().any(|l| l == line), "no {line:?} in\n{page}");
        }
        assert!(page.ends_with('\n'));
    }

    #[test]
    fn each_job_is_counted_in_its_own_place() {
        for (place, job) in Job::ALL.into_iter().enumerate() {
            assert_eq!(job as usize, place, "{job:?}");
        }
    }

    #[test]
    fn without_the_outbox_its_figures_are_left_out_and_the_rest_stays() {
        let page = Metrics::default().render(&Gauges {
            outbox: None,
            ..gauges()
        });
        assert!(!page.contains("quorum_outbox"), "{page}");
        assert!(page.contains("quorum_db_connections_in_use 1\n"), "{page}");
    }
}
