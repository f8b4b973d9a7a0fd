//! Time to read a CSV file into a dataset, and to build the design of a model from it: the
//! fastest of three runs each.
//!
//! ```text
//! cargo run --release --example bench_csv -- FILE.csv [RESPONSE]
//! ```

use std::time::Instant;

use mle::data::{DesignBuilder, ResponseSpec, read_csv};

fn main() -> mle::Result<()> {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: bench_csv FILE.csv [RESPONSE]");
        std::process::exit(2);
    };
    let response = args.next().unwrap_or_else(|| "y".into());
    let (mut read, mut build) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..3 {
        let t = Instant::now();
        let data = read_csv(&path)?;
        read = read.min(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let frame = DesignBuilder::new(ResponseSpec::parse(&response)).build(&data)?;
        build = build.min(t.elapsed().as_secs_f64());
        assert!(frame.design.n_rows() > 0);
    }
    println!(
        "{path}: read_csv {read:.3} s, design {build:.3} s (threads: RAYON_NUM_THREADS={:?})",
        std::env::var("RAYON_NUM_THREADS").ok()
    );
    Ok(())
}
