/*
 * cpi_chain.c: one link of a chain of nested cross-program invocations. The same binary,
 * deployed under several program ids, forms a chain A -> B -> C -> D -> E (-> F), which
 * exercises the invoke stack depth limit (5), stack heights, nesting in the instruction
 * trace and return data travelling up several levels.
 *
 * Instruction data: [hop u8, n u8] (at least 2 bytes; further bytes are ignored).
 * Accounts: [0 .. n) are the programs of the chain, in order (their program accounts);
 *           any further accounts are passed through unchanged. At most 16 accounts are
 *           looked at; accounts beyond the 16th are neither read nor passed on.
 *
 * hop < n: CPI (sol_invoke_signed_c, no signers) into the program whose id is the key of
 *          account `hop`, with data [hop + 1, n], and passing every account this
 *          instruction received (same order, all of them also as account infos):
 *          accounts [0 .. n) as read-only non-signer metas, the others with the
 *          is_signer / is_writable they were received with (never an escalation).
 *          After the CPI returns it reads the return data (set by the deepest link) and logs
 *            sol_log_64_(hop, sol_get_stack_height(), n, deepest_height, 0)
 *          where deepest_height = u64 LE of the return data if it is exactly 8 bytes, else 0.
 *          It does not set return data itself.
 * hop == n: the deepest link. h = sol_get_stack_height(); sets return data = h as 8 bytes
 *          LE and logs sol_log_64_(hop, h, n, h, 0).
 *
 * So the top-level instruction, sent to program A with accounts [B, C, D, E] and data
 * [0, 4], runs A (height 1) -> B (2) -> C (3) -> D (4) -> E (5): E logs
 * "4, 5, 4, 5, 0" (in hex), then D "3, 4, 4, 5, 0", ... A "0, 1, 4, 5, 0", and the
 * transaction's return data is 05 00 00 00 00 00 00 00 set by E. Accounts
 * [B, C, D, E, F] with data [0, 5] make F's invocation fail with CallDepth; accounts
 * [A, A, A, A] with data [0, 4] give direct self-recursion A -> A -> A -> A -> A (allowed);
 * [B, A] with data [0, 2] gives A -> B -> A (ReentrancyNotAllowed).
 *
 * Errors: data shorter than 2 bytes, hop > n or n > 16: InvalidInstructionData;
 * hop < n but fewer than hop + 1 accounts: NotEnoughAccountKeys. A failing CPI aborts
 * this program in the runtime; if the syscall ever returns non-zero, that value is
 * returned. Aligned ABI v1.
 */
#include <sbfvm.h>

#define MAX_ACCOUNTS 16

uint64_t entrypoint(const uint8_t *input) {
  SolAccountInfo accounts[MAX_ACCOUNTS];
  SolParameters params = {.ka = accounts};
  if (!sol_deserialize(input, &params, MAX_ACCOUNTS)) return ERROR_INVALID_ARGUMENT;
  if (params.data_len < 2) return ERROR_INVALID_INSTRUCTION_DATA;

  uint8_t hop = params.data[0];
  uint8_t n = params.data[1];
  if (hop > n || n > MAX_ACCOUNTS) return ERROR_INVALID_INSTRUCTION_DATA;

  if (hop == n) {
    uint64_t height = sol_get_stack_height();
    uint8_t out[8];
    sol_write_u64_le(out, height);
    sol_set_return_data(out, sizeof(out));
    sol_log_64_(hop, height, n, height, 0);
    return SUCCESS;
  }

  if (params.ka_num <= hop) return ERROR_NOT_ENOUGH_ACCOUNT_KEYS;

  SolAccountMeta metas[MAX_ACCOUNTS];
  for (uint64_t i = 0; i < params.ka_num; i++) {
    sol_account_meta_from(&metas[i], &accounts[i]);
    if (i < n) {
      metas[i].is_writable = false;
      metas[i].is_signer = false;
    }
  }
  uint8_t next[2] = {(uint8_t)(hop + 1), n};
  SolInstruction instruction = {
      .program_id = accounts[hop].key,
      .accounts = metas,
      .account_len = params.ka_num,
      .data = next,
      .data_len = sizeof(next),
  };
  uint64_t result = sol_invoke(&instruction, accounts, (int)params.ka_num);
  if (result != 0) return result;

  uint8_t returned[8];
  SolPubkey setter;
  uint64_t deepest_height = 0;
  if (sol_get_return_data(returned, sizeof(returned), &setter) == sizeof(returned)) {
    deepest_height = sol_read_u64_le(returned);
  }
  sol_log_64_(hop, sol_get_stack_height(), n, deepest_height, 0);
  return SUCCESS;
}
