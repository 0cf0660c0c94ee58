//! `sol_compat_elf_loader_v1` (conformance-format §5.5): load the ELF with the fixed
//! Agave 2.1 environment (SBPF v0, direct mapping, `reject_broken_elfs = deploy_checks`,
//! syscalls registered for `switch_to_new_elf_parser`, the hash-collision check and direct
//! mapping) and report the image; an empty effects message means the load failed.

use prost::Message;
use sbfvm_runtime::features::ids;
use sbfvm_runtime::FeatureSet;
use sbfvm_test_support::load_elf;
use sbfvm_vm::ProgramEnvironment;

use super::compare::{Row, Value};
use super::proto;
use super::setup::{self, Caches};
use super::vm_interp::no_output;
use super::Outcome;

fn environment(deploy_checks: bool) -> ProgramEnvironment {
    let features = FeatureSet::from_ids([
        ids::SWITCH_TO_NEW_ELF_PARSER,
        ids::ERROR_ON_SYSCALL_BPF_FUNCTION_HASH_COLLISIONS,
        ids::BPF_ACCOUNT_DATA_DIRECT_MAPPING,
    ]);
    ProgramEnvironment::new(setup::v0_options(true, deploy_checks), |registry| {
        sbfvm_syscalls::register_syscalls(registry, &features)
    })
    .expect("the ELF loader environment builds")
}

pub(super) fn run(bytes: &[u8], caches: &mut Caches) -> Outcome {
    let fixture = match proto::ElfLoaderFixture::decode(bytes) {
        Ok(fixture) => fixture,
        Err(error) => return Outcome::Skip(format!("undecodable ELFLoaderFixture: {error}")),
    };
    let input = fixture.input.unwrap_or_default();
    let expected = fixture.output.unwrap_or_default();
    let Some(elf) = input.elf else {
        return no_output("the input has no ELF".into());
    };
    let mut data = elf.data;
    data.resize(input.elf_sz as usize, 0);
    let environment = caches
        .elf_loader
        .entry(input.deploy_checks)
        .or_insert_with(|| environment(input.deploy_checks));
    let (got, load_error) = match load_elf(environment, &data) {
        Ok(image) => (
            proto::ElfLoaderEffects {
                rodata_sz: image.rodata.len() as u64,
                rodata: image.rodata,
                text_cnt: image.text_count,
                text_off: image.text_offset,
                entry_pc: image.entry_pc,
                calldests: image.function_pcs,
            },
            None,
        ),
        Err(error) => (proto::ElfLoaderEffects::default(), Some(error.to_string())),
    };
    let loaded = |effects: &proto::ElfLoaderEffects| *effects != proto::ElfLoaderEffects::default();
    let mut rows = vec![Row::new(
        "loaded",
        Value::Text(
            if loaded(&expected) {
                "yes"
            } else {
                "no (empty effects)"
            }
            .into(),
        ),
        Value::Text(match (&load_error, loaded(&got)) {
            (Some(error), _) => format!("no: {error}"),
            (None, true) => "yes".into(),
            (None, false) => "no (empty effects)".into(),
        }),
    )];
    // Both "no" texts must compare equal when the expected load also failed.
    if !loaded(&expected) && load_error.is_some() {
        rows[0].got = rows[0].expected.clone();
    }
    rows.extend([
        Row::new(
            "rodata_sz",
            Value::U64(expected.rodata_sz),
            Value::U64(got.rodata_sz),
        ),
        Row::new(
            "text_cnt",
            Value::U64(expected.text_cnt),
            Value::U64(got.text_cnt),
        ),
        Row::new(
            "text_off",
            Value::U64(expected.text_off),
            Value::U64(got.text_off),
        ),
        Row::new(
            "entry_pc",
            Value::U64(expected.entry_pc),
            Value::U64(got.entry_pc),
        ),
        Row::new(
            "calldests",
            Value::U64List(expected.calldests.clone()),
            Value::U64List(got.calldests.clone()),
        ),
        Row::new(
            "rodata",
            Value::Bytes(expected.rodata.clone()),
            Value::Bytes(got.rodata.clone()),
        ),
    ]);
    Outcome::Compared(rows)
}
