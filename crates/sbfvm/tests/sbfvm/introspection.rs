//! What a program sees of its transaction, through introspect.so: the Instructions sysvar
//! read through its account and the instructions processed before it
//! (`sol_get_processed_sibling_instruction`), both with the message's privileges — a key
//! that is a signer or writable anywhere in the transaction is so in every instruction
//! (`solana-svm 4.4.0, src/account_loader.rs`, `construct_instructions_account`;
//! `solana-syscalls 4.4.0`, `SyscallGetProcessedSiblingInstruction`, which reads the
//! instruction trace's account flags).

use crate::common::{account, deploy_with, key, vm, MODES, SYSTEM};
use sbfvm::{ExecutionMode, Instruction, Loader, Pubkey, Sbfvm};
use solana_instruction::AccountMeta;

const SIGNER_FLAG: u8 = 1;
const WRITABLE_FLAG: u8 = 2;

fn instructions_sysvar() -> Pubkey {
    solana_sdk_ids::sysvar::instructions::id()
}

/// op 1: return data = the Instructions sysvar's data (account 0).
fn read_instructions_sysvar(program: Pubkey, mut metas: Vec<AccountMeta>) -> Instruction {
    metas.insert(0, AccountMeta::new_readonly(instructions_sysvar(), false));
    Instruction::new_with_bytes(program, &[1], metas)
}

/// op 2: return data = the processed sibling `index` (program id, lengths, data, metas).
fn read_sibling(program: Pubkey, index: u8, metas: Vec<AccountMeta>) -> Instruction {
    Instruction::new_with_bytes(program, &[2, index], metas)
}

/// The (flags, key) of each meta of instruction `index` in Instructions sysvar `data`.
fn sysvar_metas(data: &[u8], index: usize) -> Vec<(u8, Pubkey)> {
    let u16_at = |at: usize| u16::from_le_bytes([data[at], data[at + 1]]) as usize;
    let start = u16_at(2 + 2 * index);
    (0..u16_at(start))
        .map(|meta| {
            let at = start + 2 + 33 * meta;
            let key: [u8; 32] = data[at + 1..at + 33].try_into().unwrap();
            (data[at], Pubkey::new_from_array(key))
        })
        .collect()
}

/// A VM with introspect.so deployed and two funded wallets: the program, a signer, another.
fn setup(mode: ExecutionMode) -> (Sbfvm, [Pubkey; 3]) {
    let mut vm = vm(mode);
    let [program, signer, other] = [key(70), key(71), key(72)];
    deploy_with(&mut vm, program, Loader::Upgradeable, "introspect.so");
    vm.set_account(signer, account(1_000_000_000, SYSTEM, &[]));
    vm.set_account(other, account(1_000_000_000, SYSTEM, &[]));
    (vm, [program, signer, other])
}

/// The first instruction's metas: the signer read-only, another account read-only.
fn first_metas(signer: Pubkey, other: Pubkey) -> Vec<AccountMeta> {
    vec![
        AccountMeta::new_readonly(signer, true),
        AccountMeta::new_readonly(other, false),
    ]
}

#[test]
fn every_instruction_reads_the_same_instructions_sysvar_with_merged_privileges() {
    for mode in MODES {
        let (mut vm, [program, signer, other]) = setup(mode);
        // The signer is read-only in the first instruction and writable in the second; the
        // second passes the program id writable.
        let first = read_instructions_sysvar(program, first_metas(signer, other));
        let second = read_instructions_sysvar(
            program,
            vec![
                AccountMeta::new(signer, true),
                AccountMeta::new(program, false),
            ],
        );
        let outcome = vm.process_transaction(&[first, second], None);
        assert!(outcome.is_ok(), "{mode:?}: {:?}", outcome.result());
        // The return data is the second instruction's: the sysvar as it read it.
        let (_, data) = outcome.return_data().expect("return data");
        assert_eq!(
            u16::from_le_bytes([data[0], data[1]]),
            2,
            "two instructions"
        );
        let signer_writable = SIGNER_FLAG | WRITABLE_FLAG;
        assert_eq!(
            sysvar_metas(data, 0),
            [
                (0, instructions_sysvar()),
                (signer_writable, signer),
                (0, other)
            ],
            "{mode:?}: the first instruction as the second sees it"
        );
        assert_eq!(
            sysvar_metas(data, 1),
            [
                (0, instructions_sysvar()),
                (signer_writable, signer),
                (0, program)
            ],
            "{mode:?}: the program id is demoted"
        );
        // The current instruction's index closes the data.
        assert_eq!(&data[data.len() - 2..], &1u16.to_le_bytes());
    }
}

#[test]
fn a_processed_sibling_carries_the_message_privileges() {
    for mode in MODES {
        let (mut vm, [program, signer, other]) = setup(mode);
        let first = read_instructions_sysvar(program, first_metas(signer, other));
        let second = read_sibling(program, 0, vec![AccountMeta::new(signer, true)]);
        let outcome = vm.process_transaction(&[first, second], None);
        assert!(outcome.is_ok(), "{mode:?}: {:?}", outcome.result());
        let (_, data) = outcome.return_data().expect("return data");
        assert_eq!(&data[..32], program.as_ref(), "the sibling's program");
        assert_eq!(&data[32..40], &1u64.to_le_bytes(), "its data length");
        assert_eq!(&data[40..48], &3u64.to_le_bytes(), "its account count");
        assert_eq!(data[48], 1, "its data");
        // 34-byte AccountMetas: key, is_signer, is_writable.
        let metas: Vec<(Pubkey, u8, u8)> = data[49..]
            .chunks_exact(34)
            .map(|meta| (Pubkey::try_from(&meta[..32]).unwrap(), meta[32], meta[33]))
            .collect();
        assert_eq!(
            metas,
            [(instructions_sysvar(), 0, 0), (signer, 1, 1), (other, 0, 0)],
            "{mode:?}: the signer is writable as the message makes it"
        );
        // Index 1 goes past the one processed sibling.
        let lone = read_sibling(program, 1, vec![]);
        let outcome =
            vm.process_transaction(&[read_instructions_sysvar(program, vec![]), lone], None);
        assert_eq!(
            outcome.result(),
            &Err(sbfvm::TransactionError::InstructionError(
                1,
                sbfvm::InstructionError::Custom(40)
            ))
        );
    }
}
