#include "tb/scoreboard.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace pixforge::tb {

ChainSamples sample_chain(const ChainRun& run, const models::PixelChain& chain,
                          std::vector<ScoredEvent>* events) {
    ChainSamples s;
    const auto& p = chain.params();
    s.processor = run.processor;
    s.lines_eV = p.test_spectrum.lines_eV;
    s.line_energies_eV.resize(s.lines_eV.size());
    const double window_s = p.trigger.window * chain.sample_period();
    const double pileup_window = p.labels.pileup_window_s;
    std::vector<double> t0(run.truth.size());
    for (size_t i = 0; i < t0.size(); ++i) t0[i] = run.truth[i].t0_s;

    for (const sc::PulseResult& r : run.results) {
        ScoredEvent e;
        e.latency_s = r.result_s - r.trigger_s;
        s.latencies_s.push_back(e.latency_s);
        s.energies_eV.push_back(r.estimate.energy_eV);
        const auto after = std::upper_bound(t0.begin(), t0.end(), r.trigger_s);
        if (after == t0.begin() || *(after - 1) < r.start_s - window_s) {
            ++s.unmatched;  // a noise trigger: no arrival near the window
            if (events) events->push_back(e);
            continue;
        }
        const size_t primary = static_cast<size_t>(after - t0.begin()) - 1;
        e.primary = static_cast<int>(primary);
        const double tp = t0[primary];
        e.pulse_to_result_s = r.result_s - tp;
        const auto lo = std::lower_bound(t0.begin(), t0.end(), tp - pileup_window);
        const auto hi = std::upper_bound(t0.begin(), t0.end(), tp + pileup_window);
        e.pileup = (hi - lo) > 1;
        e.n_pulses = static_cast<int>(std::lower_bound(t0.begin(), t0.end(), r.start_s + window_s) -
                                      std::lower_bound(t0.begin(), t0.end(), r.start_s));
        const TruthPulse& truth = run.truth[primary];
        if (truth.line_index >= 0 && static_cast<size_t>(truth.line_index) < s.line_energies_eV.size())
            s.line_energies_eV[static_cast<size_t>(truth.line_index)].push_back(r.estimate.energy_eV);
        // An estimator without a time (an energy-only filter) has none to score: not measured, never 0.
        if (!e.pileup && e.n_pulses == 1 && std::isfinite(r.estimate.time_s))
            s.toa_residuals_s.push_back(r.estimate.time_s - (tp - r.start_s));
        s.pileup_scores.push_back(r.estimate.pileup_score);
        s.pileup_labels.push_back(e.pileup ? 1 : 0);
        if (events) events->push_back(e);
    }
    s.pulses = run.truth.size();
    s.triggers = run.triggers;
    s.delivered = run.results.size();
    s.lost_busy = run.lost_busy;
    s.lost_fifo = run.lost_fifo;
    s.fifo_max_occupancy = run.fifo_max_occupancy;
    s.adc_samples = run.adc_samples;
    s.cycles_simulated = run.cycles_simulated;
    s.cycles_covered = run.cycles_covered;
    s.duration_s = run.duration_s;
    s.dead_s = run.dead_s;
    s.wall_s = run.wall_s;
    return s;
}

ChainMetrics metrics_of(const ChainSamples& s) {
    ChainMetrics m;
    m.lines_eV = s.lines_eV;
    for (size_t l = 0; l < s.lines_eV.size(); ++l)
        m.lines.push_back(datasets::energy_line_metrics(s.line_energies_eV[l], s.lines_eV[l]));
    datasets::refer_to_input_energy(m.lines);
    m.timing = datasets::timing_metrics(s.toa_residuals_s);
    m.pileup = datasets::pileup_metrics(s.pileup_scores,
                                        std::vector<bool>(s.pileup_labels.begin(), s.pileup_labels.end()));
    m.pulses = s.pulses;
    m.triggers = s.triggers;
    m.delivered = s.delivered;
    m.lost_busy = s.lost_busy;
    m.lost_fifo = s.lost_fifo;
    m.unmatched = s.unmatched;
    if (s.duration_s > 0) {
        m.input_rate = static_cast<double>(m.pulses) / s.duration_s;
        m.trigger_rate = static_cast<double>(m.triggers) / s.duration_s;
        m.output_rate = static_cast<double>(m.delivered) / s.duration_s;
        m.dead_fraction = s.dead_s / s.duration_s;
    }
    if (s.latencies_s.empty())  // no result: no latency, never 0
        m.latency_mean_s = m.latency_min_s = m.latency_max_s = m.latency_p99_s =
            std::numeric_limits<double>::quiet_NaN();
    else {
        std::vector<double> latencies = s.latencies_s;
        std::sort(latencies.begin(), latencies.end());
        m.latency_min_s = latencies.front();
        m.latency_max_s = latencies.back();
        m.latency_p99_s = latencies[static_cast<size_t>(0.99 * static_cast<double>(latencies.size() - 1))];
        m.latency_mean_s =
            std::accumulate(latencies.begin(), latencies.end(), 0.0) / static_cast<double>(latencies.size());
    }
    return m;
}

ChainMetrics score_chain(const ChainRun& run, const models::PixelChain& chain) {
    std::vector<ScoredEvent> events;
    ChainMetrics m = metrics_of(sample_chain(run, chain, &events));
    m.events = std::move(events);
    return m;
}

}  // namespace pixforge::tb
