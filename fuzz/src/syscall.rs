//! The `syscall` target: one registered syscall called directly (as a `call` instruction
//! reaches it) with adversarial registers on adversarial guest memory.
//!
//! Input format ([`crate::Reader`]):
//! ```text
//! name: u8 len + bytes   (an unregistered name picks a registered one by its hash)
//! toggles: u8            (crate::features)
//! flags: u8              bit 0: unaligned ABI (no alignment checks)
//! cu: u32                compute units available
//! r1..r5: 5 × (selector u8, payload)   selector % 6: 0 raw u64; 1 rodata + u32;
//!                        2 stack + u32; 3 heap + u32; 4 input + u32; 5 small u16
//! rodata: u16 len + bytes
//! stack prefix: u16 len + bytes (the stack is 8 frames of 4 KiB)
//! heap len: u16, heap prefix: u16 len + bytes
//! input regions: n u8 (% 5), each: writable u8, u16 len + bytes
//! return data: u8 len + bytes
//! ```
//! The invoke context holds four accounts (the caller among them) and runs the caller's
//! top-level instruction over them, so introspection, return data, sysvar and CPI syscalls
//! have something to work on.

use sbfvm_runtime::{InstructionAccount, InstructionFrame, Pubkey};
use sbfvm_test_support::{
    FrameSetup, HarnessMemory, HEAP_START, INPUT_START, RODATA_START, STACK_START,
};
use sbfvm_vm::{InputAbi, SerializedAccountMetadata};
use solana_sdk_ids::{bpf_loader_upgradeable, system_program};

use crate::{account, caller_id, environment, key, other_id, stub_id, Reader, Writer};

pub const STACK_LEN: usize = 8 * 4096;
pub const MAX_HEAP: usize = 64 * 1024;
const MAX_REGION: usize = 16 * 1024;

/// A decoded syscall input.
#[derive(Debug, Clone, Default)]
pub struct SyscallInput {
    pub name: Vec<u8>,
    pub toggles: u8,
    pub flags: u8,
    pub cu: u32,
    /// (selector, payload) of r1..r5.
    pub registers: [(u8, u64); 5],
    pub rodata: Vec<u8>,
    pub stack_prefix: Vec<u8>,
    pub heap_len: u16,
    pub heap_prefix: Vec<u8>,
    pub regions: Vec<(bool, Vec<u8>)>,
    pub return_data: Vec<u8>,
}

fn register(selector: u8, payload: u64) -> u64 {
    let offset = payload & 0xffff_ffff;
    match selector % 6 {
        0 => payload,
        1 => RODATA_START + offset,
        2 => STACK_START + offset,
        3 => HEAP_START + offset,
        4 => INPUT_START + offset,
        _ => payload & 0xffff,
    }
}

impl SyscallInput {
    pub fn decode(data: &[u8]) -> Self {
        let mut r = Reader::new(data);
        let name = r.bytes8().to_vec();
        let toggles = r.u8();
        let flags = r.u8();
        let cu = r.u32();
        let mut registers = [(0u8, 0u64); 5];
        for slot in &mut registers {
            let selector = r.u8();
            let payload = if selector.is_multiple_of(6) {
                r.u64()
            } else {
                u64::from(r.u32())
            };
            *slot = (selector, payload);
        }
        let rodata = r.bytes16(MAX_REGION).to_vec();
        let stack_prefix = r.bytes16(STACK_LEN).to_vec();
        let heap_len = r.u16();
        let heap_prefix = r.bytes16(MAX_HEAP).to_vec();
        let count = r.u8() % 5;
        let regions = (0..count)
            .map(|_| (r.bool(), r.bytes16(MAX_REGION).to_vec()))
            .collect();
        let return_data = r.bytes8().to_vec();
        Self {
            name,
            toggles,
            flags,
            cu,
            registers,
            rodata,
            stack_prefix,
            heap_len,
            heap_prefix,
            regions,
            return_data,
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.bytes8(&self.name)
            .u8(self.toggles)
            .u8(self.flags)
            .u32(self.cu);
        for &(selector, payload) in &self.registers {
            w.u8(selector);
            if selector.is_multiple_of(6) {
                w.u64(payload);
            } else {
                w.u32(payload as u32);
            }
        }
        w.bytes16(&self.rodata)
            .bytes16(&self.stack_prefix)
            .u16(self.heap_len)
            .bytes16(&self.heap_prefix);
        w.u8(self.regions.len().min(4) as u8);
        for (writable, bytes) in self.regions.iter().take(4) {
            w.u8(u8::from(*writable)).bytes16(bytes);
        }
        w.bytes8(&self.return_data);
        w.out
    }
}

/// Runs one syscall input and checks the invariants every syscall keeps: no panic, read-only
/// memory untouched, the meter never refilled, and (for every syscall but CPI) no account
/// changed; after a successful CPI, lamports are conserved.
pub fn run(data: &[u8]) {
    let input = SyscallInput::decode(data);
    let environment = environment(input.toggles, false);
    let names = crate::syscall_names(&environment);
    let name = match std::str::from_utf8(&input.name) {
        Ok(name) if environment.syscall_support(name).is_some() => name.to_string(),
        _ => {
            let hash = input
                .name
                .iter()
                .fold(0usize, |h, b| h.wrapping_mul(31).wrapping_add(*b as usize));
            names[hash % names.len()].to_string()
        }
    };
    let features = crate::features(input.toggles);

    let caller = caller_id();
    let loader = bpf_loader_upgradeable::id();
    let accounts: Vec<(Pubkey, sbfvm_runtime::Account)> = vec![
        (key(1), account(1_000_000, vec![0x11; 64], caller, false)),
        (key(2), account(2_000_000, vec![0x22; 8], other_id(), false)),
        (
            stub_id(),
            account(1, vec![], solana_sdk_ids::native_loader::id(), true),
        ),
        (
            system_program::id(),
            account(1, vec![], solana_sdk_ids::native_loader::id(), true),
        ),
        (caller, account(1, vec![], loader, true)),
    ];
    let mut invoke_context = crate::invoke_context(accounts, features, u64::from(input.cu));
    let instruction_accounts = (0..4u16)
        .map(|index| InstructionAccount {
            index_in_transaction: index,
            is_signer: index == 0,
            is_writable: index < 2,
        })
        .collect();
    invoke_context
        .transaction_context
        .configure_top_level(vec![InstructionFrame::new(
            4,
            instruction_accounts,
            vec![7, 7],
        )]);
    if invoke_context.push(None).is_err() {
        return;
    }
    if !input.return_data.is_empty() {
        invoke_context
            .transaction_context
            .set_return_data(key(9), input.return_data.clone());
    }
    crate::STUB_OPS.with(|ops| *ops.borrow_mut() = input.return_data.clone());

    let heap_len = (input.heap_len as usize).min(MAX_HEAP);
    let mut memory = HarnessMemory::new(&input.rodata, STACK_LEN, heap_len);
    memory.write_prefixes(&input.stack_prefix, &input.heap_prefix);
    for (writable, bytes) in &input.regions {
        memory.push_input_region(bytes, *writable);
    }
    let frame = FrameSetup {
        program_id: caller,
        abi: if input.flags & 1 == 1 {
            InputAbi::Unaligned
        } else {
            InputAbi::Aligned
        },
        accounts_metadata: vec![SerializedAccountMetadata::default(); 4],
    };
    let mut registers = [0u64; 11];
    for (index, &(selector, payload)) in input.registers.iter().enumerate() {
        registers[index + 1] = register(selector, payload);
    }
    registers[10] = STACK_START + 4096;

    let before_accounts = invoke_context.transaction_context.accounts_snapshot();
    let mut call = crate::DirectCall {
        memory,
        invoke_context,
        frame,
        registers,
    };
    if call.run_checked(&environment, &name).is_none() {
        return;
    }
    // A CPI may change accounts (what it must keep, `run_checked` checks).
    if !crate::is_cpi(&name) {
        assert_eq!(
            call.invoke_context.transaction_context.accounts_snapshot(),
            before_accounts,
            "{name} changed an account"
        );
    }
}
