//! Reports of a scenario run: the `--json` object of scenario-format.md and a human
//! report with the invoke tree, logs, return data and account changes.

use std::fmt::Write as _;

use base64::Engine;
use serde_json::{json, Value};
use solana_account::Account;

use crate::runner::{InstructionReport, RunReport};
use crate::scenario::encode_hex;
use crate::Invocation;

fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn result_text(result: &Result<(), sbfvm_runtime::InstructionError>) -> String {
    match result {
        Ok(()) => "ok".to_string(),
        Err(error) => format!("{error:?}"),
    }
}

fn invocation_json(invocation: &Invocation) -> Value {
    let syscalls: serde_json::Map<String, Value> = invocation
        .cost
        .syscalls
        .iter()
        .map(|(name, calls, units)| {
            (
                name.to_string(),
                json!({ "calls": calls, "compute_units": units }),
            )
        })
        .collect();
    json!({
        "program_id": invocation.program_id.to_string(),
        "stack_height": invocation.stack_height,
        "compute_units_consumed": invocation.compute_units_consumed,
        "result": result_text(&invocation.result),
        "cost": {
            "instructions": invocation.cost.instructions,
            "syscalls": syscalls,
            "cpi": invocation.cost.cpi,
            "other": invocation.cost.other,
        },
        "wall_time_ns": invocation.wall_time.as_nanos() as u64,
        "invocations": invocation.invocations.iter().map(invocation_json).collect::<Vec<_>>(),
    })
}

fn account_json(key: &solana_pubkey::Pubkey, account: &Account) -> Value {
    json!({
        "pubkey": key.to_string(),
        "lamports": account.lamports,
        "owner": account.owner.to_string(),
        "executable": account.executable,
        "data": base64(&account.data),
    })
}

fn instruction_json(report: &InstructionReport) -> Value {
    let outcome = &report.outcome;
    let return_data = match outcome.return_data() {
        Some((program_id, data)) => {
            json!({ "program_id": program_id.to_string(), "data": base64(data) })
        }
        None => Value::Null,
    };
    json!({
        "index": report.index,
        "program_id": report.program_id.to_string(),
        "result": outcome.result_string(),
        "compute_units_consumed": outcome.compute_units_consumed(),
        "logs": outcome.logs(),
        "return_data": return_data,
        "invocations": outcome.invocations.iter().map(invocation_json).collect::<Vec<_>>(),
        "accounts": report.accounts.iter().map(|(key, _, after)| account_json(key, after)).collect::<Vec<_>>(),
    })
}

/// The `--json` report.
pub fn json_report(report: &RunReport) -> Value {
    json!({
        "instructions": report.instructions.iter().map(instruction_json).collect::<Vec<_>>(),
        "expectations_failed": report.expectations_failed(),
    })
}

fn write_tree(out: &mut String, invocation: &Invocation, depth: usize) {
    let indent = "  ".repeat(depth);
    let branch = if depth == 0 { "" } else { "└─ " };
    let _ = writeln!(
        out,
        "    {indent}{branch}{} [{}] {} CU {} ({:.1} µs)",
        invocation.program_id,
        invocation.stack_height,
        invocation.compute_units_consumed,
        result_text(&invocation.result),
        invocation.wall_time.as_secs_f64() * 1e6,
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
            encode_hex(preview),
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

/// The human-readable report.
pub fn human_report(report: &RunReport) -> String {
    let mut out = String::new();
    for warning in &report.warnings {
        let _ = writeln!(out, "warning: {warning}");
    }
    for instruction in &report.instructions {
        let outcome = &instruction.outcome;
        let label = instruction
            .name
            .as_ref()
            .map(|name| format!(" {name}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "instruction #{}{label}: {} — {} ({} CU)",
            instruction.index,
            instruction.program_id,
            outcome.result_string(),
            outcome.compute_units_consumed()
        );
        if !outcome.invocations.is_empty() {
            let _ = writeln!(out, "  invoke tree:");
            for invocation in &outcome.invocations {
                write_tree(&mut out, invocation, 0);
            }
        }
        if !outcome.logs().is_empty() {
            let _ = writeln!(out, "  logs:");
            for line in outcome.logs() {
                let _ = writeln!(out, "    {line}");
            }
        }
        if let Some((program_id, data)) = outcome.return_data() {
            let _ = writeln!(out, "  return data: {program_id} hex:{}", encode_hex(data));
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
                write_account_change(&mut out, key, before, after);
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
    let failed = report.expectations_failed();
    let _ = writeln!(
        out,
        "{} instruction(s) run in {} mode; {}",
        report.instructions.len(),
        match report.mode {
            crate::ExecutionMode::Interpreter => "interpreter",
            crate::ExecutionMode::Jit => "jit",
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
