//! The VFS contract, written once and run against every implementation.
//!
//! Each test is a function of a [`Fixture`] (a VFS and a directory to put
//! files in); `contract!` instantiates all of them for the memory VFS, the
//! OS VFS in a temporary directory, and the fault VFS (with no faults
//! planned) over each. A new VFS joins by adding one line at the bottom.

use std::sync::Arc;

use super::{FaultVfs, LockMode, MemoryVfs, OsVfs, Vfs, VfsFile};
use crate::{Result, SqlState};

/// A VFS under test and where its files go.
struct Fixture {
    vfs: Arc<dyn Vfs>,
    prefix: String,
    _dir: Option<tempfile::TempDir>,
}

impl Fixture {
    fn path(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    fn create(&self, name: &str) -> Arc<dyn VfsFile> {
        self.vfs.open(&self.path(name), true).expect("create file")
    }

    fn open(&self, name: &str) -> Arc<dyn VfsFile> {
        self.vfs.open(&self.path(name), false).expect("open file")
    }
}

fn memory() -> Fixture {
    Fixture {
        vfs: Arc::new(MemoryVfs::new()),
        prefix: "mem/".to_string(),
        _dir: None,
    }
}

fn os() -> Fixture {
    let dir = tempfile::tempdir().expect("temporary directory");
    Fixture {
        vfs: Arc::new(OsVfs),
        prefix: format!("{}/", dir.path().display()),
        _dir: Some(dir),
    }
}

fn fault_over_memory() -> Fixture {
    let inner = memory();
    Fixture {
        vfs: Arc::new(FaultVfs::new(inner.vfs)),
        ..inner
    }
}

fn fault_over_os() -> Fixture {
    let inner = os();
    Fixture {
        vfs: Arc::new(FaultVfs::new(inner.vfs)),
        ..inner
    }
}

fn read(file: &dyn VfsFile, offset: u64, len: usize) -> Vec<u8> {
    let mut buf = vec![0xEE; len];
    let n = file.read_at(&mut buf, offset).expect("read");
    buf.truncate(n);
    buf
}

fn code<T>(result: Result<T>) -> SqlState {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.code(),
    }
}

fn read_past_end_returns_zero(f: &Fixture) {
    let file = f.create("a");
    assert_eq!(file.read_at(&mut [0; 8], 0).unwrap(), 0);
    file.write_at(b"0123456789", 0).unwrap();
    assert_eq!(file.read_at(&mut [0; 8], 10).unwrap(), 0);
    assert_eq!(file.read_at(&mut [0; 8], 1 << 40).unwrap(), 0);
}

fn short_read_returns_what_is_there(f: &Fixture) {
    let file = f.create("a");
    file.write_at(b"0123456789", 0).unwrap();
    assert_eq!(read(&*file, 6, 8), b"6789");
    assert_eq!(read(&*file, 0, 4), b"0123");
    let e = file.read_exact_at(&mut [0; 8], 6).unwrap_err();
    assert_eq!(e.code(), SqlState::DATA_CORRUPTED);
}

fn write_past_end_zero_fills_gap(f: &Fixture) {
    let file = f.create("a");
    file.write_at(b"xy", 1000).unwrap();
    assert_eq!(file.size().unwrap(), 1002);
    assert_eq!(read(&*file, 0, 1000), vec![0; 1000]);
    assert_eq!(read(&*file, 998, 10), b"\0\0xy");
}

fn overwrite_in_place(f: &Fixture) {
    let file = f.create("a");
    file.write_at(b"hello world", 0).unwrap();
    file.write_at(b"W", 6).unwrap();
    assert_eq!(read(&*file, 0, 64), b"hello World");
    assert_eq!(file.size().unwrap(), 11);
}

fn empty_write_does_not_extend(f: &Fixture) {
    let file = f.create("a");
    file.write_at(b"", 100).unwrap();
    assert_eq!(file.size().unwrap(), 0);
}

fn truncate_shrinks_and_grows(f: &Fixture) {
    let file = f.create("a");
    file.write_at(&[0xAA; 100], 0).unwrap();
    file.truncate(10).unwrap();
    assert_eq!(file.size().unwrap(), 10);
    assert_eq!(file.read_at(&mut [0; 4], 10).unwrap(), 0);
    // Growing again zero-fills: the cut bytes do not come back.
    file.truncate(50).unwrap();
    assert_eq!(file.size().unwrap(), 50);
    let mut expected = vec![0xAA; 10];
    expected.resize(50, 0);
    assert_eq!(read(&*file, 0, 100), expected);
    file.truncate(0).unwrap();
    assert_eq!(file.size().unwrap(), 0);
}

fn size_tracks_the_furthest_write(f: &Fixture) {
    let file = f.create("a");
    assert_eq!(file.size().unwrap(), 0);
    file.write_at(&[1; 4096], 4096).unwrap();
    assert_eq!(file.size().unwrap(), 8192);
    file.write_at(&[2; 10], 0).unwrap();
    assert_eq!(file.size().unwrap(), 8192);
}

fn synced_data_survives_reopening(f: &Fixture) {
    let file = f.create("a");
    file.write_at(b"durable", 0).unwrap();
    file.sync().unwrap();
    drop(file);
    let file = f.open("a");
    assert_eq!(read(&*file, 0, 64), b"durable");
    // Opening with `create` keeps an existing file's contents.
    let again = f.create("a");
    assert_eq!(again.size().unwrap(), 7);
}

fn two_handles_see_the_same_data(f: &Fixture) {
    let a = f.create("a");
    let b = f.open("a");
    a.write_at(b"shared", 0).unwrap();
    assert_eq!(read(&*b, 0, 64), b"shared");
    b.truncate(3).unwrap();
    assert_eq!(a.size().unwrap(), 3);
    assert_eq!(read(&*a, 0, 64), b"sha");
}

fn exclusive_lock_conflicts_with_another_handle(f: &Fixture) {
    let a = f.create("a");
    let b = f.open("a");
    a.lock(LockMode::Exclusive).unwrap();
    assert_eq!(code(b.lock(LockMode::Shared)), SqlState::LOCK_NOT_AVAILABLE);
    assert_eq!(
        code(b.lock(LockMode::Exclusive)),
        SqlState::LOCK_NOT_AVAILABLE
    );
}

fn shared_locks_coexist(f: &Fixture) {
    let a = f.create("a");
    let b = f.open("a");
    let c = f.open("a");
    a.lock(LockMode::Shared).unwrap();
    b.lock(LockMode::Shared).unwrap();
    assert_eq!(
        code(c.lock(LockMode::Exclusive)),
        SqlState::LOCK_NOT_AVAILABLE
    );
    a.unlock().unwrap();
    assert_eq!(
        code(c.lock(LockMode::Exclusive)),
        SqlState::LOCK_NOT_AVAILABLE
    );
    b.unlock().unwrap();
    c.lock(LockMode::Exclusive).unwrap();
}

fn unlock_releases(f: &Fixture) {
    let a = f.create("a");
    let b = f.open("a");
    a.lock(LockMode::Exclusive).unwrap();
    a.unlock().unwrap();
    b.lock(LockMode::Exclusive).unwrap();
    assert_eq!(code(a.lock(LockMode::Shared)), SqlState::LOCK_NOT_AVAILABLE);
    b.unlock().unwrap();
    a.lock(LockMode::Shared).unwrap();
    // Unlocking a handle that holds no lock leaves others' locks alone.
    b.unlock().unwrap();
    assert_eq!(
        code(b.lock(LockMode::Exclusive)),
        SqlState::LOCK_NOT_AVAILABLE
    );
}

fn closing_a_handle_releases_its_lock(f: &Fixture) {
    let a = f.create("a");
    let b = f.open("a");
    a.lock(LockMode::Exclusive).unwrap();
    drop(a);
    b.lock(LockMode::Exclusive).unwrap();
}

fn delete_and_exists(f: &Fixture) {
    let path = f.path("a");
    assert!(!f.vfs.exists(&path).unwrap());
    f.create("a").write_at(b"x", 0).unwrap();
    assert!(f.vfs.exists(&path).unwrap());
    f.vfs.delete(&path).unwrap();
    assert!(!f.vfs.exists(&path).unwrap());
    f.vfs.delete(&path).unwrap();
    // A file created anew after a delete starts empty.
    assert_eq!(f.create("a").size().unwrap(), 0);
}

fn open_missing_without_create_is_undefined_file(f: &Fixture) {
    let e = f
        .vfs
        .open(&f.path("missing"), false)
        .err()
        .expect("an error");
    assert_eq!(e.code(), SqlState::UNDEFINED_FILE);
    assert!(!f.vfs.exists(&f.path("missing")).unwrap());
}

fn concurrent_writers_to_disjoint_ranges(f: &Fixture) {
    const THREADS: usize = 4;
    const CHUNKS: usize = 32;
    const CHUNK: usize = 300;
    let shared = f.create("a");
    std::thread::scope(|scope| {
        for t in 0..THREADS {
            // Half the threads share one handle, half open their own.
            let file = match t % 2 {
                0 => shared.clone(),
                _ => f.open("a"),
            };
            scope.spawn(move || {
                for i in 0..CHUNKS {
                    let chunk = i * THREADS + t;
                    let fill = [(chunk % 251) as u8; CHUNK];
                    file.write_at(&fill, (chunk * CHUNK) as u64).unwrap();
                }
                file.sync().unwrap();
            });
        }
    });
    let total = THREADS * CHUNKS;
    assert_eq!(shared.size().unwrap(), (total * CHUNK) as u64);
    let data = read(&*shared, 0, total * CHUNK);
    for (chunk, bytes) in data.chunks(CHUNK).enumerate() {
        assert!(
            bytes.iter().all(|&b| b == (chunk % 251) as u8),
            "chunk {chunk}"
        );
    }
}

macro_rules! contract {
    ($fixture:ident: $($test:ident),+ $(,)?) => {
        mod $fixture {
            $(
                #[test]
                fn $test() {
                    super::$test(&super::$fixture());
                }
            )+
        }
    };
}

macro_rules! contract_for_every_vfs {
    ($($test:ident),+ $(,)?) => {
        contract!(memory: $($test),+);
        contract!(os: $($test),+);
        contract!(fault_over_memory: $($test),+);
        contract!(fault_over_os: $($test),+);
    };
}

contract_for_every_vfs!(
    read_past_end_returns_zero,
    short_read_returns_what_is_there,
    write_past_end_zero_fills_gap,
    overwrite_in_place,
    empty_write_does_not_extend,
    truncate_shrinks_and_grows,
    size_tracks_the_furthest_write,
    synced_data_survives_reopening,
    two_handles_see_the_same_data,
    exclusive_lock_conflicts_with_another_handle,
    shared_locks_coexist,
    unlock_releases,
    closing_a_handle_releases_its_lock,
    delete_and_exists,
    open_missing_without_create_is_undefined_file,
    concurrent_writers_to_disjoint_ranges,
);
