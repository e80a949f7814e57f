//! `--svg FILE`: the day as a chart, minute by minute. Top: items waiting
//! for an agent. Bottom: agents in each presence.

use plotters::prelude::*;

use crate::world::Samples;

/// A colour per presence name; anything else is grey.
fn colour(presence: &str) -> RGBColor {
    match presence {
        "Available" => RGBColor(46, 160, 67),
        "Busy" => RGBColor(230, 145, 30),
        "Busy - DND" => RGBColor(200, 40, 40),
        "Away" => RGBColor(90, 120, 200),
        "Inactive" => RGBColor(150, 70, 190),
        "Offline" => RGBColor(60, 60, 60),
        _ => RGBColor(150, 150, 150),
    }
}

/// Writes the chart of `samples` to `path` as SVG.
///
/// # Errors
/// A message when the file cannot be drawn or written.
pub(crate) fn write_svg(
    path: &str,
    samples: &Samples,
    title: &str,
    day_hours: f64,
) -> Result<(), String> {
    draw(path, samples, title, day_hours).map_err(|e| format!("{path}: {e}"))
}

fn draw(
    path: &str,
    samples: &Samples,
    title: &str,
    day_hours: f64,
) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::new(path, (1000, 720)).into_drawing_area();
    root.fill(&WHITE)?;
    let root = root.titled(title, ("sans-serif", 22))?;
    let (top, bottom) = root.split_vertically(300);
    let x_max = samples
        .hours
        .last()
        .copied()
        .unwrap_or(day_hours)
        .max(day_hours);
    let font = ("sans-serif", 15);

    let waiting_max = samples.waiting.iter().copied().max().unwrap_or(0).max(5);
    let mut chart = ChartBuilder::on(&top)
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(56)
        .build_cartesian_2d(0.0..x_max, 0.0..f64::from(waiting_max) * 1.1)?;
    chart
        .configure_mesh()
        .x_desc("hours since the start of the day")
        .y_desc("items waiting")
        .axis_desc_style(font)
        .x_label_formatter(&|h| format!("{h:.0}"))
        .y_label_formatter(&|n| format!("{n:.0}"))
        .draw()?;
    let blue = RGBColor(30, 90, 200);
    chart
        .draw_series(LineSeries::new(
            samples
                .hours
                .iter()
                .zip(&samples.waiting)
                .map(|(&h, &n)| (h, f64::from(n))),
            blue.stroke_width(2),
        ))?
        .label("waiting for an agent (queued, offered, or assigned unseen)")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], blue.stroke_width(2)));
    day_end(&mut chart, day_hours, f64::from(waiting_max) * 1.1)?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(font)
        .draw()?;

    let agents_max = samples
        .agents
        .iter()
        .flat_map(|row| row.iter().copied())
        .max()
        .unwrap_or(0)
        .max(5);
    let mut chart = ChartBuilder::on(&bottom)
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(56)
        .build_cartesian_2d(0.0..x_max, 0.0..f64::from(agents_max) * 1.1)?;
    chart
        .configure_mesh()
        .x_desc("hours since the start of the day")
        .y_desc("agents")
        .axis_desc_style(font)
        .x_label_formatter(&|h| format!("{h:.0}"))
        .y_label_formatter(&|n| format!("{n:.0}"))
        .draw()?;
    for (p, name) in samples.presences.iter().enumerate() {
        let column = samples
            .agents
            .iter()
            .map(|row| row.get(p).copied().unwrap_or(0));
        if column.clone().all(|n| n == 0) {
            continue;
        }
        let c = colour(name);
        chart
            .draw_series(LineSeries::new(
                samples
                    .hours
                    .iter()
                    .zip(column)
                    .map(|(&h, n)| (h, f64::from(n))),
                c.stroke_width(2),
            ))?
            .label(name.as_str())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2)));
    }
    day_end(&mut chart, day_hours, f64::from(agents_max) * 1.1)?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperMiddle)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(font)
        .draw()?;
    root.present()?;
    Ok(())
}

type Chart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// A thin line where arrivals stop.
fn day_end(
    chart: &mut Chart<'_, '_>,
    day_hours: f64,
    y_max: f64,
) -> Result<(), Box<dyn std::error::Error>> {
    let grey = RGBColor(120, 120, 120);
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(day_hours, 0.0), (day_hours, y_max)],
        grey.stroke_width(1),
    )))?;
    Ok(())
}
