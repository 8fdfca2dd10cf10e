#pragma once

#include "optimizer/strategy.hpp"

namespace pixforge::optimizer {

class RandomStrategy : public Strategy {
  public:
    RandomStrategy(const DesignSpace& space, std::uint64_t seed) : space_(space), seed_(seed) {}
    std::string name() const override { return "random"; }
    std::vector<std::vector<double>> propose(const std::vector<Trial>& history, int q) override;

  private:
    const DesignSpace& space_;
    std::uint64_t seed_;
};

class SobolStrategy : public Strategy {
  public:
    SobolStrategy(const DesignSpace& space, std::uint64_t seed) : space_(space), seed_(seed) {}
    std::string name() const override { return "sobol"; }
    std::vector<std::vector<double>> propose(const std::vector<Trial>& history, int q) override;

  private:
    const DesignSpace& space_;
    std::uint64_t seed_;
};

// Points [first, first + count) of the space's scrambled Sobol sequence, snapped.
std::vector<std::vector<double>> sobol_points(const DesignSpace& space, std::uint64_t seed, size_t first,
                                              size_t count);

}  // namespace pixforge::optimizer
