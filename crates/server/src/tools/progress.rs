//! A progress bar for long commands, on standard error: redrawn in place on a terminal,
//! one line per tenth otherwise (logs and CI stay readable).

use std::io::{IsTerminal, Write};

/// Progress of `done` out of `total` things.
pub struct Bar<'a> {
    what: &'static str,
    out: &'a mut dyn Write,
    terminal: bool,
    shown: Option<usize>,
}

impl<'a> Bar<'a> {
    /// A bar labelled `what` ("replaying") writing to `out`.
    pub fn new(what: &'static str, out: &'a mut dyn Write) -> Bar<'a> {
        Bar {
            what,
            out,
            terminal: std::io::stderr().is_terminal(),
            shown: None,
        }
    }

    /// Shows `done` of `total` if the picture changed (a whole percent on a terminal, a
    /// tenth otherwise).
    pub fn update(&mut self, done: usize, total: usize) {
        let percent = (done * 100).checked_div(total).unwrap_or(100);
        let step = if self.terminal {
            percent
        } else {
            percent / 10 * 10
        };
        if self.shown == Some(step) {
            return;
        }
        self.shown = Some(step);
        let filled = percent / 4;
        let bar = format!(
            "[{}{}]",
            "#".repeat(filled),
            ".".repeat(25 - filled.min(25))
        );
        // Progress is a courtesy: a closed stderr must not stop the work.
        let _ = if self.terminal {
            write!(
                self.out,
                "\r{} {bar} {done}/{total} ({percent}%)",
                self.what
            )
        } else {
            writeln!(self.out, "{} {bar} {done}/{total} ({percent}%)", self.what)
        };
        let _ = self.out.flush();
    }

    /// Ends the bar's line on a terminal.
    pub fn finish(self) {
        if self.terminal && self.shown.is_some() {
            let _ = writeln!(self.out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_a_terminal_it_writes_a_line_per_tenth() {
        let mut out = Vec::new();
        let mut bar = Bar::new("replaying", &mut out);
        bar.terminal = false;
        for done in 1..=200 {
            bar.update(done, 200);
        }
        bar.finish();
        let text = String::from_utf8(out).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 11, "0% to 100% by tenths: {text}");
        assert_eq!(
            lines[10],
            "replaying [#########################] 200/200 (100%)"
        );
    }
}
