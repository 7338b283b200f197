//! baton-server: the `baton` binary's library — the human-chat server, the review of what
//! happened, and the config tools.
//!
//! Layers, each depending only on the ones below it:
//! - [`cli`] parses arguments and runs a command against any reader and writers, so tests
//!   drive it in-process; [`run`] hosts the commands that own a runtime (serve, agent add,
//!   report, replay).
//! - [`live`]: the running server — HTTP routes, the two websockets, the hub that relays
//!   between them, the intake that turns a handoff into a ticket.
//! - [`review`]: what the stored facts say — insights, drift alerts, replay under another
//!   config, synthetic traffic.
//! - [`tools`]: `baton try`'s terminal chat, the journey as a drawing (the drawing itself is
//!   the `baton-flowchart` crate), the progress bar.
//! - [`store`]: durable storage behind one trait (SQLite); [`clock`] and [`days`]: the
//!   server's one clock and its calendar arithmetic.
//!
//! Everything sits on `baton-core`: the engine, the config, the wire protocol and the
//! schema.

pub mod cli;
pub mod clock;
pub mod days;
pub mod live;
pub mod review;
pub mod run;
pub mod store;
pub mod tools;
