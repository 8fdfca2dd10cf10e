// Resolution and throughput against the photon rate: one design (a candidate or a classical
// estimator) run through the full chain at several rates, each in its own isolated child. The one
// sweep behind `pixforge simulate --sweep` and the study's rate sweep, with one HDF5 schema
// (docs/chain.md, "Sweep files"): what a run that failed at a rate is, is said in failed_rates.
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/h5.hpp"
#include "tb/chain_job.hpp"

namespace pixforge::tb {

struct RateSweepRun {
    std::string rate;                     // as asked, e.g. "1e6/s"
    std::optional<ChainSummary> summary;  // when the run succeeded
    std::string failure;                  // otherwise
};

struct RateSweep {
    std::string name;  // what was swept, e.g. "classical optimal_filter"
    std::vector<RateSweepRun> runs;
    std::string refused;  // a child refused the job as bad input (the same for every rate): its message

    nlohmann::json to_json() const;
    static RateSweep from_json(const nlohmann::json& j, const std::string& where);  // SIM-008
    bool all_ok() const;
};

// `job` at each rate (its own rate is replaced); run i works in work_root/<i>. With `table`, a
// header and one row per rate as the runs finish. Stops at the first refusal (RateSweep::refused).
RateSweep run_rate_sweep(const ChainRunner& runner, ChainJob job, const std::string& name,
                         const std::vector<std::string>& rates, const std::filesystem::path& work_root,
                         std::ostream* table);

// Each rate as source.rate with the job's whole config, before any child runs, so that a bad rate
// is refused once (its CFG error, prefixed with "--sweep rate 'R'") instead of failing in every child.
void check_sweep_rates(const ConfigSchema& keys, const ChainJob& job, const std::vector<std::string>& rates);

// A sweep file (schema pixforge.chain_sweep, docs/chain.md): the job's resolved config and
// provenance, and the columns below in /sweep. Whole or absent (core/atomic_file).
void write_rate_sweep_file(const std::filesystem::path& path, const RateSweep& sweep, const ChainJob& job,
                           const ConfigSchema& keys);

// The sweep's columns (one row per successful rate) into `group`: input_rate, trigger_rate,
// output_rate (1/s), dead_fraction, lost_busy, lost_fifo, toa_sigma (ns), mean_fwhm (eV),
// fwhm_line<l> (eV), failed_rates; NaN where a figure was not fitted; attribute `name`.
void write_rate_sweep(hid_t group, const RateSweep& sweep);

}  // namespace pixforge::tb
