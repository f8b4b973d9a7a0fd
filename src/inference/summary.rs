//! A human summary in the spirit of statsmodels' `summary()`: a header of fit statistics, then one
//! row per parameter.

use std::fmt;

use super::results::FitResult;

/// Formats an optional number right-aligned in width `w` (scientific when tiny or huge, `—`
/// when absent).
pub fn format_cell(v: Option<f64>, w: usize) -> String {
    match v {
        Some(x) if x != 0.0 && (x.abs() < 1e-4 || x.abs() >= 1e6) => format!("{x:>w$.3e}"),
        Some(x) => format!("{x:>w$.4}"),
        None => format!("{:>w$}", "—"),
    }
}

/// A title between two rules, centred in the 86 columns of every summary.
pub(crate) fn write_title(f: &mut fmt::Formatter<'_>, title: &str) -> fmt::Result {
    let rule = "=".repeat(86);
    let centred = format!("{title:^86}");
    writeln!(f, "{rule}\n{}\n{rule}", centred.trim_end())
}

/// One row of a parameter table.
pub(crate) struct TableRow<'a> {
    pub name: &'a str,
    pub estimate: f64,
    pub std_error: Option<f64>,
    pub statistic: Option<f64>,
    pub p_value: Option<f64>,
    pub ci: (Option<f64>, Option<f64>),
}

/// The parameter table shared by every summary: estimate, standard error, the test statistic
/// (`z` or `t`), its p-value and the interval at `level`.
pub(crate) fn write_table(
    f: &mut fmt::Formatter<'_>,
    statistic: &str,
    level: f64,
    rows: &[TableRow<'_>],
) -> fmt::Result {
    let lo = format!("[{:.3}", (1.0 - level) / 2.0);
    let hi = format!("{:.3}]", 0.5 + level / 2.0);
    let p_label = format!("P>|{statistic}|");
    writeln!(
        f,
        "{:<16}{:>12}{:>12}{:>10}{:>12}{:>12}{:>12}",
        "", "estimate", "std err", statistic, p_label, lo, hi
    )?;
    writeln!(f, "{}", "-".repeat(86))?;
    for r in rows {
        writeln!(
            f,
            "{:<16}{}{}{}{}{}{}",
            r.name,
            format_cell(Some(r.estimate), 12),
            format_cell(r.std_error, 12),
            r.statistic
                .map_or_else(|| format!("{:>10}", "—"), |z| format!("{z:>10.3}")),
            format_cell(r.p_value, 12),
            format_cell(r.ci.0, 12),
            format_cell(r.ci.1, 12),
        )?;
    }
    Ok(())
}

impl fmt::Display for FitResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.convergence;
        let rule = "=".repeat(86);
        write_title(f, &format!("Maximum likelihood fit: {}", self.model))?;
        let mut left = vec![
            ("Model:", self.model.clone()),
            ("Method:", format!("MLE ({})", c.optimizer)),
            ("No. observations:", self.n_obs.to_string()),
            ("Converged:", c.converged.to_string()),
            ("Iterations:", c.iterations.to_string()),
            ("Gradient:", self.gradient_method.describe().to_string()),
            ("Hessian:", self.hessian_method.describe().to_string()),
        ];
        if let Some(l) = self.l2_penalty {
            left.push(("L2 penalty λ:", format!("{l}")));
        }
        let mut right = vec![
            ("Log-likelihood:", format!("{:.4}", self.log_likelihood)),
            ("AIC:", format!("{:.4}", self.aic)),
            ("BIC:", format!("{:.4}", self.bic)),
        ];
        if let Some(v) = self.log_likelihood_null {
            right.push(("LL-Null:", format!("{v:.4}")));
        }
        if let (Some(s), Some(p)) = (self.llr, self.llr_p_value) {
            right.push(("LR statistic:", format!("{s:.4}")));
            right.push(("LLR p-value:", format!("{p:.4e}")));
        }
        if let Some(v) = self.pseudo_r2 {
            right.push(("Pseudo R² (McFadden):", format!("{v:.4}")));
        }
        right.push(("Gradient norm:", format!("{:.3e}", c.gradient_norm)));
        if let Some(s) = c.newton_step_in_se {
            right.push(("Newton step / se:", format!("{s:.1e}")));
        }
        for i in 0..left.len().max(right.len()) {
            let (a, b) = left.get(i).cloned().unwrap_or(("", String::new()));
            let (x, y) = right.get(i).cloned().unwrap_or(("", String::new()));
            writeln!(f, "{a:<20}{b:>22}   {x:<22}{y:>19}")?;
        }
        writeln!(f, "{}", "-".repeat(86))?;
        if self.separation.is_some() {
            writeln!(
                f,
                "The maximum does not exist: the numbers below are the optimizer's last iterate,\n\
                 not estimates."
            )?;
            writeln!(f, "{}", "-".repeat(86))?;
        }
        let rows: Vec<TableRow> = self
            .params
            .iter()
            .map(|p| TableRow {
                name: &p.name,
                estimate: p.estimate,
                std_error: p.std_error,
                statistic: p.z,
                p_value: p.p_value,
                ci: (p.ci_lower, p.ci_upper),
            })
            .collect();
        write_table(f, "z", self.level, &rows)?;
        writeln!(f, "{rule}")?;
        writeln!(f, "Stopped because {}.", c.reason.describe())?;
        for w in &self.warnings {
            writeln!(f, "Warning: {w}.")?;
        }
        Ok(())
    }
}
