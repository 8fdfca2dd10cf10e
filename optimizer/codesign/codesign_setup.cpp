#include "optimizer/codesign/codesign_setup.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "core/error.hpp"
#include "datasets/classical_hardware.hpp"
#include "optimizer/codesign/pixel_tasks.hpp"

namespace pixforge::codesign {

Guidance parse_guidance(const std::string& name) {
    if (name == "synthesis") return Guidance::Synthesis;
    if (name == "theory") return Guidance::Theory;
    throw PixError("OPT-001", fmt::format("--guidance '{}' is unknown; expected synthesis or theory", name));
}

CodesignOptions CodesignOptions::from_config(const Config& config, Guidance guidance) {
    CodesignOptions o;
    o.guidance = guidance;
    o.goals = StudyObjectives::from_config(config, guidance);
    o.reference =
        config.reals(guidance == Guidance::Synthesis ? "codesign.reference" : "codesign.theory_reference");
    if (o.reference.size() != o.goals.objective_names().size())
        throw PixError(
            "OPT-002",
            fmt::format("{}: codesign.{} has {} values; expected {}, one per objective ({})", config.source(),
                        guidance == Guidance::Synthesis ? "reference" : "theory_reference",
                        o.reference.size(), o.goals.objective_names().size(),
                        fmt::join(o.goals.objective_names(), ", ")));
    o.pulses = static_cast<std::uint64_t>(config.integer("codesign.pulses"));
    o.check_windows = static_cast<int>(config.integer("codesign.check_windows"));
    o.simulate_timeout_s = config.real("codesign.simulate_timeout");
    o.front_seeds = static_cast<int>(config.integer("codesign.front_seeds"));
    o.heads_follow_objectives = config.text("codesign.heads") == "objectives";
    for (double bits : config.reals("codesign.classical_weight_bits")) {
        if (bits != std::floor(bits) || bits < 2 || bits > 24)
            config.reject("codesign.classical_weight_bits",
                          fmt::format("{} is not a whole number of bits from 2 to 24", bits));
        o.classical_weight_bits.push_back(static_cast<int>(bits));
    }
    std::istringstream filters(config.text("codesign.classical_filters"));
    const std::vector<std::string> known = datasets::classical_hardware_names();
    for (std::string name; filters >> name;) {
        if (std::find(known.begin(), known.end(), name) == known.end())
            config.reject("codesign.classical_filters",
                          fmt::format("'{}' is not one of: {}", name, fmt::join(known, ", ")));
        o.classical_filters.push_back(name);
    }
    std::istringstream names(config.text("codesign.classical_templates"));
    for (std::string name; names >> name;) {
        try {
            o.classical_templates.push_back(rtl::parse_template_name(name));
        } catch (const PixError& e) {
            config.reject("codesign.classical_templates", e.what());
        }
    }
    return o;
}

std::vector<std::string> chain_overrides(const TrialDesign& design) {
    std::vector<std::string> out;
    for (const std::string& o : design.overrides)
        for (const char* section : {"sensor.", "frontend.", "noise.", "adc.", "trigger.", "synthesis."})
            if (o.rfind(section, 0) == 0) out.push_back(o);
    return out;
}

std::string config_override(const optimizer::Parameter& p, const std::string& value_text) {
    return p.kind == optimizer::ParamKind::Categorical ? fmt::format("{}=\"{}\"", p.name, value_text)
                                                       : fmt::format("{}={}", p.name, value_text);
}

namespace {

// A network's shape and template as the space sets them.
struct NetworkChoice {
    int width = 0, layers = 1, reuse = 0, pipeline = 1;  // reuse 0: not in the design
    bool clock_gating = false;
    std::string kind = "parallel";
    std::vector<std::string> overrides;  // network.weight_bits / activation_bits

    // False for a name that is not a network or template parameter.
    bool set(const std::string& name, const std::string& text, int value) {
        if (name == "hidden_width") {
            width = value;
        } else if (name == "hidden_layers") {
            layers = value;
        } else if (name == "weight_bits" || name == "activation_bits") {
            overrides.push_back(fmt::format("network.{}=[{}]", name, value));
        } else if (name == "template") {
            kind = text;
        } else if (name == "reuse") {
            reuse = value;
        } else if (name == "pipeline") {
            pipeline = value;
        } else if (name == "clock_gating") {  // a categorical true/false, or 0/1
            clock_gating = text == "true" || (text != "false" && value != 0);
        } else {
            return false;
        }
        return true;
    }
    std::vector<std::string> network_overrides() const {
        std::vector<std::string> out = overrides;
        if (width > 0) {
            std::vector<std::string> widths(static_cast<size_t>(layers), std::to_string(width));
            out.push_back(fmt::format("network.hidden=[{}]", fmt::join(widths, ", ")));
        }
        return out;
    }
    rtl::HardwareTemplate hardware() const {
        // Without a reuse parameter: folded 4; streaming 1 (one sample per clock at equal rates).
        const int r = reuse != 0 ? reuse : kind == "folded" ? 4 : 1;
        return rtl::parse_template(kind, kind == "folded" || kind == "streaming" ? r : 1,
                                   kind == "parallel" ? pipeline : 1, clock_gating);
    }
};

[[noreturn]] void unknown_parameter(const std::string& name) {
    throw PixError("OPT-003",
                   fmt::format("[space.{}]: not a known co-design parameter (hidden_width, "
                               "hidden_layers, weight_bits, activation_bits, template, reuse, "
                               "pipeline, clock_gating, tasks, or one of them @energy, @toa, @pileup) nor "
                               "a config key such as network.window_length",
                               name));
}

}  // namespace

void check_config_keys_in_space(const optimizer::DesignSpace& space, const Config& base,
                                const StudyObjectives* goals) {
    for (size_t i = 0; i < space.size(); ++i) {
        const optimizer::Parameter& p = space[i];
        if (p.name == "tasks") {
            for (const std::string& value : p.choices) {
                const auto networks = split_tasks(value, base.source() + ": [space.tasks]");
                // Networks split by task must compute every head the study measures.
                for (const std::string& head : goals ? goals->read_heads() : std::vector<std::string>{})
                    if (value != "shared" && std::none_of(networks.begin(), networks.end(),
                                                          [&](const std::vector<std::string>& n) {
                                                              return std::find(n.begin(), n.end(), head) !=
                                                                     n.end();
                                                          }))
                        throw PixError(
                            "OPT-009",
                            fmt::format("{}: [space.tasks] value \"{}\" has no network for the {} head, "
                                        "which codesign.objectives or codesign.limits read",
                                        base.source(), value, head));
                // One network, one value: NAME@HEAD for two heads of one network would contradict.
                for (const std::vector<std::string>& heads : networks) {
                    std::map<std::string, std::string> set_by;  // NAME -> the head that sets it
                    for (size_t j = 0; j < space.size(); ++j) {
                        const TaskParameter t = task_parameter(space[j].name);
                        if (t.head.empty() || std::find(heads.begin(), heads.end(), t.head) == heads.end())
                            continue;
                        const auto [it, first] = set_by.emplace(t.name, t.head);
                        if (!first)
                            throw PixError("OPT-009",
                                           fmt::format("{}: [space.tasks] value \"{}\" puts {} and {} in one "
                                                       "network, but [space.\"{}@{}\"] and [space.\"{}@{}\"] "
                                                       "each set its {}",
                                                       base.source(), value, it->second, t.head, t.name,
                                                       it->second, t.name, t.head, t.name));
                    }
                }
            }
            if (p.kind != optimizer::ParamKind::Categorical)
                throw PixError("OPT-009",
                               fmt::format("{}: [space.tasks] is categorical: choices = [\"shared\", "
                                           "\"energy|toa\"]",
                                           base.source()));
            continue;
        }
        const TaskParameter task = task_parameter(p.name);
        if (!task.head.empty() && task.name.find('.') != std::string::npos)
            throw PixError("OPT-009",
                           fmt::format("{}: [space.\"{}\"]: a config key holds for every network of "
                                       "the pixel; only network parameters take @HEAD",
                                       base.source(), p.name));
        if (p.name.find('.') == std::string::npos) {
            if (!NetworkChoice().set(task.name, "", 0)) unknown_parameter(p.name);
            continue;
        }
        // Slower shaping lowers series noise and raises parallel noise; ENCs that hold at any tau
        // would make every shaping time equally noisy and the study's choice meaningless.
        if (p.name == "frontend.shaper_tau" && base.real("noise.reference_shaping_time") == 0)
            throw PixError(
                "OPT-005",
                fmt::format("{}: [space.\"frontend.shaper_tau\"] varies the shaping time, but "
                            "noise.reference_shaping_time is 0 (the ENCs would hold at every tau); "
                            "set it to the shaping time the ENCs were measured at, e.g. \"25ns\"",
                            base.source()));
        // Both ends of a range, or every listed value (the centre of its cell).
        const bool range =
            p.kind == optimizer::ParamKind::Continuous || p.kind == optimizer::ParamKind::Integer;
        const size_t cells = range                                         ? 2
                             : p.kind == optimizer::ParamKind::Categorical ? p.choices.size()
                                                                           : p.values.size();
        std::vector<double> u(space.size(), 0.5);
        for (size_t k = 0; k < cells; ++k) {
            u[i] =
                range ? static_cast<double>(k) : (static_cast<double>(k) + 0.5) / static_cast<double>(cells);
            const std::string text = space.value_text(i, u);
            try {
                Config::parse(base.schema(), base.resolved_toml(), base.source() + " (resolved)",
                              {config_override(p, text)});
            } catch (const PixError& e) {
                throw PixError(
                    "OPT-004",
                    fmt::format("{}: [space.\"{}\"] value {} is not a valid {}: {} (a value with a unit "
                                "goes in a categorical parameter, e.g. choices = [\"50MHz\", "
                                "\"100MHz\"])",
                                base.source(), p.name, text, p.name, e.what()));
            }
        }
    }
}

TrialDesign design_of(const optimizer::DesignSpace& space, const std::vector<double>& u) {
    std::string tasks = "shared";
    for (size_t i = 0; i < space.size(); ++i)
        if (space[i].name == "tasks" && space.active(i, u)) tasks = space.value_text(i, u);
    const std::vector<std::vector<std::string>> networks = split_tasks(tasks, "[space.tasks]");
    TrialDesign d;
    NetworkChoice common;
    for (size_t i = 0; i < space.size(); ++i) {
        const TaskParameter p = task_parameter(space[i].name);
        if (!space.active(i, u) || p.name == "tasks" || !p.head.empty()) continue;
        const std::string text = space.value_text(i, u);
        if (p.name.find('.') != std::string::npos)
            d.overrides.push_back(config_override(space[i], text));
        else if (!common.set(p.name, text, static_cast<int>(std::lround(space.numeric_value(i, u)))))
            unknown_parameter(p.name);
    }
    // Each network: the common choices, then those for one of its heads.
    for (const std::vector<std::string>& heads : networks) {
        NetworkChoice mine = common;
        for (size_t i = 0; i < space.size(); ++i) {
            const TaskParameter p = task_parameter(space[i].name);
            if (!space.active(i, u) || p.head.empty()) continue;
            if (std::find(heads.begin(), heads.end(), p.head) == heads.end()) continue;
            if (!mine.set(p.name, space.value_text(i, u),
                          static_cast<int>(std::lround(space.numeric_value(i, u)))))
                unknown_parameter(space[i].name);
        }
        DesignCore core{heads, mine.network_overrides(), mine.hardware()};
        if (!heads.empty())
            for (const std::string& o : head_overrides(heads)) core.overrides.push_back(o);
        d.cores.push_back(core);
    }
    // One network for the study's heads: its settings are the trial's.
    if (d.cores.size() == 1 && d.cores.front().heads.empty()) {
        d.overrides.insert(d.overrides.end(), d.cores.front().overrides.begin(),
                           d.cores.front().overrides.end());
        d.cores.front().overrides.clear();
    }
    d.hardware = d.cores.front().hardware;
    d.description = space.describe(u);
    return d;
}

// [optimizer]: the search strategy and its budget, read by run_codesign_study.
void declare_optimizer_keys(ConfigSchema& s) {
    using namespace keys;
    using units::Dimension;
    s.add(choice("optimizer.strategy", {"bayesian", "sobol", "random", "nsga2"},
                 "search strategy of a study (bayesian: GP + EHVI / ParEGO)"));
    s.add(integer("optimizer.evaluations", "60", 1, 1e6, "trials in a study"));
    s.add(integer("optimizer.batch", "2", 1, 1000, "proposals evaluated in parallel per round"));
    s.add(integer("optimizer.initial_points", "10", 1, 1e6, "Sobol design before the model-based search"));
    s.add(integer("optimizer.candidates", "1024", 16, 1e6, "Sobol candidates per acquisition optimization"));
}

// [codesign]: the hypervolume references and per-trial settings of a study.
void declare_codesign_keys(ConfigSchema& s) {
    using namespace keys;
    using units::Dimension;
    declare_objective_keys(s);
    s.add(list("codesign.reference", Dimension::Dimensionless, "[3000, 1e6, 20000, 2000]", -1e300,
               "hypervolume reference: energy FWHM eV, digital area um^2, pixel power uW, latency ns"));
    s.add(list("codesign.theory_reference", Dimension::Dimensionless, "[3000, 20000, 200000, 2000]", -1e300,
               "hypervolume reference under theory guidance: FWHM eV, parameter bits, BOPs, latency ns"));
    s.add(integer("codesign.pulses", "20000", 100, 1e9, "photons in each trial's full-chain simulation"));
    s.add(integer("codesign.check_windows", "2000", 1, 1e8,
                  "test windows of each trial's RTL-vs-reference check"));
    s.add(list(
        "codesign.sweep_rates", Dimension::Rate, "[\"1e5/s\", \"5e5/s\", \"2e6/s\"]", 1e-3,
        "rates of the resolution-vs-rate runs of the best design and the classical baseline (empty = none)"));
    s.add(integer("codesign.sweep_pulses", "5000", 100, 1e9, "photons per rate in those runs"));
    s.add(text("codesign.classical_filters", "optimal_filter",
               "classical filters of the classical hardware front, space-separated: optimal_filter, "
               "least_squares_fir, trapezoid, max_sample, parabolic_peak, cfd (docs/classical_hardware.md)"));
    s.add(list("codesign.classical_weight_bits", Dimension::Dimensionless, "[]", 2,
               "widths of the classical designs, run through the trials' stages beside the networks (the "
               "classical hardware front; empty = none): coefficient bits of the linear filters, "
               "fraction bits of the peak units"));
    s.add(text("codesign.classical_templates", "streaming_r1_cg serial_cg",
               "templates of the classical hardware front, by name (docs/rtl.md), space-separated"));
    s.add(choice("codesign.heads", {"objectives", "config"},
                 "the heads a trial's network trains: those whose figure an objective or a limit reads "
                 "(energy_fwhm_eV: energy; toa_sigma_ns: toa; pileup_auc, pileup_tpr_at_1pct_fpr: "
                 "pileup), or network.head_* as configured"));
    s.add(integer("codesign.front_seeds", "2", 0, 100,
                  "after the search, each network the study offers (its feasible Pareto set, or with "
                  "nothing feasible its non-dominated designs) is retrained with this many more training "
                  "seeds (run.seed + 1, + 2, ...) through every stage: the report gives the spread of its "
                  "figures across seeds"));
    s.add(real("codesign.simulate_timeout", Dimension::Time, "\"900s\"", 1, 1e6,
               "wall-clock limit of a trial's chain simulation"));
}

}  // namespace pixforge::codesign
