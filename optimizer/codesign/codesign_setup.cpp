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

TrialDesign design_of(const optimizer::DesignSpace& space, const std::vector<double>& u) {
    TrialDesign d;
    int width = 0, layers = 1, reuse = 4, pipeline = 1;
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
        } else if (name.find('.') != std::string::npos) {
            const bool number = space[i].kind != optimizer::ParamKind::Categorical;
            d.overrides.push_back(number ? fmt::format("{}={}", name, text)
                                         : fmt::format("{}=\"{}\"", name, text));
        } else {
            throw PixError("OPT-003",
                           fmt::format("[space.{}]: not a known co-design parameter (hidden_width, "
                                       "hidden_layers, weight_bits, activation_bits, template, reuse, "
                                       "pipeline) nor a config key such as network.window_length",
                                       name));
        }
    }
    if (width > 0) {
        std::vector<std::string> widths(static_cast<size_t>(layers), std::to_string(width));
        d.overrides.push_back(fmt::format("network.hidden=[{}]", fmt::join(widths, ", ")));
    }
    d.hardware = rtl::parse_template(kind, kind == "folded" ? reuse : 1, kind == "parallel" ? pipeline : 1);
    d.description = space.describe(u);
    return d;
}

}  // namespace pixforge::codesign
