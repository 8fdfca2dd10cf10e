// pixforge validate: the pre-tapeout checklist of one candidate. Each check prints PASS or FAIL
// with its figures; the exit code is 0 only when every check passes.
//   equivalence  RTL = integer reference = gate-level netlist on >= 1e5 back-to-back vectors
//   timing       worst slack >= validate.timing_margin x clock period
//   budgets      area and power (at the scenario's rate) within [codesign] budgets
//   rate         the full chain at validate.max_rate loses no event
//   regression   figures within tolerance of a stored golden file (--golden; --write-golden);
//                a figure that was not fitted is null there, and must stay so
// Every chain run uses the resolved config, --set overrides included.
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/cli.hpp"
#include "core/atomic_file.hpp"
#include "core/config.hpp"
#include "core/random.hpp"
#include "datasets/dataset_file.hpp"
#include "datasets/metrics.hpp"
#include "models/chain_params.hpp"
#include "models/network/integer_reference.hpp"
#include "rtl_gen/synthesis/ppa.hpp"
#include "tb/candidate_dir.hpp"
#include "tb/golden_figures.hpp"
#include "tb/simulate_child.hpp"

namespace pixforge::app {

namespace fs = std::filesystem;

namespace {

struct Check {
    std::string name;
    bool pass = false;
    std::string detail;
};

// The figures a run measures (the keys of --write-golden).
std::vector<std::string> figure_names() {
    return {"area_um2", "power_uW", "critical_path_ns", "energy_fwhm_eV_at_max_rate", "latency_ns"};
}

double number_or_nan(const nlohmann::json& j) {
    return j.is_number() ? j.get<double>() : NAN;
}

}  // namespace

Action add_validate_command(CLI::App& cmd) {
    struct Options {
        ConfigOptions config;
        std::string candidate, cache, golden, write_golden;
        int vectors = 100000;
        std::uint64_t pulses = 20000;
    };
    auto o = std::make_shared<Options>();
    o->config.add_to(cmd);
    cmd.add_option("--candidate", o->candidate, "candidate folder from pixforge rtl -o DIR")->required();
    cmd.add_option("--vectors", o->vectors, "equivalence vectors (windows), at least 1e5 for sign-off")
        ->capture_default_str()
        ->check(CLI::Range(1, 100000000));
    cmd.add_option("-n,--pulses", o->pulses, "photons in the maximum-rate chain run")
        ->capture_default_str()
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
    cmd.add_option("--golden", o->golden, "golden JSON of an earlier validate run to compare against");
    cmd.add_option("--write-golden", o->write_golden, "write this run's figures as a golden JSON");
    cmd.add_option("--cache", o->cache, "cache (default $PIXFORGE_CACHE or ~/.cache/pixforge)");
    cmd.footer(
        "Example:\n  pixforge validate -c configs/default.toml --candidate out/study/trials/7/candidate");
    return [o](std::ostream& out, std::ostream&) {
        const Config config = Config::load(o->config.path, o->config.overrides);
        const nlohmann::json golden =
            o->golden.empty() ? nlohmann::json() : tb::load_golden(o->golden, figure_names());
        const fs::path cache = o->cache.empty() ? rtl::CandidateBuilder::default_cache() : fs::path(o->cache);
        const models::PixelChain chain(models::chain_params_from(config));
        const tb::LoadedCandidate c = tb::load_candidate_dir(o->candidate, cache, chain.params());
        std::vector<Check> checks;
        nlohmann::json figures;

        // Vectors: realistic windows from the scenario's stream, offered back to back (II cycles).
        const int n = o->vectors;
        rtl::Stimuli stimuli = rtl::stream_stimuli(
            chain, c.rtl.samples, n, config.real("synthesis.clock_period"), chain.params().seed + 17);
        for (int i = 0; i < n; ++i)
            stimuli.windows[static_cast<size_t>(i)].ready_cycle =
                2 +
                static_cast<std::uint64_t>(i) * static_cast<std::uint64_t>(c.rtl.timing.initiation_interval);
        {  // RTL against the integer reference
            rtl::Candidate rtl_model(c.library);
            rtl_model.reset();
            std::vector<std::uint16_t> flat;
            for (const auto& w : stimuli.windows) flat.insert(flat.end(), w.samples.begin(), w.samples.end());
            const auto outputs = rtl_model.run_batch(flat.data(), stimuli.windows.size(), c.rtl.samples);
            const models::IntegerReference reference(c.network);
            std::vector<std::int64_t> expected;
            std::size_t bad = 0;
            for (std::size_t i = 0; i < stimuli.windows.size(); ++i) {
                reference.run(stimuli.windows[i].samples.data(), expected);
                for (std::size_t k = 0; k < expected.size(); ++k)
                    bad += expected[k] != outputs[i * expected.size() + k];
            }
            checks.push_back(
                {"RTL = integer reference", bad == 0, fmt::format("{} windows, {} differing words", n, bad)});
        }
        rtl::SynthesisOptions so = rtl::SynthesisOptions::from_config(config);
        rtl::PpaEvaluator ppa(so, cache);
        const rtl::PpaResult eq = ppa.evaluate(c.network, c.hardware, stimuli);
        checks.push_back(
            {"gate level = RTL", eq.ok && eq.gate_equals_rtl,
             eq.ok ? fmt::format("{} cycles, {} mismatching", eq.simulated_cycles, eq.output_mismatches)
                   : eq.error});
        // PPA at the scenario's own rate (the equivalence run above is back to back).
        const rtl::Stimuli stream = rtl::stream_stimuli(chain, c.rtl.samples, so.power_windows,
                                                        so.clock_period_s, chain.params().seed);
        const rtl::PpaResult p = ppa.evaluate(c.network, c.hardware, stream);
        const double margin = config.real("validate.timing_margin");
        checks.push_back(
            {"timing", p.ok && p.worst_slack_s >= margin * so.clock_period_s,
             fmt::format("worst slack {:.3f} ns at {:.3f} ns, required >= {:.3f} ns ({:.0f} % margin)",
                         p.worst_slack_s * 1e9, so.clock_period_s * 1e9, margin * so.clock_period_s * 1e9,
                         100 * margin)});
        const double area_budget = config.real("codesign.area_budget_um2"),
                     power_budget = config.real("codesign.power_budget_uW");
        checks.push_back({"area budget", p.ok && p.area_um2 <= area_budget,
                          fmt::format("{:.0f} um^2 of {:.0f}", p.area_um2, area_budget)});
        checks.push_back({"power budget", p.ok && p.total_W * 1e6 <= power_budget,
                          fmt::format("{:.1f} uW of {:.1f} at {:.3g}/s", p.total_W * 1e6, power_budget,
                                      chain.params().rate_per_s)});
        figures["area_um2"] = p.area_um2, figures["power_uW"] = p.total_W * 1e6,
        figures["critical_path_ns"] = p.critical_path_s * 1e9;

        // The full chain at the maximum specified rate, in a child process, with this very config.
        const fs::path work = fs::temp_directory_path() / fmt::format("pixforge-validate-{}", ::getpid());
        fs::create_directories(work);
        std::ofstream(work / "config.toml") << config.resolved_toml();
        const std::string rate = fmt::format("{:.6g}/s", config.real("validate.max_rate"));
        const tb::ChildRun r =
            tb::run_simulate_child({fs::read_symlink("/proc/self/exe").string(), "simulate", "-c",
                                    (work / "config.toml").string(), "--candidate", o->candidate, "-n",
                                    std::to_string(o->pulses), "--rate", rate, "--cache", cache.string()},
                                   work, 3600);
        if (r.ok) {
            const nlohmann::json& chain_summary = r.summary;
            const double lost =
                chain_summary["lost_busy"].get<double>() + chain_summary["lost_fifo"].get<double>();
            checks.push_back({"no loss at max rate", lost == 0,
                              fmt::format("{} lost of {} triggers at {}", lost,
                                          chain_summary["triggers"].get<double>(), rate)});
            // Mean over lines by the one rule (datasets::line_resolution): null when a line is not fitted.
            figures["energy_fwhm_eV_at_max_rate"] = number_or_nan(chain_summary["energy_fwhm_mean_eV"]);
            figures["latency_ns"] = chain_summary["latency_mean_s"].get<double>() * 1e9;
        } else {
            checks.push_back({"no loss at max rate", false, "the chain run failed: " + r.failure});
        }
        if (!golden.is_null()) {
            const tb::RegressionResult reg = tb::compare_to_golden(
                golden, figures, config.real("validate.regression_tolerance"), o->golden);
            checks.push_back({"regression", reg.pass, reg.detail});
        }
        if (!o->write_golden.empty()) write_file_atomically(o->write_golden, figures.dump(2) + "\n");
        fs::remove_all(work);

        out << fmt::format("Pre-tapeout validation of {} ({}, {})\n", o->candidate,
                           models::describe_layers(c.network), c.hardware.name());
        if (figures.contains("energy_fwhm_eV_at_max_rate"))
            out << fmt::format(
                "  energy FWHM at max rate: {} (mean over lines)\n",
                datasets::fitted_text(number_or_nan(figures["energy_fwhm_eV_at_max_rate"]), "{:.0f} eV"));
        bool all = true;
        for (const auto& k : checks) {
            out << fmt::format("  {:<26} {}  {}\n", k.name, k.pass ? "PASS" : "FAIL", k.detail);
            all = all && k.pass;
        }
        out << (all ? "ALL CHECKS PASSED\n" : "VALIDATION FAILED\n");
        return all ? 0 : 1;
    };
}

}  // namespace pixforge::app
