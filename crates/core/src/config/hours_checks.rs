//! Business-hours checks behind [`super::compile_raw`].

use super::compile::Compiler;
use super::path::JsonPath;
use super::raw;
use crate::hours::{DAYS, Hours, Window, parse_clock, parse_offset};

impl Compiler {
    pub(crate) fn hours(&mut self, raw: Option<&raw::RawHours>, path: &JsonPath) -> Hours {
        let Some(raw) = raw else {
            return Hours::default();
        };
        let offset = raw.utc_offset.as_deref().unwrap_or("+00:00");
        let offset_minutes = parse_offset(offset).unwrap_or_else(|| {
            self.problem(
                path.key("utc_offset"),
                format!("`{offset}` is not an offset: use `+HH:MM` or `-HH:MM`, at most 14:00"),
            );
            0
        });
        if raw.open.is_empty() {
            self.problem(
                path.key("open"),
                "give at least one window, or leave `hours` out to be always open",
            );
        }
        let mut windows = Vec::new();
        for (i, w) in raw.open.iter().enumerate() {
            let at = path.key("open").index(i);
            let mut days = Vec::new();
            for (j, day) in w.days.iter().enumerate() {
                match DAYS.iter().position(|d| d == day) {
                    Some(d) => days.push(d as u8),
                    None => self.problem(
                        at.key("days").index(j),
                        format!("`{day}` is not a day: use mon, tue, wed, thu, fri, sat, sun"),
                    ),
                }
            }
            if w.days.is_empty() {
                self.problem(at.key("days"), "the list is empty: give at least one day");
            }
            let (from, to) = (parse_clock(&w.from), parse_clock(&w.to));
            if from.is_none() {
                self.problem(
                    at.key("from"),
                    format!("`{}` is not a time: use `HH:MM`", w.from),
                );
            }
            if to.is_none() {
                self.problem(
                    at.key("to"),
                    format!("`{}` is not a time: use `HH:MM`", w.to),
                );
            }
            if let (Some(from), Some(to)) = (from, to) {
                if from >= to {
                    self.problem(
                        at.key("to"),
                        format!(
                            "closes at {} but opens at {}: `to` must be later",
                            w.to, w.from
                        ),
                    );
                }
                windows.push(Window { days, from, to });
            }
        }
        Hours {
            offset_minutes,
            windows,
        }
    }
}
