// The machinery of configuration keys: a key's spec (type, default, unit, allowed range, one-line
// description), a schema that holds them, and the --describe text. The keys themselves are
// declared beside the code that reads them: each library has a declare_*_keys(ConfigSchema&)
// (models/chain_params, datasets/dataset_builder, rtl_gen/synthesis/ppa, tb/..., the study), and
// codesign::all_config_keys() assembles them in the order that resolved configs are written in.
#pragma once

#include <iosfwd>
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
    const std::vector<ParamSpec>& params() const { return params_; }
    const ParamSpec* find(const std::string& key) const;
    // The declared key closest to `key` by edit distance, for "did you mean" hints.
    std::string closest(const std::string& key) const;
    // Whether any key of [section] is declared.
    bool declares_section(const std::string& section) const;

    void add(ParamSpec spec);

  private:
    std::vector<ParamSpec> params_;
};

// Builders of one key's spec, for the declare_*_keys functions. Ranges are SI; `def` is TOML text.
namespace keys {
inline constexpr double kInf = std::numeric_limits<double>::infinity();
ParamSpec real(std::string key, units::Dimension dim, std::string def, double lo, double hi,
               std::string what);
ParamSpec integer(std::string key, std::string def, double lo, double hi, std::string what);
ParamSpec flag(std::string key, std::string def, std::string what);
// The first choice is the default.
ParamSpec choice(std::string key, std::vector<std::string> choices, std::string what);
ParamSpec text(std::string key, std::string def, std::string what);
ParamSpec list(std::string key, units::Dimension dim, std::string def, double lo, std::string what);
}  // namespace keys

// `pixforge config --describe`: every key of `schema` with its type, default, range and meaning.
void describe_schema(const ConfigSchema& schema, std::ostream& out);

}  // namespace pixforge
