//! The latency plot: p50 and p99 by rate, straight to the mock, through nginx and through the
//! gateway, as SVG.

use plotters::prelude::*;

/// One line of the plot: a label and a latency (ms) per rate.
pub struct Line {
    pub label: String,
    pub color: RGBColor,
    pub thick: bool,
    pub points: Vec<(u32, f64)>,
}

pub const DIRECT: RGBColor = RGBColor(0x7a, 0x86, 0x99);
pub const NGINX: RGBColor = RGBColor(0x2f, 0x9e, 0x8f);
pub const GATEWAY: RGBColor = RGBColor(0x4f, 0x6b, 0xed);

pub fn write(path: &str, rates: &[u32], lines: &[Line]) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::new(path, (760, 420)).into_drawing_area();
    root.fill(&WHITE)?;
    let top = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|(_, ms)| *ms))
        .filter(|ms| ms.is_finite())
        .fold(0.0f64, f64::max)
        // Head room above the highest line for the legend in the upper left corner.
        * 1.8;
    let index = |rate: u32| rates.iter().position(|&r| r == rate).unwrap_or(0) as f64;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Latency at fixed rates (p50 thick, p99 thin)",
            ("sans-serif", 18),
        )
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(56)
        .build_cartesian_2d(-0.3..(rates.len() as f64 - 0.7), 0.0..top.max(0.1))?;
    let rate_label = |x: &f64| {
        let i = x.round();
        if (x - i).abs() < 0.01 && i >= 0.0 {
            rates
                .get(i as usize)
                .map(|r| format!("{r}/s"))
                .unwrap_or_default()
        } else {
            String::new()
        }
    };
    chart
        .configure_mesh()
        .x_labels(rates.len() * 4)
        .x_label_formatter(&rate_label)
        .y_desc("ms")
        .x_desc("requests per second")
        .draw()?;
    for line in lines {
        let style = line.color.stroke_width(if line.thick { 3 } else { 1 });
        let points: Vec<(f64, f64)> = line.points.iter().map(|(r, ms)| (index(*r), *ms)).collect();
        let color = line.color;
        let thick = line.thick;
        chart
            .draw_series(LineSeries::new(points.clone(), style))?
            .label(line.label.clone())
            .legend(move |(x, y)| {
                PathElement::new(
                    vec![(x, y), (x + 16, y)],
                    color.stroke_width(if thick { 3 } else { 1 }),
                )
            });
        chart.draw_series(
            points
                .into_iter()
                .map(|p| Circle::new(p, 3, color.filled())),
        )?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.2))
        .draw()?;
    root.present()?;
    Ok(())
}
