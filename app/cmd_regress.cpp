// pixforge regress: a regression suite of full-chain runs (tb/regression_suite.hpp) over designs,
// scenarios, rates and seeds, merged into one HDF5 report with golden checks. In one process, or
// under `mpirun -np N` with rank 0 coordinating (core/mpi_work_pool.hpp). Resumes from OUT/runs/.
#include <fmt/format.h>

#include "app/cli.hpp"
#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "optimizer/codesign/config_keys.hpp"
#include "tb/regression_report.hpp"

namespace pixforge::app {

Action add_regress_command(CLI::App& cmd, const std::string& command_line) {
    struct Options {
        std::string suite, out, cache;
        double silence_s = 30;
        bool json = false, list = false;
    };
    auto o = std::make_shared<Options>();
    cmd.add_option("suite", o->suite, "regression suite (TOML, docs/regress.md)")->required();
    cmd.add_option("-o,--out", o->out,
                   "output folder: runs/ (each chain run as it finishes), report.h5 and results.json")
        ->required();
    cmd.add_option("--cache", o->cache, "candidate cache (default $PIXFORGE_CACHE or ~/.cache/pixforge)");
    add_rank_silence_option(cmd, o->silence_s);
    cmd.add_flag("--json", o->json, "print the results as JSON instead of the table");
    cmd.add_flag("--list", o->list, "print the jobs the suite expands into, and run nothing");
    cmd.footer(
        "Each job (design x scenario x rate x seed) runs the full chain in isolated children, split into\n"
        "sub-streams of at most suite.sub_stream photons with derived seeds; their matched samples pool\n"
        "into the job's figures, and the jobs of one design, scenario and rate (over the seeds) into one\n"
        "row, checked against the suite's golden figures. Exit 0 only when every row completes and passes.\n"
        "A rerun with the same -o skips every chain run already flushed to OUT/runs/.\n"
        "On several machines or cores: mpirun -np N pixforge regress ... (rank 0 coordinates and writes;\n"
        "add --enable-recovery so that the job survives a rank that dies). Example:\n"
        "  pixforge regress configs/regress/four_scenarios.toml -o out/regress\n"
        "  mpirun --enable-recovery -np 3 pixforge regress configs/regress/four_scenarios.toml -o "
        "out/regress");
    return [o, command_line](std::ostream& out, std::ostream& err) {
        const tb::RegressionSuite suite = tb::load_regression_suite(o->suite, codesign::all_config_keys());
        if (o->list) {
            const auto jobs = tb::expand_jobs(suite);
            for (std::size_t j = 0; j < jobs.size(); ++j)
                out << fmt::format("{:>4}  {}  ({} sub-streams)\n", j, jobs[j].label(suite),
                                   tb::split_job(suite, j, jobs[j].seed).size());
            return 0;
        }
        const std::unique_ptr<WorkPool> pool = make_work_pool(o->silence_s);
        const std::optional<tb::RegressionResults> results =
            tb::run_regression(suite, {o->out, o->cache, command_line}, *pool, &err);
        if (!results) return 0;  // a worker rank: rank 0 reports
        const nlohmann::json figures = results->to_json(suite);
        write_file_atomically(std::filesystem::path(o->out) / "results.json", figures.dump(2) + "\n");
        tb::write_regression_report(std::filesystem::path(o->out) / "report.h5", suite, *results,
                                    command_line);
        if (o->json)
            out << figures.dump(2) << "\n";
        else
            tb::print_regression(suite, *results, out);
        return results->passed() ? 0 : 1;
    };
}

}  // namespace pixforge::app
