//! Any text a visitor or an agent socket receives: parsed or refused, never a panic; a frame
//! that parses is within the limits the refusal messages quote.
#![no_main]

use baton_server::live::frames::{parse_agent, parse_visitor};
use baton_server::live::limits::Limits;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let limits = Limits::default();
    let _ = parse_visitor(text, &limits);
    let _ = parse_agent(text, &limits);
});
