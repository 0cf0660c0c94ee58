//! A divergent case written as a scenario file sbfvm runs (`sbfvm run FILE`), with the
//! reference's values as its expectations and the fuzzer's harness settings.

use std::fmt::Write as _;

use sbfvm::Loader;

use crate::case::Case;
use crate::effects::{hex, Difference, Effects};

fn loader_name(loader: Loader) -> &'static str {
    match loader {
        Loader::Upgradeable => "bpf_loader_upgradeable",
        Loader::V2 => "bpf_loader",
        Loader::Deprecated => "bpf_loader_deprecated",
    }
}

/// The scenario text of `case` (a seed when `difference.field` is empty); `reference`
/// becomes its `expect` block, and `note` (how the case was minimized) a comment line when
/// not empty.
pub fn scenario(
    case: &Case,
    difference: &Difference,
    reference: Option<&Effects>,
    note: &str,
) -> String {
    let mut out = String::new();
    if difference.field.is_empty() {
        let _ = writeln!(out, "# difffuzz seed");
    } else {
        let _ = writeln!(out, "# difffuzz reproducer: {} differs", difference.field);
        let _ = writeln!(out, "#   sbfvm:     {}", difference.sbfvm);
        let _ = writeln!(out, "#   reference: {}", difference.reference);
    }
    let _ = writeln!(out, "# seed case: {}", case.origin);
    if !note.is_empty() {
        let _ = writeln!(out, "# {note}");
    }
    let _ = writeln!(
        out,
        "# Harness: mainnet features and the reference's sysvars (tools/difffuzz/src/sides.rs);\n\
         # its SlotHashes, StakeHistory and EpochRewards are not in the file.\n"
    );
    let _ = writeln!(out, "[settings]");
    let _ = writeln!(out, "compute_unit_limit = {}", case.compute_unit_limit);
    // The harness's sysvars as far as the scenario format expresses them (SlotHashes,
    // StakeHistory and EpochRewards stay sbfvm's defaults when the file is replayed).
    let sysvars = crate::sides::aligned_sysvars();
    let (clock, schedule) = (&sysvars.clock, &sysvars.epoch_schedule);
    let _ = writeln!(
        out,
        "sysvars = {{ clock = {{ slot = {}, epoch_start_timestamp = {}, epoch = {}, \
         leader_schedule_epoch = {}, unix_timestamp = {} }}, epoch_schedule = {{ \
         slots_per_epoch = {}, leader_schedule_slot_offset = {}, warmup = {}, \
         first_normal_epoch = {}, first_normal_slot = {} }}, last_restart_slot = {} }}",
        clock.slot,
        clock.epoch_start_timestamp,
        clock.epoch,
        clock.leader_schedule_epoch,
        clock.unix_timestamp,
        schedule.slots_per_epoch,
        schedule.leader_schedule_slot_offset,
        schedule.warmup,
        schedule.first_normal_epoch,
        schedule.first_normal_slot,
        sysvars.last_restart_slot
    );
    for program in &case.programs {
        let _ = writeln!(out, "\n[[programs]]");
        let _ = writeln!(out, "program_id = \"{}\"", program.id);
        let _ = writeln!(out, "elf = \"{}\"", program.path);
        let _ = writeln!(out, "loader = \"{}\"", loader_name(program.loader));
    }
    for (key, account) in &case.accounts {
        let _ = writeln!(out, "\n[[accounts]]");
        let _ = writeln!(out, "pubkey = \"{key}\"");
        let _ = writeln!(out, "lamports = {}", account.lamports);
        let _ = writeln!(out, "owner = \"{}\"", account.owner);
        if !account.data.is_empty() {
            let _ = writeln!(out, "data = \"hex:{}\"", hex(&account.data));
        }
        if account.executable {
            let _ = writeln!(out, "executable = true");
        }
    }
    let instruction = &case.instruction;
    let _ = writeln!(out, "\n[[instructions]]");
    let _ = writeln!(out, "program_id = \"{}\"", instruction.program_id);
    if !instruction.data.is_empty() {
        let _ = writeln!(out, "data = \"hex:{}\"", hex(&instruction.data));
    }
    let metas: Vec<String> = instruction
        .accounts
        .iter()
        .map(|meta| {
            format!(
                "{{ pubkey = \"{}\", is_signer = {}, is_writable = {} }}",
                meta.pubkey, meta.is_signer, meta.is_writable
            )
        })
        .collect();
    let _ = writeln!(out, "accounts = [\n  {}\n]", metas.join(",\n  "));
    if let Some(reference) = reference {
        let _ = writeln!(out, "\n[instructions.expect]");
        let _ = writeln!(out, "# The reference's values.");
        let _ = writeln!(
            out,
            "result = \"{}\"",
            reference.result.replace('"', "\\\"")
        );
        let _ = writeln!(out, "compute_units_consumed = {}", reference.compute_units);
    }
    out
}
