//! A bar chart of counts per day, drawn as SVG on the server.

use chrono::NaiveDate;
use maud::{html, Markup};
use serde::Serialize;

/// How many of something happened on one UTC day.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct DayCount {
    /// The day.
    pub day: NaiveDate,
    /// How many.
    pub count: i64,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 120.0;
const AXIS: f64 = 18.0;

/// One bar per day from the first to the last day given, empty days included.
pub fn per_day(label: &str, days: &[DayCount]) -> Markup {
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return html! { p.empty { "Nothing to chart yet." } };
    };
    let span = (last.day - first.day).num_days().max(0) as usize + 1;
    let max = days.iter().map(|d| d.count).max().unwrap_or(1).max(1);
    let slot = WIDTH / span as f64;
    let bar = (slot * 0.8).max(1.0);
    let plot = HEIGHT - AXIS;
    html! {
        figure.chart {
            svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (WIDTH) " " (HEIGHT) }
                width=(WIDTH) height=(HEIGHT) role="img" aria-label=(label) {
                title { (label) }
                line x1="0" y1=(plot) x2=(WIDTH) y2=(plot) class="axis" {}
                @for d in days {
                    @let i = (d.day - first.day).num_days() as f64;
                    @let h = (d.count as f64 / max as f64 * (plot - 4.0)).max(1.0);
                    rect x=(format!("{:.1}", i * slot)) y=(format!("{:.1}", plot - h))
                        width=(format!("{bar:.1}")) height=(format!("{h:.1}")) {
                        title { (d.day) ": " (d.count) }
                    }
                }
                text x="0" y=(HEIGHT - 4.0) { (first.day) }
                text x=(WIDTH) y=(HEIGHT - 4.0) text-anchor="end" { (last.day) }
                text x=(WIDTH) y="10" text-anchor="end" { "max " (max) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_bar_per_day_with_counts_in_titles() {
        let d = |day, count| DayCount {
            day: NaiveDate::from_ymd_opt(2026, 3, day).unwrap(),
            count,
        };
        let svg = per_day("quotes <per> day", &[d(1, 2), d(4, 5)]).into_string();
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("2026-03-04: 5"));
        assert!(svg.contains("quotes &lt;per&gt; day"));
        assert!(per_day("x", &[]).into_string().contains("Nothing"));
    }
}
