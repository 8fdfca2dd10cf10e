// The typed, physically consistent parameters of one pixel chain, built from a validated Config.
// Field names carry their units. Cross-key checks (window vs pre-trigger, full scale vs
// baseline, ...) happen here and report CFG-009 with the offending key.
#pragma once

#include <cstdint>
#include <vector>

#include "core/config.hpp"
#include "models/material.hpp"

namespace pixforge::models {

struct SpectrumParams {
    enum class Kind { Uniform, Lines, Table, Landau };
    Kind kind = Kind::Uniform;
    double min_eV = 0, max_eV = 0;
    std::vector<double> lines_eV, intensities;
    std::vector<double> table_edges_eV, table_weights;
    double landau_mpv_eV = 0, landau_width_eV = 0;
};

struct SensorParams {
    Material material;
    double thickness_m = 0, pitch_m = 0, bias_V = 0, temperature_K = 0;
    bool collect_holes = true;
    bool rectangular_current = true;
    double attenuation_length_m = 0, attenuation_energy_eV = 0;
    double fano = 0;
    bool charge_sharing = false, trapping = false;
};

struct FrontEndParams {
    double feedback_capacitance_F = 5e-15;
    double rise_time_s = 0;   // 0: ideal
    double decay_time_s = 0;  // 0: no decay
    bool pole_zero = true;
    int shaper_order = 2;
    double shaper_tau_s = 25e-9;
};

struct NoiseParams {
    bool enabled = true;
    double enc_series_e = 0, enc_parallel_e = 0, enc_flicker_e = 0;
    double flicker_low_Hz = 1e4, flicker_high_Hz = 1e9;
    double reference_shaping_time_s = 0;  // where the ENCs hold; 0: the shaper's own tau
};

struct AdcParams {
    int bits = 10;
    double sampling_rate_Hz = 100e6;
    double full_scale_e = 8800, baseline_e = 600;
    double jitter_s = 0;
    bool random_phase = true;
    double dnl_lsb = 0;
};

enum class DeadTimePolicy { NonParalyzable, Paralyzable, Retrigger };

struct TriggerParams {
    double threshold_e = 500;
    int window = 32, pre_trigger = 8;
    DeadTimePolicy policy = DeadTimePolicy::NonParalyzable;
    double dead_time_s = 0;  // resolved: never 0 after chain_params_from()
};

struct LabelParams {
    double pileup_window_s = 250e-9;
    int max_pulses = 4;
};

struct ChainParams {
    std::uint64_t seed = 1;
    SensorParams sensor;
    SpectrumParams spectrum, test_spectrum;
    double rate_per_s = 2e5;
    FrontEndParams frontend;
    NoiseParams noise;
    AdcParams adc;
    TriggerParams trigger;
    LabelParams labels;
};

ChainParams chain_params_from(const Config& config);
// The chain a stored config (a dataset's, a network's) describes; its other sections are skipped.
ChainParams chain_params_from_stored(const std::string& toml_text, const std::string& source_name);
// Converts a charge-or-energy config value to electrons with the sensor's pair energy.
double to_electrons(const units::Quantity& q, double pair_energy_eV);

// [run], [sensor], [spectrum], [test_spectrum], [source], [frontend], [noise], [adc], [trigger], [labels]:
// the keys chain_params_from reads.
void declare_chain_keys(ConfigSchema& schema);
// Those keys alone: the schema of a stored config read for its chain.
const ConfigSchema& chain_keys();

}  // namespace pixforge::models
