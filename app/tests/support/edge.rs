//! The edge worker under workerd (Miniflare), in front of a test server, as `scripts/edge` runs
//! it. The worker must have been built (`scripts/edge build`; `scripts/test` does it first).
//!
//! `EdgeSetup::start` picks the edge's port first, so that the server can be told its public
//! address (the edge's) and trust the edge as its proxy, then starts both, sharing fresh keys.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::browser::Browser;
use super::journey::start_with_mail_and;
use super::smtp::{SmtpSink, free_port};
use super::{Captured, PROCESS_TIMEOUT, TestApp};

const READY_MARKER: &str = "edge: ready at ";

/// A running edge and the server behind it.
pub struct EdgeSetup {
    pub origin: TestApp,
    pub sink: SmtpSink,
    pub edge: Edge,
    /// The keys both sign and check links with.
    pub keys: String,
}

impl EdgeSetup {
    /// A server with an SMTP sink, and an edge in front allowing `sign_in_limit` sign-in posts
    /// per client address.
    pub async fn start(sign_in_limit: u32) -> Self {
        let port = free_port();
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).expect("random bytes");
        let keys = format!("7:{}", URL_SAFE_NO_PAD.encode(secret));
        let builder = TestApp::builder()
            .env("QUORUM_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
            .env("QUORUM_TRUSTED_PROXY", "127.0.0.1")
            .env("QUORUM_LINK_KEYS", &keys);
        let (origin, sink) = start_with_mail_and(builder).await;
        let edge = Edge::start(port, &origin.url(""), &keys, sign_in_limit);
        Self {
            origin,
            sink,
            edge,
            keys,
        }
    }

    /// A new browser with no cookies, talking to the edge.
    pub fn browser(&self) -> Browser {
        Browser::new(&self.edge.url)
    }

    /// How many requests for exactly `method path` the server has answered.
    ///
    /// A request's log line is written as its answer goes out, and reaches the test through a
    /// pipe a moment later: the count is taken once it has held still for a little while, so
    /// that a request just answered is counted.
    pub fn origin_saw(&self, method: &str, path: &str) -> usize {
        let needle = format!("method={method} path=\"{path}\"");
        let count = || {
            self.origin
                .logs()
                .lines()
                .filter(|line| line.contains("served") && line.contains(&needle))
                .count()
        };
        let mut seen = count();
        let mut still = 0;
        while still < 5 {
            std::thread::sleep(std::time::Duration::from_millis(20));
            let now = count();
            still = if now == seen { still + 1 } else { 0 };
            seen = now;
        }
        seen
    }
}

/// workerd running the built worker.
pub struct Edge {
    child: Child,
    pub url: String,
    output: Captured,
}

impl Edge {
    fn start(port: u16, origin: &str, keys: &str, sign_in_limit: u32) -> Self {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("the workspace folder")
            .to_path_buf();
        assert!(
            root.join("target/edge/dist/shim.mjs").exists(),
            "the edge worker is not built: run `scripts/edge build` (scripts/test does)"
        );
        let mut child = Command::new("node")
            .arg("edge/serve.mjs")
            .current_dir(&root)
            .env("EDGE_PORT", port.to_string())
            .env("ORIGIN", origin.trim_end_matches('/'))
            .env("LINK_KEYS", keys)
            .env("SIGN_IN_LIMIT", sign_in_limit.to_string())
            .env("SIGN_IN_WINDOW", "600")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("node runs edge/serve.mjs");
        let output = Captured::spawn(child.stdout.take().expect("stdout is piped"));
        let errors = Captured::spawn(child.stderr.take().expect("stderr is piped"));
        match output.wait_until(PROCESS_TIMEOUT, |text| text.contains(READY_MARKER)) {
            Ok(_) => Self {
                child,
                url: format!("http://127.0.0.1:{port}"),
                output,
            },
            Err(text) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the edge did not start.\n{text}\n{}", errors.text());
            }
        }
    }

    /// What the worker has printed.
    pub fn logs(&self) -> String {
        self.output.text()
    }
}

impl Drop for Edge {
    fn drop(&mut self) {
        // SIGTERM lets Miniflare stop workerd too; then make sure.
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        if super::wait_with_timeout(&mut self.child, PROCESS_TIMEOUT).is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
