//! Generates the conformance fixtures' protobuf types (`org.solana.sealevel.v1`) from every
//! `.proto` file in `proto/`. protox compiles the schema in pure Rust, so no `protoc` is
//! needed; prost-build writes `$OUT_DIR/org.solana.sealevel.v1.rs`, which
//! `src/proto.rs` includes. A new schema file in `proto/` is picked up as is.

use std::error::Error;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn Error>> {
    let schema_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join("proto");
    println!("cargo:rerun-if-changed={}", schema_dir.display());
    let mut schema_files = Vec::new();
    for entry in std::fs::read_dir(&schema_dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|ext| ext == "proto") {
            schema_files.push(path);
        }
    }
    // A stable order keeps the generated file identical from build to build.
    schema_files.sort();
    let descriptors = protox::compile(&schema_files, [&schema_dir])?;
    prost_build::Config::new().compile_fds(descriptors)?;
    Ok(())
}
