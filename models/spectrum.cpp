#include "models/spectrum.hpp"

#include <algorithm>
#include <cmath>

namespace pixforge::models {

EnergySpectrum::EnergySpectrum(SpectrumParams params) : params_(std::move(params)) {
    const auto& weights =
        params_.kind == SpectrumParams::Kind::Lines ? params_.intensities : params_.table_weights;
    double sum = 0;
    for (double w : weights) cumulative_.push_back(sum += w);
    for (double& c : cumulative_) c /= sum > 0 ? sum : 1;
}

int EnergySpectrum::pick(const std::vector<double>& cumulative, Rng& rng) const {
    const double u = rng.uniform();
    const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), u);
    return static_cast<int>(std::min<std::ptrdiff_t>(it - cumulative.begin(), cumulative.size() - 1));
}

SampledEnergy EnergySpectrum::sample(Rng& rng) const {
    switch (params_.kind) {
        case SpectrumParams::Kind::Uniform:
            return {params_.min_eV + (params_.max_eV - params_.min_eV) * rng.uniform(), -1};
        case SpectrumParams::Kind::Lines: {
            const int i = pick(cumulative_, rng);
            return {params_.lines_eV[static_cast<size_t>(i)], i};
        }
        case SpectrumParams::Kind::Table: {
            const auto i = static_cast<size_t>(pick(cumulative_, rng));
            const double lo = params_.table_edges_eV[i], hi = params_.table_edges_eV[i + 1];
            return {lo + (hi - lo) * rng.uniform(), -1};
        }
        case SpectrumParams::Kind::Landau: {
            // Moyal approximation of the Landau distribution: lambda = -ln(Z^2), Z standard normal,
            // mode at lambda = 0. Tails beyond 30 MPV (delta electrons leaving the pixel) are cut.
            for (;;) {
                const double z = rng.normal();
                const double lambda = -std::log(z * z);
                const double e = params_.landau_mpv_eV + params_.landau_width_eV * lambda;
                if (e > 0.05 * params_.landau_mpv_eV && e < 30 * params_.landau_mpv_eV) return {e, -1};
            }
        }
    }
    return {0, -1};
}

}  // namespace pixforge::models
