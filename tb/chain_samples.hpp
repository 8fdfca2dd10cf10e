// What a chain run's figures are computed from once each result is matched to the truth: the
// energy estimates per test line, the ToA residuals of single pulses, the pile-up scores and their
// labels, the latencies, and the run's counters. Sub-streams of one regression job (independent runs
// with derived seeds) pool exactly by appending their samples in sub-stream order, so the figures of a
// job do not depend on how its sub-streams were spread over processes or ranks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pixforge::tb {

struct ChainSamples {
    std::string processor;
    std::vector<double> lines_eV;                       // the test spectrum's lines
    std::vector<std::vector<double>> line_energies_eV;  // per line: the estimates of its pulses
    std::vector<double> energies_eV;                    // every delivered result's estimate
    std::vector<double> toa_residuals_s;                // single pulses with a time estimate
    std::vector<double> pileup_scores;                  // matched results (NaN: not measured)
    std::vector<std::uint8_t> pileup_labels;            // 1: the primary had a neighbour
    std::vector<double> latencies_s;                    // trigger sample -> result, every result
    std::uint64_t pulses = 0, triggers = 0, delivered = 0, lost_busy = 0, lost_fifo = 0, unmatched = 0;
    std::uint64_t fifo_max_occupancy = 0, adc_samples = 0, cycles_simulated = 0, cycles_covered = 0;
    double duration_s = 0, dead_s = 0, wall_s = 0;

    // Pools `later` after these samples (a later sub-stream of the same job). The test lines must be
    // the same: std::invalid_argument otherwise.
    void append(const ChainSamples& later);

    nlohmann::json to_json() const;
    // SIM-010 names `where` and the key when `j` is not a sample record pixforge wrote.
    static ChainSamples from_json(const nlohmann::json& j, const std::string& where);
};

}  // namespace pixforge::tb
