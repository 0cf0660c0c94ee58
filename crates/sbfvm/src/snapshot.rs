//! Compute-unit snapshots: `sbfvm run SCENARIO --snapshot FILE` records the compute units of
//! every instruction and every frame; `--check-snapshot FILE` fails on any change, so a
//! project can gate CU regressions in CI.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::runner::RunReport;
use crate::Invocation;

/// One frame, identified by its position in the invoke tree (`"0"`, `"0.1"`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameUnits {
    /// The program the frame ran, in base58.
    pub program_id: String,
    /// Compute units of the frame, callees included.
    pub compute_units_consumed: u64,
}

/// One instruction of a [`Snapshot`]: its result and compute units, in all and per frame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstructionUnits {
    /// Position of the instruction in the scenario's `instructions`.
    pub index: usize,
    /// The instruction's `name` label, if the scenario gives one (left out of the JSON
    /// otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `ok`, or the error as [`crate::Outcome::result_string`] writes it.
    pub result: String,
    /// Compute units of the instruction's transaction.
    pub compute_units_consumed: u64,
    /// Each frame's units, by its position in the invoke tree.
    pub frames: BTreeMap<String, FrameUnits>,
}

/// The compute units of a scenario run: what `--snapshot` writes as JSON and
/// `--check-snapshot` compares with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// One entry per instruction, in scenario order.
    pub instructions: Vec<InstructionUnits>,
}

fn collect(frames: &mut BTreeMap<String, FrameUnits>, invocation: &Invocation, path: String) {
    frames.insert(
        path.clone(),
        FrameUnits {
            program_id: invocation.program_id.to_string(),
            compute_units_consumed: invocation.compute_units_consumed,
        },
    );
    for (index, child) in invocation.invocations.iter().enumerate() {
        collect(frames, child, format!("{path}.{index}"));
    }
}

/// The snapshot of a run: each instruction's result and units, and each frame's units.
pub fn from_report(report: &RunReport) -> Snapshot {
    Snapshot {
        instructions: report
            .instructions
            .iter()
            .map(|instruction| {
                let mut frames = BTreeMap::new();
                for (index, invocation) in instruction.outcome.invocations.iter().enumerate() {
                    collect(&mut frames, invocation, index.to_string());
                }
                InstructionUnits {
                    index: instruction.index,
                    name: instruction.name.clone(),
                    result: instruction.outcome.result_string(),
                    compute_units_consumed: instruction.outcome.compute_units_consumed(),
                    frames,
                }
            })
            .collect(),
    }
}

/// Every difference between a recorded snapshot and a new one, as readable lines.
pub fn differences(expected: &Snapshot, got: &Snapshot) -> Vec<String> {
    let mut lines = Vec::new();
    if expected.instructions.len() != got.instructions.len() {
        lines.push(format!(
            "instruction count: {} in the snapshot, {} now",
            expected.instructions.len(),
            got.instructions.len()
        ));
    }
    for (old, new) in expected.instructions.iter().zip(&got.instructions) {
        let label = match &new.name {
            Some(name) => format!("instruction #{} ({name})", new.index),
            None => format!("instruction #{}", new.index),
        };
        if old.result != new.result {
            lines.push(format!("{label}: result {} → {}", old.result, new.result));
        }
        if old.compute_units_consumed != new.compute_units_consumed {
            lines.push(format!(
                "{label}: {} → {} CU ({:+})",
                old.compute_units_consumed,
                new.compute_units_consumed,
                new.compute_units_consumed as i128 - old.compute_units_consumed as i128
            ));
        }
        for (path, frame) in &new.frames {
            match old.frames.get(path) {
                None => lines.push(format!(
                    "{label} frame {path} ({}): new frame",
                    frame.program_id
                )),
                Some(previous) if previous != frame => lines.push(format!(
                    "{label} frame {path} ({}): {} → {} CU",
                    frame.program_id, previous.compute_units_consumed, frame.compute_units_consumed
                )),
                Some(_) => {}
            }
        }
        for (path, frame) in &old.frames {
            if !new.frames.contains_key(path) {
                lines.push(format!(
                    "{label} frame {path} ({}): frame no longer runs",
                    frame.program_id
                ));
            }
        }
    }
    lines
}
