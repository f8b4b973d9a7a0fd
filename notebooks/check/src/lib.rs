//! The check that keeps the notebooks in `notebooks/` from rotting.
//!
//! Running the real Jupyter kernel (evcxr) takes minutes per notebook, too slow for every change.
//! Instead the build script turns each notebook's code cells into one Rust test
//! ([`generate`]), compiled against the same `mle` crate and run by `cargo test`: a cell that
//! no longer compiles, panics or returns an error fails the test of its notebook. This library
//! holds what those tests call: a marker naming the cell being run and the display of a cell's
//! final value, as the kernel shows it.
//!
//! `notebooks/run-kernel` executes the notebooks in the real kernel and saves their outputs.

use std::fmt::Debug;

pub mod generate;

/// Runs a notebook's cells in its folder, as the kernel does (relative paths such as
/// `../data/iris.csv` then mean the same thing).
///
/// # Panics
/// When the folder cannot be entered: the notebook could not run either.
pub fn enter(dir: &str) {
    if let Err(e) = std::env::set_current_dir(dir) {
        panic!("cannot run the notebooks in {dir}: {e}");
    }
}

/// Marks the start of a code cell in the test's output (shown when the test fails).
pub fn cell(notebook: &str, k: usize) {
    println!("--- {notebook}, code cell {k}");
}

/// Compiles only for values the kernel can keep from one cell to the next: nothing that holds a
/// non-`'static` reference.
pub fn persisted<T: 'static>(_value: &T) {}

/// A cell's final value, waiting to be displayed.
pub struct Shown<'a, T>(pub &'a T);

/// How the kernel shows a chart: as SVG (through [`mle::plot::Chart::evcxr_display`]). Here
/// the SVG must render; its size is printed instead of its text.
pub trait ShowChart {
    /// The value as the test prints it.
    fn show(&self) -> String;
}

impl ShowChart for Shown<'_, mle::plot::Chart> {
    fn show(&self) -> String {
        match self.0.to_svg() {
            Ok(svg) => format!("[chart: {} bytes of SVG]", svg.len()),
            Err(e) => panic!("the chart does not render: {e}"),
        }
    }
}

/// How the kernel shows any other value: with `Debug`. Implemented one reference deeper than
/// [`ShowChart`], so a chart's own display wins (method lookup tries `&Shown` before `&&Shown`).
pub trait ShowDebug {
    /// The value as the test prints it.
    fn show(&self) -> String;
}

impl<T: Debug> ShowDebug for &Shown<'_, T> {
    fn show(&self) -> String {
        format!("{:?}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::generate::{code_cells, notebook_test, source, strip_commands};

    fn notebook(cells: &[&str]) -> String {
        let cells: Vec<serde_json::Value> = cells
            .iter()
            .map(|c| serde_json::json!({"cell_type": "code", "source": c.split_inclusive('\n').collect::<Vec<_>>(), "metadata": {}, "outputs": []}))
            .chain([serde_json::json!({"cell_type": "markdown", "source": "# text", "metadata": {}})])
            .collect();
        serde_json::json!({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
            .to_string()
    }

    fn generated(cells: &[&str]) -> String {
        let cells = code_cells(&notebook(cells)).unwrap();
        let f = notebook_test("01_a-b.ipynb", "/nb", &cells).unwrap();
        source(vec![syn::Item::Fn(f)])
    }

    #[test]
    fn code_cells_in_order_and_no_markdown() {
        let cells = code_cells(&notebook(&["let a = 1;\nlet b = 2;", "a + b"])).unwrap();
        assert_eq!(cells, ["let a = 1;\nlet b = 2;", "a + b"]);
    }

    #[test]
    fn evcxr_commands_are_dropped_and_unknown_crates_refused() {
        let rust = strip_commands(":dep mle = { path = \"..\" }\n:timing\nlet x = 1;").unwrap();
        assert_eq!(rust.trim(), "let x = 1;");
        let err = strip_commands(":dep rand = \"0.9\"").unwrap_err();
        assert!(err.contains("`:dep rand`"), "{err}");
    }

    #[test]
    fn cells_share_one_scope_and_final_values_are_shown() {
        let code = generated(&["let a = 1;\nlet b = 2;\nprintln!(\"{a}\");", "a + b"]);
        assert!(code.contains("fn notebook_01_a_b()"), "{code}");
        // both cells in one function, each after its marker, in order
        let marks = [
            "cell(\"01_a-b.ipynb\", 1usize)",
            "let a = 1;",
            "cell(\"01_a-b.ipynb\", 2usize)",
        ];
        let at: Vec<usize> = marks.iter().map(|m| code.find(m).unwrap()).collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{code}");
        // statements stay as they are; the final expression is displayed
        assert!(code.contains("println!(\"{a}\");"), "{code}");
        assert!(
            code.contains("println!(\"{}\", (& ::mle_notebooks::Shown(& (a + b))).show());"),
            "{code}"
        );
        assert!(code.contains("::mle_notebooks::enter(\"/nb\")"), "{code}");
    }

    #[test]
    fn variables_are_checked_for_the_kernel() {
        let code = generated(&[
            "let (a, mut b) = (1, 2);\nlet _c = 4;\nlet e;\ne = 5;\nlet d = vec![a, e];\nd",
        ]);
        // each check right after its binding (before the value can move), the display last
        let order = [
            "let (a, mut b) = (1, 2);",
            "::mle_notebooks::persisted(&a);",
            "::mle_notebooks::persisted(&b);",
            "let _c = 4;",
            "let d = vec![a, e];",
            "::mle_notebooks::persisted(&d);",
            "Shown(& (d))",
        ];
        let at: Vec<usize> = order.iter().map(|m| code.find(m).expect(m)).collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{code}");
        assert!(!code.contains("persisted(&_c)"), "{code}");
        // a `let` without a value is left to the compiler (a check there would read it unset)
        assert!(!code.contains("persisted(&e)"), "{code}");
        let cells = code_cells(&notebook(&["let k = 2.0;\nlet f = move |x: f64| x * k;"])).unwrap();
        let Err(err) = notebook_test("x.ipynb", "/nb", &cells) else {
            panic!("a closure kept across cells was accepted")
        };
        assert!(err.contains("closure"), "{err}");
    }

    #[test]
    fn a_cell_that_does_not_parse_is_named() {
        let cells = code_cells(&notebook(&["let a = 1;", "let = ;"])).unwrap();
        let Err(err) = notebook_test("x.ipynb", "/nb", &cells) else {
            panic!("a cell that does not parse was accepted")
        };
        assert!(err.starts_with("x.ipynb, code cell 2: "), "{err}");
    }

    #[test]
    fn text_that_is_not_a_notebook_is_refused() {
        assert!(
            code_cells("{\"a\": 1}")
                .unwrap_err()
                .contains("not a Jupyter notebook")
        );
        assert!(code_cells("nope").unwrap_err().contains("not JSON"));
    }

    #[test]
    // `(&Shown(&v)).show()` is the generated code's form: the borrow picks the display
    #[allow(clippy::needless_borrow)]
    fn charts_render_and_other_values_debug_print() {
        use super::{ShowChart as _, ShowDebug as _, Shown};
        let chart = mle::plot::Chart::new("t", "x", "y")
            .series(mle::plot::Series::line("l", vec![(0.0, 0.0), (1.0, 1.0)]));
        let shown = (&Shown(&chart)).show();
        assert!(
            shown.starts_with("[chart: ") && shown.ends_with(" bytes of SVG]"),
            "{shown}"
        );
        assert_eq!((&Shown(&(1 + 2))).show(), "3");
        assert_eq!((&Shown(&Some("a"))).show(), "Some(\"a\")");
    }
}
