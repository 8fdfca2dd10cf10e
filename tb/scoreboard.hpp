// Scores a chain run: matches every delivered result to the truth by time (its primary pulse is
// the last arrival at or before the trigger sample, as the dataset labels are made) and computes
// the figures of notes/physics.md section 10.3 on the chain's own output: energy FWHM per line,
// ToA sigma on single pulses, pile-up ROC, plus what only a full chain shows: output against
// input rate, dead-time fraction, losses (processor busy, FIFO full) and latency.
#pragma once

#include <vector>

#include "datasets/metrics.hpp"
#include "tb/chain_samples.hpp"
#include "tb/chain_testbench.hpp"

namespace pixforge::tb {

struct ScoredEvent {
    int primary = -1;  // index into ChainRun::truth, -1 for a trigger without a pulse
    bool pileup = false;
    int n_pulses = 0;              // arrivals inside the window
    double latency_s = 0;          // result - trigger sample
    double pulse_to_result_s = 0;  // result - primary arrival
};

struct ChainMetrics {
    std::vector<double> lines_eV;
    std::vector<datasets::EnergyLineMetrics> lines;
    datasets::TimingMetrics timing;
    datasets::PileupMetrics pileup;
    double input_rate = 0, trigger_rate = 0, output_rate = 0;  // per second
    double dead_fraction = 0;
    std::uint64_t pulses = 0, triggers = 0, delivered = 0, lost_busy = 0, lost_fifo = 0, unmatched = 0;
    double latency_mean_s = 0, latency_min_s = 0, latency_max_s = 0, latency_p99_s = 0;
    std::vector<ScoredEvent> events;  // one per delivered result (empty for pooled samples)
};

// Matches every result to the truth; `events`, when given, gets one ScoredEvent per result.
ChainSamples sample_chain(const ChainRun& run, const models::PixelChain& chain,
                          std::vector<ScoredEvent>* events = nullptr);

// The figures of (possibly pooled) samples.
ChainMetrics metrics_of(const ChainSamples& samples);

// metrics_of(sample_chain(run, chain)), with the scored events.
ChainMetrics score_chain(const ChainRun& run, const models::PixelChain& chain);

}  // namespace pixforge::tb
