//! `sbfvm conformance` stays quiet on stderr when it is not a terminal.

use crate::common::temp_path;

#[test]
fn the_conformance_command_draws_nothing_on_a_pipe() {
    // One file that is not a fixture message (skipped as such).
    let dir = temp_path("conformance");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("junk.fix"), [0xff, 0xff, 0xff]).unwrap();
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
