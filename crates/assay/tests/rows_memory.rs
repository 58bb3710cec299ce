//! A full scan through `Rows` holds one batch of rows at a time: resident
//! memory grows by far less than the table, whose rows pass through it all.
//!
//! Alone in its test binary, so that no other test's allocations run in the
//! process while resident memory is measured.

use assay::{params, Database, Options, Synchronous};

/// Rows of the table and characters of text in each.
const ROWS: i32 = 100_000;
const TEXT: usize = 1024;

/// The process's resident set in bytes (`VmRSS` of `/proc/self/status`).
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[test]
fn a_full_scan_keeps_resident_memory_far_below_the_table_size() {
    let Some(before_load) = resident_bytes() else {
        eprintln!("no /proc/self/status: resident memory cannot be measured here");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let options = Options::new()
        .cache_size(2 << 20)
        .synchronous(Synchronous::Off);
    let db = Database::open(dir.path().join("big.assay"), options).unwrap();
    let conn = db.connect();
    conn.execute_batch("CREATE TABLE big (id int PRIMARY KEY, body text NOT NULL)")
        .unwrap();
    // Loaded a thousand rows per statement, so loading holds little.
    let insert = conn
        .prepare(
            "INSERT INTO big SELECT g, repeat(md5(g::text), $3) FROM generate_series($1, $2) g",
        )
        .unwrap();
    let repeats = (TEXT / 32) as i32;
    for start in (1..=ROWS).step_by(1000) {
        insert
            .execute(params![start, start + 999, repeats])
            .unwrap();
    }
    db.engine().pager().checkpoint().unwrap();
    let table_bytes = u64::try_from(ROWS).unwrap() * TEXT as u64;

    let baseline = resident_bytes().unwrap();
    let mut peak = baseline;
    let (mut count, mut id_sum) = (0u64, 0i64);
    for row in conn.query("SELECT id, body FROM big", &[]).unwrap() {
        let row = row.unwrap();
        id_sum += i64::from(row.get::<i32>(0).unwrap());
        assert_eq!(row.get::<String>(1).unwrap().len(), TEXT);
        count += 1;
        if count % 1000 == 0 {
            peak = peak.max(resident_bytes().unwrap());
        }
    }
    assert_eq!(count, u64::try_from(ROWS).unwrap());
    assert_eq!(id_sum, i64::from(ROWS) * i64::from(ROWS + 1) / 2);
    let growth = peak.saturating_sub(baseline);
    eprintln!(
        "table {} MiB of text; resident before load {} MiB, before scan {} MiB, \
         growth during the scan {} KiB",
        table_bytes >> 20,
        before_load >> 20,
        baseline >> 20,
        growth >> 10
    );
    assert!(
        growth < table_bytes / 4,
        "resident memory grew by {growth} bytes while scanning {table_bytes} bytes"
    );

    // The measure sees rows that are kept: collecting them grows it by
    // about the table's size.
    let kept: Vec<assay::Row> = conn
        .query("SELECT id, body FROM big", &[])
        .unwrap()
        .collect::<assay::Result<_>>()
        .unwrap();
    let kept_growth = resident_bytes().unwrap().saturating_sub(baseline);
    eprintln!("growth with every row kept: {} MiB", kept_growth >> 20);
    assert_eq!(kept.len(), count as usize);
    assert!(kept_growth > table_bytes / 2, "{kept_growth}");
}
