// A regression suite (`pixforge regress SUITE.toml`, docs/regress.md): designs (candidate folders or
// classical estimators) run through the full chain of each scenario (a config with overrides), at
// each rate, with each seed, and golden figures with tolerances. The suite expands into jobs (one
// design, scenario, rate and seed) and each job into sub-streams: independent chain runs of at most
// suite.sub_stream photons whose seeds derive from the job's, so a long job spreads over processes
// and its samples pool to the same figures however they were spread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/config_schema.hpp"

namespace pixforge::tb {

struct RegressionDesign {
    std::string name;
    std::filesystem::path candidate;     // absolute; or
    std::string classical;               // a classical estimator's name
    bool pixel_block = true;             // a candidate as the pixel's whole digital block
    std::vector<std::string> scenarios;  // the scenarios it runs in (a candidate fits one chain); empty: all
    bool runs_in(const std::string& scenario) const;
};

struct RegressionScenario {
    std::string name;
    std::filesystem::path config;        // absolute
    std::vector<std::string> overrides;  // KEY=VALUE, as --set
    std::vector<std::string> rates;      // as source.rate, e.g. "1e5/s"; the config's own when not given
    std::vector<std::string> resolved;   // per rate: the resolved config (what a run's key covers)
};

// A figure of the chain summary (docs/chain.md: energy_fwhm_mean_eV, toa_sigma_s, pileup_auc,
// output_rate_per_s, dead_fraction, lost_busy, ...) pooled over the seeds of one design, scenario
// and rate, against its expected value.
struct GoldenFigure {
    std::string design, scenario;
    std::string rate;  // empty: every rate of the scenario
    std::string figure;
    std::optional<double> value;  // none: the figure must stay not fitted
    double tolerance = 0.05;      // relative
};

struct RegressionSuite {
    std::filesystem::path file;
    std::string text;  // as read, for provenance
    std::string name;
    std::uint64_t pulses = 10000;      // photons per job
    std::uint64_t sub_stream = 10000;  // at most this many photons per chain run
    std::vector<std::uint64_t> seeds{1};
    double timeout_s = 3600;  // one chain run
    // A row of a candidate (as the pixel block) that fails: the events of its first sub-stream this
    // picks (tb::select_wave_events) go into an FST file under OUT/waves/. Empty: none.
    std::string waves_on_failure = "miss:2keV";
    std::vector<RegressionDesign> designs;
    std::vector<RegressionScenario> scenarios;
    std::vector<GoldenFigure> goldens;
};

// REG-001 for a file that cannot be read or is not TOML, REG-002 for a key or value that is wrong
// (naming the file, the table and the key, and what is expected), REG-003 for a golden that names a
// design, scenario or rate the suite does not have. Each scenario's config is loaded with its
// overrides and each rate (their own CFG errors, prefixed with the suite and the scenario).
RegressionSuite load_regression_suite(const std::filesystem::path& file, const ConfigSchema& keys);

struct RegressionJob {
    std::size_t design = 0, scenario = 0;
    std::string rate;
    std::uint64_t seed = 1;
    std::string label(const RegressionSuite& suite) const;  // "of / D0 / 1e5/s / seed 1"
};

struct SubStream {
    std::size_t job = 0;
    int index = 0;
    std::uint64_t seed = 0;    // run.seed of this chain run
    std::uint64_t pulses = 0;  // photons in it
};

// designs x scenarios (those each design runs in) x rates x seeds, in that nesting order.
std::vector<RegressionJob> expand_jobs(const RegressionSuite& suite);

// The job's photons in ceil(pulses / sub_stream) nearly equal sub-streams: the first runs with the
// job's seed (so `pixforge simulate --set run.seed=S` reproduces a one-stream job), the others with
// seeds derived from it (sub_stream_seed).
std::vector<SubStream> split_job(const RegressionSuite& suite, std::size_t job_index, std::uint64_t seed);

std::uint64_t sub_stream_seed(std::uint64_t seed, int index);

}  // namespace pixforge::tb
