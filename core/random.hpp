// Seeded random streams. Each consumer derives its own stream from (seed, purpose) so that
// adding a consumer never shifts another's numbers, and every run is reproducible from the seed.
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>

namespace pixforge {

// xoshiro256++: small state, fast, good statistics; seeded through splitmix64.
class Rng {
  public:
    Rng(std::uint64_t seed, std::string_view purpose);

    std::uint64_t next() {
        const std::uint64_t result = rotl(s_[0] + s_[3], 23) + s_[0];
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }
    // Uniform in [0, 1).
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    // Uniform in (0, 1], safe for log().
    double uniform_open() { return 1.0 - uniform(); }
    double exponential(double rate) { return -std::log(uniform_open()) / rate; }
    // Standard normal (Marsaglia polar method, one value cached).
    double normal();

  private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::uint64_t s_[4];
    double cached_ = 0.0;
    bool has_cached_ = false;
};

}  // namespace pixforge
