import Glibc

/// Seconds on the monotonic clock.
public enum MonotonicClock {
    /// Now, in seconds since an arbitrary point.
    public static var now: Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
