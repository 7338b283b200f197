//! The review: what the stored facts say, computed by pure functions over what the store
//! returns.
//!
//! - [`insights`]: the figures of a period and the self-contained review page
//!   (`baton report`, the console's Insights); `docs/metrics.md` defines every figure.
//! - [`drift`]: per-trigger daily tests against a trailing baseline, and the hourly watch.
//! - [`replay`]: a period's conversations under a proposed config (`baton replay`).
//! - [`simulate`]: seeded synthetic visitors and an agent against a running server.

pub mod drift;
pub mod insights;
pub mod replay;
pub mod simulate;
