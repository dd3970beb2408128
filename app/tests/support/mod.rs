//! Test support: runs the real `quorum` binary, exactly as a self-hoster runs it, on a free port
//! with its own data folder and SQLite file, and talks to it over HTTP.
//!
//! Strategy: one server process per test. `TestApp::builder()` collects flags and environment
//! variables, `start()` waits for the "Quorum is running at http://…" line to learn the address,
//! and dropping the `TestApp` kills the process. Everything the process writes is captured, so a
//! test can read the logs, and `stop()` ends it with SIGTERM as a service manager would.
//! `run_to_exit()` is for runs that are meant to end by themselves: `--help`, `migrate`, and
//! settings that must stop start-up.

#![allow(
    dead_code,
    reason = "each test file is its own crate and uses only part of this module"
)]
#![expect(
    clippy::expect_used,
    reason = "test support: a broken test setup should stop the test with a plain message"
)]

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use tempfile::TempDir;

pub mod browser;
pub mod edge;
pub mod inbox;
pub mod journey;
pub mod smtp;
pub mod zip;

/// How long a debug build may take to start, or to stop after SIGTERM.
const PROCESS_TIMEOUT: Duration = Duration::from_secs(30);
/// How long to wait for a log line about a request that has already been answered.
const LOG_TIMEOUT: Duration = Duration::from_secs(10);
const READY_MARKER: &str = "Quorum is running at http://";

/// Settings the developer's shell may hold that would change what the binary does.
const INHERITED_SETTINGS: [&str; 28] = [
    "QUORUM_ADDR",
    "QUORUM_DATA_DIR",
    "QUORUM_LOG",
    "QUORUM_LOG_FORMAT",
    "QUORUM_SMTP_URL",
    "QUORUM_MAIL_FROM",
    "QUORUM_PUBLIC_URL",
    "QUORUM_SESSION_IDLE_TIMEOUT",
    "QUORUM_AUDIT_RETENTION_DAYS",
    "QUORUM_RATE_LIMIT_IP_FACTOR",
    "QUORUM_TRUSTED_PROXY",
    "QUORUM_METRICS_TOKEN",
    "QUORUM_BACKUP_RECIPIENTS",
    "QUORUM_BACKUP_IDENTITY",
    "QUORUM_LINK_KEYS",
    "QUORUM_INBOUND_SMTP_ADDR",
    "QUORUM_INBOUND_SECRET",
    "QUORUM_STORAGE_URL",
    "QUORUM_S3_ENDPOINT",
    "QUORUM_S3_REGION",
    "QUORUM_S3_ACCESS_KEY_ID",
    "QUORUM_S3_SECRET_ACCESS_KEY",
    "QUORUM_FILE_MAX_MB",
    "QUORUM_FILES_PER_POST",
    "QUORUM_GROUP_FILES_QUOTA_MB",
    "QUORUM_REPLY_DOMAIN",
    "DATABASE_URL",
    "RUST_LOG",
];

/// A running Quorum server.
pub struct TestApp {
    child: Child,
    base_url: String,
    client: reqwest::Client,
    data_dir: PathBuf,
    stdout: Captured,
    stderr: Captured,
    /// The database it runs on: its SQLite file's URL, or a PostgreSQL database of its own.
    database_url: String,
    /// Kept so the temporary data folder lives as long as the server.
    _temp_dir: Option<TempDir>,
}

/// How to start a server: flags, environment and data folder.
pub struct TestAppBuilder {
    args: Vec<OsString>,
    envs: Vec<(OsString, OsString)>,
    addr: String,
    data_dir: Option<PathBuf>,
    with_default_flags: bool,
    binary: PathBuf,
    sqlite_only: bool,
}

/// A process that has ended, with everything it wrote.
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl TestApp {
    pub fn builder() -> TestAppBuilder {
        TestAppBuilder {
            args: Vec::new(),
            envs: Vec::new(),
            addr: "127.0.0.1:0".into(),
            data_dir: None,
            with_default_flags: true,
            binary: PathBuf::from(env!("CARGO_BIN_EXE_quorum")),
            sqlite_only: false,
        }
    }

    /// A server with default settings, a fresh data folder and a free port.
    pub fn start() -> Self {
        Self::builder().start()
    }

    /// The full URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// A client that does not follow redirects, asks for no compression and uses no proxy.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("the server answers a GET")
    }

    /// GETs `path` as a browser asks for a page, with brotli.
    pub async fn get_brotli(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("accept-encoding", "br")
            .send()
            .await
            .expect("the server answers a GET")
    }

    /// GETs `path` and returns the status and the body as text.
    pub async fn get_text(&self, path: &str) -> (reqwest::StatusCode, String) {
        let response = self.get(path).await;
        let status = response.status();
        (status, response.text().await.expect("the body is readable"))
    }

    /// POSTs an already encoded `application/x-www-form-urlencoded` body as a browser does: it
    /// loads `path` first (which gives it the CSRF cookie and the page's token), then posts the
    /// token followed by `body`, with the cookie and an `Origin` of this server.
    pub async fn post_form(&self, path: &str, body: impl AsRef<[u8]>) -> reqwest::Response {
        let browser = self.browser();
        let token = browser.csrf_token(path).await;
        browser
            .send(browser.post_with_token(path, &token, body))
            .await
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The URL of the database this server runs on.
    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    /// A connection of the test's own to this server's database, whichever engine it is.
    /// Queries through it use `$1`-style placeholders, which both engines read.
    pub async fn database(&self) -> sqlx::AnyPool {
        sqlx::any::install_default_drivers();
        sqlx::any::AnyPoolOptions::new()
            .max_connections(2)
            .connect(&self.database_url)
            .await
            .expect("the test's own connection to the database opens")
    }

    /// Where the default SQLite file lives.
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("quorum.db")
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything the server has written to standard output (its log) so far.
    pub fn logs(&self) -> String {
        self.stdout.text()
    }

    /// Waits until the log contains `needle`, then returns the whole log. Panics after a while.
    pub fn wait_for_log(&self, needle: &str) -> String {
        self.stdout
            .wait_until(LOG_TIMEOUT, |text| text.contains(needle))
            .unwrap_or_else(|log| panic!("the log never said {needle:?}; it has:\n{log}"))
    }

    /// Stops the server as a service manager does (SIGTERM) and waits for it to exit.
    pub fn stop(mut self) -> Finished {
        let status = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()
            .expect("`kill` can be run");
        assert!(status.success(), "kill -TERM failed");
        let status = wait_with_timeout(&mut self.child, PROCESS_TIMEOUT)
            .expect("the server exits within the time limit after SIGTERM");
        Finished {
            status,
            stdout: self.stdout.wait_closed(),
            stderr: self.stderr.wait_closed(),
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // A failing test shows what the server said about it: the causes of errors are logged,
        // never shown on the page.
        if thread::panicking() {
            let log = self.stdout.text();
            let problems: Vec<&str> = log
                .lines()
                .filter(|line| line.contains("ERROR") || line.contains("WARN"))
                .take(20)
                .collect();
            eprintln!("the server's warnings and errors:\n{}", problems.join("\n"));
        }
        // Already gone after `stop()`; both calls then fail harmlessly.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl TestAppBuilder {
    /// Adds a command-line argument, such as a subcommand or a flag.
    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.envs.push((key.into(), value.into()));
        self
    }

    /// Uses this folder for data instead of a fresh temporary one (it outlives the server, so a
    /// second server can start on the same data).
    pub fn data_dir(mut self, path: impl Into<PathBuf>) -> Self {
        self.data_dir = Some(path.into());
        self
    }

    /// Listens on `addr` instead of a free port on 127.0.0.1.
    pub fn addr(mut self, addr: impl Into<String>) -> Self {
        self.addr = addr.into();
        self
    }

    /// Runs this build of `quorum` instead of the test profile's, such as the release build
    /// for a load test.
    pub fn binary(mut self, path: impl Into<PathBuf>) -> Self {
        self.binary = path.into();
        self
    }

    /// Runs on a SQLite file whatever engine the suite runs on: for tests of the file itself.
    pub fn sqlite(mut self) -> Self {
        self.sqlite_only = true;
        self
    }

    /// Leaves out the `--addr` and `--data-dir` flags, for tests of where settings come from.
    pub fn without_default_flags(mut self) -> Self {
        self.with_default_flags = false;
        self
    }

    /// Starts the server and waits until it says where it listens. Panics, with what the process
    /// wrote, if it exits first or takes too long.
    pub fn start(self) -> TestApp {
        let (mut command, data_dir, temp_dir, database_url) = self.command();
        let mut child = command.spawn().expect("the quorum binary starts");
        let stdout = Captured::spawn(child.stdout.take().expect("stdout is piped"));
        let stderr = Captured::spawn(child.stderr.take().expect("stderr is piped"));

        // Lines are captured whole, so the address is complete once the marker is seen.
        let ready = stdout.wait_until(PROCESS_TIMEOUT, |text| text.contains(READY_MARKER));
        let log = match ready {
            Ok(log) => log,
            Err(log) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "quorum did not start.\nstdout:\n{log}\nstderr:\n{}",
                    stderr.text()
                );
            }
        };
        let base_url = base_url_from(&log).expect("the ready line names an http address");
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("an HTTP client can be built");
        TestApp {
            child,
            base_url,
            client,
            data_dir,
            stdout,
            stderr,
            database_url,
            _temp_dir: temp_dir,
        }
    }

    /// Runs the binary to completion: for `--help`, `migrate`, and settings that must stop it.
    pub fn run_to_exit(self) -> Finished {
        let (mut command, _data_dir, _temp_dir, _database_url) = self.command();
        let mut child = command.spawn().expect("the quorum binary starts");
        let stdout = Captured::spawn(child.stdout.take().expect("stdout is piped"));
        let stderr = Captured::spawn(child.stderr.take().expect("stderr is piped"));
        let Some(status) = wait_with_timeout(&mut child, PROCESS_TIMEOUT) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "quorum was expected to exit but kept running.\nstdout:\n{}\nstderr:\n{}",
                stdout.text(),
                stderr.text()
            );
        };
        Finished {
            status,
            stdout: stdout.wait_closed(),
            stderr: stderr.wait_closed(),
        }
    }

    fn command(self) -> (Command, PathBuf, Option<TempDir>, String) {
        let (data_dir, temp_dir) = match self.data_dir {
            Some(dir) => (dir, None),
            None => {
                let temp = tempfile::tempdir().expect("a temporary folder can be made");
                (temp.path().join("data"), Some(temp))
            }
        };
        let mut command = Command::new(&self.binary);
        for name in INHERITED_SETTINGS {
            command.env_remove(name);
        }
        command.args(&self.args);
        if self.with_default_flags {
            command
                .arg("--addr")
                .arg(&self.addr)
                .arg("--data-dir")
                .arg(&data_dir);
        }
        let chosen = self
            .envs
            .iter()
            .find(|(key, _)| key == "DATABASE_URL")
            .map(|(_, value)| value.to_string_lossy().into_owned());
        let database_url = match chosen {
            Some(url) => url,
            None if on_postgres() && !self.sqlite_only && self.with_default_flags => {
                let url = new_postgres_database();
                command.env("DATABASE_URL", &url);
                url
            }
            None => format!("sqlite://{}", data_dir.join("quorum.db").display()),
        };
        command
            .envs(self.envs)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        (command, data_dir, temp_dir, database_url)
    }
}

/// Whether the suite runs on PostgreSQL: `QUORUM_TEST_DATABASE=postgres`, with
/// `QUORUM_TEST_POSTGRES_URL` naming a cluster where databases may be made (`scripts/test`
/// starts a throwaway one). Otherwise every server gets a SQLite file.
pub fn on_postgres() -> bool {
    std::env::var("QUORUM_TEST_DATABASE").is_ok_and(|engine| engine == "postgres")
}

/// The URL of the test cluster, from `QUORUM_TEST_POSTGRES_URL`.
pub fn postgres_cluster_url() -> String {
    std::env::var("QUORUM_TEST_POSTGRES_URL")
        .expect("QUORUM_TEST_POSTGRES_URL names the PostgreSQL cluster for the tests")
}

/// A new, empty database on the test cluster, for one server (or a few that share it), and
/// its URL. Made on a thread of its own, as the caller may be inside a runtime already.
pub fn new_postgres_database() -> String {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let cluster = postgres_cluster_url();
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let name = format!("quorum_test_{}_{n}_{nanos}", std::process::id());
    let mut url = reqwest::Url::parse(&cluster).expect("QUORUM_TEST_POSTGRES_URL is a URL");
    url.set_path(&format!("/{name}"));
    thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime can be made");
        runtime.block_on(async {
            use sqlx::Connection;
            let mut admin = sqlx::PgConnection::connect(&cluster)
                .await
                .expect("the test cluster answers");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut admin)
                .await
                .expect("a test database can be made");
        });
    })
    .join()
    .expect("the test database was made");
    url.to_string()
}

/// `http://127.0.0.1:PORT` from the "Quorum is running at http://127.0.0.1:PORT/" line.
fn base_url_from(log: &str) -> Option<String> {
    let after = &log[log.find(READY_MARKER)? + READY_MARKER.len()..];
    let host = &after[..after.find('/')?];
    Some(format!("http://{host}"))
}

fn wait_with_timeout(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().expect("the process can be waited on") {
            return Some(status);
        }
        if Instant::now() >= deadline {
            return None;
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// Text a process writes to one of its pipes, read on a thread so the pipe never fills up.
#[derive(Clone)]
struct Captured(Arc<(Mutex<CapturedText>, Condvar)>);

#[derive(Default)]
struct CapturedText {
    text: String,
    closed: bool,
}

impl Captured {
    fn spawn(pipe: impl Read + Send + 'static) -> Self {
        let captured = Self(Arc::new((Mutex::default(), Condvar::new())));
        let writer = captured.clone();
        thread::spawn(move || {
            let mut reader = BufReader::new(pipe);
            let mut line = Vec::new();
            loop {
                line.clear();
                let read = reader.read_until(b'\n', &mut line).unwrap_or(0);
                let (lock, changed) = &*writer.0;
                let mut state = lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                if read == 0 {
                    state.closed = true;
                    changed.notify_all();
                    return;
                }
                state.text.push_str(&String::from_utf8_lossy(&line));
                changed.notify_all();
            }
        });
        captured
    }

    fn text(&self) -> String {
        let (lock, _) = &*self.0;
        let state = lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        state.text.clone()
    }

    /// Waits until `done(text)` holds (`Ok`) or the pipe closes or time runs out (`Err`), and
    /// returns the text either way.
    fn wait_until(&self, timeout: Duration, done: impl Fn(&str) -> bool) -> Result<String, String> {
        let deadline = Instant::now() + timeout;
        let (lock, changed) = &*self.0;
        let mut state = lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        loop {
            if done(&state.text) {
                return Ok(state.text.clone());
            }
            let now = Instant::now();
            if state.closed || now >= deadline {
                return Err(state.text.clone());
            }
            state = changed
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .0;
        }
    }

    /// Everything written, once the process has closed the pipe.
    fn wait_closed(&self) -> String {
        match self.wait_until(PROCESS_TIMEOUT, |_| false) {
            Ok(text) | Err(text) => text,
        }
    }
}

/// A connection of the test's own to the SQLite file at `path`, which must exist already. It
/// sets no journal mode, so what it reads is what the server left in the file.
pub async fn open_database(path: &Path) -> sqlx::SqlitePool {
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false);
    sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .expect("the database file opens")
}

/// A setting that cannot work must stop start-up with one sentence on standard error that names
/// the problem, a failing exit status, and no panic.
pub fn assert_stopped_with_one_clear_line(finished: &Finished, expected: &str) {
    assert!(
        !finished.status.success(),
        "it started anyway: {finished:?}"
    );
    let lines: Vec<&str> = finished
        .stderr
        .lines()
        .filter(|line| !line.trim().is_empty())
        .collect();
    assert_eq!(lines.len(), 1, "expected one line on stderr: {finished:?}");
    assert!(lines[0].starts_with("quorum: "), "{}", lines[0]);
    assert!(
        lines[0].contains(expected),
        "{:?} does not say {expected:?}",
        lines[0]
    );
    assert_no_panic(finished);
}

pub fn assert_no_panic(finished: &Finished) {
    for output in [&finished.stdout, &finished.stderr] {
        assert!(!output.contains("panicked"), "{finished:?}");
        assert!(!output.contains("RUST_BACKTRACE"), "{finished:?}");
    }
    assert!(
        !finished.stdout.contains("Quorum is running"),
        "{finished:?}"
    );
}

/// How many migrations the binary carries for `engine` (`sqlite` or `postgres`): the files in
/// its migrations folder.
pub fn migration_count(engine: &str) -> i64 {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../migrations")
        .join(engine);
    let files = std::fs::read_dir(folder)
        .expect("the migrations folder can be read")
        .filter(|f| {
            f.as_ref()
                .is_ok_and(|f| f.path().extension().is_some_and(|e| e == "sql"))
        })
        .count();
    i64::try_from(files).expect("a count of files fits in i64")
}

/// How many times `needle` occurs in `haystack`.
pub fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

/// The text between the first `start` and the next `end` after it.
pub fn between<'a>(haystack: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = haystack.find(start)? + start.len();
    let to = haystack[from..].find(end)? + from;
    Some(&haystack[from..to])
}

/// The opening tag of the element with `id="…"`, such as `<input id="name" … >`.
pub fn tag_with_id<'a>(html: &'a str, id: &str) -> Option<&'a str> {
    let at = html.find(&format!(r#" id="{id}""#))?;
    let start = html[..at].rfind('<')?;
    let end = html[at..].find('>')? + at;
    Some(&html[start..=end])
}

/// Every value of the attribute `name` in `html`, in document order.
pub fn attribute_values<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let marker = format!(r#" {name}=""#);
    html.match_indices(&marker)
        .filter_map(|(at, _)| {
            let value = &html[at + marker.len()..];
            value.find('"').map(|end| &value[..end])
        })
        .collect()
}

/// Checks that no `id` repeats and that every id reference (`for`, `aria-describedby`,
/// `aria-labelledby`, same-page links) names an element of the page: a broken reference leaves a
/// field without its label, hint or error for a screen reader, or a link that goes nowhere.
pub fn assert_ids_unique_and_references_resolve(html: &str, page: &str) {
    let ids = attribute_values(html, "id");
    for id in &ids {
        assert_eq!(
            count_exact(&ids, id),
            1,
            "{page}: id {id:?} is used more than once"
        );
    }
    let mut references: Vec<(&str, &str)> = Vec::new();
    for attribute in ["for", "aria-describedby", "aria-labelledby"] {
        for value in attribute_values(html, attribute) {
            references.extend(value.split_whitespace().map(|id| (attribute, id)));
        }
    }
    for href in attribute_values(html, "href") {
        if let Some(fragment) = href.strip_prefix('#') {
            references.push(("href", fragment));
        }
    }
    for (attribute, id) in references {
        assert!(
            ids.contains(&id),
            "{page}: {attribute} refers to #{id}, which is not on the page"
        );
    }
}

fn count_exact(values: &[&str], wanted: &str) -> usize {
    values.iter().filter(|value| **value == wanted).count()
}
