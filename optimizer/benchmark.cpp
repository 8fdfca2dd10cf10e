#include "optimizer/benchmark.hpp"

#include <chrono>
#include <cmath>
#include <stdexcept>

namespace pixforge::optimizer {

double BenchmarkRun::log_gap(size_t i) const {
    return std::log10(std::max(max_hypervolume - hypervolume.at(i), 1e-12));
}

BenchmarkRun run_benchmark(const BenchmarkProblem& problem, const std::string& strategy_name, int evaluations,
                           std::uint64_t seed, const StrategyOptions& options, int batch) {
    const DesignSpace space = DesignSpace::unit_cube(problem.dimensions());
    const ProblemShape shape{problem.objectives(), problem.constraints(), problem.reference_point()};
    auto strategy = make_strategy(strategy_name, space, shape, seed, options);
    BenchmarkRun run;
    run.problem = problem.name();
    run.strategy = strategy->name();
    run.seed = seed;
    run.max_hypervolume = problem.max_hypervolume();
    while (static_cast<int>(run.trials.size()) < evaluations) {
        const int q = std::min(batch, evaluations - static_cast<int>(run.trials.size()));
        const auto start = std::chrono::steady_clock::now();
        const auto points = strategy->propose(run.trials, q);
        run.proposal_seconds.push_back(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        if (points.empty()) throw std::logic_error(strategy_name + " proposed nothing");
        for (const auto& u : points) {
            const Evaluation e = problem.evaluate(u);
            run.trials.push_back({u, e.objectives, e.constraints, true});
            run.hypervolume.push_back(
                hypervolume(feasible_objectives(run.trials), problem.reference_point()));
        }
    }
    return run;
}

}  // namespace pixforge::optimizer
