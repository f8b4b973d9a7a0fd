//! Time to read a CSV file: into a dataset of every column and then the design of a model (what
//! `mle predict` does), and straight into the model's frame (what `mle fit` does). The fastest of
//! five runs each.
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
    let builder = DesignBuilder::new(ResponseSpec::parse(&args.next().unwrap_or("y".into())));
    let (mut read, mut build, mut frame) = (f64::INFINITY, f64::INFINITY, f64::INFINITY);
    for _ in 0..5 {
        let t = Instant::now();
        let data = read_csv(&path)?;
        read = read.min(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let built = builder.build(&data)?;
        build = build.min(t.elapsed().as_secs_f64());
        drop(data);
        let t = Instant::now();
        let streamed = builder.read_csv(&path)?;
        frame = frame.min(t.elapsed().as_secs_f64());
        assert_eq!(built.design, streamed.design);
        assert_eq!(built.response, streamed.response);
    }
    println!(
        "{path}: read_csv {read:.3} s, design {build:.3} s, frame {frame:.3} s \
         (threads: RAYON_NUM_THREADS={:?})",
        std::env::var("RAYON_NUM_THREADS").ok()
    );
    Ok(())
}
