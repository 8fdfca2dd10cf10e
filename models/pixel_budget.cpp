#include "models/pixel_budget.hpp"

#include <algorithm>
#include <cmath>

namespace pixforge::models {

PixelBudget PixelBudget::from_config(const Config& c) {
    PixelBudget b;
    b.pitch_m = c.real("sensor.pitch");
    b.digital_fraction = c.real("pixel.digital_fraction");
    b.power_density_W_per_m2 = c.real("pixel.power_density");
    b.frontend_W = c.real("pixel.frontend_power");
    b.adc_fom_J = c.real("pixel.adc_fom");
    return b;
}

double PixelBudget::adc_power_W(const AdcParams& adc) const {
    return adc_fom_J * std::ldexp(1.0, adc.bits) * adc.sampling_rate_Hz;
}

PixelFit fit_pixel(const PixelBudget& budget, const AdcParams& adc, double digital_area_um2,
                   double digital_W) {
    PixelFit f;
    f.digital_area_um2 = digital_area_um2;
    f.digital_W = digital_W;
    f.adc_W = budget.adc_power_W(adc);
    f.frontend_W = budget.frontend_W;
    f.area_over_um2 = digital_area_um2 - budget.digital_area_um2();
    f.power_over_W = f.pixel_W() - budget.power_W();
    const double by_area_m2 = digital_area_um2 * 1e-12 / budget.digital_fraction;
    const double by_power_m2 = f.pixel_W() / budget.power_density_W_per_m2;
    f.smallest_pitch_m = std::sqrt(std::max(by_area_m2, by_power_m2));
    return f;
}

void declare_pixel_keys(ConfigSchema& s) {
    using namespace keys;
    using units::Dimension;
    s.add(real("pixel.digital_fraction", Dimension::Dimensionless, "0.5", 1e-3, 1,
               "share of the pixel's area (sensor.pitch^2) for its digital block; half is a generous "
               "planning figure for a counting or spectroscopic pixel"));
    s.add(real("pixel.power_density", Dimension::PowerDensity, "\"0.5W/cm2\"", 1e-3, 1e6,
               "power per area the detector module can cool; the pixel's budget is this x pitch^2 "
               "(Medipix4: 0.45-0.56 W/cm2)"));
    s.add(real("pixel.frontend_power", Dimension::Power, "\"20uW\"", 0, 1,
               "the analog front end per pixel (charge amplifier, shaper, comparator)"));
    s.add(real("pixel.adc_fom", Dimension::Energy, "\"10fJ\"", 1e-18, 1e-9,
               "Walden figure of merit of the pixel's ADC, energy per conversion step: "
               "P = fom x 2^adc.bits x adc.sampling_rate (good low-power SAR ADCs: 1-50 fJ)"));
}

}  // namespace pixforge::models
