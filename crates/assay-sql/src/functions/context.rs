//! What evaluation may read besides its arguments: settings, clocks, and
//! the random source.

use crate::types::Settings;

/// Per-statement evaluation state the executor passes to every call.
pub struct EvalContext<'a> {
    pub settings: &'a Settings,
    /// Start of the transaction (µs since 2000-01-01 UTC): `now()`,
    /// `current_timestamp`, `transaction_timestamp()`.
    pub transaction_start: i64,
    /// Start of the statement: `statement_timestamp()`.
    pub statement_start: i64,
    /// The wall clock: `clock_timestamp()`. Injected, so tests and the
    /// browser build choose their own.
    pub clock: &'a dyn Fn() -> i64,
    /// `random()`, `setseed()`, `gen_random_uuid()`.
    pub rng: &'a mut Prng,
    /// The catalog and session, for functions that read them
    /// (`pg_get_indexdef`, `pg_table_is_visible`, …); absent outside a
    /// session.
    pub system: Option<&'a crate::system::SystemContext<'a>>,
}

/// xoshiro256**: the session's pseudo-random generator.
#[derive(Clone, Debug)]
pub struct Prng {
    s: [u64; 4],
}

impl Prng {
    /// A generator seeded from 64 bits (the executor seeds it from the OS).
    pub fn new(seed: u64) -> Prng {
        // splitmix64 spreads the seed over the state.
        let mut x = seed;
        let mut next = || {
            x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        Prng {
            s: [next(), next(), next(), next()],
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}
