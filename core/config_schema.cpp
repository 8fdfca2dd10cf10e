#include "core/config_schema.hpp"

#include <algorithm>
#include <stdexcept>

namespace pixforge {
namespace {

using units::Dimension;
constexpr double kInf = std::numeric_limits<double>::infinity();

ParamSpec real(std::string key, Dimension dim, std::string def, double lo, double hi, std::string what) {
    ParamSpec p;
    p.key = std::move(key);
    p.type = ParamType::Real;
    p.dimension = dim;
    p.default_text = std::move(def);
    p.min = lo;
    p.max = hi;
    p.description = std::move(what);
    return p;
}

ParamSpec integer(std::string key, std::string def, double lo, double hi, std::string what) {
    ParamSpec p = real(std::move(key), Dimension::Dimensionless, std::move(def), lo, hi, std::move(what));
    p.type = ParamType::Integer;
    return p;
}

ParamSpec flag(std::string key, std::string def, std::string what) {
    ParamSpec p =
        real(std::move(key), Dimension::Dimensionless, std::move(def), -kInf, kInf, std::move(what));
    p.type = ParamType::Boolean;
    return p;
}

ParamSpec choice(std::string key, std::vector<std::string> choices, std::string what) {
    ParamSpec p = real(std::move(key), Dimension::Dimensionless, "\"" + choices.front() + "\"", -kInf, kInf,
                       std::move(what));
    p.type = ParamType::Choice;
    p.choices = std::move(choices);
    return p;
}

ParamSpec text(std::string key, std::string def, std::string what) {
    ParamSpec p =
        real(std::move(key), Dimension::Dimensionless, "\"" + def + "\"", -kInf, kInf, std::move(what));
    p.type = ParamType::Text;
    return p;
}

ParamSpec list(std::string key, Dimension dim, std::string def, double lo, std::string what) {
    ParamSpec p = real(std::move(key), dim, std::move(def), lo, kInf, std::move(what));
    p.type = ParamType::RealList;
    return p;
}

// Training and test spectra share one set of keys under two prefixes.
void add_spectrum(ConfigSchema& s, const std::string& prefix, const std::string& kind,
                  const std::string& lines, const std::string& what) {
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

ConfigSchema build_standard() {
    ConfigSchema s;
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

    s.add(integer("dataset.windows", "200000", 10, 1e10, "labelled windows in all splits"));
    s.add(real("dataset.validation_fraction", Dimension::Dimensionless, "0.15", 0, 0.9,
               "share of windows for validation"));
    s.add(real("dataset.test_fraction", Dimension::Dimensionless, "0.15", 0.01, 0.9,
               "share of windows for test"));
    s.add(real("dataset.stream_duration", Dimension::Time, "\"0us\"", 0, 1.0,
               "length of the continuous ADC stream stored beside the windows (0 = none)"));

    s.add(integer("network.window_first", "0", 0, 4095, "first window sample fed to the network"));
    s.add(integer("network.window_length", "0", 0, 4096,
                  "samples fed to the network (0 = to the end of the window)"));
    s.add(integer("network.baseline_log2", "2", 0, 10,
                  "baseline = mean of the first 2^k samples, by shift (0 = subtract the fixed pedestal)"));
    s.add(
        integer("network.conv_channels", "0", 0, 64, "channels of a 1-D convolution front layer (0 = none)"));
    s.add(integer("network.conv_kernel", "3", 1, 64, "kernel of the convolution front layer"));
    s.add(integer("network.conv_stride", "1", 1, 64, "stride of the convolution front layer"));
    s.add(
        list("network.hidden", Dimension::Dimensionless, "[16, 8]", 1, "widths of the hidden dense layers"));
    s.add(choice("network.activation", {"relu", "clipped_relu"},
                 "hidden activation (clipped_relu clips at 1.0)"));
    s.add(list("network.weight_bits", Dimension::Dimensionless, "[8]", 2,
               "weight bits: one value for every layer, or one per layer"));
    s.add(list("network.activation_bits", Dimension::Dimensionless, "[8]", 2,
               "activation bits of each hidden layer (one value, or one per hidden layer)"));
    s.add(integer("network.output_bits", "16", 4, 32, "bits of the output layer (signed)"));
    s.add(flag("network.head_energy", "true", "energy regression head"));
    s.add(flag("network.head_toa", "true", "time-of-arrival regression head"));
    s.add(flag("network.head_pileup", "true", "pile-up classification head (logit)"));

    s.add(integer("training.epochs", "40", 1, 10000, "maximum training epochs"));
    s.add(integer("training.batch_size", "256", 1, 1e6, "mini-batch size"));
    s.add(real("training.learning_rate", Dimension::Dimensionless, "0.003", 1e-7, 1, "Adam learning rate"));
    s.add(
        integer("training.patience", "6", 1, 1000, "epochs without validation improvement before stopping"));
    s.add(integer("training.threads", "2", 1, 256, "LibTorch threads"));
    s.add(real("training.weight_energy", Dimension::Dimensionless, "1", 0, 1e6,
               "loss weight of the energy head"));
    s.add(real("training.weight_toa", Dimension::Dimensionless, "1", 0, 1e6, "loss weight of the ToA head"));
    s.add(real("training.weight_pileup", Dimension::Dimensionless, "0.5", 0, 1e6,
               "loss weight of the pile-up head"));
    s.add(flag("training.quantization_aware", "true",
               "train with fake quantization (false: float, then quantize)"));
    s.add(integer("training.max_windows", "0", 0, 1e10, "training windows used (0 = all)"));

    s.add(choice("optimizer.strategy", {"bayesian", "sobol", "random", "nsga2"},
                 "search strategy of a study (bayesian: GP + EHVI / ParEGO)"));
    s.add(integer("optimizer.evaluations", "60", 1, 1e6, "trials in a study"));
    s.add(integer("optimizer.batch", "2", 1, 1000, "proposals evaluated in parallel per round"));
    s.add(integer("optimizer.initial_points", "10", 1, 1e6, "Sobol design before the model-based search"));
    s.add(integer("optimizer.candidates", "1024", 16, 1e6, "Sobol candidates per acquisition optimization"));
    s.add(text("synthesis.liberty", "",
               "cell library, .lib or .lib.gz (empty = Debian's OSU 0.18 um, qflow-tech-osu018)"));
    s.add(choice("synthesis.strategy", {"balanced", "area", "delay", "fast"},
                 "ABC mapping: balanced (Yosys default), area, delay (buffering and sizing), fast (abc "
                 "-fast, screening)"));
    s.add(real("synthesis.clock_period", Dimension::Time, "\"10ns\"", 1e-11, 1e-3,
               "digital clock period of the in-pixel logic"));
    s.add(real("synthesis.io_delay", Dimension::Time, "\"0ns\"", 0, 1e-3,
               "input and output delay outside the block, for STA"));
    s.add(real("synthesis.output_load", Dimension::Capacitance, "\"10fF\"", 0, 1e-9,
               "load on every output port"));
    s.add(real("synthesis.input_transition", Dimension::Time, "\"100ps\"", 1e-13, 1e-8,
               "nominal input transition for internal-power lookups"));
    s.add(real("synthesis.yosys_timeout", Dimension::Time, "\"1800s\"", 1, 1e6,
               "wall-clock limit of one Yosys run"));
    s.add(real("synthesis.sta_timeout", Dimension::Time, "\"300s\"", 1, 1e6,
               "wall-clock limit of one OpenSTA run"));
    s.add(integer("synthesis.power_windows", "400", 1, 1e8,
                  "triggered windows of the pulse stream simulated at gate level for power and equivalence"));

    s.add(real("codesign.area_budget_um2", Dimension::Dimensionless, "2e5", 0, 1e12,
               "digital area budget of the pixel's processor, um^2 (constraint)"));
    s.add(real("codesign.power_budget_uW", Dimension::Dimensionless, "5000", 0, 1e12,
               "power budget of the pixel's processor at the scenario's rate, uW (constraint)"));
    s.add(list("codesign.reference", Dimension::Dimensionless, "[3000, 1e6, 20000, 2000]", -1e300,
               "hypervolume reference: energy FWHM eV, area um^2, power uW, latency ns"));
    s.add(list("codesign.theory_reference", Dimension::Dimensionless, "[3000, 20000, 200000, 2000]", -1e300,
               "hypervolume reference under theory guidance: FWHM eV, parameter bits, BOPs, latency ns"));
    s.add(integer("codesign.pulses", "20000", 100, 1e9, "photons in each trial's full-chain simulation"));
    s.add(integer("codesign.check_windows", "2000", 1, 1e8,
                  "test windows of each trial's RTL-vs-reference check"));
    s.add(list(
        "codesign.sweep_rates", Dimension::Rate, "[\"1e5/s\", \"5e5/s\", \"2e6/s\"]", 1e-3,
        "rates of the resolution-vs-rate runs of the best design and the classical baseline (empty = none)"));
    s.add(integer("codesign.sweep_pulses", "5000", 100, 1e9, "photons per rate in those runs"));
    s.add(real("codesign.simulate_timeout", Dimension::Time, "\"900s\"", 1, 1e6,
               "wall-clock limit of a trial's chain simulation"));
    s.add(real("validate.timing_margin", Dimension::Dimensionless, "0.1", 0, 0.99,
               "pixforge validate: required worst slack, as a fraction of the clock period"));
    s.add(real("validate.max_rate", Dimension::Rate, "\"1e6/s\"", 1, 1e10,
               "pixforge validate: the maximum specified photon rate, which must run without loss"));
    s.add(real("validate.regression_tolerance", Dimension::Dimensionless, "0.05", 0, 10,
               "pixforge validate --golden: allowed relative change of each figure"));
    s.add(integer("readout.fifo_depth", "16", 1, 1e6, "results the pixel's output FIFO holds"));
    s.add(real("readout.link_rate", Dimension::Rate, "\"1e7/s\"", 1, 1e12,
               "results per second the readout link sends"));
    s.add(
        integer("readout.input_buffer", "1", 1, 1e6, "captured windows that can wait for a busy processor"));
    s.add(integer("readout.classical_latency", "2", 0, 1e6,
                  "clock cycles from a window to its result, classical estimators in the chain"));

    s.add(integer("estimators.trapezoid_rise", "4", 1, 1000, "trapezoid rise, in samples"));
    s.add(integer("estimators.trapezoid_flat", "3", 0, 1000, "trapezoid flat top, in samples"));
    s.add(
        real("estimators.cfd_fraction", Dimension::Dimensionless, "0.3", 0.01, 0.99, "digital CFD fraction"));
    s.add(integer("estimators.cfd_delay", "2", 1, 100, "digital CFD delay, in samples"));
    s.add(real("estimators.leading_edge_threshold", Dimension::ChargeOrEnergy, "\"800e-\"", 0, kInf,
               "leading-edge timing threshold above the baseline"));
    s.add(integer("estimators.fast_filter_length", "2", 1, 100,
                  "pile-up inspector fast filter length, in samples"));
    return s;
}

size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

}  // namespace

const ConfigSchema& ConfigSchema::standard() {
    static const ConfigSchema schema = build_standard();  // immutable after construction
    return schema;
}

void ConfigSchema::add(ParamSpec spec) {
    if (find(spec.key)) throw std::logic_error("config key declared twice: " + spec.key);
    params_.push_back(std::move(spec));
}

const ParamSpec* ConfigSchema::find(const std::string& key) const {
    for (const auto& p : params_)
        if (p.key == key) return &p;
    return nullptr;
}

std::string ConfigSchema::closest(const std::string& key) const {
    std::string best;
    size_t best_d = std::string::npos;
    for (const auto& p : params_) {
        const size_t d = edit_distance(key, p.key);
        if (d < best_d) {
            best_d = d;
            best = p.key;
        }
    }
    return best_d <= std::max<size_t>(3, key.size() / 4) ? best : std::string();
}

}  // namespace pixforge
