// Every configuration key pixforge reads is declared once, here: its type, default, unit, allowed
// range and a one-line description. `pixforge config --describe` prints this table, the loader
// validates against it, and the resolved config written into every output is generated from it.
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "core/units.hpp"

namespace pixforge {

enum class ParamType { Real, Integer, Boolean, Choice, RealList, Text };

struct ParamSpec {
    std::string key;  // "section.name"
    ParamType type = ParamType::Real;
    units::Dimension dimension = units::Dimension::Dimensionless;  // Real and RealList
    std::string default_text;  // the default, written as a user would write it in TOML
    double min = -std::numeric_limits<double>::infinity();  // allowed range, SI (Real, Integer)
    double max = std::numeric_limits<double>::infinity();
    std::vector<std::string> choices;  // Choice
    std::string description;
};

class ConfigSchema {
  public:
    // The schema of every key pixforge knows.
    static const ConfigSchema& standard();

    const std::vector<ParamSpec>& params() const { return params_; }
    const ParamSpec* find(const std::string& key) const;
    // The declared key closest to `key` by edit distance, for "did you mean" hints.
    std::string closest(const std::string& key) const;

    void add(ParamSpec spec);

  private:
    std::vector<ParamSpec> params_;
};

}  // namespace pixforge
