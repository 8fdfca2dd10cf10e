// pixforge simulate: the SystemC full chain around one processor (a candidate network or a
// classical estimator), scored against the truth, with an HDF5 report: its options, and the run as
// tb::run_simulate_request (an isolated child per run, one per rate with --sweep).
#include <fstream>

#include <fmt/format.h>

#include "app/cli.hpp"
#include "core/atomic_file.hpp"
#include "optimizer/codesign/config_keys.hpp"
#include "rtl_gen/verilated_library.hpp"
#include "tb/chain_job.hpp"
#include "tb/classical_candidate.hpp"
#include "tb/simulate_request.hpp"

namespace pixforge::app {

namespace {

struct SimulateOptions {
    ConfigOptions config;
    std::string candidate, rate, out, cache, sweep, block = "pixel", waves, dump_events = "miss:2keV";
    ClassicalHardwareOptions classical;
    std::string classical_template = "streaming_r1_cg";
    std::uint64_t pulses = 100000;
    int dump_cycles = 300;
    double timeout_s = 3600;
    bool json = false, in_process = false;
};

tb::ChainJob job_of(const SimulateOptions& o, const std::string& command_line) {
    tb::ChainJob job;
    job.config = o.config.path;
    job.overrides = o.config.overrides;
    job.candidate = o.candidate;
    job.classical = o.classical.name;
    job.pixel_block = o.classical.name.empty() && o.block == "pixel";
    if (o.classical.chosen() && !o.classical.dataset.empty()) {  // its hardware, as a candidate
        job.candidate = tb::write_classical_candidate(
            o.config.load(), o.classical.dataset, {o.classical.name, o.classical.bits},
            rtl::parse_template_name(o.classical_template),
            rtl::VerilatedLibraryBuilder::cache_or_default(o.cache));
        job.classical.clear();
        job.pixel_block = true;
    }
    job.cache = o.cache;
    job.pulses = o.pulses;
    job.rate = o.rate;
    job.report = o.out;
    job.provenance_command = command_line;
    job.waves = o.waves;
    job.dump_events = o.dump_events;
    job.dump_cycles = o.dump_cycles;
    return job;
}

}  // namespace

Action add_simulate_command(CLI::App& cmd, const std::string& command_line) {
    auto o = std::make_shared<SimulateOptions>();
    o->config.add_to(cmd);
    auto* processor = cmd.add_option_group("processor", "what takes the processor slot");
    processor->add_option("--candidate", o->candidate,
                          "candidate folder from pixforge rtl -o DIR (or a study trial's candidate/, which "
                          "may hold several networks: core0/, core1/ ...)");
    o->classical.add_to(
        cmd, *processor,
        "classical estimator instead: max_sample, parabolic_peak, trapezoid, optimal_filter, cfd, "
        "leading_edge, pileup_inspector in floating point with a fixed readout.classical_latency; "
        "with --dataset its integer hardware (docs/classical_hardware.md: also least_squares_fir, "
        "trapezoid_recursive) as the pixel's block on --classical-template",
        false);
    processor->require_option(1);
    cmd.add_option(
           "--classical-template", o->classical_template,
           "with --classical and --dataset: the hardware template, by name (docs/rtl.md; the peak units "
           "run on streaming only)")
        ->capture_default_str();
    // Checked before conversion: CLI11 reads "-5" into an unsigned as 2^64 - 5.
    cmd.add_option("-n,--pulses", o->pulses, "photons in the stream")
        ->capture_default_str()
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
    cmd.add_option("--rate", o->rate, "photon rate, overrides source.rate (e.g. 1e6/s)");
    cmd.add_option("--sweep", o->sweep,
                   "comma-separated rates (e.g. 1e4/s,1e5/s,1e6/s): one run each, report of "
                   "resolution and output rate against input rate");
    cmd.add_option("--block", o->block,
                   "with --candidate: pixel = the candidate as the pixel's whole digital block (Verilated "
                   "trigger, dead time, capture and network fed every ADC code); network = the behavioural "
                   "trigger hands windows to the Verilated network")
        ->check(CLI::IsMember({"pixel", "network"}))
        ->capture_default_str();
    cmd.add_option("-o,--out", o->out, "HDF5 report (docs/chain.md)");
    cmd.add_option(
        "--waves", o->waves,
        "FST waveforms of the events --dump-events picks (GTKWave): the pixel block's signals, the ADC "
        "codes (s_code) and the analog signal (analog_e, electrons); the stream runs twice");
    cmd.add_option(
           "--dump-events", o->dump_events,
           "which events: index:N[,N...] (results in delivery order), time:T[,T...] (the nearest "
           "trigger, e.g. time:120us), miss:E (energy off by more than E, e.g. miss:2keV; the first 100)")
        ->capture_default_str();
    cmd.add_option("--dump-cycles", o->dump_cycles,
                   "clock cycles dumped before each event's window and after its result")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000000));
    cmd.add_flag("--json", o->json, "print the summary as JSON");
    cmd.add_option("--cache", o->cache, "candidate cache (default $PIXFORGE_CACHE or ~/.cache/pixforge)");
    cmd.add_option("--timeout", o->timeout_s, "wall-clock limit of one run, s")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    cmd.add_flag("--in-process", o->in_process,
                 "run in this process (no crash isolation, no --timeout, no --sweep)");
    cmd.footer(
        "The chain: Poisson photons -> CSA + shaper + noise -> ADC -> self-trigger (dead time) -> processor\n"
        "(the Verilated network cycle by cycle, or a classical estimator) -> output FIFO + link -> "
        "scoreboard.\n"
        "With a candidate (--block pixel, the default) the Verilated pixel block takes every ADC code and\n"
        "does the trigger, dead time and capture itself (docs/rtl.md).\n"
        "[readout] keys: fifo_depth, link_rate, input_buffer, classical_latency; the processor clock is\n"
        "synthesis.clock_period. Examples:\n"
        "  pixforge rtl -n out/default/network.h5 -t parallel -o out/cand --build\n"
        "  pixforge simulate -c configs/default.toml --candidate out/cand -n 100000 -o out/chain.h5\n"
        "  pixforge simulate -c configs/default.toml --classical optimal_filter --sweep 1e4/s,1e5/s,1e6/s -o "
        "sweep.h5\n"
        "  pixforge simulate -c configs/default.toml --classical cfd --bits 4 -d out/default/dataset.h5 -n "
        "20000\n"
        "  pixforge simulate -c configs/default.toml --candidate out/cand -n 20000 --waves out/miss.fst "
        "--dump-events miss:2keV");
    return [o, command_line](std::ostream& out, std::ostream& err) {
        const tb::SimulateRequest request{job_of(*o, command_line), o->sweep, o->timeout_s, o->json,
                                          o->in_process};
        return tb::run_simulate_request(codesign::all_config_keys(), request, out, err);
    };
}

// The body of tb::ChainRunner's child: run the job file, write the summary atomically. Hidden.
Action add_chain_job_command(CLI::App& cmd) {
    auto files = std::make_shared<std::pair<std::string, std::string>>();
    cmd.add_option("job", files->first, "job file (tb::ChainJob JSON)")->required();
    cmd.add_option("summary", files->second, "where the summary JSON goes")->required();
    return [files](std::ostream& out, std::ostream&) {
        std::ifstream in(files->first);
        const tb::ChainJob job =
            tb::ChainJob::from_json(nlohmann::json::parse(in, nullptr, false), files->first);
        const tb::ChainSummary s = tb::run_chain_job(codesign::all_config_keys(), job, &out);
        write_file_atomically(files->second, s.to_json().dump(2));
        return 0;
    };
}

}  // namespace pixforge::app
