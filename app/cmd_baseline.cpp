// pixforge baseline: classical estimators scored on a dataset's test split.
#include <unistd.h>

#include <filesystem>

#include <fmt/format.h>

#include "app/cli.hpp"
#include "core/config.hpp"
#include "datasets/baseline_eval.hpp"
#include "datasets/dataset_builder.hpp"
#include "models/chain_params.hpp"
#include "optimizer/codesign/config_keys.hpp"

namespace pixforge::app {

Action add_baseline_command(CLI::App& cmd, const std::string& command_line) {
    struct Options {
        ConfigOptions config;
        std::string dataset, out;
        bool json = false;
    };
    auto o = std::make_shared<Options>();
    o->config.add_to(cmd);
    cmd.add_option("-d,--dataset", o->dataset,
                   "dataset from pixforge dataset (default: generate one from the config)");
    cmd.add_option("-o,--out", o->out, "also write the results as HDF5");
    cmd.add_flag("--json", o->json, "print JSON instead of tables");
    cmd.footer(
        "The chain (templates, noise) is taken from the dataset's own stored config; [estimators]\n"
        "settings from --config. Example:\n  pixforge baseline -c configs/default.toml -d out/d0.h5 -o "
        "out/baseline.h5");
    return [o, command_line](std::ostream& out, std::ostream& err) {
        const Config config = o->config.load();
        std::string path = o->dataset;
        std::filesystem::path temp;
        if (path.empty()) {
            temp = std::filesystem::temp_directory_path() / fmt::format("pixforge-baseline-{}.h5", getpid());
            datasets::build_dataset(config, 0, temp.string(), current_provenance(command_line), &err);
            path = temp.string();
        }
        struct Cleanup {
            std::filesystem::path p;
            ~Cleanup() {
                if (!p.empty()) std::filesystem::remove(p);
            }
        } cleanup{temp};
        const datasets::DatasetReader dataset(path);
        const Config chain_config =
            Config::parse(codesign::all_config_keys(), dataset.resolved_config(), path + ":/config");
        const models::PixelChain chain(models::chain_params_from(chain_config));
        const auto report = datasets::evaluate_classical(dataset, chain, config);
        if (o->json)
            out << datasets::baseline_json(report) << "\n";
        else
            datasets::print_baseline_table(report, out);
        if (!o->out.empty())
            datasets::write_baseline_h5(report, o->out, current_provenance(command_line),
                                        chain_config.resolved_toml(), chain.params().seed);
        return 0;
    };
}

}  // namespace pixforge::app
