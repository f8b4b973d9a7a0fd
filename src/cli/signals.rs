//! What the binary does when it is interrupted.

/// On `SIGINT`, `SIGTERM` or `SIGHUP`, removes the temporary file of a write in progress (see
/// [`mle::output`]), then dies of the signal as it would have.
pub(crate) fn remove_temporaries_when_interrupted() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        if let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) {
            std::thread::spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    mle::output::remove_temporaries();
                    let _ = signal_hook::low_level::emulate_default_handler(signal);
                    std::process::exit(128 + signal);
                }
            });
        }
    }
}
