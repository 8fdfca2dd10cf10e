// The space a study searches. Every parameter owns one coordinate u in [0,1] of a point, so
// generic samplers (Sobol, NSGA-II, local search) work on the unit cube; the space decodes u
// into values, snaps discrete ones to the centre of their cell (equal designs, equal points),
// and encodes points as GP features (one-hot for categories, 0 for inactive parameters).
//
// In a run config (TOML), one table per parameter under [space]:
//   [space.layers]       kind = "integer",     min = 1, max = 3
//   [space.width_2]      kind = "ordinal",     values = [4, 8, 16], when = { layers = [2, 3] }
//   [space.lr]           kind = "continuous",  min = 1e-4, max = 1e-1, log = true
//   [space.template]     kind = "categorical", choices = ["parallel", "folded"]
// `when` makes a parameter conditional: active only while the named earlier parameter takes
// one of the listed values. Errors are SPACE-xxx with the file, line and parameter.
#pragma once

#include <Eigen/Dense>
#include <string>
#include <vector>

namespace pixforge::optimizer {

enum class ParamKind { Continuous, Integer, Ordinal, Categorical };

struct Parameter {
    std::string name;
    ParamKind kind = ParamKind::Continuous;
    double low = 0, high = 1;                // continuous and integer
    bool log = false;                        // continuous and integer
    std::vector<double> values;              // ordinal
    std::vector<std::string> choices;        // categorical
    int parent = -1;                         // index of the parameter this one depends on, or -1
    std::vector<std::string> parent_values;  // active when the parent's value text is one of these
};

class DesignSpace {
  public:
    // Parses the [space] tables of a TOML document; `source` names it in errors.
    static DesignSpace from_toml(const std::string& toml_text, const std::string& source);
    // d continuous parameters x0..x{d-1} in [0,1] (benchmark problems).
    static DesignSpace unit_cube(int d);

    void add(Parameter p);
    size_t size() const { return params_.size(); }
    const Parameter& operator[](size_t i) const { return params_[i]; }

    // Canonical point: discrete coordinates at their cell centres, inactive ones at 0.5.
    std::vector<double> snap(const std::vector<double>& u) const;
    bool active(size_t i, const std::vector<double>& u) const;
    double numeric_value(size_t i, const std::vector<double>& u) const;  // category: its index
    std::string value_text(size_t i, const std::vector<double>& u) const;
    std::string describe(const std::vector<double>& u) const;  // "a=1, b=folded"

    Eigen::Index feature_size() const;
    Eigen::VectorXd features(const std::vector<double>& u) const;
    // Which coordinates take continuous steps in local search.
    bool is_continuous(size_t i) const { return params_[i].kind == ParamKind::Continuous; }
    // Number of discrete cells of parameter i (0 for continuous).
    int cells(size_t i) const;

  private:
    std::vector<Parameter> params_;
};

}  // namespace pixforge::optimizer
