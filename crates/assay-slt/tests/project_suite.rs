//! The project's own SQL suite: every `tests/sql/*.slt` file at the
//! repository root, run in-process on an in-memory and on an on-disk
//! database. Every expected result there was produced by PostgreSQL 15.
//!
//! Records that fail today are listed in `tests/sql/KNOWN_FAILURES` as
//! `file.slt:LINE` (the line of the `statement`/`query` directive), with
//! `@memory` or `@disk` appended when only one storage fails, followed by a
//! `#` reason. The test fails on any failure not listed, and on any listed
//! record that passes, so the list stays an honest account of where Assay
//! and PostgreSQL differ.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assay_slt::{run_file, AssayTarget, Storage};

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/sql")
}

/// `(file, line, storage)`: a failing record on one storage.
type Key = (String, usize, &'static str);

fn storage_name(storage: Storage) -> &'static str {
    match storage {
        Storage::Memory => "memory",
        Storage::Disk => "disk",
    }
}

fn known_failures(dir: &Path) -> BTreeSet<Key> {
    let text = std::fs::read_to_string(dir.join("KNOWN_FAILURES")).unwrap_or_default();
    let mut known = BTreeSet::new();
    for (n, raw) in text.lines().enumerate() {
        let entry = raw.split('#').next().unwrap_or("").trim();
        if entry.is_empty() {
            continue;
        }
        let (location, only) = match entry.split_once('@') {
            Some((loc, storage)) => (loc, Some(storage.trim())),
            None => (entry, None),
        };
        let (file, line) = location
            .rsplit_once(':')
            .and_then(|(f, l)| Some((f.trim().to_string(), l.trim().parse().ok()?)))
            .unwrap_or_else(|| panic!("KNOWN_FAILURES line {}: bad entry {raw:?}", n + 1));
        for storage in ["memory", "disk"] {
            if only.is_none_or(|o| o == storage) {
                known.insert((file.clone(), line, storage));
            }
        }
        if let Some(o) = only {
            assert!(
                o == "memory" || o == "disk",
                "KNOWN_FAILURES line {}: unknown storage {o:?}",
                n + 1
            );
        }
    }
    known
}

#[test]
fn project_sql_suite() {
    let dir = suite_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/sql exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "slt"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .slt files in {}", dir.display());

    let known = known_failures(&dir);
    let mut failing = BTreeSet::new();
    let mut unexpected = Vec::new();
    let mut summary = Vec::new();
    for storage in [Storage::Memory, Storage::Disk] {
        let (mut passed, mut total) = (0, 0);
        for path in &files {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let text = std::fs::read_to_string(path).expect("readable .slt file");
            let mut target = AssayTarget::open(storage, false).expect("database opens");
            let result = run_file(&text, &mut target);
            passed += result.passed;
            total += result.passed + result.failed;
            for f in result.failures {
                let key = (name.clone(), f.line, storage_name(storage));
                if !known.contains(&key) {
                    unexpected.push(format!(
                        "{name}:{} [{}]\n    {}\n    {}",
                        f.line,
                        storage_name(storage),
                        f.sql.replace('\n', " "),
                        f.why
                    ));
                }
                failing.insert(key);
            }
        }
        summary.push(format!(
            "{}: {passed}/{total} passed",
            storage_name(storage)
        ));
    }
    let now_passing: Vec<String> = known
        .difference(&failing)
        .map(|(file, line, storage)| format!("{file}:{line} [{storage}]"))
        .collect();
    println!("{}", summary.join(", "));

    let mut report = String::new();
    if !unexpected.is_empty() {
        report += &format!(
            "{} records failed that tests/sql/KNOWN_FAILURES does not list:\n{}\n",
            unexpected.len(),
            unexpected.join("\n")
        );
    }
    if !now_passing.is_empty() {
        report += &format!(
            "{} records listed in tests/sql/KNOWN_FAILURES now pass; remove them:\n{}\n",
            now_passing.len(),
            now_passing.join("\n")
        );
    }
    assert!(report.is_empty(), "{}\n{report}", summary.join(", "));
}
