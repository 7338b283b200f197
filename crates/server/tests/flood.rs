//! Floods from one address (issue 12, finding 5): a real server on port 0, real TCP and
//! websockets. Each test pushes one kind of traffic past an address's allowance and checks
//! that the excess is turned away at a bounded cost while the server keeps serving.

// Test code: a broken fixture should fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use baton_core::protocol::ServerToVisitor;
use baton_server::live::limits::Limits;
use common::*;
use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite;

/// Reads until the peer closes the connection; `true` if it did within `within`.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut buffer = [0u8; 1024];
    tokio::time::timeout(within, async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .is_ok()
}

/// A plain HTTP request on a fresh connection: the status line.
async fn get(server: &Server, path: &str) -> String {
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response).await;
    response.lines().next().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_client_that_sends_no_headers_or_trickles_them_is_cut_off() {
    let dir = tempfile::tempdir().unwrap();
    let limits = Limits {
        header_read: Duration::from_millis(300),
        ..Limits::default()
    };
    let server = Server::start_with(dir.path(), limits).await;
    // Connects and says nothing.
    let mut silent = TcpStream::connect(server.addr).await.unwrap();
    // Sends half a request, then a byte at a time (slowloris).
    let mut trickle = TcpStream::connect(server.addr).await.unwrap();
    trickle
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let dripping = tokio::spawn(async move {
        for _ in 0..20 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            if trickle.write_all(b"X-A: b\r\n").await.is_err() {
                return true;
            }
        }
        closed_within(&mut trickle, Duration::from_secs(2)).await
    });
    assert!(closed_within(&mut silent, Duration::from_secs(3)).await);
    assert!(dripping.await.unwrap(), "the trickling client was cut off");
    // A keep-alive connection idle after its response is closed too.
    let mut idle = TcpStream::connect(server.addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    assert!(closed_within(&mut idle, Duration::from_secs(3)).await);
    assert!(get(&server, "/healthz").await.contains("200"));
    server.stop().await;
}

#[tokio::test]
async fn one_address_holds_so_many_connections_and_the_rest_are_closed_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let limits = Limits {
        address_connections: 3,
        ..Limits::default()
    };
    let server = Server::start_with(dir.path(), limits).await;
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(TcpStream::connect(server.addr).await.unwrap());
    }
    // Accepted by the kernel, then closed before a byte is read.
    let mut extra = TcpStream::connect(server.addr).await.unwrap();
    assert!(closed_within(&mut extra, Duration::from_secs(2)).await);
    let refused = &server.state.metrics.address_refusals;
    assert!(refused.load(std::sync::atomic::Ordering::Relaxed) >= 1);
    drop(held);
    // The places are given back as the connections end.
    wait_for(|| async {
        let status = get(&server, "/healthz").await;
        status.contains("200").then_some(status)
    })
    .await;
    server.stop().await;
}

#[tokio::test]
async fn one_address_opens_so_many_chats_and_hands_over_so_often() {
    let dir = tempfile::tempdir().unwrap();
    let limits = Limits {
        address_sockets: 2,
        address_handoffs: (1, 0.0),
        ..Limits::default()
    };
    let server = Server::start_with(dir.path(), limits).await;
    let mut first = send_handoff(
        server.addr,
        "h-one",
        handoff("v-one", &["can I talk to a human please"], None),
    )
    .await;
    assert!(matches!(
        recv_visitor(&mut first).await,
        ServerToVisitor::Welcome { .. }
    ));
    // A second handoff from the same address, over its allowance: the socket is closed
    // with 1008 and no ticket is made.
    let mut second = send_handoff(
        server.addr,
        "h-two",
        handoff("v-two", &["can I talk to a human please"], None),
    )
    .await;
    let code = loop {
        match second.next().await {
            Some(Ok(tungstenite::Message::Close(frame))) => break frame.map(|f| u16::from(f.code)),
            Some(Ok(_)) => continue,
            _ => break None,
        }
    };
    assert_eq!(code, Some(1008));
    drop(second);
    // Two sockets at once: the third is refused before the upgrade.
    let _open = connect(server.addr, "/ws/visitor").await;
    let third = wait_for(|| async {
        let url = format!("ws://{}/ws/visitor", server.addr);
        match tokio_tungstenite::connect_async(url).await {
            Err(tungstenite::Error::Http(response)) => Some(response.status().as_u16()),
            _ => None,
        }
    })
    .await;
    assert_eq!(third, 429);
    let tickets = server.state.store.open_tickets().await.unwrap();
    assert_eq!(tickets.len(), 1, "only the first handoff made a ticket");
    drop(first);
    server.stop().await;
}

#[tokio::test]
async fn beacons_and_logins_beyond_an_address_allowance_get_429_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let limits = Limits {
        address_beacons: (2, 0.0),
        address_logins: (2, 0.0),
        ..Limits::default()
    };
    let server = Server::start_with(dir.path(), limits).await;
    for expected in [400, 400, 429] {
        let (status, body) = request(&server.state, "POST", "/api/outcome", Some("{}"), &[]).await;
        assert_eq!(status, expected, "{body}");
    }
    server.add_agent("ana", "correct horse").await;
    assert_eq!(server.try_login("ana", "wrong").await.0, 401);
    assert_eq!(server.try_login("ana", "correct horse").await.0, 200);
    let (status, body) = server.try_login("ana", "correct horse").await;
    assert_eq!(status, 429, "{body}");
    assert!(body.contains("this address"), "{body}");
    server.stop().await;
}

/// The close code and reason the server ends `ws` with; `None` when it dropped the
/// connection without a close frame.
async fn close_of(ws: &mut Ws) -> Option<(u16, String)> {
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match ws.next().await {
                Some(Ok(tungstenite::Message::Close(frame))) => {
                    return frame.map(|f| (u16::from(f.code), f.reason.to_string()));
                }
                Some(Err(_)) | None => return None,
                Some(Ok(_)) => {}
            }
        }
    })
    .await
    .expect("the socket ended")
}

/// A handoff whose transcript is larger than a chat frame: visitor lines of 15 KB ahead of
/// the request for a person.
fn large_handoff(visitor: &str) -> baton_core::protocol::Handoff {
    let mut large = handoff(visitor, &["can I talk to a human please"], None);
    let first = large.transcript.entries[0].clone();
    for _ in 0..4 {
        let mut line = first.clone();
        line.text = "my parcel has not arrived ".repeat(600);
        large.transcript.entries.insert(0, line);
    }
    large
}

#[tokio::test]
async fn a_handoffs_large_frame_is_read_once_and_only_on_a_socket_opened_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let limits = Limits {
        address_handoffs: (2, 0.0),
        ..Limits::default()
    };
    let server = Server::start_with(dir.path(), limits).await;
    let chat_frame = server.state.limits.chat_frame_bytes();
    let large = large_handoff("v-large");
    let size = serde_json::to_string(&large).unwrap().len();
    assert!(size > chat_frame && size < server.state.limits.frame_bytes);

    // On a chat socket the frame is never read: the connection is dropped, no ticket made.
    let mut plain = send_handoff(server.addr, "h-plain", large.clone()).await;
    let close = close_of(&mut plain).await;
    assert!(
        close.as_ref().is_none_or(|(code, _)| *code != 1008),
        "the frame was read: {close:?}"
    );
    assert!(server.state.store.open_tickets().await.unwrap().is_empty());

    // Opened for a handoff (paying one of the address's two handoffs), it is taken.
    let mut opened = send_handoff_on(server.addr, "/ws/visitor?handoff", "h-large", large).await;
    assert!(matches!(
        recv_visitor(&mut opened).await,
        ServerToVisitor::Welcome { .. }
    ));
    // The allowance was for one frame: a second large one closes the socket with 1009.
    use futures_util::SinkExt;
    let again = "x".repeat(chat_frame + 1);
    opened
        .send(tungstenite::Message::text(again))
        .await
        .unwrap();
    let close = close_of(&mut opened).await;
    assert!(
        matches!(&close, Some((1009, reason)) if reason.contains("?handoff")),
        "{close:?}"
    );

    // The address's second handoff goes on the next `?handoff` socket; then none is left,
    // and the upgrade itself is refused before any frame is read.
    let _second = connect(server.addr, "/ws/visitor?handoff").await;
    let refused =
        tokio_tungstenite::connect_async(format!("ws://{}/ws/visitor?handoff", server.addr)).await;
    assert!(
        matches!(&refused, Err(tungstenite::Error::Http(r)) if r.status() == 429),
        "{refused:?}"
    );
    assert_eq!(server.state.store.open_tickets().await.unwrap().len(), 1);
    server.stop().await;
}

#[tokio::test]
async fn an_agent_socket_never_reads_a_frame_larger_than_a_chat_message_needs() {
    use futures_util::SinkExt;
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path()).await;
    let limits = &server.state.limits;
    assert!(limits.chat_frame_bytes() < limits.frame_bytes / 8);
    let mut ws = connect(server.addr, "/ws/agent").await;
    // A frame far below the handoff allowance but above what an agent ever sends: the
    // socket is dropped before the frame is read (a frame that was read would be answered
    // as a bad login, with 1008 and a reason).
    let big = "x".repeat(limits.chat_frame_bytes() + 1024);
    let _ = ws.send(tungstenite::Message::text(big)).await;
    let close = close_of(&mut ws).await;
    assert!(
        close.as_ref().is_none_or(|(code, _)| *code != 1008),
        "the frame was read: {close:?}"
    );
    server.stop().await;
}
