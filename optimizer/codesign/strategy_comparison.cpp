#include "optimizer/codesign/strategy_comparison.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include <fmt/format.h>

#include "core/atomic_file.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "core/typed_json.hpp"
#include "optimizer/codesign/codesign_setup.hpp"
#include "optimizer/codesign/codesign_study.hpp"
#include "optimizer/codesign/config_keys.hpp"
#include "optimizer/codesign/search_strategy.hpp"
#include "optimizer/codesign/seed_spread.hpp"
#include "optimizer/codesign/trial_folder.hpp"
#include "optimizer/pareto.hpp"

namespace pixforge::codesign {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// One design as a study answers it: real objectives and whether it meets every spec.
struct Answer {
    std::vector<double> objectives;
    bool feasible = false;
};

// The designs a study offers (offered_indices, the rule the report and the retrains follow).
std::vector<Answer> answer_of(const std::vector<Answer>& designs) {
    std::vector<optimizer::Vector> objectives;
    std::vector<bool> feasible;
    for (const Answer& a : designs) objectives.push_back(a.objectives), feasible.push_back(a.feasible);
    std::vector<Answer> out;
    for (std::size_t k : offered_indices(objectives, feasible)) out.push_back(designs[k]);
    return out;
}

double median(std::vector<double> v) {
    v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
    if (v.empty()) return kNaN;
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

std::vector<std::string> comparison_strategies() {
    return {"joint", "joint_theory", "successive", "semi_decoupled"};
}

json RunScore::to_json() const {
    return {{"strategy", strategy},       {"seed", seed},
            {"hypervolume", hypervolume}, {"best_accuracy", best_accuracy},
            {"trial_seconds", seconds},   {"trials", trials},
            {"feasible", feasible},       {"answer", answer},
            {"violations", violations},   {"rank_agreement", rank_agreement}};
}

RunScore score_study(const fs::path& study_dir, const std::string& strategy, std::uint64_t seed,
                     const std::vector<double>& reference) {
    const json setup = read_json_file(study_dir / "codesign.json");
    if (!setup.is_object())
        throw PixError("STUDY-006",
                       fmt::format("{}: not a co-design study (no codesign.json)", study_dir.string()));
    const TypedJson t{"STUDY-006", (study_dir / "codesign.json").string(), "run the comparison again"};
    const std::vector<std::string> names = t.texts(setup, "objectives");
    RunScore s;
    s.strategy = strategy, s.seed = seed;
    std::vector<Answer> designs;
    std::vector<DesignResult> results;
    std::vector<TrialMetrics> trials;
    for (const TrialFolder& f : TrialFolder::all(study_dir)) trials.push_back(f.metrics());
    s.trials = trials.size();
    for (const TrialMetrics& m : trials) {
        for (const auto& [stage, seconds] : m.seconds) s.seconds += seconds;
        s.feasible += m.feasible();
        if (m.finished()) designs.push_back({*m.objectives, m.feasible()});
        results.push_back({m.design, m.finished() ? *m.objectives : std::vector<double>{}});
    }
    if (setup.value("guidance", std::string()) == "theory") {
        // Its answer is its proxy front, synthesized: the real objectives and budgets.
        designs.clear();
        const json check = read_json_file(study_dir / "theory_check.json");
        if (check.is_object() && check.contains("designs"))
            for (const json& d : check["designs"])
                designs.push_back(
                    {d.value("objectives", std::vector<double>{}), !d.value("breaks_budget", true)});
        s.feasible = static_cast<std::size_t>(
            std::count_if(designs.begin(), designs.end(), [](const Answer& a) { return a.feasible; }));
    } else if (strategy == "successive") {
        // NAS, then ASIC: its answer is what the hardware phase made of the most accurate network.
        const json config_trials = setup.value("network_trials", json());
        const std::size_t first = config_trials.is_number_unsigned() ? config_trials.get<std::size_t>() : 0;
        std::vector<Answer> hardware_phase;
        for (std::size_t i = first; i < trials.size(); ++i)
            if (trials[i].finished()) hardware_phase.push_back({*trials[i].objectives, trials[i].feasible()});
        if (!hardware_phase.empty()) designs = hardware_phase;
    }
    const std::vector<Answer> answer = answer_of(designs);
    s.answer = answer.size();
    std::vector<optimizer::Vector> good;
    s.best_accuracy = kNaN;
    for (const Answer& a : answer) {
        if (!a.feasible) {
            ++s.violations;
            continue;
        }
        good.push_back(a.objectives);
        if (!a.objectives.empty() && !(a.objectives[0] >= s.best_accuracy)) s.best_accuracy = a.objectives[0];
    }
    s.hypervolume = optimizer::hypervolume(good, reference);
    s.rank_agreement = rank_agreement(results, names).to_json();
    return s;
}

void compare_strategies(const ComparisonRequest& q, std::ostream* progress, std::ostream& out) {
    const auto known = comparison_strategies();
    for (const std::string& name : q.strategies)
        if (std::find(known.begin(), known.end(), name) == known.end())
            throw PixError("OPT-008", fmt::format("'{}' is not a strategy to compare; expected some of: {}",
                                                  name, fmt::join(known, ", ")));
    const std::vector<double> reference =
        Config::load(all_config_keys(), q.config, q.overrides).reals("codesign.reference");
    struct Planned {
        std::string strategy;
        std::uint64_t seed;
        StudyRequest request;
    };
    std::vector<Planned> studies;
    for (const std::string& strategy : q.strategies)
        for (std::uint64_t seed : q.seeds) {
            StudyRequest r;
            r.config = q.config;
            r.overrides = q.overrides;
            // What the comparison measures: the search alone (no classical front, no retrained
            // front, no rate sweep), every strategy on its own seed.
            for (const std::string& o :
                 {fmt::format("codesign.strategy=\"{}\"", strategy == "joint_theory" ? "joint" : strategy),
                  fmt::format("run.seed={}", seed), std::string("codesign.classical_weight_bits=[]"),
                  std::string("codesign.front_seeds=0"), std::string("codesign.sweep_rates=[]")})
                r.overrides.push_back(o);
            r.out = q.out / strategy / fmt::format("seed-{}", seed);
            r.cache = q.cache;
            r.guidance = strategy == "joint_theory" ? "theory" : "synthesis";
            r.workers = q.workers;
            r.budget = q.budget;
            r.resume = fs::exists(r.out / "journal.jsonl");
            r.print_summary = false;
            r.command_line = q.command_line;
            r.executable = q.executable;
            // Refused before the first study runs (a theory reference of another size, a space a
            // two-phase search cannot split), not after hours of the others.
            check_study_request(r);
            studies.push_back({strategy, seed, std::move(r)});
        }
    fs::create_directories(q.out);
    std::vector<RunScore> scores;
    for (const Planned& p : studies) {
        if (progress)
            *progress << fmt::format("== {} seed {}: {} trials in {}\n", p.strategy, p.seed, q.budget,
                                     p.request.out.string());
        std::ostringstream discard;
        run_codesign_study(
            p.request, nullptr,
            [&](const optimizer::TrialRecord& rec, const TrialMetrics& m, const StudyStatus& st) {
                if (progress) *progress << trial_progress_text(rec, m, st) << std::flush;
            },
            progress ? *progress : discard, discard);
        scores.push_back(score_study(p.request.out, p.strategy, p.seed, reference));
    }
    json runs = json::array(), table = json::array();
    for (const RunScore& s : scores) runs.push_back(s.to_json());
    out << fmt::format(
        "Strategies compared on {} ({} trials each, seeds {}), the real objectives and "
        "the study's hypervolume reference:\n",
        q.config.string(), q.budget, fmt::join(q.seeds, ", "));
    out << fmt::format("  {:<15} {:>22} {:>9} {:>10} {:>10} {:>14} {:>7} {:>8}\n", "strategy",
                       "hypervolume med [min, max]", "feasible", "answer", "violations", "best obj 0",
                       "trials", "trial s");
    for (const std::string& strategy : q.strategies) {
        std::vector<double> hv, feasible, answer, violations, best, trials, seconds;
        for (const RunScore& s : scores)
            if (s.strategy == strategy) {
                hv.push_back(s.hypervolume), feasible.push_back(static_cast<double>(s.feasible));
                answer.push_back(static_cast<double>(s.answer)),
                    violations.push_back(static_cast<double>(s.violations));
                best.push_back(s.best_accuracy), trials.push_back(static_cast<double>(s.trials));
                seconds.push_back(s.seconds);
            }
        const auto [lo, hi] = std::minmax_element(hv.begin(), hv.end());
        const json row{{"strategy", strategy},
                       {"hypervolume_median", median(hv)},
                       {"hypervolume_min", *lo},
                       {"hypervolume_max", *hi},
                       {"feasible_median", median(feasible)},
                       {"answer_median", median(answer)},
                       {"violations_median", median(violations)},
                       {"best_accuracy_median", median(best)},
                       {"trials_median", median(trials)},
                       {"trial_seconds_median", median(seconds)}};
        table.push_back(row);
        out << fmt::format(
            "  {:<15} {:>10.4g} [{:.3g}, {:.3g}] {:>9.1f} {:>10.1f} {:>10.1f} {:>14.5g} {:>7.0f} {:>8.0f}\n",
            strategy, median(hv), *lo, *hi, median(feasible), median(answer), median(violations),
            median(best), median(trials), median(seconds));
    }
    for (const RunScore& s : scores) {
        if (s.strategy != "semi_decoupled" || s.rank_agreement.value("pairs", 0) == 0) continue;
        std::vector<std::string> parts;
        for (const auto& [objective, r] : s.rank_agreement["objectives"].items())
            parts.push_back(fmt::format("{} {:.2f} ({:.2f})", objective, r.value("spearman_mean", kNaN),
                                        r.value("spearman_min", kNaN)));
        out << fmt::format(
            "  semi_decoupled seed {}: networks rank across {} hardware points with Spearman mean "
            "(min) {}\n",
            s.seed, s.rank_agreement.value("hardware_points", 0), fmt::join(parts, ", "));
    }
    const json result{{"config", q.config.string()},
                      {"budget", q.budget},
                      {"seeds", q.seeds},
                      {"table", table},
                      {"runs", runs}};
    write_file_atomically(q.out / "comparison.json", result.dump(2));
    out << fmt::format("Written {} (plot: /usr/bin/python3 scripts/plot_strategies.py {})\n",
                       (q.out / "comparison.json").string(), (q.out / "comparison.json").string());
}

}  // namespace pixforge::codesign
