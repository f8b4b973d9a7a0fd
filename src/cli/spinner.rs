//! The binary's progress display: a spinner on stderr for fits that run longer than a second,
//! and the trace of every iteration for `--plot`.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use mle::optim::{Observer, Progress};

/// Progress on stderr for fits that run longer than a second, only on a terminal.
pub(crate) struct Spinner {
    start: Instant,
    bar: Option<ProgressBar>,
    enabled: bool,
    /// Every iteration, for `--plot`.
    pub(crate) trace: Vec<Progress>,
}

impl Spinner {
    pub(crate) fn new() -> Self {
        Self {
            start: Instant::now(),
            bar: None,
            enabled: std::io::stderr().is_terminal(),
            trace: Vec::new(),
        }
    }

    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Observer for Spinner {
    fn observe(&mut self, p: &Progress) {
        self.trace.push(p.clone());
        if !self.enabled || self.start.elapsed() < Duration::from_secs(1) {
            return;
        }
        let bar = self.bar.get_or_insert_with(|| {
            let bar = ProgressBar::new_spinner();
            if let Ok(style) = ProgressStyle::with_template("{spinner} {elapsed} {msg}") {
                bar.set_style(style);
            }
            bar
        });
        bar.set_message(format!(
            "iteration {}  log-likelihood {:.6}  gradient norm {:.2e}",
            p.iteration, p.objective, p.gradient_norm
        ));
        bar.tick();
    }
}
