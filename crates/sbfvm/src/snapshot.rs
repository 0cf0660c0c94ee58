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
    pub program_id: String,
    pub compute_units_consumed: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstructionUnits {
    pub index: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub result: String,
    pub compute_units_consumed: u64,
    pub frames: BTreeMap<String, FrameUnits>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
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
