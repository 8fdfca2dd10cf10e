#include "models/chain_params.hpp"

#include <fmt/format.h>

namespace pixforge::models {
namespace {

constexpr double kEv = units::kElementaryCharge;

// Training and test spectra share one set of keys under two prefixes.
void add_spectrum(ConfigSchema& s, const std::string& prefix, const std::string& kind,
                  const std::string& lines, const std::string& what) {
    using namespace keys;
    using units::Dimension;
    ParamSpec k = choice(prefix + ".kind", {"uniform", "lines", "table", "landau"},
                         "shape of the " + what + " energy spectrum");
    k.default_text = "\"" + kind + "\"";
    s.add(k);
    s.add(real(prefix + ".min", Dimension::Energy, "\"4keV\"", 1e-19, kInf, "uniform: lowest energy"));
    s.add(real(prefix + ".max", Dimension::Energy, "\"25keV\"", 1e-19, kInf, "uniform: highest energy"));
    s.add(list(prefix + ".lines", Dimension::Energy, lines, 1e-19, "lines: photon energies"));
    s.add(list(prefix + ".intensities", Dimension::Dimensionless, "[]", 0,
               "lines: relative intensities, one per line (empty = equal)"));
    s.add(list(prefix + ".table_energies", Dimension::Energy, "[]", 0,
               "table: bin edges of a user spectrum (n+1 values, increasing)"));
    s.add(list(prefix + ".table_weights", Dimension::Dimensionless, "[]", 0,
               "table: relative weight of each of the n bins"));
    s.add(real(prefix + ".landau_mpv", Dimension::Energy, "\"82keV\"", 1e-19, kInf,
               "landau: most probable deposited energy (MIPs)"));
    s.add(real(prefix + ".landau_width", Dimension::Energy, "\"5.3keV\"", 1e-19, kInf,
               "landau: width parameter xi (FWHM ~ 4 xi)"));
}

SpectrumParams spectrum_from(const Config& c, const std::string& p) {
    SpectrumParams s;
    const std::string& kind = c.text(p + ".kind");
    s.kind = kind == "uniform" ? SpectrumParams::Kind::Uniform
             : kind == "lines" ? SpectrumParams::Kind::Lines
             : kind == "table" ? SpectrumParams::Kind::Table
                               : SpectrumParams::Kind::Landau;
    s.min_eV = c.real(p + ".min") / kEv;
    s.max_eV = c.real(p + ".max") / kEv;
    for (double e : c.reals(p + ".lines")) s.lines_eV.push_back(e / kEv);
    s.intensities = c.reals(p + ".intensities");
    for (double e : c.reals(p + ".table_energies")) s.table_edges_eV.push_back(e / kEv);
    s.table_weights = c.reals(p + ".table_weights");
    s.landau_mpv_eV = c.real(p + ".landau_mpv") / kEv;
    s.landau_width_eV = c.real(p + ".landau_width") / kEv;
    switch (s.kind) {
        case SpectrumParams::Kind::Uniform:
            if (s.max_eV <= s.min_eV) c.reject(p + ".max", "must be above " + p + ".min");
            break;
        case SpectrumParams::Kind::Lines:
            if (s.lines_eV.empty()) c.reject(p + ".lines", "a line spectrum needs at least one line");
            if (!s.intensities.empty() && s.intensities.size() != s.lines_eV.size())
                c.reject(p + ".intensities",
                         fmt::format("needs one value per line ({} lines)", s.lines_eV.size()));
            if (s.intensities.empty()) s.intensities.assign(s.lines_eV.size(), 1.0);
            break;
        case SpectrumParams::Kind::Table:
            if (s.table_edges_eV.size() < 2 || s.table_weights.size() + 1 != s.table_edges_eV.size())
                c.reject(p + ".table_weights", "needs n weights for n+1 table_energies edges (n >= 1)");
            for (size_t i = 1; i < s.table_edges_eV.size(); ++i)
                if (s.table_edges_eV[i] <= s.table_edges_eV[i - 1])
                    c.reject(p + ".table_energies", "edges must increase");
            break;
        case SpectrumParams::Kind::Landau:
            break;
    }
    return s;
}

DeadTimePolicy policy_from(const std::string& name) {
    if (name == "paralyzable") return DeadTimePolicy::Paralyzable;
    if (name == "retrigger") return DeadTimePolicy::Retrigger;
    return DeadTimePolicy::NonParalyzable;
}

}  // namespace

double to_electrons(const units::Quantity& q, double pair_energy_eV) {
    if (q.dimension == units::Dimension::Energy) return q.si / kEv / pair_energy_eV;
    return q.si / kEv;
}

ChainParams chain_params_from(const Config& c) {
    ChainParams p;
    p.seed = static_cast<std::uint64_t>(c.integer("run.seed"));

    SensorParams& s = p.sensor;
    s.material = material_by_name(c.text("sensor.material"));
    s.thickness_m = c.real("sensor.thickness");
    s.pitch_m = c.real("sensor.pitch");
    s.bias_V = c.real("sensor.bias");
    s.temperature_K = c.real("sensor.temperature");
    s.collect_holes = c.text("sensor.collected_carrier") == "holes";
    s.rectangular_current = c.text("sensor.current_shape") == "rectangular";
    s.attenuation_length_m = c.real("sensor.attenuation_length");
    s.attenuation_energy_eV = c.real("sensor.attenuation_energy") / kEv;
    s.fano = c.real("sensor.fano_factor") > 0 ? c.real("sensor.fano_factor") : s.material.fano;
    s.charge_sharing = c.flag("sensor.charge_sharing");
    s.trapping = c.flag("sensor.trapping");
    const double eps = s.material.pair_energy_eV;

    p.spectrum = spectrum_from(c, "spectrum");
    p.test_spectrum = spectrum_from(c, "test_spectrum");
    p.rate_per_s = c.real("source.rate");

    FrontEndParams& f = p.frontend;
    f.feedback_capacitance_F = c.real("frontend.feedback_capacitance");
    f.rise_time_s = c.real("frontend.rise_time");
    f.decay_time_s = c.real("frontend.decay_time");
    f.pole_zero = c.flag("frontend.pole_zero");
    f.shaper_order = static_cast<int>(c.integer("frontend.shaper_order"));
    f.shaper_tau_s = c.real("frontend.shaper_tau");

    NoiseParams& n = p.noise;
    n.enabled = c.flag("noise.enabled");
    n.enc_series_e = to_electrons(c.quantity("noise.enc_series"), eps);
    n.enc_parallel_e = to_electrons(c.quantity("noise.enc_parallel"), eps);
    n.enc_flicker_e = to_electrons(c.quantity("noise.enc_flicker"), eps);
    n.flicker_low_Hz = c.real("noise.flicker_low");
    n.flicker_high_Hz = c.real("noise.flicker_high");
    n.reference_shaping_time_s = c.real("noise.reference_shaping_time");
    if (n.flicker_high_Hz <= n.flicker_low_Hz)
        c.reject("noise.flicker_high", "must be above noise.flicker_low");

    AdcParams& a = p.adc;
    a.bits = static_cast<int>(c.integer("adc.bits"));
    a.sampling_rate_Hz = c.real("adc.sampling_rate");
    a.full_scale_e = to_electrons(c.quantity("adc.full_scale"), eps);
    a.baseline_e = to_electrons(c.quantity("adc.baseline"), eps);
    a.jitter_s = c.real("adc.jitter");
    a.random_phase = c.flag("adc.random_phase");
    a.dnl_lsb = c.real("adc.dnl");
    if (a.full_scale_e <= 0) c.reject("adc.full_scale", "must be above zero");
    if (a.baseline_e >= a.full_scale_e) c.reject("adc.baseline", "must be below adc.full_scale");

    TriggerParams& t = p.trigger;
    t.threshold_e = to_electrons(c.quantity("trigger.threshold"), eps);
    t.window = static_cast<int>(c.integer("trigger.window"));
    t.pre_trigger = static_cast<int>(c.integer("trigger.pre_trigger"));
    t.policy = policy_from(c.text("trigger.policy"));
    t.dead_time_s = c.real("trigger.dead_time");
    if (t.pre_trigger >= t.window) c.reject("trigger.pre_trigger", "must be below trigger.window");
    if (t.threshold_e <= 0) c.reject("trigger.threshold", "must be above zero");
    if (t.threshold_e >= a.full_scale_e - a.baseline_e)
        c.reject("trigger.threshold", "must be below the ADC range above the baseline");
    const double sample_period = 1.0 / a.sampling_rate_Hz;
    if (t.dead_time_s == 0) t.dead_time_s = (t.window - t.pre_trigger) * sample_period;

    p.labels.pileup_window_s = c.real("labels.pileup_window");
    p.labels.max_pulses = static_cast<int>(c.integer("labels.max_pulses"));
    return p;
}

// [run], [sensor], [spectrum], [test_spectrum], [source], [frontend], [noise], [adc], [trigger], [labels]:
// the keys chain_params_from reads.
void declare_chain_keys(ConfigSchema& s) {
    using namespace keys;
    using units::Dimension;
    s.add(integer("run.seed", "1", 0, 9.007199254740992e15,
                  "master random seed; every stream derives from it"));

    s.add(choice("sensor.material", {"Si", "Ge", "CdTe", "CZT", "GaAs"},
                 "sensor material (pair energy, Fano, mobilities)"));
    s.add(real("sensor.thickness", Dimension::Length, "\"450um\"", 1e-6, 0.05, "sensor thickness"));
    s.add(real("sensor.pitch", Dimension::Length, "\"75um\"", 1e-6, 0.01, "pixel pitch"));
    s.add(real("sensor.bias", Dimension::Voltage, "\"200V\"", 1e-3, 1e4,
               "bias voltage magnitude (uniform field)"));
    s.add(real("sensor.temperature", Dimension::Temperature, "\"293K\"", 1, 500,
               "sensor temperature (diffusion)"));
    s.add(choice("sensor.collected_carrier", {"holes", "electrons"},
                 "carrier collected by the pixel; photons enter from the opposite face"));
    s.add(choice("sensor.current_shape", {"rectangular", "delta"},
                 "induced current: planar rectangular pulses per carrier, or an instantaneous charge"));
    s.add(real("sensor.attenuation_length", Dimension::Length, "\"0um\"", 0, 1.0,
               "photon attenuation length at sensor.attenuation_energy (0 = all absorbed at the entrance)"));
    s.add(real("sensor.attenuation_energy", Dimension::Energy, "\"10keV\"", 1e-19, kInf,
               "reference energy of the attenuation length; it scales as E^3 (photoelectric)"));
    s.add(real("sensor.fano_factor", Dimension::Dimensionless, "0", 0, 1,
               "Fano factor (0 = the material's value)"));
    s.add(flag("sensor.charge_sharing", "false",
               "lose charge to neighbours (Gaussian cloud, uniform impact point)"));
    s.add(flag("sensor.trapping", "false", "Hecht charge loss from the material's mu-tau products"));

    add_spectrum(s, "spectrum", "uniform", "[\"6.4keV\", \"8.05keV\", \"12.4keV\", \"17.5keV\", \"22.2keV\"]",
                 "training and validation");
    add_spectrum(s, "test_spectrum", "lines",
                 "[\"6.4keV\", \"8.05keV\", \"12.4keV\", \"17.5keV\", \"22.2keV\"]", "test");
    s.add(real("source.rate", Dimension::Rate, "\"2e5/s\"", 1e-3, 1e9, "Poisson photon rate per pixel"));

    s.add(real("frontend.feedback_capacitance", Dimension::Capacitance, "\"5fF\"", 1e-17, 1e-9,
               "CSA feedback capacitance C_f (gain 1/C_f)"));
    s.add(real("frontend.rise_time", Dimension::Time, "\"3ns\"", 0, 1e-3,
               "CSA rise time constant tau_r (0 = ideal)"));
    s.add(real("frontend.decay_time", Dimension::Time, "\"5us\"", 0, 1.0,
               "CSA feedback decay time constant tau_f (0 = no decay)"));
    s.add(flag("frontend.pole_zero", "true", "pole-zero cancellation of the CSA decay in the shaper"));
    s.add(integer("frontend.shaper_order", "2", 1, 8, "number n of RC integrators of the CR-RC^n shaper"));
    s.add(real("frontend.shaper_tau", Dimension::Time, "\"25ns\"", 1e-12, 1e-3,
               "shaper time constant tau; peaking time = n * tau"));

    s.add(flag("noise.enabled", "true", "add electronic noise"));
    s.add(real("noise.enc_series", Dimension::Charge, "\"80e-\"", 0, kInf,
               "ENC of white series (voltage) noise, rms"));
    s.add(real("noise.enc_parallel", Dimension::Charge, "\"30e-\"", 0, kInf,
               "ENC of parallel (shot) noise, rms"));
    s.add(real("noise.enc_flicker", Dimension::Charge, "\"50e-\"", 0, kInf, "ENC of 1/f series noise, rms"));
    s.add(real("noise.flicker_low", Dimension::Frequency, "\"10kHz\"", 1, 1e12,
               "lowest corner of the 1/f band"));
    s.add(real("noise.flicker_high", Dimension::Frequency, "\"1GHz\"", 1, 1e12,
               "highest corner of the 1/f band"));
    s.add(real("noise.reference_shaping_time", Dimension::Time, "\"0ns\"", 0, 1e-3,
               "shaper tau at which the ENCs above hold; at another frontend.shaper_tau series ENC "
               "scales as 1/sqrt(tau), parallel as sqrt(tau), 1/f stays. 0: they hold at any tau "
               "(set it when the shaping time is varied)"));

    s.add(integer("adc.bits", "10", 2, 16, "ADC resolution"));
    s.add(real("adc.sampling_rate", Dimension::Frequency, "\"100MHz\"", 1e3, 1e11, "ADC sampling rate"));
    s.add(real("adc.full_scale", Dimension::ChargeOrEnergy, "\"8800e-\"", 0, kInf,
               "input charge (or energy) whose shaped peak reaches full scale"));
    s.add(real("adc.baseline", Dimension::ChargeOrEnergy, "\"600e-\"", 0, kInf,
               "pedestal the shaped signal sits on, so noise is not clipped"));
    s.add(real("adc.jitter", Dimension::Time, "\"5ps\"", 0, 1e-6, "sampling clock jitter, rms"));
    s.add(flag("adc.random_phase", "true", "random phase of the ADC clock relative to the photons"));
    s.add(real("adc.dnl", Dimension::Dimensionless, "0", 0, 0.5,
               "differential non-linearity, rms in LSB (0 = ideal)"));

    s.add(real("trigger.threshold", Dimension::ChargeOrEnergy, "\"500e-\"", 0, kInf,
               "self-trigger threshold above the baseline"));
    s.add(integer("trigger.window", "32", 4, 4096, "samples captured per trigger"));
    s.add(integer("trigger.pre_trigger", "8", 0, 4095, "samples captured before the trigger sample"));
    s.add(choice(
        "trigger.policy", {"nonparalyzable", "paralyzable", "retrigger"},
        "dead-time policy: blind for dead_time; extended by every crossing; or re-armed after dead_time"));
    s.add(real("trigger.dead_time", Dimension::Time, "\"0ns\"", 0, 1.0,
               "dead time after a trigger (0 = the rest of the window)"));

    s.add(real("labels.pileup_window", Dimension::Time, "\"250ns\"", 0, 1e-3,
               "a pulse is piled up if another arrives within this time of it"));
    s.add(integer("labels.max_pulses", "4", 1, 64, "pulses per window stored in the truth table"));
}

const ConfigSchema& chain_keys() {
    static const ConfigSchema schema = [] {  // immutable once built
        ConfigSchema s;
        declare_chain_keys(s);
        return s;
    }();
    return schema;
}

ChainParams chain_params_from_stored(const std::string& toml_text, const std::string& source_name) {
    return chain_params_from(Config::parse_stored(chain_keys(), toml_text, source_name));
}

}  // namespace pixforge::models
