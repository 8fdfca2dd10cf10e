// pixforge bench-optimizer: a strategy on a benchmark problem, hypervolume after every evaluation.
#include <fmt/format.h>

#include "app/cli.hpp"
#include "core/provenance.hpp"
#include "optimizer/benchmark.hpp"

namespace pixforge::app {

namespace {
struct BenchOptimizerOptions {
    std::string problem = "branin_currin", algo = "bayesian";
    int evals = 100, seeds = 1, dims = 0, objectives = 2, batch = 1;
    optimizer::StrategyOptions strategy;
    bool json = false, resume = false;
    std::string study;
};
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
        if (!o->study.empty()) {
            out << optimizer::run_benchmark_study(*problem, o->algo, o->evals, o->batch, o->strategy,
                                                  o->study, o->resume, current_provenance(command_line), &err)
                << "\n";
            return 0;
        }
        const optimizer::BenchmarkSeries series = optimizer::run_benchmark_seeds(
            *problem, o->algo, o->evals, o->seeds, o->strategy, o->batch, &err);
        if (o->json)
            out << series.json() << "\n";
        else
            series.write_table(out);
        return 0;
    };
}

}  // namespace pixforge::app
