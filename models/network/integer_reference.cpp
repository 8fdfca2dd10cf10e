#include "models/network/integer_reference.hpp"

#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "models/network/fixed_point.hpp"

namespace pixforge::models {

void network_inputs(const InputSpec& in, const std::uint16_t* window, std::vector<std::int64_t>& x) {
    std::int64_t baseline = in.pedestal;
    if (in.baseline_log2 > 0) {
        std::int64_t sum = 0;
        for (int i = 0; i < (1 << in.baseline_log2); ++i) sum += window[i];
        baseline = fixed::round_shift(sum, in.baseline_log2);
    }
    x.resize(static_cast<size_t>(in.length));
    for (int i = 0; i < in.length; ++i)
        x[static_cast<size_t>(i)] = std::int64_t{window[in.first + i]} - baseline;
}

namespace {

void run_network(const QuantizedNetwork& net, const std::uint16_t* window, std::vector<std::int64_t>& out) {
    std::vector<std::int64_t> x, y;
    network_inputs(net.input, window, x);
    if (net.peak_unit) return run_peak_unit(*net.peak_unit, x, out);
    for (const QuantLayer& l : net.layers) {
        const fixed::Range range = l.activation == Activation::None ? fixed::signed_range(l.out_bits)
                                                                    : fixed::unsigned_range(l.out_bits);
        const int shift = l.acc_frac() - l.out_frac;
        y.assign(static_cast<size_t>(l.out_features()), 0);
        if (l.kind == LayerKind::Dense) {
            const int n_in = l.in_features();
            for (int o = 0; o < l.out_channels; ++o) {
                std::int64_t acc = l.bias[static_cast<size_t>(o)];
                const std::int32_t* w = &l.weights[static_cast<size_t>(o * n_in)];
                for (int i = 0; i < n_in; ++i) acc += std::int64_t{w[i]} * x[static_cast<size_t>(i)];
                y[static_cast<size_t>(o)] = fixed::saturate(fixed::round_shift(acc, shift), range);
            }
        } else {
            // Channel-major layout: input [c][t], output [o][t'], weights [o][c][k].
            for (int o = 0; o < l.out_channels; ++o)
                for (int t = 0; t < l.out_length; ++t) {
                    std::int64_t acc = l.bias[static_cast<size_t>(o)];
                    for (int c = 0; c < l.in_channels; ++c)
                        for (int k = 0; k < l.kernel; ++k)
                            acc +=
                                std::int64_t{
                                    l.weights[static_cast<size_t>((o * l.in_channels + c) * l.kernel + k)]} *
                                x[static_cast<size_t>(c * l.in_length + t * l.stride + k)];
                    y[static_cast<size_t>(o * l.out_length + t)] =
                        fixed::saturate(fixed::round_shift(acc, shift), range);
                }
        }
        x.swap(y);
    }
    out = x;
}

}  // namespace

void IntegerReference::run(const std::uint16_t* window, std::vector<std::int64_t>& out) const {
    if (nets_.size() == 1) return run_network(nets_.front(), window, out);
    out.clear();
    std::vector<std::int64_t> part;
    for (const QuantizedNetwork& net : nets_) {
        run_network(net, window, part);
        out.insert(out.end(), part.begin(), part.end());
    }
}

double IntegerReference::head(const std::vector<std::int64_t>& out, const std::string& name,
                              double missing) const {
    std::size_t offset = 0;  // the network's first output among all of them
    for (const QuantizedNetwork& net : nets_) {
        for (const auto& h : net.heads)
            if (h.name == name)
                return std::ldexp(static_cast<double>(out[offset + static_cast<size_t>(h.output)]),
                                  -net.output_frac()) *
                           h.scale +
                       h.offset;
        offset += static_cast<std::size_t>(net.outputs());
    }
    return missing;
}

Estimate NetworkEstimator::estimate(const std::uint16_t* window) const {
    std::vector<std::int64_t> out;
    reference_.run(window, out);
    // A network without a time head gives no time (NaN: not measured); without a pile-up head, no
    // discrimination (a constant score).
    return {reference_.head(out, "energy"),
            reference_.head(out, "toa", std::numeric_limits<double>::quiet_NaN()),
            reference_.head(out, "pileup", std::numeric_limits<double>::quiet_NaN())};
}

NetworkProxies theory_proxies(const QuantizedNetwork& net, int reuse) {
    NetworkProxies p;
    int in_bits = net.input_bits();
    p.activation_bits = static_cast<std::int64_t>(net.input.length) * in_bits;
    for (const QuantLayer& l : net.layers) {
        p.macs += l.macs();
        p.bops += l.macs() * l.weight_bits * in_bits;
        p.parameter_bits += static_cast<std::int64_t>(l.weights.size()) * l.weight_bits +
                            static_cast<std::int64_t>(l.bias.size()) * l.acc_bits;
        p.activation_bits += static_cast<std::int64_t>(l.out_features()) * l.out_bits;
        p.latency_parallel += 1;
        p.latency_folded += reuse + 1;
        in_bits = l.out_bits;
    }
    p.latency_parallel += 1;
    p.latency_folded += 1;
    return p;
}

std::string describe_layers(const QuantizedNetwork& net) {
    std::string s = fmt::format("in {}", net.input.length);
    if (net.peak_unit) return s + " > " + net.peak_unit->describe();
    for (const auto& l : net.layers) {
        if (l.kind == LayerKind::Conv1d)
            s += fmt::format(" > conv {}x{}/{}", l.out_channels, l.kernel, l.stride);
        else
            s += fmt::format(" > {}", l.out_channels);
        s += fmt::format(" (w{} a{})", l.weight_bits, l.out_bits);
    }
    return s;
}

std::string describe_networks(const std::vector<QuantizedNetwork>& nets) {
    if (nets.size() == 1) return describe_layers(nets.front());
    std::vector<std::string> described;
    for (const QuantizedNetwork& net : nets) {
        std::vector<std::string> heads;
        for (const HeadSpec& h : net.heads) heads.push_back(h.name);
        described.push_back(fmt::format("{}: {}", fmt::join(heads, "+"), describe_layers(net)));
    }
    return fmt::format("{}", fmt::join(described, " | "));
}

}  // namespace pixforge::models
