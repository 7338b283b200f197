//! Text helpers: cleaning user-authored strings, truncating, wrapping, estimating widths and
//! XML escaping.
//!
//! There is no font engine here, so widths are estimates. They err on the wide side (tuned to
//! DejaVu Sans, wider than most system UI fonts) so boxes may be a little roomy but text never
//! spills out of its node.

/// The ellipsis appended to shortened text.
pub(super) const ELLIPSIS: char = '\u{2026}';

/// Collapses every whitespace run to one space and drops control characters, which XML 1.0
/// cannot carry even when escaped.
pub(super) fn clean(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut pending_space = false;
    for c in raw.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else if !is_xml_illegal(c) {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Characters XML 1.0 forbids outright (whitespace controls are handled by [`clean`]).
fn is_xml_illegal(c: char) -> bool {
    c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}'
}

/// Cleans `raw` and shortens it to at most `max` characters, ending in "…" when cut.
pub(super) fn truncate(raw: &str, max: usize) -> String {
    let cleaned = clean(raw);
    if cleaned.chars().count() <= max {
        return cleaned;
    }
    let mut cut: String = cleaned.chars().take(max.saturating_sub(1)).collect();
    // Prefer ending on a word boundary when one is close, so "It starts with…" not "wit…".
    if let Some(space) = cut.rfind(' ')
        && cut.len() - space <= 10
    {
        cut.truncate(space);
    }
    cut.truncate(cut.trim_end().len());
    cut.push(ELLIPSIS);
    cut
}

/// Greedy word wrap into at most `max_lines` lines of about `width` characters; words longer
/// than a line are split, and anything that does not fit ends the last line with "…".
pub(super) fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let width = width.max(2);
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut rest: Vec<char> = word.chars().collect();
        while !rest.is_empty() {
            let used = current.chars().count();
            let gap = usize::from(used > 0);
            if used + gap + rest.len() <= width {
                if gap == 1 {
                    current.push(' ');
                }
                current.extend(rest.drain(..));
            } else if used > 0 {
                lines.push(std::mem::take(&mut current));
            } else {
                // A word longer than a whole line: hard-split it.
                current.extend(rest.drain(..width.min(rest.len())));
                lines.push(std::mem::take(&mut current));
            }
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            let mut kept: String = last.chars().take(width.saturating_sub(1)).collect();
            kept.truncate(kept.trim_end().len());
            kept.push(ELLIPSIS);
            *last = kept;
        }
    }
    lines
}

/// Estimated advance width of `text` in pixels at `size` px.
pub(super) fn width(text: &str, size: f64, bold: bool) -> f64 {
    let ems: f64 = text.chars().map(char_ems).sum();
    let weight = if bold { 1.1 } else { 1.0 };
    ems * size * weight
}

/// Rough per-character width in ems, by class of character.
fn char_ems(c: char) -> f64 {
    match c {
        'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | ' ' => 0.32,
        'f' | 't' | 'r' | '(' | ')' | '[' | ']' | '/' | '-' => 0.42,
        'm' | 'w' | 'M' | 'W' | '@' | '%' => 0.9,
        'A'..='Z' | '&' => 0.72,
        // East Asian scripts, emoji and other wide symbols take a full em.
        c if u32::from(c) >= 0x2E80 => 1.05,
        _ => 0.62,
    }
}

/// Escapes the five XML special characters (and drops characters XML cannot carry), so
/// user-authored text can never open a tag or break out of an attribute.
pub fn xml(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' => out.push(' '),
            c if is_xml_illegal(c) => {}
            c => out.push(c),
        }
    }
    out
}
