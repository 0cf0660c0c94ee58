//! Compute-unit diffs: `sbfvm diff A.json B.json` compares two `sbfvm run --json` reports
//! of one scenario (two builds of a program, two feature sets, or a report made
//! elsewhere) and names where they first diverge: the instruction, the frame of its
//! invoke tree, the function (when both reports carry profiles), the syscall and the log
//! line, with both sides' values. Wall times are not compared.
//!
//! ```
//! let a = r#"{"expectations_failed":0,"instructions":[{"index":0,"program_id":"P",
//!   "compute_units_consumed":10,"result":"ok","logs":[],"invocations":[]}]}"#;
//! let b = a.replace("\"compute_units_consumed\":10", "\"compute_units_consumed\":12");
//! let diff = sbfvm::diff::diff_reports(a, &b).unwrap();
//! let first = diff.first.as_ref().unwrap();
//! assert_eq!(first.index, 0);
//! assert_eq!(first.compute_units, (10, 12));
//! assert!(sbfvm::diff::diff_reports(a, a).unwrap().first.is_none());
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

use crate::error::Error;

/// The comparison of two reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportDiff {
    /// Instructions and transactions compared.
    pub entries: usize,
    /// How many of them differ.
    pub differing: usize,
    /// The first that differs; `None` when the reports agree.
    pub first: Option<Divergence>,
}

/// Where one instruction (or transaction) of the two reports diverges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Divergence {
    /// `instruction` or `transaction`.
    pub section: &'static str,
    /// Its `index` in the scenario.
    pub index: usize,
    /// Its program, in base58.
    pub program_id: String,
    /// Compute units of each side.
    pub compute_units: (u64, u64),
    /// The result of each side.
    pub result: (String, String),
    /// The first log line that differs: its number and each side's line (`None` past the
    /// end of a side's logs).
    pub log: Option<(usize, Option<String>, Option<String>)>,
    /// The first frame whose own units, result or callees differ.
    pub frame: Option<FrameDivergence>,
    /// The first function (with the path to it) whose units differ, when both reports
    /// carry profiles.
    pub function: Option<FunctionDivergence>,
    /// The first syscall of that frame whose calls or units differ.
    pub syscall: Option<SyscallDivergence>,
    /// Other fields that differ (return data, accounts, fee).
    pub other: Vec<String>,
}

/// A frame of the invoke tree that diverges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameDivergence {
    /// Its position in a pre-order walk of the invoke tree (its trace index when the two
    /// trees have the same shape up to it).
    pub position: usize,
    /// 1 for the top-level frame.
    pub stack_height: u64,
    /// Each side's program.
    pub program_id: (String, String),
    /// Each side's units, callees included.
    pub compute_units: (u64, u64),
    /// Each side's result.
    pub result: (String, String),
    /// What each side spent itself, as `instructions N, cpi N, other N, syscalls N`.
    pub spent: (String, String),
}

/// A function (or syscall call site) of the profiles whose units differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionDivergence {
    /// The innermost function on the path (the caller, for a syscall call site).
    pub function: String,
    /// The profile path (`program;function;…`).
    pub path: String,
    /// Each side's own units and total units there (`None` where a side lacks the node).
    pub units: (Option<Pair>, Option<Pair>),
    /// Each side's calls there.
    pub calls: (Option<u64>, Option<u64>),
}

/// A syscall whose calls or units differ in the diverging frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyscallDivergence {
    /// The syscall's name.
    pub name: String,
    /// Each side's (calls, units); `None` where a side never called it.
    pub usage: (Option<Pair>, Option<Pair>),
}

/// Two numbers of one side: (own units, total units) or (calls, units).
pub type Pair = (u64, u64);

/// Compares the reports `a` and `b` (the text of two `sbfvm run --json` reports). Fails
/// when either is not such a report or when they are of different scenarios.
pub fn diff_reports(a: &str, b: &str) -> Result<ReportDiff, Error> {
    let a = parse(a, "A")?;
    let b = parse(b, "B")?;
    let mut diff = ReportDiff {
        entries: 0,
        differing: 0,
        first: None,
    };
    for (section, key) in [
        ("instruction", "instructions"),
        ("transaction", "transactions"),
    ] {
        let (list_a, list_b) = (entries(&a, key, "A")?, entries(&b, key, "B")?);
        if list_a.len() != list_b.len() {
            return Err(different(format!(
                "A has {} {key}, B has {}",
                list_a.len(),
                list_b.len()
            )));
        }
        for (position, (entry_a, entry_b)) in list_a.iter().zip(list_b).enumerate() {
            let at = format!("{key}[{position}]");
            same_input(entry_a, entry_b, &at)?;
            diff.entries += 1;
            if let Some(divergence) = compare_entry(section, entry_a, entry_b, &at)? {
                diff.differing += 1;
                diff.first.get_or_insert(divergence);
            }
        }
    }
    Ok(diff)
}

fn parse(text: &str, side: &str) -> Result<Value, Error> {
    let value: Value = serde_json::from_str(text)
        .map_err(|error| Error::Report(format!("{side}: not JSON: {error}")))?;
    if !value.get("instructions").is_some_and(Value::is_array) {
        return Err(Error::Report(format!(
            "{side}: not an `sbfvm run --json` report (no `instructions` list)"
        )));
    }
    Ok(value)
}

fn different(message: String) -> Error {
    Error::Report(format!("the reports are of different scenarios: {message}"))
}

fn malformed(side: &str, at: &str, what: &str) -> Error {
    Error::Report(format!("{side}: {at}: {what}"))
}

fn entries<'a>(report: &'a Value, key: &str, side: &str) -> Result<&'a [Value], Error> {
    match report.get(key) {
        None => Ok(&[]),
        Some(Value::Array(list)) => Ok(list),
        Some(_) => Err(malformed(side, key, "not a list")),
    }
}

fn field<'a>(value: &'a Value, key: &str, side: &str, at: &str) -> Result<&'a Value, Error> {
    value
        .get(key)
        .ok_or_else(|| malformed(side, at, &format!("missing `{key}`")))
}

fn number(value: &Value, key: &str, side: &str, at: &str) -> Result<u64, Error> {
    field(value, key, side, at)?
        .as_u64()
        .ok_or_else(|| malformed(side, at, &format!("`{key}` is not a number")))
}

fn text(value: &Value, key: &str, side: &str, at: &str) -> Result<String, Error> {
    field(value, key, side, at)?
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| malformed(side, at, &format!("`{key}` is not a string")))
}

fn list<'a>(value: &'a Value, key: &str, side: &str, at: &str) -> Result<&'a [Value], Error> {
    match value.get(key) {
        None => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(malformed(side, at, &format!("`{key}` is not a list"))),
    }
}

/// The same instruction on both sides: same program and, when both reports record it,
/// the same input digest.
fn same_input(a: &Value, b: &Value, at: &str) -> Result<(), Error> {
    let (program_a, program_b) = (
        text(a, "program_id", "A", at)?,
        text(b, "program_id", "B", at)?,
    );
    if program_a != program_b {
        return Err(different(format!(
            "{at} runs program {program_a} in A, {program_b} in B"
        )));
    }
    if let (Some(input_a), Some(input_b)) = (a.get("input"), b.get("input")) {
        if input_a != input_b {
            return Err(different(format!(
                "{at} has other accounts or data in A than in B (input {} vs {})",
                short(input_a),
                short(input_b)
            )));
        }
    }
    Ok(())
}

fn short(value: &Value) -> String {
    let text = value.as_str().unwrap_or("?");
    text.chars().take(12).collect()
}

fn compare_entry(
    section: &'static str,
    a: &Value,
    b: &Value,
    at: &str,
) -> Result<Option<Divergence>, Error> {
    let units = (
        number(a, "compute_units_consumed", "A", at)?,
        number(b, "compute_units_consumed", "B", at)?,
    );
    let result = (text(a, "result", "A", at)?, text(b, "result", "B", at)?);
    let log = first_log_difference(list(a, "logs", "A", at)?, list(b, "logs", "B", at)?);
    let frame = first_frame_difference(
        list(a, "invocations", "A", at)?,
        list(b, "invocations", "B", at)?,
        at,
    )?;
    let function = match (a.get("profile"), b.get("profile")) {
        (Some(profile_a), Some(profile_b)) => first_function_difference(
            list(profile_a, "frames", "A", at)?,
            list(profile_b, "frames", "B", at)?,
            at,
        )?,
        _ => None,
    };
    let other: Vec<String> = ["return_data", "accounts", "fee"]
        .into_iter()
        .filter(|key| a.get(*key) != b.get(*key))
        .map(|key| format!("{key} differs"))
        .collect();
    let agree = units.0 == units.1
        && result.0 == result.1
        && log.is_none()
        && frame.is_none()
        && function.is_none()
        && other.is_empty();
    if agree {
        return Ok(None);
    }
    let syscall = frame.as_ref().and_then(|(_, syscall)| syscall.clone());
    Ok(Some(Divergence {
        section,
        index: a.get("index").and_then(Value::as_u64).unwrap_or_default() as usize,
        program_id: text(a, "program_id", "A", at)?,
        compute_units: units,
        result,
        log,
        frame: frame.map(|(frame, _)| frame),
        function,
        syscall,
        other,
    }))
}

fn first_log_difference(
    a: &[Value],
    b: &[Value],
) -> Option<(usize, Option<String>, Option<String>)> {
    let line = |logs: &[Value], index: usize| {
        logs.get(index).map(|line| {
            line.as_str()
                .map_or_else(|| line.to_string(), str::to_string)
        })
    };
    (0..a.len().max(b.len()))
        .find(|&index| a.get(index) != b.get(index))
        .map(|index| (index, line(a, index), line(b, index)))
}

/// A frame's own spending: `instructions`, `cpi`, `other` and units by syscall.
struct Spent {
    instructions: u64,
    cpi: u64,
    other: u64,
    syscalls: BTreeMap<String, (u64, u64)>,
}

impl Spent {
    fn read(frame: &Value, side: &str, at: &str) -> Result<Self, Error> {
        let cost = field(frame, "cost", side, at)?;
        let mut syscalls = BTreeMap::new();
        if let Some(map) = cost.get("syscalls").and_then(Value::as_object) {
            for (name, usage) in map {
                let at = format!("{at}.cost.syscalls.{name}");
                syscalls.insert(
                    name.clone(),
                    (
                        number(usage, "calls", side, &at)?,
                        number(usage, "compute_units", side, &at)?,
                    ),
                );
            }
        }
        Ok(Self {
            instructions: number(cost, "instructions", side, at)?,
            cpi: number(cost, "cpi", side, at)?,
            other: number(cost, "other", side, at)?,
            syscalls,
        })
    }

    fn differs(&self, other: &Self) -> bool {
        (self.instructions, self.cpi, self.other, &self.syscalls)
            != (other.instructions, other.cpi, other.other, &other.syscalls)
    }

    fn describe(&self) -> String {
        let syscalls: u64 = self.syscalls.values().map(|(_, units)| units).sum();
        format!(
            "instructions {}, syscalls {syscalls}, cpi {}, other {}",
            self.instructions, self.cpi, self.other
        )
    }
}

/// The first frame, in a pre-order walk of both invoke trees, whose program, result, own
/// spending or number of callees differs, with the first of its syscalls that differs.
fn first_frame_difference(
    a: &[Value],
    b: &[Value],
    at: &str,
) -> Result<Option<(FrameDivergence, Option<SyscallDivergence>)>, Error> {
    let mut stack: Vec<(&Value, &Value, String)> = a
        .iter()
        .zip(b)
        .enumerate()
        .rev()
        .map(|(position, (a, b))| (a, b, format!("{at}.invocations[{position}]")))
        .collect();
    let mut position = 0;
    while let Some((frame_a, frame_b, at)) = stack.pop() {
        let program = (
            text(frame_a, "program_id", "A", &at)?,
            text(frame_b, "program_id", "B", &at)?,
        );
        let result = (
            text(frame_a, "result", "A", &at)?,
            text(frame_b, "result", "B", &at)?,
        );
        let (spent_a, spent_b) = (
            Spent::read(frame_a, "A", &at)?,
            Spent::read(frame_b, "B", &at)?,
        );
        let (callees_a, callees_b) = (
            list(frame_a, "invocations", "A", &at)?,
            list(frame_b, "invocations", "B", &at)?,
        );
        if program.0 != program.1
            || result.0 != result.1
            || spent_a.differs(&spent_b)
            || callees_a.len() != callees_b.len()
        {
            let frame = FrameDivergence {
                position,
                stack_height: number(frame_a, "stack_height", "A", &at)?,
                program_id: program,
                compute_units: (
                    number(frame_a, "compute_units_consumed", "A", &at)?,
                    number(frame_b, "compute_units_consumed", "B", &at)?,
                ),
                result,
                spent: (spent_a.describe(), spent_b.describe()),
            };
            let names: std::collections::BTreeSet<&String> = spent_a
                .syscalls
                .keys()
                .chain(spent_b.syscalls.keys())
                .collect();
            let syscall = names
                .into_iter()
                .find(|name| spent_a.syscalls.get(*name) != spent_b.syscalls.get(*name))
                .map(|name| SyscallDivergence {
                    name: name.clone(),
                    usage: (
                        spent_a.syscalls.get(name).copied(),
                        spent_b.syscalls.get(name).copied(),
                    ),
                });
            return Ok(Some((frame, syscall)));
        }
        position += 1;
        for (index, (callee_a, callee_b)) in callees_a.iter().zip(callees_b).enumerate().rev() {
            stack.push((callee_a, callee_b, format!("{at}.invocations[{index}]")));
        }
    }
    Ok(None)
}

/// A profile node as the diff reads it.
struct Node<'a> {
    name: &'a str,
    kind: &'a str,
    units: u64,
    calls: u64,
    children: &'a [Value],
}

impl<'a> Node<'a> {
    fn read(value: &'a Value, side: &str, at: &str) -> Result<Self, Error> {
        let name = field(value, "name", side, at)?
            .as_str()
            .ok_or_else(|| malformed(side, at, "a profile node's `name` is not a string"))?;
        let kind = field(value, "kind", side, at)?
            .as_str()
            .ok_or_else(|| malformed(side, at, "a profile node's `kind` is not a string"))?;
        Ok(Self {
            name,
            kind,
            units: number(value, "units", side, at)?,
            calls: number(value, "calls", side, at)?,
            children: list(value, "children", side, at)?,
        })
    }

    fn total(&self, side: &str, at: &str) -> Result<u64, Error> {
        let mut total = self.units;
        for child in self.children {
            total += Node::read(child, side, at)?.total(side, at)?;
        }
        Ok(total)
    }
}

/// The first profile node, in a pre-order walk pairing children by kind and name, whose
/// own units or calls differ, or that one side lacks.
fn first_function_difference(
    a: &[Value],
    b: &[Value],
    at: &str,
) -> Result<Option<FunctionDivergence>, Error> {
    let at = format!("{at}.profile");
    walk_profiles(a, b, &mut Vec::new(), &at)
}

fn walk_profiles<'a>(
    a: &'a [Value],
    b: &'a [Value],
    path: &mut Vec<(&'a str, &'a str)>,
    at: &str,
) -> Result<Option<FunctionDivergence>, Error> {
    let nodes_b = b
        .iter()
        .map(|value| Node::read(value, "B", at))
        .collect::<Result<Vec<_>, _>>()?;
    let mut matched = vec![false; nodes_b.len()];
    for value in a {
        let node_a = Node::read(value, "A", at)?;
        let found = nodes_b.iter().enumerate().find(|(index, node)| {
            !matched[*index] && node.kind == node_a.kind && node.name == node_a.name
        });
        path.push((node_a.name, node_a.kind));
        let Some((index, node_b)) = found else {
            return Ok(Some(divergence(path, Some(&node_a), None, at)?));
        };
        matched[index] = true;
        if (node_a.units, node_a.calls) != (node_b.units, node_b.calls) {
            return Ok(Some(divergence(path, Some(&node_a), Some(node_b), at)?));
        }
        if let Some(found) = walk_profiles(node_a.children, node_b.children, path, at)? {
            return Ok(Some(found));
        }
        path.pop();
    }
    if let Some(index) = matched.iter().position(|matched| !matched) {
        let node_b = &nodes_b[index];
        path.push((node_b.name, node_b.kind));
        return Ok(Some(divergence(path, None, Some(node_b), at)?));
    }
    Ok(None)
}

fn divergence(
    path: &[(&str, &str)],
    a: Option<&Node<'_>>,
    b: Option<&Node<'_>>,
    at: &str,
) -> Result<FunctionDivergence, Error> {
    let function = path
        .iter()
        .rev()
        .find(|(_, kind)| *kind == "function")
        .map_or("(none)", |(name, _)| name)
        .to_string();
    let units = |node: Option<&Node<'_>>, side: &str| -> Result<Option<(u64, u64)>, Error> {
        node.map(|node| Ok((node.units, node.total(side, at)?)))
            .transpose()
    };
    Ok(FunctionDivergence {
        function,
        path: path
            .iter()
            .map(|(name, _)| *name)
            .collect::<Vec<_>>()
            .join(";"),
        units: (units(a, "A")?, units(b, "B")?),
        calls: (a.map(|node| node.calls), b.map(|node| node.calls)),
    })
}

fn side_units(units: Option<(u64, u64)>) -> String {
    match units {
        Some((own, total)) => format!("self {own} CU, total {total} CU"),
        None => "absent".into(),
    }
}

fn side_usage(usage: Option<(u64, u64)>) -> String {
    match usage {
        Some((calls, units)) => format!("{calls} calls, {units} CU"),
        None => "never called".into(),
    }
}

fn signed(a: u64, b: u64) -> String {
    let delta = i128::from(b) - i128::from(a);
    format!("{delta:+}")
}

impl fmt::Display for ReportDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(first) = &self.first else {
            return writeln!(
                f,
                "the reports agree: {} instruction(s), same compute units, results, logs, \
                 return data and accounts",
                self.entries
            );
        };
        writeln!(
            f,
            "the reports differ in {} of {} instruction(s); the first is {} {} (program {}):",
            self.differing, self.entries, first.section, first.index, first.program_id
        )?;
        let (a, b) = first.compute_units;
        writeln!(f, "  compute units: A {a}, B {b} ({})", signed(a, b))?;
        if first.result.0 != first.result.1 {
            writeln!(f, "  result: A {}, B {}", first.result.0, first.result.1)?;
        }
        if let Some(frame) = &first.frame {
            let (a, b) = frame.compute_units;
            writeln!(
                f,
                "  frame #{} (stack height {}, program {}): A {a} CU, B {b} CU ({})",
                frame.position,
                frame.stack_height,
                frame.program_id.0,
                signed(a, b)
            )?;
            if frame.program_id.0 != frame.program_id.1 {
                writeln!(f, "    program: B runs {}", frame.program_id.1)?;
            }
            if frame.result.0 != frame.result.1 {
                writeln!(f, "    result: A {}, B {}", frame.result.0, frame.result.1)?;
            }
            writeln!(f, "    A spent: {}", frame.spent.0)?;
            writeln!(f, "    B spent: {}", frame.spent.1)?;
        }
        if let Some(function) = &first.function {
            writeln!(f, "  function {}: at {}", function.function, function.path)?;
            writeln!(
                f,
                "    A: {}; B: {}",
                side_units(function.units.0),
                side_units(function.units.1)
            )?;
            if function.calls.0 != function.calls.1 {
                let show = |calls: Option<u64>| calls.map_or("absent".into(), |c| c.to_string());
                writeln!(
                    f,
                    "    calls: A {}, B {}",
                    show(function.calls.0),
                    show(function.calls.1)
                )?;
            }
        }
        if let Some(syscall) = &first.syscall {
            writeln!(
                f,
                "  syscall {}: A {}; B {}",
                syscall.name,
                side_usage(syscall.usage.0),
                side_usage(syscall.usage.1)
            )?;
        }
        if let Some((line, a, b)) = &first.log {
            let show = |line: &Option<String>| line.clone().unwrap_or_else(|| "(none)".into());
            writeln!(f, "  log line {line}: A {:?}", show(a))?;
            writeln!(
                f,
                "  {:>width$}  B {:?}",
                "",
                show(b),
                width = 9 + line.to_string().len()
            )?;
        }
        for other in &first.other {
            writeln!(f, "  {other}")?;
        }
        Ok(())
    }
}
