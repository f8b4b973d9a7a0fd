//! Writes `$OUT_DIR/notebooks.rs`: one test per notebook in `notebooks/` (or in the folder named
//! by `MLE_NOTEBOOKS`), made of its code cells (see `src/generate.rs`).

#[path = "src/generate.rs"]
mod generate;

use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-env-changed=MLE_NOTEBOOKS");
    println!("cargo::rerun-if-changed=src/generate.rs");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let dir = std::env::var_os("MLE_NOTEBOOKS").map_or_else(|| manifest.join(".."), PathBuf::from);
    let dir = dir.canonicalize().unwrap_or(dir);
    println!("cargo::rerun-if-changed={}", dir.display());
    let source = generate::tests_for_folder(&dir).unwrap_or_else(|e| {
        eprintln!("error: {e}");
        std::process::exit(1)
    });
    let out =
        PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo")).join("notebooks.rs");
    std::fs::write(&out, source).unwrap_or_else(|e| {
        eprintln!("error: {}: {e}", out.display());
        std::process::exit(1)
    });
}
