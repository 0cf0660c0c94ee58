//! `sbfvm::progress`: nothing is drawn when the stream is not a terminal; on a terminal the
//! line is redrawn in place, at most once per interval, and erased at the end; the
//! conformance command stays quiet on a pipe.

use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sbfvm::conformance::{self, Family, Options, Verdict};
use sbfvm::progress::Progress;

/// A writer whose bytes the test can read back.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

const AN_HOUR: Duration = Duration::from_secs(3600);

#[test]
fn quiet_when_not_a_terminal() {
    let out = Captured::default();
    let progress = Progress::for_writer(3, Box::new(out.clone()), false);
    assert!(!progress.is_visible());
    for label in ["a", "b", "c"] {
        progress.start(label);
        progress.inc(label);
    }
    assert_eq!(progress.position(), 3);
    assert_eq!(progress.total(), 3);
    progress.finish();
    drop(progress);
    assert_eq!(out.text(), "");
    // Messages still get through.
    let progress = Progress::for_writer(1, Box::new(out.clone()), false);
    progress.println("a message");
    drop(progress);
    assert_eq!(out.text(), "a message\n");
}

#[test]
fn on_a_terminal_the_final_state_is_drawn_then_erased() {
    let out = Captured::default();
    let progress = Progress::with_interval(12, Box::new(out.clone()), true, AN_HOUR);
    assert!(progress.is_visible());
    for index in 0..12 {
        progress.inc(format_args!("vm_interp fixture_{index}.fix"));
    }
    // Nothing within the interval...
    assert_eq!(out.text(), "");
    progress.finish();
    // ...then the last state once, and the line erased for what follows.
    assert_eq!(
        out.text(),
        "\r[12/12] vm_interp fixture_11.fix\x1b[K\r\x1b[K"
    );
    // finish (and drop) twice is harmless.
    progress.finish();
    drop(progress);
    assert_eq!(
        out.text(),
        "\r[12/12] vm_interp fixture_11.fix\x1b[K\r\x1b[K"
    );
}

#[test]
fn counts_are_padded_to_the_width_of_the_total() {
    let out = Captured::default();
    let progress = Progress::with_interval(25747, Box::new(out.clone()), true, AN_HOUR);
    for _ in 0..1234 {
        progress.inc("");
    }
    progress.start("vm_interp abc.fix");
    drop(progress);
    assert_eq!(
        out.text(),
        "\r[ 1234/25747] vm_interp abc.fix\x1b[K\r\x1b[K"
    );
}

#[test]
fn redraws_while_running_and_messages_go_above_the_line() {
    let out = Captured::default();
    let progress =
        Progress::with_interval(2, Box::new(out.clone()), true, Duration::from_millis(5));
    progress.start("first");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !out.text().contains("[0/2] first") {
        assert!(
            std::time::Instant::now() < deadline,
            "never drawn: {:?}",
            out.text()
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    progress.println("note");
    progress.inc("first");
    progress.inc("second");
    drop(progress);
    let text = out.text();
    assert!(text.starts_with("\r[0/2] first\x1b[K"), "{text:?}");
    // The message erased the line first.
    assert!(text.contains("\r\x1b[Knote\n"), "{text:?}");
    assert!(text.ends_with("\r[2/2] second\x1b[K\r\x1b[K"), "{text:?}");
    assert_eq!(text.matches('\n').count(), 1, "{text:?}");
}

#[test]
fn long_labels_keep_their_end() {
    let out = Captured::default();
    let progress = Progress::with_interval(1, Box::new(out.clone()), true, AN_HOUR);
    let label = format!("instr {}tail.fix", "x/".repeat(1000));
    progress.inc(&label);
    drop(progress);
    let text = out.text();
    let line = text
        .strip_prefix("\r[1/1] …")
        .and_then(|rest| rest.strip_suffix("tail.fix\x1b[K\r\x1b[K"))
        .unwrap_or_else(|| panic!("{text:?}"));
    assert!(line.len() < 1000, "{text:?}");
}

#[test]
fn shared_between_threads() {
    let out = Captured::default();
    let progress =
        Progress::with_interval(400, Box::new(out.clone()), true, Duration::from_millis(1));
    std::thread::scope(|scope| {
        for thread in 0..4 {
            let progress = &progress;
            scope.spawn(move || {
                for item in 0..100 {
                    progress.inc(format_args!("thread {thread} item {item}"));
                }
            });
        }
    });
    assert_eq!(progress.position(), 400);
    drop(progress);
    let text = out.text();
    assert!(text.contains("[400/400] thread "), "{text:?}");
    assert!(text.ends_with("\x1b[K\r\x1b[K"));
}

/// A directory with one file that is not a fixture message (skipped as such).
fn junk_fixture_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sbfvm-progress-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("junk.fix"), [0xff, 0xff, 0xff]).unwrap();
    dir
}

#[test]
fn conformance_counts_each_fixture_on_the_progress() {
    let dir = junk_fixture_dir();
    let files = conformance::discover(std::slice::from_ref(&dir)).unwrap();
    let out = Captured::default();
    let progress = Progress::with_interval(files.len(), Box::new(out.clone()), true, AN_HOUR);
    let summary = conformance::run_files_with_progress(&files, &Options::default(), &progress);
    assert_eq!(progress.position(), 1);
    progress.finish();
    assert_eq!(summary.results.len(), 1);
    assert_eq!(summary.results[0].family, Family::UNKNOWN);
    assert!(matches!(summary.results[0].verdict, Verdict::Skip(_)));
    assert_eq!(out.text(), "\r[1/1] unknown junk.fix\x1b[K\r\x1b[K");
}

#[test]
fn the_conformance_command_draws_nothing_on_a_pipe() {
    let dir = junk_fixture_dir();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_sbfvm"))
        .arg("conformance")
        .arg(&dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert_eq!(stderr, "");
    assert!(!stdout.contains('\r'), "{stdout:?}");
    assert!(
        stdout.contains("total: 1 fixtures, 0 passed, 0 failed, 1 skipped"),
        "{stdout}"
    );
}
