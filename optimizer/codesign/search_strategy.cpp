#include "optimizer/codesign/search_strategy.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "core/error.hpp"
#include "optimizer/phased_strategy.hpp"
#include "optimizer/rank_correlation.hpp"

namespace pixforge::codesign {

bool is_hardware_parameter(const std::string& space_name) {
    const std::string name = space_name.substr(0, space_name.find('@'));  // template@toa: hardware too
    return name == "template" || name == "reuse" || name == "pipeline" || name == "clock_gating" ||
           name.rfind("synthesis.", 0) == 0;
}

namespace {

// The cells of discrete parameter i and the centre of cell k.
double cell_centre(const optimizer::DesignSpace& space, std::size_t i, int k) {
    return (static_cast<double>(k) + 0.5) / static_cast<double>(std::max(1, space.cells(i)));
}

// codesign.proxy_hardware ("template=streaming clock_gating=true") as a point of the space: each
// named hardware parameter at its value, the others at their first.
std::vector<double> proxy_point(const Config& config, const optimizer::DesignSpace& space) {
    std::vector<double> u(space.size(), 0.5);
    for (std::size_t i = 0; i < space.size(); ++i)
        if (is_hardware_parameter(space[i].name)) u[i] = space.cells(i) > 0 ? cell_centre(space, i, 0) : 0.0;
    std::istringstream tokens(config.text("codesign.proxy_hardware"));
    for (std::string token; tokens >> token;) {
        const auto eq = token.find('=');
        const std::string name = token.substr(0, eq),
                          value = eq == std::string::npos ? "" : token.substr(eq + 1);
        std::size_t i = 0;
        while (i < space.size() && space[i].name != name) ++i;
        if (eq == std::string::npos || i == space.size() || !is_hardware_parameter(name))
            throw PixError("OPT-006",
                           fmt::format("{}: codesign.proxy_hardware: '{}' is not name=value of a hardware "
                                       "parameter of the [space] (template, reuse, pipeline, "
                                       "clock_gating, synthesis.*)",
                                       config.source(), token));
        bool found = false;
        for (int k = 0; k < space.cells(i) && !found; ++k) {
            std::vector<double> v = u;
            v[i] = cell_centre(space, i, k);
            if (space.value_text(i, v) == value) u[i] = v[i], found = true;
        }
        if (!found)
            throw PixError("OPT-006",
                           fmt::format("{}: codesign.proxy_hardware: [space.{}] does not take the value '{}'",
                                       config.source(), name, value));
    }
    return space.snap(u);
}

}  // namespace

int network_phase_trials(const Config& config, int budget) {
    const auto n = config.integer("codesign.network_trials");
    return n > 0 ? static_cast<int>(n) : std::max(1, budget / 2);
}

std::unique_ptr<optimizer::Strategy> make_search_strategy(const Config& config,
                                                          const optimizer::DesignSpace& space,
                                                          const optimizer::ProblemShape& shape,
                                                          std::uint64_t seed, int budget) {
    const std::string plan = config.text("codesign.strategy");
    const optimizer::StrategyOptions inner{static_cast<int>(config.integer("optimizer.initial_points")), 10,
                                           static_cast<int>(config.integer("optimizer.candidates"))};
    const std::string search = config.text("optimizer.strategy");
    if (plan == "joint") return optimizer::make_strategy(search, space, shape, seed, inner);
    optimizer::PhasedOptions o;
    for (std::size_t i = 0; i < space.size(); ++i)
        if (is_hardware_parameter(space[i].name)) o.hardware.push_back(i);
    if (o.hardware.empty() || o.hardware.size() == space.size())
        throw PixError("OPT-007",
                       fmt::format("{}: codesign.strategy \"{}\" searches the network, then the hardware; "
                                   "the [space] needs both network parameters and hardware ones "
                                   "(template, reuse, pipeline, clock_gating, synthesis.*)",
                                   config.source(), plan));
    o.proxy = proxy_point(config, space);
    o.algorithm_trials = network_phase_trials(config, budget);
    o.accuracy_only = plan == "successive";
    o.keep = o.accuracy_only ? 1 : static_cast<int>(config.integer("codesign.keep_networks"));
    o.inner = search;
    o.inner_options = inner;
    try {
        return std::make_unique<optimizer::PhasedStrategy>(plan, space, shape, seed, o);
    } catch (const std::invalid_argument& e) {
        throw PixError("OPT-007",
                       fmt::format("{}: codesign.strategy \"{}\": {}", config.source(), plan, e.what()));
    }
}

std::pair<std::string, std::string> split_design(const std::string& design) {
    std::vector<std::string> network, hardware;
    std::size_t at = 0;
    while (at < design.size()) {
        std::size_t end = design.find(", ", at);
        if (end == std::string::npos) end = design.size();
        const std::string part = design.substr(at, end - at);
        (is_hardware_parameter(part.substr(0, part.find('='))) ? hardware : network).push_back(part);
        at = end + 2;
    }
    return {fmt::format("{}", fmt::join(network, ", ")), fmt::format("{}", fmt::join(hardware, ", "))};
}

RankAgreement rank_agreement(const std::vector<DesignResult>& results,
                             const std::vector<std::string>& objectives) {
    RankAgreement a;
    a.objectives = objectives;
    // objectives of each network on each hardware point
    std::map<std::string, std::map<std::string, std::vector<double>>> by_hardware;
    for (const DesignResult& r : results) {
        if (r.objectives.size() != objectives.size()) continue;
        const auto [network, hardware] = split_design(r.design);
        by_hardware[hardware].emplace(network, r.objectives);
    }
    std::vector<const std::map<std::string, std::vector<double>>*> points;
    for (const auto& [hardware, networks] : by_hardware)
        if (networks.size() >= 3) points.push_back(&networks);
    a.hardware_points = points.size();
    const std::size_t m = objectives.size();
    std::vector<std::vector<double>> spearmans(m), kendalls(m);
    std::set<std::string> seen;
    for (std::size_t i = 0; i < points.size(); ++i)
        for (std::size_t j = i + 1; j < points.size(); ++j) {
            std::vector<std::string> common;
            for (const auto& [network, o] : *points[i])
                if (points[j]->count(network)) common.push_back(network);
            if (common.size() < 3) continue;
            ++a.pairs;
            seen.insert(common.begin(), common.end());
            for (std::size_t k = 0; k < m; ++k) {
                std::vector<double> x, y;
                for (const auto& n : common)
                    x.push_back(points[i]->at(n)[k]), y.push_back(points[j]->at(n)[k]);
                const double s = optimizer::spearman(x, y), t = optimizer::kendall_tau_b(x, y);
                if (std::isfinite(s)) spearmans[k].push_back(s);
                if (std::isfinite(t)) kendalls[k].push_back(t);
            }
        }
    a.networks = seen.size();
    const auto mean = [](const std::vector<double>& v) {
        double s = 0;
        for (double x : v) s += x;
        return v.empty() ? std::numeric_limits<double>::quiet_NaN() : s / static_cast<double>(v.size());
    };
    const auto lowest = [](const std::vector<double>& v) {
        return v.empty() ? std::numeric_limits<double>::quiet_NaN() : *std::min_element(v.begin(), v.end());
    };
    for (std::size_t k = 0; k < m; ++k) {
        a.spearman_mean.push_back(mean(spearmans[k])), a.spearman_min.push_back(lowest(spearmans[k]));
        a.kendall_mean.push_back(mean(kendalls[k])), a.kendall_min.push_back(lowest(kendalls[k]));
    }
    return a;
}

nlohmann::json RankAgreement::to_json() const {
    nlohmann::json per = nlohmann::json::object();
    for (std::size_t k = 0; k < objectives.size(); ++k)
        per[objectives[k]] = {{"spearman_mean", spearman_mean[k]},
                              {"spearman_min", spearman_min[k]},
                              {"kendall_mean", kendall_mean[k]},
                              {"kendall_min", kendall_min[k]}};
    return {
        {"hardware_points", hardware_points}, {"pairs", pairs}, {"networks", networks}, {"objectives", per}};
}

PhaseSavings phase_savings(const std::vector<std::string>& designs, const std::vector<double>& seconds,
                           std::size_t network_trials) {
    PhaseSavings p;
    std::set<std::string> networks, kept, hardware;
    double phase_two_s = 0;
    for (std::size_t i = 0; i < designs.size(); ++i) {
        const auto [network, hw] = split_design(designs[i]);
        if (i < network_trials) {
            ++p.phase_one_trials;
            networks.insert(network);
        } else {
            ++p.phase_two_trials;
            kept.insert(network), hardware.insert(hw);
            phase_two_s += i < seconds.size() ? seconds[i] : 0;
        }
    }
    p.networks = networks.size(), p.kept = kept.size(), p.hardware_points = hardware.size();
    p.coupled_trials = static_cast<std::int64_t>(p.networks * p.hardware_points);
    p.saved_trials = p.coupled_trials - static_cast<std::int64_t>(p.phase_two_trials);
    p.seconds_per_trial = p.phase_two_trials ? phase_two_s / static_cast<double>(p.phase_two_trials) : 0;
    p.saved_seconds = static_cast<double>(p.saved_trials) * p.seconds_per_trial;
    return p;
}

nlohmann::json PhaseSavings::to_json() const {
    return {{"phase_one_trials", phase_one_trials},
            {"phase_two_trials", phase_two_trials},
            {"networks", networks},
            {"kept", kept},
            {"hardware_points", hardware_points},
            {"coupled_trials", coupled_trials},
            {"saved_trials", saved_trials},
            {"seconds_per_trial", seconds_per_trial},
            {"saved_seconds", saved_seconds}};
}

void declare_search_keys(ConfigSchema& s) {
    using namespace keys;
    s.add(choice("codesign.strategy", {"joint", "successive", "semi_decoupled"},
                 "how the study searches (docs/strategies.md): joint (every parameter at once), successive "
                 "(the network for accuracy alone on the proxy hardware, then the hardware for the most "
                 "accurate network), semi_decoupled (the network on the proxy hardware, then the hardware "
                 "for the best codesign.keep_networks networks)"));
    s.add(
        integer("codesign.network_trials", "0", 0, 1e6,
                "trials of the network phase of a successive or semi_decoupled search (0: half the budget)"));
    s.add(integer("codesign.keep_networks", "4", 1, 100,
                  "networks a semi_decoupled search keeps for its hardware phase (each hardware point "
                  "evaluates all of them)"));
    s.add(text("codesign.proxy_hardware", "",
               "the hardware point of the network phase, space-separated name=value of hardware "
               "parameters (\"template=streaming clock_gating=true\"); unnamed ones take their first value"));
}

}  // namespace pixforge::codesign
