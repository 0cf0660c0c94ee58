//! `sbfvm conformance` stays quiet on stderr when it is not a terminal.

use std::path::PathBuf;

/// A directory with one file that is not a fixture message (skipped as such).
fn junk_fixture_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sbfvm-progress-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("junk.fix"), [0xff, 0xff, 0xff]).unwrap();
    dir
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
