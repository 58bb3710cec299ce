//! Golden tests: scripts in `testscripts/*.script` run against a tree over
//! `MemPages`; their output must equal the recorded `*.golden` file beside
//! them. Set `UPDATE_GOLDEN=1` to record the output instead.
//!
//! Script lines (blank lines and `#` comments are copied to the output):
//!
//! ```text
//! pagesize N              start over with an empty tree on pages of N bytes
//! insert KEY VALUE        VALUE may be TEXT*N: TEXT repeated N times
//! insert_range A B [LEN]  keys k0000-style from A to B-1, LEN-byte values
//! delete KEY
//! delete_range A B
//! get KEY
//! scan | rscan            all entries, ascending | descending
//! dump                    the tree's structure
//! check                   the integrity check's summary
//! pages                   pages allocated in the store
//! ```

use std::fmt::Write;
use std::path::Path;

use super::{check, dump, BTree};
use crate::page::MemPages;
use crate::Result;

struct Runner {
    pages: MemPages,
    tree: BTree,
}

impl Runner {
    fn new(page_size: usize) -> Runner {
        let mut pages = MemPages::new(page_size);
        let tree = BTree::create(&mut pages).expect("create");
        Runner { pages, tree }
    }

    fn run(&mut self, line: &str, out: &mut String) -> Result<()> {
        let words: Vec<&str> = line.split_whitespace().collect();
        let arg = |i: usize| words.get(i).copied().unwrap_or("");
        let num = |i: usize| arg(i).parse::<u32>().unwrap_or(0);
        let (w, t) = (&mut self.pages, self.tree);
        match arg(0) {
            "pagesize" => *self = Runner::new(num(1) as usize),
            "insert" => {
                let replaced = t.insert(w, &expand(arg(1)), &expand(arg(2)))?;
                out.push_str(if replaced { "replaced\n" } else { "inserted\n" });
            }
            "insert_range" => {
                let len = words.get(3).map_or(4, |_| num(3) as usize);
                for i in num(1)..num(2) {
                    let value: Vec<u8> = format!("v{i:04}").bytes().cycle().take(len).collect();
                    t.insert(w, format!("k{i:04}").as_bytes(), &value)?;
                }
                let _ = writeln!(out, "inserted {}", num(2).saturating_sub(num(1)));
            }
            "delete" => {
                let existed = t.delete(w, &expand(arg(1)))?;
                out.push_str(if existed { "deleted\n" } else { "absent\n" });
            }
            "delete_range" => {
                let mut n = 0;
                for i in num(1)..num(2) {
                    n += t.delete(w, format!("k{i:04}").as_bytes())? as u32;
                }
                let _ = writeln!(out, "deleted {n}");
            }
            "get" => match t.get(w, &expand(arg(1)))? {
                Some(v) => {
                    let _ = writeln!(out, "{}", show(&v));
                }
                None => out.push_str("none\n"),
            },
            "scan" | "rscan" => {
                let mut c = t.cursor();
                let forwards = arg(0) == "scan";
                let mut more = if forwards { c.first(w)? } else { c.last(w)? };
                while more {
                    let key = c.key().unwrap_or_default();
                    let value = c.value(w)?.unwrap_or_default();
                    let _ = writeln!(out, "{} = {}", super::check::printable(key), show(&value));
                    more = if forwards { c.next(w)? } else { c.prev(w)? };
                }
            }
            "dump" => out.push_str(&dump(w, t.root())?),
            "check" => {
                let report = check(w, t.root(), &mut |_| {});
                if report.problems.is_empty() {
                    let _ = writeln!(
                        out,
                        "ok: {} entries, {} pages, height {}",
                        report.entries, report.pages, report.height
                    );
                }
                for p in report.problems {
                    let _ = writeln!(out, "problem: {p}");
                }
            }
            "pages" => {
                let _ = writeln!(out, "{} pages allocated", w.allocated());
            }
            other => {
                let _ = writeln!(out, "unknown command {other:?}");
            }
        }
        Ok(())
    }
}

/// `TEXT*N` is TEXT repeated N times; anything else is itself.
fn expand(spec: &str) -> Vec<u8> {
    match spec.rsplit_once('*') {
        Some((text, n)) if n.parse::<usize>().is_ok() => {
            text.repeat(n.parse().unwrap_or(0)).into_bytes()
        }
        _ => spec.as_bytes().to_vec(),
    }
}

/// Short values as text; long ones by length.
fn show(value: &[u8]) -> String {
    if value.len() > 24 {
        format!("<{} bytes>", value.len())
    } else {
        String::from_utf8_lossy(value).into_owned()
    }
}

fn run_script(script: &str) -> String {
    let mut runner = Runner::new(256);
    let mut out = String::new();
    for line in script.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let _ = writeln!(out, "> {line}");
        if let Err(e) = runner.run(line, &mut out) {
            let _ = writeln!(out, "error [{}]: {}", e.code(), e.message());
        }
    }
    out
}

#[test]
fn golden_scripts() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/btree/testscripts");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut scripts: Vec<_> = std::fs::read_dir(&dir)
        .expect("testscripts directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "script"))
        .collect();
    scripts.sort();
    assert!(!scripts.is_empty(), "no scripts in {}", dir.display());
    let mut failed = Vec::new();
    for script in scripts {
        let output = run_script(&std::fs::read_to_string(&script).expect("read script"));
        let golden = script.with_extension("golden");
        if update {
            std::fs::write(&golden, &output).expect("write golden file");
            continue;
        }
        let recorded = std::fs::read_to_string(&golden).unwrap_or_default();
        if recorded != output {
            eprintln!("--- {} differs; got:\n{output}", golden.display());
            failed.push(golden.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "golden output differs (UPDATE_GOLDEN=1 to record): {failed:?}"
    );
}
