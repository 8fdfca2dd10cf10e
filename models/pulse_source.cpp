#include "models/pulse_source.hpp"

#include <cmath>

namespace pixforge::models {

PulseSource::PulseSource(const PixelChain& chain, const EnergySpectrum& spectrum, double rate_per_s, Rng rng)
    : chain_(chain), spectrum_(spectrum), rate_(rate_per_s), rng_(rng) {}

Pulse PulseSource::next() {
    now_ += rng_.exponential(rate_);
    Pulse p;
    p.t0_s = now_;
    if (!chain_.params().adc.random_phase) {
        // Photons locked to the ADC clock: every pulse starts exactly on a sample.
        const double ts = chain_.sample_period();
        p.t0_s = std::ceil(now_ / ts) * ts;
    }
    const SampledEnergy e = spectrum_.sample(rng_);
    p.line_index = e.line_index;
    p.deposit = chain_.sensor().deposit(e.energy_eV, rng_);
    return p;
}

}  // namespace pixforge::models
