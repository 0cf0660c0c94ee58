/*
 * bench_large.c: a genuinely large program (about 130 KB of ELF, 160 functions) for the `load` group of
 * the benchmarks (crates/cli/src/bench.rs): ELF parsing, relocation, verification and JIT
 * compilation scale with the size of the text, so this program has many distinct
 * functions. The preprocessor generates them: function f<k> (k = 100 .. 259) runs eight
 * mixing rounds whose shift amounts and 64-bit constants all depend on k, so no two
 * functions share code and none can be folded into another.
 *
 * Instruction data: u64 LE seed in data[0..8] (fewer bytes: InvalidInstructionData).
 * The program runs x = seed through f100, f101, ..., f259 in order and sets the final x
 * as return data (8 bytes LE). Accounts are ignored. Aligned ABI v1.
 */
#include <sbfvm.h>

#define MAX_ACCOUNTS 4

/* One mixing round; k is a compile-time constant, so every round has its own shifts and
 * constants. */
#define ROUND(x, k)                                  \
  x ^= x << (((k) % 13) + 1);                        \
  x ^= x >> (((k) % 11) + 3);                        \
  x *= 0x9E3779B97F4A7C15ULL ^ ((uint64_t)(k) << 17); \
  x += 0x2545F4914F6CDD1DULL ^ ((uint64_t)(k) * 0x100000001B3ULL);

#define FN(k)                                                   \
  static __attribute__((noinline)) uint64_t f##k(uint64_t x) { \
    ROUND(x, (k) * 8 + 0)                                       \
    ROUND(x, (k) * 8 + 1)                                       \
    ROUND(x, (k) * 8 + 2)                                       \
    ROUND(x, (k) * 8 + 3)                                       \
    ROUND(x, (k) * 8 + 4)                                       \
    ROUND(x, (k) * 8 + 5)                                       \
    ROUND(x, (k) * 8 + 6)                                       \
    ROUND(x, (k) * 8 + 7)                                       \
    return x;                                                   \
  }

#define FN10(p) FN(p##0) FN(p##1) FN(p##2) FN(p##3) FN(p##4) \
  FN(p##5) FN(p##6) FN(p##7) FN(p##8) FN(p##9)
#define FN100(p) FN10(p##0) FN10(p##1) FN10(p##2) FN10(p##3) FN10(p##4) \
  FN10(p##5) FN10(p##6) FN10(p##7) FN10(p##8) FN10(p##9)

#define CALL(k) x = f##k(x);
#define CALL10(p) CALL(p##0) CALL(p##1) CALL(p##2) CALL(p##3) CALL(p##4) \
  CALL(p##5) CALL(p##6) CALL(p##7) CALL(p##8) CALL(p##9)
#define CALL100(p) CALL10(p##0) CALL10(p##1) CALL10(p##2) CALL10(p##3) CALL10(p##4) \
  CALL10(p##5) CALL10(p##6) CALL10(p##7) CALL10(p##8) CALL10(p##9)

FN100(1)
FN10(20) FN10(21) FN10(22) FN10(23) FN10(24) FN10(25)

uint64_t entrypoint(const uint8_t *input) {
  SolAccountInfo accounts[MAX_ACCOUNTS];
  SolParameters params = {.ka = accounts};
  if (!sol_deserialize(input, &params, MAX_ACCOUNTS)) return ERROR_INVALID_ARGUMENT;
  if (params.data_len < 8) return ERROR_INVALID_INSTRUCTION_DATA;

  uint64_t x = sol_read_u64_le(params.data);
  CALL100(1)
  CALL10(20) CALL10(21) CALL10(22) CALL10(23) CALL10(24) CALL10(25)
  uint8_t out[8];
  sol_write_u64_le(out, x);
  sol_set_return_data(out, sizeof(out));
  return SUCCESS;
}
