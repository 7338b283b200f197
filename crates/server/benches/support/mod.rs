//! What the server benchmarks share: a real `baton serve` process on a fresh database, its
//! memory, and clients bound to a loopback address of their own (Linux routes all of
//! 127.0.0.0/8 to lo, so each simulated client can be a different address).

#![allow(dead_code)]

use std::io::BufRead;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

use tokio::net::{TcpSocket, TcpStream};

pub fn config() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../static/demo-shop.json")
}

/// A `baton serve` process; killed when dropped.
pub struct Baton {
    pub child: std::process::Child,
    pub addr: SocketAddr,
    pub data: tempfile::TempDir,
}

impl Drop for Baton {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Baton {
    /// Starts `baton serve` with `args` on port 0, with agent `ana` (password
    /// `correct horse battery`) added first.
    pub fn start(args: &[&str]) -> Baton {
        let data = tempfile::tempdir().unwrap();
        let mut add = std::process::Command::new(env!("CARGO_BIN_EXE_baton"))
            .args(["agent", "add", "ana", "--password-stdin", "--data"])
            .arg(data.path())
            .stdin(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        {
            use std::io::Write;
            let mut stdin = add.stdin.take().unwrap();
            stdin.write_all(b"correct horse battery\n").unwrap();
        }
        assert!(add.wait().unwrap().success());
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_baton"))
            .args(["serve", "--addr", "127.0.0.1:0", "--config"])
            .arg(config())
            .arg("--data")
            .arg(data.path())
            .args(args)
            .env("BATON_LOG", "error")
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let addr = first
            .trim()
            .strip_prefix("baton: listening on http://")
            .unwrap()
            .parse()
            .unwrap();
        Baton { child, addr, data }
    }

    /// Resident memory now, KiB.
    pub fn rss_kib(&self) -> u64 {
        status_kib(self.child.id(), "VmRSS:")
    }

    /// The most resident memory the process has had, KiB.
    pub fn peak_rss_kib(&self) -> u64 {
        status_kib(self.child.id(), "VmHWM:")
    }
}

pub fn status_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Client `n`'s own loopback address: 127.1.0.1, 127.1.0.2, … (250 to a block).
pub fn client_ip(n: usize) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(
        127,
        1 + (n / 62_500) as u8,
        ((n / 250) % 250) as u8,
        (n % 250 + 1) as u8,
    ))
}

/// A TCP connection to `addr` from `source`.
pub async fn connect_from(source: IpAddr, addr: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(source, 0))?;
    socket.connect(addr).await
}

/// The middle of `values` (the upper one of an even count).
pub fn median<T: Copy + PartialOrd>(values: &mut [T]) -> T {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    values[values.len() / 2]
}

pub type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>;

pub async fn send<T: serde::Serialize>(ws: &mut Ws, body: T) {
    use futures_util::SinkExt;
    let text = serde_json::to_string(&baton_core::protocol::Frame::new(body)).unwrap();
    ws.send(tokio_tungstenite::tungstenite::Message::text(text))
        .await
        .unwrap();
}

/// Says `hello` for the demo site on a fresh visitor socket, then sends the handoff `id`;
/// returns when the handoff went (the time to measure from).
pub async fn hello_then_handoff(
    ws: &mut Ws,
    id: &str,
    handoff: baton_core::protocol::Handoff,
) -> std::time::Instant {
    use baton_core::protocol::VisitorFrame;
    let hello = VisitorFrame::Hello {
        site: "demo-shop".into(),
        resume: None,
        last_seq: 0,
    };
    send(ws, hello).await;
    let started = std::time::Instant::now();
    let frame = VisitorFrame::Handoff {
        id: id.to_owned(),
        handoff: Box::new(handoff),
    };
    send(ws, frame).await;
    started
}

/// The next frame of type `T`; `None` once the socket is closed.
pub async fn next_frame<T: serde::de::DeserializeOwned>(ws: &mut Ws) -> Option<T> {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    loop {
        match ws.next().await? {
            Ok(Message::Text(text)) => {
                if let Ok(frame) = serde_json::from_str::<baton_core::protocol::Frame<T>>(&text) {
                    return Some(frame.body);
                }
            }
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// A handoff as the demo's engine makes it: an order question, then a request for a person.
pub fn handoff(visitor: &str) -> baton_core::protocol::Handoff {
    use baton_core::conversation::{Conversation, Event};
    let site = std::sync::Arc::new(
        baton_core::compile(&std::fs::read_to_string(config()).unwrap()).unwrap(),
    );
    let mut chat = Conversation::new(site, visitor);
    chat.handle(Event::Start { page: None }, 1_000);
    chat.handle(
        Event::Text {
            text: "where is my order? it is late".into(),
        },
        2_000,
    );
    chat.handle(
        Event::Text {
            text: "I want to talk to a human".into(),
        },
        3_000,
    );
    baton_core::protocol::Handoff::of(&chat, None).unwrap()
}
