//! Seeds from real deployed programs: SPL Token and the Associated Token Account program
//! (the mainnet binaries Mollusk's program crate ships), deployed with `bpf_loader` as on
//! mainnet, with the instructions users send them most.

use std::sync::Arc;

use mollusk_svm_programs_token::{associated_token, token};
use sbfvm::{Account, Loader, Pubkey};
use solana_program_pack::Pack;
use spl_token_interface::state::{Account as TokenAccount, AccountState, Mint};

use crate::case::{meta_accounts, Case, Program, DEFAULT_COMPUTE_UNIT_LIMIT};

const DECIMALS: u8 = 6;

fn program(id: Pubkey, elf: &'static [u8], name: &str) -> Program {
    Program {
        id,
        loader: Loader::V2,
        path: format!("{name} (mollusk-svm-programs-token 0.16.4)"),
        elf: Arc::new(elf.to_vec()),
    }
}

fn packed<T: Pack>(value: T) -> Vec<u8> {
    let mut data = vec![0; T::LEN];
    T::pack(value, &mut data).expect("a valid state packs");
    data
}

fn owned_by_token(data: Vec<u8>) -> Account {
    // Both sides' Rent is mainnet's (see `sides.rs`).
    let lamports = sbfvm::RentParams::default().minimum_balance(data.len());
    Account {
        lamports,
        data,
        owner: token::ID,
        executable: false,
        rent_epoch: 0,
    }
}

fn wallet(lamports: u64) -> Account {
    Account {
        lamports,
        ..Account::default()
    }
}

/// SPL Token cases (a mint, two token accounts, their owners) and an ATA Create.
pub fn seeds() -> Vec<Case> {
    let [mint, source, destination, owner, other, payer] =
        [1u8, 2, 3, 4, 5, 6].map(|n| Pubkey::new_from_array([n; 32]));
    let mint_state = Mint {
        mint_authority: Some(owner).into(),
        supply: 1_000_000,
        decimals: DECIMALS,
        is_initialized: true,
        freeze_authority: None.into(),
    };
    let token_account = |holder: Pubkey, amount: u64| TokenAccount {
        mint,
        owner: holder,
        amount,
        delegate: None.into(),
        state: AccountState::Initialized,
        is_native: None.into(),
        delegated_amount: 0,
        close_authority: None.into(),
    };
    let accounts = vec![
        (mint, owned_by_token(packed(mint_state))),
        (
            source,
            owned_by_token(packed(token_account(owner, 600_000))),
        ),
        (destination, owned_by_token(packed(token_account(other, 0)))),
        (owner, wallet(1_000_000_000)),
        (other, wallet(1_000_000_000)),
    ];
    use spl_token_interface::instruction as ix;
    let id = &token::ID;
    let instructions = [
        ix::transfer(id, &source, &destination, &owner, &[], 100).unwrap(),
        ix::transfer_checked(id, &source, &mint, &destination, &owner, &[], 100, DECIMALS).unwrap(),
        ix::mint_to(id, &mint, &destination, &owner, &[], 50).unwrap(),
        ix::burn(id, &source, &mint, &owner, &[], 10).unwrap(),
        ix::approve(id, &source, &other, &owner, &[], 70).unwrap(),
        ix::close_account(id, &destination, &other, &other, &[]).unwrap(),
    ];
    let token_program = program(token::ID, token::ELF, "token.so");
    let mut cases: Vec<Case> = instructions
        .into_iter()
        .enumerate()
        .map(|(index, instruction)| Case {
            origin: format!("SPL Token #{index}"),
            programs: vec![token_program.clone()],
            accounts: with_metas(&accounts, &instruction),
            instruction,
            compute_unit_limit: DEFAULT_COMPUTE_UNIT_LIMIT,
        })
        .collect();
    let create =
        spl_associated_token_account_interface::instruction::create_associated_token_account(
            &payer,
            &other,
            &mint,
            &token::ID,
        );
    let mut ata_accounts = accounts.clone();
    ata_accounts.push((payer, wallet(10_000_000_000)));
    cases.push(Case {
        origin: "ATA Create".into(),
        programs: vec![
            token_program,
            program(
                associated_token::ID,
                associated_token::ELF,
                "associated_token.so",
            ),
        ],
        accounts: with_metas(&ata_accounts, &create),
        instruction: create,
        compute_unit_limit: DEFAULT_COMPUTE_UNIT_LIMIT,
    });
    cases
}

/// The accounts `instruction` names, from `known` or, for the builtins and programs among
/// its metas, as sbfvm stores them.
fn with_metas(
    known: &[(Pubkey, Account)],
    instruction: &sbfvm::Instruction,
) -> Vec<(Pubkey, Account)> {
    meta_accounts(instruction, |key| {
        known
            .iter()
            .find(|(candidate, _)| candidate == key)
            .map(|(_, account)| account.clone())
            .unwrap_or_else(|| program_account(key))
    })
}

/// The account of a program a meta names: the System program's as sbfvm stores it, the
/// token program's ELF account under `bpf_loader`, or nothing (an absent account).
fn program_account(key: &Pubkey) -> Account {
    if *key == solana_sdk_ids::system_program::id() {
        sbfvm::runtime::accounts::native_program_account()
    } else if *key == token::ID {
        Account {
            lamports: sbfvm::RentParams::default().minimum_balance(token::ELF.len()),
            data: token::ELF.to_vec(),
            owner: solana_sdk_ids::bpf_loader::id(),
            executable: true,
            rent_epoch: 0,
        }
    } else {
        Account::default()
    }
}

#[cfg(test)]
mod tests {
    use sbfvm::ExecutionMode;

    use crate::effects::first_difference;
    use crate::sides::{run_reference, run_sbfvm};

    #[test]
    fn every_spl_seed_succeeds_alike_on_both_sides() {
        for case in super::seeds() {
            let ours = run_sbfvm(&case, ExecutionMode::Jit).unwrap();
            let reference = run_reference(&case).unwrap();
            assert_eq!(reference.result, "ok", "{}: {reference:?}", case.origin);
            assert_eq!(first_difference(&ours, &reference), None, "{}", case.origin);
        }
    }
}
