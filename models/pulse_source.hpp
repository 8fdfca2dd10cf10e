// Poisson arrivals of photons at the configured rate, each with an energy from the spectrum and
// its sensor deposit. Pile-up arises from these arrivals alone, never from a flag.
#pragma once

#include "core/random.hpp"
#include "models/pixel_chain.hpp"
#include "models/spectrum.hpp"

namespace pixforge::models {

struct Pulse {
    double t0_s = 0;  // interaction time
    int line_index = -1;
    Deposit deposit;
};

class PulseSource {
  public:
    PulseSource(const PixelChain& chain, const EnergySpectrum& spectrum, double rate_per_s, Rng rng);
    Pulse next();

  private:
    const PixelChain& chain_;
    const EnergySpectrum& spectrum_;
    double rate_;
    Rng rng_;
    double now_ = 0;
};

}  // namespace pixforge::models
