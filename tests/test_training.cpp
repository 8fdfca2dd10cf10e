// Quantization-aware training with LibTorch against the integer reference: bit-exactness on the
// whole test split (0 mismatches), quantization error against bit width, learning beyond a
// trivial predictor, determinism for a seed. The only test binary that links LibTorch.
#define BOOST_TEST_MODULE training
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "core/provenance.hpp"
#include "datasets/dataset_builder.hpp"
#include "datasets/dataset_file.hpp"
#include "models/network/integer_reference.hpp"
#include "models/training/network_trainer.hpp"
#include "optimizer/codesign/config_keys.hpp"
#include "test_support.hpp"

using namespace pixforge;
using namespace pixforge::models;

namespace {

struct Fixture {
    test::TempDir dir;
    std::string path = (dir.path() / "d.h5").string();
    Fixture() {
        const Config c =
            Config::parse(pixforge::codesign::all_config_keys(), "", "test", {"dataset.windows=4000"});
        datasets::build_dataset(c, 0, path, current_provenance("test"), nullptr);
    }
};

Config training_config(std::vector<std::string> extra) {
    std::vector<std::string> base = {"training.epochs=4", "training.threads=1", "network.hidden=[8]"};
    base.insert(base.end(), extra.begin(), extra.end());
    return Config::parse(pixforge::codesign::all_config_keys(), "", "test", base);
}

// Compares torch's exact forward with the integer reference on the whole test split.
std::size_t mismatches(const QuantizedNetwork& net, const datasets::DatasetReader& data) {
    datasets::WindowBatch b;
    data.read("test", 0, data.rows("test"), b);
    const auto torch_out = torch_exact_outputs(net, b.adc.data(), b.rows, b.window);
    const IntegerReference ref(net);
    std::vector<std::int64_t> out;
    std::size_t bad = 0;
    const auto outputs = static_cast<std::size_t>(net.layers.back().out_features());
    for (std::size_t i = 0; i < b.rows; ++i) {
        ref.run(b.adc.data() + i * static_cast<std::size_t>(b.window), out);
        for (std::size_t k = 0; k < outputs; ++k) bad += out[k] != torch_out[i * outputs + k];
    }
    return bad;
}

}  // namespace

BOOST_AUTO_TEST_CASE(integer_reference_is_bit_exact_with_torch) {
    Fixture f;
    const datasets::DatasetReader data(f.path);
    const std::vector<std::vector<std::string>> variants = {
        {},
        {"network.conv_channels=3", "network.conv_kernel=3", "network.conv_stride=2"},
        {"network.activation=\"clipped_relu\"", "network.weight_bits=[4]", "network.activation_bits=[5]"},
    };
    for (const auto& v : variants) {
        NetworkTrainer trainer(training_config(v), datasets::read_training_set(data), nullptr);
        trainer.train();
        const QuantizedNetwork net = trainer.export_network();
        const std::size_t bad = mismatches(net, data);
        BOOST_TEST_MESSAGE(describe_layers(net)
                           << ": " << bad << " mismatches on " << data.rows("test") << " windows");
        BOOST_TEST(bad == 0u, describe_layers(net));
    }
}

BOOST_AUTO_TEST_CASE(more_bits_give_smaller_quantization_error) {
    Fixture f;
    const datasets::DatasetReader data(f.path);
    NetworkTrainer trainer(training_config({"training.quantization_aware=false"}),
                           datasets::read_training_set(data), nullptr);
    trainer.train();
    datasets::WindowBatch b;
    data.read("validation", 0, data.rows("validation"), b);
    const std::vector<float> reference = trainer.float_outputs(b.adc.data(), b.rows);
    double previous = 1e300;
    for (int bits : {3, 5, 8, 12}) {
        const QuantizedNetwork net = trainer.export_network({bits, bits}, {bits});
        const IntegerReference ref(net);
        std::vector<std::int64_t> out;
        double err = 0;
        const auto heads = net.heads.size();
        for (std::size_t i = 0; i < b.rows; ++i) {
            ref.run(b.adc.data() + i * static_cast<std::size_t>(b.window), out);
            for (std::size_t h = 0; h < heads; ++h)
                err += std::fabs(std::ldexp(static_cast<double>(out[h]), -net.layers.back().out_frac) -
                                 reference[i * heads + h]);
        }
        err /= static_cast<double>(b.rows * heads);
        BOOST_TEST_MESSAGE(bits << " bits: mean |quantized - float| = " << err << " (normalized units)");
        BOOST_TEST(err < previous, bits << " bits");
        previous = err;
    }
    BOOST_TEST(previous < 0.05);
}

BOOST_AUTO_TEST_CASE(training_beats_a_trivial_predictor_and_is_deterministic) {
    Fixture f;
    const datasets::DatasetReader data(f.path);
    const Config config =
        training_config({"training.epochs=30", "training.batch_size=64", "training.patience=30"});
    NetworkTrainer a(config, datasets::read_training_set(data), nullptr);
    a.train();
    const QuantizedNetwork net = a.export_network();
    const NetworkEstimator estimator(net);
    datasets::WindowBatch b;
    data.read("validation", 0, data.rows("validation"), b);
    double mean = 0, sq_trivial = 0, sq_net = 0;
    for (std::size_t i = 0; i < b.rows; ++i) mean += b.collected_keV[i] * 1e3 / static_cast<double>(b.rows);
    for (std::size_t i = 0; i < b.rows; ++i) {
        const double truth = b.collected_keV[i] * 1e3;
        const double e = estimator.estimate(b.adc.data() + i * static_cast<std::size_t>(b.window)).energy_eV;
        sq_trivial += (truth - mean) * (truth - mean);
        sq_net += (truth - e) * (truth - e);
    }
    const double ratio = std::sqrt(sq_net / sq_trivial);
    BOOST_TEST_MESSAGE("energy RMSE: network / predict-the-mean = " << ratio);
    BOOST_TEST(ratio < 0.3);
    NetworkTrainer again(config, datasets::read_training_set(data), nullptr);
    again.train();
    BOOST_TEST(again.export_network().content_hash() == net.content_hash());
}
