#include "app/cli.hpp"

#include <map>
#include <sstream>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/provenance.hpp"
#ifdef PIXFORGE_HAVE_MPI
#include "core/mpi_work_pool.hpp"
#endif
#include "optimizer/codesign/config_keys.hpp"

namespace pixforge::app {

void ConfigOptions::add_to(CLI::App& command, bool required) {
    auto* opt =
        command.add_option("-c,--config", path, "run configuration (TOML), e.g. configs/default.toml");
    if (required) opt->required();
    command
        .add_option("--set", overrides, "override one key, e.g. --set frontend.shaper_tau=30ns (repeatable)")
        ->take_all();
}

Config ConfigOptions::load() const {
    const ConfigSchema& keys = codesign::all_config_keys();
    return path.empty() ? Config::parse(keys, "", "<defaults>", overrides)
                        : Config::load(keys, path, overrides);
}

void ClassicalHardwareOptions::add_to(CLI::App& command, CLI::Option_group& group,
                                      const std::string& classical_help, bool needs_dataset) {
    CLI::Option* classical = group.add_option("--classical", name, classical_help);
    command
        .add_option(
            "--bits", bits,
            "with --classical and --dataset: signed coefficient bits (optimal_filter, least_squares_fir, "
            "trapezoid, the taps of trapezoid_recursive) or fraction bits (parabolic_peak, cfd, "
            "leading_edge)")
        ->capture_default_str()
        ->check(CLI::Range(1, 24));
    CLI::Option* data = command.add_option("-d,--dataset", dataset,
                                           "dataset whose single-pulse windows calibrate the classical "
                                           "hardware (pixforge dataset, made by this config's chain)");
    data->needs(classical);
    if (needs_dataset) classical->needs(data);
}

void TemplateOptions::add_to(CLI::App& command) {
    command
        .add_option("-t,--template", kind,
                    "parallel | folded | serial (one multiply-accumulate unit) | streaming (the first layer "
                    "accumulates samples as they arrive; docs/rtl.md)")
        ->capture_default_str();
    command
        .add_option("-r,--reuse", reuse,
                    "folded: cycles each multiplier is reused per layer; streaming: cycles per sample")
        ->capture_default_str();
    command.add_option("-p,--pipeline", pipeline, "parallel: register stages per layer (1 or 2)")
        ->capture_default_str();
    command.add_flag("--clock-gating", clock_gating,
                     "clock the data registers through clock gates, so they see no edge while idle "
                     "(needs the library's clock-gate cell: sky130hd)");
}

rtl::HardwareTemplate TemplateOptions::parse() const {
    return rtl::parse_template(kind, reuse, pipeline, clock_gating);
}

void add_rank_silence_option(CLI::App& command, double& seconds) {
    command
        .add_option("--rank-silence", seconds,
                    "under MPI: a worker rank silent this long while it holds a task is taken for dead, s")
        ->capture_default_str()
        ->check(CLI::Range(5.0, 1e6));
}

std::unique_ptr<WorkPool> make_work_pool(double rank_silence_s) {
    if (!launched_by_mpirun()) return std::make_unique<LocalWorkPool>();
#ifdef PIXFORGE_HAVE_MPI
    return make_mpi_work_pool(rank_silence_s);
#else
    throw PixError("MPI-001",
                   "this process was started by mpirun, but this pixforge was built without MPI; install "
                   "libopenmpi-dev and rebuild (scripts/setup.sh does both), or run without mpirun");
#endif
}

namespace {

// A command-line error as every other bad input: a message ID, the command, CLI11's text (it names
// the option and the value) and where to look.
std::string parse_error_message(CLI::App& app, const std::vector<std::string>& args,
                                const CLI::ParseError& e) {
    const char* id = "CLI-001";  // unknown command, option or extra argument
    const std::string what = e.what();
    if (dynamic_cast<const CLI::RequiredError*>(&e))  // an option group also reports too many this way
        id = what.find("were given") != std::string::npos || what.find("at most") != std::string::npos
                 ? "CLI-004"
                 : "CLI-002";
    if (dynamic_cast<const CLI::ConversionError*>(&e) || dynamic_cast<const CLI::ValidationError*>(&e) ||
        dynamic_cast<const CLI::ArgumentMismatch*>(&e))
        id = "CLI-003";
    if (dynamic_cast<const CLI::RequiresError*>(&e) || dynamic_cast<const CLI::ExcludesError*>(&e))
        id = "CLI-004";
    const auto parsed = app.get_subcommands();
    if (parsed.empty() && args.size() > 1 && !args[1].empty() && args[1][0] != '-') {
        // CLI11 reports an unknown command as a missing one: name it, and the known ones.
        std::vector<std::string> known;
        const CLI::App& all = app;
        for (const auto* sub : all.get_subcommands([](const CLI::App*) { return true; }))
            if (!sub->get_group().empty()) known.push_back(sub->get_name());  // hidden ones aside
        return fmt::format("[ERROR CLI-001] pixforge: unknown command '{}'; expected one of: {}", args[1],
                           fmt::join(known, ", "));
    }
    const std::string command = parsed.empty() ? "pixforge" : "pixforge " + parsed.front()->get_name();
    return fmt::format("[ERROR {}] {}: {}; see '{} --help'", id, command, what, command);
}

}  // namespace

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
            const std::vector<ExtraCommand>& extra) {
    CLI::App app{
        fmt::format("pixforge {}: co-design of in-pixel neural networks and their ASIC logic.\n"
                    "Every command reads one TOML run config; values carry units (\"25ns\", \"10keV\").\n"
                    "Start with: pixforge config --describe    (every key, default, unit and meaning)",
                    pixforge_version())};
    app.require_subcommand(1);
    app.set_version_flag("--version", pixforge_version());
    std::string command_line;
    for (const auto& a : args) command_line += (command_line.empty() ? "" : " ") + a;
    std::map<CLI::App*, Action> actions;
    auto add = [&](const char* name, const char* help) { return app.add_subcommand(name, help); };
    CLI::App* c = add("config", "describe every configuration key, or validate and print a resolved config");
    actions[c] = add_config_command(*c);
    c = add("dataset",
            "generate labelled ADC windows (train/validation/test) and an optional stream, as HDF5");
    actions[c] = add_dataset_command(*c, command_line);
    c = add("baseline", "calibrate and score the classical estimators on a dataset's test split");
    actions[c] = add_baseline_command(*c, command_line);
    c = add("classical",
            "a classical estimator as integer hardware, as a network file for rtl, synth, simulate");
    actions[c] = add_classical_command(*c, command_line);
    c = add("bench-dataset", "measure dataset generation speed (windows/s, samples/s) and memory");
    actions[c] = add_bench_dataset_command(*c);
    c = add("rtl",
            "Verilog of a trained network for a hardware template; optionally its Verilated candidate");
    actions[c] = add_rtl_command(*c);
    c = add(
        "synth",
        "area, timing and power of a network on a hardware template: Yosys, OpenSTA, gate-level activity");
    actions[c] = add_synth_command(*c);
    c = add(
        "simulate",
        "the SystemC full chain around a candidate network or a classical estimator, scored against truth");
    actions[c] = add_simulate_command(*c, command_line);
    c = add("chain-job", "the isolated child of a chain run (tb::ChainRunner); not for users");
    c->group("");  // hidden from --help
    actions[c] = add_chain_job_command(*c);
    c = add("report", "summary of a co-design study: best per objective, Pareto set, against classical");
    actions[c] = add_report_command(*c);
    c = add("validate",
            "pre-tapeout checklist of one candidate: equivalence, timing, budgets, max rate, regression");
    actions[c] = add_validate_command(*c);
    c = add("regress",
            "regression suite: designs x scenarios x rates x seeds through the full chain, golden checks; "
            "MPI");
    actions[c] = add_regress_command(*c, command_line);
    c = add("bench-synth",
            "time synthesis + STA + power, and rank-correlate theory proxies with synthesized PPA");
    actions[c] = add_bench_synth_command(*c);
    c = add("bench-chain", "cycles/s of the pixel block in the SystemC chain against the block alone");
    actions[c] = add_bench_chain_command(*c);
    c = add("bench-optimizer", "run an optimizer on a benchmark problem; hypervolume after every evaluation");
    actions[c] = add_bench_optimizer_command(*c, command_line);
    for (const auto& e : extra) {
        c = app.add_subcommand(e.name, e.help);
        actions[c] = e.add(*c, command_line);
    }

    std::vector<std::string> reversed(args.rbegin(),
                                      args.rend() - 1);  // CLI11 wants them reversed, no argv[0]
    try {
        app.parse(reversed);
    } catch (const CLI::Success& e) {  // --help, --version
        std::ostringstream o, er;
        app.exit(e, o, er);
        out << o.str();
        err << er.str();
        return 0;
    } catch (const CLI::ParseError& e) {
        err << parse_error_message(app, args, e) << "\n";
        return 2;
    }
    try {
        for (auto& [sub, action] : actions)
            if (sub->parsed()) return action(out, err);
    } catch (const PixError& e) {
        err << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        err << "[ERROR RUN-001] " << e.what() << "\n";
        return 1;
    }
    return 2;
}

}  // namespace pixforge::app
