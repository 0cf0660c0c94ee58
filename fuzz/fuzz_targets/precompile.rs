//! One to four ed25519, secp256k1 and secp256r1 instructions with arbitrary data as one
//! transaction (see `sbfvm_fuzz::precompile` for the input format and the checks).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = sbfvm_fuzz::precompile::run(data);
});
