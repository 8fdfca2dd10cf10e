// STUDY/report.h5 of a co-design study (schema "pixforge.codesign_report", docs/study_schema.md)
// and its printed summary (`pixforge report STUDY/`): the trials table (every parameter, metric,
// status, failed stage, stage times), the feasible Pareto set, the hypervolume trace, per-Pareto
// artefacts (RTL, network, netlist path, chain histograms), the classical baseline in the same
// scenario, the resolved config and the versions of the tools and liberty. Built from the journal
// and the trials' metrics.json files, so it can be rebuilt at any time.
#pragma once

#include <filesystem>
#include <ostream>

namespace pixforge::optimizer {

void write_study_report(const std::filesystem::path& study_dir);
void print_study_summary(const std::filesystem::path& study_dir, std::ostream& out);

}  // namespace pixforge::optimizer
