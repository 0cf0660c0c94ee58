/*
 * loop_v2.c: loop_v1.c with one more round (9), the second build `sbfvm diff` compares.
 */
#define ROUNDS 9
#include "loop_v1.c"
