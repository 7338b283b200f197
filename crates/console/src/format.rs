//! Words and checks for what the server sends: priorities, authors, scores, waiting times,
//! queue names, links, client ids. Pure functions, tested natively.

use baton_core::Millis;
use baton_core::queue::Priority;
use baton_core::transcript::Author;

/// A label for a priority.
pub fn priority_label(priority: Priority) -> &'static str {
    match priority {
        Priority::Low => "Low",
        Priority::Normal => "Normal",
        Priority::High => "High",
        Priority::Urgent => "Urgent",
    }
}

/// The first eight characters of a ticket id, for people.
pub fn short_id(ticket: &str) -> String {
    ticket.chars().take(8).collect()
}

/// Who wrote a message.
pub fn author_label(author: Author) -> &'static str {
    match author {
        Author::Visitor => "Visitor",
        Author::Bot => "Bot",
        Author::Agent => "Agent",
        Author::System => "Baton",
    }
}

/// A score with a real minus sign and two decimals: "−0.62", "+0.40".
pub fn score(value: f32) -> String {
    let text = format!("{:.2}", value.abs());
    if text == "0.00" {
        text
    } else if value < 0.0 {
        format!("\u{2212}{text}")
    } else {
        format!("+{text}")
    }
}

/// The badge on a visitor message: "sentiment −0.62".
pub fn sentiment_label(value: f32) -> String {
    format!("sentiment {}", score(value))
}

/// How long something has waited: "just now", "4 min", "1 h 05 min".
pub fn waited(now: Millis, since: Millis) -> String {
    let minutes = now.saturating_sub(since) / 60_000;
    match minutes {
        0 => "just now".to_owned(),
        1..=59 => format!("{minutes} min"),
        _ => format!("{} h {:02} min", minutes / 60, minutes % 60),
    }
}

/// Delay before reconnect attempt `attempt` (0-based): 1 s, 2 s, 4 s … at most 15 s.
pub fn backoff_ms(attempt: u32) -> u32 {
    1_000u32.saturating_mul(1 << attempt.min(4)).min(15_000)
}

/// A profile value as text: strings without quotes, everything else as JSON.
pub fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Whether a link from the server may be opened: http(s), or a path on this site. Anything
/// else (`javascript:`, `data:` …) is shown as text only.
pub fn safe_url(url: &str) -> bool {
    let url = url.trim().to_ascii_lowercase();
    url.starts_with("https://")
        || url.starts_with("http://")
        || (url.starts_with('/') && !url.starts_with("//") && !url.starts_with("/\\"))
}

/// Puts a script into the reply draft: as is when the draft is empty, else after a space.
pub fn insert_script(draft: &str, script: &str) -> String {
    let draft = draft.trim_end();
    if draft.is_empty() {
        script.to_owned()
    } else {
        format!("{draft} {script}")
    }
}

/// A client message id: time, a random part and a counter, so retries keep it and two tabs
/// never share it.
pub fn client_id(now: Millis, random: f64, counter: u64) -> String {
    // Truncation intended: 32 random bits are plenty next to the time and the counter.
    let random = (random.clamp(0.0, 1.0) * f64::from(u32::MAX)) as u32;
    format!("a{now:x}-{random:08x}-{counter}")
}

#[cfg(test)]
mod tests;
