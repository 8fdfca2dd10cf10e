// The sensor: converts a deposited energy into the charge the pixel sees and the shape of the
// induced current (Shockley-Ramo, planar approximation, notes/physics.md sections 1.4-1.6).
//
// A photon converts at depth z (Beer-Lambert, measured from the entrance face opposite the
// pixel). N = E/eps pairs with Fano variance F*N. In a planar sensor each carrier induces a
// rectangular current lasting its drift time, carrying charge proportional to the distance it
// drifts; the two rectangles start together at the interaction time. Optional effects: Hecht
// trapping (scales each carrier's induced charge; its exponential current shape is approximated
// by the rectangle) and charge sharing (a Gaussian cloud of width sqrt(2 D t) at a uniform impact
// point loses the part that falls on the neighbours).
#pragma once

#include "core/random.hpp"
#include "models/chain_params.hpp"

namespace pixforge::models {

// Induced current of one interaction: up to two rectangles (electrons, holes) starting at t0.
struct InducedCurrent {
    double charge_e[2] = {0, 0};    // induced charge of each carrier, electrons
    double duration_s[2] = {0, 0};  // its drift time (0: instantaneous)
};

struct Deposit {
    double energy_eV = 0;    // deposited energy
    double collected_e = 0;  // total induced charge, electrons
    double depth_m = 0;      // interaction depth from the entrance face
    InducedCurrent current;
};

class SensorModel {
  public:
    explicit SensorModel(const SensorParams& params);

    Deposit deposit(double energy_eV, Rng& rng) const;
    // Drift time of the carrier collected at the pixel from the entrance face (the longest).
    double max_drift_time() const;
    double pair_energy_eV() const { return params_.material.pair_energy_eV; }
    const SensorParams& params() const { return params_; }

  private:
    double sample_depth(double energy_eV, Rng& rng) const;
    double sharing_fraction(double drift_time_s, double mobility, Rng& rng) const;

    SensorParams params_;
    double field_V_m_;
    double velocity_collected_, velocity_other_;  // m/s
    double mobility_collected_, mobility_other_;
    double mu_tau_collected_, mu_tau_other_;
};

}  // namespace pixforge::models
