/*
 * ata_shaped.c: a benchmark program shaped like the Associated Token Account program's
 * Create, driving token_shaped.c (or any program with SPL Token's GetAccountDataSize,
 * InitializeImmutableOwner and InitializeAccount3) through the same four CPIs, PDA
 * signature and syscalls as the real one.
 *
 * Create: data empty or [0]; anything else is InvalidInstructionData. Accounts
 *   [0] payer (writable signer), [1] the associated account (writable; must not exist:
 *   0 lamports, no data), [2] wallet, [3] mint, [4] System program, [5] token program
 * (fewer: NotEnoughAccountKeys; further accounts are ignored). Logs "Create", then:
 *   1. address, bump = sol_try_find_program_address([wallet, token program, mint], this
 *      program); an address other than account 1 logs "Error: Associated address does
 *      not match seed derivation" and fails with InvalidSeeds. The mint must be owned by
 *      the token program (IllegalOwner).
 *   2. CPI: token GetAccountDataSize [21] with [mint]; its return data (sol_get_return_data)
 *      must be a u64 set by the token program (else InvalidInstructionData): the space.
 *   3. CPI: System CreateAccount {rent-exempt minimum for that space by the Rent sysvar,
 *      space, owner = token program} from the payer to the associated account, signed
 *      with the seeds and the bump (sol_invoke_signed_c). An account that already has
 *      lamports makes the System program fail it (AccountAlreadyInUse).
 *   4. Logs "Initialize the associated token account"; CPI: token
 *      InitializeImmutableOwner [22] with [the associated account].
 *   5. CPI: token InitializeAccount3 [18, wallet] with [the associated account, mint].
 * Each CPI gets only the account infos it needs, its program's included, as the Rust SDK's
 * `invoke` callers pass them. A failing CPI fails the instruction with the callee's error.
 * Aligned ABI v1.
 */
#include <sbfvm.h>

#define MAX_ACCOUNTS 6

#define PAYER 0
#define ASSOCIATED 1
#define WALLET 2
#define MINT 3
#define SYSTEM_PROGRAM 4
#define TOKEN_PROGRAM 5

#define TOKEN_GET_ACCOUNT_DATA_SIZE 21
#define TOKEN_INITIALIZE_IMMUTABLE_OWNER 22
#define TOKEN_INITIALIZE_ACCOUNT3 18
#define SYSTEM_CREATE_ACCOUNT 0

#define ERROR_ILLEGAL_OWNER TO_BUILTIN(18)

/*
 * One CPI with the account infos ka[infos[0..n_infos)], copied out and then their data_len
 * copied back: the runtime writes a callee's resize into the infos it was given, and a
 * later CPI must hand the new length on (a stale one reads as a resize by this program).
 */
static __attribute__((noinline)) uint64_t invoke_with(SolAccountInfo *ka,
                                                      const SolInstruction *instruction,
                                                      const uint8_t *infos, uint64_t n_infos,
                                                      const SolSignerSeeds *signer) {
  SolAccountInfo selected[3];
  for (uint64_t i = 0; i < n_infos; i++) selected[i] = ka[infos[i]];
  uint64_t result = sol_invoke_signed(instruction, selected, (int)n_infos, signer, signer ? 1 : 0);
  for (uint64_t i = 0; i < n_infos; i++) ka[infos[i]].data_len = selected[i].data_len;
  return result;
}

/* A CPI into the token program, no signer. */
static uint64_t invoke_token(SolAccountInfo *ka, SolAccountMeta *metas, uint64_t n_metas,
                             const uint8_t *infos, uint64_t n_infos, const uint8_t *data,
                             uint64_t data_len) {
  SolInstruction instruction = {
      .program_id = ka[TOKEN_PROGRAM].key,
      .accounts = metas,
      .account_len = n_metas,
      .data = (uint8_t *)data,
      .data_len = data_len,
  };
  return invoke_with(ka, &instruction, infos, n_infos, NULL);
}

/* The token program's answer to GetAccountDataSize, or 0 when it gave none. */
static __attribute__((noinline)) uint64_t account_data_size(SolAccountInfo *ka) {
  SolAccountMeta metas[1] = {{.pubkey = ka[MINT].key, .is_writable = false, .is_signer = false}};
  static const uint8_t infos[2] = {MINT, TOKEN_PROGRAM};
  uint8_t data[1] = {TOKEN_GET_ACCOUNT_DATA_SIZE};
  uint64_t result = invoke_token(ka, metas, 1, infos, 2, data, sizeof(data));
  if (result != SUCCESS) return 0;
  uint8_t size[8];
  SolPubkey setter;
  if (sol_get_return_data(size, sizeof(size), &setter) != sizeof(size)) return 0;
  if (!sol_pubkey_eq(&setter, ka[TOKEN_PROGRAM].key)) return 0;
  return sol_read_u64_le(size);
}

/* System CreateAccount of the associated account, signed for by its seeds. */
static __attribute__((noinline)) uint64_t create_account(SolAccountInfo *ka,
                                                         const SolSignerSeed *seeds,
                                                         uint64_t space) {
  SolRent rent;
  sol_get_rent_sysvar(&rent);
  uint8_t data[4 + 8 + 8 + SIZE_PUBKEY] = {SYSTEM_CREATE_ACCOUNT};
  sol_write_u64_le(data + 4, sol_rent_minimum_balance(&rent, space));
  sol_write_u64_le(data + 12, space);
  sol_memcpy(data + 20, ka[TOKEN_PROGRAM].key, SIZE_PUBKEY);
  SolAccountMeta metas[2] = {
      {.pubkey = ka[PAYER].key, .is_writable = true, .is_signer = true},
      {.pubkey = ka[ASSOCIATED].key, .is_writable = true, .is_signer = true},
  };
  SolInstruction instruction = {
      .program_id = ka[SYSTEM_PROGRAM].key,
      .accounts = metas,
      .account_len = 2,
      .data = data,
      .data_len = sizeof(data),
  };
  static const uint8_t infos[3] = {PAYER, ASSOCIATED, SYSTEM_PROGRAM};
  SolSignerSeeds signer = {seeds, 4};
  return invoke_with(ka, &instruction, infos, 3, &signer);
}

static __attribute__((noinline)) uint64_t create(SolAccountInfo *ka, uint64_t n,
                                                 const SolPubkey *program_id) {
  sol_log("Create");
  if (n < MAX_ACCOUNTS) return ERROR_NOT_ENOUGH_ACCOUNT_KEYS;

  /* seeds[3] is the bump, filled in once it is found. */
  uint8_t bump;
  SolSignerSeed seeds[4] = {
      {ka[WALLET].key->x, SIZE_PUBKEY},
      {ka[TOKEN_PROGRAM].key->x, SIZE_PUBKEY},
      {ka[MINT].key->x, SIZE_PUBKEY},
      {&bump, 1},
  };
  SolPubkey address;
  if (sol_try_find_program_address(seeds, 3, program_id, &address, &bump) != 0 ||
      !sol_pubkey_eq(&address, ka[ASSOCIATED].key)) {
    sol_log("Error: Associated address does not match seed derivation");
    return ERROR_INVALID_SEEDS;
  }
  if (!sol_pubkey_eq(ka[MINT].owner, ka[TOKEN_PROGRAM].key)) return ERROR_ILLEGAL_OWNER;

  uint64_t space = account_data_size(ka);
  if (space == 0) return ERROR_INVALID_INSTRUCTION_DATA;
  uint64_t result = create_account(ka, seeds, space);
  if (result != SUCCESS) return result;

  sol_log("Initialize the associated token account");
  SolAccountMeta associated = {.pubkey = ka[ASSOCIATED].key, .is_writable = true,
                               .is_signer = false};
  static const uint8_t immutable_infos[2] = {ASSOCIATED, TOKEN_PROGRAM};
  uint8_t immutable_owner[1] = {TOKEN_INITIALIZE_IMMUTABLE_OWNER};
  result = invoke_token(ka, &associated, 1, immutable_infos, 2, immutable_owner,
                        sizeof(immutable_owner));
  if (result != SUCCESS) return result;

  SolAccountMeta metas[2] = {
      associated,
      {.pubkey = ka[MINT].key, .is_writable = false, .is_signer = false},
  };
  static const uint8_t initialize_infos[3] = {ASSOCIATED, MINT, TOKEN_PROGRAM};
  uint8_t initialize[1 + SIZE_PUBKEY] = {TOKEN_INITIALIZE_ACCOUNT3};
  sol_memcpy(initialize + 1, ka[WALLET].key, SIZE_PUBKEY);
  return invoke_token(ka, metas, 2, initialize_infos, 3, initialize, sizeof(initialize));
}

uint64_t entrypoint(const uint8_t *input) {
  SolAccountInfo ka[MAX_ACCOUNTS];
  SolParameters params = {.ka = ka};
  if (!sol_deserialize(input, &params, MAX_ACCOUNTS)) return ERROR_INVALID_ARGUMENT;
  if (params.data_len > 1 || (params.data_len == 1 && params.data[0] != 0)) {
    return ERROR_INVALID_INSTRUCTION_DATA;
  }
  return create(ka, params.ka_num, params.program_id);
}
