// pixforge optimize: the co-design study (optimizer/codesign/codesign_study). Each trial trains,
// builds, checks, synthesizes and simulates a candidate for real; the Bayesian optimizer (or
// Sobol, random, NSGA-II) proposes the next. Resumable after kill -9.
#include "app/cmd_optimize.hpp"

#include "optimizer/codesign/codesign_study.hpp"
#include "tb/chain_job.hpp"

namespace pixforge::app {

ExtraCommand optimize_command() {
    return {
        "optimize", "the co-design study: train, build, synthesize and simulate candidates; Pareto front",
        [](CLI::App& cmd, const std::string& command_line) -> Action {
            struct Options {
                ConfigOptions config;
                codesign::StudyRequest request;
                std::string out, cache;
                bool quiet = false, jsonl = false;
                double rank_silence_s = 30;
            };
            auto o = std::make_shared<Options>();
            o->config.add_to(cmd);
            cmd.add_option("-o,--out", o->out, "study folder (journal, trials, report.h5)")->required();
            cmd.add_flag(
                "--resume", o->request.resume,
                "continue the study in --out (after a crash or kill -9) with the same config and --set "
                "values; only the budget (--budget, optimizer.evaluations) may change");
            cmd.add_option("--guidance", o->request.guidance,
                           "synthesis (real area and power) | theory (proxies: parameter bits, BOPs)")
                ->capture_default_str();
            cmd.add_option("--workers", o->request.workers,
                           "trials evaluated at once (default: the number of cores)")
                ->check(CLI::Range(1, 1024));
            cmd.add_option("--budget", o->request.budget,
                           "trials in the study (default optimizer.evaluations); may change on --resume")
                ->check(CLI::Range(1, 1000000));
            cmd.add_option("--cache", o->cache, "cache of datasets, networks, builds and synthesis");
            add_rank_silence_option(cmd, o->rank_silence_s);
            cmd.add_flag("-q,--quiet", o->quiet, "only the final summary");
            cmd.add_flag("--jsonl", o->jsonl, "one JSON line per trial on stdout, for scripts");
            cmd.footer(
                "The design space is the config's [space.<name>] tables (names: hidden_width, "
                "hidden_layers,\n"
                "weight_bits, activation_bits, template, reuse, pipeline, or any config key); objectives,\n"
                "budgets and the hypervolume reference are in [codesign]. Results: STUDY/report.h5\n"
                "(docs/study_schema.md), `pixforge report STUDY`, scripts/plot_report.py. Example:\n"
                "  pixforge optimize -c configs/default.toml -o out/study\n"
                "  pixforge optimize -c configs/default.toml -o out/study --resume\n"
                "On MPI ranks (rank 0 keeps the journal and proposes; each batch of optimizer.batch trials "
                "is\n"
                "spread over the other ranks, whose trial folders come back as bytes):\n"
                "  mpirun --enable-recovery -np 3 pixforge optimize -c configs/default.toml -o out/study");
            return [o, command_line](std::ostream& out, std::ostream& err) {
                codesign::StudyRequest q = o->request;
                q.config = o->config.path, q.overrides = o->config.overrides;
                q.out = o->out, q.cache = o->cache;
                q.print_summary = !o->jsonl;
                q.command_line = command_line;
                q.executable = tb::ChainRunner::this_executable();
                const std::unique_ptr<WorkPool> pool = make_work_pool(o->rank_silence_s);
                q.pool = pool.get();
                std::ostream* progress = o->quiet || o->jsonl ? nullptr : &err;
                codesign::run_codesign_study(
                    q, progress,
                    [&](const optimizer::TrialRecord& r, const codesign::TrialMetrics& m,
                        const codesign::StudyStatus& s) {
                        if (o->jsonl)
                            out << codesign::trial_json_line(r, m, s) << std::flush;
                        else if (progress)
                            *progress << codesign::trial_progress_text(r, m, s) << std::flush;
                    },
                    err, out);
                return 0;
            };
        }};
}

}  // namespace pixforge::app
