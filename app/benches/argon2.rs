//! Time per argon2id hash at Quorum's parameters: `cargo bench --bench argon2`.
//!
//! Prints min, median and mean over a fixed number of runs after a warm-up, for hashing a new
//! password, verifying a stored one, and the dummy verification done for unknown accounts
//! (which should take the same time as a real one). No benchmark framework: one number per
//! line is all the issue needs.

use std::error::Error;
use std::hint::black_box;
use std::time::{Duration, Instant};

use quorum::auth::password::{
    ITERATIONS, MEMORY_KIB, PARALLELISM, Password, dummy_verify, hash_password, verify_password,
};

const RUNS: usize = 20;
const WARM_UP: usize = 3;

fn main() -> Result<(), Box<dyn Error>> {
    let password = Password::new("correct horse battery staple");
    let stored = hash_password(&password)?;

    let mut failed = false;
    report(
        "hash_password",
        measure(|| failed |= hash_password(black_box(&password)).is_err()),
    );
    report(
        "verify_password",
        measure(|| failed |= !verify_password(black_box(&password), stored.as_str())),
    );
    report(
        "dummy_verify",
        measure(|| dummy_verify(black_box(&password))),
    );
    if failed {
        return Err("a hash or verification failed during the benchmark".into());
    }
    Ok(())
}

fn measure(mut run: impl FnMut()) -> Vec<Duration> {
    for _ in 0..WARM_UP {
        run();
    }
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .collect();
    times.sort();
    times
}

fn report(what: &str, sorted: Vec<Duration>) {
    let ms = |d: Duration| d.as_secs_f64() * 1_000.0;
    let min = sorted.first().copied().unwrap_or_default();
    let median = match sorted.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
    };
    let mean = sorted.iter().sum::<Duration>() / u32::try_from(sorted.len().max(1)).unwrap_or(1);
    println!(
        "argon2id m={MEMORY_KIB} KiB t={ITERATIONS} p={PARALLELISM}, {what}: \
         median {:.1} ms, min {:.1} ms, mean {:.1} ms per call ({} runs)",
        ms(median),
        ms(min),
        ms(mean),
        sorted.len(),
    );
}
