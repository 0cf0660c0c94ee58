//! Seeds from the token programs: the Token program and the Associated Token Account program
//! as Mollusk's program crate ships them (mainnet's binaries at slot 347,196,212, deployed
//! with `bpf_loader`; that Token binary is already a p-token build, 105 CU for a
//! TransferChecked), and the same instructions on any other token program (SPL Token 3.5,
//! Token-2022, p-token: see `deployed.rs`), with the instructions users send them most.

use std::sync::Arc;

use mollusk_svm_programs_token::{associated_token, token};
use sbfvm::{Account, Loader, Pubkey};
use solana_program_pack::Pack;
use spl_token_interface::state::{Account as TokenAccount, AccountState, Mint};

use crate::case::{meta_accounts, stored_account, Case, Program, DEFAULT_COMPUTE_UNIT_LIMIT};

const DECIMALS: u8 = 6;

fn program(id: Pubkey, elf: &'static [u8], name: &str) -> Program {
    Program {
        id,
        loader: Loader::V2,
        path: format!("{name} (mollusk-svm-programs-token 0.16.4)"),
        elf: Arc::new(elf.to_vec()),
    }
}

/// The Token program as Mollusk's program crate ships it (mainnet's binary).
pub fn spl_token() -> Program {
    program(token::ID, token::ELF, "token.so")
}

/// The Associated Token Account program as Mollusk's program crate ships it.
pub fn associated_token_program() -> Program {
    program(
        associated_token::ID,
        associated_token::ELF,
        "associated_token.so",
    )
}

fn packed<T: Pack>(value: T) -> Vec<u8> {
    let mut data = vec![0; T::LEN];
    T::pack(value, &mut data).expect("a valid state packs");
    data
}

fn owned_by(owner: Pubkey, data: Vec<u8>) -> Account {
    // Both sides' Rent is mainnet's (see `sides.rs`).
    let lamports = sbfvm::RentParams::default().minimum_balance(data.len());
    Account {
        lamports,
        data,
        owner,
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

/// Token program cases (a mint, two token accounts, their owners) and an ATA Create, on
/// mainnet's Token binary.
pub fn seeds() -> Vec<Case> {
    token_seeds("Token (mainnet)", spl_token())
}

/// Transfer, TransferChecked, MintTo, Burn, Approve and CloseAccount on `token_program`
/// (accounts in the base layouts every token program reads), and an ATA Create for its mint.
pub fn token_seeds(label: &str, token_program: Program) -> Vec<Case> {
    let token_id = token_program.id;
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
        (mint, owned_by(token_id, packed(mint_state))),
        (
            source,
            owned_by(token_id, packed(token_account(owner, 600_000))),
        ),
        (
            destination,
            owned_by(token_id, packed(token_account(other, 0))),
        ),
        (owner, wallet(1_000_000_000)),
        (other, wallet(1_000_000_000)),
    ];
    use spl_token_interface::instruction as ix;
    // The builders accept only SPL Token's id; the instructions are the same on the others.
    let id = &token::ID;
    let instructions = [
        ix::transfer(id, &source, &destination, &owner, &[], 100).unwrap(),
        ix::transfer_checked(id, &source, &mint, &destination, &owner, &[], 100, DECIMALS).unwrap(),
        ix::mint_to(id, &mint, &destination, &owner, &[], 50).unwrap(),
        ix::burn(id, &source, &mint, &owner, &[], 10).unwrap(),
        ix::approve(id, &source, &other, &owner, &[], 70).unwrap(),
        ix::close_account(id, &destination, &other, &other, &[]).unwrap(),
    ];
    let programs = vec![token_program];
    let mut cases: Vec<Case> = instructions
        .into_iter()
        .enumerate()
        .map(|(index, mut instruction)| {
            instruction.program_id = token_id;
            Case {
                origin: format!("{label} #{index}"),
                accounts: with_metas(&accounts, &instruction, &programs),
                programs: programs.clone(),
                instruction,
                compute_unit_limit: DEFAULT_COMPUTE_UNIT_LIMIT,
            }
        })
        .collect();
    let create =
        spl_associated_token_account_interface::instruction::create_associated_token_account(
            &payer, &other, &mint, &token_id,
        );
    let mut ata_accounts = accounts.clone();
    ata_accounts.push((payer, wallet(10_000_000_000)));
    let programs = vec![programs[0].clone(), associated_token_program()];
    cases.push(Case {
        origin: format!("{label}: ATA Create"),
        accounts: with_metas(&ata_accounts, &create, &programs),
        programs,
        instruction: create,
        compute_unit_limit: DEFAULT_COMPUTE_UNIT_LIMIT,
    });
    cases
}

/// The accounts `instruction` names, from `known` or, for the builtins, sysvars and
/// programs among its metas, as sbfvm stores them (see [`crate::case::stored_account`]).
pub fn with_metas(
    known: &[(Pubkey, Account)],
    instruction: &sbfvm::Instruction,
    programs: &[Program],
) -> Vec<(Pubkey, Account)> {
    meta_accounts(instruction, |key| {
        known
            .iter()
            .find(|(candidate, _)| candidate == key)
            .map(|(_, account)| account.clone())
            .unwrap_or_else(|| stored_account(key, programs))
    })
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
