// The regression check of `pixforge validate`: a golden JSON file of earlier figures (name ->
// number, or null for a figure that was not fitted) against this run's figures.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pixforge::tb {

// VAL-001 for a missing, unreadable or empty file, VAL-002 for one that is not a JSON object of
// numbers and nulls, VAL-003 for one that shares no figure with `run_figures` (the names this
// run measures).
nlohmann::json load_golden(const std::filesystem::path& path, const std::vector<std::string>& run_figures);

struct RegressionResult {
    bool pass = false;
    std::string detail;
};

// Every golden figure must be in `figures` and within `tolerance` (relative) of it; a figure
// missing from the run, or fitted in one and not in the other, fails.
RegressionResult compare_to_golden(const nlohmann::json& golden, const nlohmann::json& figures,
                                   double tolerance, const std::string& golden_name);

}  // namespace pixforge::tb
