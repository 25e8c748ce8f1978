//! Per-key rate limits: a token bucket (governor's GCRA) refilled at the key's requests per
//! second and holding up to its burst size.

use std::num::NonZeroU32;

use governor::clock::{Clock, MonotonicClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};

/// A key's limit as configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub requests_per_second: NonZeroU32,
    pub burst_size: NonZeroU32,
}

impl RateLimit {
    /// The limit stored for a key; `None` (unlimited) unless both numbers are positive.
    pub fn from_stored(requests_per_second: Option<i64>, burst_size: Option<i64>) -> Option<Self> {
        let rps = NonZeroU32::new(u32::try_from(requests_per_second?).ok()?)?;
        let burst = NonZeroU32::new(u32::try_from(burst_size?).ok()?)?;
        Some(RateLimit {
            requests_per_second: rps,
            burst_size: burst,
        })
    }
}

/// What the bucket says about one more request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The key has no limit.
    Unlimited,
    /// Allowed; `remaining` requests could follow at once.
    Allowed { limit: u32, remaining: u32 },
    /// Refused; a retry after `retry_after_secs` whole seconds will be allowed.
    Limited { limit: u32, retry_after_secs: u64 },
}

/// On the standard library's monotonic clock, which takes no room in the bucket (the default
/// clock takes about 40 bytes, 4 MB at 100,000 keys).
type Bucket = RateLimiter<NotKeyed, InMemoryState, MonotonicClock, StateInformationMiddleware>;

/// The live bucket of one key.
pub struct Limiter {
    limit: RateLimit,
    bucket: Bucket,
}

impl Limiter {
    pub fn new(limit: RateLimit) -> Self {
        let quota = Quota::per_second(limit.requests_per_second).allow_burst(limit.burst_size);
        Limiter {
            limit,
            bucket: RateLimiter::direct_with_clock(quota, MonotonicClock).with_middleware(),
        }
    }

    pub fn limit(&self) -> RateLimit {
        self.limit
    }

    /// Takes one token if there is one.
    pub fn check(&self) -> Decision {
        let limit = self.limit.burst_size.get();
        match self.bucket.check() {
            Ok(state) => Decision::Allowed {
                limit,
                remaining: state.remaining_burst_capacity(),
            },
            Err(not_until) => {
                let wait = not_until.wait_time_from(MonotonicClock.now());
                // Whole seconds, rounded up, and never 0: "retry now" would only be refused again.
                let retry_after_secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                Decision::Limited {
                    limit,
                    retry_after_secs: retry_after_secs.max(1),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(rps: u32, burst: u32) -> RateLimit {
        RateLimit {
            requests_per_second: NonZeroU32::new(rps).unwrap(),
            burst_size: NonZeroU32::new(burst).unwrap(),
        }
    }

    #[test]
    fn the_burst_is_allowed_then_the_next_request_waits_a_whole_second() {
        let limiter = Limiter::new(limit(1, 2));
        assert_eq!(
            limiter.check(),
            Decision::Allowed {
                limit: 2,
                remaining: 1
            }
        );
        assert_eq!(
            limiter.check(),
            Decision::Allowed {
                limit: 2,
                remaining: 0
            }
        );
        assert_eq!(
            limiter.check(),
            Decision::Limited {
                limit: 2,
                retry_after_secs: 1
            }
        );
    }

    #[test]
    fn stored_limits_need_both_numbers() {
        assert_eq!(
            RateLimit::from_stored(Some(5), Some(10)),
            Some(limit(5, 10))
        );
        assert_eq!(RateLimit::from_stored(Some(5), None), None);
        assert_eq!(RateLimit::from_stored(None, None), None);
        assert_eq!(RateLimit::from_stored(Some(0), Some(1)), None);
        assert_eq!(RateLimit::from_stored(Some(-1), Some(1)), None);
    }
}
