//! Standard output that tolerates a closed pipe: `sbfvm … | head` must not panic.

use std::fmt::Display;
use std::io::Write as _;

/// Writes `text` to stdout.
pub(crate) fn print(text: impl Display) {
    let _ = write!(std::io::stdout(), "{text}");
}

/// Writes `text` and a newline to stdout.
pub(crate) fn println(text: impl Display) {
    let _ = writeln!(std::io::stdout(), "{text}");
}

/// Writes `value` as pretty-printed JSON and a newline to stdout.
pub(crate) fn print_json(value: &impl serde::Serialize) {
    println(serde_json::to_string_pretty(value).expect("reports serialize to JSON"));
}
