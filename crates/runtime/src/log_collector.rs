//! Program logs with Agave's byte limit (`LogCollector`, 10,000 bytes, then
//! `Log truncated`) and its line formats (`stable_log.rs`).

use std::fmt;
use std::ops::Index;

use solana_pubkey::Pubkey;

/// Default byte limit of the log collector.
pub const DEFAULT_LOG_BYTES_LIMIT: usize = 10_000;

/// Log lines kept in one text buffer with the end of each line: a line costs no allocation
/// of its own (every frame writes three, and an allocation per line is most of a `sol_log_`
/// call under the system allocator), and a transaction's logs are two allocations however
/// many lines it writes.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Logs {
    text: String,
    /// `ends[i]`: the byte offset in `text` where line `i` ends (and line `i + 1` starts).
    ends: Vec<usize>,
}

impl Logs {
    /// No lines.
    pub const fn new() -> Self {
        Self {
            text: String::new(),
            ends: Vec::new(),
        }
    }

    /// The number of lines.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are no lines.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Line `index`, if there is one.
    pub fn get(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)?;
        let start = match index {
            0 => 0,
            _ => self.ends[index - 1],
        };
        Some(&self.text[start..end])
    }

    /// The first line.
    pub fn first(&self) -> Option<&str> {
        self.get(0)
    }

    /// The last line.
    pub fn last(&self) -> Option<&str> {
        self.len().checked_sub(1).and_then(|index| self.get(index))
    }

    /// The lines in order.
    pub fn iter(&self) -> LogLines<'_> {
        LogLines {
            logs: self,
            front: 0,
            back: self.len(),
        }
    }

    /// Whether one of the lines is exactly `line`.
    pub fn contains(&self, line: &str) -> bool {
        self.iter().any(|candidate| candidate == line)
    }

    /// The lines joined by `separator`.
    pub fn join(&self, separator: &str) -> String {
        let mut joined =
            String::with_capacity(self.text.len() + separator.len() * self.len().saturating_sub(1));
        for (index, line) in self.iter().enumerate() {
            if index > 0 {
                joined.push_str(separator);
            }
            joined.push_str(line);
        }
        joined
    }

    /// The lines as owned strings.
    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_owned).collect()
    }

    /// Appends `line`.
    pub fn push(&mut self, line: &str) {
        self.push_parts(&[line]);
    }

    /// Appends one line made of `parts`, written straight into the buffer.
    fn push_parts(&mut self, parts: &[&str]) {
        for part in parts {
            self.text.push_str(part);
        }
        self.ends.push(self.text.len());
    }
}

impl Index<usize> for Logs {
    type Output = str;

    /// Line `index`; panics when there is no such line, as a slice does.
    fn index(&self, index: usize) -> &str {
        match self.get(index) {
            Some(line) => line,
            None => panic!("log line {index} out of range for {} lines", self.len()),
        }
    }
}

impl fmt::Debug for Logs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> IntoIterator for &'a Logs {
    type Item = &'a str;
    type IntoIter = LogLines<'a>;

    fn into_iter(self) -> LogLines<'a> {
        self.iter()
    }
}

impl<S: AsRef<str>> FromIterator<S> for Logs {
    fn from_iter<I: IntoIterator<Item = S>>(lines: I) -> Self {
        let mut logs = Logs::new();
        logs.extend(lines);
        logs
    }
}

impl<S: AsRef<str>> Extend<S> for Logs {
    fn extend<I: IntoIterator<Item = S>>(&mut self, lines: I) {
        for line in lines {
            self.push(line.as_ref());
        }
    }
}

impl<S: AsRef<str>> PartialEq<[S]> for Logs {
    fn eq(&self, other: &[S]) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a == b.as_ref())
    }
}

impl<S: AsRef<str>, const N: usize> PartialEq<[S; N]> for Logs {
    fn eq(&self, other: &[S; N]) -> bool {
        *self == other[..]
    }
}

impl<S: AsRef<str>> PartialEq<Vec<S>> for Logs {
    fn eq(&self, other: &Vec<S>) -> bool {
        *self == other[..]
    }
}

impl<S: AsRef<str>, const N: usize> PartialEq<[S; N]> for &Logs {
    fn eq(&self, other: &[S; N]) -> bool {
        **self == other[..]
    }
}

impl<S: AsRef<str>> PartialEq<Vec<S>> for &Logs {
    fn eq(&self, other: &Vec<S>) -> bool {
        **self == other[..]
    }
}

/// The lines of [`Logs`], in order ([`Logs::iter`]).
#[derive(Clone, Debug)]
pub struct LogLines<'a> {
    logs: &'a Logs,
    front: usize,
    back: usize,
}

impl<'a> Iterator for LogLines<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.front == self.back {
            return None;
        }
        self.front += 1;
        self.logs.get(self.front - 1)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.back - self.front;
        (left, Some(left))
    }
}

impl DoubleEndedIterator for LogLines<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.front == self.back {
            return None;
        }
        self.back -= 1;
        self.logs.get(self.back)
    }
}

impl ExactSizeIterator for LogLines<'_> {}

#[derive(Debug, Clone)]
/// The log lines of a transaction, up to a byte limit.
pub struct LogCollector {
    messages: Logs,
    bytes_written: usize,
    bytes_limit: Option<usize>,
    limit_warning: bool,
}

impl Default for LogCollector {
    fn default() -> Self {
        Self::new(Some(DEFAULT_LOG_BYTES_LIMIT))
    }
}

impl LogCollector {
    /// A collector that stops after `bytes_limit` bytes (`None`: no limit).
    pub fn new(bytes_limit: Option<usize>) -> Self {
        Self {
            // Room for a few frames' lines, so that a small transaction's logs are two
            // allocations rather than a string grown five times.
            messages: Logs {
                text: String::with_capacity(512),
                ends: Vec::with_capacity(16),
            },
            bytes_written: 0,
            bytes_limit,
            limit_warning: false,
        }
    }

    /// The base58 text of `key`, cached per thread: every frame logs its program id
    /// several times, and the same programs run transaction after transaction.
    fn key_str(&mut self, key: &Pubkey) -> std::rc::Rc<str> {
        const CACHED: usize = 64;
        thread_local! {
            static KEY_STRINGS: std::cell::RefCell<Vec<(Pubkey, std::rc::Rc<str>)>> =
                const { std::cell::RefCell::new(Vec::new()) };
        }
        KEY_STRINGS.with_borrow_mut(|cache| {
            if let Some((_, text)) = cache.iter().find(|(k, _)| k == key) {
                return text.clone();
            }
            let text: std::rc::Rc<str> = key.to_string().into();
            if cache.len() == CACHED {
                cache.remove(0);
            }
            cache.push((*key, text.clone()));
            text
        })
    }

    /// Records a message unless the byte limit is reached; the first message over the
    /// limit is replaced by `Log truncated` and later ones are dropped.
    pub fn log(&mut self, message: &str) {
        self.log_parts(&[message]);
    }

    /// [`LogCollector::log`] of the message the `parts` make, written straight into the
    /// collector's buffer.
    fn log_parts(&mut self, parts: &[&str]) {
        let Some(limit) = self.bytes_limit else {
            self.messages.push_parts(parts);
            return;
        };
        let length = parts.iter().map(|part| part.len()).sum::<usize>();
        let bytes_written = self.bytes_written.saturating_add(length);
        if bytes_written >= limit {
            if !self.limit_warning {
                self.limit_warning = true;
                self.messages.push("Log truncated");
            }
        } else {
            self.bytes_written = bytes_written;
            self.messages.push_parts(parts);
        }
    }

    /// The lines so far.
    pub fn messages(&self) -> &Logs {
        &self.messages
    }

    /// The lines, consuming the collector.
    pub fn into_messages(self) -> Logs {
        self.messages
    }

    /// `Program <id> invoke [<height>]`.
    pub fn program_invoke(&mut self, program_id: &Pubkey, stack_height: usize) {
        let id = self.key_str(program_id);
        let mut height = DecimalBuffer::default();
        let height = height.format(stack_height as u64);
        self.log_parts(&["Program ", &id, " invoke [", height, "]"]);
    }

    /// `Program log: <message>`.
    pub fn program_log(&mut self, message: &str) {
        self.log_parts(&["Program log: ", message]);
    }

    /// `Program return: <id> <base64>`.
    pub fn program_return(&mut self, program_id: &Pubkey, data_base64: &str) {
        let id = self.key_str(program_id);
        self.log_parts(&["Program return: ", &id, " ", data_base64]);
    }

    /// `Program <id> consumed <n> of <limit> compute units`.
    pub fn program_consumed(&mut self, program_id: &Pubkey, consumed: u64, limit: u64) {
        let id = self.key_str(program_id);
        let (mut consumed_text, mut limit_text) =
            (DecimalBuffer::default(), DecimalBuffer::default());
        self.log_parts(&[
            "Program ",
            &id,
            " consumed ",
            consumed_text.format(consumed),
            " of ",
            limit_text.format(limit),
            " compute units",
        ]);
    }

    /// `Program <id> success`.
    pub fn program_success(&mut self, program_id: &Pubkey) {
        let id = self.key_str(program_id);
        self.log_parts(&["Program ", &id, " success"]);
    }

    /// `Program <id> failed: <error>`.
    pub fn program_failure(&mut self, program_id: &Pubkey, error: &dyn std::fmt::Display) {
        let id = self.key_str(program_id);
        self.log(&format!("Program {id} failed: {error}"));
    }
}

/// A `u64` in decimal without the formatting machinery.
#[derive(Default)]
struct DecimalBuffer([u8; 20]);

impl DecimalBuffer {
    fn format(&mut self, mut value: u64) -> &str {
        let mut start = self.0.len();
        loop {
            start -= 1;
            self.0[start] = b'0' + (value % 10) as u8;
            value /= 10;
            if value == 0 {
                break;
            }
        }
        std::str::from_utf8(&self.0[start..]).expect("ASCII digits")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Agave's collector as it is written: a `Vec<String>`, one string per line.
    struct PlainCollector {
        messages: Vec<String>,
        bytes_written: usize,
        limit: usize,
        limit_warning: bool,
    }

    impl PlainCollector {
        fn log(&mut self, message: String) {
            let bytes_written = self.bytes_written.saturating_add(message.len());
            if bytes_written >= self.limit {
                if !self.limit_warning {
                    self.limit_warning = true;
                    self.messages.push("Log truncated".to_string());
                }
            } else {
                self.bytes_written = bytes_written;
                self.messages.push(message);
            }
        }
    }

    #[test]
    fn one_buffer_keeps_the_lines_a_vector_of_strings_keeps() {
        // Deterministic pseudo-random lines of 0 to 3 parts (empty parts and lines
        // included) against byte limits around their total.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |bound: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % bound
        };
        for limit in [0, 1, 5, 40, 200, 1_000, usize::MAX] {
            let mut fast = LogCollector::new(Some(limit));
            let mut plain = PlainCollector {
                messages: Vec::new(),
                bytes_written: 0,
                limit,
                limit_warning: false,
            };
            for _ in 0..300 {
                let parts: Vec<String> = (0..next(4))
                    .map(|_| "é-x".repeat(next(5) as usize))
                    .collect();
                let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
                fast.log_parts(&parts);
                plain.log(parts.concat());
            }
            let logs = fast.messages();
            assert_eq!(*logs, plain.messages, "limit {limit}");
            assert_eq!(logs.len(), plain.messages.len());
            assert_eq!(logs.to_vec(), plain.messages);
            assert_eq!(logs.join("\n"), plain.messages.join("\n"));
            assert!(logs.iter().rev().eq(plain.messages.iter().rev()));
            assert_eq!(logs.last(), plain.messages.last().map(String::as_str));
            for (index, line) in plain.messages.iter().enumerate() {
                assert_eq!(&logs[index], line);
                assert_eq!(logs.get(index), Some(line.as_str()));
            }
            assert_eq!(logs.get(plain.messages.len()), None);
        }
    }

    #[test]
    fn empty_lines_and_lookups() {
        let mut logs: Logs = ["", "a", ""].into_iter().collect();
        assert_eq!(logs.len(), 3);
        assert_eq!(logs, ["", "a", ""]);
        assert!(logs.contains("a") && logs.contains("") && !logs.contains("b"));
        assert_eq!(format!("{logs:?}"), r#"["", "a", ""]"#);
        logs.push("bc");
        assert_eq!((logs.first(), logs.last()), (Some(""), Some("bc")));
        assert_eq!(logs.iter().len(), 4);
        assert!(Logs::new().is_empty() && Logs::new().last().is_none());
    }

    #[test]
    fn truncates_once_at_the_limit() {
        let mut collector = LogCollector::new(Some(10));
        collector.log("12345");
        collector.log("123456");
        collector.log("1234567");
        // As in Agave, a later message that still fits under the limit is kept.
        collector.log("1");
        assert_eq!(*collector.messages(), ["12345", "Log truncated", "1"]);
    }

    #[test]
    fn frame_lines_match_the_agave_formats() {
        for value in [0, 7, 10, 99, 1_400_000, u64::MAX] {
            assert_eq!(DecimalBuffer::default().format(value), value.to_string());
        }
        let id = Pubkey::new_from_array([7; 32]);
        let mut collector = LogCollector::new(None);
        collector.program_invoke(&id, 2);
        collector.program_consumed(&id, 1_234, 200_000);
        collector.program_return(&id, "AQI=");
        collector.program_success(&id);
        collector.program_log("hi");
        assert_eq!(
            *collector.messages(),
            [
                format!("Program {id} invoke [2]"),
                format!("Program {id} consumed 1234 of 200000 compute units"),
                format!("Program return: {id} AQI="),
                format!("Program {id} success"),
                "Program log: hi".to_string(),
            ]
        );
    }
}
