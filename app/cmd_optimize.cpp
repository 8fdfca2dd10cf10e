// pixforge optimize: the co-design study. Each trial trains, builds, checks, synthesizes and
// simulates a candidate for real (optimizer/codesign/trial_pipeline); the Bayesian optimizer (or
// Sobol, random, NSGA-II) proposes the next. Resumable after kill -9 (optimizer/study).
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/cmd_optimize.hpp"
#include "core/atomic_file.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "core/provenance.hpp"
#include "models/chain_params.hpp"
#include "optimizer/codesign/trial_pipeline.hpp"
#include "optimizer/pareto.hpp"
#include "optimizer/study.hpp"
#include "optimizer/study_report.hpp"
#include "rtl_gen/synthesis/liberty.hpp"
#include "rtl_gen/synthesis/stimuli.hpp"
#include "rtl_gen/verilog_writer.hpp"
#include "tb/chain_job.hpp"
#include "tb/rate_sweep.hpp"

namespace pixforge::app {

namespace fs = std::filesystem;

namespace {

struct OptimizeOptions {
    ConfigOptions config;
    std::string out, cache, guidance = "synthesis";
    int workers = 0, budget = 0;
    bool resume = false, quiet = false, jsonl = false;
};

std::string bar(double fraction, int width = 24) {
    const int full = static_cast<int>(fraction * width + 0.5);
    return "[" + std::string(static_cast<size_t>(full), '#') +
           std::string(static_cast<size_t>(width - full), '.') + "]";
}

// After a theory-guided study: synthesize its Pareto set and count the designs the proxies
// mislabelled: over a budget, or dominated once real area and power are known.
void check_theory_front(const Config& config, const fs::path& study_dir, const fs::path& cache,
                        std::ostream& out) {
    const codesign::CodesignOptions budgets =
        codesign::CodesignOptions::from_config(config, codesign::Guidance::Theory);
    rtl::SynthesisOptions so = rtl::SynthesisOptions::from_config(config);
    rtl::PpaEvaluator ppa(so, cache);
    const models::PixelChain chain(models::chain_params_from(config));
    // The study's (proxy-based) Pareto set.
    const std::vector<nlohmann::json> feasible = codesign::TrialPipeline::feasible_metrics(study_dir);
    std::vector<optimizer::Vector> front;
    for (const auto& m : feasible) front.push_back(m["objectives"].get<optimizer::Vector>());
    std::vector<optimizer::Vector> truth;
    nlohmann::json rows = nlohmann::json::array();
    std::size_t over_budget = 0;
    const std::vector<std::size_t> chosen = optimizer::pareto_indices(front);
    for (std::size_t k : chosen) {
        const nlohmann::json& m = feasible[k];
        const std::int64_t id = m["id"];
        const fs::path dir = study_dir / "trials" / std::to_string(id) / "candidate";
        const auto net = models::load_network((dir / "network.h5").string());
        const auto hw = rtl::parse_template_name(m["template"].get<std::string>());
        const auto stimuli = rtl::stream_stimuli(chain, rtl::generate_verilog(net, hw).samples,
                                                 so.power_windows, so.clock_period_s, chain.params().seed);
        const rtl::PpaResult p = ppa.evaluate(net, hw, stimuli);
        if (!p.ok) continue;
        const bool breaks = p.area_um2 > budgets.area_budget_um2 ||
                            p.total_W * 1e6 > budgets.power_budget_uW || p.worst_slack_s < 0;
        over_budget += breaks;
        truth.push_back(
            {m["energy_fwhm_eV"].get<double>(), p.area_um2, p.total_W * 1e6, m["latency_ns"].get<double>()});
        rows.push_back({{"id", id},
                        {"area_um2", p.area_um2},
                        {"power_uW", p.total_W * 1e6},
                        {"worst_slack_ns", p.worst_slack_s * 1e9},
                        {"breaks_budget", breaks}});
    }
    const std::size_t kept = optimizer::pareto_indices(truth).size();
    const nlohmann::json summary{{"theory_pareto", chosen.size()},
                                 {"synthesized", truth.size()},
                                 {"break_budgets", over_budget},
                                 {"leave_true_front", truth.size() - kept},
                                 {"designs", rows}};
    write_file_atomically(study_dir / "theory_check.json", summary.dump(2));
    out << fmt::format(
        "\nTheory guidance checked with synthesis: of {} Pareto designs chosen by proxies, {} break a "
        "budget (area {:.0f} um^2, power {:.0f} uW, timing) and {} leave the front once synthesized "
        "(STUDY/theory_check.json)\n",
        truth.size(), over_budget, budgets.area_budget_um2, budgets.power_budget_uW, truth.size() - kept);
}

// Resolution and throughput against rate for the study's most accurate feasible design and the
// classical baseline (tb::run_rate_sweep), kept in STUDY/rate_sweep.json for the report.
void sweep_rates(const Config& config, const fs::path& study_dir, const fs::path& cache,
                 const tb::ChainRunner& runner, std::ostream* progress) {
    const std::vector<double> rates = config.reals("codesign.sweep_rates");
    if (rates.empty() || fs::exists(study_dir / "rate_sweep.json")) return;
    std::int64_t best = -1;
    double best_fwhm = 1e300;
    for (const auto& m : codesign::TrialPipeline::feasible_metrics(study_dir))
        if (m["energy_fwhm_eV"].get<double>() < best_fwhm) best = m["id"], best_fwhm = m["energy_fwhm_eV"];
    std::vector<std::string> rate_texts;
    for (double r : rates) rate_texts.push_back(fmt::format("{:.6g}/s", r));
    tb::ChainJob job;
    job.config = study_dir / "config.toml";
    job.cache = cache;
    job.pulses = static_cast<std::uint64_t>(config.integer("codesign.sweep_pulses"));
    job.provenance_command = "pixforge optimize (rate sweep)";
    struct Subject {
        std::string name, folder;
        fs::path candidate;
        std::string classical;
    };
    std::vector<Subject> who{{"classical optimal_filter", "classical", {}, "optimal_filter"}};
    if (best >= 0)
        who.insert(who.begin(), {fmt::format("trial {}", best), fmt::format("trial-{}", best),
                                 study_dir / "trials" / std::to_string(best) / "candidate", ""});
    nlohmann::json sweep{{"rates_per_s", rates}, {"designs", nlohmann::json::array()}};
    for (const auto& s : who) {
        if (progress) *progress << fmt::format("rate sweep: {} at {} rates ...\n", s.name, rates.size());
        job.candidate = s.candidate, job.classical = s.classical;
        const tb::RateSweep r = tb::run_rate_sweep(runner, job, s.name, rate_texts,
                                                   study_dir / "rate_sweep" / s.folder, progress);
        sweep["designs"].push_back(r.to_json());
    }
    write_file_atomically(study_dir / "rate_sweep.json", sweep.dump(2));
}

// STUDY/config.toml is what the trials' child processes read: the journaled config, written once.
// The Study has checked this run's config against the journal; a config.toml edited by hand since
// would make trials compute something else, so it is refused rather than overwritten.
void keep_config_in_step(const fs::path& path, const optimizer::StudySpec& spec, bool resume) {
    if (!resume || !fs::exists(path)) {  // a new study, or one killed before its config was written
        write_file_atomically(path, spec.config);
        return;
    }
    std::ifstream in(path, std::ios::binary);
    const std::string on_disk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto changed = optimizer::config_differences(on_disk, spec.config, spec.may_change_on_resume);
    if (!changed.empty())
        throw PixError("STUDY-010",
                       fmt::format("{}: differs from the config the study's journal records ({}); "
                                   "restore it or start a new study",
                                   path.string(), optimizer::summarize_differences(changed)));
}

int optimize(const OptimizeOptions& o, const std::string& command_line, std::ostream& out,
             std::ostream& err) {
    const Config config = Config::load(o.config.path, o.config.overrides);
    const codesign::Guidance guidance = codesign::parse_guidance(o.guidance);
    const codesign::CodesignOptions options = codesign::CodesignOptions::from_config(config, guidance);
    const optimizer::DesignSpace space =
        optimizer::DesignSpace::from_toml(config.space_toml(), config.source());
    const fs::path study_dir = o.out;
    const fs::path cache = o.cache.empty() ? rtl::CandidateBuilder::default_cache() : fs::path(o.cache);
    const fs::path executable = fs::read_symlink("/proc/self/exe");
    const int workers =
        o.workers > 0 ? o.workers : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    const int budget = o.budget > 0 ? o.budget : static_cast<int>(config.integer("optimizer.evaluations"));
    std::ostream* progress = o.quiet || o.jsonl ? nullptr : &err;

    optimizer::StudySpec spec{config.text("optimizer.strategy"),
                              static_cast<std::uint64_t>(config.integer("run.seed")),
                              options.objective_names(),
                              codesign::CodesignOptions::constraint_names(),
                              options.reference,
                              config.resolved_toml()};
    optimizer::Study study(study_dir, spec, space, o.resume, current_provenance(command_line));
    keep_config_in_step(study_dir / "config.toml", spec, o.resume);
    // Everything the report needs to read the study later, written once.
    if (!fs::exists(study_dir / "codesign.json")) {
        nlohmann::json setup{{"objectives", spec.objective_names},
                             {"constraints", spec.constraint_names},
                             {"reference", spec.reference},
                             {"guidance", o.guidance},
                             {"seed", spec.seed},
                             {"area_budget_um2", options.area_budget_um2},
                             {"power_budget_uW", options.power_budget_uW}};
        if (guidance == codesign::Guidance::Synthesis) {
            const auto lib = rtl::read_liberty(rtl::SynthesisOptions::from_config(config).liberty);
            setup["liberty"] = lib.path.string(), setup["liberty_hash"] = lib.content_hash();
        }
        write_file_atomically(study_dir / "codesign.json", setup.dump(2));
    }
    const tb::ChainRunner runner(executable, options.simulate_timeout_s);
    if (progress) *progress << "study dataset (cached by chain settings) ...\n";
    const fs::path dataset = codesign::study_dataset(config, cache, progress);
    if (!fs::exists(study_dir / "baseline.json")) {  // the classical reference in the same chain
        if (progress) *progress << "classical baseline: optimal filter in the same chain ...\n";
        tb::ChainJob job;
        job.config = study_dir / "config.toml";
        job.classical = "optimal_filter";
        job.pulses = options.pulses;
        job.provenance_command = "pixforge optimize (classical baseline)";
        const tb::IsolatedRun r = runner.run(job, study_dir / "baseline");
        if (r.ok)
            write_file_atomically(study_dir / "baseline.json", r.summary->to_json().dump(2));
        else
            err << "warning: the classical baseline failed: " << r.failure << "\n";
    }
    const codesign::TrialPipeline pipeline(config, space, options, study_dir, cache, dataset, executable);
    const auto strategy =
        optimizer::make_strategy(spec.strategy, space, {4, 4, spec.reference}, spec.seed,
                                 {static_cast<int>(config.integer("optimizer.initial_points")), 10,
                                  static_cast<int>(config.integer("optimizer.candidates"))});
    const auto start = std::chrono::steady_clock::now();
    const std::size_t resumed = study.completed().size();
    if (progress && resumed)
        *progress << fmt::format("resuming: {} trials done, {} proposed and pending\n", resumed,
                                 study.pending().size());
    optimizer::run_study_parallel(
        study, *strategy,
        [&](std::int64_t id, const std::vector<double>& u) { return pipeline.evaluate(id, u); }, budget,
        static_cast<int>(config.integer("optimizer.batch")), workers,
        [&](const optimizer::TrialRecord& r) {
            const nlohmann::json m = codesign::TrialPipeline::metrics_of(study_dir, r.id);
            const auto history = study.history();
            std::size_t pareto = 0;
            {
                std::vector<optimizer::Vector> f = optimizer::feasible_objectives(history);
                pareto = optimizer::pareto_indices(f).size();
            }
            const std::size_t done = study.completed().size();
            const double elapsed =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            const double eta = done > resumed ? elapsed / static_cast<double>(done - resumed) *
                                                    static_cast<double>(budget - static_cast<int>(done))
                                              : 0;
            if (o.jsonl) {
                out << nlohmann::json{{"trial", r.id},
                                      {"ok", r.trial.ok},
                                      {"seconds", r.seconds},
                                      {"objectives", r.trial.objectives},
                                      {"constraints", r.trial.constraints},
                                      {"error", r.error},
                                      {"pareto_size", pareto},
                                      {"hypervolume", study.hypervolume()},
                                      {"metrics", m}}
                           .dump()
                    << "\n"
                    << std::flush;
            } else if (progress) {
                std::string what =
                    r.trial.ok
                        ? fmt::format("FWHM {:.0f} eV, {} {:.0f}, {} {:.0f}, latency {:.0f} ns{}",
                                      r.trial.objectives[0], spec.objective_names[1], r.trial.objectives[1],
                                      spec.objective_names[2], r.trial.objectives[2], r.trial.objectives[3],
                                      optimizer::feasible(r.trial) ? "" : " (infeasible)")
                        : "FAILED " + r.error.substr(0, 160);
                *progress << fmt::format("trial {:>3} {:>5.1f} s  {}\n           {}\n", r.id, r.seconds,
                                         m.value("design", std::string()), what);
                *progress << fmt::format(
                                 "{} {}/{} trials, Pareto {}, HV {:.4g}, {:.0f} s elapsed, ETA {:.0f} s\n",
                                 bar(static_cast<double>(done) / budget), done, budget, pareto,
                                 study.hypervolume(), elapsed, eta)
                          << std::flush;
            }
        });
    sweep_rates(config, study_dir, cache, runner, progress);
    optimizer::write_study_report(study_dir);
    if (!o.jsonl) optimizer::print_study_summary(study_dir, out);
    if (guidance == codesign::Guidance::Theory) check_theory_front(config, study_dir, cache, out);
    return 0;
}

}  // namespace

ExtraCommand optimize_command() {
    return {
        "optimize", "the co-design study: train, build, synthesize and simulate candidates; Pareto front",
        [](CLI::App& cmd, const std::string& command_line) -> Action {
            auto o = std::make_shared<OptimizeOptions>();
            o->config.add_to(cmd);
            cmd.add_option("-o,--out", o->out, "study folder (journal, trials, report.h5)")->required();
            cmd.add_flag(
                "--resume", o->resume,
                "continue the study in --out (after a crash or kill -9) with the same config and --set "
                "values; only the budget (--budget, optimizer.evaluations) may change");
            cmd.add_option("--guidance", o->guidance,
                           "synthesis (real area and power) | theory (proxies: parameter bits, BOPs)")
                ->capture_default_str();
            cmd.add_option("--workers", o->workers, "trials evaluated at once (default: the number of cores)")
                ->check(CLI::Range(1, 1024));
            cmd.add_option("--budget", o->budget,
                           "trials in the study (default optimizer.evaluations); may change on --resume")
                ->check(CLI::Range(1, 1000000));
            cmd.add_option("--cache", o->cache, "cache of datasets, networks, builds and synthesis");
            cmd.add_flag("-q,--quiet", o->quiet, "only the final summary");
            cmd.add_flag("--jsonl", o->jsonl, "one JSON line per trial on stdout, for scripts");
            cmd.footer(
                "The design space is the config's [space.<name>] tables (names: hidden_width, "
                "hidden_layers,\n"
                "weight_bits, activation_bits, template, reuse, pipeline, or any config key); objectives,\n"
                "budgets and the hypervolume reference are in [codesign]. Results: STUDY/report.h5\n"
                "(docs/study_schema.md), `pixforge report STUDY`, scripts/plot_report.py. Example:\n"
                "  pixforge optimize -c configs/default.toml -o out/study\n"
                "  pixforge optimize -c configs/default.toml -o out/study --resume");
            return [o, command_line](std::ostream& out, std::ostream& err) {
                return optimize(*o, command_line, out, err);
            };
        }};
}

}  // namespace pixforge::app
