#include "tb/golden_figures.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/error.hpp"

namespace pixforge::tb {

nlohmann::json load_golden(const std::filesystem::path& path, const std::vector<std::string>& run_figures) {
    std::ifstream in(path);
    if (!in)
        throw PixError("VAL-001", fmt::format("--golden {}: cannot be read; expected a JSON file written by "
                                              "pixforge validate --write-golden",
                                              path.string()));
    std::stringstream text;
    text << in.rdbuf();
    if (text.str().find_first_not_of(" \t\r\n") == std::string::npos)
        throw PixError("VAL-001",
                       fmt::format("--golden {}: the file is empty; expected a JSON object of figures "
                                   "written by pixforge validate --write-golden",
                                   path.string()));
    const nlohmann::json golden = nlohmann::json::parse(text.str(), nullptr, false);
    if (golden.is_discarded() || !golden.is_object())
        throw PixError("VAL-002",
                       fmt::format("--golden {}: not a JSON object; expected {{\"figure\": number, ...}} "
                                   "as pixforge validate --write-golden writes it",
                                   path.string()));
    bool shared = false;
    for (const auto& [key, value] : golden.items()) {
        if (!value.is_number() && !value.is_null())
            throw PixError("VAL-002",
                           fmt::format("--golden {}: figure \"{}\" is {}; expected a number (or null: not "
                                       "fitted)",
                                       path.string(), key, value.dump()));
        shared = shared || std::find(run_figures.begin(), run_figures.end(), key) != run_figures.end();
    }
    if (!shared)
        throw PixError("VAL-003",
                       fmt::format("--golden {}: shares no figure with this run (it has {}; this run "
                                   "measures {}): nothing would be compared",
                                   path.string(), golden.empty() ? std::string("none") : golden.dump(),
                                   fmt::join(run_figures, ", ")));
    return golden;
}

RegressionResult compare_to_golden(const nlohmann::json& golden, const nlohmann::json& figures,
                                   double tolerance, const std::string& golden_name) {
    RegressionResult r{true, ""};
    std::string failures;
    for (const auto& [key, value] : golden.items()) {
        if (!figures.contains(key)) {
            r.pass = false, failures += fmt::format(" {} missing from this run;", key);
            continue;
        }
        const nlohmann::json& now = figures[key];
        const bool was_fitted = value.is_number(),
                   is_fitted = now.is_number() && std::isfinite(now.get<double>());
        if (!was_fitted || !is_fitted) {
            if (was_fitted != is_fitted)
                r.pass = false,
                failures += fmt::format(" {} {} vs {};", key, is_fitted ? now.dump() : "not fitted",
                                        was_fitted ? value.dump() : "not fitted");
            continue;
        }
        const double g = value.get<double>(), n = now.get<double>();
        if (std::fabs(n - g) / std::max(std::fabs(g), 1e-12) > tolerance)
            r.pass = false, failures += fmt::format(" {} {:.4g} vs {:.4g};", key, n, g);
    }
    r.detail =
        r.pass ? fmt::format("{} figures within {:.0f} % of {}", golden.size(), 100 * tolerance, golden_name)
               : "outside tolerance or missing:" + failures;
    return r;
}

}  // namespace pixforge::tb
