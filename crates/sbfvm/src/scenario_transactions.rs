//! The `[[transactions]]` of a scenario: signers derived from words, the blockhash choice,
//! legacy or v0 messages, and the signed transaction sent through
//! [`Sbfvm::send_transaction`].

use solana_account::ReadableAccount;
use solana_hash::Hash;
use solana_instruction::Instruction;
use solana_message::{v0, AddressLookupTableAccount, Message, VersionedMessage};
use solana_nonce::state::State as NonceState;
use solana_nonce::versions::Versions as NonceVersions;
use solana_pubkey::Pubkey;
use solana_signature::Signature;
use solana_transaction::versioned::VersionedTransaction;

use crate::check::Check;
use crate::error::Error;
use crate::scenario::{parse_instruction, parse_pubkey, ExpectSpec, TransactionSpec};
use crate::signer::{sign_transaction, Signer};
use crate::{Outcome, Sbfvm};
use sbfvm_runtime::transaction::blockhash::MAX_PROCESSING_AGE;
use sbfvm_runtime::transaction::lookup_table::LookupTable;

/// Which blockhash a transaction names.
#[derive(Debug, Clone)]
enum BlockhashChoice {
    Latest,
    Expired,
    Nonce(Pubkey),
    Exactly(Hash),
}

/// One `[[transactions]]` entry, parsed.
#[derive(Debug)]
pub struct PreparedTransaction {
    /// The entry's `name` label.
    pub name: Option<String>,
    signers: Vec<Signer>,
    signed_by: Option<Vec<Signer>>,
    new_blockhash: bool,
    blockhash: BlockhashChoice,
    lookup_tables: Vec<Pubkey>,
    instructions: Vec<Instruction>,
    /// The entry's `expect` block, already validated.
    pub expect: Option<ExpectSpec>,
}

impl PreparedTransaction {
    /// The transaction's instructions, as the scenario gives them.
    pub fn instructions(&self) -> &[Instruction] {
        &self.instructions
    }
}

/// Parses `transactions[index]`.
pub(crate) fn prepare(index: usize, spec: &TransactionSpec) -> Result<PreparedTransaction, Error> {
    let what = format!("transactions[{index}]");
    if spec.signers.is_empty() {
        return Err(Error::Scenario(format!(
            "{what}.signers: a transaction needs at least its fee payer"
        )));
    }
    if spec.instructions.is_empty() {
        return Err(Error::Scenario(format!(
            "{what}.instructions: a transaction needs at least one instruction"
        )));
    }
    let signers = spec
        .signers
        .iter()
        .map(|name| Signer::from_seed(name))
        .collect();
    let signed_by = spec
        .signed_by
        .as_ref()
        .map(|names| names.iter().map(|name| Signer::from_seed(name)).collect());
    let blockhash = match spec.blockhash.as_deref() {
        None | Some("latest") => BlockhashChoice::Latest,
        Some("expired") => BlockhashChoice::Expired,
        Some(text) => match text.strip_prefix("nonce:") {
            Some(account) => {
                BlockhashChoice::Nonce(parse_pubkey(account, &format!("{what}.blockhash"))?)
            }
            None => BlockhashChoice::Exactly(Hash::new_from_array(
                parse_pubkey(text, &format!("{what}.blockhash"))?.to_bytes(),
            )),
        },
    };
    let lookup_tables = spec
        .lookup_tables
        .iter()
        .enumerate()
        .map(|(position, key)| parse_pubkey(key, &format!("{what}.lookup_tables[{position}]")))
        .collect::<Result<_, _>>()?;
    let instructions = spec
        .instructions
        .iter()
        .enumerate()
        .map(|(position, instruction)| {
            parse_instruction(
                &instruction.program_id,
                &instruction.accounts,
                instruction.data.as_deref(),
                &format!("{what}.instructions[{position}]"),
            )
        })
        .collect::<Result<Vec<_>, Error>>()?;
    if let Some(expect) = &spec.expect {
        Check::from_expect(expect, &format!("{what}.expect"))?;
    }
    Ok(PreparedTransaction {
        name: spec.name.clone(),
        signers,
        signed_by,
        new_blockhash: spec.new_blockhash,
        blockhash,
        lookup_tables,
        instructions,
        expect: spec.expect.clone(),
    })
}

/// Builds, signs and sends `prepared` on `vm`; returns the first instruction's program and
/// the outcome. Fails on a blockhash or lookup table the scenario names wrongly (a nonce
/// account that holds no nonce, a table that does not decode), or a message that cannot
/// be compiled.
pub(crate) fn send(
    vm: &mut Sbfvm,
    prepared: &PreparedTransaction,
) -> Result<(Pubkey, Outcome), Error> {
    let label = prepared.name.as_deref().unwrap_or("transaction");
    if prepared.new_blockhash {
        vm.expire_blockhash();
    }
    let blockhash = match &prepared.blockhash {
        BlockhashChoice::Latest => vm.latest_blockhash(),
        BlockhashChoice::Expired => {
            let old = vm.latest_blockhash();
            for _ in 0..=MAX_PROCESSING_AGE {
                vm.expire_blockhash();
            }
            old
        }
        BlockhashChoice::Exactly(hash) => *hash,
        BlockhashChoice::Nonce(account) => stored_durable_nonce(vm, account).ok_or_else(|| {
            Error::Scenario(format!(
                "{label}: blockhash nonce:{account} is not an initialized nonce account"
            ))
        })?,
    };
    let payer = prepared.signers[0].pubkey();
    let message = if prepared.lookup_tables.is_empty() {
        VersionedMessage::Legacy(Message::new_with_blockhash(
            &prepared.instructions,
            Some(&payer),
            &blockhash,
        ))
    } else {
        let tables = prepared
            .lookup_tables
            .iter()
            .map(|key| {
                let table = vm
                    .shared_account(key)
                    .and_then(|account| LookupTable::decode(account.data()))
                    .ok_or_else(|| {
                        Error::Scenario(format!("{label}: {key} is not a lookup table account"))
                    })?;
                Ok(AddressLookupTableAccount {
                    key: *key,
                    addresses: table.addresses,
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        VersionedMessage::V0(
            v0::Message::try_compile(&payer, &prepared.instructions, &tables, blockhash)
                .map_err(|error| Error::Scenario(format!("{label}: {error}")))?,
        )
    };
    let transaction = match &prepared.signed_by {
        None => sign_transaction(message, &prepared.signers.iter().collect::<Vec<_>>()),
        Some(signers) => signed_by_others(message, signers),
    };
    let program_id = prepared.instructions[0].program_id;
    Ok((program_id, vm.send_transaction(&transaction)))
}

/// `message` with its signature slots filled by `signers` in order, whoever the message
/// names (a forged transaction).
fn signed_by_others(message: VersionedMessage, signers: &[Signer]) -> VersionedTransaction {
    let bytes = bincode::serialize(&message).expect("a message serializes");
    let required = usize::from(message.header().num_required_signatures);
    let signatures = (0..required)
        .map(|slot| {
            signers
                .get(slot)
                .map_or_else(Signature::default, |signer| signer.sign(&bytes))
        })
        .collect();
    VersionedTransaction {
        signatures,
        message,
    }
}

/// The durable nonce a nonce account stores.
fn stored_durable_nonce(vm: &Sbfvm, account: &Pubkey) -> Option<Hash> {
    let account = vm.shared_account(account)?;
    match bincode::deserialize::<NonceVersions>(account.data())
        .ok()?
        .state()
    {
        NonceState::Initialized(data) => Some(*data.durable_nonce.as_hash()),
        NonceState::Uninitialized => None,
    }
}
