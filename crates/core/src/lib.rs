//! baton-core: Baton's domain, sans-IO.
//!
//! The same code runs in the visitor's browser (compiled to wasm32) and on the server
//! (native). It never reads a clock, a socket, storage or randomness: time and ids come in as
//! arguments, decisions come out as values.
//!
//! Layout:
//! - [`config`]: the JSON config (`raw` serde types) and [`config::compile`] into a [`Site`].
//! - [`conversation`]: the engine, `Conversation::handle(event, now) -> Vec<Output>`.
//! - [`flow`]: journey nodes, one kind per file. [`trigger`]: escalation rules, one kind per
//!   file. [`sentiment`], [`matcher`] and [`text`]: the scoring and matching they use.
//! - [`transcript`], [`summary`], [`redact`], [`protocol`]: what goes to the agent and how.
//!
//! ```
//! use std::sync::Arc;
//! use baton_core::conversation::{Conversation, Event, Output};
//!
//! let site = baton_core::config::compile(r#"{
//!   "version": 1,
//!   "site": {"id": "shop", "name": "Shop"},
//!   "flow": {"start": "ask", "nodes": [
//!     {"id": "ask", "type": "faq", "found": "ask", "fallback": "ask"}
//!   ]},
//!   "triggers": [{"id": "legal", "when": {"keywords": ["lawyer"]}}]
//! }"#).unwrap();
//! let mut chat = Conversation::new(Arc::new(site), "visitor-1");
//! chat.handle(Event::Start { page: None }, 0);
//! let out = chat.handle(Event::Text { text: "I'll call my LAWYER".into() }, 1_000);
//! assert!(out.iter().any(|o| matches!(o, Output::Escalate(_))));
//! ```

pub mod aids;
pub mod config;
pub mod conversation;
pub mod experiment;
pub mod faq;
pub mod fixtures;
pub mod flow;
pub mod hours;
pub mod outcome;
pub mod profile;
pub mod protocol;
pub mod queue;
pub mod redact;
pub mod replay;
pub mod site;
pub mod summary;
pub mod template;
pub mod transcript;
pub mod trigger;

pub use baton_text::{matcher, sentiment, text};
pub use config::{ConfigError, compile};
pub use conversation::{Conversation, Event, Output};
pub use site::Site;

/// Milliseconds since the Unix epoch: the engine's only notion of time.
pub type Millis = u64;
