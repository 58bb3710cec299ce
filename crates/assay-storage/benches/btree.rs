//! B+tree workloads over the in-memory page store, the storage half of the
//! SQLite comparison: `cargo bench -p assay-storage --bench btree`.
//! Prints the time of each workload; it asserts nothing about speed.

use std::hint::black_box;
use std::time::Instant;

use assay_storage::page::MemPages;
use assay_storage::BTree;

const N: u64 = 1_000_000;

/// A fixed permutation of 0..N (multiplication by an odd constant mod 2^20
/// is a bijection on 0..2^20; values past N are skipped).
fn shuffled() -> impl Iterator<Item = u64> {
    (0..1u64 << 20)
        .map(|i| (i.wrapping_mul(0x9E37_79B1) ^ 0x5_5555) & ((1 << 20) - 1))
        .filter(|&k| k < N)
}

fn row(i: u64) -> [u8; 24] {
    let mut v = [0u8; 24];
    v[..8].copy_from_slice(&i.to_le_bytes());
    v[8..16].copy_from_slice(&(i * 3).to_le_bytes());
    v
}

fn timed<R>(what: &str, f: impl FnOnce() -> R) -> R {
    let start = Instant::now();
    let r = f();
    println!("{what:<28} {:>8.1} ms", start.elapsed().as_secs_f64() * 1e3);
    r
}

fn main() {
    let mut w = MemPages::new(4096);
    let seq = BTree::create(&mut w).unwrap();
    timed("1M sequential inserts", || {
        for i in 0..N {
            seq.insert(&mut w, &i.to_be_bytes(), &row(i)).unwrap();
        }
    });
    println!("  pages: {}", w.allocated());

    let rnd = BTree::create(&mut w).unwrap();
    timed("1M random inserts", || {
        for i in shuffled() {
            rnd.insert(&mut w, &i.to_be_bytes(), &row(i)).unwrap();
        }
    });

    let found = timed("1M random point reads", || {
        let mut found = 0u64;
        for i in shuffled() {
            found += rnd
                .get_with(&w, &i.to_be_bytes(), |v| v[0] as u64)
                .unwrap()
                .is_some() as u64;
        }
        found
    });
    assert_eq!(found, N);

    let sum = timed("full scan (1M)", || {
        let mut c = rnd.cursor();
        let mut sum = 0u64;
        let mut more = c.first(&w).unwrap();
        while more {
            sum += c.key().unwrap()[7] as u64;
            sum += black_box(c.value(&w).unwrap().unwrap()[0]) as u64;
            more = c.next(&w).unwrap();
        }
        sum
    });
    black_box(sum);

    timed("100k random updates", || {
        for i in shuffled().take(100_000) {
            let mut v = row(i);
            v[20] = 1;
            assert!(rnd.insert(&mut w, &i.to_be_bytes(), &v).unwrap());
        }
    });

    timed("1M random deletes", || {
        for i in shuffled() {
            assert!(rnd.delete(&mut w, &i.to_be_bytes()).unwrap());
        }
    });
}
