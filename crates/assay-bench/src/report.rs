//! Timing and printing of side-by-side results.

use std::time::Instant;

/// One workload's figures.
pub struct Line {
    pub workload: &'static str,
    pub assay_ms: f64,
    pub peer_ms: f64,
}

/// Collects lines and prints them as they come.
#[derive(Default)]
pub struct Report {
    lines: Vec<Line>,
}

impl Report {
    pub fn header(&self, peer: &str) {
        println!(
            "{:<22} {:>10} {:>10} {:>7}",
            "workload",
            "assay_ms",
            format!("{peer}_ms"),
            "ratio"
        );
    }

    pub fn add(&mut self, workload: &'static str, assay_ms: f64, peer_ms: f64) {
        let ratio = assay_ms / peer_ms.max(1e-9);
        println!("{workload:<22} {assay_ms:>10.1} {peer_ms:>10.1} {ratio:>7.2}");
        self.lines.push(Line {
            workload,
            assay_ms,
            peer_ms,
        });
    }

    pub fn finish(&self) {
        let ratio = |l: &Line| l.assay_ms / l.peer_ms.max(1e-9);
        let Some(worst) = self
            .lines
            .iter()
            .max_by(|a, b| ratio(a).total_cmp(&ratio(b)))
        else {
            return;
        };
        println!("# slowest relative to the peer: {}", worst.workload);
        println!("worst ratio {:.2}", ratio(worst));
    }
}

/// Runs `f` and returns its result and the milliseconds it took.
pub fn time<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed().as_secs_f64() * 1000.0)
}

/// The process's resident set size in KiB (Linux), for memory checks.
pub fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}

/// Resets the kernel's peak-RSS mark (VmHWM) to the current RSS, so a later
/// `peak_rss_kib` gives the peak since now. False where that is unsupported.
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// The process's peak resident set size (VmHWM) in KiB (Linux).
pub fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}
