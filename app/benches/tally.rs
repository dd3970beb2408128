//! Time to count a large poll: `cargo bench --bench tally`.
//!
//! The poll page counts the current ballots on every view (there is no cached result to go
//! stale), so this measures that work for 10,000 ballots of each kind: decoding the stored marks
//! and running the tally, with ranked choice counted both ways. Ballots are made from a fixed
//! seed, so every run counts the same ones. Prints min, median and mean of 50 runs.

use std::hint::black_box;
use std::time::{Duration, Instant};

use quorum::domain::polls::tally::tally;
use quorum::domain::polls::{Ballot, PollKind, PollRules, RankedMethod};
use quorum::store::{decode_marks, encode_marks};

const BALLOTS: usize = 10_000;
const OPTIONS: usize = 10;
const RUNS: usize = 50;

/// A small deterministic generator (xorshift), so no dependency is needed for randomness.
struct Seeded(u64);

impl Seeded {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        usize::try_from(self.0 % u64::try_from(n).unwrap_or(1)).unwrap_or(0)
    }
}

fn ballots(kind: PollKind, random: &mut Seeded) -> Vec<String> {
    (0..BALLOTS)
        .map(|_| {
            let marks = match kind {
                PollKind::Choose => vec![(random.below(OPTIONS), 1)],
                PollKind::Score | PollKind::Meeting => (0..OPTIONS)
                    .map(|o| (o, i64::try_from(random.below(3)).unwrap_or(0)))
                    .collect(),
                PollKind::DotVote => (0..4).map(|_| (random.below(OPTIONS), 2)).collect(),
                _ => {
                    let mut order: Vec<usize> = (0..OPTIONS).collect();
                    for i in (1..order.len()).rev() {
                        order.swap(i, random.below(i + 1));
                    }
                    let ranked = 1 + random.below(OPTIONS);
                    order
                        .into_iter()
                        .take(ranked)
                        .enumerate()
                        .map(|(place, o)| (o, i64::try_from(place + 1).unwrap_or(1)))
                        .collect()
                }
            };
            encode_marks(&Ballot { marks })
        })
        .collect()
}

fn main() {
    let labels: Vec<String> = (0..OPTIONS).map(|o| format!("Option {o}")).collect();
    let mut random = Seeded(0x5eed_1234_abcd_9876);
    let cases = [
        ("choose", PollKind::Choose, RankedMethod::Borda),
        ("score", PollKind::Score, RankedMethod::Borda),
        ("dot vote", PollKind::DotVote, RankedMethod::Borda),
        ("meeting", PollKind::Meeting, RankedMethod::Borda),
        ("ranked, Borda", PollKind::Ranked, RankedMethod::Borda),
        (
            "ranked, instant runoff",
            PollKind::Ranked,
            RankedMethod::InstantRunoff,
        ),
    ];
    println!("{BALLOTS} ballots, {OPTIONS} options, {RUNS} runs each (decode + tally)");
    for (name, kind, method) in cases {
        let stored = ballots(kind, &mut random);
        let rules = PollRules {
            method,
            dot_total: 8,
            ..PollRules::new(kind, OPTIONS)
        };
        let mut times: Vec<Duration> = (0..RUNS)
            .map(|_| {
                let start = Instant::now();
                let decoded: Vec<Ballot> = stored.iter().map(|m| decode_marks(m)).collect();
                let results = tally(&rules, &labels, black_box(&decoded));
                black_box(results);
                start.elapsed()
            })
            .collect();
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1_000.0;
        let mean = times.iter().sum::<Duration>() / u32::try_from(RUNS).unwrap_or(1);
        println!(
            "{name:<24} min {:>7.2} ms   median {:>7.2} ms   mean {:>7.2} ms",
            ms(times.first().copied().unwrap_or_default()),
            ms(times.get(RUNS / 2).copied().unwrap_or_default()),
            ms(mean)
        );
    }
}
