#include "models/chain_params.hpp"

#include <fmt/format.h>

namespace pixforge::models {
namespace {

constexpr double kEv = units::kElementaryCharge;

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

}  // namespace pixforge::models
