// Sobol' low-discrepancy points in [0,1)^d (Joe & Kuo 2008 direction numbers, up to 32
// dimensions), randomized by a seeded digital shift (XOR) so every seed gives a different,
// equally uniform design. The first point of an unshifted sequence is the origin.
#pragma once

#include <cstdint>
#include <vector>

namespace pixforge::optimizer {

class SobolSequence {
  public:
    static constexpr int kMaxDimensions = 32;

    // seed 0: no scrambling.
    SobolSequence(int dimensions, std::uint64_t seed);
    std::vector<double> next();
    int dimensions() const { return dimensions_; }

  private:
    int dimensions_;
    std::uint64_t index_ = 0;
    std::vector<std::uint32_t> state_, shift_;
    std::vector<std::vector<std::uint32_t>> directions_;  // [dimension][bit]
};

}  // namespace pixforge::optimizer
