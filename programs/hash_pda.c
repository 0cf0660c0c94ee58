/*
 * hash_pda.c: hashing and program-derived-address syscalls.
 * Instruction data byte 0 selects the operation; "rest" is data[1..].
 *   op 0: return data = sha256(rest)
 *   op 1: return data = keccak256(rest)
 *   op 2: return data = blake3(rest)          (the syscall is feature-gated off on mainnet)
 *   op 3: return data = create_program_address(["vault", rest], program_id)
 *         (32 bytes); Custom(1) if the syscall reports failure (address on the curve)
 *   op 4: return data = try_find_program_address(["vault"], program_id):
 *         address (32) ++ bump (1); Custom(2) if no bump works
 *   op 5: like op 4, but logs the address with sol_log_pubkey instead
 * Empty data or an unknown op: InvalidInstructionData. Accounts are ignored.
 */
#include <sbfvm.h>

#define MAX_ACCOUNTS 8

static const uint8_t VAULT_SEED[5] = {'v', 'a', 'u', 'l', 't'};

uint64_t entrypoint(const uint8_t *input) {
  SolAccountInfo accounts[MAX_ACCOUNTS];
  SolParameters params = {.ka = accounts};
  if (!sol_deserialize(input, &params, MAX_ACCOUNTS)) return ERROR_INVALID_ARGUMENT;
  if (params.data_len < 1) return ERROR_INVALID_INSTRUCTION_DATA;

  uint8_t op = params.data[0];
  SolBytes rest = {params.data + 1, params.data_len - 1};
  uint8_t hash[32];

  switch (op) {
    case 0:
      sol_sha256(&rest, 1, hash);
      sol_set_return_data(hash, sizeof(hash));
      return SUCCESS;
    case 1:
      sol_keccak256(&rest, 1, hash);
      sol_set_return_data(hash, sizeof(hash));
      return SUCCESS;
    case 2:
      sol_blake3(&rest, 1, hash);
      sol_set_return_data(hash, sizeof(hash));
      return SUCCESS;
    case 3: {
      SolSignerSeed seeds[2] = {
          {VAULT_SEED, sizeof(VAULT_SEED)},
          {rest.addr, rest.len},
      };
      SolPubkey address;
      if (sol_create_program_address(seeds, 2, params.program_id, &address) != 0) {
        return TO_CUSTOM(1);
      }
      sol_set_return_data(address.x, sizeof(address.x));
      return SUCCESS;
    }
    case 4:
    case 5: {
      SolSignerSeed seed = {VAULT_SEED, sizeof(VAULT_SEED)};
      /* address ++ bump, laid out contiguously so it can be returned in one piece */
      uint8_t out[SIZE_PUBKEY + 1];
      if (sol_try_find_program_address(&seed, 1, params.program_id, (SolPubkey *)out,
                                       &out[SIZE_PUBKEY]) != 0) {
        return TO_CUSTOM(2);
      }
      if (op == 4) {
        sol_set_return_data(out, sizeof(out));
      } else {
        sol_log_pubkey((const SolPubkey *)out);
      }
      return SUCCESS;
    }
    default:
      return ERROR_INVALID_INSTRUCTION_DATA;
  }
}
