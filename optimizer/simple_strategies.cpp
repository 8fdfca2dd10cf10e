// Baselines without a model: uniform random points and a scrambled Sobol sequence.
#include "optimizer/simple_strategies.hpp"

#include "core/random.hpp"
#include "optimizer/sobol.hpp"

namespace pixforge::optimizer {

std::vector<std::vector<double>> RandomStrategy::propose(const std::vector<Trial>& history, int q) {
    std::vector<std::vector<double>> out;
    for (int i = 0; i < q; ++i) {
        Rng rng(seed_, "random." + std::to_string(history.size() + static_cast<size_t>(i)));
        std::vector<double> u(space_.size());
        for (double& x : u) x = rng.uniform();
        out.push_back(space_.snap(u));
    }
    return out;
}

std::vector<std::vector<double>> sobol_points(const DesignSpace& space, std::uint64_t seed, size_t first,
                                              size_t count) {
    SobolSequence sobol(static_cast<int>(space.size()), seed);
    std::vector<std::vector<double>> out;
    for (size_t i = 0; i < first + count; ++i) {
        std::vector<double> u = sobol.next();
        if (i >= first) out.push_back(space.snap(u));
    }
    return out;
}

std::vector<std::vector<double>> SobolStrategy::propose(const std::vector<Trial>& history, int q) {
    return sobol_points(space_, seed_, history.size(), static_cast<size_t>(q));
}

}  // namespace pixforge::optimizer
