#include "models/stream_generator.hpp"

#include <cmath>
#include <deque>

namespace pixforge::models {

void generate_stream(const PixelChain& chain, const EnergySpectrum& spectrum, double rate_per_s,
                     double duration_s, Rng rng, std::size_t chunk_samples,
                     const std::function<void(const StreamChunk&)>& sink) {
    PulseSource source(chain, spectrum, rate_per_s, Rng(rng.next(), "stream.arrivals"));
    NoiseModel::Stream noise = chain.noise().stream(rng);
    const double period = chain.sample_period();
    const double reach = chain.frontend().length() + chain.sensor().max_drift_time();
    const double jitter = chain.params().adc.jitter_s;
    const double eps = chain.sensor().pair_energy_eV();
    const auto total = static_cast<std::size_t>(std::floor(duration_s / period + 1e-6));
    std::deque<Pulse> ringing;
    Pulse upcoming = source.next();
    StreamChunk chunk;
    for (std::size_t k = 0; k < total; ++k) {
        const double t = static_cast<double>(k) * period;
        while (upcoming.t0_s <= t) {
            chunk.t0_s.push_back(upcoming.t0_s);
            chunk.energy_eV.push_back(upcoming.deposit.energy_eV);
            chunk.collected_eV.push_back(upcoming.deposit.collected_e * eps);
            ringing.push_back(upcoming);
            upcoming = source.next();
        }
        while (!ringing.empty() && t - ringing.front().t0_s > reach) ringing.pop_front();
        const double ts = jitter > 0 ? t + jitter * rng.normal() : t;
        double signal = chain.params().adc.baseline_e + noise.next(rng);
        for (const Pulse& p : ringing)
            signal += pulse_response(chain.frontend(), p.deposit.current, ts - p.t0_s);
        chunk.adc.push_back(chain.adc().convert(signal));
        if (chunk.adc.size() == chunk_samples || k + 1 == total) {
            sink(chunk);
            chunk = StreamChunk();
        }
    }
}

}  // namespace pixforge::models
