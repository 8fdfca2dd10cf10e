// pixforge validate: the pre-tapeout checklist of one candidate (tb/validation.hpp). Each check
// prints PASS or FAIL with its figures; the exit code is 0 only when every check passes.
#include "app/cli.hpp"
#include "core/atomic_file.hpp"
#include "optimizer/codesign/config_keys.hpp"
#include "tb/chain_job.hpp"
#include "tb/validation.hpp"

namespace pixforge::app {

Action add_validate_command(CLI::App& cmd) {
    struct Options {
        ConfigOptions config;
        std::string candidate, cache, golden, write_golden, waves, dump_events = "miss:2keV";
        int vectors = 100000;
        std::uint64_t pulses = 20000;
    };
    auto o = std::make_shared<Options>();
    o->config.add_to(cmd);
    cmd.add_option("--candidate", o->candidate,
                   "candidate folder from pixforge rtl -o DIR, or a study trial's candidate/ of several "
                   "networks sharing one block (core0/, core1/ ...)")
        ->required();
    cmd.add_option("--vectors", o->vectors, "equivalence vectors (windows), at least 1e5 for sign-off")
        ->capture_default_str()
        ->check(CLI::Range(1, 100000000));
    cmd.add_option("-n,--pulses", o->pulses, "photons in the maximum-rate chain run")
        ->capture_default_str()
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
    cmd.add_option("--golden", o->golden, "golden JSON of an earlier validate run to compare against");
    cmd.add_option("--write-golden", o->write_golden, "write this run's figures as a golden JSON");
    cmd.add_option("--cache", o->cache, "cache (default $PIXFORGE_CACHE or ~/.cache/pixforge)");
    cmd.add_option(
        "--waves", o->waves,
        "when a chain check (max rate, regression) fails: FST waveforms of its events here (GTKWave)");
    cmd.add_option("--dump-events", o->dump_events,
                   "with --waves: which events (index:N,..., time:T,..., miss:E; simulate --help)")
        ->capture_default_str();
    cmd.footer(
        "Checks: each network's RTL = integer reference = gate level on back-to-back windows; the pixel's\n"
        "whole block (trigger, history, capture, network) synthesized, its gate level = its RTL, its\n"
        "timing margin (validate.timing_margin), area and power within the pixel's budget ([pixel]); the "
        "chain with\n"
        "the block fed every ADC code loses nothing at validate.max_rate; figures within\n"
        "validate.regression_tolerance of --golden (a figure not fitted is null there and must stay so).\n"
        "Example:\n  pixforge validate -c configs/default.toml --candidate out/study/trials/7/candidate");
    return [o](std::ostream& out, std::ostream&) {
        tb::ValidationRequest request;
        request.config = o->config.path, request.overrides = o->config.overrides;
        request.candidate = o->candidate, request.cache = o->cache, request.golden = o->golden;
        request.vectors = o->vectors, request.pulses = o->pulses;
        request.executable = tb::ChainRunner::this_executable();
        request.waves = o->waves, request.dump_events = o->dump_events;
        const tb::ValidationReport report = tb::validate_candidate(codesign::all_config_keys(), request);
        if (!o->write_golden.empty()) write_file_atomically(o->write_golden, report.figures.dump(2) + "\n");
        tb::print_validation(report, out);
        return report.passed() ? 0 : 1;
    };
}

}  // namespace pixforge::app
