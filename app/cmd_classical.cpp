// pixforge classical: a classical estimator as integer hardware, written as a network file so that
// rtl, synth, simulate and validate run it as they run a trained network.
#include <fmt/format.h>

#include "app/cli.hpp"
#include "core/config.hpp"
#include "core/provenance.hpp"
#include "datasets/baseline_eval.hpp"
#include "datasets/classical_hardware.hpp"
#include "datasets/dataset_file.hpp"
#include "models/network/integer_reference.hpp"

namespace pixforge::app {

Action add_classical_command(CLI::App& cmd, const std::string& command_line) {
    struct Options {
        ConfigOptions config;
        std::string dataset, out;
        datasets::ClassicalHardware spec;
    };
    auto o = std::make_shared<Options>();
    o->config.add_to(cmd);
    cmd.add_option("-d,--dataset", o->dataset, "dataset from pixforge dataset (calibration windows)")
        ->required();
    cmd.add_option("-o,--out", o->out, "the filter as a network file (HDF5, docs/network_schema.md)")
        ->required();
    cmd.add_option("--name", o->spec.name, "which estimator (docs/classical_hardware.md)")
        ->check(CLI::IsMember(datasets::classical_hardware_names()))
        ->capture_default_str();
    cmd.add_option("--bits,--weight-bits", o->spec.bits,
                   "signed bits of each coefficient (linear filters), fraction bits (parabolic_peak, cfd)")
        ->check(CLI::Range(1, 24))
        ->capture_default_str();
    cmd.footer(
        "A classical estimator as integer hardware over the network's input samples (network.window_first,\n"
        "window_length, baseline_log2), calibrated on single-pulse training windows "
        "(docs/classical_hardware.md):\n"
        "the linear filters (optimal_filter, least_squares_fir, trapezoid) give energy with --bits "
        "coefficient\n"
        "bits; the peak units (max_sample, parabolic_peak, cfd) energy and time, with --bits fraction bits,\n"
        "on the streaming template only. Then, as for a trained network:\n"
        "  pixforge classical -c configs/default.toml -d out/default/dataset.h5 --bits 8 -o out/of8.h5\n"
        "  pixforge synth -c configs/default.toml -n out/of8.h5 -t streaming --clock-gating\n"
        "  pixforge rtl -n out/of8.h5 -t streaming --clock-gating --build -o out/of8\n"
        "  pixforge simulate -c configs/default.toml --candidate out/of8 -n 20000");
    return [o, command_line](std::ostream& out, std::ostream&) {
        const Config config = o->config.load();
        const datasets::DatasetReader data(o->dataset);
        const models::QuantizedNetwork net = datasets::classical_network(config, data, o->spec);
        save_network(
            net, o->out,
            provenance_json(current_provenance(command_line), {{"dataset", o->dataset},
                                                               {"classical", o->spec.name},
                                                               {"bits", std::to_string(o->spec.bits)}}));
        const datasets::EstimatorReport r =
            datasets::score_estimator(models::NetworkEstimator(net, o->spec.name + "_hw"), data);
        out << fmt::format("wrote {} ({}: {})\n", o->out, datasets::describe(o->spec),
                           models::describe_layers(net));
        datasets::BaselineReport report;
        report.dataset_path = o->dataset;
        report.test_windows = data.rows("test");
        report.calibration_windows = datasets::calibration_set(data).energy_eV.size();
        report.estimators.push_back(r);
        datasets::print_baseline_table(report, out);
        return 0;
    };
}

}  // namespace pixforge::app
