//! `sol_compat_elf_loader_v1`: load the ELF with the fixed Agave 2.1 environment (SBPF v0,
//! direct mapping, `reject_broken_elfs = deploy_checks`, syscalls registered for
//! `switch_to_new_elf_parser`, the hash-collision check and direct mapping) and report the
//! image; an empty effects message means the load failed. Follows the reference harness,
//! solfuzz-agave `270ca6d`, `src/elf_loader.rs`.

use sbfvm_runtime::features::ids;
use sbfvm_runtime::FeatureSet;
use sbfvm_test_support::load_elf;
use sbfvm_vm::ProgramEnvironment;

use super::compare::{Row, Value};
use super::harness::{decode_fixture, HarnessResult, NoEffects, Options};
use super::proto;
use super::setup::{self, EnvironmentCache};

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

pub(super) fn run(bytes: &[u8], _: &Options, environments: &mut EnvironmentCache) -> HarnessResult {
    let fixture: proto::ElfLoaderFixture = decode_fixture(bytes, "ELFLoaderFixture")?;
    let input = fixture.input.unwrap_or_default();
    let expected = fixture.output.unwrap_or_default();
    let Some(elf) = input.elf else {
        return Err(NoEffects::NoOutput("the input has no ELF".into()));
    };
    let mut data = elf.data;
    data.resize(input.elf_sz as usize, 0);
    let environment = environments.get_or_build("elf_loader", input.deploy_checks, || {
        environment(input.deploy_checks)
    });
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
    Ok(compare_effects(&expected, &got, load_error))
}

/// Whether the load succeeded, then every field of the image.
fn compare_effects(
    expected: &proto::ElfLoaderEffects,
    got: &proto::ElfLoaderEffects,
    load_error: Option<String>,
) -> Vec<Row> {
    let loaded = |effects: &proto::ElfLoaderEffects| *effects != proto::ElfLoaderEffects::default();
    let expected_text = if loaded(expected) {
        "yes"
    } else {
        "no (empty effects)"
    };
    let got_text = match (&load_error, loaded(got)) {
        // Both "no" texts compare equal when the expected load also failed.
        (Some(_), _) if !loaded(expected) => expected_text.to_string(),
        (Some(error), _) => format!("no: {error}"),
        (None, true) => "yes".into(),
        (None, false) => "no (empty effects)".into(),
    };
    let (e, g) = (expected, got);
    vec![
        Row::new(
            "loaded",
            Value::Text(expected_text.into()),
            Value::Text(got_text),
        ),
        Row::u64("rodata_sz", e.rodata_sz, g.rodata_sz),
        Row::u64("text_cnt", e.text_cnt, g.text_cnt),
        Row::u64("text_off", e.text_off, g.text_off),
        Row::u64("entry_pc", e.entry_pc, g.entry_pc),
        Row::new(
            "calldests",
            Value::U64List(e.calldests.clone()),
            Value::U64List(g.calldests.clone()),
        ),
        Row::bytes("rodata", &e.rodata, &g.rodata),
    ]
}
