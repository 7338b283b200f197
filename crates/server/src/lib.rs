//! baton-server: the `baton` binary's library.
//!
//! Today it holds the config tools product teams run: `baton check`, `baton schema`,
//! `baton flowchart` and `baton try`. The human-chat server (`baton serve`) lands here next.
//!
//! Layout: [`cli`] parses arguments and runs a command against any reader and writers, so
//! tests drive it in-process; [`journey`] turns a compiled flow into the neutral graph that
//! [`flowchart`] draws; [`chat`] is the terminal chat behind `baton try`.

pub mod chat;
pub mod cli;
pub mod flowchart;
pub mod journey;
