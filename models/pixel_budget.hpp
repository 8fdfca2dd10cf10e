// What one pixel may spend, and whether a design fits it (docs/pixel_budget.md).
//
// The pixel's footprint is pitch^2 (the sensor's pitch: the readout pixel sits under the sensor
// pixel). Its digital logic may take `digital_fraction` of it; the rest is the analog front end,
// the ADC, the bump pad and routing. Its power is what the module's cooling removes per area
// (`power_density`) times the footprint, shared by the analog front end (a fixed power), the ADC
// (Walden: P = FOM x 2^bits x f_s) and the digital block (synthesized, at the scenario's rate).
//
// For a design of digital area A and power P_d the smallest pitch it fits is
//   max( sqrt(A / digital_fraction), sqrt((P_frontend + P_adc + P_d) / power_density) ),
// with the same rate per pixel (a smaller pixel under the same flux sees fewer photons: the
// study's rate is per pixel).
#pragma once

#include "core/config.hpp"
#include "core/config_schema.hpp"
#include "models/chain_params.hpp"

namespace pixforge::models {

struct PixelBudget {
    double pitch_m = 250e-6;
    double digital_fraction = 0.5;
    double power_density_W_per_m2 = 5000;  // 0.5 W/cm^2
    double frontend_W = 20e-6;
    double adc_fom_J = 10e-15;  // per conversion step

    // [pixel] and sensor.pitch.
    static PixelBudget from_config(const Config& config);

    double area_um2() const { return pitch_m * pitch_m * 1e12; }
    double digital_area_um2() const { return digital_fraction * area_um2(); }
    double power_W() const { return power_density_W_per_m2 * pitch_m * pitch_m; }
    double adc_power_W(const AdcParams& adc) const;
};

// One design held against the budget: a positive `over` figure is by how much it breaks it.
struct PixelFit {
    double digital_area_um2 = 0, digital_W = 0, adc_W = 0, frontend_W = 0;
    double area_over_um2 = 0, power_over_W = 0;
    double smallest_pitch_m = 0;
    double pixel_W() const { return frontend_W + adc_W + digital_W; }
    bool fits() const { return area_over_um2 <= 0 && power_over_W <= 0; }
};

PixelFit fit_pixel(const PixelBudget& budget, const AdcParams& adc, double digital_area_um2,
                   double digital_W);

// [pixel]: the budget's keys.
void declare_pixel_keys(ConfigSchema& schema);

}  // namespace pixforge::models
