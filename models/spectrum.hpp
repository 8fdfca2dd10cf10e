// Photon (or particle) energy spectra: monochromatic lines with intensities, a uniform range, a
// user histogram, or Landau-like energy loss of minimum-ionizing particles.
#pragma once

#include <vector>

#include "core/random.hpp"
#include "models/chain_params.hpp"

namespace pixforge::models {

struct SampledEnergy {
    double energy_eV;
    int line_index;  // index into the line list for line spectra, else -1
};

class EnergySpectrum {
  public:
    explicit EnergySpectrum(SpectrumParams params);
    SampledEnergy sample(Rng& rng) const;
    const SpectrumParams& params() const { return params_; }

  private:
    int pick(const std::vector<double>& cumulative, Rng& rng) const;

    SpectrumParams params_;
    std::vector<double> cumulative_;  // normalized cumulative weights (lines or table bins)
};

}  // namespace pixforge::models
