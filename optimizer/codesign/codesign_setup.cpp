#include "optimizer/codesign/codesign_setup.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace pixforge::codesign {

Guidance parse_guidance(const std::string& name) {
    if (name == "synthesis") return Guidance::Synthesis;
    if (name == "theory") return Guidance::Theory;
    throw PixError("OPT-001", fmt::format("--guidance '{}' is unknown; expected synthesis or theory", name));
}

CodesignOptions CodesignOptions::from_config(const Config& config, Guidance guidance) {
    CodesignOptions o;
    o.guidance = guidance;
    o.area_budget_um2 = config.real("codesign.area_budget_um2");
    o.power_budget_uW = config.real("codesign.power_budget_uW");
    o.reference =
        config.reals(guidance == Guidance::Synthesis ? "codesign.reference" : "codesign.theory_reference");
    if (o.reference.size() != 4)
        throw PixError(
            "OPT-002",
            fmt::format("{}: codesign.{} has {} values; expected 4, one per objective ({})", config.source(),
                        guidance == Guidance::Synthesis ? "reference" : "theory_reference",
                        o.reference.size(), fmt::join(o.objective_names(), ", ")));
    o.pulses = static_cast<std::uint64_t>(config.integer("codesign.pulses"));
    o.check_windows = static_cast<int>(config.integer("codesign.check_windows"));
    o.simulate_timeout_s = config.real("codesign.simulate_timeout");
    return o;
}

std::vector<std::string> CodesignOptions::objective_names() const {
    if (guidance == Guidance::Theory) return {"energy_fwhm_eV", "parameter_bits", "bops", "latency_ns"};
    return {"energy_fwhm_eV", "area_um2", "power_uW", "latency_ns"};
}

std::vector<std::string> CodesignOptions::constraint_names() {
    return {"area_over_budget_um2", "power_over_budget_uW", "negative_slack_ns", "lost_events"};
}

std::string config_override(const optimizer::Parameter& p, const std::string& value_text) {
    return p.kind == optimizer::ParamKind::Categorical ? fmt::format("{}=\"{}\"", p.name, value_text)
                                                       : fmt::format("{}={}", p.name, value_text);
}

void check_config_keys_in_space(const optimizer::DesignSpace& space, const Config& base) {
    for (size_t i = 0; i < space.size(); ++i) {
        const optimizer::Parameter& p = space[i];
        if (p.name.find('.') == std::string::npos) continue;
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
    TrialDesign d;
    int width = 0, layers = 1, reuse = 0, pipeline = 1;  // reuse 0: not in the design
    bool clock_gating = false;
    std::string kind = "parallel";
    for (size_t i = 0; i < space.size(); ++i) {
        if (!space.active(i, u)) continue;
        const std::string& name = space[i].name;
        const std::string text = space.value_text(i, u);
        const auto value = static_cast<int>(std::lround(space.numeric_value(i, u)));
        if (name == "hidden_width") {
            width = value;
        } else if (name == "hidden_layers") {
            layers = value;
        } else if (name == "weight_bits" || name == "activation_bits") {
            d.overrides.push_back(fmt::format("network.{}=[{}]", name, value));
        } else if (name == "template") {
            kind = text;
        } else if (name == "reuse") {
            reuse = value;
        } else if (name == "pipeline") {
            pipeline = value;
        } else if (name == "clock_gating") {  // a categorical true/false, or 0/1
            clock_gating = text == "true" || (text != "false" && value != 0);
        } else if (name.find('.') != std::string::npos) {
            d.overrides.push_back(config_override(space[i], text));
        } else {
            throw PixError(
                "OPT-003",
                fmt::format("[space.{}]: not a known co-design parameter (hidden_width, "
                            "hidden_layers, weight_bits, activation_bits, template, reuse, "
                            "pipeline, clock_gating) nor a config key such as network.window_length",
                            name));
        }
    }
    if (width > 0) {
        std::vector<std::string> widths(static_cast<size_t>(layers), std::to_string(width));
        d.overrides.push_back(fmt::format("network.hidden=[{}]", fmt::join(widths, ", ")));
    }
    // Without a reuse parameter: folded 4; streaming 1 (one sample per clock at equal rates).
    if (reuse == 0) reuse = kind == "folded" ? 4 : 1;
    d.hardware = rtl::parse_template(kind, kind == "folded" || kind == "streaming" ? reuse : 1,
                                     kind == "parallel" ? pipeline : 1, clock_gating);
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

// [codesign]: the budgets, references and per-trial settings of a study.
void declare_codesign_keys(ConfigSchema& s) {
    using namespace keys;
    using units::Dimension;
    s.add(real("codesign.area_budget_um2", Dimension::Dimensionless, "2e5", 0, 1e12,
               "digital area budget of the pixel's processor, um^2 (constraint)"));
    s.add(real("codesign.power_budget_uW", Dimension::Dimensionless, "5000", 0, 1e12,
               "power budget of the pixel's processor at the scenario's rate, uW (constraint)"));
    s.add(list("codesign.reference", Dimension::Dimensionless, "[3000, 1e6, 20000, 2000]", -1e300,
               "hypervolume reference: energy FWHM eV, area um^2, power uW, latency ns"));
    s.add(list("codesign.theory_reference", Dimension::Dimensionless, "[3000, 20000, 200000, 2000]", -1e300,
               "hypervolume reference under theory guidance: FWHM eV, parameter bits, BOPs, latency ns"));
    s.add(integer("codesign.pulses", "20000", 100, 1e9, "photons in each trial's full-chain simulation"));
    s.add(integer("codesign.check_windows", "2000", 1, 1e8,
                  "test windows of each trial's RTL-vs-reference check"));
    s.add(list(
        "codesign.sweep_rates", Dimension::Rate, "[\"1e5/s\", \"5e5/s\", \"2e6/s\"]", 1e-3,
        "rates of the resolution-vs-rate runs of the best design and the classical baseline (empty = none)"));
    s.add(integer("codesign.sweep_pulses", "5000", 100, 1e9, "photons per rate in those runs"));
    s.add(real("codesign.simulate_timeout", Dimension::Time, "\"900s\"", 1, 1e6,
               "wall-clock limit of a trial's chain simulation"));
}

}  // namespace pixforge::codesign
