//! ELF loading: arbitrary bytes (seeded with fixtures/*.so and the elf_loader vectors)
//! through `Sbfvm::add_program` under each loader, and `sbfvm::inspect::inspect`. A program
//! that loads is run once with a small compute budget and must get its VM.
#![no_main]

use std::cell::RefCell;

use libfuzzer_sys::fuzz_target;
use sbfvm::{Config, ExecutionMode, FeatureSet, Instruction, Loader, Pubkey, Sbfvm};

thread_local! {
    static VMS: RefCell<Vec<Sbfvm>> = RefCell::new(
        [ExecutionMode::Jit, ExecutionMode::Interpreter]
            .into_iter()
            .map(|mode| Sbfvm::new(Config { mode, compute_unit_limit: Some(5_000), ..Config::default() }).unwrap())
            .collect(),
    );
}

fuzz_target!(|data: &[u8]| {
    let _ = sbfvm::inspect::inspect(data, &FeatureSet::mainnet());
    // The loader and mode come from the length, so the ELF bytes stay untouched.
    let loader = [Loader::Upgradeable, Loader::V2, Loader::Deprecated][data.len() % 3];
    let mode = (data.len() / 3) % 2;
    VMS.with(|vms| {
        let vm = &mut vms.borrow_mut()[mode];
        let program_id = Pubkey::new_from_array([7; 32]);
        if vm.add_program(program_id, loader, data).is_ok() {
            let outcome =
                vm.process_instruction(&Instruction::new_with_bytes(program_id, &[1, 2], vec![]));
            assert!(outcome.compute_units_consumed() <= 5_000);
            // A program that loaded always gets its VM (the default heap costs nothing):
            // failing to build the memory mapping is an sbfvm bug (it was, once, for every
            // SBPF v3 program).
            assert!(
                !outcome
                    .result_string()
                    .contains("ProgramEnvironmentSetupFailure"),
                "a loaded program could not get a VM: {}",
                outcome.result_string()
            );
        }
    });
});
