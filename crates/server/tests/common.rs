//! A real server on port 0 and real websocket clients, for the integration tests.

// Test code: a broken fixture should fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use baton_core::protocol::{AgentFrame, Frame, ServerToAgent, ServerToVisitor, VisitorFrame};
use baton_server::live::limits::Limits;
use baton_server::live::serve::{ServeOptions, serve, state};
use baton_server::live::state::AppState;
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub const SECRET: &[u8] = b"test-site-secret-long-enough-for-hs256";

pub struct Server {
    pub addr: SocketAddr,
    pub state: AppState,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Server {
    pub async fn start(data: &Path) -> Server {
        Server::start_with(data, Limits::default()).await
    }

    pub async fn start_with(data: &Path, limits: Limits) -> Server {
        let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../static/demo-shop.json");
        Server::start_config(data, &config, limits).await
    }

    pub async fn start_config(data: &Path, config: &Path, limits: Limits) -> Server {
        Server::start_options(ServeOptions {
            limits,
            ..ServeOptions::new(config, data)
        })
        .await
    }

    /// `baton serve --demo` on the demo config: the demo shop's API, backdated beacons.
    pub async fn start_demo(data: &Path) -> Server {
        Server::start_options(ServeOptions {
            demo: true,
            ..ServeOptions::new(DEMO_CONFIG, data)
        })
        .await
    }

    /// A server with `options`, signing profiles with [`SECRET`].
    pub async fn start_options(options: ServeOptions) -> Server {
        let secret = options.data.with_extension("secret");
        std::fs::write(&secret, SECRET).unwrap();
        let state = state(ServeOptions {
            jwt_secret_file: Some(secret),
            ..options
        })
        .await
        .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let served = state.clone();
        let task = tokio::spawn(async move {
            serve(listener, served, async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
        Server {
            addr,
            state,
            stop: Some(stop),
            task: Some(task),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }

    pub async fn add_agent(&self, name: &str, password: &str) {
        let hash = baton_server::live::auth::hash_password(password).unwrap();
        let agent = baton_server::store::AgentRow {
            id: format!("a_{name}"),
            name: name.to_owned(),
            password_hash: hash,
        };
        self.state.store.add_agent(agent, 0).await.unwrap();
    }

    /// Logs in over HTTP: the status and the body.
    pub async fn try_login(&self, name: &str, password: &str) -> (u16, String) {
        let body = serde_json::json!({ "name": name, "password": password }).to_string();
        request(&self.state, "POST", "/api/login", Some(&body), &[]).await
    }

    /// Logs in over HTTP and returns the session token.
    pub async fn login(&self, name: &str, password: &str) -> Option<String> {
        let (status, response) = self.try_login(name, password).await;
        (status == 200).then(|| {
            serde_json::from_str::<serde_json::Value>(&response).unwrap()["token"]
                .as_str()
                .unwrap()
                .to_owned()
        })
    }
}

/// Runs `baton ARGS` in-process: the exit code, stdout and stderr. Call it off the runtime
/// (`spawn_blocking`) from async tests: the command owns a runtime of its own.
pub fn baton(args: &[&str]) -> (std::process::ExitCode, String, String) {
    use clap::Parser;
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let args = std::iter::once("baton").chain(args.iter().copied());
    let code = baton_server::cli::run(
        baton_server::cli::Cli::parse_from(args),
        &mut std::io::empty(),
        &mut out,
        &mut err,
    );
    (
        code,
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
    )
}

/// The example config every test uses.
pub const DEMO_CONFIG: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../static/demo-shop.json");

/// Sends one request to [`baton_server::live::http::app`] without a socket and returns the
/// whole response (headers included).
pub async fn raw_request(
    state: &AppState,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> axum::response::Response {
    use tower::ServiceExt;
    let mut builder = axum::http::Request::builder().method(method).uri(path);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    baton_server::live::http::app(state.clone())
        .oneshot(builder.body(axum::body::Body::empty()).unwrap())
        .await
        .unwrap()
}

/// Sends one request to [`baton_server::live::http::app`] without a socket
/// (`tower::ServiceExt::oneshot`): the status and the body.
pub async fn request(
    state: &AppState,
    method: &str,
    path: &str,
    body: Option<&str>,
    headers: &[(&str, &str)],
) -> (u16, String) {
    use tower::ServiceExt;
    let mut builder = axum::http::Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/json");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let request = builder
        .body(axum::body::Body::from(body.unwrap_or("").to_owned()))
        .unwrap();
    let response = baton_server::live::http::app(state.clone())
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status().as_u16();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub async fn connect(addr: SocketAddr, path: &str) -> Ws {
    let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}{path}"))
        .await
        .unwrap();
    ws
}

pub async fn send<T: serde::Serialize>(ws: &mut Ws, body: T) {
    let text = serde_json::to_string(&Frame::new(body)).unwrap();
    ws.send(Message::text(text)).await.unwrap();
}

pub async fn send_visitor(ws: &mut Ws, frame: VisitorFrame) {
    send(ws, frame).await;
}

pub async fn send_agent(ws: &mut Ws, frame: AgentFrame) {
    send(ws, frame).await;
}

/// The next text frame, parsed; panics after 5 s.
pub async fn recv<T: serde::de::DeserializeOwned>(ws: &mut Ws) -> T {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("a frame within 5 s")
            .expect("the socket is open")
            .expect("a frame, not an error");
        if let Message::Text(text) = message {
            let frame: Frame<T> =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
            return frame.body;
        }
    }
}

pub async fn recv_visitor(ws: &mut Ws) -> ServerToVisitor {
    recv(ws).await
}

pub async fn recv_agent(ws: &mut Ws) -> ServerToAgent {
    recv(ws).await
}

/// Receives until `pick` returns `Some`; panics after 5 s.
pub async fn until<T: serde::de::DeserializeOwned, R>(
    ws: &mut Ws,
    mut pick: impl FnMut(T) -> Option<R>,
) -> R {
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            if let Some(r) = pick(recv(ws).await) {
                return r;
            }
        }
    })
    .await
    .expect("the expected frame within 5 s")
}

/// A real handoff from the engine: a visitor on the demo site says `lines`, the last of which
/// escalates.
pub fn handoff(
    visitor: &str,
    lines: &[&str],
    token: Option<String>,
) -> baton_core::protocol::Handoff {
    use baton_core::conversation::{Conversation, Event};
    let source = include_str!("../../../static/demo-shop.json");
    let site = std::sync::Arc::new(baton_core::compile(source).unwrap());
    let mut chat = Conversation::new(site, visitor);
    let start = baton_server::clock::now();
    chat.handle(Event::Start { page: None }, start);
    for (i, line) in lines.iter().enumerate() {
        chat.handle(
            Event::Text {
                text: (*line).to_owned(),
            },
            start + 1_000 * (i as u64 + 1),
        );
    }
    baton_core::protocol::Handoff::of(&chat, token).expect("the last line escalates")
}

/// Connects a visitor, says hello and hands over; returns the socket, conversation id,
/// resume token and the transcript length.
pub async fn hand_over(
    addr: SocketAddr,
    handoff_id: &str,
    handoff: baton_core::protocol::Handoff,
) -> (Ws, String, String, u64) {
    let len = handoff.transcript.entries.len() as u64;
    let mut ws = send_handoff(addr, handoff_id, handoff).await;
    let (conversation, resume) = match recv_visitor(&mut ws).await {
        ServerToVisitor::Welcome {
            conversation,
            resume,
        } => (conversation, resume),
        other => panic!("expected welcome, got {other:?}"),
    };
    assert!(matches!(
        recv_visitor(&mut ws).await,
        ServerToVisitor::Queued { .. }
    ));
    (ws, conversation, resume, len)
}

/// Connects a visitor, says hello and sends the handoff; reads nothing back.
pub async fn send_handoff(
    addr: SocketAddr,
    handoff_id: &str,
    handoff: baton_core::protocol::Handoff,
) -> Ws {
    send_handoff_on(addr, "/ws/visitor", handoff_id, handoff).await
}

/// [`send_handoff`] on a socket opened at `path` (`/ws/visitor?handoff` asks for a
/// handoff's frame allowance).
pub async fn send_handoff_on(
    addr: SocketAddr,
    path: &str,
    handoff_id: &str,
    handoff: baton_core::protocol::Handoff,
) -> Ws {
    let mut ws = connect(addr, path).await;
    send_visitor(
        &mut ws,
        VisitorFrame::Hello {
            site: "demo-shop".into(),
            resume: None,
            last_seq: 0,
        },
    )
    .await;
    send_visitor(
        &mut ws,
        VisitorFrame::Handoff {
            id: handoff_id.into(),
            handoff: Box::new(handoff),
        },
    )
    .await;
    ws
}

/// Logs an agent in over the socket and reads the welcome and queue snapshot.
pub async fn agent_socket(
    addr: SocketAddr,
    token: &str,
) -> (Ws, Vec<baton_core::protocol::QueueItem>) {
    let mut ws = connect(addr, "/ws/agent").await;
    send_agent(
        &mut ws,
        AgentFrame::Login {
            token: token.into(),
        },
    )
    .await;
    assert!(matches!(
        recv_agent(&mut ws).await,
        ServerToAgent::Welcome { .. }
    ));
    let items = match recv_agent(&mut ws).await {
        ServerToAgent::QueueSnapshot { items, .. } => items,
        other => panic!("expected the queue, got {other:?}"),
    };
    (ws, items)
}

/// Polls `check` until it gives a value; panics after 5 s.
pub async fn wait_for<T, F: std::future::Future<Output = Option<T>>>(
    mut check: impl FnMut() -> F,
) -> T {
    for _ in 0..100 {
        if let Some(v) = check().await {
            return v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("condition not met within 5 s");
}
