//! Reports of a scenario run: the `--json` object ([`JsonReport`]) and a human report with
//! the invoke tree, logs, return data and account changes.

use std::fmt::Write as _;

use std::collections::BTreeMap;

use base64::Engine;
use serde::Serialize;
use solana_account::Account;

use crate::runner::{InstructionReport, RunReport};
use crate::Invocation;

fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

// The `--json` report. Each struct lists its fields in alphabetical order: the order the
// report's keys have always had (serde_json sorts the keys of a map).

/// The `--json` report of a scenario run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JsonReport {
    /// Instruction coverage of every program that ran ([`crate::coverage`]); omitted
    /// when the run was not asked for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<crate::coverage::Coverage>,
    /// Failed `expect` checks, all instructions together.
    pub expectations_failed: usize,
    /// One entry per instruction, in scenario order.
    pub instructions: Vec<JsonInstruction>,
    /// One entry per `[[transactions]]` entry, in scenario order, with its `fee`; omitted
    /// when the scenario has none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub transactions: Vec<JsonInstruction>,
}

/// One instruction of [`JsonReport`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JsonInstruction {
    /// The accounts the instruction referenced, as they are after it.
    pub accounts: Vec<JsonAccount>,
    /// Compute units of the instruction's transaction.
    pub compute_units_consumed: u64,
    /// The fee a `[[transactions]]` entry paid; omitted for instructions, which pay none,
    /// and for a transaction rejected before its fee was charged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fee: Option<JsonFee>,
    /// Position of the instruction in the scenario's `instructions`.
    pub index: usize,
    /// SHA-256 (hex) of the instruction's program id, account metas and data: equal in
    /// two reports of the same scenario.
    pub input: String,
    /// The invoke tree, CPIs nested under their caller.
    pub invocations: Vec<JsonInvocation>,
    /// The transaction's log lines.
    pub logs: Vec<String>,
    /// sbfvm's notes about the run, outside Agave's logs (e.g. a program sbfvm does not
    /// provide); omitted when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Compute units per function across the CPI tree ([`crate::profile`]); omitted when
    /// the run was not profiled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<crate::profile::InstructionProfile>,
    /// The program the instruction invokes, in base58.
    pub program_id: String,
    /// `ok`, or the error as [`crate::Outcome::result_string`] writes it.
    pub result: String,
    /// The return data after the instruction; `None` when there is none.
    pub return_data: Option<JsonReturnData>,
}

/// The fee of a transaction, in lamports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct JsonFee {
    /// The compute-unit price times the limit, rounded up.
    pub prioritization_fee: u64,
    /// 5,000 per transaction and precompile signature.
    pub transaction_fee: u64,
}

/// One frame of the invoke tree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JsonInvocation {
    /// Compute units of the frame, callees included.
    pub compute_units_consumed: u64,
    /// Where the frame's own units went.
    pub cost: JsonCost,
    /// The frames it invoked by CPI, in execution order.
    pub invocations: Vec<JsonInvocation>,
    /// The program the frame ran, in base58.
    pub program_id: String,
    /// `ok`, or the `{:?}` of the instruction error the frame failed with.
    pub result: String,
    /// 1 for the top-level instruction, one more per level of CPI.
    pub stack_height: usize,
    /// Wall time of the frame in nanoseconds, callees included, of this one run; absent
    /// unless frames were timed (`sbfvm run` times them; `Sbfvm::set_frame_timing`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wall_time_ns: Option<u64>,
}

/// A frame's own compute units, split by what paid for them ([`crate::Cost`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JsonCost {
    /// Units the CPI syscalls charged themselves, without the callees.
    pub cpi: u64,
    /// SBF instructions executed (1 CU each).
    pub instructions: u64,
    /// Units charged outside the VM: the heap charge, a builtin's own charge, and the
    /// units a VM fault drains.
    pub other: u64,
    /// By syscall name.
    pub syscalls: BTreeMap<&'static str, JsonSyscallUsage>,
}

/// Calls of one syscall and the units they charged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct JsonSyscallUsage {
    /// Number of calls.
    pub calls: u64,
    /// Compute units the calls charged, together.
    pub compute_units: u64,
}

/// An account after the instruction; `data` is base64.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JsonAccount {
    /// The account data, in base64.
    pub data: String,
    /// The account's `executable` flag.
    pub executable: bool,
    /// Balance in lamports.
    pub lamports: u64,
    /// The owner program, in base58.
    pub owner: String,
    /// The account's key, in base58.
    pub pubkey: String,
}

/// The return data and the program that set it; `data` is base64.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JsonReturnData {
    /// The return data, in base64.
    pub data: String,
    /// The program that set it, in base58.
    pub program_id: String,
}

impl JsonInvocation {
    fn new(invocation: &Invocation) -> Self {
        let cost = &invocation.cost;
        Self {
            compute_units_consumed: invocation.compute_units_consumed,
            cost: JsonCost {
                cpi: cost.cpi,
                instructions: cost.instructions,
                other: cost.other,
                syscalls: cost
                    .syscalls
                    .iter()
                    .map(|&(name, calls, compute_units)| {
                        let usage = JsonSyscallUsage {
                            calls,
                            compute_units,
                        };
                        (name, usage)
                    })
                    .collect(),
            },
            invocations: invocation.invocations.iter().map(Self::new).collect(),
            program_id: invocation.program_id.to_string(),
            result: invocation.result_string(),
            stack_height: invocation.stack_height,
            wall_time_ns: invocation.wall_time.map(|time| time.as_nanos() as u64),
        }
    }
}

impl JsonAccount {
    fn new(key: &solana_pubkey::Pubkey, account: &Account) -> Self {
        Self {
            data: base64(&account.data),
            executable: account.executable,
            lamports: account.lamports,
            owner: account.owner.to_string(),
            pubkey: key.to_string(),
        }
    }
}

impl JsonInstruction {
    fn new(report: &InstructionReport) -> Self {
        let outcome = &report.outcome;
        Self {
            accounts: report
                .accounts
                .iter()
                .map(|(key, _, after)| JsonAccount::new(key, after))
                .collect(),
            compute_units_consumed: outcome.compute_units_consumed(),
            fee: outcome.fee().map(|fee| JsonFee {
                prioritization_fee: fee.prioritization_fee,
                transaction_fee: fee.transaction_fee,
            }),
            index: report.index,
            input: hex::encode(report.input_digest),
            invocations: outcome
                .invocations
                .iter()
                .map(JsonInvocation::new)
                .collect(),
            logs: outcome.logs().to_vec(),
            notes: outcome.transaction.diagnostics.clone(),
            profile: report.profile.clone(),
            program_id: report.program_id.to_string(),
            result: outcome.result_string(),
            return_data: outcome
                .return_data()
                .map(|(program_id, data)| JsonReturnData {
                    data: base64(data),
                    program_id: program_id.to_string(),
                }),
        }
    }
}

/// The `--json` report.
pub fn json_report(report: &RunReport) -> JsonReport {
    JsonReport {
        coverage: report.coverage.clone(),
        expectations_failed: report.expectations_failed(),
        instructions: report
            .instructions
            .iter()
            .map(JsonInstruction::new)
            .collect(),
        transactions: report
            .transactions
            .iter()
            .map(JsonInstruction::new)
            .collect(),
    }
}

fn write_tree(out: &mut String, invocation: &Invocation, depth: usize) {
    let indent = "  ".repeat(depth);
    let branch = if depth == 0 { "" } else { "└─ " };
    let _ = writeln!(
        out,
        // One run's wall time, JIT compilation and first-touch faults included: a cost
        // figure needs `sbfvm bench FILE`, which times warm runs from a reset state.
        "    {indent}{branch}{} [{}] {} CU {}{}",
        invocation.program_id,
        invocation.stack_height,
        invocation.compute_units_consumed,
        invocation.result_string(),
        invocation
            .wall_time
            .map(|time| format!(" ({:.1} µs, one run)", time.as_secs_f64() * 1e6))
            .unwrap_or_default(),
    );
    let cost = &invocation.cost;
    let mut parts = vec![format!("instructions {}", cost.instructions)];
    if cost.cpi > 0 {
        parts.push(format!("cpi {}", cost.cpi));
    }
    if cost.other > 0 {
        parts.push(format!("other {}", cost.other));
    }
    let _ = writeln!(out, "    {indent}     · {}", parts.join(", "));
    for (name, calls, units) in &cost.syscalls {
        let _ = writeln!(out, "    {indent}     · {name} ×{calls}: {units} CU");
    }
    for child in &invocation.invocations {
        write_tree(out, child, depth + 1);
    }
}

/// Byte ranges where two buffers differ (over the common length), merged.
pub fn changed_ranges(before: &[u8], after: &[u8]) -> Vec<(usize, usize)> {
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for index in 0..before.len().min(after.len()) {
        if before[index] != after[index] {
            match ranges.last_mut() {
                Some((_, end)) if *end == index => *end = index + 1,
                _ => ranges.push((index, index + 1)),
            }
        }
    }
    ranges
}

fn write_account_change(
    out: &mut String,
    key: &solana_pubkey::Pubkey,
    before: &Account,
    after: &Account,
) {
    if before == after {
        return;
    }
    let mut parts = Vec::new();
    if before.lamports != after.lamports {
        parts.push(format!("lamports {} → {}", before.lamports, after.lamports));
    }
    if before.owner != after.owner {
        parts.push(format!("owner {} → {}", before.owner, after.owner));
    }
    if before.data.len() != after.data.len() {
        parts.push(format!(
            "data length {} → {}",
            before.data.len(),
            after.data.len()
        ));
    }
    let ranges = changed_ranges(&before.data, &after.data);
    if !ranges.is_empty() {
        let shown: Vec<String> = ranges
            .iter()
            .take(8)
            .map(|(s, e)| format!("[{s}..{e})"))
            .collect();
        let more = if ranges.len() > 8 {
            format!(" (+{} more)", ranges.len() - 8)
        } else {
            String::new()
        };
        parts.push(format!("bytes {}{more} changed", shown.join(", ")));
    }
    if after.data.len() > before.data.len() {
        let grown = &after.data[before.data.len()..];
        let preview = &grown[..grown.len().min(16)];
        parts.push(format!(
            "new bytes hex:{}{}",
            hex::encode(preview),
            if grown.len() > 16 { "…" } else { "" }
        ));
    }
    if before.executable != after.executable {
        parts.push(format!(
            "executable {} → {}",
            before.executable, after.executable
        ));
    }
    let _ = writeln!(out, "    {key}: {}", parts.join("; "));
}

/// One instruction's or transaction's part of the human report.
fn write_instruction(out: &mut String, kind: &str, instruction: &InstructionReport) {
    let outcome = &instruction.outcome;
    let label = instruction
        .name
        .as_ref()
        .map(|name| format!(" {name}"))
        .unwrap_or_default();
    let fee = outcome
        .fee()
        .map(|fee| format!(", fee {} lamports", fee.total()))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{kind} #{}{label}: {} — {} ({} CU{fee})",
        instruction.index,
        instruction.program_id,
        outcome.result_string(),
        outcome.compute_units_consumed()
    );
    if !outcome.invocations.is_empty() {
        let _ = writeln!(out, "  invoke tree:");
        for invocation in &outcome.invocations {
            write_tree(out, invocation, 0);
        }
    }
    if !outcome.logs().is_empty() {
        let _ = writeln!(out, "  logs:");
        for line in outcome.logs() {
            let _ = writeln!(out, "    {line}");
        }
    }
    if let Some((program_id, data)) = outcome.return_data() {
        let _ = writeln!(out, "  return data: {program_id} hex:{}", hex::encode(data));
    }
    for note in &outcome.transaction.diagnostics {
        let _ = writeln!(out, "  note: {note}");
    }
    let changed: Vec<_> = instruction
        .accounts
        .iter()
        .filter(|(_, before, after)| before != after)
        .collect();
    if !changed.is_empty() {
        let _ = writeln!(out, "  account changes:");
        for (key, before, after) in changed {
            write_account_change(out, key, before, after);
        }
    }
    if !instruction.expectation_failures.is_empty() {
        let _ = writeln!(out, "  EXPECTATIONS FAILED:");
        for failure in &instruction.expectation_failures {
            let _ = writeln!(out, "    ✗ {failure}");
        }
    }
    let _ = writeln!(out);
}

/// The human-readable report.
pub fn human_report(report: &RunReport) -> String {
    let mut out = String::new();
    for warning in &report.warnings {
        let _ = writeln!(out, "warning: {warning}");
    }
    for instruction in &report.instructions {
        write_instruction(&mut out, "instruction", instruction);
    }
    for transaction in &report.transactions {
        write_instruction(&mut out, "transaction", transaction);
    }
    let failed = report.expectations_failed();
    let transactions = match report.transactions.len() {
        0 => String::new(),
        count => format!(" and {count} transaction(s)"),
    };
    let _ = writeln!(
        out,
        "{} instruction(s){transactions} run in {} mode; {}",
        report.instructions.len(),
        match report.mode {
            sbfvm_vm::ExecutionMode::Interpreter => "interpreter",
            sbfvm_vm::ExecutionMode::Jit => "jit",
        },
        if failed == 0 {
            "all expectations met".to_string()
        } else {
            format!("{failed} expectation(s) failed")
        }
    );
    out
}

#[cfg(test)]
mod tests {
    use super::changed_ranges;

    #[test]
    fn ranges_merge() {
        assert_eq!(
            changed_ranges(&[0, 0, 0, 0], &[1, 1, 0, 1]),
            vec![(0, 2), (3, 4)]
        );
        assert_eq!(changed_ranges(&[1, 2], &[1, 2, 3]), vec![]);
    }
}
