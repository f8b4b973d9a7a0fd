//! Pictures of fits as SVG files, drawn with plotters: curves, points and the paths of
//! optimizers over a shaded log-likelihood surface.
//!
//! One [`Chart`] type serves every picture the examples and the command line draw: a title, axis
//! labels, any number of [`Series`] (lines or points) and, optionally, a [`Surface`] shaded in
//! bands behind them (the contours of a two-parameter log-likelihood).
//!
//! # Examples
//! ```
//! use mle::plot::{Chart, Series};
//! let curve: Vec<(f64, f64)> = (1..100).map(|i| {
//!     let p = i as f64 / 100.0;
//!     (p, 55.0 * p.ln() + 45.0 * (1.0 - p).ln())
//! }).collect();
//! let path = std::env::temp_dir().join("mle-doc-curve.svg");
//! Chart::new("log-likelihood of 55 heads in 100 flips", "p", "ℓ(p)")
//!     .series(Series::line("ℓ(p)", curve))
//!     .series(Series::points("p̂ = 0.55", vec![(0.55, 55.0 * 0.55f64.ln() + 45.0 * 0.45f64.ln())]))
//!     .save_svg(&path)
//!     .unwrap();
//! assert!(std::fs::read_to_string(&path).unwrap().starts_with("<svg"));
//! ```

use std::path::Path;

use plotters::prelude::*;

use crate::error::{MleError, Result};

/// Picture size in pixels.
const SIZE: (u32, u32) = (800, 520);
/// Shading bands of a surface.
const BANDS: usize = 12;
/// Colours of successive series.
const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(255, 127, 14),
    RGBColor(148, 103, 189),
    RGBColor(23, 23, 23),
];

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Joined by straight segments.
    Line,
    /// Separate dots.
    Points,
    /// Joined segments with a dot at every point (an optimizer's path).
    Path,
}

/// Named points drawn in one colour.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend entry.
    pub name: String,
    /// `(x, y)` pairs.
    pub points: Vec<(f64, f64)>,
    /// How to draw them.
    pub style: Style,
}

impl Series {
    /// A curve.
    pub fn line(name: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Self::new(name, points, Style::Line)
    }
    /// A scatter of points.
    pub fn points(name: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Self::new(name, points, Style::Points)
    }
    /// A path of iterates.
    pub fn path(name: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Self::new(name, points, Style::Path)
    }
    fn new(name: impl Into<String>, points: Vec<(f64, f64)>, style: Style) -> Self {
        Self {
            name: name.into(),
            points,
            style,
        }
    }
}

/// Values `z(x, y)` on a grid, shaded in bands behind the series: `z[j * x.len() + i]` is the
/// value at `(x[i], y[j])`.
#[derive(Debug, Clone, PartialEq)]
pub struct Surface {
    /// Grid coordinates along x, increasing.
    pub x: Vec<f64>,
    /// Grid coordinates along y, increasing.
    pub y: Vec<f64>,
    /// Values, row by row of y.
    pub z: Vec<f64>,
}

/// A chart to be written as SVG.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    title: String,
    x_label: String,
    y_label: String,
    series: Vec<Series>,
    surface: Option<Surface>,
}

impl Chart {
    /// An empty chart with its title and axis labels.
    pub fn new(
        title: impl Into<String>,
        x_label: impl Into<String>,
        y_label: impl Into<String>,
    ) -> Self {
        Self {
            title: title.into(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            series: Vec::new(),
            surface: None,
        }
    }

    /// Adds a series (colours follow the order of addition).
    #[must_use]
    pub fn series(mut self, series: Series) -> Self {
        self.series.push(series);
        self
    }

    /// Shades a surface behind the series; the axes then span the surface's grid.
    #[must_use]
    pub fn surface(mut self, surface: Surface) -> Self {
        self.surface = Some(surface);
        self
    }

    /// The axis ranges: the surface's grid, or every point with a 5% margin.
    fn ranges(&self) -> ((f64, f64), (f64, f64)) {
        if let Some(s) = &self.surface
            && let (Some(x0), Some(x1), Some(y0), Some(y1)) =
                (s.x.first(), s.x.last(), s.y.first(), s.y.last())
        {
            return ((*x0, *x1), (*y0, *y1));
        }
        let pts = self.series.iter().flat_map(|s| s.points.iter());
        let finite: Vec<&(f64, f64)> = pts
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .collect();
        let span = |vals: Vec<f64>| {
            let lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            if !lo.is_finite() {
                return (0.0, 1.0);
            }
            let pad = if hi > lo {
                0.05 * (hi - lo)
            } else {
                0.5 * lo.abs().max(1.0)
            };
            (lo - pad, hi + pad)
        };
        (
            span(finite.iter().map(|p| p.0).collect()),
            span(finite.iter().map(|p| p.1).collect()),
        )
    }

    /// The chart as an SVG document.
    ///
    /// # Errors
    /// [`MleError::Plot`] when plotters cannot draw it (the path it names is empty).
    pub fn to_svg(&self) -> Result<String> {
        self.render().map_err(|message| MleError::Plot {
            path: std::path::PathBuf::new(),
            message,
        })
    }

    /// Writes the chart to `path` as SVG.
    ///
    /// # Errors
    /// [`MleError::Plot`] naming the file when it cannot be drawn or written.
    pub fn save_svg(&self, path: impl AsRef<Path>) -> Result<()> {
        let path = path.as_ref();
        let plot_error = |message: String| MleError::Plot {
            path: path.to_path_buf(),
            message,
        };
        let svg = self.render().map_err(plot_error)?;
        crate::output::write_file(path, svg.as_bytes())
    }

    /// Shows the chart inline in a Jupyter notebook with the Rust kernel (evcxr calls this for a
    /// cell whose value is a `Chart`): prints the SVG between evcxr's content markers, or the
    /// error in its place.
    pub fn evcxr_display(&self) {
        match self.to_svg() {
            Ok(svg) => println!("EVCXR_BEGIN_CONTENT image/svg+xml\n{svg}\nEVCXR_END_CONTENT"),
            Err(e) => println!("{e}"),
        }
    }

    fn render(&self) -> std::result::Result<String, String> {
        let mut svg = String::new();
        self.draw(SVGBackend::with_string(&mut svg, SIZE))?;
        Ok(svg)
    }

    fn draw(&self, backend: SVGBackend<'_>) -> std::result::Result<(), String> {
        let text = |e: &dyn std::fmt::Display| e.to_string();
        let root = backend.into_drawing_area();
        root.fill(&WHITE).map_err(|e| text(&e))?;
        let ((x0, x1), (y0, y1)) = self.ranges();
        let mut chart = ChartBuilder::on(&root)
            .caption(&self.title, ("sans-serif", 22))
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(70)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(|e| text(&e))?;
        if let Some(s) = &self.surface {
            chart.draw_series(shading(s)).map_err(|e| text(&e))?;
        }
        chart
            .configure_mesh()
            .x_desc(self.x_label.as_str())
            .y_desc(self.y_label.as_str())
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(|e| text(&e))?;
        for (k, s) in self.series.iter().enumerate() {
            let color = PALETTE[k % PALETTE.len()];
            let pts: Vec<(f64, f64)> = s
                .points
                .iter()
                .copied()
                .filter(|(x, y)| x.is_finite() && y.is_finite())
                .collect();
            let legend = move |(x, y): (i32, i32)| {
                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(3))
            };
            match s.style {
                Style::Line => chart
                    .draw_series(LineSeries::new(pts, color.stroke_width(2)))
                    .map_err(|e| text(&e))?
                    .label(s.name.as_str())
                    .legend(legend),
                Style::Points => chart
                    .draw_series(pts.into_iter().map(|p| Circle::new(p, 4, color.filled())))
                    .map_err(|e| text(&e))?
                    .label(s.name.as_str())
                    .legend(legend),
                Style::Path => {
                    chart
                        .draw_series(pts.iter().map(|&p| Circle::new(p, 3, color.filled())))
                        .map_err(|e| text(&e))?;
                    chart
                        .draw_series(LineSeries::new(pts, color.stroke_width(2)))
                        .map_err(|e| text(&e))?
                        .label(s.name.as_str())
                        .legend(legend)
                }
            };
        }
        if !self.series.is_empty() {
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK)
                .position(SeriesLabelPosition::LowerRight)
                .draw()
                .map_err(|e| text(&e))?;
        }
        root.present().map_err(|e| text(&e))
    }
}

/// The profile-t picture of a fit: for each parameter the signed root of the likelihood-ratio
/// statistic against `δ`, the distance from the estimate in standard errors
/// ([`crate::profile::profile_curve`]), beside Wald's line `r = δ` and the levels `±z` where the
/// profile intervals end. Curves that bend away from the line are where Wald intervals mislead.
pub fn profile_chart(
    title: impl Into<String>,
    curves: &[(String, Vec<(f64, f64)>)],
    z: f64,
) -> Chart {
    let reach = curves
        .iter()
        .flat_map(|(_, c)| c.iter().map(|p| p.0.abs()))
        .fold(z + 1.0, f64::max);
    let mut chart = Chart::new(title, "δ = (u − û)/se", "signed root r").series(Series::line(
        "Wald: r = δ",
        vec![(-reach, -reach), (reach, reach)],
    ));
    for level in [-z, z] {
        chart = chart.series(Series::line(
            format!("r = {level:+.2}"),
            vec![(-reach, level), (reach, level)],
        ));
    }
    for (name, curve) in curves {
        chart = chart.series(Series::line(name.clone(), curve.clone()));
    }
    chart
}

/// The convergence trace of a fit: `log₁₀` of the gradient norm at every iteration (what
/// `mle fit --plot` draws). Observe the fit with a `Vec<Progress>` to collect `trace`.
pub fn convergence_chart(title: impl Into<String>, trace: &[crate::optim::Progress]) -> Chart {
    let points = trace
        .iter()
        .map(|p| {
            (
                p.iteration as f64,
                p.gradient_norm.max(f64::MIN_POSITIVE).log10(),
            )
        })
        .collect();
    Chart::new(title, "iteration", "log₁₀ ‖gradient‖").series(Series::path("‖∇ℓ‖", points))
}

/// One rectangle per grid cell, shaded by the band of its value (darker is higher).
fn shading(s: &Surface) -> Vec<Rectangle<(f64, f64)>> {
    let finite = s.z.iter().copied().filter(|z| z.is_finite());
    let lo = finite.clone().fold(f64::INFINITY, f64::min);
    let hi = finite.fold(f64::NEG_INFINITY, f64::max);
    let (nx, ny) = (s.x.len(), s.y.len());
    let mut cells = Vec::new();
    for j in 0..ny.saturating_sub(1) {
        for i in 0..nx.saturating_sub(1) {
            let z = s.z[j * nx + i];
            let band = if hi > lo && z.is_finite() {
                (((z - lo) / (hi - lo)) * BANDS as f64)
                    .floor()
                    .min(BANDS as f64 - 1.0)
            } else {
                0.0
            };
            let light = 0.95 - 0.45 * band / (BANDS - 1) as f64;
            let color = HSLColor(0.58, 0.45, light);
            cells.push(Rectangle::new(
                [(s.x[i], s.y[j]), (s.x[i + 1], s.y[j + 1])],
                color.filled(),
            ));
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_every_style_and_a_surface() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chart.svg");
        let grid: Vec<f64> = (0..=10).map(|i| f64::from(i) / 10.0).collect();
        let z = grid
            .iter()
            .flat_map(|y| {
                grid.iter()
                    .map(move |x| -(x - 0.5).powi(2) - (y - 0.5).powi(2))
            })
            .collect();
        Chart::new("t", "x", "y")
            .surface(Surface {
                x: grid.clone(),
                y: grid,
                z,
            })
            .series(Series::line("line", vec![(0.0, 0.0), (1.0, 1.0)]))
            .series(Series::points("points", vec![(0.5, 0.5)]))
            .series(Series::path(
                "path",
                vec![(0.1, 0.9), (0.4, 0.6), (0.5, 0.5)],
            ))
            .save_svg(&path)
            .unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        assert!(svg.contains("<svg") && svg.contains("path") && svg.contains("points"));
    }

    #[test]
    fn the_svg_text_is_what_the_file_holds() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chart.svg");
        let chart =
            Chart::new("t", "x", "y").series(Series::line("l", vec![(0.0, 1.0), (1.0, 2.0)]));
        chart.save_svg(&path).unwrap();
        let svg = chart.to_svg().unwrap();
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), svg);
    }

    #[test]
    fn an_unwritable_path_is_an_error_naming_it() {
        let err = Chart::new("t", "x", "y")
            .series(Series::line("l", vec![(0.0, 0.0), (1.0, 1.0)]))
            .save_svg("/no/such/dir/chart.svg")
            .unwrap_err()
            .to_string();
        assert!(err.contains("/no/such/dir/chart.svg"), "{err}");
    }
}
