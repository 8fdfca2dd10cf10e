#include "optimizer/benchmark.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "optimizer/study.hpp"

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

double BenchmarkSeries::median_log_gap(size_t i) const {
    std::vector<double> g;
    for (const auto& r : runs) g.push_back(r.log_gap(i));
    std::sort(g.begin(), g.end());
    return g.size() % 2 ? g[g.size() / 2] : 0.5 * (g[g.size() / 2 - 1] + g[g.size() / 2]);
}

std::string BenchmarkSeries::json() const {
    const BenchmarkRun& first = runs.front();
    nlohmann::json j{{"problem", first.problem},
                     {"algo", first.strategy},
                     {"evals", first.hypervolume.size()},
                     {"max_hypervolume", first.max_hypervolume}};
    for (const auto& r : runs) {
        nlohmann::json jr{
            {"seed", r.seed}, {"hypervolume", r.hypervolume}, {"proposal_seconds", r.proposal_seconds}};
        for (size_t i = 0; i < r.hypervolume.size(); ++i) jr["log10_gap"].push_back(r.log_gap(i));
        j["runs"].push_back(jr);
    }
    for (size_t i = 0; i < first.hypervolume.size(); ++i) j["median_log10_gap"].push_back(median_log_gap(i));
    return j.dump();
}

void BenchmarkSeries::write_table(std::ostream& out) const {
    out << "# problem algo seed eval hypervolume log10_gap\n";
    for (const auto& r : runs)
        for (size_t i = 0; i < r.hypervolume.size(); ++i)
            out << fmt::format("{} {} {} {} {:.8g} {:.4f}\n", r.problem, r.strategy, r.seed, i + 1,
                               r.hypervolume[i], r.log_gap(i));
    const size_t last = runs.front().hypervolume.size() - 1;
    out << fmt::format("# median over {} seeds at {} evaluations: log10 gap {:.4f}\n", runs.size(), last + 1,
                       median_log_gap(last));
}

BenchmarkSeries run_benchmark_seeds(const BenchmarkProblem& problem, const std::string& strategy,
                                    int evaluations, int seeds, const StrategyOptions& options, int batch,
                                    std::ostream* progress) {
    BenchmarkSeries series;
    for (int s = 1; s <= seeds; ++s) {
        series.runs.push_back(
            run_benchmark(problem, strategy, evaluations, static_cast<std::uint64_t>(s), options, batch));
        const BenchmarkRun& r = series.runs.back();
        const double slowest = *std::max_element(r.proposal_seconds.begin(), r.proposal_seconds.end());
        if (progress)
            *progress << fmt::format(
                "{} {} seed {}: final HV {:.6g} (max {:.6g}), log10 gap {:.3f}, slowest proposal {:.3f} s\n",
                problem.name(), strategy, s, r.hypervolume.back(), r.max_hypervolume,
                r.log_gap(r.hypervolume.size() - 1), slowest);
    }
    return series;
}

std::string run_benchmark_study(const BenchmarkProblem& problem, const std::string& strategy, int evaluations,
                                int batch, const StrategyOptions& options,
                                const std::filesystem::path& folder, bool resume,
                                const Provenance& provenance, std::ostream* progress) {
    const DesignSpace space = DesignSpace::unit_cube(problem.dimensions());
    StudySpec spec{strategy, 1, {}, {}, problem.reference_point(), ""};
    for (int j = 0; j < problem.objectives(); ++j) spec.objective_names.push_back(fmt::format("f{}", j + 1));
    for (int k = 0; k < problem.constraints(); ++k)
        spec.constraint_names.push_back(fmt::format("c{}", k + 1));
    spec.config =
        fmt::format("problem = \"{}\"\nevaluations = {}\nbatch = {}\n", problem.name(), evaluations, batch);
    Study study(folder, spec, space, resume, provenance);
    const auto proposer =
        make_strategy(strategy, space,
                      {problem.objectives(), problem.constraints(), problem.reference_point()}, 1, options);
    run_study(
        study, *proposer, space, [&](const std::vector<double>& u) { return problem.evaluate(u); },
        evaluations, batch, progress);
    return fmt::format("{}: {} trials, hypervolume {:.8g} (max {:.8g})", folder.string(),
                       study.completed().size(), study.hypervolume(), problem.max_hypervolume());
}

}  // namespace pixforge::optimizer
