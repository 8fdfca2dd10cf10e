// STUDY/report.h5 of a co-design study (schema "pixforge.codesign_report", docs/study_schema.md)
// and its printed summary (`pixforge report STUDY/`): the trials table (every parameter, metric,
// status, failed stage, stage times), the feasible Pareto set, the hypervolume trace, per-Pareto
// artefacts (RTL, network, netlist, chain histograms), the classical baseline in the same scenario,
// the rate sweep, the resolved config and the versions of the tools and liberty. Built from the
// journal (optimizer::read_journal), codesign.json and the trials' TrialMetrics, so it can be
// rebuilt at any time.
#pragma once

#include <filesystem>
#include <ostream>

namespace pixforge::codesign {

void write_study_report(const std::filesystem::path& study_dir);
void print_study_summary(const std::filesystem::path& study_dir, std::ostream& out);
// The feasible Pareto set, the feasible classical hardware designs, and for each network on the
// front the classical designs that dominate it and that it dominates (`pixforge report --json`);
// with nothing feasible (key "feasible" false), the non-dominated networks and every classical
// design that ran, all infeasible. Also the spread across seeds and the rank agreement.
void print_study_json(const std::filesystem::path& study_dir, std::ostream& out);

}  // namespace pixforge::codesign
