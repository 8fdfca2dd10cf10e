#include "core/config_schema.hpp"

#include <algorithm>
#include <cmath>
#include <ostream>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace pixforge {

using units::Dimension;

namespace keys {

ParamSpec real(std::string key, Dimension dim, std::string def, double lo, double hi, std::string what) {
    ParamSpec p;
    p.key = std::move(key);
    p.type = ParamType::Real;
    p.dimension = dim;
    p.default_text = std::move(def);
    p.min = lo;
    p.max = hi;
    p.description = std::move(what);
    return p;
}

ParamSpec integer(std::string key, std::string def, double lo, double hi, std::string what) {
    ParamSpec p = real(std::move(key), Dimension::Dimensionless, std::move(def), lo, hi, std::move(what));
    p.type = ParamType::Integer;
    return p;
}

ParamSpec flag(std::string key, std::string def, std::string what) {
    ParamSpec p =
        real(std::move(key), Dimension::Dimensionless, std::move(def), -kInf, kInf, std::move(what));
    p.type = ParamType::Boolean;
    return p;
}

ParamSpec choice(std::string key, std::vector<std::string> choices, std::string what) {
    ParamSpec p = real(std::move(key), Dimension::Dimensionless, "\"" + choices.front() + "\"", -kInf, kInf,
                       std::move(what));
    p.type = ParamType::Choice;
    p.choices = std::move(choices);
    return p;
}

ParamSpec text(std::string key, std::string def, std::string what) {
    ParamSpec p =
        real(std::move(key), Dimension::Dimensionless, "\"" + def + "\"", -kInf, kInf, std::move(what));
    p.type = ParamType::Text;
    return p;
}

ParamSpec list(std::string key, Dimension dim, std::string def, double lo, std::string what) {
    ParamSpec p = real(std::move(key), dim, std::move(def), lo, kInf, std::move(what));
    p.type = ParamType::RealList;
    return p;
}

}  // namespace keys

namespace {

size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

}  // namespace

void ConfigSchema::add(ParamSpec spec) {
    if (find(spec.key)) throw std::logic_error("config key declared twice: " + spec.key);
    params_.push_back(std::move(spec));
}

const ParamSpec* ConfigSchema::find(const std::string& key) const {
    for (const auto& p : params_)
        if (p.key == key) return &p;
    return nullptr;
}

std::string ConfigSchema::closest(const std::string& key) const {
    std::string best;
    size_t best_d = std::string::npos;
    for (const auto& p : params_) {
        const size_t d = edit_distance(key, p.key);
        if (d < best_d) {
            best_d = d;
            best = p.key;
        }
    }
    return best_d <= std::max<size_t>(3, key.size() / 4) ? best : std::string();
}

namespace {

std::string type_name(const ParamSpec& p) {
    switch (p.type) {
        case ParamType::Real:
            return p.dimension == Dimension::Dimensionless ? "number" : units::dimension_name(p.dimension);
        case ParamType::Integer:
            return "integer";
        case ParamType::Boolean:
            return "bool";
        case ParamType::Choice:
            return "choice";
        case ParamType::Text:
            return "string";
        case ParamType::RealList:
            return "list of " + (p.dimension == Dimension::Dimensionless
                                     ? std::string("numbers")
                                     : units::dimension_name(p.dimension));
    }
    return "?";
}

std::string range_text(const ParamSpec& p) {
    if (p.type == ParamType::Choice) return fmt::format("{}", fmt::join(p.choices, " | "));
    if (p.type == ParamType::Boolean || p.type == ParamType::Text) return "";
    const bool plain = p.type == ParamType::Integer || p.dimension == Dimension::Dimensionless ||
                       p.dimension == Dimension::ChargeOrEnergy;
    auto show = [&](double v) { return plain ? fmt::format("{:.9g}", v) : units::format(v, p.dimension); };
    if (std::isinf(p.min) && std::isinf(p.max)) return "";
    if (std::isinf(p.max)) return ">= " + show(p.min);
    return fmt::format("{} .. {}", show(p.min), show(p.max));
}

}  // namespace

bool ConfigSchema::declares_section(const std::string& section) const {
    const std::string prefix = section + ".";
    for (const auto& p : params_)
        if (p.key.compare(0, prefix.size(), prefix) == 0) return true;
    return false;
}

void describe_schema(const ConfigSchema& schema, std::ostream& out) {
    out << "Every key of a pixforge run config. Values with a unit are TOML strings (\"25ns\");\n"
           "units accepted per kind: time s ms us ns ps | frequency Hz kHz MHz GHz MS/s | rate /s cps\n"
           "| energy eV keV MeV | charge e- ke- fC C | capacitance fF pF | length nm um mm cm m\n"
           "| voltage mV V kV | temperature K. Charge-or-energy keys take either; energies are\n"
           "converted with the sensor's pair energy.\n\n";
    std::string section;
    for (const auto& p : schema.params()) {
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

}  // namespace pixforge
