//! Times `generate` and prints the counts; optionally writes the files to a directory.
//!
//! `cargo run --release -p blastmap-synth --example timing -- 100000 42 [out-dir]`

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::time::Instant;

use blastmap_synth::{TenantSpec, generate};

fn main() {
    let mut args = std::env::args().skip(1);
    let resources = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let seed = args.next().and_then(|a| a.parse().ok()).unwrap_or(42);
    let out = args.next();
    let start = Instant::now();
    let generated = generate(&TenantSpec { resources, seed });
    let elapsed = start.elapsed();
    println!("generated {resources} resources (seed {seed}) in {elapsed:.2?}");
    println!("{:#?}", generated.counts);
    for file in &generated.files {
        println!("{:>32}: {:>12} bytes", file.name, file.bytes.len());
        if let Some(dir) = &out {
            let path = std::path::Path::new(dir).join(file.name);
            if let Err(e) = std::fs::write(&path, &file.bytes) {
                eprintln!("cannot write {}: {e}", path.display());
            }
        }
    }
}
