//! A one-line progress display for long runs (a conformance directory, a bench):
//! `[ 1234/25747] vm_interp some_fixture.fix`, redrawn in place on stderr at most ten times a
//! second, and nothing at all when stderr is not a terminal (a pipe, a file, CI logs).
//!
//! ```
//! use sbfvm::progress::Progress;
//!
//! let items = ["a", "b", "c"];
//! let progress = Progress::new(items.len()); // quiet unless stderr is a terminal
//! for item in items {
//!     progress.start(format_args!("bench {item}")); // shown while a slow item runs
//!     // ... work ...
//!     progress.inc(format_args!("bench {item}"));
//! }
//! progress.finish(); // erases the line (also done on drop)
//! ```
//!
//! [`Progress`] is `Sync`: worker threads share one by reference and call [`Progress::inc`]
//! as they finish items. Labels are only formatted while the display is visible. A
//! background thread redraws the line when something changed, so a slow item's label shows
//! even when it was set right after the previous redraw. Use [`Progress::println`] for
//! messages while a progress line is up, so the two do not garble each other.

use std::fmt::Display;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// The shortest time between two redraws.
pub const REDRAW_INTERVAL: Duration = Duration::from_millis(100);

/// Width assumed when `COLUMNS` is not set.
const DEFAULT_COLUMNS: usize = 80;

/// Erases the current line: carriage return, then "erase to end of line".
const ERASE_LINE: &str = "\r\x1b[K";

/// Counts finished items and, when visible, shows the count and the latest label.
pub struct Progress {
    shared: Arc<Shared>,
    ticker: Mutex<Option<JoinHandle<()>>>,
}

struct Shared {
    total: usize,
    visible: bool,
    columns: usize,
    done: AtomicUsize,
    label: Mutex<String>,
    out: Mutex<Output>,
    /// Set when the ticker must stop; the condvar wakes it.
    stop: Mutex<bool>,
    wake: Condvar,
}

struct Output {
    writer: Box<dyn Write + Send>,
    /// The line currently on screen (empty: none).
    shown: String,
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Progress")
            .field("total", &self.shared.total)
            .field("done", &self.position())
            .field("visible", &self.shared.visible)
            .finish()
    }
}

impl Progress {
    /// Progress over `total` items on stderr, visible only when stderr is a terminal.
    pub fn new(total: usize) -> Self {
        let terminal = std::io::stderr().is_terminal();
        Self::for_writer(total, Box::new(std::io::stderr()), terminal)
    }

    /// Counts without ever drawing ([`Progress::println`] still writes to stderr).
    pub fn hidden(total: usize) -> Self {
        Self::for_writer(total, Box::new(std::io::stderr()), false)
    }

    /// Progress drawn on `writer` when `terminal` is true (pass `is_terminal()` of the
    /// stream behind it), redrawn at most every [`REDRAW_INTERVAL`]. Nothing but
    /// [`Progress::println`] lines reaches `writer` when `terminal` is false.
    pub fn for_writer(total: usize, writer: Box<dyn Write + Send>, terminal: bool) -> Self {
        Self::with_interval(total, writer, terminal, REDRAW_INTERVAL)
    }

    /// [`Progress::for_writer`] with another redraw interval.
    pub fn with_interval(
        total: usize,
        writer: Box<dyn Write + Send>,
        terminal: bool,
        interval: Duration,
    ) -> Self {
        let columns = std::env::var("COLUMNS")
            .ok()
            .and_then(|text| text.trim().parse::<usize>().ok())
            .filter(|&columns| columns >= 20)
            .unwrap_or(DEFAULT_COLUMNS);
        let shared = Arc::new(Shared {
            total,
            visible: terminal,
            columns,
            done: AtomicUsize::new(0),
            label: Mutex::new(String::new()),
            out: Mutex::new(Output {
                writer,
                shown: String::new(),
            }),
            stop: Mutex::new(false),
            wake: Condvar::new(),
        });
        let ticker = terminal.then(|| {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("sbfvm-progress".into())
                .spawn(move || shared.tick_until_stopped(interval))
                .expect("spawn the progress thread")
        });
        Self {
            shared,
            ticker: Mutex::new(ticker),
        }
    }

    /// Whether anything is drawn.
    pub fn is_visible(&self) -> bool {
        self.shared.visible
    }

    /// The number of items, as given when it was created.
    pub fn total(&self) -> usize {
        self.shared.total
    }

    /// Items finished so far.
    pub fn position(&self) -> usize {
        self.shared.done.load(Ordering::Relaxed)
    }

    /// One more item is finished; `label` names it (formatted only when visible).
    pub fn inc(&self, label: impl Display) {
        self.shared.done.fetch_add(1, Ordering::Relaxed);
        self.set_label(label);
    }

    /// An item starts: shows `label` without counting it (for items slow enough to watch).
    pub fn start(&self, label: impl Display) {
        self.set_label(label);
    }

    fn set_label(&self, label: impl Display) {
        if self.shared.visible {
            let mut current = self.shared.label.lock().expect("progress label");
            current.clear();
            use std::fmt::Write as _;
            let _ = write!(current, "{label}");
        }
    }

    /// Writes `line` and a newline to the progress stream, above the progress line.
    pub fn println(&self, line: impl Display) {
        let mut out = self.shared.out.lock().expect("progress output");
        let erase = if out.shown.is_empty() { "" } else { ERASE_LINE };
        let _ = writeln!(out.writer, "{erase}{line}");
        let _ = out.writer.flush();
        out.shown.clear();
    }

    /// Stops redrawing and erases the progress line. Called on drop; later calls do nothing.
    pub fn finish(&self) {
        let ticker = self.ticker.lock().expect("progress ticker").take();
        let Some(ticker) = ticker else {
            return;
        };
        *self.shared.stop.lock().expect("progress stop flag") = true;
        self.shared.wake.notify_all();
        let _ = ticker.join();
        // The final count, then a clean line for whatever is printed next.
        self.shared.draw();
        let mut out = self.shared.out.lock().expect("progress output");
        if !out.shown.is_empty() {
            let _ = out.writer.write_all(ERASE_LINE.as_bytes());
            let _ = out.writer.flush();
            out.shown.clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

impl Shared {
    fn tick_until_stopped(&self, interval: Duration) {
        let mut stop = self.stop.lock().expect("progress stop flag");
        // Checked before each wait too: `finish` may run before this thread first waits.
        while !*stop {
            let (guard, timeout) = self
                .wake
                .wait_timeout(stop, interval)
                .expect("progress stop flag");
            stop = guard;
            if !*stop && timeout.timed_out() {
                self.draw();
            }
        }
    }

    /// The line for the current state, fitted to the terminal width.
    fn line(&self) -> String {
        let done = self.done.load(Ordering::Relaxed);
        let label = self.label.lock().expect("progress label").clone();
        let count = if self.total == 0 {
            format!("[{done}]")
        } else {
            let width = self.total.to_string().len();
            format!("[{done:>width$}/{}]", self.total)
        };
        let room = self.columns.saturating_sub(count.len() + 2);
        let length = label.chars().count();
        let label = if length <= room {
            label
        } else {
            // Keep the end: it names the item (a file name, a bench case).
            let skip = length - room.saturating_sub(1);
            format!("…{}", label.chars().skip(skip).collect::<String>())
        };
        if label.is_empty() {
            count
        } else {
            format!("{count} {label}")
        }
    }

    /// Redraws the line if it changed.
    fn draw(&self) {
        let line = self.line();
        let mut out = self.out.lock().expect("progress output");
        if out.shown == line {
            return;
        }
        let _ = write!(out.writer, "\r{line}\x1b[K");
        let _ = out.writer.flush();
        out.shown = line;
    }
}
