#include "models/network/quantized_network.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <utility>

#include <fmt/format.h>

#include "core/atomic_file.hpp"
#include "core/content_hash.hpp"
#include "core/error.hpp"
#include "core/h5.hpp"
#include "models/network/fixed_point.hpp"

namespace pixforge::models {

std::int64_t QuantLayer::macs() const {
    if (kind == LayerKind::Dense) return static_cast<std::int64_t>(in_features()) * out_channels;
    return static_cast<std::int64_t>(out_channels) * out_length * in_channels * kernel;
}

int QuantizedNetwork::outputs() const {
    return peak_unit ? 2 : layers.back().out_features();
}

int QuantizedNetwork::output_bits() const {
    return peak_unit ? peak_unit_output_bits(*peak_unit, input.adc_bits, input.length)
                     : layers.back().out_bits;
}

int QuantizedNetwork::output_frac() const {
    return peak_unit ? peak_unit->frac_bits : layers.back().out_frac;
}

void QuantizedNetwork::derive_accumulator_widths() {
    // Worst-case accumulator over every input in the format's range.
    fixed::Range in = fixed::signed_range(input_bits());
    for (auto& l : layers) {
        const int taps = l.kind == LayerKind::Dense ? l.in_features() : l.in_channels * l.kernel;
        std::int64_t lo = 0, hi = 0;
        for (int o = 0; o < l.out_channels; ++o) {
            std::int64_t olo = l.bias[static_cast<size_t>(o)], ohi = olo;
            for (int k = 0; k < taps; ++k) {
                const std::int64_t w = l.weights[static_cast<size_t>(o * taps + k)];
                olo += std::min(w * in.lo, w * in.hi);
                ohi += std::max(w * in.lo, w * in.hi);
            }
            lo = std::min(lo, olo);
            hi = std::max(hi, ohi);
        }
        l.acc_bits = fixed::signed_bits_for(lo, hi);
        in = l.activation == Activation::None ? fixed::signed_range(l.out_bits)
                                              : fixed::unsigned_range(l.out_bits);
    }
}

namespace {
// Far above any pixel network; they keep products of sizes and shifts inside their types.
constexpr int kMaxDimension = 4096;
constexpr int kMaxFrac = 30;

// The peak unit's integer settings, by file attribute, in the order the content hash mixes them
// (after the `interpolate` flag); one list for the hash, the file and its loader.
constexpr std::pair<const char*, int PeakUnit::*> kPeakUnitIntegers[] = {
    {"frac_bits", &PeakUnit::frac_bits},           {"cfd_delay", &PeakUnit::cfd_delay},
    {"cfd_numerator", &PeakUnit::cfd_numerator},   {"cfd_shift", &PeakUnit::cfd_shift},
    {"arm_level", &PeakUnit::arm_level},           {"trapezoid_rise", &PeakUnit::trapezoid_rise},
    {"trapezoid_flat", &PeakUnit::trapezoid_flat}, {"le_threshold", &PeakUnit::le_threshold},
    {"walk_shift", &PeakUnit::walk_shift}};
}  // namespace

void QuantizedNetwork::validate(const std::string& where) const {
    auto fail = [&](const std::string& what) {
        throw PixError("NET-003", where + ": inconsistent network: " + what);
    };
    if (input.length < 1 || input.first < 0) fail("input window is empty");
    // Bounds first, so the geometry arithmetic below cannot overflow on a damaged file.
    if (input.length > kMaxDimension || input.first > kMaxDimension)
        fail(fmt::format("input window {}+{} beyond {} samples", input.first, input.length, kMaxDimension));
    if (input.baseline_log2 < 0 || input.baseline_log2 > 16)
        fail(fmt::format("baseline_log2 = {}, expected 0 to 16", input.baseline_log2));
    if (input.adc_bits < 2 || input.adc_bits > 16) fail(fmt::format("adc_bits = {}", input.adc_bits));
    if (peak_unit) {
        if (!layers.empty()) fail("a peak unit and layers");
        peak_unit->validate(where, input.length, input.adc_bits);
    } else if (layers.empty()) {
        fail("no layers");
    }
    for (size_t i = 0; i < layers.size(); ++i) {
        const QuantLayer& l = layers[i];
        for (int v : {l.in_channels, l.in_length, l.out_channels, l.out_length, l.kernel, l.stride})
            if (v < 1 || v > kMaxDimension)
                fail(fmt::format("layer {}: a size or stride of {}, expected 1 to {}", i, v, kMaxDimension));
        for (int v : {l.weight_frac, l.in_frac, l.out_frac})
            if (v < -kMaxFrac || v > kMaxFrac)
                fail(fmt::format("layer {}: a fraction width of {} bits, expected -{} to {}", i, v, kMaxFrac,
                                 kMaxFrac));
    }
    int features = input.length, channels = 1;
    for (size_t i = 0; i < layers.size(); ++i) {
        const QuantLayer& l = layers[i];
        const std::string at = fmt::format("layer {}", i);
        if (l.in_channels * l.in_length != channels * features)
            fail(fmt::format("{} takes {} inputs, the previous layer gives {}", at, l.in_features(),
                             channels * features));
        if (l.kind == LayerKind::Conv1d &&
            (l.kernel < 1 || l.stride < 1 || (l.in_length - l.kernel) / l.stride + 1 != l.out_length))
            fail(at + ": convolution geometry does not add up");
        const size_t taps = l.kind == LayerKind::Dense ? static_cast<size_t>(l.in_features())
                                                       : static_cast<size_t>(l.in_channels * l.kernel);
        if (l.weights.size() != taps * static_cast<size_t>(l.out_channels))
            fail(fmt::format("{} has {} weights, expected {}", at, l.weights.size(),
                             taps * static_cast<size_t>(l.out_channels)));
        if (l.bias.size() != static_cast<size_t>(l.out_channels))
            fail(at + ": one bias per output channel expected");
        if (l.weight_bits < 2 || l.weight_bits > 24 || l.out_bits < 2 || l.out_bits > 32)
            fail(
                fmt::format("{}: bits out of range (weights {}, outputs {})", at, l.weight_bits, l.out_bits));
        const fixed::Range wr = fixed::signed_range(l.weight_bits);
        for (auto w : l.weights)
            if (w < wr.lo || w > wr.hi)
                fail(fmt::format("{}: weight {} does not fit {} bits", at, w, l.weight_bits));
        if (l.acc_bits > 62) fail(at + ": accumulator wider than 62 bits");
        // An upper bound of the accumulator, so derive_accumulator_widths cannot overflow.
        int tap_bits = 0;
        while ((std::size_t{1} << tap_bits) < taps) ++tap_bits;
        const int in_bits = i == 0 ? input_bits() : layers[i - 1].out_bits;
        if (tap_bits + l.weight_bits + in_bits + 1 > 62)
            fail(fmt::format("{}: {} taps of {}-bit weights on {}-bit inputs overflow a 62-bit accumulator",
                             at, taps, l.weight_bits, in_bits));
        if ((i + 1 == layers.size()) != (l.activation == Activation::None))
            fail(at + ": only the output layer is linear");
        features = l.out_length;
        channels = l.out_channels;
    }
    for (const auto& h : heads)
        if (h.output < 0 || h.output >= outputs()) fail("head " + h.name + " reads a missing output");
}

std::string QuantizedNetwork::content_hash() const {
    ContentHash h;
    auto mix = [&](std::int64_t v) { h.add(v); };
    mix(input.first), mix(input.length), mix(input.baseline_log2), mix(input.pedestal), mix(input.adc_bits);
    for (const auto& l : layers) {
        for (int v : {static_cast<int>(l.kind), static_cast<int>(l.activation), l.in_channels, l.in_length,
                      l.out_channels, l.out_length, l.kernel, l.stride, l.weight_bits, l.weight_frac,
                      l.in_frac, l.out_bits, l.out_frac})
            mix(v);
        for (auto w : l.weights) mix(w);
        for (auto b : l.bias) mix(b);
    }
    if (peak_unit) {
        mix(1), mix(peak_unit->interpolate ? 1 : 0);
        for (const auto& [name, field] : kPeakUnitIntegers) mix((*peak_unit).*field);
        for (std::int32_t c : peak_unit->deconvolution) mix(c);
        mix(static_cast<std::int64_t>(peak_unit->walk.size()));
        for (std::int32_t w : peak_unit->walk) mix(w);
    }
    return h.hex();
}

namespace {

constexpr const char* kSchema = "pixforge.network";
constexpr std::int64_t kVersion = 1;

const char* activation_name(Activation a) {
    return a == Activation::Relu ? "relu" : a == Activation::ClippedRelu ? "clipped_relu" : "none";
}

}  // namespace

void save_network(const QuantizedNetwork& net, const std::string& path, const std::string& provenance_json) {
    net.validate(path);
    h5::silence_library_errors();
    AtomicFile target(path);
    {
        h5::Handle file = h5::create_file(target.temp().string());
        const hid_t root = file.id();
        h5::write_attribute(root, "schema", std::string(kSchema));
        h5::write_attribute(root, "schema_version", kVersion);
        h5::write_attribute(root, "provenance", provenance_json);
        h5::write_attribute(root, "config", net.config);
        h5::write_attribute(root, "dataset_hash", net.dataset_hash);
        h5::write_attribute(root, "content_hash", net.content_hash());
        h5::write_attribute(root, "seed", static_cast<std::int64_t>(net.seed));
        h5::Handle in = h5::create_group(root, "input");
        h5::write_attribute(in.id(), "first", std::int64_t{net.input.first});
        h5::write_attribute(in.id(), "length", std::int64_t{net.input.length});
        h5::write_attribute(in.id(), "baseline_log2", std::int64_t{net.input.baseline_log2});
        h5::write_attribute(in.id(), "pedestal", std::int64_t{net.input.pedestal});
        h5::write_attribute(in.id(), "adc_bits", std::int64_t{net.input.adc_bits});
        h5::Handle layers = h5::create_group(root, "layers");
        h5::write_attribute(layers.id(), "count", static_cast<std::int64_t>(net.layers.size()));
        for (size_t i = 0; i < net.layers.size(); ++i) {
            const QuantLayer& l = net.layers[i];
            h5::Handle g = h5::create_group(layers.id(), std::to_string(i));
            h5::write_attribute(g.id(), "kind", std::string(l.kind == LayerKind::Dense ? "dense" : "conv1d"));
            h5::write_attribute(g.id(), "activation", std::string(activation_name(l.activation)));
            for (const auto& [name, v] :
                 std::initializer_list<std::pair<const char*, int>>{{"in_channels", l.in_channels},
                                                                    {"in_length", l.in_length},
                                                                    {"out_channels", l.out_channels},
                                                                    {"out_length", l.out_length},
                                                                    {"kernel", l.kernel},
                                                                    {"stride", l.stride},
                                                                    {"weight_bits", l.weight_bits},
                                                                    {"weight_frac", l.weight_frac},
                                                                    {"in_frac", l.in_frac},
                                                                    {"out_bits", l.out_bits},
                                                                    {"out_frac", l.out_frac},
                                                                    {"acc_bits", l.acc_bits}})
                h5::write_attribute(g.id(), name, std::int64_t{v});
            h5::write_vector(g.id(), "weights", l.weights, "");
            h5::write_vector(g.id(), "bias", l.bias, "");
        }
        if (net.peak_unit) {
            const PeakUnit& u = *net.peak_unit;
            h5::Handle g = h5::create_group(root, "peak_unit");
            h5::write_attribute(g.id(), "description", u.describe());
            h5::write_attribute(g.id(), "interpolate", std::int64_t{u.interpolate ? 1 : 0});
            for (const auto& [name, field] : kPeakUnitIntegers)
                h5::write_attribute(g.id(), name, std::int64_t{u.*field});
            if (u.trapezoid()) h5::write_vector(g.id(), "deconvolution", u.deconvolution, "");
            if (!u.walk.empty()) h5::write_vector(g.id(), "walk", u.walk, "");
        }
        h5::Handle heads = h5::create_group(root, "heads");
        for (const auto& h : net.heads) {
            h5::Handle g = h5::create_group(heads.id(), h.name);
            h5::write_attribute(g.id(), "output", std::int64_t{h.output});
            h5::write_attribute(g.id(), "scale", h.scale);
            h5::write_attribute(g.id(), "offset", h.offset);
            h5::write_attribute(g.id(), "unit",
                                std::string(h.name == "energy" ? "eV"
                                            : h.name == "toa"  ? "s"
                                                               : "logit"));
        }
    }
    target.commit();
}

QuantizedNetwork load_network(const std::string& path) {
    h5::Handle file = h5::open_file_readonly(path);
    const hid_t root = file.id();
    const auto schema = h5::read_string_attribute(root, "schema");
    if (!schema || *schema != kSchema)
        throw PixError("NET-001",
                       fmt::format("{}: not a pixforge network (attribute 'schema' is {}; expected \"{}\")",
                                   path, schema ? "\"" + *schema + "\"" : "missing", kSchema));
    const auto version = h5::read_int_attribute(root, "schema_version");
    if (!version || *version != kVersion)
        throw PixError("NET-002",
                       fmt::format("{}: network schema version {}; this pixforge reads version {} (retrain)",
                                   path, version ? std::to_string(*version) : "missing", kVersion));
    auto need_int = [&](hid_t obj, const std::string& name, const std::string& where) {
        const auto v = h5::read_int_attribute(obj, name);
        if (!v) throw PixError("NET-003", fmt::format("{}: {} lacks the attribute '{}'", path, where, name));
        if (*v < std::numeric_limits<int>::min() || *v > std::numeric_limits<int>::max())
            throw PixError("NET-003", fmt::format("{}: {} attribute '{}' = {} does not fit a 32-bit integer",
                                                  path, where, name, *v));
        return static_cast<int>(*v);
    };
    QuantizedNetwork net;
    net.config = h5::read_string_attribute(root, "config").value_or("");
    net.dataset_hash = h5::read_string_attribute(root, "dataset_hash").value_or("");
    net.seed = static_cast<std::uint64_t>(h5::read_int_attribute(root, "seed").value_or(0));
    h5::Handle in = h5::open_group(root, "input");
    if (!in.valid()) throw PixError("NET-003", path + ": the group 'input' is missing");
    net.input.first = need_int(in.id(), "first", "input");
    net.input.length = need_int(in.id(), "length", "input");
    net.input.baseline_log2 = need_int(in.id(), "baseline_log2", "input");
    net.input.pedestal = need_int(in.id(), "pedestal", "input");
    net.input.adc_bits = need_int(in.id(), "adc_bits", "input");
    h5::Handle layers = h5::open_group(root, "layers");
    if (!layers.valid()) throw PixError("NET-003", path + ": the group 'layers' is missing");
    const int count = need_int(layers.id(), "count", "layers");
    for (int i = 0; i < count; ++i) {
        const std::string where = fmt::format("layers/{}", i);
        h5::Handle g = h5::open_group(layers.id(), std::to_string(i));
        if (!g.valid()) throw PixError("NET-003", fmt::format("{}: {} is missing", path, where));
        QuantLayer l;
        const std::string kind = h5::read_string_attribute(g.id(), "kind").value_or("");
        const std::string act = h5::read_string_attribute(g.id(), "activation").value_or("");
        if (kind != "dense" && kind != "conv1d")
            throw PixError("NET-003", fmt::format("{}: {} attribute 'kind' is '{}'; expected dense or conv1d",
                                                  path, where, kind));
        if (act != "relu" && act != "clipped_relu" && act != "none")
            throw PixError("NET-003", fmt::format("{}: {} attribute 'activation' is '{}'; expected relu, "
                                                  "clipped_relu or none",
                                                  path, where, act));
        l.kind = kind == "dense" ? LayerKind::Dense : LayerKind::Conv1d;
        l.activation = act == "relu"           ? Activation::Relu
                       : act == "clipped_relu" ? Activation::ClippedRelu
                                               : Activation::None;
        l.in_channels = need_int(g.id(), "in_channels", where);
        l.in_length = need_int(g.id(), "in_length", where);
        l.out_channels = need_int(g.id(), "out_channels", where);
        l.out_length = need_int(g.id(), "out_length", where);
        l.kernel = need_int(g.id(), "kernel", where);
        l.stride = need_int(g.id(), "stride", where);
        l.weight_bits = need_int(g.id(), "weight_bits", where);
        l.weight_frac = need_int(g.id(), "weight_frac", where);
        l.in_frac = need_int(g.id(), "in_frac", where);
        l.out_bits = need_int(g.id(), "out_bits", where);
        l.out_frac = need_int(g.id(), "out_frac", where);
        l.acc_bits = need_int(g.id(), "acc_bits", where);
        for (const char* array : {"weights", "bias"})
            if (h5::shape(g.id(), array).empty())
                throw PixError("NET-003", fmt::format("{}: {} lacks the array '{}'", path, where, array));
        // Read no more than the geometry needs: validate() below names a count that differs.
        const std::size_t taps = static_cast<std::size_t>(std::clamp(l.in_channels, 0, kMaxDimension)) *
                                 static_cast<std::size_t>(std::clamp(
                                     l.kind == LayerKind::Dense ? l.in_length : l.kernel, 0, kMaxDimension));
        const std::size_t outputs = static_cast<std::size_t>(std::clamp(l.out_channels, 0, kMaxDimension));
        h5::read_vector(g.id(), "weights", l.weights, taps * outputs);
        h5::read_vector(g.id(), "bias", l.bias, outputs);
        net.layers.push_back(std::move(l));
    }
    h5::Handle unit = h5::open_group(root, "peak_unit");
    if (unit.valid()) {
        PeakUnit u;
        u.interpolate = need_int(unit.id(), "interpolate", "peak_unit") != 0;
        for (const auto& [name, field] : kPeakUnitIntegers) u.*field = need_int(unit.id(), name, "peak_unit");
        if (u.trapezoid()) {
            if (h5::shape(unit.id(), "deconvolution").empty())
                throw PixError("NET-003",
                               path + ": peak_unit lacks the array 'deconvolution' of its trapezoid");
            h5::read_vector(unit.id(), "deconvolution", u.deconvolution, 16);
        }
        if (!h5::shape(unit.id(), "walk").empty()) h5::read_vector(unit.id(), "walk", u.walk, 1 << 16);
        net.peak_unit = u;
    }
    h5::Handle heads = h5::open_group(root, "heads");
    if (heads.valid())
        for (const char* name : {"energy", "toa", "pileup"}) {
            h5::Handle g = h5::open_group(heads.id(), name);
            if (!g.valid()) continue;
            HeadSpec h;
            h.name = name;
            h.output = need_int(g.id(), "output", std::string("heads/") + name);
            h.scale = h5::read_double_attribute(g.id(), "scale").value_or(1);
            h.offset = h5::read_double_attribute(g.id(), "offset").value_or(0);
            net.heads.push_back(h);
        }
    net.validate(path);
    // The stored accumulator widths must be the ones the weights imply.
    QuantizedNetwork check = net;
    check.derive_accumulator_widths();
    for (size_t i = 0; i < net.layers.size(); ++i)
        if (check.layers[i].acc_bits != net.layers[i].acc_bits)
            throw PixError("NET-003", fmt::format("{}: layers/{} stores acc_bits = {}, its weights need {}",
                                                  path, i, net.layers[i].acc_bits, check.layers[i].acc_bits));
    return net;
}

}  // namespace pixforge::models
