//! The benchmark runner (see BENCHMARKS.md).

fn main() {
    eprintln!("clerk-bench: not written yet");
    std::process::exit(1);
}
