// pixforge report: the summary of a co-design study (and a rebuilt STUDY/report.h5).
#include <fmt/format.h>

#include "app/cli.hpp"
#include "optimizer/codesign/codesign_report.hpp"

namespace pixforge::app {

Action add_report_command(CLI::App& cmd) {
    auto dir = std::make_shared<std::string>();
    auto rebuild = std::make_shared<bool>(false), as_json = std::make_shared<bool>(false);
    cmd.add_option("study", *dir, "study folder from pixforge optimize")->required();
    cmd.add_flag("--rebuild", *rebuild, "also rewrite STUDY/report.h5 from the journal and the trials");
    cmd.add_flag(
        "--json", *as_json,
        "the feasible Pareto set and classical hardware designs, and which dominates which, as JSON");
    cmd.footer(
        "Example:\n  pixforge report out/study\n  /usr/bin/python3 scripts/plot_report.py "
        "out/study/report.h5");
    return [dir, rebuild, as_json](std::ostream& out, std::ostream&) {
        if (*rebuild) codesign::write_study_report(*dir);
        if (*as_json)
            codesign::print_study_json(*dir, out);
        else
            codesign::print_study_summary(*dir, out);
        return 0;
    };
}

}  // namespace pixforge::app
