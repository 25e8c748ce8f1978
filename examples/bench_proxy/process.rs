//! What the processes under test cost, read from Linux's /proc: CPU time, context switches
//! and memory. Elsewhere every figure reads as zero.

use serde_json::{Value, json};

/// CPU time and context switches of a process, per request once turned into a difference.
pub struct Cost {
    pub cpu_us: f64,
    pub switches: f64,
}

impl Cost {
    /// The process's totals so far: CPU microseconds (user + system) and context switches of
    /// all its threads (voluntary and not).
    pub fn of(pid: u32) -> Cost {
        Cost {
            cpu_us: cpu_time_us(pid),
            switches: context_switches(pid),
        }
    }

    /// What the process spent since `before`, per request of `requests`.
    pub fn since(&self, before: &Cost, requests: usize) -> Cost {
        let n = requests.max(1) as f64;
        Cost {
            cpu_us: (self.cpu_us - before.cpu_us) / n,
            switches: (self.switches - before.switches) / n,
        }
    }

    pub fn add_to(&self, result: &mut Value) {
        result["cpu_us_per_request"] = json!(self.cpu_us);
        result["context_switches_per_request"] = json!(self.switches);
    }
}

/// User + system CPU time the process has used so far, in microseconds.
fn cpu_time_us(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name, which is in parentheses and may contain spaces.
    let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i)?.parse::<u64>().ok())
        .sum();
    // Linux reports CPU time in ticks of 10 ms to user space.
    ticks as f64 * 10_000.0
}

/// Context switches of every thread of the process so far.
fn context_switches(pid: u32) -> f64 {
    let Ok(threads) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return 0.0;
    };
    threads
        .flatten()
        .filter_map(|thread| std::fs::read_to_string(thread.path().join("status")).ok())
        .flat_map(|status| {
            status
                .lines()
                .filter_map(|l| {
                    l.strip_prefix("voluntary_ctxt_switches:")
                        .or_else(|| l.strip_prefix("nonvoluntary_ctxt_switches:"))
                        .and_then(|v| v.trim().parse::<f64>().ok())
                })
                .collect::<Vec<_>>()
        })
        .sum()
}

/// A memory figure of the process (`VmRSS` now, `VmHWM` peak), in MiB.
pub fn memory_mib(pid: u32, field: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

/// The CPU model and count, for the record.
pub fn machine() -> Value {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")?
                .split_once(':')
                .map(|(_, m)| m.trim().to_owned())
        })
        .unwrap_or_default();
    json!({ "cpu": model, "cores": std::thread::available_parallelism().map_or(0, |n| n.get()) })
}
