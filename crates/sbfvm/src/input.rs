//! Reading the files sbfvm is given, with a bound on what is read.

use crate::Error;

/// The largest program file sbfvm reads: an account holds at most 10 MiB, so no larger
/// ELF can be deployed.
pub const MAX_PROGRAM_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// The largest scenario, snapshot or other input text file sbfvm reads.
pub const MAX_INPUT_TEXT_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a regular file of at most `limit` bytes. Anything else (a device such as
/// `/dev/zero`, a FIFO, a directory, a larger file) is a clear [`Error::Io`] instead of an
/// unbounded read.
pub fn read_input_file(path: &std::path::Path, limit: u64) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let io_error = |message: String| Error::Io {
        path: path.to_path_buf(),
        message,
    };
    let file = std::fs::File::open(path).map_err(|error| io_error(error.to_string()))?;
    let metadata = file
        .metadata()
        .map_err(|error| io_error(error.to_string()))?;
    if !metadata.is_file() {
        return Err(io_error("not a regular file".to_string()));
    }
    if metadata.len() > limit {
        return Err(io_error(format!(
            "{} bytes; at most {limit} are read",
            metadata.len()
        )));
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    // The size may change while reading: never take more than the limit plus one byte.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| io_error(error.to_string()))?;
    if bytes.len() as u64 > limit {
        return Err(io_error(format!("more than {limit} bytes")));
    }
    Ok(bytes)
}

/// [`read_input_file`] for UTF-8 text.
pub fn read_input_text(path: &std::path::Path, limit: u64) -> Result<String, Error> {
    String::from_utf8(read_input_file(path, limit)?).map_err(|_| Error::Io {
        path: path.to_path_buf(),
        message: "not UTF-8 text".to_string(),
    })
}
