//! A human summary in the spirit of statsmodels' `summary()`: a header of fit statistics, then one
//! row per parameter.

use std::fmt;

use super::results::FitResult;

/// `x` with `decimals` digits after the point, or in scientific notation (`decimals − 1`
/// digits after the point, at least one) where that would be wider than `width` characters or
/// would show a nonzero number smaller than 1e-4 as (nearly) zero.
///
/// # Examples
/// ```
/// use mle::inference::format_number;
/// assert_eq!(format_number(0.12345, 4, 11), "0.1235");
/// assert_eq!(format_number(-129902.52691, 4, 11), "-1.299e5");
/// assert_eq!(format_number(3.2e-7, 4, 11), "3.200e-7");
/// assert_eq!(format_number(f64::NAN, 4, 11), "NaN");
/// ```
pub fn format_number(x: f64, decimals: usize, width: usize) -> String {
    let fixed = format!("{x:.decimals$}");
    if !x.is_finite() || (fixed.chars().count() <= width && (x == 0.0 || x.abs() >= 1e-4)) {
        return fixed;
    }
    let digits = decimals.saturating_sub(1).max(1);
    format!("{x:.digits$e}")
}

/// Formats an optional number right-aligned in width `w`, leaving at least one blank before it
/// ([`format_number`] with 4 decimals in `w − 1` characters; `—` when absent).
pub fn format_cell(v: Option<f64>, w: usize) -> String {
    match v {
        Some(x) => format!("{:>w$}", format_number(x, 4, w - 1)),
        None => format!("{:>w$}", "—"),
    }
}

/// A title between two rules, centred in the 86 columns of every summary.
pub(crate) fn write_title(f: &mut fmt::Formatter<'_>, title: &str) -> fmt::Result {
    let rule = "=".repeat(86);
    let centred = format!("{title:^86}");
    writeln!(f, "{rule}\n{}\n{rule}", centred.trim_end())
}

/// The longest parameter name a table shows whole; longer ones are cut, ending in `…`.
const NAME_CHARS: usize = 40;

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
    // names as wide as the longest (up to NAME_CHARS), with a blank after it
    let w = rows
        .iter()
        .map(|r| r.name.chars().count().min(NAME_CHARS) + 1)
        .max()
        .unwrap_or(0)
        .max(16);
    writeln!(
        f,
        "{:<w$}{:>12}{:>12}{:>10}{:>12}{:>12}{:>12}",
        "", "estimate", "std err", statistic, p_label, lo, hi
    )?;
    writeln!(f, "{}", "-".repeat(86 + w - 16))?;
    for r in rows {
        let statistic = match r.statistic {
            Some(z) => format!("{:>10}", format_number(z, 3, 9)),
            None => format!("{:>10}", "—"),
        };
        let name = if r.name.chars().count() > NAME_CHARS {
            r.name.chars().take(NAME_CHARS - 1).collect::<String>() + "…"
        } else {
            r.name.to_string()
        };
        writeln!(
            f,
            "{name:<w$}{}{}{statistic}{}{}{}",
            format_cell(Some(r.estimate), 12),
            format_cell(r.std_error, 12),
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
            (
                "No. observations:",
                observations(self.n_obs, self.n_dropped),
            ),
            ("Converged:", c.converged.to_string()),
            ("Iterations:", c.iterations.to_string()),
            ("Gradient:", self.gradient_method.describe().to_string()),
            ("Hessian:", self.hessian_method.describe().to_string()),
        ];
        if let Some(link) = &self.link {
            left.insert(1, ("Link:", link.clone()));
        }
        if let Some(bytes) = self.spill_bytes {
            left.push((
                "Design:",
                format!("on disk, {}", crate::alloc::human_bytes(bytes as usize)),
            ));
        }
        if let Some(l) = self.l2_penalty {
            left.push(("L2 penalty λ:", format!("{l}")));
        }
        if let Some(p) = &self.penalty {
            left.push(("Penalty:", p.clone()));
        }
        if self.ci_method != "wald" {
            left.push(("Intervals:", format!("{} likelihood", self.ci_method)));
        }
        if self.cov_type != "nonrobust" {
            let clusters = cluster_counts(self.n_clusters, &self.n_clusters_each);
            left.push(("Covariance:", format!("{}{clusters}", self.cov_type)));
        }
        let number = |v: f64| format_number(v, 4, 19);
        let ll_label = if self.penalty.is_some() {
            "Penalized log-lik.:"
        } else {
            "Log-likelihood:"
        };
        let mut right = vec![
            (ll_label, number(self.log_likelihood)),
            ("AIC:", number(self.aic)),
            ("BIC:", number(self.bic)),
        ];
        if let Some(v) = self.log_likelihood_null {
            right.push(("LL-Null:", number(v)));
        }
        if let (Some(s), Some(p)) = (self.llr, self.llr_p_value) {
            right.push(("LR statistic:", number(s)));
            right.push(("LLR p-value:", format!("{p:.4e}")));
        }
        if let Some(v) = self.pseudo_r2 {
            right.push(("Pseudo R² (McFadden):", number(v)));
        }
        right.push(("Gradient norm:", format!("{:.3e}", c.gradient_norm)));
        if let Some(s) = c.newton_step_in_se {
            right.push(("Newton step / se:", format!("{s:.1e}")));
        }
        for i in 0..left.len().max(right.len()) {
            let (a, b) = left.get(i).cloned().unwrap_or(("", String::new()));
            let (x, y) = right.get(i).cloned().unwrap_or(("", String::new()));
            let line = format!("{a:<20}{b:>22}   {x:<22}{y:>19}");
            writeln!(f, "{}", line.trim_end())?;
        }
        writeln!(f, "{}", "-".repeat(86))?;
        if self.separation.is_some() || self.boundary.is_some() {
            let what = if self.separation.is_some() {
                "The maximum does not exist"
            } else {
                "The maximum is on the boundary"
            };
            writeln!(
                f,
                "{what}: the numbers below are the optimizer's last iterate,\n\
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
        let fixed: Vec<String> = self
            .params
            .iter()
            .filter(|p| p.fixed)
            .map(|p| format!("{} = {}", p.name, p.estimate))
            .collect();
        if !fixed.is_empty() {
            writeln!(
                f,
                "Held fixed (not estimated, not counted in AIC/BIC): {}.",
                fixed.join(", ")
            )?;
        }
        write_aliased(f, &self.aliased)?;
        writeln!(f, "Stopped because {}.", c.reason.describe())?;
        for w in &self.warnings {
            writeln!(f, "Warning: {w}.")?;
        }
        Ok(())
    }
}

/// `6249`, or `6249 (117 dropped: missing)`.
pub(crate) fn observations(n: usize, dropped: usize) -> String {
    if dropped == 0 {
        n.to_string()
    } else {
        format!("{n} ({dropped} dropped: missing)")
    }
}

/// The columns dropped as linear combinations of earlier ones, as R reports aliased
/// coefficients.
pub(crate) fn write_aliased(
    f: &mut fmt::Formatter<'_>,
    aliased: &[crate::data::Alias],
) -> fmt::Result {
    if aliased.is_empty() {
        return Ok(());
    }
    let relations: Vec<String> = aliased.iter().map(|a| a.relation()).collect();
    writeln!(
        f,
        "Dropped before the fit, not estimable (linear combinations of earlier columns): {}.",
        relations.join("; ")
    )
}

/// `, 24 clusters`, or `, 24×8 clusters` for two-way clustering; empty without clusters.
pub(crate) fn cluster_counts(n_clusters: Option<usize>, each: &[usize]) -> String {
    if each.len() > 1 {
        let counts: Vec<String> = each.iter().map(usize::to_string).collect();
        format!(", {} clusters", counts.join("×"))
    } else {
        n_clusters.map_or(String::new(), |g| format!(", {g} clusters"))
    }
}
