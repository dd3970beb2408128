//! A tiny SMTP server for tests: it accepts every message and keeps it, so a test reads the
//! mail Quorum really delivered over a real socket.
//!
//! Strategy: plain SMTP on 127.0.0.1 (no TLS; tests point Quorum at
//! `smtp://127.0.0.1:PORT?tls=none`). It speaks just what lettre says: greeting, EHLO/HELO,
//! MAIL FROM, RCPT TO, DATA (with dot-unstuffing), RSET, NOOP and QUIT. Messages are kept raw,
//! with their CRLF line ends, in arrival order. `wait_for` polls with a deadline, so tests wait
//! as long as needed and no longer, and fail with what did arrive.
//!
//! The sink answers on a thread and runtime of its own, never on the test's: a test that
//! blocks its own runtime (stopping a server waits for the process to exit) must not leave
//! the server's mail sender waiting mid-conversation for a reply that cannot come.

use std::net::{Ipv4Addr, SocketAddr, TcpListener as StdTcpListener};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// A running sink. Dropping it stops accepting connections.
pub struct SmtpSink {
    port: u16,
    inbox: Arc<Mutex<Vec<String>>>,
    stop: Option<oneshot::Sender<()>>,
}

impl SmtpSink {
    /// A sink on a free port.
    pub async fn start() -> Self {
        Self::start_on(0).await
    }

    /// A sink on `port` of 127.0.0.1, such as one Quorum has been failing to reach.
    pub async fn start_on(port: u16) -> Self {
        let listener = StdTcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
            .expect("the SMTP sink can listen");
        listener
            .set_nonblocking(true)
            .expect("the sink's socket can be non-blocking");
        let port = listener
            .local_addr()
            .expect("the sink has an address")
            .port();
        let inbox = Arc::new(Mutex::new(Vec::new()));
        let kept = inbox.clone();
        let (stop, stopped) = oneshot::channel::<()>();
        std::thread::Builder::new()
            .name(format!("smtp-sink-{port}"))
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("the sink has a runtime");
                runtime.block_on(async move {
                    let listener = TcpListener::from_std(listener).expect("the sink can listen");
                    let accept = async {
                        while let Ok((stream, _)) = listener.accept().await {
                            tokio::spawn(converse(stream, kept.clone()));
                        }
                    };
                    tokio::select! {
                        _ = stopped => {}
                        () = accept => {}
                    }
                });
            })
            .expect("the sink's thread starts");
        Self {
            port,
            inbox,
            stop: Some(stop),
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The `QUORUM_SMTP_URL` that reaches this sink.
    pub fn url(&self) -> String {
        smtp_url(self.port)
    }

    /// Every message received so far, raw, in arrival order.
    pub fn messages(&self) -> Vec<String> {
        self.inbox
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Waits until at least `count` messages have arrived and returns them all. Panics, saying
    /// how many came, when `timeout` passes first.
    pub async fn wait_for(&self, count: usize, timeout: Duration) -> Vec<String> {
        let deadline = Instant::now() + timeout;
        loop {
            let messages = self.messages();
            if messages.len() >= count {
                return messages;
            }
            assert!(
                Instant::now() < deadline,
                "expected {count} messages within {timeout:?}, got {}",
                messages.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The `QUORUM_SMTP_URL` for plain SMTP on `port` of 127.0.0.1.
pub fn smtp_url(port: u16) -> String {
    format!("smtp://127.0.0.1:{port}?tls=none")
}

/// A port on 127.0.0.1 that nothing listens on at the moment of asking, for a server that is
/// "down" until a sink is started on it.
pub fn free_port() -> u16 {
    let listener = StdTcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("a free port exists");
    listener.local_addr().expect("the port is known").port()
}

async fn converse(stream: TcpStream, inbox: Arc<Mutex<Vec<String>>>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    if write.write_all(b"220 sink ESMTP ready\r\n").await.is_err() {
        return;
    }
    let mut line = String::new();
    loop {
        line.clear();
        match lines.read_line(&mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let verb = line
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n",
            "HELO" | "MAIL" | "RCPT" | "RSET" | "NOOP" => b"250 OK\r\n",
            "QUIT" => {
                let _ = write.write_all(b"221 Bye\r\n").await;
                return;
            }
            "DATA" => {
                if write
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await
                    .is_err()
                {
                    return;
                }
                let Some(message) = read_data(&mut lines).await else {
                    return;
                };
                inbox
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .push(message);
                b"250 OK: queued\r\n"
            }
            _ => b"502 Command not implemented\r\n",
        };
        if write.write_all(reply).await.is_err() {
            return;
        }
    }
}

/// The message after DATA, up to the line holding only a dot, with leading dots unstuffed.
async fn read_data(lines: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> Option<String> {
    let mut message = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        if line == ".\r\n" || line == ".\n" {
            return Some(message);
        }
        message.push_str(line.strip_prefix('.').unwrap_or(&line));
    }
}
