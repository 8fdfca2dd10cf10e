// pixforge compare-strategies: joint, theory-guided, successive and semi-decoupled searches on the
// same pixel, budget and seeds (optimizer/codesign/strategy_comparison, docs/strategies.md).
#include "app/cmd_optimize.hpp"
#include "optimizer/codesign/strategy_comparison.hpp"
#include "tb/chain_job.hpp"

namespace pixforge::app {

ExtraCommand compare_strategies_command() {
    return {
        "compare-strategies",
        "every search strategy with the same trial budget and seeds: hypervolume, feasible designs, "
        "spec violations",
        [](CLI::App& cmd, const std::string& command_line) -> Action {
            struct Options {
                ConfigOptions config;
                codesign::ComparisonRequest request;
                std::string out, cache;
                bool quiet = false;
            };
            auto o = std::make_shared<Options>();
            o->config.add_to(cmd);
            cmd.add_option("-o,--out", o->out,
                           "folder of the studies (<strategy>/seed-<s>/) and comparison.json")
                ->required();
            cmd.add_option("--budget", o->request.budget, "trials of each study")
                ->capture_default_str()
                ->check(CLI::Range(2, 100000));
            cmd.add_option("--seeds", o->request.seeds, "run.seed of each study (space-separated)")
                ->capture_default_str();
            cmd.add_option("--strategies", o->request.strategies, "which to compare")
                ->capture_default_str()
                ->check(CLI::IsMember(codesign::comparison_strategies()));
            cmd.add_option("--workers", o->request.workers, "trials evaluated at once (default: the cores)")
                ->check(CLI::Range(1, 1024));
            cmd.add_option("--cache", o->cache,
                           "the cache the studies share (datasets, networks, builds, synthesis)");
            cmd.add_flag("-q,--quiet", o->quiet, "only the table");
            cmd.footer(
                "Each (strategy, seed) is a co-design study without its classical front, retrained front\n"
                "or rate sweep; a rerun resumes them. Scored with the real objectives and the study's\n"
                "hypervolume reference (docs/strategies.md). Example:\n"
                "  pixforge compare-strategies -c configs/default.toml -o out/strategies --budget 24 --seeds "
                "1 2");
            return [o, command_line](std::ostream& out, std::ostream& err) {
                codesign::ComparisonRequest q = o->request;
                q.config = o->config.path, q.overrides = o->config.overrides;
                q.out = o->out, q.cache = o->cache;
                q.command_line = command_line;
                q.executable = tb::ChainRunner::this_executable();
                codesign::compare_strategies(q, o->quiet ? nullptr : &err, out);
                return 0;
            };
        }};
}

}  // namespace pixforge::app
