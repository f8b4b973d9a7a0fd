//! Summaries of the closed-form fits, in the style of [`crate::FitResult`]'s.

use std::fmt;

use super::compare::OlsMleComparison;
use super::ols::OlsResult;
use crate::inference::format_number;
use crate::inference::summary::{
    TableRow, cluster_counts, observations, write_aliased, write_table, write_title,
};

impl fmt::Display for OlsResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rule = "=".repeat(86);
        write_title(f, "Ordinary least squares (closed form, QR)")?;
        let six = |v: f64| format_number(v, 6, 19);
        let rows = [
            (
                "No. observations:",
                observations(self.n_obs, self.n_dropped),
                "R²:",
                six(self.r_squared),
            ),
            (
                "Df residuals:",
                format!("{}", self.df_resid),
                "Adj. R²:",
                six(self.adj_r_squared),
            ),
            ("RSS:", six(self.rss), "s² = RSS/(n−p):", six(self.sigma2)),
            (
                "Log-likelihood:",
                format_number(self.log_likelihood, 4, 19),
                "",
                String::new(),
            ),
        ];
        for (a, b, c, d) in rows {
            writeln!(f, "{a:<20}{b:>22}   {c:<22}{d:>19}")?;
        }
        if self.cov_type != "nonrobust" {
            let clusters = cluster_counts(self.n_clusters, &self.n_clusters_each);
            let cov = format!("{}{clusters}", self.cov_type);
            writeln!(f, "{:<20}{cov:>22}", "Covariance:")?;
        }
        writeln!(f, "{}", "-".repeat(86))?;
        let rows: Vec<TableRow> = self
            .params
            .iter()
            .map(|p| TableRow {
                name: &p.name,
                estimate: p.estimate,
                std_error: Some(p.std_error),
                statistic: Some(p.t),
                p_value: Some(p.p_value),
                ci: (Some(p.ci_lower), Some(p.ci_upper)),
            })
            .collect();
        write_table(f, "t", self.level, &rows)?;
        writeln!(f, "{rule}")?;
        write_aliased(f, &self.aliased)
    }
}

impl fmt::Display for OlsMleComparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rule = "=".repeat(86);
        write_title(f, "Closed-form OLS beside the iterative Gaussian MLE")?;
        writeln!(
            f,
            "{:<16}{:>18}{:>18}{:>11}{:>11}{:>12}",
            "", "β (OLS)", "β (MLE)", "se OLS", "se MLE", "ratio"
        )?;
        writeln!(f, "{}", "-".repeat(86))?;
        for ((o, m), r) in self
            .ols
            .params
            .iter()
            .zip(&self.mle.params)
            .zip(&self.se_ratios)
        {
            writeln!(
                f,
                "{:<16}{:>18}{:>18}{:>11}{:>11}{:>12}",
                o.name,
                format_number(o.estimate, 10, 17),
                format_number(m.estimate, 10, 17),
                format_number(o.std_error, 6, 10),
                format_number(m.std_error.unwrap_or(f64::NAN), 6, 10),
                format_number(*r, 8, 11),
            )?;
        }
        writeln!(f, "{}", "-".repeat(86))?;
        let n = self.ols.n_obs;
        let p = self.ols.params.len();
        writeln!(
            f,
            "largest relative difference in β:   {:.2e}",
            self.max_rel_beta_diff
        )?;
        writeln!(
            f,
            "σ̂ = √(RSS/n)       (MLE):           {}",
            format_number(self.sigma_mle, 8, 20)
        )?;
        writeln!(
            f,
            "s = √(RSS/(n−p))   (OLS):           {}",
            format_number(self.sigma_ols, 8, 20)
        )?;
        writeln!(
            f,
            "se ratio OLS/MLE expected √(n/(n−p)) = √({n}/{}) = {:.8}",
            n - p,
            self.expected_se_ratio
        )?;
        let c = &self.mle.convergence;
        writeln!(f, "OLS: closed form in {:.3} ms", self.ols_time_s * 1e3)?;
        writeln!(
            f,
            "MLE: {} in {} iterations ({} gradients, {:.3} ms), converged: {}",
            c.optimizer,
            c.iterations,
            c.gradient_evals,
            c.wall_time_s * 1e3,
            c.converged
        )?;
        writeln!(f, "{rule}")
    }
}
