// The pre-tapeout checklist of one candidate (`pixforge validate`). Each check passes or fails with
// its figures:
//   equivalence  RTL = integer reference = gate-level netlist on back-to-back realistic windows
//   timing       worst slack >= validate.timing_margin x clock period
//   budgets      the pixel's budget ([pixel], models::PixelBudget): digital area, and front end + ADC +
//   digital power at the scenario's rate rate         the full chain at validate.max_rate loses no event (an
//   isolated chain run) regression   figures within tolerance of a golden file; a figure not fitted is null
//   there
// Every chain run uses the config with the --set overrides.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config_schema.hpp"

namespace pixforge::tb {

struct ValidationRequest {
    std::filesystem::path config;
    std::vector<std::string> overrides;
    std::filesystem::path candidate, cache;  // cache empty: the default
    int vectors = 100000;                    // equivalence windows
    std::uint64_t pulses = 20000;            // photons of the maximum-rate chain run
    std::filesystem::path golden;            // empty: no regression check
    std::filesystem::path executable;        // pixforge, for the isolated chain run
    double chain_timeout_s = 3600;
    // When a chain check (no loss at max rate, regression) fails: FST waveforms of the events
    // `dump_events` picks (tb/waveforms.hpp) in the max-rate run; empty: none.
    std::filesystem::path waves;
    std::string dump_events = "miss:2keV";
};

struct ValidationCheck {
    std::string name;
    bool pass = false;
    std::string detail;
};

struct ValidationReport {
    std::string candidate, network, template_name;
    std::vector<ValidationCheck> checks;
    nlohmann::json figures;  // validation_figures() -> number (null: not fitted)
    std::string waves;       // the waveforms of a failing chain check (or why none)
    bool passed() const;
};

// The figures a validation measures: the keys of a golden file.
std::vector<std::string> validation_figures();

// VAL-001..003 for a bad golden file before anything runs; the candidate folder's own errors.
ValidationReport validate_candidate(const ConfigSchema& keys, const ValidationRequest& request);

void print_validation(const ValidationReport& report, std::ostream& out);

// [validate]: the checks validate_candidate applies.
void declare_validate_keys(ConfigSchema& schema);

}  // namespace pixforge::tb
