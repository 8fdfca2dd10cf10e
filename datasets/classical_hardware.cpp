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
    return {"optimal_filter", "least_squares_fir", "trapezoid", "max_sample"};
}

bool has_coefficients(const std::string& name) {
    return name != "max_sample";
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
        const double x = std::ldexp(static_cast<double>(out[0]), -net.layers.back().out_frac);
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
    net.heads = {energy_head(net, cal, data.window())};
    net.validate("the " + spec.name + " filter as hardware");
    return net;
}

// The largest input sample, exactly, as a tree of pairwise maxima in ReLU layers with weights +-1:
// max(a, b) = relu(a - b) + relu(b) - relu(-b). Each layer takes the values of the previous one as
// such sums of its ReLU outputs (a value v is [relu(v), relu(-v)] or a pair's three terms) and
// forms the next pairs; the last layer is linear and gives the maximum. Integers throughout (no
// fraction, no rounding): `bits` unsigned bits hold any difference of two inputs.
std::vector<models::QuantLayer> max_tree(int inputs, int bits, int output_bits) {
    // Each value of the current level as the signed sum of current features: (feature, sign).
    std::vector<std::vector<std::pair<int, int>>> values;
    for (int i = 0; i < inputs; ++i) values.push_back({{i, 1}});
    int features = inputs;
    std::vector<models::QuantLayer> layers;
    const auto layer_over = [&](int in, int out, models::Activation activation, int out_bits) {
        models::QuantLayer l;
        l.kind = models::LayerKind::Dense;
        l.activation = activation;
        l.in_length = in;
        l.out_channels = out;
        l.weight_bits = 2;
        l.out_bits = out_bits;
        l.weights.assign(static_cast<std::size_t>(in * out), 0);
        l.bias.assign(static_cast<std::size_t>(out), 0);
        return l;
    };
    const auto add = [&](models::QuantLayer& l, int row, const std::vector<std::pair<int, int>>& value,
                         int sign) {
        for (const auto& [feature, s] : value)
            l.weights[static_cast<std::size_t>(row * l.in_length + feature)] += sign * s;
    };
    while (values.size() > 1) {
        // One ReLU layer: per pair (a, b) relu(a - b), relu(b), relu(-b); a leftover v: relu(v), relu(-v).
        std::vector<std::vector<std::pair<int, int>>> next;
        const int pairs = static_cast<int>(values.size()) / 2, odd = static_cast<int>(values.size()) % 2;
        models::QuantLayer l = layer_over(features, 3 * pairs + 2 * odd, models::Activation::Relu, bits);
        int row = 0;
        for (int p = 0; p < pairs; ++p) {
            const auto& a = values[static_cast<std::size_t>(2 * p)];
            const auto& b = values[static_cast<std::size_t>(2 * p + 1)];
            add(l, row, a, 1), add(l, row, b, -1);
            add(l, row + 1, b, 1);
            add(l, row + 2, b, -1);
            next.push_back({{row, 1}, {row + 1, 1}, {row + 2, -1}});
            row += 3;
        }
        if (odd) {
            add(l, row, values.back(), 1);
            add(l, row + 1, values.back(), -1);
            next.push_back({{row, 1}, {row + 1, -1}});
        }
        layers.push_back(std::move(l));
        values = std::move(next);
        features = layers.back().out_channels;
    }
    models::QuantLayer last = layer_over(features, 1, models::Activation::None, output_bits);
    add(last, 0, values.front(), 1);
    layers.push_back(std::move(last));
    return layers;
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
    if (spec.name == "max_sample") {
        // A difference of two signed (adc_bits + 1)-bit inputs needs adc_bits + 2 unsigned bits.
        net.layers = max_tree(net.input.length, net.input.adc_bits + 2,
                              static_cast<int>(config.integer("network.output_bits")));
        return finish(net, config, data, cal, spec);
    }
    const Eigen::VectorXd a = coefficients();
    models::QuantLayer layer;
    layer.kind = models::LayerKind::Dense;
    layer.activation = models::Activation::None;
    layer.in_length = net.input.length;
    layer.out_channels = 1;
    layer.weight_bits = spec.weight_bits;
    std::tie(layer.weights, layer.weight_frac) = quantize(a, spec.weight_bits);
    layer.bias = {0};  // the energy offset is the head's
    layer.out_bits = static_cast<int>(config.integer("network.output_bits"));
    // The amplitude spans the ADC's codes: its sign and one bit of headroom above them, the rest
    // fraction (at most the accumulator's).
    layer.out_frac = std::min(layer.weight_frac, layer.out_bits - net.input.adc_bits - 2);
    net.layers = {layer};
    return finish(net, config, data, cal, spec);
}

}  // namespace pixforge::datasets
