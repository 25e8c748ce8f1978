//! The Usage page's charts, drawn with `plotters` into SVG on the server. The SVG is served
//! in the page's HTML, so charts show before (and without) the WASM bundle. Only numbers and
//! dates are drawn; series names (which users choose) go in the page's HTML legend.

use plotters::prelude::*;

/// Series colours, in order; calm, and readable on light and dark backgrounds.
pub const PALETTE: [&str; 6] = [
    "#4f6bed", "#2f9e8f", "#d9822b", "#b04fc4", "#c9455a", "#7a8699",
];
const SIZE: (u32, u32) = (720, 240);
/// Axis lines and labels: a mid grey that reads on both themes.
const AXIS: RGBColor = RGBColor(0x8a, 0x8f, 0x98);

type Failure = Box<dyn std::error::Error>;

/// A line per series over time; `hourly` picks the time labels.
pub fn lines(times: &[i64], series: &[(String, Vec<i64>)], hourly: bool) -> String {
    draw(|svg| {
        let root = SVGBackend::with_string(svg, SIZE).into_drawing_area();
        let first = times.first().copied().unwrap_or(0);
        let last = times.last().copied().unwrap_or(0).max(first + 1);
        let top = series
            .iter()
            .flat_map(|(_, values)| values.iter().copied())
            .max()
            .unwrap_or(0)
            .max(1);
        let mut chart = ChartBuilder::on(&root)
            .margin(8)
            .x_label_area_size(24)
            .y_label_area_size(52)
            .build_cartesian_2d(first..last, 0..top + top / 10 + 1)?;
        let label = |x: &i64| time_label(*x, hourly);
        let count = |y: &i64| compact(*y);
        chart
            .configure_mesh()
            .x_labels(6)
            .y_labels(5)
            .x_label_formatter(&label)
            .y_label_formatter(&count)
            .label_style(("sans-serif", 12).into_font().color(&AXIS))
            .axis_style(AXIS)
            .bold_line_style(AXIS.mix(0.2))
            .light_line_style(TRANSPARENT)
            .draw()?;
        for (i, (_, values)) in series.iter().enumerate() {
            let color = palette(i);
            let points = times.iter().copied().zip(values.iter().copied());
            chart.draw_series(LineSeries::new(points, color.stroke_width(2)))?;
        }
        root.present()?;
        Ok(())
    })
}

/// A bar per HTTP status: successes in the accent colour, client errors amber, server
/// errors red.
pub fn statuses(counts: &[(u16, i64)]) -> String {
    draw(|svg| {
        let root = SVGBackend::with_string(svg, (360, 180)).into_drawing_area();
        let top = counts.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
        let bars = counts.len().max(1) as f64;
        let mut chart = ChartBuilder::on(&root)
            .margin(8)
            .x_label_area_size(24)
            .y_label_area_size(52)
            .build_cartesian_2d(-0.5..bars - 0.5, 0..top + top / 10 + 1)?;
        let label = |x: &f64| {
            let index = x.round();
            if (x - index).abs() > 0.01 || index < 0.0 {
                return String::new();
            }
            counts
                .get(index as usize)
                .map(|(status, _)| status.to_string())
                .unwrap_or_default()
        };
        let count = |y: &i64| compact(*y);
        chart
            .configure_mesh()
            .x_labels(counts.len().max(1) * 2 + 1)
            .y_labels(4)
            .x_label_formatter(&label)
            .y_label_formatter(&count)
            .label_style(("sans-serif", 12).into_font().color(&AXIS))
            .axis_style(AXIS)
            .bold_line_style(AXIS.mix(0.2))
            .light_line_style(TRANSPARENT)
            .disable_x_mesh()
            .draw()?;
        chart.draw_series(counts.iter().enumerate().map(|(i, (status, n))| {
            let color = match status {
                0..=399 => palette(0),
                400..=499 => palette(2),
                _ => palette(4),
            };
            let x = i as f64;
            Rectangle::new([(x - 0.3, 0), (x + 0.3, *n)], color.filled())
        }))?;
        root.present()?;
        Ok(())
    })
}

fn draw(paint: impl FnOnce(&mut String) -> Result<(), Failure>) -> String {
    let mut svg = String::new();
    match paint(&mut svg) {
        Ok(()) => svg,
        Err(err) => {
            tracing::warn!(error = %err, "could not draw a usage chart");
            String::new()
        }
    }
}

fn palette(index: usize) -> RGBColor {
    let hex = PALETTE[index % PALETTE.len()];
    let channel = |at: usize| u8::from_str_radix(&hex[at..at + 2], 16).unwrap_or(0x80);
    RGBColor(channel(1), channel(3), channel(5))
}

/// "14:00" for hourly buckets, "Mar 5" for daily ones (UTC).
fn time_label(ms: i64, hourly: bool) -> String {
    let days = ms.div_euclid(86_400_000);
    let (_, month, day) = civil_from_days(days);
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS[(month - 1) as usize % 12];
    if hourly {
        let hour = ms.rem_euclid(86_400_000) / 3_600_000;
        if hour == 0 {
            format!("{month} {day}")
        } else {
            format!("{hour:02}:00")
        }
    } else {
        format!("{month} {day}")
    }
}

/// 1234 → "1.2k", 5600000 → "5.6M".
fn compact(n: i64) -> String {
    if n < 1_000 {
        n.to_string()
    } else if n < 1_000_000 {
        format!("{:.1}k", n as f64 / 1e3)
    } else {
        format!("{:.1}M", n as f64 / 1e6)
    }
}

/// Year, month (1–12) and day of the month of a day count since 1970-01-01 (proleptic
/// Gregorian calendar; the well-known era-based conversion).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_hours_are_labelled_in_utc() {
        // 2026-12-03T14:00:00Z
        let ms = 1_796_306_400_000;
        assert_eq!(civil_from_days(ms / 86_400_000), (2026, 12, 3));
        assert_eq!(time_label(ms, true), "14:00");
        assert_eq!(time_label(ms, false), "Dec 3");
        assert_eq!(civil_from_days(0), (1970, 1, 1));
    }

    #[test]
    fn charts_are_svg() {
        let times: Vec<i64> = (0..24).map(|h| h * 3_600_000).collect();
        let series = vec![("m".to_owned(), vec![3; 24])];
        let svg = lines(&times, &series, true);
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("<polyline") || svg.contains("<path"));
        let bars = statuses(&[(200, 10), (429, 2)]);
        assert!(bars.contains("429") && bars.contains("<rect"));
    }
}
