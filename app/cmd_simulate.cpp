// pixforge simulate: the SystemC full chain around one processor (a candidate network or a
// classical estimator), scored against the truth, with an HDF5 report. Every run happens in a
// child process (SystemC elaborates once per process; a crash or hang of a candidate becomes a
// failed result with its log), unless --in-process.
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/cli.hpp"
#include "core/atomic_file.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "core/h5.hpp"
#include "core/process.hpp"
#include "datasets/metrics.hpp"
#include "models/chain_params.hpp"
#include "models/network/integer_reference.hpp"
#include "tb/candidate_dir.hpp"
#include "tb/chain_report.hpp"
#include "tb/chain_testbench.hpp"
#include "tb/simulate_child.hpp"

namespace pixforge::app {

namespace fs = std::filesystem;

namespace {

double number_or_nan(const nlohmann::json& j) {
    return j.is_number() ? j.get<double>() : NAN;
}

struct SimulateOptions {
    ConfigOptions config;
    std::string candidate, classical, rate, out, cache, json_file, sweep;
    std::uint64_t pulses = 100000;
    double timeout_s = 3600;
    bool json = false, in_process = false;
};

// One run in this process: elaborate, simulate, score, report.
int simulate_here(const SimulateOptions& o, const std::string& command_line, std::ostream& out) {
    std::vector<std::string> overrides = o.config.overrides;
    if (!o.rate.empty()) overrides.push_back("source.rate=\"" + o.rate + "\"");
    const Config config = Config::load(o.config.path, overrides);
    const models::PixelChain chain(models::chain_params_from(config));
    tb::ChainOptions options = tb::ChainOptions::from_config(config);
    options.pulses = o.pulses;
    tb::Identity identity;
    tb::ChainRun run;
    if (!o.classical.empty()) {
        identity["classical"] = o.classical;
        run = tb::run_chain_classical(chain, config, options, o.classical);
    } else {
        const tb::LoadedCandidate c = tb::load_candidate_dir(
            o.candidate, o.cache.empty() ? rtl::CandidateBuilder::default_cache() : fs::path(o.cache),
            chain.params());
        tb::ProcessorChoice choice;
        choice.library = c.library;
        choice.network = c.network;
        choice.template_name = c.hardware.name();
        choice.latency_cycles = c.rtl.timing.latency;
        identity = {{"candidate", o.candidate},
                    {"network_hash", c.network.content_hash()},
                    {"rtl_hash", c.rtl.rtl_hash()},
                    {"template", c.hardware.name()},
                    {"library", c.library.string()},
                    {"latency_cycles", std::to_string(c.rtl.timing.latency)},
                    {"network", models::describe_layers(c.network)}};
        run = tb::run_chain(chain, options, choice);
    }
    const tb::ChainMetrics metrics = tb::score_chain(run, chain);
    if (!o.out.empty())
        tb::write_chain_report(o.out, run, metrics, identity, current_provenance(command_line),
                               config.resolved_toml(), options.seed);
    const std::string json = tb::chain_json(run, metrics, identity);
    if (!o.json_file.empty()) std::ofstream(o.json_file) << json << "\n";
    if (o.json)
        out << json << "\n";
    else
        tb::print_chain_summary(run, metrics, out);
    return 0;
}

// The same run in a child process (tb::run_simulate_child), its arguments rebuilt from the parsed
// options (never from a re-split command line: paths and values may hold spaces); the parent
// chooses the rate and the output.
tb::ChildRun simulate_in_child(const SimulateOptions& o, const std::string& rate, const std::string& out,
                               int run) {
    std::vector<std::string> argv{"/proc/self/exe", "simulate", "-c", o.config.path};
    for (const std::string& s : o.config.overrides) argv.insert(argv.end(), {"--set", s});
    if (!o.candidate.empty()) argv.insert(argv.end(), {"--candidate", o.candidate});
    if (!o.classical.empty()) argv.insert(argv.end(), {"--classical", o.classical});
    if (!o.cache.empty()) argv.insert(argv.end(), {"--cache", o.cache});
    argv.insert(argv.end(), {"-n", std::to_string(o.pulses)});
    if (!rate.empty()) argv.insert(argv.end(), {"--rate", rate});
    if (!out.empty()) argv.insert(argv.end(), {"--out", out});
    const fs::path work =
        fs::temp_directory_path() / fmt::format("pixforge-simulate-{}", getpid()) / std::to_string(run);
    return tb::run_simulate_child(argv, work, o.timeout_s);
}

// The --sweep rates, each checked as source.rate with the whole config before any child runs, so a
// bad rate is refused (CFG-005, naming it) instead of failing in every child.
std::vector<std::string> sweep_rates(const SimulateOptions& o) {
    std::vector<std::string> rates;
    for (std::stringstream s(o.sweep); s.good();) {
        std::string r;
        std::getline(s, r, ',');
        if (!r.empty()) rates.push_back(r);
    }
    if (rates.empty())
        throw PixError("CLI-003", fmt::format("pixforge simulate: --sweep '{}' names no rate; expected "
                                              "comma-separated rates such as 1e4/s,1e5/s",
                                              o.sweep));
    Config::load(o.config.path, o.config.overrides);  // its own errors, unprefixed
    for (const std::string& rate : rates) {
        std::vector<std::string> overrides = o.config.overrides;
        overrides.push_back("source.rate=\"" + rate + "\"");
        try {
            Config::load(o.config.path, overrides);
        } catch (const PixError& e) {
            const std::string what = e.what(), prefix = "[ERROR " + e.id() + "] ";
            throw PixError(e.id(),
                           fmt::format("--sweep rate '{}': {}", rate,
                                       what.rfind(prefix, 0) == 0 ? what.substr(prefix.size()) : what));
        }
    }
    return rates;
}

}  // namespace

Action add_simulate_command(CLI::App& cmd, const std::string& command_line) {
    auto o = std::make_shared<SimulateOptions>();
    o->config.add_to(cmd);
    auto* processor = cmd.add_option_group("processor", "what takes the processor slot");
    processor->add_option("--candidate", o->candidate, "candidate folder from pixforge rtl -o DIR");
    processor->add_option(
        "--classical", o->classical,
        "classical estimator instead: max_sample, parabolic_peak, trapezoid, optimal_filter, cfd, "
        "leading_edge, pileup_inspector");
    processor->require_option(1);
    // Checked before conversion: CLI11 reads "-5" into an unsigned as 2^64 - 5.
    cmd.add_option("-n,--pulses", o->pulses, "photons in the stream")
        ->capture_default_str()
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
    cmd.add_option("--rate", o->rate, "photon rate, overrides source.rate (e.g. 1e6/s)");
    cmd.add_option("--sweep", o->sweep,
                   "comma-separated rates (e.g. 1e4/s,1e5/s,1e6/s): one run each, report of "
                   "resolution and output rate against input rate");
    cmd.add_option("-o,--out", o->out, "HDF5 report (docs/chain.md)");
    cmd.add_flag("--json", o->json, "print the summary as JSON");
    cmd.add_option("--cache", o->cache, "candidate cache (default $PIXFORGE_CACHE or ~/.cache/pixforge)");
    cmd.add_option("--timeout", o->timeout_s, "wall-clock limit of one run, s")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd.add_flag("--in-process", o->in_process,
                 "run in this process (no crash isolation; used by the child)");
    cmd.add_option("--json-file", o->json_file, "also write the JSON summary to this file")->group("");
    cmd.footer(
        "The chain: Poisson photons -> CSA + shaper + noise -> ADC -> self-trigger (dead time) -> processor\n"
        "(the Verilated network cycle by cycle, or a classical estimator) -> output FIFO + link -> "
        "scoreboard.\n"
        "[readout] keys: fifo_depth, link_rate, input_buffer, classical_latency; the processor clock is\n"
        "synthesis.clock_period. Examples:\n"
        "  pixforge rtl -n out/default/network.h5 -t parallel -o out/cand --build\n"
        "  pixforge simulate -c configs/default.toml --candidate out/cand -n 100000 -o out/chain.h5\n"
        "  pixforge simulate -c configs/default.toml --classical optimal_filter --sweep 1e4/s,1e5/s,1e6/s -o "
        "sweep.h5");
    return [o, command_line](std::ostream& out, std::ostream& err) {
        if (o->in_process) return simulate_here(*o, command_line, out);
        if (o->sweep.empty()) {
            const tb::ChildRun c = simulate_in_child(*o, o->rate, o->out, 0);
            if (c.bad_input) {
                err << c.failure;
                return 2;
            }
            if (!c.ok) {
                err << "[ERROR SIM-004] " << c.failure << "\n";
                return 1;
            }
            out << (o->json ? c.summary.dump(2) + "\n" : log_tail(c.log, 100000));
            return 0;
        }
        const std::vector<std::string> rates = sweep_rates(*o);
        std::vector<double> in_rate, out_rate, trig_rate, dead, lost_busy, lost_fifo, toa, mean_fwhm;
        std::vector<std::vector<double>> fwhm;
        std::vector<std::string> failed;
        out << fmt::format("{:>12} {:>12} {:>12} {:>8} {:>9} {:>9} {:>10}  FWHM per line, mean (eV)\n",
                           "rate in /s", "triggers /s", "results /s", "dead %", "lost busy", "lost FIFO",
                           "ToA ns");
        for (size_t i = 0; i < rates.size(); ++i) {
            const std::string& rate = rates[i];
            const tb::ChildRun c = simulate_in_child(*o, rate, "", static_cast<int>(i));
            if (c.bad_input) {  // refused for every rate alike: no report of nothing
                err << c.failure;
                return 2;
            }
            if (!c.ok) {
                out << fmt::format("{:>12} FAILED: {}\n", rate, c.failure);
                failed.push_back(rate);
                continue;
            }
            const auto& s = c.summary;
            in_rate.push_back(s["input_rate_per_s"]), out_rate.push_back(s["output_rate_per_s"]);
            trig_rate.push_back(s["trigger_rate_per_s"]), dead.push_back(s["dead_fraction"]);
            lost_busy.push_back(s["lost_busy"]), lost_fifo.push_back(s["lost_fifo"]);
            // A figure that was not fitted is null in the summary: NaN here, "not fitted" in the table.
            toa.push_back(number_or_nan(s["toa_sigma_s"]) * 1e9);
            std::vector<double> f;
            std::string line;
            for (const auto& l : s["lines"]) {
                f.push_back(number_or_nan(l["fwhm_eV"]));
                line += fmt::format(" {:>10}", datasets::fitted_text(f.back(), "{:.0f}"));
            }
            fwhm.push_back(f);
            mean_fwhm.push_back(number_or_nan(s["energy_fwhm_mean_eV"]));
            out << fmt::format("{:>12.4g} {:>12.4g} {:>12.4g} {:>8.2f} {:>9.0f} {:>9.0f} {:>10} {} {:>10}\n",
                               in_rate.back(), trig_rate.back(), out_rate.back(), 100 * dead.back(),
                               lost_busy.back(), lost_fifo.back(),
                               datasets::fitted_text(toa.back(), "{:.3f}"), line,
                               datasets::fitted_text(mean_fwhm.back(), "{:.0f}"));
            out.flush();
        }
        if (!o->out.empty()) {
            AtomicFile target(o->out);
            {
                h5::Handle file = h5::create_file(target.temp().string());
                h5::write_attribute(file.id(), "schema", std::string("pixforge.chain_sweep"));
                h5::write_attribute(file.id(), "schema_version", std::int64_t{1});
                const Config config = Config::load(o->config.path, o->config.overrides);
                h5::write_provenance(file.id(), current_provenance(command_line), config.resolved_toml(),
                                     static_cast<std::uint64_t>(config.integer("run.seed")));
                h5::Handle g = h5::create_group(file.id(), "sweep");
                h5::write_vector(g.id(), "input_rate", in_rate, "1/s");
                h5::write_vector(g.id(), "trigger_rate", trig_rate, "1/s");
                h5::write_vector(g.id(), "output_rate", out_rate, "1/s");
                h5::write_vector(g.id(), "dead_fraction", dead, "");
                h5::write_vector(g.id(), "lost_busy", lost_busy, "");
                h5::write_vector(g.id(), "lost_fifo", lost_fifo, "");
                h5::write_vector(g.id(), "toa_sigma", toa, "ns");  // NaN: not fitted
                h5::write_vector(g.id(), "mean_fwhm", mean_fwhm, "eV");
                for (size_t l = 0; !fwhm.empty() && l < fwhm.front().size(); ++l) {
                    std::vector<double> column;
                    for (const auto& row : fwhm) column.push_back(row[l]);
                    h5::write_vector(g.id(), fmt::format("fwhm_line{}", l), column, "eV");
                }
                h5::write_strings(g.id(), "failed_rates", failed);
            }
            target.commit();
        }
        return failed.empty() ? 0 : 1;
    };
}

}  // namespace pixforge::app
