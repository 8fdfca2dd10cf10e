// pixforge config: the parameter table, or a validated, resolved config.
#include <fmt/format.h>

#include "app/cli.hpp"
#include "core/config.hpp"
#include "models/chain_params.hpp"

namespace pixforge::app {
namespace {

std::string type_name(const ParamSpec& p) {
    switch (p.type) {
        case ParamType::Real:
            return p.dimension == units::Dimension::Dimensionless ? "number"
                                                                  : units::dimension_name(p.dimension);
        case ParamType::Integer:
            return "integer";
        case ParamType::Boolean:
            return "bool";
        case ParamType::Choice:
            return "choice";
        case ParamType::Text:
            return "string";
        case ParamType::RealList:
            return "list of " + (p.dimension == units::Dimension::Dimensionless
                                     ? std::string("numbers")
                                     : units::dimension_name(p.dimension));
    }
    return "?";
}

std::string range_text(const ParamSpec& p) {
    if (p.type == ParamType::Choice) return fmt::format("{}", fmt::join(p.choices, " | "));
    if (p.type == ParamType::Boolean || p.type == ParamType::Text) return "";
    const bool plain = p.type == ParamType::Integer || p.dimension == units::Dimension::Dimensionless ||
                       p.dimension == units::Dimension::ChargeOrEnergy;
    auto show = [&](double v) { return plain ? fmt::format("{:.9g}", v) : units::format(v, p.dimension); };
    if (std::isinf(p.min) && std::isinf(p.max)) return "";
    if (std::isinf(p.max)) return ">= " + show(p.min);
    return fmt::format("{} .. {}", show(p.min), show(p.max));
}

void describe(std::ostream& out) {
    out << "Every key of a pixforge run config. Values with a unit are TOML strings (\"25ns\");\n"
           "units accepted per kind: time s ms us ns ps | frequency Hz kHz MHz GHz MS/s | rate /s cps\n"
           "| energy eV keV MeV | charge e- ke- fC C | capacitance fF pF | length nm um mm cm m\n"
           "| voltage mV V kV | temperature K. Charge-or-energy keys take either; energies are\n"
           "converted with the sensor's pair energy.\n\n";
    std::string section;
    for (const auto& p : ConfigSchema::standard().params()) {
        const std::string s = p.key.substr(0, p.key.find('.'));
        if (s != section) {
            out << "\n[" << s << "]\n";
            section = s;
        }
        out << fmt::format("  {:<34} {:<20} default {:<24} {}\n", p.key, type_name(p), p.default_text,
                           range_text(p));
        out << fmt::format("  {:<34} {}\n", "", p.description);
    }
}

}  // namespace

Action add_config_command(CLI::App& cmd) {
    auto options = std::make_shared<ConfigOptions>();
    auto describe_flag = std::make_shared<bool>(false);
    options->add_to(cmd, false);
    cmd.add_flag("--describe", *describe_flag,
                 "print every key with its type, default, unit, range and meaning");
    cmd.footer(
        "Examples:\n  pixforge config --describe\n  pixforge config -c configs/default.toml --set "
        "adc.bits=8");
    return [options, describe_flag](std::ostream& out, std::ostream& err) {
        if (*describe_flag || options->path.empty()) {
            describe(out);
            return 0;
        }
        const Config config = Config::load(options->path, options->overrides);
        (void)models::chain_params_from(config);  // cross-key checks
        out << "# resolved from " << config.source() << "\n" << config.resolved_toml();
        return 0;
    };
}

}  // namespace pixforge::app
