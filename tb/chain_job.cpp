#include "tb/chain_job.hpp"

#include <filesystem>
#include <fstream>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/process.hpp"
#include "core/provenance.hpp"
#include "core/typed_json.hpp"
#include "models/chain_params.hpp"
#include "models/network/integer_reference.hpp"
#include "rtl_gen/pixel_block.hpp"
#include "tb/candidate_dir.hpp"
#include "tb/chain_report.hpp"
#include "tb/chain_testbench.hpp"
#include "tb/scoreboard.hpp"
#include "tb/waveforms.hpp"

namespace pixforge::tb {

namespace fs = std::filesystem;
using nlohmann::json;

Config ChainJob::resolved_config(const ConfigSchema& keys) const {
    std::vector<std::string> all = overrides;
    if (!rate.empty()) all.push_back("source.rate=\"" + rate + "\"");
    return Config::load(keys, config, all);
}

json ChainJob::to_json() const {
    return {{"config", config.string()},
            {"overrides", overrides},
            {"candidate", candidate.string()},
            {"classical", classical},
            {"pixel_block", pixel_block},
            {"cache", cache.string()},
            {"pulses", pulses},
            {"rate", rate},
            {"report", report.string()},
            {"samples", samples.string()},
            {"waves", waves.string()},
            {"dump_events", dump_events},
            {"dump_cycles", dump_cycles},
            {"provenance_command", provenance_command}};
}

ChainJob ChainJob::from_json(const json& j, const std::string& where) {
    const TypedJson t{"SIM-009", where, "the job file is written by pixforge; rerun the command"};
    if (!j.is_object()) t.refuse("", "a chain job object", j);
    ChainJob job;
    job.config = t.text(j, "config");
    job.overrides = t.texts(j, "overrides");
    job.candidate = t.text(j, "candidate");
    job.classical = t.text(j, "classical");
    job.pixel_block = t.boolean(j, "pixel_block");
    job.cache = t.text(j, "cache");
    job.pulses = t.count(j, "pulses");
    job.rate = t.text(j, "rate");
    job.report = t.text(j, "report");
    for (const char* key : {"samples", "waves", "dump_events"}) t.optional_text(j, key);
    job.samples = j.value("samples", std::string());
    job.waves = j.value("waves", std::string());
    job.dump_events = j.value("dump_events", std::string());
    if (j.contains("dump_cycles")) job.dump_cycles = static_cast<int>(t.count(j, "dump_cycles"));
    job.provenance_command = t.text(j, "provenance_command");
    if (job.candidate.empty() == job.classical.empty())
        t.refuse("candidate", "either a candidate folder or a classical estimator", j["candidate"]);
    if (!job.waves.empty() && !job.pixel_block)
        t.refuse("waves", "waveforms of a candidate as the pixel's block", j["waves"]);
    return job;
}

ChainSummary run_chain_job(const ConfigSchema& keys, const ChainJob& job, std::ostream* table) {
    const Config config = job.resolved_config(keys);
    const models::PixelChain chain(models::chain_params_from(config));
    ChainOptions options = ChainOptions::from_config(config);
    options.pulses = job.pulses;
    Identity identity;
    ChainRun run;
    if (!job.classical.empty()) {
        identity["classical"] = job.classical;
        run = run_chain_classical(chain, config, options, job.classical);
    } else {
        const std::vector<LoadedCandidate> cores = load_candidate_cores(
            job.candidate, rtl::VerilatedLibraryBuilder::cache_or_default(job.cache), chain.params());
        if (cores.size() > 1 && !job.pixel_block)
            throw PixError("SIM-014", fmt::format("{} holds {} networks, which share one pixel block: run it "
                                                  "as the pixel's block (without --block network)",
                                                  job.candidate.string(), cores.size()));
        const LoadedCandidate& c = cores.front();
        ProcessorChoice choice;
        choice.library = c.library;
        for (const LoadedCandidate& core : cores) choice.networks.push_back(core.network);
        // RTL-003: the block cannot work in this chain.
        const std::optional<rtl::GeneratedRtl> block =
            job.pixel_block ? std::optional(rtl::generate_pixel_block(
                                  pixel_cores(cores), rtl::pixel_block_spec(chain, options.clock_period_s)))
                            : std::nullopt;
        const rtl::GeneratedRtl& rtl = block ? *block : c.rtl;
        choice.template_name = rtl.template_name;
        choice.latency_cycles = rtl.timing.latency;
        const auto pixel_block_library = [&](bool waveforms) {
            return rtl::VerilatedLibraryBuilder(rtl::VerilatedLibraryBuilder::cache_or_default(job.cache))
                .build(*block, waveforms)
                .library;
        };
        if (job.pixel_block) {
            choice.pixel_block = true;
            choice.library = pixel_block_library(false);
        }
        // One network: its own RTL's hash, as before; several: the block's.
        identity = {{"candidate", job.candidate.string()},
                    {"network_hash", rtl.network_hash},
                    {"rtl_hash", cores.size() == 1 ? c.rtl.rtl_hash() : rtl.rtl_hash()},
                    {"template", rtl.template_name},
                    {"block", job.pixel_block ? "pixel" : "network"},
                    {"library", c.library.string()},
                    {"latency_cycles", std::to_string(rtl.timing.latency)},
                    {"network", models::describe_networks(choice.networks)}};
        run = run_chain(chain, options, choice);
        if (!job.waves.empty()) {  // the same stream again, the chosen events' cycles dumped
            const std::vector<std::size_t> chosen = select_wave_events(job.dump_events, run, chain);
            choice.waves = job.waves.string() + ".partial";  // whole or absent
            choice.wave_windows = wave_windows(run, chosen, job.dump_cycles, options.clock_period_s);
            choice.library = pixel_block_library(true);
            const ChainRun again = run_chain(chain, options, choice);
            if (again.results.size() != run.results.size())
                throw PixError("SIM-013",
                               fmt::format("the waveform run of {} delivered {} results where the first "
                                           "run delivered {}: the stream did not repeat",
                                           job.candidate.string(), again.results.size(), run.results.size()));
            std::filesystem::rename(choice.waves, job.waves);
            identity["waves"] = job.waves.string();
            identity["wave_events"] = fmt::format("{}", fmt::join(chosen, ","));
        }
    }
    std::vector<ScoredEvent> events;
    const ChainSamples samples = sample_chain(run, chain, &events);
    ChainMetrics metrics = metrics_of(samples);
    metrics.events = std::move(events);
    ChainSummary summary = ChainSummary::of(samples, metrics, identity);
    if (!job.samples.empty()) {
        const std::vector<std::uint8_t> cbor = nlohmann::json::to_cbor(samples.to_json());
        write_file_atomically(job.samples, std::string(cbor.begin(), cbor.end()));
    }
    if (!job.report.empty())
        write_chain_report(job.report.string(), run, metrics, summary,
                           current_provenance(job.provenance_command), config.resolved_toml(), options.seed);
    if (table) print_chain_summary(summary, *table);
    return summary;
}

void print_chain_summary(const ChainSummary& s, std::ostream& out) {
    out << fmt::format(
        "Full chain with {}: {} pulses over {:.3f} ms ({:.3g}/s in), {} triggers, {} results delivered "
        "({:.3g}/s out)\n",
        s.processor, s.pulses, s.duration_s * 1e3, s.input_rate_per_s, s.triggers, s.delivered,
        s.output_rate_per_s);
    out << fmt::format(
        "  dead time {:.2f} %, lost: {} processor busy, {} FIFO full (max occupancy {}), {} triggers "
        "without a pulse\n",
        100 * s.dead_fraction, s.lost_busy, s.lost_fifo, s.fifo_max_occupancy, s.unmatched_triggers);
    out << "  energy FWHM per line:";
    for (const auto& l : s.lines)
        out << fmt::format(
            "  {:.2f} keV: {}", l.line_eV * 1e-3,
            l.fitted ? fmt::format("{:.0f}+-{:.0f} eV ({:+.0f})", l.fwhm_eV, l.fwhm_error_eV, l.bias_eV)
                     : std::string("not fitted"));
    out << fmt::format("; mean {}", datasets::fitted_text(s.resolution().mean_fwhm_eV, "{:.0f} eV"));
    out << fmt::format("\n  ToA sigma {} ({} single pulses); pile-up AUC {}, TPR {} at 1 % FPR\n",
                       s.timing.fitted ? fmt::format("{:.3f}+-{:.3f} ns", s.timing.sigma_s * 1e9,
                                                     s.timing.sigma_error_s * 1e9)
                                       : std::string("not fitted"),
                       s.timing.entries, datasets::fitted_text(s.pileup.auc, "{:.3f}", "not measured"),
                       datasets::fitted_text(100 * s.pileup.tpr_at_1pct_fpr, "{:.1f} %", "not measured"));
    out << fmt::format("  latency trigger -> result: mean {:.1f} ns, min {:.1f}, p99 {:.1f}, max {:.1f}\n",
                       s.latency_mean_s * 1e9, s.latency_min_s * 1e9, s.latency_p99_s * 1e9,
                       s.latency_max_s * 1e9);
    out << fmt::format(
        "  simulation: {:.2f} s wall, {:.3g} pulses/s, {} ADC samples, {} of {} digital cycles simulated "
        "({:.3g} cycles/s)\n",
        s.wall_s, static_cast<double>(s.pulses) / s.wall_s, s.adc_samples, s.cycles_simulated,
        s.cycles_covered, static_cast<double>(s.cycles_simulated) / s.wall_s);
    if (const auto waves = s.identity.find("waves"); waves != s.identity.end())
        out << fmt::format(
            "  waveforms: results {} in {} (GTKWave; s_code = ADC codes, analog_e = the shaped signal)\n",
            s.identity.at("wave_events"), waves->second);
}

fs::path ChainRunner::this_executable() {
    return fs::read_symlink("/proc/self/exe");
}

IsolatedRun ChainRunner::run(const ChainJob& job, const fs::path& work_dir) const {
    fs::create_directories(work_dir);
    const fs::path job_file = work_dir / "chain_job.json", summary_file = work_dir / "chain.json";
    fs::remove(summary_file);
    write_file_atomically(job_file, job.to_json().dump(2));
    IsolatedRun c;
    c.log = work_dir / "chain.log";
    const ProcessResult r = run_process(
        {executable_.string(), "chain-job", job_file.string(), summary_file.string()}, c.log, timeout_s_);
    std::ifstream in(summary_file);
    if (r.exited && r.exit_code == 0 && in) {
        c.ok = true;
        c.summary = ChainSummary::from_json(json::parse(in, nullptr, false), summary_file.string());
    } else if (r.exited && r.exit_code == 2) {
        c.bad_input = true;
        c.failure = log_tail(c.log, 2000);
    } else {
        c.failure = fmt::format("the simulation child process failed ({}; log {}): {}", r.describe(),
                                c.log.string(), log_tail(c.log, 800));
    }
    return c;
}

}  // namespace pixforge::tb
