//! baton-text: the text work done on every visitor message, in the browser and on the
//! server. Re-exported by baton-core as `baton_core::{text, matcher, sentiment}`.
//!
//! - [`text`]: [`text::fold`], the one normal form messages and terms are compared in.
//! - [`matcher`]: [`matcher::PhraseMatcher`], many phrases found in one pass over a message.
//! - [`sentiment`]: [`sentiment::score`], a support-chat lexicon scorer.
//!
//! A crate of its own so the widget can build it optimised for speed while everything else
//! is optimised for size: generic code (the automaton's iterator) is compiled in the crate
//! that uses it, so the hot loops must live here.

pub mod matcher;
pub mod sentiment;
pub mod text;
