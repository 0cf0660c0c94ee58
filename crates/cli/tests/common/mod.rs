//! Helpers shared by the command-line tests: running the binary, fixture paths and
//! temporary files.

#![allow(dead_code)] // each test module uses some of them

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// `fixtures/<name>` of the repository.
pub(crate) fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(name)
}

/// Runs the `sbfvm` binary with `args`.
pub(crate) fn sbfvm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sbfvm"))
        .args(args)
        .output()
        .expect("run the sbfvm binary")
}

/// `bytes` as text, invalid UTF-8 replaced (for output in failure messages).
pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The run exited with `code` (else fails showing its output); returns its stdout.
#[track_caller]
pub(crate) fn assert_exit_code(output: &Output, code: i32) -> String {
    let stdout = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(code),
        "{stdout}{}",
        text(&output.stderr)
    );
    stdout
}

/// The run exited 0 (else fails showing its stderr).
#[track_caller]
pub(crate) fn assert_success(output: &Output) {
    assert!(output.status.success(), "{}", text(&output.stderr));
}

/// A path under the system temp directory that no other test (or test run) uses; nothing
/// is created there.
fn unique_temp_path(name: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let unique = format!(
        "sbfvm-cli-{}-{}-{name}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    std::env::temp_dir().join(unique)
}

/// A [`unique_temp_path`] for a test to create a file or a directory at; whatever is
/// there is removed when the guard drops, so test runs leave nothing behind.
pub(crate) fn temp_path(name: &str) -> TempPath {
    TempPath(unique_temp_path(name))
}

/// See [`temp_path`].
pub(crate) struct TempPath(PathBuf);

impl std::ops::Deref for TempPath {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for TempPath {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<std::ffi::OsStr> for TempPath {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.0.as_os_str()
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        if self.0.is_dir() {
            let _ = std::fs::remove_dir_all(&self.0);
        } else {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}

/// A file at a [`temp_path`] with the given contents; removed when dropped.
pub(crate) struct TempFile(pub(crate) TempPath);

impl TempFile {
    /// Writes `contents` to a fresh [`temp_path`] for `name`.
    pub(crate) fn new(name: &str, contents: &[u8]) -> Self {
        let path = temp_path(name);
        std::fs::write(&path, contents).expect("write temp file");
        Self(path)
    }

    /// The file's path as a `&str`, to pass as a command-line argument.
    pub(crate) fn path(&self) -> &str {
        self.0.to_str().expect("UTF-8 temp path")
    }
}
