// pixforge bench-optimizer: a strategy on a benchmark problem, hypervolume after every evaluation.
#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/cli.hpp"
#include "core/provenance.hpp"
#include "optimizer/benchmark.hpp"
#include "optimizer/study.hpp"

namespace pixforge::app {

namespace {
struct BenchOptimizerOptions {
    std::string problem = "branin_currin", algo = "bayesian";
    int evals = 100, seeds = 1, dims = 0, objectives = 2, batch = 1;
    optimizer::StrategyOptions strategy;
    bool json = false, resume = false;
    std::string study;
};

// One seed as a resumable study: journal + HDF5 in the study folder, a line per trial.
int run_as_study(const BenchOptimizerOptions& o, const optimizer::BenchmarkProblem& problem,
                 const std::string& command_line, std::ostream& out, std::ostream& err) {
    const optimizer::DesignSpace space = optimizer::DesignSpace::unit_cube(problem.dimensions());
    optimizer::StudySpec spec{o.algo, 1, {}, {}, problem.reference_point(), ""};
    for (int j = 0; j < problem.objectives(); ++j) spec.objective_names.push_back(fmt::format("f{}", j + 1));
    for (int k = 0; k < problem.constraints(); ++k)
        spec.constraint_names.push_back(fmt::format("c{}", k + 1));
    spec.config =
        fmt::format("problem = \"{}\"\nevaluations = {}\nbatch = {}\n", o.problem, o.evals, o.batch);
    optimizer::Study study(o.study, spec, space, o.resume, current_provenance(command_line));
    const auto strategy = optimizer::make_strategy(
        o.algo, space, {problem.objectives(), problem.constraints(), problem.reference_point()}, 1,
        o.strategy);
    optimizer::run_study(
        study, *strategy, space, [&](const std::vector<double>& u) { return problem.evaluate(u); }, o.evals,
        o.batch, &err);
    out << fmt::format("{}: {} trials, hypervolume {:.8g} (max {:.8g})\n", o.study, study.completed().size(),
                       study.hypervolume(), problem.max_hypervolume());
    return 0;
}
}  // namespace

Action add_bench_optimizer_command(CLI::App& cmd, const std::string& command_line) {
    using Options = BenchOptimizerOptions;
    auto o = std::make_shared<Options>();
    cmd.add_option("-p,--problem", o->problem,
                   "zdt1 | zdt2 | dtlz2 | branin_currin | constrained_branin_currin")
        ->capture_default_str()
        ->check(CLI::IsMember({"zdt1", "zdt2", "dtlz2", "branin_currin", "constrained_branin_currin"}));
    cmd.add_option("-a,--algo", o->algo, "bayesian | sobol | random | nsga2")
        ->capture_default_str()
        ->check(CLI::IsMember({"bayesian", "sobol", "random", "nsga2"}));
    cmd.add_option("-n,--evals", o->evals, "evaluations per run")
        ->capture_default_str()
        ->check(CLI::Range(1, 100000));
    cmd.add_option("-s,--seeds", o->seeds, "independent runs (seeds 1..K)")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000));
    cmd.add_option("-d,--dims", o->dims, "problem dimension (0: 6 for ZDT/DTLZ2, 2 for Branin-Currin)")
        ->check(CLI::Range(0, 1000));
    cmd.add_option("-m,--objectives", o->objectives, "DTLZ2 objectives (2 to 6)")
        ->capture_default_str()
        ->check(CLI::Range(2, 6));
    cmd.add_option("--init", o->strategy.initial_points, "initial Sobol points")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    cmd.add_option("-q,--batch", o->batch, "proposals per round")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000));
    cmd.add_flag("--json", o->json, "print JSON instead of lines");
    auto* study =
        cmd.add_option("--study", o->study, "keep the run as a resumable study in this folder (one seed)");
    cmd.add_flag("--resume", o->resume, "continue the study in --study after an interruption")->needs(study);
    cmd.footer(
        "Prints, per seed and evaluation, the hypervolume and log10(HVmax - HV); then the median over "
        "seeds.\n"
        "Example: pixforge bench-optimizer -p zdt1 -a bayesian -n 100 -s 5");
    return [o, command_line](std::ostream& out, std::ostream& err) {
        const auto problem = optimizer::make_problem(o->problem, o->dims, o->objectives);
        if (!o->study.empty()) return run_as_study(*o, *problem, command_line, out, err);
        std::vector<optimizer::BenchmarkRun> runs;
        for (int s = 1; s <= o->seeds; ++s) {
            runs.push_back(optimizer::run_benchmark(*problem, o->algo, o->evals,
                                                    static_cast<std::uint64_t>(s), o->strategy, o->batch));
            const auto& r = runs.back();
            const double slowest = *std::max_element(r.proposal_seconds.begin(), r.proposal_seconds.end());
            err << fmt::format(
                "{} {} seed {}: final HV {:.6g} (max {:.6g}), log10 gap {:.3f}, slowest proposal {:.3f} s\n",
                o->problem, o->algo, s, r.hypervolume.back(), r.max_hypervolume,
                r.log_gap(r.hypervolume.size() - 1), slowest);
        }
        auto median_gap = [&](size_t i) {
            std::vector<double> g;
            for (const auto& r : runs) g.push_back(r.log_gap(i));
            std::sort(g.begin(), g.end());
            return g.size() % 2 ? g[g.size() / 2] : 0.5 * (g[g.size() / 2 - 1] + g[g.size() / 2]);
        };
        if (o->json) {
            nlohmann::json j{{"problem", o->problem},
                             {"algo", o->algo},
                             {"evals", o->evals},
                             {"max_hypervolume", runs[0].max_hypervolume}};
            for (const auto& r : runs) {
                nlohmann::json jr{{"seed", r.seed},
                                  {"hypervolume", r.hypervolume},
                                  {"proposal_seconds", r.proposal_seconds}};
                for (size_t i = 0; i < r.hypervolume.size(); ++i) jr["log10_gap"].push_back(r.log_gap(i));
                j["runs"].push_back(jr);
            }
            for (size_t i = 0; i < runs[0].hypervolume.size(); ++i)
                j["median_log10_gap"].push_back(median_gap(i));
            out << j.dump() << "\n";
            return 0;
        }
        out << "# problem algo seed eval hypervolume log10_gap\n";
        for (const auto& r : runs)
            for (size_t i = 0; i < r.hypervolume.size(); ++i)
                out << fmt::format("{} {} {} {} {:.8g} {:.4f}\n", o->problem, o->algo, r.seed, i + 1,
                                   r.hypervolume[i], r.log_gap(i));
        out << fmt::format("# median over {} seeds at {} evaluations: log10 gap {:.4f}\n", runs.size(),
                           o->evals, median_gap(runs[0].hypervolume.size() - 1));
        return 0;
    };
}

}  // namespace pixforge::app
