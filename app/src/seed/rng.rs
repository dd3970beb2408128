//! A small deterministic random number generator (splitmix64), so that one `--seed` always
//! makes the same data set, and a source of ids that are random on every run.

/// splitmix64: fast, with good enough spread for made-up data. Not for secrets.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x05ee_d0fa_11d4_7a00)
    }

    /// A generator of its own for one part of the data, so that a change in how one stage
    /// draws numbers leaves the others' shapes as they were.
    pub fn fork(&self, stream: u64) -> Self {
        let mut forked = Self(self.0 ^ stream.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        forked.next_u64();
        forked
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        let wide = u128::from(self.next_u64()) * n as u128;
        usize::try_from(wide >> 64).unwrap_or(0)
    }

    /// A number in `low..=high`.
    pub fn between(&mut self, low: i64, high: i64) -> i64 {
        let span = usize::try_from(high.saturating_sub(low)).unwrap_or(0);
        low + i64::try_from(self.below(span + 1)).unwrap_or(0)
    }

    /// A number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// The first `k` items of a random order of `items` (a partial Fisher–Yates shuffle).
    pub fn sample<T: Copy>(&mut self, items: &[T], k: usize) -> Vec<T> {
        let mut pool = items.to_vec();
        let k = k.min(pool.len());
        for i in 0..k {
            let j = i + self.below(pool.len() - i);
            pool.swap(i, j);
        }
        pool.truncate(k);
        pool
    }
}

/// Row ids: 128 random-looking bits as 32 hex digits, like the store's own, from a generator
/// seeded by the operating system, so ids differ on every run and say nothing of the order
/// rows were made in.
pub struct Ids(Rng, Rng);

impl Ids {
    pub fn new() -> anyhow::Result<Self> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes)
            .map_err(|e| anyhow::anyhow!("no random numbers from the system: {e}"))?;
        let (a, b) = bytes.split_at(8);
        let word = |part: &[u8]| {
            part.iter()
                .fold(0u64, |acc, byte| (acc << 8) | u64::from(*byte))
        };
        Ok(Self(Rng(word(a)), Rng(word(b))))
    }

    pub fn next(&mut self) -> String {
        format!("{:016x}{:016x}", self.0.next_u64(), self.1.next_u64())
    }
}

#[cfg(test)]
mod tests {
    use super::Rng;

    #[test]
    fn one_seed_gives_one_sequence_and_another_seed_another() {
        let take = |seed| {
            let mut rng = Rng::new(seed);
            (0..8).map(|_| rng.next_u64()).collect::<Vec<_>>()
        };
        assert_eq!(take(1), take(1));
        assert_ne!(take(1), take(2));
    }

    #[test]
    fn numbers_stay_in_their_ranges() {
        let mut rng = Rng::new(7);
        for _ in 0..1000 {
            assert!(rng.below(5) < 5);
            assert!((3..=9).contains(&rng.between(3, 9)));
            assert!((0.0..1.0).contains(&rng.unit()));
        }
        let sample = rng.sample(&[1, 2, 3, 4, 5], 3);
        assert_eq!(sample.len(), 3);
    }
}
