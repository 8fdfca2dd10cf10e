// What one co-design trial measured, as a typed record: written as STUDY/trials/<id>/metrics.json
// (docs/study_schema.md) by the trial, read by the study's progress, rate sweep, theory check and
// report. Each stage fills its part; a stage that never ran leaves its figures unset (absent from
// the JSON), and a figure that was not fitted is NaN (null in the JSON).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pixforge::codesign {

struct TrialMetrics {
    std::int64_t id = 0;
    std::string design;  // "hidden_width=8, template=folded, ..."
    std::optional<std::string> template_name;
    // a network of the front retrained with another training seed: the trial and the seed
    std::optional<std::int64_t> retrain_of, training_seed;
    // train: the network and its theory proxies
    std::optional<std::string> network, network_hash;
    std::optional<std::int64_t> macs, bops, parameter_bits;
    // rtl: the build and its check against the integer reference
    std::optional<std::int64_t> rtl_check_windows, latency_cycles, initiation_interval;
    std::optional<std::string> rtl_hash;
    // per task: when the network computing it has its result, its template's latency x the clock
    // (window templates: from the complete window; streaming: from the window's first sample, as
    // it works during the capture). The block releases every result together, with its slowest
    // network's (latency_cycles): an early result would need an output of its own.
    std::optional<double> energy_latency_ns, toa_latency_ns, pileup_latency_ns;
    // synthesis (absent under theory guidance)
    std::optional<double> area_um2, critical_path_ns, worst_slack_ns, max_clock_MHz, power_uW, clock_power_uW,
        energy_per_inference_pJ;
    std::optional<std::int64_t> cells, flip_flops;
    std::optional<std::string> netlist;
    // the block in its pixel (models::PixelBudget): front end + ADC + digital, what is over the
    // budget (negative: the margin), the smallest pitch the design fits
    std::optional<double> adc_power_uW, pixel_power_uW, area_over_budget_um2, power_over_budget_uW,
        smallest_pitch_um;
    // simulate: the full chain
    std::optional<double> energy_fwhm_eV;  // the objective: an unfitted line counts 100 %
    std::optional<bool> energy_fwhm_fitted;
    std::optional<std::vector<double>> fwhm_per_line_eV;
    std::optional<double> toa_sigma_ns, pileup_auc, pileup_tpr_at_1pct_fpr, latency_ns, output_rate_per_s,
        dead_fraction;
    std::optional<std::uint64_t> lost_events;
    // the outcome
    std::optional<std::string> failed_stage, error;
    std::map<std::string, double> seconds;  // per stage
    std::optional<std::vector<double>> objectives, constraints;

    bool finished() const { return objectives && constraints; }
    // A figure by its metrics.json key (metric_columns()); NaN when unset or not fitted.
    double figure(const std::string& name) const;
    bool feasible() const;  // finished with every constraint <= 0

    nlohmann::json to_json() const;
    // STUDY-011 names `where` and the key when a key holds another type than pixforge writes.
    static TrialMetrics from_json(const nlohmann::json& j, const std::string& where);
};

// The figures of a trial that a report tabulates and a study can take as objectives or limits:
// name (the metrics.json key), unit, and how to read it.
struct MetricColumn {
    const char* key;
    const char* unit;
    std::function<double(const TrialMetrics&)> of;
};
const std::vector<MetricColumn>& metric_columns();

}  // namespace pixforge::codesign
