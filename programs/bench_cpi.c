/*
 * bench_cpi.c: cross-program invocations in a loop, for the `cpi` group of the benchmarks
 * (crates/cli/src/bench.rs). The same instruction with N = 0 is the baseline whose time
 * is subtracted, so what remains is N CPI round trips.
 *
 * Instruction data (at least 4 bytes; further bytes are ignored):
 *   data[0]      op (below)
 *   data[1..3]   N, u16 LE
 *   data[3]      depth: how many times the program first invokes itself before it runs
 *                the loop (0: the loop runs in the top-level instruction)
 * Accounts: [0] the callee program, [1] this program, [2..] payload accounts. At most 18
 * accounts are looked at; further ones are neither read nor passed on.
 *
 *   op 0  N CPIs (sol_invoke_signed_c, no signers) into ka[0] with empty instruction data
 *         (data_len 0), metas = ka[2 ..] with the privileges they were received with, and
 *         account infos = every received account, ka[0 ..].
 *   op 1  N System transfers of 1 lamport: CPIs into ka[0] (the System program) with
 *         Transfer {tag u32 2, lamports u64 1}, metas [ka[2], ka[3]] with their received
 *         privileges (ka[2] a writable signer with lamports, ka[3] writable), infos ka[0 ..].
 *   op 2  as op 0, but with instruction data [4, i & 0xff] for the i-th CPI (cpi_callee op
 *         4: the callee writes that byte at offset 0 of its account 0, which it must own),
 *         so every callee stores into its input.
 *
 * With depth d > 0 the program first CPIs into itself (ka[1]) with data [op, N, d - 1],
 * passing every received account as metas (received privileges) and infos; only the
 * deepest level runs the loop, at stack height d + 1. The callee then runs at d + 2, so
 * d <= 3 with the default nesting limit of 5.
 *
 * Errors: data shorter than 4 bytes or an unknown op: InvalidInstructionData; fewer than
 * 2 accounts (op 0) or 4 accounts (op 1): NotEnoughAccountKeys. A failing CPI aborts the
 * program inside the runtime; a non-zero syscall return is returned as is. Aligned ABI v1.
 */
#include <sbfvm.h>

#define MAX_ACCOUNTS 18
#define FIRST_PAYLOAD 2

#define OP_NOOP_CALLS 0
#define OP_TRANSFERS 1
#define OP_WRITE_CALLS 2

#define SYSTEM_TRANSFER 2

/* CPI into `program_id` with metas ka[first .. first + metas_len) and infos
 * ka[0 .. ka_num). noinline: the metas get their own stack frame. */
static __attribute__((noinline)) uint64_t invoke(const SolParameters *params,
                                                 const SolPubkey *program_id, uint64_t first,
                                                 uint64_t metas_len, const SolBytes *data) {
  SolAccountMeta metas[MAX_ACCOUNTS];
  for (uint64_t i = 0; i < metas_len; i++) {
    sol_account_meta_from(&metas[i], &params->ka[first + i]);
  }
  SolInstruction instruction = {
      .program_id = (SolPubkey *)program_id,
      .accounts = metas,
      .account_len = metas_len,
      .data = (uint8_t *)data->addr,
      .data_len = data->len,
  };
  return sol_invoke(&instruction, params->ka, (int)params->ka_num);
}

uint64_t entrypoint(const uint8_t *input) {
  SolAccountInfo ka[MAX_ACCOUNTS];
  SolParameters params = {.ka = ka};
  if (!sol_deserialize(input, &params, MAX_ACCOUNTS)) return ERROR_INVALID_ARGUMENT;
  if (params.data_len < 4) return ERROR_INVALID_INSTRUCTION_DATA;

  uint8_t op = params.data[0];
  uint64_t n = (uint64_t)params.data[1] | ((uint64_t)params.data[2] << 8);
  uint8_t depth = params.data[3];
  uint64_t ka_num = params.ka_num;
  if (op != OP_NOOP_CALLS && op != OP_TRANSFERS && op != OP_WRITE_CALLS) {
    return ERROR_INVALID_INSTRUCTION_DATA;
  }
  if (ka_num < (op == OP_TRANSFERS ? 4u : 2u)) return ERROR_NOT_ENOUGH_ACCOUNT_KEYS;

  if (depth > 0) {
    const uint8_t next[4] = {op, params.data[1], params.data[2], (uint8_t)(depth - 1)};
    SolBytes data = {next, sizeof(next)};
    return invoke(&params, ka[1].key, 0, ka_num, &data);
  }

  if (op == OP_NOOP_CALLS) {
    SolBytes empty = {params.data, 0};
    for (uint64_t i = 0; i < n; i++) {
      uint64_t result = invoke(&params, ka[0].key, FIRST_PAYLOAD, ka_num - FIRST_PAYLOAD, &empty);
      if (result != 0) return result;
    }
    return SUCCESS;
  }

  if (op == OP_WRITE_CALLS) {
    uint8_t write[2] = {4, 0};
    SolBytes data = {write, sizeof(write)};
    for (uint64_t i = 0; i < n; i++) {
      write[1] = (uint8_t)i;
      uint64_t result = invoke(&params, ka[0].key, FIRST_PAYLOAD, ka_num - FIRST_PAYLOAD, &data);
      if (result != 0) return result;
    }
    return SUCCESS;
  }

  const uint8_t transfer[12] = {SYSTEM_TRANSFER, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0};
  SolBytes data = {transfer, sizeof(transfer)};
  for (uint64_t i = 0; i < n; i++) {
    uint64_t result = invoke(&params, ka[0].key, FIRST_PAYLOAD, 2, &data);
    if (result != 0) return result;
  }
  return SUCCESS;
}
