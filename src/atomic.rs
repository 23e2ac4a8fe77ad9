//! Files written whole or not at all: a reader (another quelle process) sees the old file
//! or the new one, never half of one. The dictionary's compiled tables, the index folder's
//! marker and the learnt translations are written this way.

use std::path::Path;

use crate::error::{Error, Result};

/// Writes `bytes` to `dir/name` through a temporary file of this process in the same
/// folder (created if needed) and a rename.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let tmp = dir.join(format!("{name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, dir.join(name)).map_err(|e| Error::io(&tmp, e))
}
