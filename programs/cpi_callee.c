/*
 * cpi_callee.c: the program that cpi_caller (and the scenarios) invoke: return data,
 * errors, account changes seen by the caller after the CPI, re-entrancy and recursion.
 *
 * Instruction data byte 0 is the op; "rest" is data[1..]. ka[i] is the i-th account as
 * received (at most 16 are looked at). The program checks only what it needs to stay
 * inside its input buffer: ownership and writability are left to the runtime, so that
 * the runtime's rules (ReadonlyDataModified, ExternalAccountDataModified,
 * ExternalAccountLamportSpend, ReadonlyLamportChange, InvalidRealloc, ...) can be tested.
 *
 *   empty data, op 0 or op 10: no-op, SUCCESS.
 *   op 1  set return data = rest (all of it; more than 1024 bytes makes the runtime abort
 *         with ReturnDataTooLarge).
 *   op 2  fail with Custom(u32 LE rest[0..4]) (n = 0 is returned as the builtin encoding
 *         of Custom(0)).
 *   op 3  resize account 0 to new_len = u64 LE rest[0..8]: bytes from the old length up to
 *         min(new_len, old_len + 10240) (the end of the realloc area) are filled with 0xAB,
 *         then new_len is stored in the serialized length field (the u64 before the data)
 *         and in ka[0].data_len. Larger lengths are stored anyway (the runtime answers
 *         InvalidRealloc). Meant for an account owned by this program, passed writable.
 *   op 4  write rest into account 0's data at offset 0 (AccountDataTooSmall if rest is
 *         longer than the data).
 *   op 5  re-entry: CPI (sol_invoke_signed_c) into the program whose id is ka[0].key with
 *         data [10] (a no-op in both cpi_caller and this program), metas ka[1..] with their
 *         received privileges, infos ka[0..]. With ka[0] = the calling program (A -> B -> A)
 *         the runtime answers ReentrancyNotAllowed; with ka[0] = this program (B -> B) it
 *         is allowed.
 *   op 6  self recursion: data = [6, k]. Logs sol_log_64_(6, k, sol_get_stack_height(),
 *         0, 0); then, if k > 0, CPIs into its own program id (params.program_id) with data
 *         [6, k - 1], passing every received account as metas (received privileges) and as
 *         infos. Its own program account must be among the accounts (account 0 by
 *         convention) so that each level has it. Invoked at top level with k = 4 it reaches
 *         stack height 5; k = 5 fails with CallDepth.
 *   op 7  move lamports = u64 LE rest[0..8] from account 0 to account 1 by writing both
 *         balances (InsufficientFunds if account 0 has fewer). Balanced, so only the
 *         ownership/writability rules apply (account 0 must be owned by this program).
 *
 * Errors found by this program (builtin errors, so they cannot be confused with op 2's
 * Custom(n)): unknown op or data too short for the op: InvalidInstructionData; fewer
 * accounts than the op needs (ops 3, 4, 5, 6: 1; op 7: 2): NotEnoughAccountKeys;
 * AccountDataTooSmall and InsufficientFunds as above. Aligned ABI v1.
 */
#include <sbfvm.h>

#define MAX_ACCOUNTS 16
#define OP_NOOP 10

/* CPI into `program_id` with `data`, metas ka[first ..] (received privileges) and infos
 * ka[0 ..]. noinline: the metas get their own stack frame. */
static __attribute__((noinline)) uint64_t invoke(const SolParameters *params,
                                                 const SolPubkey *program_id, uint64_t first,
                                                 const uint8_t *data, uint64_t data_len) {
  SolAccountMeta metas[MAX_ACCOUNTS];
  uint64_t n_metas = 0;
  for (uint64_t i = first; i < params->ka_num; i++) {
    sol_account_meta_from(&metas[n_metas++], &params->ka[i]);
  }
  SolInstruction instruction = {
      .program_id = (SolPubkey *)program_id,
      .accounts = metas,
      .account_len = n_metas,
      .data = (uint8_t *)data,
      .data_len = data_len,
  };
  return sol_invoke(&instruction, params->ka, (int)params->ka_num);
}

uint64_t entrypoint(const uint8_t *input) {
  SolAccountInfo ka[MAX_ACCOUNTS];
  SolParameters params = {.ka = ka};
  if (!sol_deserialize(input, &params, MAX_ACCOUNTS)) return ERROR_INVALID_ARGUMENT;
  if (params.data_len < 1) return SUCCESS;

  uint8_t op = params.data[0];
  const uint8_t *rest = params.data + 1;
  uint64_t rest_len = params.data_len - 1;
  uint64_t n = params.ka_num;

  switch (op) {
    case 0:
    case OP_NOOP:
      return SUCCESS;

    case 1:
      sol_set_return_data(rest, rest_len);
      return SUCCESS;

    case 2: {
      if (rest_len < 4) return ERROR_INVALID_INSTRUCTION_DATA;
      uint32_t code = sol_read_u32_le(rest);
      return code == 0 ? ERROR_CUSTOM_ZERO : TO_CUSTOM(code);
    }

    case 3: {
      if (rest_len < 8) return ERROR_INVALID_INSTRUCTION_DATA;
      if (n < 1) return ERROR_NOT_ENOUGH_ACCOUNT_KEYS;
      uint64_t new_len = sol_read_u64_le(rest);
      uint64_t old_len = ka[0].data_len;
      uint64_t limit = old_len + MAX_PERMITTED_DATA_INCREASE;
      uint64_t fill_end = new_len < limit ? new_len : limit;
      for (uint64_t i = old_len; i < fill_end; i++) ka[0].data[i] = 0xAB;
      *(uint64_t *)(ka[0].data - sizeof(uint64_t)) = new_len;
      ka[0].data_len = new_len;
      return SUCCESS;
    }

    case 4:
      if (n < 1) return ERROR_NOT_ENOUGH_ACCOUNT_KEYS;
      if (rest_len > ka[0].data_len) return ERROR_ACCOUNT_DATA_TOO_SMALL;
      sol_memcpy(ka[0].data, rest, rest_len);
      return SUCCESS;

    case 5: {
      if (n < 1) return ERROR_NOT_ENOUGH_ACCOUNT_KEYS;
      const uint8_t noop[1] = {OP_NOOP};
      return invoke(&params, ka[0].key, 1, noop, sizeof(noop));
    }

    case 6: {
      if (rest_len < 1) return ERROR_INVALID_INSTRUCTION_DATA;
      if (n < 1) return ERROR_NOT_ENOUGH_ACCOUNT_KEYS;
      uint8_t k = rest[0];
      sol_log_64_(6, k, sol_get_stack_height(), 0, 0);
      if (k == 0) return SUCCESS;
      const uint8_t next[2] = {6, (uint8_t)(k - 1)};
      return invoke(&params, params.program_id, 0, next, sizeof(next));
    }

    case 7: {
      if (rest_len < 8) return ERROR_INVALID_INSTRUCTION_DATA;
      if (n < 2) return ERROR_NOT_ENOUGH_ACCOUNT_KEYS;
      uint64_t amount = sol_read_u64_le(rest);
      if (*ka[0].lamports < amount) return ERROR_INSUFFICIENT_FUNDS;
      *ka[0].lamports -= amount;
      *ka[1].lamports += amount;
      return SUCCESS;
    }

    default:
      return ERROR_INVALID_INSTRUCTION_DATA;
  }
}
