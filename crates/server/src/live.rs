//! The live server: `serve(listener, state, shutdown)` and everything a request or a socket
//! reaches.
//!
//! - [`serve`] builds the [`state::AppState`] from [`serve::ServeOptions`] and runs
//!   [`http::app`]; [`error`] is the one error type of the HTTP handlers.
//! - [`visitor`] and [`agent`] are the two websockets: each frame is parsed by a pure
//!   function ([`frames`]) into a checked frame or a typed rejection, and only then applied by the
//!   socket's session. [`socket`] is what both share (the write half, the read loop, the rate
//!   limit); [`views`] turns stored tickets into what agents see, and [`window`] keeps
//!   each agent's view of a queue of any length to its head and a count; [`hub`] relays live
//!   events.
//! - [`intake`] verifies a handoff ([`token`]) and re-runs the triggers; [`outcomes`] checks
//!   the widget's outcome beacon.
//! - [`csp`]: the Content-Security-Policy of the workspace and the widget.
//! - [`auth`] and [`secret`]: agent passwords, random ids and tokens; [`throttle`]: what a
//!   login may cost; [`addresses`]: what one client address may hold and spend. [`metrics`]: counters
//!   for Prometheus. [`limits`]: what clients may send and hold.

pub mod addresses;
pub mod agent;
pub mod auth;
pub mod csp;
pub mod error;
pub mod frames;
pub mod http;
pub mod hub;
pub mod intake;
pub mod limits;
pub mod metrics;
pub mod outcomes;
pub mod secret;
pub mod serve;
pub mod socket;
pub mod state;
pub mod throttle;
pub mod token;
pub mod views;
pub mod visitor;
pub mod window;
