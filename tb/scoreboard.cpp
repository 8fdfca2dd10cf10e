#include "tb/scoreboard.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace pixforge::tb {

ChainMetrics score_chain(const ChainRun& run, const models::PixelChain& chain) {
    ChainMetrics m;
    const auto& p = chain.params();
    m.lines_eV = p.test_spectrum.lines_eV;
    const double window_s = p.trigger.window * chain.sample_period();
    const double pileup_window = p.labels.pileup_window_s;
    std::vector<double> t0(run.truth.size());
    for (size_t i = 0; i < t0.size(); ++i) t0[i] = run.truth[i].t0_s;

    std::vector<std::vector<double>> per_line(m.lines_eV.size());
    std::vector<double> residuals, scores, latencies;
    std::vector<bool> labels;
    for (const sc::PulseResult& r : run.results) {
        ScoredEvent e;
        e.latency_s = r.result_s - r.trigger_s;
        latencies.push_back(e.latency_s);
        const auto after = std::upper_bound(t0.begin(), t0.end(), r.trigger_s);
        if (after == t0.begin() || *(after - 1) < r.start_s - window_s) {
            ++m.unmatched;  // a noise trigger: no arrival near the window
            m.events.push_back(e);
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
        if (truth.line_index >= 0 && static_cast<size_t>(truth.line_index) < per_line.size())
            per_line[static_cast<size_t>(truth.line_index)].push_back(r.estimate.energy_eV);
        // An estimator without a time (an energy-only filter) has none to score: not measured, never 0.
        if (!e.pileup && e.n_pulses == 1 && std::isfinite(r.estimate.time_s))
            residuals.push_back(r.estimate.time_s - (tp - r.start_s));
        scores.push_back(r.estimate.pileup_score);
        labels.push_back(e.pileup);
        m.events.push_back(e);
    }
    for (size_t l = 0; l < per_line.size(); ++l)
        m.lines.push_back(datasets::energy_line_metrics(per_line[l], m.lines_eV[l]));
    datasets::refer_to_input_energy(m.lines);
    m.timing = datasets::timing_metrics(residuals);
    m.pileup = datasets::pileup_metrics(scores, labels);
    m.pulses = run.truth.size();
    m.triggers = run.triggers;
    m.delivered = run.results.size();
    m.lost_busy = run.lost_busy;
    m.lost_fifo = run.lost_fifo;
    if (run.duration_s > 0) {
        m.input_rate = static_cast<double>(m.pulses) / run.duration_s;
        m.trigger_rate = static_cast<double>(m.triggers) / run.duration_s;
        m.output_rate = static_cast<double>(m.delivered) / run.duration_s;
        m.dead_fraction = run.dead_s / run.duration_s;
    }
    if (!latencies.empty()) {
        std::sort(latencies.begin(), latencies.end());
        m.latency_min_s = latencies.front();
        m.latency_max_s = latencies.back();
        m.latency_p99_s = latencies[static_cast<size_t>(0.99 * static_cast<double>(latencies.size() - 1))];
        m.latency_mean_s =
            std::accumulate(latencies.begin(), latencies.end(), 0.0) / static_cast<double>(latencies.size());
    }
    return m;
}

}  // namespace pixforge::tb
