#include "models/sensor.hpp"

#include <algorithm>
#include <cmath>

#include "core/units.hpp"

namespace pixforge::models {

SensorModel::SensorModel(const SensorParams& params) : params_(params) {
    field_V_m_ = params.bias_V / params.thickness_m;
    const Material& m = params.material;
    mobility_collected_ = params.collect_holes ? m.mobility_h_m2Vs : m.mobility_e_m2Vs;
    mobility_other_ = params.collect_holes ? m.mobility_e_m2Vs : m.mobility_h_m2Vs;
    mu_tau_collected_ = params.collect_holes ? m.mu_tau_h_m2V : m.mu_tau_e_m2V;
    mu_tau_other_ = params.collect_holes ? m.mu_tau_e_m2V : m.mu_tau_h_m2V;
    velocity_collected_ = mobility_collected_ * field_V_m_;
    velocity_other_ = mobility_other_ * field_V_m_;
}

double SensorModel::max_drift_time() const {
    return params_.rectangular_current ? params_.thickness_m / std::min(velocity_collected_, velocity_other_)
                                       : 0.0;
}

double SensorModel::sample_depth(double energy_eV, Rng& rng) const {
    const double d = params_.thickness_m;
    if (params_.attenuation_length_m <= 0) return 0.0;
    // Photoelectric absorption: attenuation length ~ E^3. Conditioned on absorption in the sensor.
    const double ratio = energy_eV / params_.attenuation_energy_eV;
    const double lambda = params_.attenuation_length_m * ratio * ratio * ratio;
    const double u = rng.uniform();
    return std::min(d, -lambda * std::log1p(-u * (-std::expm1(-d / lambda))));
}

double SensorModel::sharing_fraction(double drift_time_s, double mobility, Rng& rng) const {
    // Einstein relation D = (kT/q) mu; cloud width sigma = sqrt(2 D t) at the pixel.
    const double diffusion = units::kBoltzmann * params_.temperature_K / units::kElementaryCharge * mobility;
    const double sigma = std::sqrt(2 * diffusion * drift_time_s);
    if (sigma <= 0) return 1.0;
    const double p = params_.pitch_m, s2 = std::sqrt(2.0) * sigma;
    const double x0 = (rng.uniform() - 0.5) * p, y0 = (rng.uniform() - 0.5) * p;
    auto inside = [&](double c) { return 0.5 * (std::erf((p / 2 - c) / s2) + std::erf((p / 2 + c) / s2)); };
    return inside(x0) * inside(y0);
}

Deposit SensorModel::deposit(double energy_eV, Rng& rng) const {
    Deposit dep;
    dep.energy_eV = energy_eV;
    const double eps = params_.material.pair_energy_eV;
    const double mean_pairs = energy_eV / eps;
    const double pairs =
        std::max(0.0, std::round(mean_pairs + std::sqrt(params_.fano * mean_pairs) * rng.normal()));
    const double d = params_.thickness_m;
    dep.depth_m = sample_depth(energy_eV, rng);
    // Collected carrier drifts from the interaction to the pixel; the other one to the back.
    const double path_collected = d - dep.depth_m, path_other = dep.depth_m;
    double fraction_collected = path_collected / d, fraction_other = path_other / d;
    if (params_.trapping) {
        // Hecht: a carrier with trapping length L = mu tau E drifting x induces q (L/d)(1 - e^{-x/L}).
        const double l_c = mu_tau_collected_ * field_V_m_, l_o = mu_tau_other_ * field_V_m_;
        fraction_collected = l_c / d * -std::expm1(-path_collected / l_c);
        fraction_other = l_o / d * -std::expm1(-path_other / l_o);
    }
    const double t_collected = path_collected / velocity_collected_;
    const double share =
        params_.charge_sharing ? sharing_fraction(t_collected, mobility_collected_, rng) : 1.0;
    const double charge = pairs * share;
    const int c = params_.collect_holes ? 1 : 0;  // index 0: electrons, 1: holes
    dep.current.charge_e[c] = charge * fraction_collected;
    dep.current.charge_e[1 - c] = charge * fraction_other;
    if (params_.rectangular_current) {
        dep.current.duration_s[c] = t_collected;
        dep.current.duration_s[1 - c] = path_other / velocity_other_;
    }
    dep.collected_e = dep.current.charge_e[0] + dep.current.charge_e[1];
    return dep;
}

}  // namespace pixforge::models
