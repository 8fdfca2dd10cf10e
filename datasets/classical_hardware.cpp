#include "datasets/classical_hardware.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "datasets/baseline_eval.hpp"
#include "models/estimators/classical.hpp"
#include "models/network/integer_reference.hpp"
#include "models/training/trainer_keys.hpp"

namespace pixforge::datasets {

std::vector<std::string> classical_hardware_names() {
    return {"optimal_filter", "least_squares_fir", "trapezoid", "trapezoid_recursive",
            "max_sample",     "parabolic_peak",    "cfd",       "leading_edge"};
}

bool takes_bits(const std::string& name) {
    return name != "max_sample";
}

bool is_peak_unit(const std::string& name) {
    return name == "max_sample" || name == "parabolic_peak" || name == "cfd" || name == "leading_edge" ||
           name == "trapezoid_recursive";
}

std::string describe(const ClassicalHardware& spec) {
    if (!takes_bits(spec.name)) return spec.name;
    const bool divides = spec.name == "parabolic_peak" || spec.name == "cfd" || spec.name == "leading_edge";
    return fmt::format(divides ? "{}, {} fraction bits" : "{}, {}-bit coefficients", spec.name, spec.bits);
}

namespace {

// Signed integer coefficients of `a` in `bits` and the fraction bits that scale them, as large as
// the largest coefficient allows.
std::pair<std::vector<std::int32_t>, int> quantize(const Eigen::VectorXd& a, int bits) {
    const double top = std::ldexp(1.0, bits - 1) - 1, largest = a.cwiseAbs().maxCoeff();
    if (!(largest > 0) || !std::isfinite(largest))
        throw PixError("CLS-002",
                       "the optimal filter has no nonzero coefficient over the network's input "
                       "samples (network.window_first, window_length): they miss the pulse");
    const int frac = static_cast<int>(std::floor(std::log2(top / largest)));
    std::vector<std::int32_t> w;
    for (double v : a) w.push_back(static_cast<std::int32_t>(std::lround(std::ldexp(v, frac))));
    return {w, frac};
}

// energy = scale * output + offset by least squares over the calibration windows.
models::HeadSpec energy_head(const models::QuantizedNetwork& net, const CalibrationSet& cal, int window) {
    const models::IntegerReference reference(net);
    std::vector<std::int64_t> out;
    double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (std::size_t i = 0; i < cal.energy_eV.size(); ++i) {
        reference.run(cal.adc.data() + i * static_cast<std::size_t>(window), out);
        const double x = std::ldexp(static_cast<double>(out[0]), -net.output_frac());
        const double y = cal.energy_eV[i];
        n += 1, sx += x, sy += y, sxx += x * x, sxy += x * y;
    }
    const double var = sxx - sx * sx / n;
    if (n < 2 || !(var > 0))
        throw PixError("CLS-002",
                       "the filter's output does not vary over the "
                       "calibration windows: nothing to calibrate");
    const double scale = (sxy - sx * sy / n) / var;
    return {"energy", 0, scale, (sy - scale * sx) / n};
}

// toa = sample period * output + offset, the offset the median over the calibration windows (as
// the floating-point estimators calibrate theirs): the time output counts samples.
models::HeadSpec toa_head(const models::QuantizedNetwork& net, const CalibrationSet& cal, int window,
                          double period_s) {
    const models::IntegerReference reference(net);
    std::vector<std::int64_t> out;
    std::vector<double> offsets;
    for (std::size_t i = 0; i < cal.t0_s.size(); ++i) {
        reference.run(cal.adc.data() + i * static_cast<std::size_t>(window), out);
        offsets.push_back(cal.t0_s[i] -
                          std::ldexp(static_cast<double>(out[1]), -net.output_frac()) * period_s);
    }
    return {"toa", 1, period_s, models::median(offsets)};
}

// The network's input samples of every calibration window, a row each.
Eigen::MatrixXd input_samples(const models::InputSpec& input, const CalibrationSet& cal, int window) {
    const auto n = static_cast<Eigen::Index>(cal.energy_eV.size());
    Eigen::MatrixXd x(n, input.length);
    std::vector<std::int64_t> in;
    for (Eigen::Index i = 0; i < n; ++i) {
        models::network_inputs(
            input, cal.adc.data() + static_cast<std::size_t>(i) * static_cast<std::size_t>(window), in);
        for (int k = 0; k < input.length; ++k) x(i, k) = static_cast<double>(in[static_cast<std::size_t>(k)]);
    }
    return x;
}

// `a` scaled so that its output follows the pulse's peak in codes, as the optimal filter's does
// (the output stage is sized for that); the head maps it to energy.
Eigen::VectorXd scaled_to_peaks(const Eigen::VectorXd& a, const Eigen::MatrixXd& samples) {
    const double peaks = samples.rowwise().maxCoeff().sum(), sums = (samples * a).sum();
    return a * (peaks / sums);
}

// The FIR over the network's input samples whose output best matches the collected energy over
// the calibration windows (least squares, with an intercept): the best fixed linear filter for
// the pulses as they arrive, random phase and trigger walk included.
Eigen::VectorXd least_squares_coefficients(const Eigen::MatrixXd& samples, const CalibrationSet& cal) {
    Eigen::MatrixXd x(samples.rows(), samples.cols() + 1);
    x << samples, Eigen::VectorXd::Ones(samples.rows());
    const Eigen::VectorXd y = Eigen::Map<const Eigen::VectorXd>(cal.energy_eV.data(), samples.rows());
    const Eigen::VectorXd w = x.colPivHouseholderQr().solve(y);
    return scaled_to_peaks(w.head(samples.cols()), samples);  // the intercept is the head's offset
}

// The trapezoid sampled at the flat top: the position over the input samples where its mean
// output over the calibration windows is highest, a fixed delay after the trigger.
Eigen::VectorXd trapezoid_coefficients(const models::TrapezoidEstimator& trapezoid,
                                       const Eigen::MatrixXd& samples) {
    const auto length = static_cast<int>(samples.cols());
    if (trapezoid.rise() > length)
        throw PixError("CLS-002",
                       fmt::format("the trapezoid's rise (estimators.trapezoid_rise) is {} samples; "
                                   "network.window_length is {}",
                                   trapezoid.rise(), length));
    Eigen::VectorXd best;
    double best_mean = -1e300;
    for (int at = trapezoid.rise() - 1; at < length; ++at) {
        const Eigen::VectorXd c = trapezoid.fixed_coefficients(length, at);
        const double mean = (samples * c).mean();
        if (mean > best_mean) best_mean = mean, best = c;
    }
    return scaled_to_peaks(best, samples);
}

// Accumulator widths, provenance and the calibrated energy head of a classical filter's layers.
models::QuantizedNetwork finish(models::QuantizedNetwork net, const Config& config, const DatasetReader& data,
                                const CalibrationSet& cal, const ClassicalHardware& spec) {
    net.derive_accumulator_widths();
    net.config = config.resolved_toml();
    net.dataset_hash = fmt::format("{:016x}", std::hash<std::string>{}(data.resolved_config()));
    net.seed = static_cast<std::uint64_t>(config.integer("run.seed"));
    net.validate("the " + spec.name + " filter as hardware");  // before the heads run it
    net.heads = {energy_head(net, cal, data.window())};
    return net;
}

// The peak unit of max_sample (the largest sample), parabolic_peak (the vertex), cfd (the vertex,
// timed by the constant-fraction crossing of estimators.cfd_fraction, quantized to 1/16, and
// cfd_delay, armed at the trigger's threshold; `bits` fraction bits where it divides) or
// trapezoid_recursive (the largest sample of Jordanov's trapezoid, estimators.trapezoid_rise and
// trapezoid_flat, after the CR-RC^n deconvolution with `bits`-bit taps).
models::PeakUnit peak_unit(const Config& config, const models::PixelChain& chain,
                           const ClassicalHardware& spec) {
    models::PeakUnit u;
    if (spec.name == "trapezoid_recursive") {
        const models::TrapezoidEstimator trapezoid(
            models::WindowContext(chain), static_cast<int>(config.integer("estimators.trapezoid_rise")),
            static_cast<int>(config.integer("estimators.trapezoid_flat")));
        u.trapezoid_rise = trapezoid.rise(), u.trapezoid_flat = trapezoid.flat();
        for (double c : trapezoid.deconvolution())
            u.deconvolution.push_back(static_cast<std::int32_t>(std::lround(std::ldexp(c, spec.bits))));
        return u;
    }
    u.interpolate = spec.name != "max_sample";
    if (spec.name == "leading_edge") {
        const double codes = models::to_electrons(config.quantity("estimators.leading_edge_threshold"),
                                                  chain.sensor().pair_energy_eV()) /
                             chain.electrons_per_code();
        u.le_threshold = std::max(1, static_cast<int>(std::ceil(codes)));
    }
    u.frac_bits = u.interpolate ? spec.bits : 0;
    if (spec.name == "cfd") {
        constexpr int kShift = 4;
        u.cfd_delay = static_cast<int>(config.integer("estimators.cfd_delay"));
        u.cfd_shift = kShift;
        u.cfd_numerator =
            std::clamp(static_cast<int>(std::lround(config.real("estimators.cfd_fraction") * (1 << kShift))),
                       1, (1 << kShift) - 1);
        u.arm_level = std::max(1, static_cast<int>(std::ceil(chain.threshold_codes())));
    }
    return u;
}

// The leading edge's walk: t_raw - t0 = c0 + c1 / sqrt(A) by least squares over the calibration
// windows (as models::LeadingEdgeEstimator calibrates its own), c1 / sqrt(A) tabled over the peak
// sample's top 5 bits at each bin's middle (at least the threshold); c0 is the toa head's offset.
void fit_walk(models::QuantizedNetwork& net, const CalibrationSet& cal, int window, double period_s) {
    models::PeakUnit& u = *net.peak_unit;
    const models::IntegerReference reference(net);
    const double lsb = std::ldexp(1.0, -u.frac_bits);
    std::vector<std::int64_t> out;
    double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (std::size_t i = 0; i < cal.t0_s.size(); ++i) {
        reference.run(cal.adc.data() + i * static_cast<std::size_t>(window), out);
        const double amplitude = static_cast<double>(out[0]) * lsb;
        if (amplitude < u.le_threshold) continue;  // no crossing: the peak's time
        const double x = 1.0 / std::sqrt(amplitude),
                     y = static_cast<double>(out[1]) * lsb - cal.t0_s[i] / period_s;
        n += 1, sx += x, sy += y, sxx += x * x, sxy += x * y;
    }
    const double det = n * sxx - sx * sx;
    if (n < 10 || !(det > 0))
        throw PixError("CLS-002",
                       "the leading edge's walk cannot be fitted: fewer than 10 calibration pulses "
                       "above estimators.leading_edge_threshold");
    const double c1 = (n * sxy - sx * sy) / det;  // samples x sqrt(codes)
    constexpr int kWalkBits = 5;                  // 32 entries: the walk changes fast at small heights
    u.walk_shift = net.input.adc_bits - kWalkBits;
    u.walk.clear();
    for (int k = 0; k < (1 << kWalkBits); ++k) {
        const double middle =
            std::max((k + 0.5) * std::ldexp(1.0, u.walk_shift), static_cast<double>(u.le_threshold));
        u.walk.push_back(static_cast<std::int32_t>(std::lround(c1 / std::sqrt(middle) / lsb)));
    }
}

}  // namespace

models::QuantizedNetwork classical_network(const Config& config, const DatasetReader& data,
                                           const ClassicalHardware& spec) {
    const auto names = classical_hardware_names();
    if (std::find(names.begin(), names.end(), spec.name) == names.end())
        throw PixError("CLS-001", fmt::format("classical hardware '{}' is unknown; expected one of: {}",
                                              spec.name, fmt::join(classical_hardware_names(), ", ")));
    require_same_chain(config, data);
    const CalibrationSet cal = calibration_set(data);
    if (cal.t0_s.empty())
        throw PixError("CLS-002", data.path() +
                                      ": no single-pulse training window to place and calibrate "
                                      "the filter on");
    double t0 = 0;
    for (double t : cal.t0_s) t0 += t / static_cast<double>(cal.t0_s.size());

    models::QuantizedNetwork net;
    net.input = models::network_input_spec(config, training_set_facts(data));
    const int baseline = net.input.baseline_log2 > 0 ? 1 << net.input.baseline_log2 : 0;
    // The optimal filter and the trapezoid need the chain (its template, noise and shaping); the
    // least-squares FIR only the windows.
    const Eigen::MatrixXd samples = input_samples(net.input, cal, data.window());
    const auto coefficients = [&]() -> Eigen::VectorXd {
        if (spec.name == "least_squares_fir") return least_squares_coefficients(samples, cal);
        const models::PixelChain chain(models::chain_params_from(config));
        const models::WindowContext context(chain);
        if (spec.name == "trapezoid")
            return trapezoid_coefficients(
                models::TrapezoidEstimator(context,
                                           static_cast<int>(config.integer("estimators.trapezoid_rise")),
                                           static_cast<int>(config.integer("estimators.trapezoid_flat"))),
                samples);
        return models::OptimalFilterEstimator(context).fixed_coefficients(net.input.first, net.input.length,
                                                                          baseline, t0);
    };
    if (is_peak_unit(spec.name)) {
        const models::PixelChain chain(models::chain_params_from(config));
        net.peak_unit = peak_unit(config, chain, spec);
        if (spec.name == "leading_edge") fit_walk(net, cal, data.window(), chain.sample_period());
        net = finish(net, config, data, cal, spec);
        // The trapezoid's peak index lies anywhere on its flat top: no time.
        if (!net.peak_unit->trapezoid())
            net.heads.push_back(toa_head(net, cal, data.window(), chain.sample_period()));
        return net;
    }
    const Eigen::VectorXd a = coefficients();
    models::QuantLayer layer;
    layer.kind = models::LayerKind::Dense;
    layer.activation = models::Activation::None;
    layer.in_length = net.input.length;
    layer.out_channels = 1;
    layer.weight_bits = spec.bits;
    std::tie(layer.weights, layer.weight_frac) = quantize(a, spec.bits);
    layer.bias = {0};  // the energy offset is the head's
    layer.out_bits = static_cast<int>(config.integer("network.output_bits"));
    // The amplitude spans the ADC's codes: its sign and one bit of headroom above them, the rest
    // fraction (at most the accumulator's).
    layer.out_frac = std::min(layer.weight_frac, layer.out_bits - net.input.adc_bits - 2);
    net.layers = {layer};
    return finish(net, config, data, cal, spec);
}

}  // namespace pixforge::datasets
