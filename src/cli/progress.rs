//! A progress bar on standard error while the ledgers are read, for runs long enough to leave
//! someone waiting: it appears after two seconds (`COMMISSION_PROGRESS_AFTER_MS` changes that,
//! for tests), only when standard error is a terminal and `--quiet` is not given, and is
//! cleared when the reading ends, and in any case before anything is printed
//! ([`finish`], called by the output writer). The counts come from
//! `commission::data::progress`.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use commission::data::progress::read_of_total;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The bar of this command, while it may be drawn.
static BAR: Mutex<Option<Bar>> = Mutex::new(None);

/// Stops and clears the bar when dropped.
struct Bar {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Starts watching the reading, unless no bar may be drawn.
pub fn start(quiet: bool) {
    if quiet || !std::io::stderr().is_terminal() {
        return;
    }
    let after = std::env::var("COMMISSION_PROGRESS_AFTER_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(Duration::from_secs(2), Duration::from_millis);
    let stop = Arc::new(AtomicBool::new(false));
    let watching = Arc::clone(&stop);
    let thread = std::thread::spawn(move || watch(&watching, after));
    if let Ok(mut bar) = BAR.lock() {
        *bar = Some(Bar { stop, thread: Some(thread) });
    }
}

/// Stops the bar and clears it from the terminal (nothing when there is none).
pub fn finish() {
    let bar = BAR.lock().ok().and_then(|mut bar| bar.take());
    drop(bar);
}

fn watch(stop: &AtomicBool, after: Duration) {
    let began = Instant::now();
    let tick = Duration::from_millis(100);
    let mut bar: Option<ProgressBar> = None;
    while !stop.load(Ordering::Relaxed) {
        let (read, total) = read_of_total();
        let reading = total > 0 && read < total;
        match (&bar, reading) {
            (None, true) if began.elapsed() >= after => {
                let style =
                    ProgressStyle::with_template("reading ledgers {wide_bar} {bytes}/{total_bytes}, {eta} left")
                        .unwrap_or_else(|_| ProgressStyle::default_bar());
                let shown = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr()).with_style(style);
                shown.set_position(read);
                bar = Some(shown);
            }
            (Some(shown), true) => {
                shown.set_length(total);
                shown.set_position(read);
            }
            (Some(_), false) => {
                if let Some(shown) = bar.take() {
                    shown.finish_and_clear();
                }
            }
            _ => {}
        }
        // Until the bar shows, look as often as the wait allows: a bar asked for at once
        // (tests) is drawn even for a read shorter than a tick.
        std::thread::sleep(if bar.is_none() { tick.min(after).max(Duration::from_millis(1)) } else { tick });
    }
    if let Some(shown) = bar {
        shown.finish_and_clear();
    }
}
