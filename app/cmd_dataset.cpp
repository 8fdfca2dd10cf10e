// pixforge dataset: labelled windows and an optional stream, as HDF5.
#include <fmt/format.h>

#include "app/cli.hpp"
#include "core/atomic_file.hpp"
#include "core/config.hpp"
#include "datasets/dataset_builder.hpp"
#include "models/chain_params.hpp"

namespace pixforge::app {

Action add_dataset_command(CLI::App& cmd, const std::string& command_line) {
    struct Options {
        ConfigOptions config;
        std::string out;
        std::uint64_t pulses = 0;
        bool quiet = false;
    };
    auto o = std::make_shared<Options>();
    o->config.add_to(cmd);
    cmd.add_option("-o,--out", o->out, "output HDF5 file (written atomically)")->required();
    // Checked before conversion: CLI11 reads "-5" into an unsigned as 2^64 - 5.
    cmd.add_option("--pulses", o->pulses, "labelled windows in all splits (overrides dataset.windows)")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
    cmd.add_flag("-q,--quiet", o->quiet, "no progress lines");
    cmd.footer(
        "Example:\n  pixforge dataset -c configs/default.toml -o out/d0.h5 --pulses 100000\n"
        "Schema: docs/dataset_schema.md (readable with h5py alone).");
    return [o, command_line](std::ostream& out, std::ostream& err) {
        const Config config = o->config.load();
        // The dataset writer renames its own temp file; this adds the fsync before the final name.
        AtomicFile target(o->out);
        const auto summary =
            datasets::build_dataset(config, o->pulses, target.temp().string(),
                                    current_provenance(command_line), o->quiet ? nullptr : &err);
        target.commit();
        const datasets::SplitSizes sizes = datasets::split_sizes(config, summary.windows);
        out << fmt::format(
            "wrote {}: {} windows (train {}, validation {}, test {}){} in {:.2f} s\n", o->out,
            summary.windows, sizes.train, sizes.validation, sizes.test,
            summary.stream_samples ? fmt::format(" + {} stream samples", summary.stream_samples) : "",
            summary.seconds);
        return 0;
    };
}

}  // namespace pixforge::app
