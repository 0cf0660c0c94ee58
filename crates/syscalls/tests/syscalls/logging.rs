//! `abort`, `sol_panic_` and the logging syscalls.

use base64::Engine;
use sbfvm_runtime::{InstructionError, Pubkey};
use sbfvm_syscalls::logging;
use sbfvm_vm::SyscallError;

use crate::common::{is_access_violation, Fixture, Guest, HEAP};

#[test]
fn abort_charges_nothing() {
    let mut f = Fixture::new();
    let (result, cu) = f.call::<logging::Abort>([0; 5]);
    assert_eq!((result, cu), (Err(SyscallError::Abort), 0));
    assert_eq!(SyscallError::Abort.to_string(), "SBF program panicked");
}

#[test]
fn panic_charges_len_then_reports_file_line_column() {
    let mut f = Fixture::new();
    f.write(HEAP, b"src/lib.rs");
    let (result, cu) = f.call::<logging::Panic>([HEAP, 10, 42, 7, 0]);
    assert_eq!(cu, 10);
    let error = result.unwrap_err();
    assert_eq!(error, SyscallError::Panic("src/lib.rs".into(), 42, 7));
    assert_eq!(
        error.to_string(),
        "SBF program Panicked in src/lib.rs at 42:7"
    );
    // Invalid UTF-8 in the file name: the string error, after the charge.
    f.write(HEAP, &[0xc3, 0x28]);
    let (result, cu) = f.call::<logging::Panic>([HEAP, 2, 1, 1, 0]);
    assert_eq!(cu, 2);
    assert!(matches!(result, Err(SyscallError::InvalidString(_))));
}

#[test]
fn log_charges_max_of_base_and_len() {
    let mut f = Fixture::new();
    f.write(HEAP, b"hello");
    let (result, cu) = f.call::<logging::Log>([HEAP, 5, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 100));
    assert_eq!(f.last_log(), "Program log: hello");
    f.write(HEAP, &[b'x'; 300]);
    let (result, cu) = f.call::<logging::Log>([HEAP, 300, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 300));
    // Zero length: no translation at all (a bogus pointer is fine), an empty message.
    let (result, cu) = f.call::<logging::Log>([0xdead, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 100));
    assert_eq!(f.last_log(), "Program log: ");
}

#[test]
fn log_invalid_utf8_error_text() {
    let mut f = Fixture::new();
    f.write(HEAP, &[b'h', 0xff, b'i']);
    let logs_before = f.logs().len();
    let (result, cu) = f.call::<logging::Log>([HEAP, 3, 0, 0, 0]);
    assert_eq!(cu, 100, "charged before the string is checked");
    let error = result.unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid utf-8 sequence of 1 bytes from index 1: [104, 255, 105]"
    );
    assert_eq!(f.logs().len(), logs_before, "nothing logged");
    // A truncated sequence has the other std message.
    f.write(HEAP, &[b'a', 0xe2, 0x82]);
    let (result, _) = f.call::<logging::Log>([HEAP, 3, 0, 0, 0]);
    assert_eq!(
        result.unwrap_err().to_string(),
        "incomplete utf-8 byte sequence from index 1: [97, 226, 130]"
    );
}

#[test]
fn log_out_of_bounds_is_an_access_violation_after_the_charge() {
    let mut f = Fixture::new();
    let (result, cu) = f.call::<logging::Log>([HEAP + 4090, 10, 0, 0, 0]);
    assert_eq!(cu, 100);
    assert!(is_access_violation(&result), "{result:?}");
    // Not enough units: the meter drains and nothing is translated.
    f.set_remaining(99);
    let (result, cu) = f.call::<logging::Log>([0xdead, 5, 0, 0, 0]);
    assert_eq!(
        result,
        Err(SyscallError::Instruction(
            InstructionError::ComputationalBudgetExceeded
        ))
    );
    assert_eq!((cu, f.invoke_context.remaining()), (99, 0));
}

#[test]
fn log_64_and_compute_units_lines() {
    let mut f = Fixture::new();
    let (result, cu) = f.call::<logging::Log64>([1, 0x20, 0, 0xdead_beef, u64::MAX]);
    assert_eq!((result, cu), (Ok(0), 100));
    assert_eq!(
        f.last_log(),
        "Program log: 0x1, 0x20, 0x0, 0xdeadbeef, 0xffffffffffffffff"
    );
    f.set_remaining(1_000);
    let (result, cu) = f.call::<logging::LogComputeUnits>([0; 5]);
    assert_eq!((result, cu), (Ok(0), 100));
    assert_eq!(f.last_log(), "Program consumption: 900 units remaining");
}

#[test]
fn log_pubkey_reads_32_bytes_unaligned() {
    let mut f = Fixture::new();
    let pubkey = Pubkey::new_unique();
    f.write(HEAP + 3, pubkey.as_ref());
    let (result, cu) = f.call::<logging::LogPubkey>([HEAP + 3, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 100));
    assert_eq!(f.last_log(), format!("Program log: {pubkey}"));
    let (result, cu) = f.call::<logging::LogPubkey>([HEAP + 4090, 0, 0, 0, 0]);
    assert_eq!(cu, 100);
    assert!(is_access_violation(&result));
}

#[test]
fn log_data_charges_base_per_field_and_bytes() {
    let mut f = Fixture::new();
    // No fields: 100 and an empty data line.
    let (result, cu) = f.call::<logging::LogData>([0xdead, 0, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 100));
    assert_eq!(f.last_log(), "Program data: ");
    f.write(HEAP + 64, b"abc");
    f.write(HEAP + 128, &[7u8; 300]);
    f.write_slices(HEAP, &[(HEAP + 64, 3), (HEAP + 128, 300), (0xdead, 0)]);
    let (result, cu) = f.call::<logging::LogData>([HEAP, 3, 0, 0, 0]);
    assert_eq!(result, Ok(0));
    assert_eq!(cu, 100 + 3 * 100 + 303);
    let b64 = base64::engine::general_purpose::STANDARD;
    assert_eq!(
        f.last_log(),
        format!(
            "Program data: {} {} ",
            b64.encode(b"abc"),
            b64.encode([7u8; 300])
        )
    );
}

#[test]
fn log_data_charges_fields_before_translating_them() {
    let mut f = Fixture::new();
    // The second field points nowhere: all three charges happen, then the fault.
    f.write_slices(HEAP, &[(HEAP + 64, 8), (0x9_0000_0000, 40)]);
    let (result, cu) = f.call::<logging::LogData>([HEAP, 2, 0, 0, 0]);
    assert!(is_access_violation(&result), "{result:?}");
    assert_eq!(cu, 100 + 200 + 48);
}

#[test]
fn log_data_field_array_must_be_8_aligned_unless_deprecated() {
    let mut f = Fixture::new();
    f.write_slices(HEAP + 4, &[(HEAP + 64, 1)]);
    let (result, cu) = f.call::<logging::LogData>([HEAP + 4, 1, 0, 0, 0]);
    assert_eq!((result, cu), (Err(SyscallError::UnalignedPointer), 100));
    let mut f = Fixture::deprecated();
    f.write_slices(HEAP + 4, &[(HEAP + 64, 1)]);
    let (result, cu) = f.call::<logging::LogData>([HEAP + 4, 1, 0, 0, 0]);
    assert_eq!((result, cu), (Ok(0), 201));
}
