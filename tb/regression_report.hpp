// What `pixforge regress` writes and prints: the merged HDF5 report (schema pixforge.regression,
// docs/regress.md: a table per job and per row, each with its summary, histograms and golden checks,
// the suite as run and provenance) and the terminal table, one line per design, scenario and rate.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>

#include "tb/regression_run.hpp"

namespace pixforge::tb {

// Written atomically: a report is whole or absent.
void write_regression_report(const std::filesystem::path& path, const RegressionSuite& suite,
                             const RegressionResults& results, const std::string& command_line);

void print_regression(const RegressionSuite& suite, const RegressionResults& results, std::ostream& out);

}  // namespace pixforge::tb
