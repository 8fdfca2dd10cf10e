// Writes the HDF5 seed inputs of fuzz/corpus/ with pixforge's own writers, so the seeds are
// what real users pass: a small dataset, a small network, and a generic table file.
// Usage: fuzz_make_seeds <corpus folder>   (scripts/fuzz.sh seeds)
#include <cstdio>
#include <filesystem>
#include <string>

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/h5.hpp"
#include "datasets/dataset_builder.hpp"
#include "models/chain_params.hpp"
#include "models/network/quantized_network.hpp"
#include "optimizer/codesign/config_keys.hpp"

using namespace pixforge;

namespace {

// Two dense layers, as in tests/test_network.cpp: four samples in, one energy out.
models::QuantizedNetwork small_network(int hidden) {
    models::QuantizedNetwork n;
    n.input = {0, 4, 1, 0, 10};
    models::QuantLayer a;
    a.in_length = 4;
    a.out_channels = hidden;
    a.weight_bits = 4;
    a.weight_frac = 2;
    a.out_bits = 4;
    for (int i = 0; i < 4 * hidden; ++i) a.weights.push_back(i % 7 - 3);
    a.bias.assign(static_cast<std::size_t>(hidden), 1);
    models::QuantLayer b;
    b.activation = models::Activation::None;
    b.in_length = hidden;
    b.out_channels = 1;
    b.weight_bits = 4;
    b.weight_frac = 1;
    b.out_bits = 8;
    b.out_frac = 1;
    for (int i = 0; i < hidden; ++i) b.weights.push_back(i % 2 ? 3 : -1);
    b.bias = {1};
    n.layers = {a, b};
    n.heads = {{"energy", 0, 1000.0, 5.0}};
    n.derive_accumulator_widths();
    return n;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s <corpus folder>\n", argv[0]);
        return 2;
    }
    const std::filesystem::path corpus = argv[1];
    try {
        for (const char* d : {"dataset_file", "network_file", "h5_table"})
            std::filesystem::create_directories(corpus / d);
        // Tiny splits and a short stream keep the seeds a few kB.
        const Config config = Config::parse(pixforge::codesign::all_config_keys(), "", "seed.toml",
                                            {"dataset.stream_duration=2us", "trigger.window=16"});
        const models::PixelChain chain(models::chain_params_from(config));
        datasets::build_dataset(config, chain, {6, 3, 3}, (corpus / "dataset_file/small.h5").string(),
                                current_provenance("fuzz_make_seeds"), nullptr);
        models::save_network(small_network(2), (corpus / "network_file/dense2.h5").string(), "{}");
        models::save_network(small_network(5), (corpus / "network_file/dense5.h5").string(), "{}");
        {
            h5::Handle f = h5::create_file((corpus / "h5_table/table.h5").string());
            h5::write_attribute(f.id(), "schema", std::string("pixforge.table"));
            h5::write_attribute(f.id(), "schema_version", std::int64_t{1});
            h5::write_vector(f.id(), "values", std::vector<double>{1.5, 2.5, 3.5}, "keV");
            h5::AppendableDataset table(f.id(), "table", H5T_STD_I32LE, 3, 4, "");
            table.append(std::vector<std::int32_t>{1, 2, 3, 4, 5, 6});
            h5::Handle g = h5::create_group(f.id(), "group");
            h5::write_attribute(g.id(), "count", std::int64_t{2});
            h5::write_vector(g.id(), "table", std::vector<std::uint8_t>{7, 8}, "");
        }
    } catch (const PixError& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 2;
    }
    return 0;
}
