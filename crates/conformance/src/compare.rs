//! Field-by-field comparison of expected and produced effects: the first differing field
//! is the verdict, and every field can be listed side by side for `--verbose`.

use std::fmt::Write as _;

/// A compared value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// An unsigned integer (registers, compute units, sizes), shown in decimal and hex.
    U64(u64),
    /// A signed integer.
    I64(i64),
    /// A flag.
    Bool(bool),
    /// Bytes, shown as hex from the first differing byte.
    Bytes(Vec<u8>),
    /// Text compared exactly and shown line by line (logs).
    Text(String),
    /// A list of integers (the ELF loader's call destinations), compared element by element.
    U64List(Vec<u64>),
    /// Input data regions: (offset, writable, content).
    Regions(Vec<(u64, bool, Vec<u8>)>),
    /// An error code with its kind; `label` is for display only.
    Error(ErrorCode),
    /// Accounts: (address, lamports, data, executable, rent_epoch, owner).
    Accounts(Vec<AccountValue>),
}

/// An error code: `(kind, code)` is compared, `label` only shown.
#[derive(Clone, Debug)]
pub struct ErrorCode {
    /// The fixture's `error_kind` (a `proto::ErrKind` value); 0 for families that record
    /// no kind, -1 for an sbfvm-only error.
    pub kind: i32,
    /// The error number within its kind; 0 for success.
    pub code: i64,
    /// A readable name of the error (`SYSCALL Abort`, `SIGSEGV`, …), not compared.
    pub label: String,
}

impl PartialEq for ErrorCode {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.code == other.code
    }
}

/// One account's full state.
#[derive(Clone, Debug, PartialEq)]
pub struct AccountValue {
    /// The account's address (32 bytes in a well-formed fixture).
    pub address: Vec<u8>,
    /// Balance in lamports.
    pub lamports: u64,
    /// The account's data.
    pub data: Vec<u8>,
    /// Whether the account is marked executable.
    pub executable: bool,
    /// The epoch at which rent is next due.
    pub rent_epoch: u64,
    /// The owning program's address (32 bytes in a well-formed fixture).
    pub owner: Vec<u8>,
}

/// One compared field.
#[derive(Clone, Debug)]
pub struct Row {
    /// The field's name in the effects message (`r0`, `stack`, `modified_accounts`, …).
    pub field: String,
    /// The value the fixture expects.
    pub expected: Value,
    /// The value sbfvm produced.
    pub got: Value,
}

impl Row {
    /// A row comparing `expected` with `got` under the name `field`.
    pub fn new(field: impl Into<String>, expected: Value, got: Value) -> Self {
        Self {
            field: field.into(),
            expected,
            got,
        }
    }

    /// A row of two integers.
    pub fn u64(field: impl Into<String>, expected: u64, got: u64) -> Self {
        Self::new(field, Value::U64(expected), Value::U64(got))
    }

    /// A row of two flags.
    pub fn flag(field: impl Into<String>, expected: bool, got: bool) -> Self {
        Self::new(field, Value::Bool(expected), Value::Bool(got))
    }

    /// A row of two byte strings.
    pub fn bytes(field: impl Into<String>, expected: &[u8], got: &[u8]) -> Self {
        Self::new(
            field,
            Value::Bytes(expected.to_vec()),
            Value::Bytes(got.to_vec()),
        )
    }

    /// Whether the produced value equals the expected one.
    pub fn matches(&self) -> bool {
        self.expected == self.got
    }
}

/// The first differing field, described.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// The differing field, narrowed to the differing region or account and its part where
    /// there is one (`input_data_regions[0].content`).
    pub field: String,
    /// The expected value as text, around the first difference.
    pub expected: String,
    /// The produced value as text, around the first difference.
    pub got: String,
}

/// The first row whose values differ.
pub fn first_mismatch(rows: &[Row]) -> Option<Mismatch> {
    rows.iter().find(|row| !row.matches()).map(|row| {
        let (field, expected, got) = describe(&row.field, &row.expected, &row.got);
        Mismatch {
            field,
            expected,
            got,
        }
    })
}

fn hex_window(bytes: &[u8], at: usize) -> String {
    let end = bytes.len().min(at.saturating_add(16));
    if at >= bytes.len() {
        return "<end>".to_string();
    }
    let more = if end < bytes.len() { "…" } else { "" };
    format!("{}{more}", hex::encode(&bytes[at..end]))
}

fn first_difference(a: &[u8], b: &[u8]) -> Option<usize> {
    let common = a.len().min(b.len());
    // Compare 4 KiB blocks with memcmp first: stacks are 256 KiB and mostly zero.
    let mut start = 0;
    while start < common {
        let end = common.min(start + 4096);
        if a[start..end] != b[start..end] {
            return (start..end).find(|&i| a[i] != b[i]);
        }
        start = end;
    }
    (a.len() != b.len()).then_some(common)
}

fn describe_bytes(expected: &[u8], got: &[u8]) -> (String, String) {
    let at = first_difference(expected, got).unwrap_or(0);
    (
        format!(
            "len {}, at byte {at:#x}: {}",
            expected.len(),
            hex_window(expected, at)
        ),
        format!(
            "len {}, at byte {at:#x}: {}",
            got.len(),
            hex_window(got, at)
        ),
    )
}

/// Short text of a value (for the side-by-side view and simple mismatches).
pub fn short(value: &Value) -> String {
    match value {
        Value::U64(v) => format!("{v} ({v:#x})"),
        Value::I64(v) => v.to_string(),
        Value::Bool(v) => v.to_string(),
        Value::Bytes(bytes) => {
            if bytes.len() <= 32 {
                format!("len {}: {}", bytes.len(), hex::encode(bytes))
            } else {
                let nonzero = bytes.iter().filter(|b| **b != 0).count();
                format!(
                    "len {}, {} non-zero, starts {}…",
                    bytes.len(),
                    nonzero,
                    hex::encode(&bytes[..16])
                )
            }
        }
        Value::Text(text) => {
            if text.is_empty() {
                "<empty>".to_string()
            } else {
                format!("{:?}", text)
            }
        }
        Value::U64List(list) if list.len() <= 12 => format!("{list:?}"),
        Value::U64List(list) => format!("len {}: {:?}…", list.len(), &list[..12]),
        Value::Regions(regions) => {
            let parts: Vec<String> = regions
                .iter()
                .map(|(offset, writable, content)| {
                    format!(
                        "{{offset {offset:#x}, {}, {}}}",
                        if *writable { "rw" } else { "ro" },
                        short(&Value::Bytes(content.clone()))
                    )
                })
                .collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Error(code) => format!("{} ({})", code.code, code.label),
        Value::Accounts(accounts) => {
            let parts: Vec<String> = accounts.iter().map(account_short).collect();
            format!("[{}]", parts.join(", "))
        }
    }
}

fn account_short(account: &AccountValue) -> String {
    format!(
        "{{{} lamports {}, data {}, executable {}, rent_epoch {}, owner {}}}",
        base58(&account.address),
        account.lamports,
        short(&Value::Bytes(account.data.clone())),
        account.executable,
        account.rent_epoch,
        base58(&account.owner)
    )
}

/// The first difference of two values: the field (narrowed to the differing element or
/// sub-field where there is one) and the expected and produced text.
fn describe(field: &str, expected: &Value, got: &Value) -> (String, String, String) {
    match (expected, got) {
        (Value::Bytes(a), Value::Bytes(b)) => {
            let (e, g) = describe_bytes(a, b);
            (field.to_string(), e, g)
        }
        (Value::Text(a), Value::Text(b)) => {
            let (e, g) = describe_text(a, b);
            (field.to_string(), e, g)
        }
        (Value::U64List(a), Value::U64List(b)) => {
            let (e, g) = describe_list(a, b);
            (field.to_string(), e, g)
        }
        (Value::Regions(a), Value::Regions(b)) => describe_regions(field, a, b)
            .unwrap_or_else(|| (field.to_string(), short(expected), short(got))),
        (Value::Accounts(a), Value::Accounts(b)) => describe_accounts(field, a, b)
            .unwrap_or_else(|| (field.to_string(), short(expected), short(got))),
        _ => (field.to_string(), short(expected), short(got)),
    }
}

/// The first differing line of two logs.
fn describe_text(expected: &str, got: &str) -> (String, String) {
    let a_lines: Vec<&str> = expected.split('\n').collect();
    let b_lines: Vec<&str> = got.split('\n').collect();
    let line = (0..a_lines.len().max(b_lines.len()))
        .find(|&i| a_lines.get(i) != b_lines.get(i))
        .unwrap_or(0);
    let show = |lines: &[&str]| match lines.get(line) {
        Some(text) => format!("line {line}: {text:?} ({} lines)", lines.len()),
        None => format!("line {line}: <none> ({} lines)", lines.len()),
    };
    (show(&a_lines), show(&b_lines))
}

/// The first differing element of two lists.
fn describe_list(expected: &[u64], got: &[u64]) -> (String, String) {
    let at = (0..expected.len().max(got.len()))
        .find(|&i| expected.get(i) != got.get(i))
        .unwrap_or(0);
    let show = |list: &[u64]| {
        format!(
            "len {}, [{at}] = {}",
            list.len(),
            list.get(at)
                .map(|v| v.to_string())
                .unwrap_or_else(|| "<none>".into())
        )
    };
    (show(expected), show(got))
}

type Region = (u64, bool, Vec<u8>);

/// The first differing region and part of it; `None` when no part differs.
fn describe_regions(
    field: &str,
    expected: &[Region],
    got: &[Region],
) -> Option<(String, String, String)> {
    if expected.len() != got.len() {
        let (e, g) = (expected.len().to_string(), got.len().to_string());
        return Some((format!("{field}.len"), e, g));
    }
    for (index, (x, y)) in expected.iter().zip(got).enumerate() {
        let part =
            |name: &str, e: String, g: String| Some((format!("{field}[{index}].{name}"), e, g));
        if x.0 != y.0 {
            return part("offset", x.0.to_string(), y.0.to_string());
        }
        if x.1 != y.1 {
            return part("is_writable", x.1.to_string(), y.1.to_string());
        }
        if x.2 != y.2 {
            let (e, g) = describe_bytes(&x.2, &y.2);
            return part("content", e, g);
        }
    }
    None
}

/// The first differing account and state field; `None` when none differs.
fn describe_accounts(
    field: &str,
    expected: &[AccountValue],
    got: &[AccountValue],
) -> Option<(String, String, String)> {
    for index in 0..expected.len().max(got.len()) {
        match (expected.get(index), got.get(index)) {
            (Some(x), Some(y)) if x == y => continue,
            (Some(x), Some(y)) if x.address != y.address => {
                let (e, g) = (base58(&x.address), base58(&y.address));
                return Some((format!("{field}[{index}].address"), e, g));
            }
            (Some(x), Some(y)) => {
                let name = format!("{field}[{index}] ({})", base58(&x.address));
                return Some(describe_account(&name, x, y));
            }
            (x, y) => {
                let show = |account: Option<&AccountValue>| {
                    account
                        .map(account_short)
                        .unwrap_or_else(|| "<none>".into())
                };
                return Some((format!("{field}[{index}]"), show(x), show(y)));
            }
        }
    }
    None
}

/// The first differing state field of one account (same address, different state).
fn describe_account(
    name: &str,
    expected: &AccountValue,
    got: &AccountValue,
) -> (String, String, String) {
    let (x, y) = (expected, got);
    let state = |field: &str, e: String, g: String| (format!("{name}.{field}"), e, g);
    if x.lamports != y.lamports {
        return state("lamports", x.lamports.to_string(), y.lamports.to_string());
    }
    if x.data != y.data {
        let (e, g) = describe_bytes(&x.data, &y.data);
        return state("data", e, g);
    }
    if x.executable != y.executable {
        return state(
            "executable",
            x.executable.to_string(),
            y.executable.to_string(),
        );
    }
    if x.rent_epoch != y.rent_epoch {
        return state(
            "rent_epoch",
            x.rent_epoch.to_string(),
            y.rent_epoch.to_string(),
        );
    }
    state("owner", base58(&x.owner), base58(&y.owner))
}

fn base58(bytes: &[u8]) -> String {
    bs58::encode(bytes).into_string()
}

/// A side-by-side listing of every row, marking the differing ones.
pub fn side_by_side(rows: &[Row]) -> String {
    let mut out = String::new();
    let width = rows
        .iter()
        .map(|row| row.field.len())
        .max()
        .unwrap_or(5)
        .max(5);
    let _ = writeln!(out, "  {:width$}  {:<50}  got", "field", "expected");
    for row in rows {
        let (mark, expected, got) = if row.matches() {
            (' ', short(&row.expected), short(&row.got))
        } else {
            let (_, e, g) = describe(&row.field, &row.expected, &row.got);
            ('!', e, g)
        };
        let _ = writeln!(out, "{mark} {:width$}  {expected:<50}  {got}", row.field);
        if !row.matches() {
            if let (Value::Text(a), Value::Text(b)) = (&row.expected, &row.got) {
                let _ = writeln!(out, "    expected:");
                for line in a.split('\n') {
                    let _ = writeln!(out, "      {line}");
                }
                let _ = writeln!(out, "    got:");
                for line in b.split('\n') {
                    let _ = writeln!(out, "      {line}");
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_difference_in_large_buffers() {
        let a = vec![0u8; 10_000];
        let mut b = a.clone();
        b[9_000] = 1;
        assert_eq!(first_difference(&a, &b), Some(9_000));
        assert_eq!(first_difference(&a, &a), None);
        assert_eq!(first_difference(&a[..5], &a), Some(5));
    }

    #[test]
    fn reports_first_differing_row() {
        let rows = vec![
            Row::new("a", Value::U64(1), Value::U64(1)),
            Row::new("b", Value::Bytes(vec![1, 2]), Value::Bytes(vec![1, 3])),
        ];
        let mismatch = first_mismatch(&rows).unwrap();
        assert_eq!(mismatch.field, "b");
        assert!(mismatch.expected.contains("at byte 0x1: 02"));
    }
}
