// The one definition of pixforge's fixed-point arithmetic, shared by the integer reference, the
// exact LibTorch forward pass and (later) the generated RTL. A value v with `frac` fractional
// bits is the integer v * 2^frac. Rescaling by a right shift rounds half up (floor(x/2^s + 1/2),
// i.e. add 2^(s-1), then an arithmetic shift); results saturate to the target format's range.
#pragma once

#include <algorithm>
#include <cstdint>

namespace pixforge::models::fixed {

// floor(acc / 2^shift + 1/2) for shift > 0; acc * 2^-shift otherwise.
inline std::int64_t round_shift(std::int64_t acc, int shift) {
    if (shift <= 0) return acc * (std::int64_t{1} << -shift);
    return (acc + (std::int64_t{1} << (shift - 1))) >> shift;  // arithmetic shift: floor for negatives
}

struct Range {
    std::int64_t lo, hi;
};
inline Range signed_range(int bits) {
    return {-(std::int64_t{1} << (bits - 1)), (std::int64_t{1} << (bits - 1)) - 1};
}
inline Range unsigned_range(int bits) {
    return {0, (std::int64_t{1} << bits) - 1};
}
inline std::int64_t saturate(std::int64_t v, Range r) {
    return std::clamp(v, r.lo, r.hi);
}

// Bits that hold every value in [lo, hi] as a signed integer.
inline int signed_bits_for(std::int64_t lo, std::int64_t hi) {
    int bits = 1;
    while (lo < -(std::int64_t{1} << (bits - 1)) || hi > (std::int64_t{1} << (bits - 1)) - 1) ++bits;
    return bits;
}

}  // namespace pixforge::models::fixed
