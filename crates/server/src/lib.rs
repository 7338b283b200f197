//! baton-server: the `baton` binary's library — the human-chat server and the config tools.
//!
//! Layout:
//! - [`serve`] builds the state and runs `serve(listener, state, shutdown)`; [`http`] has the
//!   routes; [`visitor`] and [`agent`] are the two websockets, sharing [`socket`];
//!   [`hub`] relays live events; [`store`] is durable storage (SQLite);
//!   [`intake`] verifies a handoff ([`token`]) and re-runs the triggers.
//! - [`cli`] parses arguments and runs a command against any reader and writers, so tests
//!   drive it in-process; [`run`] hosts the long-running commands; [`journey`] and
//!   [`flowchart`] draw the journey; [`chat`] is the terminal chat behind `baton try`.

pub mod agent;
pub mod auth;
pub mod chat;
pub mod cli;
pub mod drift;
pub mod flowchart;
pub mod http;
pub mod hub;
pub mod insights;
pub mod intake;
pub mod journey;
pub mod metrics;
pub mod outcomes;
pub mod progress;
pub mod replay;
pub mod run;
pub mod secret;
pub mod serve;
pub mod simulate;
pub mod socket;
pub mod state;
pub mod store;
pub mod token;
pub mod visitor;
