// What a co-design study minimizes and what it holds within limits, from [codesign]:
//   objectives = "energy_fwhm_eV area_um2 pixel_power_uW latency_ns"   (the default)
//   limits     = "toa_sigma_ns<=2 pileup_auc>=0.9"                       (default: none)
// Any figure of a trial's metrics (metric_columns(): chain metrics such as energy_fwhm_eV,
// toa_sigma_ns, pileup_auc, output_rate_per_s, lost_events, latency_ns; PPA metrics such as
// area_um2, pixel_power_uW, power_uW, energy_per_inference_pJ, smallest_pitch_um) may be either;
// "max:pileup_auc" maximizes (the journal holds it negated, as "neg_pileup_auc"). The optimizer
// uses EHVI for up to three objectives and ParEGO beyond.
//
// Constraints (feasible when <= 0): the pixel's budget and the chain's, always
//   area_over_budget_um2, power_over_budget_uW (docs/pixel_budget.md), negative_slack_ns, lost_events
// then one per limit ("limit_<figure>": figure - bound for <=, bound - figure for >=).
// Under theory guidance area_um2 becomes parameter_bits and pixel_power_uW / power_uW become bops;
// other synthesis figures cannot be objectives or limits there (CFG-009), and the budgets count 0.
#pragma once

#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/config_schema.hpp"
#include "optimizer/codesign/trial_metrics.hpp"
#include "optimizer/problems.hpp"

namespace pixforge::codesign {

enum class Guidance { Synthesis, Theory };

class StudyObjectives {
  public:
    StudyObjectives() = default;
    // CFG-009 names codesign.objectives or codesign.limits and the token it cannot use.
    static StudyObjectives from_config(const Config& config, Guidance guidance);

    std::vector<std::string> objective_names() const;
    std::vector<std::string> constraint_names() const;
    // Whether an objective or a limit reads `figure`.
    bool reads(const std::string& figure) const;
    // The network heads no objective or limit reads, switched off ("network.head_toa=false"), so
    // that the network spends its training and its silicon on what the study measures; none when
    // no head's figure is read (a study of area alone keeps the configured heads).
    std::vector<std::string> unread_head_overrides() const;
    // The heads whose figures (accuracy or latency) an objective or a limit reads.
    std::vector<std::string> read_heads() const;
    // The finished trial's objectives and constraints. std::runtime_error naming a figure the
    // trial does not have (an energy-only filter has no toa_sigma_ns).
    optimizer::Evaluation evaluate(const TrialMetrics& m) const;

  private:
    struct Objective {
        std::string figure;  // after the theory mapping
        bool maximize = false;
    };
    struct Limit {
        std::string figure;
        bool at_most = true;
        double bound = 0;
    };
    Guidance guidance_ = Guidance::Synthesis;
    std::vector<Objective> objectives_;
    std::vector<Limit> limits_;
};

void declare_objective_keys(ConfigSchema& schema);

}  // namespace pixforge::codesign
