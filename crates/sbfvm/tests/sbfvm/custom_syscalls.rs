//! Syscalls registered by the embedder (`Config::with_syscall`): a new name called by a
//! program, a built-in replaced, a name the feature set leaves unregistered added, both the
//! execution and the deployment environment, compute units and the invoke tree, `inspect`.

use crate::common::{elf, MODES};
use sbfvm::runtime::ComputeBudget;
use sbfvm::vm::{LoadError, SyscallRegistry};
use sbfvm::{
    syscall_name, Check, Config, ExecutionMode, FeatureSet, Instruction, InstructionError, Loader,
    Pubkey, Sbfvm, SbpfVersion, Syscall, SyscallError, SyscallResult, SyscallSupport, VmContext,
};

/// `name` with the import `from` renamed to `to` in its string table (same slot,
/// NUL-padded), so the program calls `to` where its source calls `from`.
fn elf_renaming(name: &str, from: &str, to: &str) -> Vec<u8> {
    assert!(to.len() <= from.len());
    let mut program = elf(name);
    let positions: Vec<usize> = program
        .windows(from.len())
        .enumerate()
        .filter(|(_, window)| *window == from.as_bytes())
        .map(|(at, _)| at)
        .collect();
    assert_eq!(positions.len(), 1, "{name} names {from} once");
    let mut bytes = to.as_bytes().to_vec();
    bytes.resize(from.len(), 0);
    program[positions[0]..positions[0] + from.len()].copy_from_slice(&bytes);
    program
}

fn charge(context: &VmContext, units: u64) -> Result<(), SyscallError> {
    context
        .invoke_context()
        .consume_checked(units)
        .map_err(SyscallError::Instruction)
}

/// Logs its five registers and returns their sum; costs 42 compute units.
struct Hello;
impl Syscall for Hello {
    type Arguments = [u64; 5];
    fn call(context: &mut VmContext, [a, b, c, d, e]: [u64; 5]) -> SyscallResult {
        charge(context, 42)?;
        context.invoke_context_mut().log(format!(
            "Program log: hello from the embedder: {a} {b} {c} {d} {e}"
        ));
        Ok(a + b + c + d + e)
    }
}
syscall_name!(HelloName = "sbfvm_hello");

/// A `sol_log_` that reads the message as sbfvm's does but logs it tagged; costs 7.
struct TaggedLog;
impl Syscall for TaggedLog {
    type Arguments = [u64; 2];
    fn call(context: &mut VmContext, [addr, len]: [u64; 2]) -> SyscallResult {
        charge(context, 7)?;
        let message = String::from_utf8_lossy(context.memory().bytes(addr, len)?).into_owned();
        context
            .invoke_context_mut()
            .log(format!("Program log: [tagged] {message}"));
        Ok(0)
    }
}
syscall_name!(SolLog = "sol_log_");

/// A stand-in `sol_blake3` (unregistered on mainnet): "hashes" one slice by writing it
/// reversed, zero-padded to 32 bytes. Costs 100.
struct FakeBlake3;
impl Syscall for FakeBlake3 {
    type Arguments = [u64; 3];
    fn call(context: &mut VmContext, [slices, count, result]: [u64; 3]) -> SyscallResult {
        charge(context, 100)?;
        assert_eq!(count, 1);
        let memory = context.memory();
        let descriptor = memory.bytes(slices, 16)?;
        let ptr = u64::from_le_bytes(descriptor[..8].try_into().unwrap());
        let len = u64::from_le_bytes(descriptor[8..].try_into().unwrap());
        let mut digest = memory.bytes(ptr, len)?.to_vec();
        digest.reverse();
        digest.resize(32, 0);
        memory.output(result, 32, 1, 1)?.write(&digest);
        Ok(0)
    }
}
syscall_name!(SolBlake3 = "sol_blake3");

fn vm(config: Config, mode: ExecutionMode) -> Sbfvm {
    Sbfvm::new(Config { mode, ..config }).unwrap()
}

fn program() -> Pubkey {
    Pubkey::new_from_array([1; 32])
}

#[test]
fn a_program_calls_a_syscall_of_a_new_name() {
    // log.so calls sol_log_64_(1, 2, 3, 4, 5); renamed, it calls sbfvm_hello.
    let patched = elf_renaming("log.so", "sol_log_64_", "sbfvm_hello");
    for mode in MODES {
        // Without the syscall: a load warning, and the call fails.
        let mut plain = vm(Config::default(), mode);
        let loaded = plain
            .add_program(program(), Loader::Upgradeable, &patched)
            .unwrap();
        assert_eq!(
            loaded.warnings,
            ["program imports unknown syscall `sbfvm_hello`; calling it fails as an unsupported instruction"]
        );
        let outcome =
            plain.process_instruction(&Instruction::new_with_bytes(program(), b"", vec![]));
        assert!(!outcome.is_ok(), "{:?}", outcome.logs());

        let config = Config::default().with_syscall::<Hello, HelloName>();
        let mut vm = vm(config, mode);
        let loaded = vm
            .add_program(program(), Loader::Upgradeable, &patched)
            .unwrap();
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        let outcome = vm.process_instruction(&Instruction::new_with_bytes(program(), b"", vec![]));
        outcome.assert(&[
            Check::success(),
            Check::logs_contain("Program log: hello from the embedder: 1 2 3 4 5"),
            Check::logs_contain("Program log: hello from sbfvm"),
        ]);
        assert!(!outcome
            .logs()
            .iter()
            .any(|line| line == "Program log: 0x1, 0x2, 0x3, 0x4, 0x5"));
        // Calls and compute units are recorded under its name.
        let frame = &outcome.invocations[0];
        assert!(
            frame.syscalls.contains(&("sbfvm_hello", 1, 42)),
            "{:?}",
            frame.syscalls
        );
        assert!(frame.cost.syscalls.contains(&("sbfvm_hello", 1, 42)));
        // sol_log_64_ costs 100, the embedder's 42: 58 fewer units than the original.
        let original = {
            let mut vm = self::vm(Config::default(), mode);
            vm.add_program(program(), Loader::Upgradeable, &elf("log.so"))
                .unwrap();
            vm.process_instruction(&Instruction::new_with_bytes(program(), b"", vec![]))
        };
        assert_eq!(
            outcome.compute_units_consumed() + 58,
            original.compute_units_consumed()
        );
    }
}

#[test]
fn an_embedder_syscall_replaces_a_built_in_of_the_same_name() {
    for mode in MODES {
        let config = Config::default().with_syscall::<TaggedLog, SolLog>();
        let mut vm = vm(config, mode);
        assert!(vm.environment().is_embedder_syscall("sol_log_"));
        assert_eq!(
            vm.environment().syscall_support("sol_log_"),
            Some(SyscallSupport::Implemented)
        );
        assert!(!vm.environment().is_embedder_syscall("sol_log_64_"));
        vm.add_program(program(), Loader::Upgradeable, &elf("log.so"))
            .unwrap();
        let outcome = vm.process_instruction(&Instruction::new_with_bytes(program(), b"", vec![]));
        outcome.assert(&[
            Check::success(),
            Check::logs_contain("Program log: [tagged] hello from sbfvm"),
        ]);
        assert!(!outcome
            .logs()
            .iter()
            .any(|line| line == "Program log: hello from sbfvm"));
        assert!(outcome.invocations[0]
            .syscalls
            .contains(&("sol_log_", 1, 7)));
    }
}

#[test]
fn a_name_the_feature_set_leaves_unregistered_can_be_provided() {
    // hash_pda.so op 2 calls sol_blake3, which mainnet does not register.
    for mode in MODES {
        let mut plain = vm(Config::default(), mode);
        assert_eq!(plain.environment().syscall_support("sol_blake3"), None);
        plain
            .add_program(program(), Loader::Upgradeable, &elf("hash_pda.so"))
            .unwrap();
        let outcome =
            plain.process_instruction(&Instruction::new_with_bytes(program(), b"\x02abc", vec![]));
        assert!(!outcome.is_ok());

        let config = Config::default().with_syscall::<FakeBlake3, SolBlake3>();
        let mut vm = vm(config, mode);
        vm.add_program(program(), Loader::Upgradeable, &elf("hash_pda.so"))
            .unwrap();
        let outcome =
            vm.process_instruction(&Instruction::new_with_bytes(program(), b"\x02abc", vec![]));
        let mut expected = b"cba".to_vec();
        expected.resize(32, 0);
        outcome.assert(&[Check::success(), Check::return_data(&expected)]);
        assert!(outcome.invocations[0]
            .syscalls
            .contains(&("sol_blake3", 1, 100)));
    }
}

#[test]
fn embedder_syscalls_are_in_the_deployment_environment_too() {
    let (min, max) = (SbpfVersion::V0, SbpfVersion::V3);
    let hash_pda = elf("hash_pda.so");
    let plain = Sbfvm::new(Config::default()).unwrap();
    let error = plain
        .executor()
        .verify_for_deployment(&hash_pda, min, max)
        .unwrap_err();
    assert!(error.contains("sol_blake3"), "{error}");

    let vm = Sbfvm::new(Config::default().with_syscall::<FakeBlake3, SolBlake3>()).unwrap();
    vm.executor()
        .verify_for_deployment(&hash_pda, min, max)
        .expect("deployable with the embedder's sol_blake3");
    let deployment = vm.executor().deployment_environment(min, max).unwrap();
    assert!(deployment.is_embedder_syscall("sol_blake3"));
    assert_eq!(
        deployment.embedder_syscalls().collect::<Vec<_>>(),
        ["sol_blake3"]
    );

    // The syscalls crate's constructors take the same registrations.
    let budget = ComputeBudget::default();
    let extra = |registry: &mut SyscallRegistry| -> Result<(), LoadError> {
        let replaced = registry.register_embedder::<FakeBlake3, SolBlake3>()?;
        assert_eq!(replaced, None);
        let replaced = registry.register_embedder::<TaggedLog, SolLog>()?;
        assert_eq!(replaced, Some(SyscallSupport::Implemented));
        Ok(())
    };
    let features = FeatureSet::mainnet();
    for environment in [
        sbfvm_syscalls::create_environment_with(&features, &budget, &extra).unwrap(),
        sbfvm_syscalls::create_deployment_environment_with(&features, &budget, &extra).unwrap(),
    ] {
        assert!(environment.is_embedder_syscall("sol_blake3"));
        assert!(environment.is_embedder_syscall("sol_log_"));
        assert_eq!(
            environment.syscall_support("sol_blake3"),
            Some(SyscallSupport::Implemented)
        );
    }
}

#[test]
fn replacing_a_built_in_syscall_and_registering_a_name_twice() {
    syscall_name!(Poseidon = "sol_poseidon");
    let vm = Sbfvm::new(
        Config::default()
            .with_syscall::<Hello, Poseidon>()
            .with_syscall::<Hello, HelloName>()
            .with_syscall::<TaggedLog, HelloName>(),
    )
    .unwrap();
    // The last registration of a name wins; the config keeps one entry per name.
    assert_eq!(
        vm.config()
            .syscalls
            .iter()
            .map(|custom| custom.name())
            .collect::<Vec<_>>(),
        ["sol_poseidon", "sbfvm_hello"]
    );
    let environment = vm.environment();
    assert_eq!(
        environment.syscall_support("sol_poseidon"),
        Some(SyscallSupport::Implemented)
    );
    assert_eq!(
        environment.embedder_syscalls().collect::<Vec<_>>(),
        ["sbfvm_hello", "sol_poseidon"]
    );
    // Without it, sol_poseidon is sbfvm's own.
    let plain = Sbfvm::new(Config::default()).unwrap();
    assert_eq!(
        plain.environment().syscall_support("sol_poseidon"),
        Some(SyscallSupport::Implemented)
    );
    assert!(!plain.environment().is_embedder_syscall("sol_poseidon"));
}

#[test]
fn registering_directly_in_a_registry_refuses_a_duplicate_but_the_embedder_form_replaces() {
    let budget = ComputeBudget::default();
    let features = FeatureSet::mainnet();
    // `register` (sbfvm's own registrations) refuses a second syscall under a taken name.
    let error = sbfvm_syscalls::create_environment_with(&features, &budget, &|registry| {
        assert!(registry.is_registered("sol_log_"));
        registry.register::<TaggedLog, SolLog>(SyscallSupport::Implemented)
    })
    .unwrap_err();
    assert!(
        matches!(&error, LoadError::Registration(message) if message.starts_with("sol_log_: ")),
        "{error}"
    );
}

#[test]
fn inspect_reports_the_embedder_syscalls() {
    let patched = elf_renaming("log.so", "sol_log_64_", "sbfvm_hello");
    let plain = Sbfvm::new(Config::default()).unwrap();
    let inspection = plain.inspect(&patched).unwrap();
    assert!(inspection.deployment.error.is_some());
    assert!(inspection.embedder_syscalls.is_empty());
    assert!(sbfvm::inspect::human(&inspection)
        .contains("sbfvm_hello                              NOT REGISTERED"));

    let vm = Sbfvm::new(Config::default().with_syscall::<Hello, HelloName>()).unwrap();
    let inspection = vm.inspect(&patched).unwrap();
    assert_eq!(inspection.execution.error, None);
    assert_eq!(inspection.deployment.error, None);
    assert_eq!(inspection.embedder_syscalls, ["sbfvm_hello"]);
    assert!(inspection
        .imports
        .contains(&("sbfvm_hello".to_string(), Some(SyscallSupport::Implemented))));
    let text = sbfvm::inspect::human(&inspection);
    assert!(
        text.contains("sbfvm_hello                              provided by the embedder"),
        "{text}"
    );
    assert!(
        text.contains("sol_log_                                 provided\n"),
        "{text}"
    );
    let json = serde_json::to_value(sbfvm::inspect::json(&inspection)).unwrap();
    let hello = json["imported_syscalls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|import| import["name"] == "sbfvm_hello")
        .unwrap();
    assert_eq!(hello["provided"], true);
    assert_eq!(hello["status"], "provided by the embedder");
}

#[test]
fn an_embedder_syscall_error_fails_the_instruction() {
    /// Always fails with an instruction error.
    struct Refuse;
    impl Syscall for Refuse {
        type Arguments = [u64; 0];
        fn call(_: &mut VmContext, _: [u64; 0]) -> SyscallResult {
            Err(SyscallError::Instruction(InstructionError::Custom(77)))
        }
    }
    for mode in MODES {
        let mut vm = vm(Config::default().with_syscall::<Refuse, SolLog>(), mode);
        vm.add_program(program(), Loader::Upgradeable, &elf("log.so"))
            .unwrap();
        let outcome = vm.process_instruction(&Instruction::new_with_bytes(program(), b"", vec![]));
        outcome.assert(&[Check::err(InstructionError::Custom(77))]);
    }
}
