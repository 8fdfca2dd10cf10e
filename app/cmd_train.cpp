// pixforge train: quantization-aware training, export to the integer IR, and test metrics beside
// the classical estimators (same table, same units as pixforge baseline).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/cmd_train.hpp"
#include "core/atomic_file.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "core/provenance.hpp"
#include "datasets/baseline_eval.hpp"
#include "datasets/dataset_file.hpp"
#include "models/chain_params.hpp"
#include "models/network/integer_reference.hpp"
#include "models/training/network_trainer.hpp"

namespace pixforge::app {
ExtraCommand train_command() {
    return {
        "train", "quantization-aware training of the in-pixel network; integer IR + test metrics",
        [](CLI::App& cmd, const std::string& command_line) -> Action {
            struct Options {
                ConfigOptions config;
                std::string dataset, out;
                bool json = false, ptq = false, quiet = false;
            };
            auto o = std::make_shared<Options>();
            o->config.add_to(cmd);
            cmd.add_option("-d,--dataset", o->dataset, "dataset from pixforge dataset")->required();
            cmd.add_option("-o,--out", o->out, "the trained network (HDF5, schema docs/network_schema.md)")
                ->required();
            cmd.add_flag("--json", o->json, "print JSON instead of tables");
            cmd.add_flag("--compare-ptq", o->ptq,
                         "also train in float and quantize afterwards, for comparison");
            cmd.add_flag("-q,--quiet", o->quiet, "no per-epoch lines");
            cmd.footer(
                "Example:\n  pixforge train -c configs/default.toml -d out/default/dataset.h5 -o "
                "out/default/net.h5");
            return [o, command_line](std::ostream& out, std::ostream& err) {
                const Config config = o->config.load();
                const datasets::DatasetReader data(o->dataset);
                datasets::require_same_chain(config, data);
                const models::TrainingSet set = datasets::read_training_set(data);
                models::NetworkTrainer trainer(config, set, o->quiet ? nullptr : &err);
                const models::TrainingLog log = trainer.train();
                const models::QuantizedNetwork net = trainer.export_network();
                const Provenance p = current_provenance(command_line);
                save_network(net, o->out, provenance_json(p, {{"dataset", o->dataset}}));  // atomic
                const models::PixelChain chain(
                    models::chain_params_from_stored(data.resolved_config(), o->dataset + ":/config"));
                datasets::BaselineReport report = datasets::evaluate_classical(data, chain, config);
                const size_t classical = report.estimators.size();
                report.estimators.push_back(
                    datasets::score_estimator(models::NetworkEstimator(net, "network"), data));
                if (o->ptq) {
                    const Config float_config = config.with({"training.quantization_aware=false"});
                    models::NetworkTrainer ptq(float_config, set, nullptr);
                    ptq.train();
                    report.estimators.push_back(datasets::score_estimator(
                        models::NetworkEstimator(ptq.export_network(), "network_ptq"), data));
                }
                const models::NetworkProxies px = models::theory_proxies(net);
                if (o->json) {
                    nlohmann::json j = nlohmann::json::parse(datasets::baseline_json(report));
                    j["training"] = {{"seconds", log.seconds},
                                     {"epochs", log.epochs.size()},
                                     {"best_epoch", log.best_epoch},
                                     {"train_windows", log.train_windows}};
                    j["proxies"] = {{"macs", px.macs},
                                    {"bops", px.bops},
                                    {"parameter_bits", px.parameter_bits},
                                    {"activation_bits", px.activation_bits},
                                    {"latency_parallel_cycles", px.latency_parallel},
                                    {"latency_folded_cycles", px.latency_folded}};
                    j["network"] = o->out;
                    out << j.dump(2) << "\n";
                    return 0;
                }
                out << fmt::format(
                    "trained {} on {} windows in {:.1f} s ({} epochs, best {}); wrote {} ({})\n\n",
                    net.content_hash(), log.train_windows, log.seconds, log.epochs.size(), log.best_epoch,
                    o->out, models::describe_layers(net));
                datasets::print_baseline_table(report, out);
                datasets::print_against_classical(report, classical, out);
                out << fmt::format(
                    "\nProxies: {} MACs, {} BOPs, {} parameter bits, {} activation bits, latency {} cycles "
                    "(parallel) / {} (folded, R = 4)\n",
                    px.macs, px.bops, px.parameter_bits, px.activation_bits, px.latency_parallel,
                    px.latency_folded);
                return 0;
            };
        }};
}

}  // namespace pixforge::app
