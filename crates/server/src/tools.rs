//! The config tools beside the server: the terminal chat behind `baton try` ([`chat`]), the
//! journey as a graph for `baton flowchart` ([`journey`], drawn by `baton-flowchart`) and
//! the progress bar of the long commands ([`progress`]).

pub mod chat;
pub mod journey;
pub mod progress;
