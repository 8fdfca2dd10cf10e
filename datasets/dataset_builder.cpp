#include "datasets/dataset_builder.hpp"

#include "core/content_hash.hpp"

#include <chrono>
#include <cmath>
#include <iostream>

#include "core/progress.hpp"
#include "datasets/dataset_file.hpp"
#include "models/spectrum.hpp"
#include "models/stream_generator.hpp"
#include "models/window_generator.hpp"

namespace pixforge::datasets {

SplitSizes split_sizes(const Config& config, std::uint64_t total) {
    const double fv = config.real("dataset.validation_fraction"), ft = config.real("dataset.test_fraction");
    if (fv + ft >= 1.0)
        config.reject("dataset.test_fraction", "validation_fraction + test_fraction must be below 1");
    SplitSizes s;
    s.validation = static_cast<std::uint64_t>(std::llround(fv * static_cast<double>(total)));
    s.test = static_cast<std::uint64_t>(std::llround(ft * static_cast<double>(total)));
    s.train = total - s.validation - s.test;
    return s;
}

BuildSummary build_dataset(const Config& config, const models::PixelChain& chain, const SplitSizes& sizes,
                           const std::string& out_path, const Provenance& provenance,
                           std::ostream* progress) {
    const auto start = std::chrono::steady_clock::now();
    const models::ChainParams& p = chain.params();
    DatasetWriter writer(out_path, chain, provenance, config.resolved_toml());
    const models::EnergySpectrum train_spectrum(p.spectrum), test_spectrum(p.test_spectrum);
    BuildSummary summary;
    const std::uint64_t total = sizes.train + sizes.validation + sizes.test;
    Progress bar(progress ? *progress : std::cerr, "dataset", total, "windows", progress != nullptr);
    const std::pair<const char*, std::uint64_t> plan[] = {
        {"train", sizes.train}, {"validation", sizes.validation}, {"test", sizes.test}};
    models::LabelledWindow window;
    for (const auto& [name, count] : plan) {
        const models::EnergySpectrum& spectrum = std::string(name) == "test" ? test_spectrum : train_spectrum;
        models::WindowGenerator generator(chain, spectrum, p.rate_per_s,
                                          Rng(p.seed, std::string("dataset.") + name));
        writer.begin_split(name);
        for (std::uint64_t i = 0; i < count; ++i) {
            generator.next(window);
            writer.append(window);
            if ((++summary.windows & 0x3FFF) == 0) bar.update(summary.windows);
        }
        writer.end_split(generator.counters(), p.rate_per_s);
    }
    bar.update(summary.windows);
    bar.finish();
    const double duration = config.real("dataset.stream_duration");
    if (duration > 0) {
        models::generate_stream(chain, train_spectrum, p.rate_per_s, duration, Rng(p.seed, "dataset.stream"),
                                65536, [&](const models::StreamChunk& chunk) {
                                    summary.stream_samples += chunk.adc.size();
                                    writer.append_stream(chunk);
                                });
    }
    writer.commit();
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return summary;
}

BuildSummary build_dataset(const Config& config, std::uint64_t total_windows, const std::string& out_path,
                           const Provenance& provenance, std::ostream* progress) {
    const models::PixelChain chain(models::chain_params_from(config));
    const std::uint64_t total =
        total_windows ? total_windows : static_cast<std::uint64_t>(config.integer("dataset.windows"));
    return build_dataset(config, chain, split_sizes(config, total), out_path, provenance, progress);
}

std::string dataset_cache_key(const Config& config) {
    return ContentHash()
        .add(config.resolved_sections({"run", "sensor", "spectrum", "test_spectrum", "source", "frontend",
                                       "noise", "adc", "trigger", "labels", "dataset"}))
        .hex();
}

// [dataset]: the keys split_sizes and build_dataset read.
void declare_dataset_keys(ConfigSchema& s) {
    using namespace keys;
    using units::Dimension;
    s.add(integer("dataset.windows", "200000", 10, 1e10, "labelled windows in all splits"));
    s.add(real("dataset.validation_fraction", Dimension::Dimensionless, "0.15", 0, 0.9,
               "share of windows for validation"));
    s.add(real("dataset.test_fraction", Dimension::Dimensionless, "0.15", 0.01, 0.9,
               "share of windows for test"));
    s.add(real("dataset.stream_duration", Dimension::Time, "\"0us\"", 0, 1.0,
               "length of the continuous ADC stream stored beside the windows (0 = none)"));
}

}  // namespace pixforge::datasets
