// One full-chain simulation: what to run (a ChainJob), the function that runs it in this process,
// and the one isolated runner that runs it in a child process with a timeout. SystemC elaborates
// once per process, and a crashing or hanging candidate must not take its caller along, so every
// library that needs a chain run (a trial, the study's baseline and rate sweep, validate) goes
// through ChainRunner; the child is the hidden command `pixforge chain-job JOB SUMMARY`, whose
// body is run_chain_job.
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config.hpp"
#include "tb/chain_summary.hpp"

namespace pixforge::tb {

struct ChainJob {
    std::filesystem::path config;        // the TOML the run reads
    std::vector<std::string> overrides;  // KEY=VALUE, as --set, in order
    std::filesystem::path candidate;     // a candidate folder (pixforge rtl -o DIR), or
    std::string classical;               // a classical estimator's name
    // The candidate as the pixel's whole block (trigger, capture, network: rtl::generate_pixel_block)
    // driven by the ADC codes; false: the behavioural trigger hands windows to the network.
    bool pixel_block = false;
    std::filesystem::path cache;  // candidate cache; empty: the default
    std::uint64_t pulses = 100000;
    std::string rate;               // overrides source.rate when not empty, e.g. "1e6/s"
    std::filesystem::path report;   // the HDF5 report (docs/chain.md); empty: none
    std::filesystem::path samples;  // the matched samples (tb::ChainSamples, CBOR); empty: none
    // Waveforms of chosen events (tb/waveforms.hpp): an FST file, the events (select_wave_events) and
    // the clock cycles around each; a candidate as the pixel's block only.
    std::filesystem::path waves;
    std::string dump_events;
    int dump_cycles = 300;
    std::string provenance_command;  // the user's command line, for the report's provenance

    // The config with the overrides and the rate applied (its own CFG errors), read against `keys`.
    Config resolved_config(const ConfigSchema& keys) const;
    nlohmann::json to_json() const;
    // SIM-009 names `where` and the key when `j` is not a job pixforge wrote.
    static ChainJob from_json(const nlohmann::json& j, const std::string& where);
};

// Runs the job here: elaborate, simulate, score, write the report. `table`, when given, gets the
// printed summary. Errors are PixErrors of the config, the candidate folder or the chain.
ChainSummary run_chain_job(const ConfigSchema& keys, const ChainJob& job, std::ostream* table = nullptr);

// The printed form of a summary (what `pixforge simulate` shows).
void print_chain_summary(const ChainSummary& s, std::ostream& out);

struct IsolatedRun {
    bool ok = false;
    bool bad_input = false;               // the child refused the job (exit 2): `failure` is its message
    std::optional<ChainSummary> summary;  // when ok
    std::string failure;                  // what went wrong, with the log's tail
    std::filesystem::path log;            // the child's stdout and stderr (the printed summary, when ok)
};

class ChainRunner {
  public:
    // `executable`: the pixforge binary that has the hidden chain-job command.
    ChainRunner(std::filesystem::path executable, double timeout_s)
        : executable_(std::move(executable)), timeout_s_(timeout_s) {}
    // The running pixforge binary itself.
    static std::filesystem::path this_executable();

    // `work_dir` receives chain_job.json, chain.json (the summary) and chain.log; a summary left there by an
    // earlier run never passes for this one.
    IsolatedRun run(const ChainJob& job, const std::filesystem::path& work_dir) const;

  private:
    std::filesystem::path executable_;
    double timeout_s_;
};

}  // namespace pixforge::tb
