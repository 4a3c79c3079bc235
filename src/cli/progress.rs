//! Progress on the terminal and Ctrl-C (SIGTERM and SIGHUP alike, exit 130): the command layer's side of
//! [`crate::analysis::precision::Progress`].

use crate::analysis::precision::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, OnceLock};

/// Installs the handler of Ctrl-C, SIGTERM and SIGHUP (once) and returns the flag it sets.
pub fn cancel_flag() -> Arc<AtomicBool> {
    static FLAG: std::sync::OnceLock<Arc<AtomicBool>> = std::sync::OnceLock::new();
    FLAG.get_or_init(|| {
        let f = Arc::new(AtomicBool::new(false));
        let g = f.clone();
        // If a handler cannot be installed, runs simply cannot be interrupted cleanly.
        let _ = ctrlc::set_handler(move || g.store(true, std::sync::atomic::Ordering::SeqCst));
        crate::output::folder::watch_cancel(f.clone());
        f
    })
    .clone()
}

/// A progress bar on stderr, hidden when stderr is not a terminal or `quiet` is set.
pub fn progress_bar(len: u64, label: &str, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    pb.set_style(
        ProgressStyle::with_template(
            "{prefix} [{bar:25}] {human_pos}/{human_len} replications, eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    pb.set_prefix(label.to_string());
    pb
}

/// A progress bar on stderr (hidden when quiet or not on a terminal) that stops on Ctrl-C.
pub struct Bar {
    bar: OnceLock<ProgressBar>,
    quiet: bool,
    cancel: Arc<AtomicBool>,
}

impl Bar {
    /// A bar, drawn unless `quiet`; it appears when a study plans its replications.
    pub fn new(quiet: bool) -> Bar {
        Bar {
            bar: OnceLock::new(),
            quiet,
            cancel: cancel_flag(),
        }
    }
}

impl Progress for Bar {
    fn planned(&self, label: &str, replications: u64) {
        self.bar
            .get_or_init(|| progress_bar(replications, label, self.quiet))
            .set_length(replications);
    }
    fn done_one(&self) {
        if let Some(b) = self.bar.get() {
            b.inc(1);
        }
    }
    fn finish(&self) {
        if let Some(b) = self.bar.get() {
            b.finish_and_clear();
        }
    }
    fn cancel(&self) -> &AtomicBool {
        &self.cancel
    }
}

/// A spinner on stderr for a step without a count (writing a folder's files, statistics and
/// charts), with the time it has taken; hidden when `quiet` or not on a terminal, cleared when
/// dropped.
pub struct Step(ProgressBar);

impl Step {
    /// Shows `label` until the step is dropped.
    pub fn start(label: &str, quiet: bool) -> Step {
        if quiet || !std::io::stderr().is_terminal() {
            return Step(ProgressBar::hidden());
        }
        let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        pb.set_style(
            ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        pb.set_message(label.to_string());
        pb.enable_steady_tick(std::time::Duration::from_millis(200));
        Step(pb)
    }
}

impl Drop for Step {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}
