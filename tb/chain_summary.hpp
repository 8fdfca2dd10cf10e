// The result of one full-chain run as a typed record: what `pixforge simulate --json` prints, what
// the isolated runner hands back, what a trial, validate, a rate sweep and the study's classical
// baseline read. One rule for the mean FWHM (datasets::line_resolution) and one for lost events
// live here. JSON keys and units are those of docs/chain.md; a figure that was not fitted is null
// in JSON and NaN here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "datasets/metrics.hpp"

namespace pixforge::tb {

struct ChainSamples;
struct ChainMetrics;

using Identity = std::map<std::string, std::string>;  // network hash, template, library, ...

struct ChainSummary {
    std::string processor;
    std::uint64_t pulses = 0, triggers = 0, delivered = 0, lost_busy = 0, lost_fifo = 0;
    std::uint64_t unmatched_triggers = 0, fifo_max_occupancy = 0;
    double duration_s = 0;
    double input_rate_per_s = 0, trigger_rate_per_s = 0, output_rate_per_s = 0, dead_fraction = 0;
    std::vector<datasets::EnergyLineMetrics> lines;  // line_eV, entries, fitted, fwhm, error, bias
    datasets::TimingMetrics timing;                  // entries, fitted, sigma, error
    datasets::PileupMetrics pileup;                  // auc, tpr_at_1pct_fpr
    double latency_mean_s = 0, latency_min_s = 0, latency_max_s = 0, latency_p99_s = 0;
    std::uint64_t adc_samples = 0, cycles_simulated = 0, cycles_covered = 0;
    double wall_s = 0;
    Identity identity;

    // `samples` gives the run's counters and wall time, `metrics` the figures computed from them.
    static ChainSummary of(const ChainSamples& samples, const ChainMetrics& metrics, Identity identity = {});

    // Events the pixel lost: the processor was busy, or the output FIFO was full.
    std::uint64_t lost_events() const { return lost_busy + lost_fifo; }
    // Mean FWHM over lines, the unfitted rule and the optimizer's penalised objective.
    datasets::LineResolution resolution() const { return datasets::line_resolution(lines); }

    nlohmann::json to_json() const;
    // A figure by its JSON key (a number of to_json(): energy_fwhm_mean_eV, toa_sigma_s, pileup_auc,
    // ...), NaN when not fitted; nullopt when no figure has that key.
    std::optional<double> figure(const std::string& key) const;
    static std::vector<std::string> figure_names();
    // SIM-008 names `where` and the key when `j` is not a summary pixforge wrote.
    static ChainSummary from_json(const nlohmann::json& j, const std::string& where);
};

}  // namespace pixforge::tb
