//! The size of the shared library as built, and stripped of its symbols.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::external::run_bounded;

/// Sizes of libclerk.so, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LibrarySize {
    /// As cargo built it.
    pub built: u64,
    /// After `strip` (of a copy; the built file is left alone).
    pub stripped: u64,
}

/// Measures `library`, stripping a copy of it at `copy`.
pub fn measure(library: &Path, copy: &Path) -> Result<LibrarySize, String> {
    let built = std::fs::metadata(library)
        .map_err(|e| format!("{}: {e}", library.display()))?
        .len();
    std::fs::copy(library, copy).map_err(|e| format!("copying to {}: {e}", copy.display()))?;
    let mut strip = Command::new("strip");
    strip.arg(copy);
    run_bounded(strip, Duration::from_secs(60))?;
    let stripped = std::fs::metadata(copy)
        .map_err(|e| format!("{}: {e}", copy.display()))?
        .len();
    Ok(LibrarySize { built, stripped })
}
