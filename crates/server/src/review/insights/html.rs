//! The review report as one self-contained HTML page: inline CSS and SVG, no script, no
//! external request. Every chart has a table with the same figures; every text from the
//! config or the data is escaped.

use std::fmt::Write;

use super::svg::{self, IntervalRow, OUTCOME_COLOURS};
use super::{Durations, ExperimentReport, Figures, Rate, Report, TriggerReport, date};
use baton_flowchart::xml;

const STYLE: &str = "body{font:15px/1.5 system-ui,sans-serif;color:#1f2933;max-width:960px;margin:0 auto;padding:24px}\
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:32px 0 8px;border-bottom:1px solid #d0d7de}\
h3{font-size:16px;margin:20px 0 6px}table{border-collapse:collapse;width:100%;margin:8px 0}\
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #d0d7de;vertical-align:middle}\
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:12px;margin:12px 0;padding:0}\
.cards div{border:1px solid #d0d7de;border-radius:6px;padding:10px 12px}\
.cards dt{font-size:13px;color:#4a5560}.cards dd{margin:2px 0 0;font-size:22px;font-weight:600}\
.cards small{display:block;font-size:12px;font-weight:400;color:#4a5560}\
.legend{display:flex;gap:16px;list-style:none;padding:0;margin:4px 0;font-size:13px}\
.legend span{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px}\
.verdict{padding:8px 12px;border-left:4px solid #3b6fd4;background:#f3f6fb}\
.muted{color:#4a5560}";

/// The report as a page.
pub fn render(report: &Report) -> String {
    let mut out = String::with_capacity(32 * 1024);
    let title = format!("Baton review: {}", report.name);
    let _ = write!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body><main>\
         <h1>{}</h1><p class=\"muted\">Site <code>{}</code>, conversations that started \
         {} to {} (UTC). Each figure is defined in Baton's <code>docs/metrics.md</code>.</p>",
        xml(&title),
        xml(&title),
        xml(&report.site),
        date(report.window.since),
        date(report.window.until.saturating_sub(1)),
    );
    alerts(&mut out, report);
    overview(&mut out, &report.overview);
    days(&mut out, report);
    triggers(&mut out, &report.triggers);
    for (i, experiment) in report.experiments.iter().enumerate() {
        self::experiment(&mut out, i, experiment);
    }
    if report.experiments.is_empty() {
        out.push_str("<h2>Experiments</h2><p>The config runs no experiments.</p>");
    }
    out.push_str("</main></body></html>\n");
    out
}

fn alerts(out: &mut String, report: &Report) {
    out.push_str("<h2>Drift alerts</h2>");
    if report.alerts.is_empty() {
        out.push_str("<p>No trigger fired unusually often or rarely in this period.</p>");
        return;
    }
    out.push_str(
        "<table><thead><tr><th scope=\"col\">Trigger</th><th scope=\"col\">Drift</th>\
         <th scope=\"col\">Since</th><th scope=\"col\">Latest day</th><th scope=\"col\" class=\"n\">Fired in</th>\
         <th scope=\"col\" class=\"n\">Expected</th><th scope=\"col\" class=\"n\">p</th><th scope=\"col\">Status</th></tr></thead><tbody>",
    );
    for a in &report.alerts {
        let drift = match a.direction {
            crate::store::Direction::TooOften => "too often",
            crate::store::Direction::TooRarely => "too rarely",
        };
        let status = a
            .closed_day
            .map_or("open".to_owned(), |d| format!("closed {}", date(d)));
        let _ = write!(
            out,
            "<tr><th scope=\"row\"><code>{}</code></th><td>{drift}</td><td>{}</td><td>{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{:.1}</td><td class=\"n\">{:.1e}</td><td>{status}</td></tr>",
            xml(&a.trigger),
            date(a.opened_day),
            date(a.last_day),
            a.observed,
            a.expected,
            a.p
        );
    }
    out.push_str("</tbody></table>");
}

fn overview(out: &mut String, f: &Figures) {
    out.push_str("<h2>Overview</h2><dl class=\"cards\">");
    let csat = match f.csat.mean {
        Some(mean) => format!("{mean:.2} / 5"),
        None => "–".into(),
    };
    let cards = [
        (
            "Conversations",
            f.conversations.to_string(),
            format!("{} finished", f.outcomes.finished()),
        ),
        (
            "CSAT",
            csat,
            format!(
                "{} ratings ({} after the bot alone), {} satisfied",
                f.csat.ratings,
                f.csat.from_bot,
                percent(&f.csat.satisfied)
            ),
        ),
        (
            "Escalation rate",
            percent(&f.escalation_rate),
            counts(&f.escalation_rate),
        ),
        (
            "Escalation success",
            percent(&f.escalation_success_rate),
            counts(&f.escalation_success_rate),
        ),
        (
            "Bot resolution rate",
            percent(&f.bot_resolution_rate),
            counts(&f.bot_resolution_rate),
        ),
        (
            "Repeat contacts (7 days)",
            percent(&f.repeat_contacts),
            counts(&f.repeat_contacts),
        ),
        (
            "First human reply, median",
            duration(f.first_reply.median_ms),
            spread(&f.first_reply),
        ),
        (
            "Resolution time, median",
            duration(f.resolution.median_ms),
            spread(&f.resolution),
        ),
    ];
    for (label, value, detail) in cards {
        let _ = write!(
            out,
            "<div><dt>{label}</dt><dd>{}<small>{}</small></dd></div>",
            xml(&value),
            xml(&detail)
        );
    }
    out.push_str("</dl>");
    let rows = [
        ("Escalation rate", &f.escalation_rate),
        ("Escalation success", &f.escalation_success_rate),
        ("Bot resolution rate", &f.bot_resolution_rate),
        ("Repeat contacts", &f.repeat_contacts),
        ("CSAT 4–5", &f.csat.satisfied),
    ]
    .map(|(label, r)| IntervalRow {
        label,
        value: r.value,
        low: r.low,
        high: r.high,
    });
    out.push_str(&svg::intervals("rates", "Rates with 95% intervals", &rows));
}

fn days(out: &mut String, report: &Report) {
    out.push_str("<h2>Conversations per day</h2><ul class=\"legend\">");
    for (name, colour) in OUTCOME_COLOURS {
        let _ = write!(
            out,
            "<li><span style=\"background:{colour}\"></span>{name}</li>"
        );
    }
    out.push_str("</ul>");
    out.push_str(&svg::outcomes_by_day("days", &report.days));
    out.push_str(
        "<details><summary>The figures per day</summary><table><thead><tr><th scope=\"col\">Day</th>\
         <th scope=\"col\" class=\"n\">Escalated</th><th scope=\"col\" class=\"n\">Resolved</th>\
         <th scope=\"col\" class=\"n\">Abandoned</th><th scope=\"col\" class=\"n\">Open</th></tr></thead><tbody>",
    );
    for day in &report.days {
        let o = &day.outcomes;
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            xml(&day.date),
            o.escalated,
            o.resolved,
            o.abandoned,
            o.open
        );
    }
    out.push_str("</tbody></table></details>");
}

fn triggers(out: &mut String, triggers: &[TriggerReport]) {
    out.push_str(
        "<h2>Triggers</h2><table><thead><tr><th scope=\"col\">Trigger</th>\
         <th scope=\"col\" class=\"n\">Fired in</th><th scope=\"col\" class=\"n\">Escalations</th>\
         <th scope=\"col\" class=\"n\">Needless</th><th scope=\"col\" class=\"n\">Too late</th>\
         <th scope=\"col\" class=\"n\">Precision</th><th scope=\"col\" class=\"n\">Sentiment at fire</th>\
         <th scope=\"col\">Per day</th></tr></thead><tbody>",
    );
    for (i, t) in triggers.iter().enumerate() {
        let note = if t.configured {
            ""
        } else {
            " <small class=\"muted\">(not in this config)</small>"
        };
        let _ = write!(
            out,
            "<tr><th scope=\"row\"><code>{}</code>{note}</th><td class=\"n\">{} ({})</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td>{}</td></tr>",
            xml(&t.id),
            t.fire_rate.count,
            percent(&t.fire_rate),
            t.escalations,
            t.needless,
            t.too_late,
            percent(&t.precision),
            t.sentiment_at_fire
                .map_or("–".into(), |s| format!("{s:+.2}")),
            svg::sparkline(&format!("spark-{i}"), &t.id, &t.daily),
        );
    }
    if triggers.is_empty() {
        out.push_str("<tr><td colspan=\"8\">The config has no triggers.</td></tr>");
    }
    out.push_str("</tbody></table>");
}

fn experiment(out: &mut String, index: usize, e: &ExperimentReport) {
    let _ = write!(out, "<h2>Experiment <code>{}</code></h2>", xml(&e.id));
    if let Some(description) = &e.description {
        let _ = write!(out, "<p>{}</p>", xml(description));
    }
    let _ = write!(
        out,
        "<p class=\"verdict\"><strong>{}</strong> <span class=\"muted\">Metric: {}; test: {}.</span></p>",
        xml(&e.verdict.summary),
        xml(&e.verdict.metric),
        xml(&e.verdict.test)
    );
    let labels: Vec<String> = e
        .variants
        .iter()
        .map(|v| format!("{} ({}%)", v.id, v.weight))
        .collect();
    let rows: Vec<IntervalRow<'_>> = e
        .variants
        .iter()
        .zip(&labels)
        .map(|(v, label)| IntervalRow {
            label,
            value: v.figures.escalation_rate.value,
            low: v.figures.escalation_rate.low,
            high: v.figures.escalation_rate.high,
        })
        .collect();
    out.push_str(&svg::intervals(
        &format!("experiment-{index}"),
        &format!("Escalation rate per variant of {}", e.id),
        &rows,
    ));
    out.push_str(
        "<table><thead><tr><th scope=\"col\">Variant</th><th scope=\"col\" class=\"n\">Conversations</th>\
         <th scope=\"col\" class=\"n\">Escalation rate (95% CI)</th><th scope=\"col\" class=\"n\">Bot resolution</th>\
         <th scope=\"col\" class=\"n\">CSAT (95% CI)</th><th scope=\"col\" class=\"n\">First reply, median</th></tr></thead><tbody>",
    );
    for v in &e.variants {
        let f = &v.figures;
        let csat = match (f.csat.mean, f.csat.low, f.csat.high) {
            (Some(m), Some(lo), Some(hi)) => format!("{m:.2} ({lo:.2}–{hi:.2})"),
            (Some(m), _, _) => format!("{m:.2}"),
            _ => "–".into(),
        };
        let _ = write!(
            out,
            "<tr><th scope=\"row\"><code>{}</code></th><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            xml(&v.id),
            f.conversations,
            with_interval(&f.escalation_rate),
            percent(&f.bot_resolution_rate),
            csat,
            duration(f.first_reply.median_ms)
        );
    }
    out.push_str("</tbody></table>");
}

/// `12.5%`, or `–` without data.
pub fn percent(rate: &Rate) -> String {
    rate.value
        .map_or("–".into(), |v| format!("{:.1}%", v * 100.0))
}

fn counts(rate: &Rate) -> String {
    format!("{} of {}", rate.count, rate.of)
}

fn with_interval(rate: &Rate) -> String {
    match (rate.value, rate.low, rate.high) {
        (Some(v), Some(lo), Some(hi)) => {
            format!("{:.1}% ({:.1}–{:.1}%)", v * 100.0, lo * 100.0, hi * 100.0)
        }
        _ => "–".into(),
    }
}

fn spread(d: &Durations) -> String {
    format!(
        "{} tickets, 90th percentile {}",
        d.count,
        duration(d.p90_ms)
    )
}

/// `850 ms`, `42 s`, `4 min 12 s`, `3 h 5 min`, or `–`.
pub fn duration(ms: Option<u64>) -> String {
    let Some(ms) = ms else { return "–".into() };
    let s = ms / 1000;
    match s {
        0 => format!("{ms} ms"),
        1..60 => format!("{s} s"),
        60..3600 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{} h {} min", s / 3600, s % 3600 / 60),
    }
}
