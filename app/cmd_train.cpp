// pixforge train: quantization-aware training, export to the integer IR, and test metrics beside
// the classical estimators (same table, same units as pixforge baseline).
#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/cmd_train.hpp"
#include "core/atomic_file.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "core/provenance.hpp"
#include "datasets/baseline_eval.hpp"
#include "models/chain_params.hpp"
#include "models/network/integer_reference.hpp"
#include "models/training/network_trainer.hpp"

namespace pixforge::app {
namespace {

// The best classical value of each figure, for the side-by-side summary.
void print_side_by_side(const datasets::BaselineReport& r, size_t classical, std::ostream& out) {
    out << "\nNetwork against the best classical estimator per figure:\n";
    for (size_t n = classical; n < r.estimators.size(); ++n) {
        const auto& net = r.estimators[n];
        for (size_t l = 0; l < net.lines.size(); ++l) {
            // A failed peak fit (FWHM 0) is no result, so it cannot be the best.
            auto fwhm = [&](size_t c) {
                const double f = r.estimators[c].lines[l].fwhm_eV;
                return f > 0 ? f : std::numeric_limits<double>::infinity();
            };
            size_t best = 0;
            for (size_t c = 1; c < classical; ++c)
                if (fwhm(c) < fwhm(best)) best = c;
            out << fmt::format("  {:<12} FWHM at {:6.2f} keV: {:7.0f} eV vs {:7.0f} eV ({})\n", net.name,
                               net.lines[l].line_eV * 1e-3, net.lines[l].fwhm_eV,
                               r.estimators[best].lines[l].fwhm_eV, r.estimators[best].name);
        }
        size_t bt = 0, bp = 0;
        for (size_t c = 1; c < classical; ++c) {
            if (r.estimators[c].timing.sigma_s < r.estimators[bt].timing.sigma_s) bt = c;
            if (r.estimators[c].pileup.auc > r.estimators[bp].pileup.auc) bp = c;
        }
        out << fmt::format("  {:<12} ToA sigma: {:.3f} ns vs {:.3f} ns ({})\n", net.name,
                           net.timing.sigma_s * 1e9, r.estimators[bt].timing.sigma_s * 1e9,
                           r.estimators[bt].name);
        out << fmt::format("  {:<12} pile-up AUC: {:.3f} vs {:.3f} ({})\n", net.name, net.pileup.auc,
                           r.estimators[bp].pileup.auc, r.estimators[bp].name);
    }
}

// The network records this run's config as the chain it was trained for (a candidate is later held
// against it: SIM-005..007), so that chain must be the one the dataset's windows come from.
void require_dataset_chain(const Config& config, const datasets::DatasetReader& data) {
    const models::ChainParams mine = models::chain_params_from(config);
    const models::ChainParams made =
        models::chain_params_from(Config::parse(data.resolved_config(), data.path() + ":/config"));
    auto refuse = [&](const char* key, const std::string& dataset_value, const std::string& config_value) {
        throw PixError(
            "DATA-005",
            fmt::format("{}: the dataset was made with {} = {}, the config has {} = {}; train with "
                        "the config the dataset was made with (--set {}={}) or regenerate the dataset",
                        data.path(), key, dataset_value, key, config_value, key, dataset_value));
    };
    const auto same = [](double a, double b) {
        return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b));
    };
    if (mine.trigger.window != data.window())
        refuse("trigger.window", std::to_string(data.window()), std::to_string(mine.trigger.window));
    if (mine.trigger.pre_trigger != made.trigger.pre_trigger)
        refuse("trigger.pre_trigger", std::to_string(made.trigger.pre_trigger),
               std::to_string(mine.trigger.pre_trigger));
    if (mine.adc.bits != made.adc.bits)
        refuse("adc.bits", std::to_string(made.adc.bits), std::to_string(mine.adc.bits));
    if (!same(mine.adc.baseline_e, made.adc.baseline_e))
        refuse("adc.baseline", fmt::format("{:.6g} e-", made.adc.baseline_e),
               fmt::format("{:.6g} e-", mine.adc.baseline_e));
    if (!same(mine.adc.full_scale_e, made.adc.full_scale_e))
        refuse("adc.full_scale", fmt::format("{:.6g} e-", made.adc.full_scale_e),
               fmt::format("{:.6g} e-", mine.adc.full_scale_e));
}

}  // namespace

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
                const Config config = Config::load(o->config.path, o->config.overrides);
                const datasets::DatasetReader data(o->dataset);
                require_dataset_chain(config, data);
                const models::TrainingSet set = datasets::read_training_set(data);
                models::NetworkTrainer trainer(config, set, o->quiet ? nullptr : &err);
                const models::TrainingLog log = trainer.train();
                const models::QuantizedNetwork net = trainer.export_network();
                const Provenance p = current_provenance(command_line);
                save_network(net, o->out, provenance_json(p, {{"dataset", o->dataset}}));  // atomic
                const Config chain_config = Config::parse(data.resolved_config(), o->dataset + ":/config");
                const models::PixelChain chain(models::chain_params_from(chain_config));
                datasets::BaselineReport report = datasets::evaluate_classical(data, chain, config);
                const size_t classical = report.estimators.size();
                report.estimators.push_back(
                    datasets::score_estimator(models::NetworkEstimator(net, "network"), data));
                if (o->ptq) {
                    const Config float_config = Config::parse(config.document(), config.source(), [&] {
                        auto v = o->config.overrides;
                        v.push_back("training.quantization_aware=false");
                        return v;
                    }());
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
                print_side_by_side(report, classical, out);
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
