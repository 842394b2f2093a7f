// Linear-time medians. The seam metric takes ~33 medians of an 8192-long column per probed
// position; sorting each would dominate its run time, quickselect does not.

/// Median selection over scratch buffers (the contents are reordered).
enum Median {
    /// The median of `values` (mean of the two middle values for an even count); `nil` if empty.
    static func of(_ values: UnsafeMutableBufferPointer<Float>) -> Float? {
        let n = values.count
        guard n > 0 else { return nil }
        let upper = select(values, rank: n / 2)
        guard n % 2 == 0 else { return upper }
        // After selection every element before rank n/2 is <= it; the lower middle is their max.
        var lower = values[0]
        for i in 1..<(n / 2) where values[i] > lower { lower = values[i] }
        return (lower + upper) / 2
    }

    /// The median of an array (copied into scratch); `nil` if empty.
    static func of(_ values: [Float]) -> Float? {
        var copy = values
        return copy.withUnsafeMutableBufferPointer { of($0) }
    }

    /// Hoare quickselect with a median-of-three pivot: returns the `rank`-th smallest value and
    /// leaves smaller-or-equal values before it.
    static func select(_ a: UnsafeMutableBufferPointer<Float>, rank: Int) -> Float {
        var low = 0
        var high = a.count - 1
        while low < high {
            let mid = low + (high - low) / 2
            if a[mid] < a[low] { a.swapAt(mid, low) }
            if a[high] < a[low] { a.swapAt(high, low) }
            if a[high] < a[mid] { a.swapAt(high, mid) }
            let pivot = a[mid]
            var i = low
            var j = high
            while i <= j {
                while a[i] < pivot { i += 1 }
                while a[j] > pivot { j -= 1 }
                if i <= j {
                    a.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if rank <= j {
                high = j
            } else if rank >= i {
                low = i
            } else {
                return a[rank]
            }
        }
        return a[rank]
    }
}
