//! Program logs with Agave's byte limit (`LogCollector`, 10,000 bytes, then
//! `Log truncated`) and its line formats (`stable_log.rs`).

use solana_pubkey::Pubkey;

/// Default byte limit of the log collector.
pub const DEFAULT_LOG_BYTES_LIMIT: usize = 10_000;

#[derive(Debug, Clone)]
/// The log lines of a transaction, up to a byte limit.
pub struct LogCollector {
    messages: Vec<String>,
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
            messages: Vec::new(),
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
    pub fn log(&mut self, message: String) {
        let Some(limit) = self.bytes_limit else {
            self.messages.push(message);
            return;
        };
        let bytes_written = self.bytes_written.saturating_add(message.len());
        if bytes_written >= limit {
            if !self.limit_warning {
                self.limit_warning = true;
                self.messages.push("Log truncated".to_string());
            }
        } else {
            self.bytes_written = bytes_written;
            self.messages.push(message);
        }
    }

    /// The lines so far.
    pub fn messages(&self) -> &[String] {
        &self.messages
    }

    /// The lines, consuming the collector.
    pub fn into_messages(self) -> Vec<String> {
        self.messages
    }

    /// `Program <id> invoke [<height>]`.
    pub fn program_invoke(&mut self, program_id: &Pubkey, stack_height: usize) {
        let id = self.key_str(program_id);
        let mut height = DecimalBuffer::default();
        let height = height.format(stack_height as u64);
        self.log(concat(&["Program ", &id, " invoke [", height, "]"]));
    }

    /// `Program log: <message>`.
    pub fn program_log(&mut self, message: &str) {
        self.log(concat(&["Program log: ", message]));
    }

    /// `Program data: <base64> <base64> …`.
    pub fn program_data(&mut self, fields_base64: &[String]) {
        self.log(format!("Program data: {}", fields_base64.join(" ")));
    }

    /// `Program return: <id> <base64>`.
    pub fn program_return(&mut self, program_id: &Pubkey, data_base64: &str) {
        let id = self.key_str(program_id);
        self.log(concat(&["Program return: ", &id, " ", data_base64]));
    }

    /// `Program <id> consumed <n> of <limit> compute units`.
    pub fn program_consumed(&mut self, program_id: &Pubkey, consumed: u64, limit: u64) {
        let id = self.key_str(program_id);
        let (mut consumed_text, mut limit_text) =
            (DecimalBuffer::default(), DecimalBuffer::default());
        self.log(concat(&[
            "Program ",
            &id,
            " consumed ",
            consumed_text.format(consumed),
            " of ",
            limit_text.format(limit),
            " compute units",
        ]));
    }

    /// `Program <id> success`.
    pub fn program_success(&mut self, program_id: &Pubkey) {
        let id = self.key_str(program_id);
        self.log(concat(&["Program ", &id, " success"]));
    }

    /// `Program <id> failed: <error>`.
    pub fn program_failure(&mut self, program_id: &Pubkey, error: &dyn std::fmt::Display) {
        let id = self.key_str(program_id);
        self.log(format!("Program {id} failed: {error}"));
    }
}

/// The parts joined into a string allocated once at its final size: the frame lines are
/// written on every invocation, and `format!` grows its buffer several times per line.
fn concat(parts: &[&str]) -> String {
    let mut line = String::with_capacity(parts.iter().map(|part| part.len()).sum());
    for part in parts {
        line.push_str(part);
    }
    line
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

    #[test]
    fn truncates_once_at_the_limit() {
        let mut collector = LogCollector::new(Some(10));
        collector.log("12345".into());
        collector.log("123456".into());
        collector.log("1234567".into());
        // As in Agave, a later message that still fits under the limit is kept.
        collector.log("1".into());
        assert_eq!(collector.messages(), ["12345", "Log truncated", "1"]);
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
            collector.messages(),
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
