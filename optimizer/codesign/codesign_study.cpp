#include "optimizer/codesign/codesign_study.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/atomic_file.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "core/provenance.hpp"
#include "models/chain_params.hpp"
#include "models/pixel_budget.hpp"
#include "models/training/trainer_keys.hpp"
#include "optimizer/codesign/codesign_report.hpp"
#include "optimizer/codesign/config_keys.hpp"
#include "optimizer/codesign/pooled_trials.hpp"
#include "optimizer/codesign/search_strategy.hpp"
#include "optimizer/codesign/seed_spread.hpp"
#include "optimizer/codesign/trial_folder.hpp"
#include "optimizer/codesign/trial_pipeline.hpp"
#include "optimizer/pareto.hpp"
#include "rtl_gen/synthesis/liberty.hpp"
#include "rtl_gen/verilog_writer.hpp"
#include "tb/candidate_dir.hpp"
#include "tb/chain_job.hpp"
#include "tb/rate_sweep.hpp"

namespace pixforge::codesign {

namespace fs = std::filesystem;

namespace {

std::string bar(double fraction, int width = 24) {
    const int full = static_cast<int>(fraction * width + 0.5);
    return "[" + std::string(static_cast<size_t>(full), '#') +
           std::string(static_cast<size_t>(width - full), '.') + "]";
}

// After a theory-guided study: synthesize its Pareto set and count the designs the proxies
// mislabelled: over a budget, or dominated once real area and power are known.
void check_theory_front(const Config& config, const fs::path& study_dir, const fs::path& cache,
                        std::ostream& out) {
    rtl::PpaEvaluator ppa(rtl::SynthesisOptions::from_config(config), cache);
    const models::ChainParams params = models::chain_params_from(config);
    const models::PixelChain chain(params);
    const models::PixelBudget budget = models::PixelBudget::from_config(config);
    const StudyObjectives synthesized = StudyObjectives::from_config(config, Guidance::Synthesis);
    // The study's (proxy-based) Pareto set.
    const std::vector<TrialMetrics> feasible = TrialFolder::feasible(study_dir);
    std::vector<optimizer::Vector> front;
    for (const auto& m : feasible) front.push_back(*m.objectives);
    std::vector<optimizer::Vector> truth;
    nlohmann::json rows = nlohmann::json::array();
    std::size_t over_budget = 0;
    const std::vector<std::size_t> chosen = optimizer::pareto_indices(front);
    for (std::size_t k : chosen) {
        TrialMetrics m = feasible[k];
        const std::int64_t id = m.id;
        // The same block a synthesis-guided trial measures: the pixel's whole digital block.
        const rtl::PpaResult p =
            ppa.evaluate_pixel_in_chain(tb::read_pixel_cores(TrialFolder(study_dir, id).candidate()), chain);
        if (!p.ok) continue;
        record_synthesis(p, config, params.adc, m);
        const optimizer::Evaluation e = synthesized.evaluate(m);
        const bool breaks =
            std::any_of(e.constraints.begin(), e.constraints.end(), [](double c) { return c > 0; });
        over_budget += breaks;
        truth.push_back(e.objectives);
        rows.push_back({{"id", id},
                        {"area_um2", *m.area_um2},
                        {"pixel_power_uW", *m.pixel_power_uW},
                        {"smallest_pitch_um", *m.smallest_pitch_um},
                        {"worst_slack_ns", *m.worst_slack_ns},
                        {"objectives", e.objectives},
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
        "\nTheory guidance checked with synthesis: of {} Pareto designs chosen by proxies, {} break the "
        "pixel's budget (digital area {:.0f} um^2, power {:.0f} uW), timing or a limit, and {} leave the "
        "front "
        "once synthesized (STUDY/theory_check.json)\n",
        truth.size(), over_budget, budget.digital_area_um2(), budget.power_W() * 1e6, truth.size() - kept);
}

// Resolution and throughput against rate for the study's most accurate feasible design and the
// classical baseline (tb::run_rate_sweep), kept in STUDY/rate_sweep.json for the report.
void sweep_rates(const Config& config, const fs::path& study_dir, const fs::path& cache,
                 const tb::ChainRunner& runner, std::ostream* progress) {
    const std::vector<double> rates = config.reals("codesign.sweep_rates");
    if (rates.empty() || fs::exists(study_dir / "rate_sweep.json")) return;
    std::int64_t best = -1;
    double best_fwhm = 1e300;
    for (const auto& m : TrialFolder::feasible(study_dir))
        if (*m.energy_fwhm_eV < best_fwhm) best = m.id, best_fwhm = *m.energy_fwhm_eV;
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
                                 TrialFolder(study_dir, best).candidate(), ""});
    nlohmann::json sweep{{"rates_per_s", rates}, {"designs", nlohmann::json::array()}};
    for (const auto& s : who) {
        if (progress) *progress << fmt::format("rate sweep: {} at {} rates ...\n", s.name, rates.size());
        job.candidate = s.candidate, job.classical = s.classical;
        // A block of several networks has no window-level top: it runs as the pixel's block.
        job.pixel_block = !s.candidate.empty() && tb::network_folders(s.candidate).size() > 1;
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

// The pixel's budget as the study's scenario sets it (trials with the ADC or the pitch in the
// design space hold their own, in their metrics).
nlohmann::json pixel_budget_json(const Config& config) {
    const models::PixelBudget b = models::PixelBudget::from_config(config);
    return {{"pitch_um", b.pitch_m * 1e6},
            {"digital_fraction", b.digital_fraction},
            {"digital_area_budget_um2", b.digital_area_um2()},
            {"power_density_W_per_cm2", b.power_density_W_per_m2 * 1e-4},
            {"power_budget_uW", b.power_W() * 1e6},
            {"frontend_power_uW", b.frontend_W * 1e6},
            {"adc_fom_fJ", b.adc_fom_J * 1e15},
            {"adc_power_uW", b.adc_power_W(models::chain_params_from(config).adc) * 1e6}};
}

// "energy_fwhm_eV 812, area_um2 2.03e+04, ..." and whether the design is feasible.
std::string objectives_text(const std::vector<std::string>& names, const std::vector<double>& values,
                            bool feasible) {
    std::vector<std::string> parts;
    for (std::size_t k = 0; k < names.size() && k < values.size(); ++k)
        parts.push_back(fmt::format("{} {:.6g}", names[k], values[k]));
    return fmt::format("{}{}", fmt::join(parts, ", "), feasible ? "" : " (infeasible)");
}

// The networks the study offers (seed_spread.hpp: its feasible Pareto set, or with nothing feasible
// its non-dominated designs), by id, with their design points.
std::vector<std::pair<std::int64_t, std::vector<double>>> offered_points(const optimizer::Study& study,
                                                                         const fs::path& study_dir) {
    std::vector<TrialMetrics> trials;
    for (const TrialFolder& t : TrialFolder::all(study_dir)) trials.push_back(t.metrics());
    std::vector<std::pair<std::int64_t, std::vector<double>>> out;
    for (const TrialMetrics& offered : offered_front(trials))
        for (const optimizer::TrialRecord& r : study.completed())
            if (r.id == offered.id) out.emplace_back(r.id, r.trial.u);
    return out;
}

// A design run after the search (a classical filter, a retrain): its progress block.
void print_side_run(std::ostream* progress, const std::string& head,
                    std::chrono::steady_clock::time_point start, const TrialMetrics& m,
                    const CodesignOptions& options) {
    if (!progress) return;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    *progress << fmt::format(
        "{} {:>5.1f} s  {}\n           {}\n", head, seconds, m.design,
        m.finished() ? objectives_text(options.goals.objective_names(), *m.objectives, m.feasible())
                     : "FAILED " + m.error.value_or("").substr(0, 160));
}

// The templates a classical filter runs on: the configured ones; a peak unit has one form, on the
// streaming template, so it takes each one's clock gating.
std::vector<rtl::HardwareTemplate> classical_templates(const std::string& filter,
                                                       const std::vector<rtl::HardwareTemplate>& configured) {
    if (!datasets::is_peak_unit(filter)) return configured;
    std::vector<rtl::HardwareTemplate> templates;
    for (const rtl::HardwareTemplate& hw : configured) {
        const rtl::HardwareTemplate t = rtl::parse_template("streaming", 1, 1, hw.clock_gating);
        if (std::none_of(templates.begin(), templates.end(),
                         [&](const rtl::HardwareTemplate& u) { return u.name() == t.name(); }))
            templates.push_back(t);
    }
    return templates;
}

// The classical hardware front: each [codesign] classical filter at each coefficient width on each
// template, through the trials' stages, into STUDY/classical/<k>/: in the study's own chain, then in
// each chain a network the study offers runs in when the space varies the chain (the ADC, the
// shaping...), so that the filters get the same choice. Finished ones are kept on resume.
void run_classical_front(const CodesignOptions& options, const TrialPipeline& pipeline,
                         const optimizer::Study& study, const fs::path& study_dir, std::ostream* progress) {
    std::vector<std::vector<std::string>> chains{{}};
    for (const auto& [id, u] : offered_points(study, study_dir)) {
        const std::vector<std::string> chain = pipeline.chain_of(u);
        if (std::find(chains.begin(), chains.end(), chain) == chains.end()) chains.push_back(chain);
    }
    std::int64_t index = 0;
    for (const std::vector<std::string>& chain : chains)
        for (const std::string& filter : options.classical_filters)
            for (int bits : options.classical_weight_bits) {
                // A filter that no width sets is one design per template, whatever the widths.
                if (!datasets::takes_bits(filter) && bits != options.classical_weight_bits.front()) continue;
                for (const rtl::HardwareTemplate& hw :
                     classical_templates(filter, options.classical_templates)) {
                    const std::int64_t k = index++;
                    const datasets::ClassicalHardware spec{filter, bits};
                    const TrialMetrics done = TrialFolder::classical(study_dir, k).metrics();
                    if (done.finished() && done.design == TrialPipeline::classical_design(spec, hw, chain))
                        continue;
                    const auto start = std::chrono::steady_clock::now();
                    const TrialMetrics m = pipeline.evaluate_classical(k, spec, hw, chain);
                    print_side_run(progress, fmt::format("classical {:>2}", k), start, m, options);
                }
            }
}

// Each network the study offers (seed_spread.hpp) retrained with codesign.front_seeds more training seeds,
// through every stage, into STUDY/seeds/<k>/ (the report gives the spread). A retrain already done
// for the same trial and seed is kept on resume.
void retrain_front(const CodesignOptions& options, const TrialPipeline& pipeline,
                   const optimizer::Study& study, const fs::path& study_dir, std::int64_t trial_seed,
                   std::ostream* progress) {
    if (options.front_seeds <= 0) return;
    std::int64_t index = 0;
    for (const auto& [id, u] : offered_points(study, study_dir))
        for (int k = 1; k <= options.front_seeds; ++k) {
            const std::int64_t i = index++, seed = trial_seed + k;
            const TrialMetrics done = TrialFolder::retrain(study_dir, i).metrics();
            if (done.finished() && done.retrain_of == id && done.training_seed == seed) continue;
            const auto start = std::chrono::steady_clock::now();
            const TrialMetrics m = pipeline.evaluate_retrain(i, id, u, seed);
            print_side_run(progress, fmt::format("retrain {:>2} (trial {}, training seed {})", i, id, seed),
                           start, m, options);
        }
}

// Everything the report needs to read the study later, written once.
void write_setup(const fs::path& study_dir, const optimizer::StudySpec& spec, const CodesignOptions& options,
                 const std::string& guidance, const Config& config, int budget) {
    if (fs::exists(study_dir / "codesign.json")) return;
    nlohmann::json setup{{"objectives", spec.objective_names},
                         {"constraints", spec.constraint_names},
                         {"reference", spec.reference},
                         {"guidance", guidance},
                         {"seed", spec.seed},
                         {"training_seed", models::training_seed(config)},
                         {"strategy", config.text("codesign.strategy")},
                         {"network_trials", network_phase_trials(config, budget)},
                         {"pixel", pixel_budget_json(config)}};
    if (options.guidance == Guidance::Synthesis) {
        const auto lib = rtl::read_liberty(rtl::SynthesisOptions::from_config(config).liberty);
        setup["liberty"] = lib.path.string(), setup["liberty_hash"] = lib.content_hash();
    }
    write_file_atomically(study_dir / "codesign.json", setup.dump(2));
}

// The classical reference in the same chain, once per study.
void run_baseline(const fs::path& study_dir, const CodesignOptions& options, const tb::ChainRunner& runner,
                  std::ostream* progress, std::ostream& warnings) {
    if (fs::exists(study_dir / "baseline.json")) return;
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
        warnings << "warning: the classical baseline failed: " << r.failure << "\n";
}

}  // namespace

namespace {

// A study's settings, each checked.
struct CheckedStudy {
    Config config;
    CodesignOptions options;
    optimizer::DesignSpace space;
    int budget = 0;
};

CheckedStudy checked_study(const StudyRequest& q) {
    Config config = Config::load(all_config_keys(), q.config, q.overrides);
    CodesignOptions options = CodesignOptions::from_config(config, parse_guidance(q.guidance));
    optimizer::DesignSpace space = optimizer::DesignSpace::from_toml(config.space_toml(), config.source());
    check_config_keys_in_space(space, config, &options.goals);
    const int budget = q.budget > 0 ? q.budget : static_cast<int>(config.integer("optimizer.evaluations"));
    return {std::move(config), std::move(options), std::move(space), budget};
}

// The study's search strategy (OPT-006/007 for one the space does not allow). It keeps a
// reference to `s.space`: `s` must outlive it.
std::unique_ptr<optimizer::Strategy> search_strategy_of(const CheckedStudy& s) {
    return make_search_strategy(
        s.config, s.space,
        {static_cast<int>(s.options.goals.objective_names().size()),
         static_cast<int>(s.options.goals.constraint_names().size()), s.options.reference},
        static_cast<std::uint64_t>(s.config.integer("run.seed")), s.budget);
}

}  // namespace

void check_study_request(const StudyRequest& request) {
    const CheckedStudy checked = checked_study(request);
    search_strategy_of(checked);
}

void run_codesign_study(const StudyRequest& q, std::ostream* progress, const TrialListener& on_trial,
                        std::ostream& warnings, std::ostream& out) {
    const CheckedStudy checked = checked_study(q);
    const std::unique_ptr<optimizer::Strategy> strategy = search_strategy_of(checked);
    const Config& config = checked.config;
    const CodesignOptions& options = checked.options;
    const optimizer::DesignSpace& space = checked.space;
    const fs::path& study_dir = q.out;
    const fs::path cache = rtl::VerilatedLibraryBuilder::cache_or_default(q.cache);
    const int workers =
        q.workers > 0 ? q.workers : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    const int budget = checked.budget;
    if (q.pool && !q.pool->coordinator()) {  // an MPI worker rank: trials only, rank 0 keeps the study
        study_dataset(config, cache, nullptr);
        serve_trials(*q.pool, TrialPipeline(config, space, options, study_dir, cache, q.executable),
                     study_dir);
        return;
    }

    optimizer::StudySpec spec{config.text("optimizer.strategy"),
                              static_cast<std::uint64_t>(config.integer("run.seed")),
                              options.goals.objective_names(),
                              options.goals.constraint_names(),
                              options.reference,
                              config.resolved_toml()};
    optimizer::Study study(study_dir, spec, space, q.resume, current_provenance(q.command_line));
    keep_config_in_step(study_dir / "config.toml", spec, q.resume);
    write_setup(study_dir, spec, options, q.guidance, config, budget);
    const tb::ChainRunner runner(q.executable, options.simulate_timeout_s);
    if (progress) *progress << "study dataset (cached by chain settings) ...\n";
    study_dataset(config, cache, progress);  // the trials' own, unless the space varies the chain
    run_baseline(study_dir, options, runner, progress, warnings);

    const TrialPipeline pipeline(config, space, options, study_dir, cache, q.executable);
    const auto start = std::chrono::steady_clock::now();
    const std::size_t resumed = study.completed().size();
    if (progress && resumed)
        *progress << fmt::format("resuming: {} trials done, {} proposed and pending\n", resumed,
                                 study.pending().size());
    if (progress && q.pool && q.pool->remote())
        *progress << fmt::format("trials on {} MPI worker rank(s), rank 0 keeps the study\n",
                                 q.pool->workers());
    optimizer::run_study_batches(
        study, *strategy,
        q.pool && q.pool->remote()
            ? pooled_batches(*q.pool, study_dir)
            : optimizer::threaded_batches(
                  [&](std::int64_t id, const std::vector<double>& u) { return pipeline.evaluate(id, u); },
                  workers),
        budget, static_cast<int>(config.integer("optimizer.batch")), [&](const optimizer::TrialRecord& r) {
            StudyStatus s;
            s.objective_names = spec.objective_names;
            s.done = study.completed().size();
            s.budget = static_cast<std::size_t>(budget);
            const std::vector<optimizer::Vector> f = optimizer::feasible_objectives(study.history());
            s.pareto = optimizer::pareto_indices(f).size();
            s.hypervolume = study.hypervolume();
            s.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            s.eta_s = s.done > resumed ? s.elapsed_s / static_cast<double>(s.done - resumed) *
                                             (static_cast<double>(budget) - static_cast<double>(s.done))
                                       : 0;
            on_trial(r, TrialFolder(study_dir, r.id).metrics(), s);
        });
    if (options.guidance == Guidance::Synthesis)
        run_classical_front(options, pipeline, study, study_dir, progress);
    retrain_front(options, pipeline, study, study_dir, models::training_seed(config), progress);
    sweep_rates(config, study_dir, cache, runner, progress);
    write_study_report(study_dir);
    if (q.print_summary) print_study_summary(study_dir, out);
    if (options.guidance == Guidance::Theory) check_theory_front(config, study_dir, cache, out);
}

std::string trial_progress_text(const optimizer::TrialRecord& r, const TrialMetrics& m,
                                const StudyStatus& s) {
    const std::string what =
        r.trial.ok ? objectives_text(s.objective_names, r.trial.objectives, optimizer::feasible(r.trial))
                   : "FAILED " + r.error.substr(0, 160);
    return fmt::format("trial {:>3} {:>5.1f} s  {}\n           {}\n", r.id, r.seconds, m.design, what) +
           fmt::format("{} {}/{} trials, Pareto {}, HV {:.4g}, {:.0f} s elapsed, ETA {:.0f} s\n",
                       bar(static_cast<double>(s.done) / static_cast<double>(s.budget)), s.done, s.budget,
                       s.pareto, s.hypervolume, s.elapsed_s, s.eta_s);
}

std::string trial_json_line(const optimizer::TrialRecord& r, const TrialMetrics& m, const StudyStatus& s) {
    return nlohmann::json{{"trial", r.id},
                          {"ok", r.trial.ok},
                          {"seconds", r.seconds},
                          {"objectives", r.trial.objectives},
                          {"constraints", r.trial.constraints},
                          {"error", r.error},
                          {"pareto_size", s.pareto},
                          {"hypervolume", s.hypervolume},
                          {"metrics", m.to_json()}}
               .dump() +
           "\n";
}

}  // namespace pixforge::codesign
