//! Formatting for people: relative times, rate limits, counts and latencies.

/// "just now", "5 minutes ago", "3 days ago", … for `then` as seen at `now` (both in ms).
pub fn relative_time(now_ms: i64, then_ms: i64) -> String {
    let seconds = (now_ms - then_ms).max(0) / 1000;
    let (count, unit) = match seconds {
        0..=9 => return "just now".into(),
        10..=59 => (seconds, "second"),
        60..=3_599 => (seconds / 60, "minute"),
        3_600..=86_399 => (seconds / 3_600, "hour"),
        86_400..=2_591_999 => (seconds / 86_400, "day"),
        2_592_000..=31_535_999 => (seconds / 2_592_000, "month"),
        _ => (seconds / 31_536_000, "year"),
    };
    let plural = if count == 1 { "" } else { "s" };
    format!("{count} {unit}{plural} ago")
}

/// "10/s, burst 20", or "Unlimited".
pub fn rate_limit(requests_per_second: Option<u32>, burst_size: Option<u32>) -> String {
    match (requests_per_second, burst_size) {
        (Some(rps), Some(burst)) => format!("{rps}/s, burst {burst}"),
        (Some(rps), None) => format!("{rps}/s"),
        _ => "Unlimited".into(),
    }
}

/// 1234567 → "1,234,567".
pub fn count(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// A latency bound from the usage histogram: "≤ 250 ms", "≤ 2.5 s", or "> 60 s".
pub fn latency_bound(ms: Option<u64>) -> String {
    match ms {
        None => "> 60 s".into(),
        Some(ms) if ms < 1_000 => format!("≤ {ms} ms"),
        Some(ms) => format!("≤ {} s", ms as f64 / 1_000.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_latencies_read_naturally() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(-1_000), "-1,000");
        assert_eq!(latency_bound(Some(250)), "≤ 250 ms");
        assert_eq!(latency_bound(Some(2_500)), "≤ 2.5 s");
        assert_eq!(latency_bound(None), "> 60 s");
    }

    #[test]
    fn relative_times_pick_the_largest_whole_unit() {
        let now = 1_000_000_000_000;
        assert_eq!(relative_time(now, now), "just now");
        assert_eq!(
            relative_time(now, now + 5_000),
            "just now",
            "clock skew is not the future"
        );
        assert_eq!(relative_time(now, now - 30_000), "30 seconds ago");
        assert_eq!(relative_time(now, now - 60_000), "1 minute ago");
        assert_eq!(relative_time(now, now - 2 * 3_600_000), "2 hours ago");
        assert_eq!(relative_time(now, now - 86_400_000), "1 day ago");
        assert_eq!(relative_time(now, now - 400 * 86_400_000), "1 year ago");
    }

    #[test]
    fn rate_limits_read_naturally() {
        assert_eq!(rate_limit(Some(10), Some(20)), "10/s, burst 20");
        assert_eq!(rate_limit(None, None), "Unlimited");
    }
}
