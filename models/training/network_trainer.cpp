// The project's only LibTorch translation unit (see network_trainer.hpp).
#include "models/training/network_trainer.hpp"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "core/content_hash.hpp"
#include "core/error.hpp"
#include "core/random.hpp"
#include "models/network/fixed_point.hpp"
#include "models/network/integer_reference.hpp"
#include "models/network/layer_geometry.hpp"
#include "models/training/trainer_keys.hpp"

namespace pixforge::models {
namespace {

// Rounds v * 2^frac half up to an integer in [lo, hi], as fixed::round_shift does.
torch::Tensor grid_round(const torch::Tensor& v, int frac, fixed::Range r) {
    return torch::clamp(torch::floor(v * std::ldexp(1.0, frac) + 0.5), static_cast<double>(r.lo),
                        static_cast<double>(r.hi));
}

// Fake quantization with a straight-through gradient.
torch::Tensor fake_quant(const torch::Tensor& v, int frac, fixed::Range r) {
    const torch::Tensor q = grid_round(v, frac, r) * std::ldexp(1.0, -frac);
    return v + (q - v).detach();
}

int ceil_log2(double v) {
    return static_cast<int>(std::ceil(std::log2(std::max(v, 1e-30))));
}

int weight_frac(const torch::Tensor& w, int bits) {
    return bits - 1 - ceil_log2(w.abs().max().item<double>());
}

// Linear part of a layer: dense [B, in] x [out, in]^T, or conv1d on [B, C, L] flattened back.
torch::Tensor linear_part(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b,
                          const QuantLayer& g) {
    if (g.kind == LayerKind::Dense) return torch::addmm(b, x, w.t());
    const auto y = torch::conv1d(x.view({x.size(0), g.in_channels, g.in_length}), w, b, g.stride);
    return y.reshape({x.size(0), -1});
}

std::vector<int> per_layer(const std::vector<double>& values, size_t layers, const Config& c,
                           const std::string& key) {
    if (values.size() != 1 && values.size() != layers)
        c.reject(key, fmt::format("needs one value or one per layer ({})", layers));
    std::vector<int> out;
    for (size_t i = 0; i < layers; ++i) {
        const double v = values.size() == 1 ? values[0] : values[i];
        if (v != std::floor(v) || v < 2 || v > 24) c.reject(key, "bit widths are whole numbers from 2 to 24");
        out.push_back(static_cast<int>(v));
    }
    return out;
}

}  // namespace

struct NetworkTrainer::Impl {
    explicit Impl(const Config& c) : config(c) {}
    Config config;
    std::ostream* progress = nullptr;
    InputSpec input;
    int input_frac = 0;
    std::vector<QuantLayer> geometry;  // shapes and activations (formats filled at export)
    std::vector<torch::Tensor> weights, biases;
    std::vector<double> running_max;  // of each layer's outputs (activation formats)
    std::vector<int> weight_bits, activation_bits;
    int output_bits = 16;
    bool qat = true;
    std::vector<std::string> heads;
    std::vector<double> head_mean, head_std;
    torch::Tensor x_train, y_train, x_val, y_val;
    std::string dataset_hash;
    std::uint64_t seed = 1;
    std::size_t window = 0;

    int out_frac(size_t layer, int bits) const {
        const QuantLayer& g = geometry[layer];
        if (g.activation == Activation::ClippedRelu) return bits;
        if (g.activation == Activation::Relu) return bits - ceil_log2(running_max[layer]);
        return bits - 1 - ceil_log2(running_max[layer]);
    }
    fixed::Range out_range(size_t layer, int bits) const {
        return geometry[layer].activation == Activation::None ? fixed::signed_range(bits)
                                                              : fixed::unsigned_range(bits);
    }
    int bits_of(size_t layer) const {
        return layer + 1 == geometry.size() ? output_bits : activation_bits[layer];
    }

    // Train-mode forward: float32, fake quantization when `quantize`, running maxima when `observe`.
    torch::Tensor forward(torch::Tensor x, bool quantize, bool observe) {
        int frac_in = input_frac;
        x = x * std::ldexp(1.0, -input_frac);
        for (size_t l = 0; l < geometry.size(); ++l) {
            const QuantLayer& g = geometry[l];
            torch::Tensor w = weights[l], b = biases[l];
            int fw = 0;
            if (quantize) {
                fw = weight_frac(w.detach(), weight_bits[l]);
                w = fake_quant(w, fw, fixed::signed_range(weight_bits[l]));
                b = fake_quant(b, fw + frac_in, fixed::signed_range(48));
            }
            torch::Tensor acc = linear_part(x, w, b, g);
            if (g.activation == Activation::Relu) acc = torch::relu(acc);
            if (g.activation == Activation::ClippedRelu) acc = torch::clamp(acc, 0.0, 1.0);
            if (observe) {
                const double m = acc.detach().abs().max().item<double>();
                running_max[l] = running_max[l] == 0 ? m : 0.95 * running_max[l] + 0.05 * m;
            }
            const int bits = bits_of(l);
            if (quantize) {
                const int fo = out_frac(l, bits);
                acc = fake_quant(acc, fo, out_range(l, bits));
                frac_in = fo;
            }
            x = acc;
        }
        return x;
    }

    torch::Tensor loss(const torch::Tensor& out, const torch::Tensor& y) const {
        torch::Tensor total = torch::zeros({}, torch::kFloat32);
        for (size_t h = 0; h < heads.size(); ++h) {
            const auto o = out.select(1, static_cast<std::int64_t>(h)),
                       t = y.select(1, static_cast<std::int64_t>(h));
            if (heads[h] == "pileup")
                total = total +
                        config.real("training.weight_pileup") * torch::binary_cross_entropy_with_logits(o, t);
            else
                total = total + config.real("training.weight_" + heads[h]) * torch::mse_loss(o, t);
        }
        return total;
    }
};

namespace {

// Integer inputs of windows as a float tensor [n, length].
torch::Tensor input_tensor(const InputSpec& spec, const std::uint16_t* windows, std::size_t n,
                           std::size_t window, torch::ScalarType type) {
    torch::Tensor x = torch::empty({static_cast<std::int64_t>(n), spec.length}, torch::kFloat64);
    auto acc = x.accessor<double, 2>();
    std::vector<std::int64_t> v;
    for (std::size_t i = 0; i < n; ++i) {
        network_inputs(spec, windows + i * window, v);
        for (int j = 0; j < spec.length; ++j)
            acc[static_cast<std::int64_t>(i)][j] = static_cast<double>(v[static_cast<size_t>(j)]);
    }
    return x.to(type);
}

}  // namespace

NetworkTrainer::NetworkTrainer(const Config& c, const TrainingSet& data, std::ostream* progress)
    : impl_(std::make_unique<Impl>(c)) {
    Impl& m = *impl_;
    m.progress = progress;
    m.seed = static_cast<std::uint64_t>(training_seed(c));
    m.window = static_cast<std::size_t>(data.window);
    torch::manual_seed(m.seed);
    torch::set_num_threads(static_cast<int>(c.integer("training.threads")));
    m.input = network_input_spec(c, data);
    // Heads.
    for (const char* h : {"energy", "toa", "pileup"})
        if (c.flag(std::string("network.head_") + h)) m.heads.push_back(h);
    if (m.heads.empty()) c.reject("network.head_energy", "at least one head must be enabled");
    // Geometry: the family's shape (models/network/layer_geometry).
    NetworkShape family;
    family.window = m.input.length;
    family.conv_channels = static_cast<int>(c.integer("network.conv_channels"));
    family.conv_kernel = static_cast<int>(c.integer("network.conv_kernel"));
    family.conv_stride = static_cast<int>(c.integer("network.conv_stride"));
    family.outputs = static_cast<int>(m.heads.size());
    family.activation = c.text("network.activation") == "relu" ? Activation::Relu : Activation::ClippedRelu;
    for (double w : c.reals("network.hidden")) {
        if (w != std::floor(w)) c.reject("network.hidden", "layer widths are whole numbers");
        family.hidden.push_back(static_cast<int>(w));
    }
    if (family.conv_channels > 0 && family.conv_kernel > family.window)
        c.reject("network.conv_kernel", "longer than the input window");
    m.geometry = layer_geometry(family);
    m.weight_bits = per_layer(c.reals("network.weight_bits"), m.geometry.size(), c, "network.weight_bits");
    m.activation_bits =
        per_layer(c.reals("network.activation_bits"), m.geometry.size() - 1 ? m.geometry.size() - 1 : 1, c,
                  "network.activation_bits");
    m.output_bits = static_cast<int>(c.integer("network.output_bits"));
    m.qat = c.flag("training.quantization_aware");
    for (const QuantLayer& g : m.geometry) {
        const int fan_in = g.kind == LayerKind::Dense ? g.in_features() : g.in_channels * g.kernel;
        const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
        std::vector<std::int64_t> shape =
            g.kind == LayerKind::Dense ? std::vector<std::int64_t>{g.out_channels, g.in_features()}
                                       : std::vector<std::int64_t>{g.out_channels, g.in_channels, g.kernel};
        m.weights.push_back((torch::rand(shape) * 2 - 1).mul_(bound * std::sqrt(3.0)).requires_grad_());
        m.biases.push_back(torch::zeros({g.out_channels}).requires_grad_());
    }
    m.running_max.assign(m.geometry.size(), 0.0);
    // Data: integer inputs and normalized targets.
    auto load = [&](const TrainingSplit& b, std::size_t limit, torch::Tensor& x, torch::Tensor& y) {
        const std::size_t rows = limit ? std::min(limit, b.rows) : b.rows;
        x = input_tensor(m.input, b.adc.data(), rows, m.window, torch::kFloat32);
        y = torch::empty({static_cast<std::int64_t>(rows), static_cast<std::int64_t>(m.heads.size())});
        auto acc = y.accessor<float, 2>();
        for (std::size_t i = 0; i < rows; ++i)
            for (size_t h = 0; h < m.heads.size(); ++h)
                acc[static_cast<std::int64_t>(i)][static_cast<std::int64_t>(h)] =
                    m.heads[h] == "energy" ? b.collected_keV[i] * 1e3f
                    : m.heads[h] == "toa"  ? b.t0_ns[i] * 1e-9f
                                           : static_cast<float>(b.pileup[i]);
    };
    load(data.train, static_cast<std::size_t>(c.integer("training.max_windows")), m.x_train, m.y_train);
    load(data.validation, 0, m.x_val, m.y_val);
    if (m.x_train.size(0) < 16) throw PixError("TRAIN-001", data.source + ": fewer than 16 training windows");
    for (size_t h = 0; h < m.heads.size(); ++h) {
        const bool logit = m.heads[h] == "pileup";
        const auto col = m.y_train.select(1, static_cast<std::int64_t>(h)).to(torch::kFloat64);
        m.head_mean.push_back(logit ? 0.0 : col.mean().item<double>());
        m.head_std.push_back(logit ? 1.0 : std::max(1e-30, col.std().item<double>()));
        for (auto* y : {&m.y_train, &m.y_val}) {
            auto c2 = y->select(1, static_cast<std::int64_t>(h));
            c2.sub_(m.head_mean.back()).div_(m.head_std.back());
        }
    }
    m.input_frac = ceil_log2(m.x_train.abs().max().item<double>() + 1);
    m.dataset_hash =
        fmt::format("{:016x}", std::hash<std::string>{}(data.chain_config + std::to_string(data.train.rows)));
}

NetworkTrainer::~NetworkTrainer() = default;

std::string NetworkTrainer::cache_key(const Config& config, const std::string& dataset_key) {
    return ContentHash().add(dataset_key).add(config.resolved_sections({"run", "network", "training"})).hex();
}

TrainingLog NetworkTrainer::train() {
    Impl& m = *impl_;
    TrainingLog log;
    log.train_windows = static_cast<std::size_t>(m.x_train.size(0));
    log.validation_windows = static_cast<std::size_t>(m.x_val.size(0));
    std::vector<torch::Tensor> params = m.weights;
    params.insert(params.end(), m.biases.begin(), m.biases.end());
    const double lr = m.config.real("training.learning_rate");
    torch::optim::Adam adam(params, torch::optim::AdamOptions(lr));
    const int epochs = static_cast<int>(m.config.integer("training.epochs"));
    const int patience = static_cast<int>(m.config.integer("training.patience"));
    const auto batch = m.config.integer("training.batch_size");
    const auto n = m.x_train.size(0);
    Rng rng(m.seed, "training.shuffle");
    double best = std::numeric_limits<double>::infinity();
    std::vector<torch::Tensor> best_w, best_b;
    std::vector<double> best_max;
    const auto start = std::chrono::steady_clock::now();
    for (int e = 0; e < epochs; ++e) {
        const auto t0 = std::chrono::steady_clock::now();
        const double rate = lr * 0.5 * (1 + std::cos(M_PI * e / epochs));  // cosine schedule
        for (auto& group : adam.param_groups())
            static_cast<torch::optim::AdamOptions&>(group.options()).lr(rate);
        // Shuffle with our own generator: deterministic for the seed.
        std::vector<std::int64_t> order(static_cast<size_t>(n));
        for (std::int64_t i = 0; i < n; ++i) order[static_cast<size_t>(i)] = i;
        for (size_t i = order.size() - 1; i > 0; --i)
            std::swap(order[i], order[static_cast<size_t>(rng.next() % (i + 1))]);
        const torch::Tensor perm = torch::from_blob(order.data(), {n}, torch::kInt64).clone();
        double sum = 0;
        std::int64_t steps = 0;
        for (std::int64_t s = 0; s < n; s += batch) {
            const auto idx = perm.slice(0, s, std::min(n, s + batch));
            adam.zero_grad();
            const auto l = m.loss(m.forward(m.x_train.index_select(0, idx), m.qat, true),
                                  m.y_train.index_select(0, idx));
            l.backward();
            adam.step();
            sum += l.item<double>();
            ++steps;
        }
        double val = 0;
        {
            torch::NoGradGuard guard;
            val = m.loss(m.forward(m.x_val, m.qat, false), m.y_val).item<double>();
        }
        EpochLog el{e + 1, sum / std::max<std::int64_t>(1, steps), val, rate,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()};
        log.epochs.push_back(el);
        if (m.progress)
            *m.progress
                << fmt::format(
                       "epoch {:>3}/{}: train loss {:.5f}, validation loss {:.5f}, lr {:.2e}, {:.2f} s\n",
                       el.epoch, epochs, el.train_loss, el.validation_loss, rate, el.seconds)
                << std::flush;
        if (val < best) {
            best = val;
            log.best_epoch = e + 1;
            best_w.clear();
            best_b.clear();
            for (auto& w : m.weights) best_w.push_back(w.detach().clone());
            for (auto& b : m.biases) best_b.push_back(b.detach().clone());
            best_max = m.running_max;
        } else if (e + 1 - log.best_epoch >= patience) {
            break;  // early stopping
        }
    }
    {
        torch::NoGradGuard guard;
        for (size_t l = 0; l < m.weights.size(); ++l) {
            m.weights[l].copy_(best_w[l]);
            m.biases[l].copy_(best_b[l]);
        }
        m.running_max = best_max;
    }
    log.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return log;
}

QuantizedNetwork NetworkTrainer::export_network() const {
    return export_network(impl_->weight_bits, impl_->activation_bits);
}

QuantizedNetwork NetworkTrainer::export_network(const std::vector<int>& weight_bits,
                                                const std::vector<int>& activation_bits) const {
    const Impl& m = *impl_;
    QuantizedNetwork net;
    net.input = m.input;
    net.config = m.config.resolved_toml();
    net.dataset_hash = m.dataset_hash;
    net.seed = m.seed;
    torch::NoGradGuard guard;
    int frac_in = m.input_frac;
    for (size_t l = 0; l < m.geometry.size(); ++l) {
        QuantLayer g = m.geometry[l];
        g.weight_bits = weight_bits.at(l);
        g.out_bits = l + 1 == m.geometry.size() ? m.output_bits : activation_bits.at(l);
        g.weight_frac = weight_frac(m.weights[l], g.weight_bits);
        g.in_frac = frac_in;
        g.out_frac = m.out_frac(l, g.out_bits);
        // A layer whose weights or outputs all shrank to nothing has nothing to quantize: its
        // fraction width would run past any accumulator. Say so rather than export garbage.
        if (std::max({g.weight_frac, g.out_frac, g.in_frac}) > 30)
            throw PixError("TRAIN-002",
                           fmt::format("training left layer {} dead (largest weight {:.3g}, largest output "
                                       "{:.3g}): every input gives it the same output; train with another "
                                       "training.seed or a wider network",
                                       l, m.weights[l].abs().max().item<double>(), m.running_max[l]));
        const torch::Tensor wq =
            grid_round(m.weights[l].to(torch::kFloat64), g.weight_frac, fixed::signed_range(g.weight_bits))
                .to(torch::kInt64)
                .contiguous()
                .view({-1});
        const torch::Tensor bq =
            grid_round(m.biases[l].to(torch::kFloat64), g.acc_frac(), fixed::signed_range(48))
                .to(torch::kInt64)
                .contiguous();
        g.weights.assign(wq.data_ptr<std::int64_t>(), wq.data_ptr<std::int64_t>() + wq.numel());
        g.bias.assign(bq.data_ptr<std::int64_t>(), bq.data_ptr<std::int64_t>() + bq.numel());
        net.layers.push_back(std::move(g));
        frac_in = net.layers.back().out_frac;
    }
    for (size_t h = 0; h < m.heads.size(); ++h)
        net.heads.push_back({m.heads[h], static_cast<int>(h), m.head_std[h], m.head_mean[h]});
    net.derive_accumulator_widths();
    net.validate("exported network");
    return net;
}

std::vector<float> NetworkTrainer::float_outputs(const std::uint16_t* windows, std::size_t n) const {
    torch::NoGradGuard guard;
    const torch::Tensor out =
        impl_->forward(input_tensor(impl_->input, windows, n, impl_->window, torch::kFloat32), false, false)
            .contiguous();
    return std::vector<float>(out.data_ptr<float>(), out.data_ptr<float>() + out.numel());
}

std::vector<std::int64_t> torch_exact_outputs(const QuantizedNetwork& net, const std::uint16_t* windows,
                                              std::size_t n, int window_length) {
    torch::NoGradGuard guard;
    torch::Tensor x =
        input_tensor(net.input, windows, n, static_cast<std::size_t>(window_length), torch::kFloat64);
    x = x * std::ldexp(1.0, -net.layers.front().in_frac);
    for (const QuantLayer& l : net.layers) {
        auto as_real = [](const auto& ints, int frac) {
            std::vector<double> v(ints.begin(), ints.end());
            return torch::tensor(v, torch::kFloat64) * std::ldexp(1.0, -frac);
        };
        torch::Tensor w = as_real(l.weights, l.weight_frac);
        w = l.kind == LayerKind::Dense ? w.view({l.out_channels, l.in_features()})
                                       : w.view({l.out_channels, l.in_channels, l.kernel});
        const torch::Tensor b = as_real(l.bias, l.acc_frac());
        const torch::Tensor acc = linear_part(x, w, b, l);
        const fixed::Range r = l.activation == Activation::None ? fixed::signed_range(l.out_bits)
                                                                : fixed::unsigned_range(l.out_bits);
        // Saturation to [0, max] implements the ReLU (and the clip at 1.0 for clipped ReLU).
        x = grid_round(acc, l.out_frac, r) * std::ldexp(1.0, -l.out_frac);
    }
    const torch::Tensor ints =
        (x * std::ldexp(1.0, net.layers.back().out_frac)).round().to(torch::kInt64).contiguous();
    return std::vector<std::int64_t>(ints.data_ptr<std::int64_t>(),
                                     ints.data_ptr<std::int64_t>() + ints.numel());
}

}  // namespace pixforge::models
