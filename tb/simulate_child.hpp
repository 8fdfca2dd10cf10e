// One `pixforge simulate` run in a child process with a timeout (SystemC elaborates once per
// process, and a crashing or hanging candidate must not take its caller along). The child writes
// its JSON summary and its output into `work_dir` (chain.json, simulate.log).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pixforge::tb {

struct ChildRun {
    bool ok = false;
    bool bad_input = false;     // the child refused the command (exit 2): `failure` is its message
    nlohmann::json summary;     // the chain summary, when ok
    std::string failure;        // what went wrong, with the log's tail
    std::filesystem::path log;  // the child's stdout and stderr
};

// `argv`: the child's command line, executable first ("... simulate -c F --candidate DIR ...");
// --in-process and --json-file are added here.
ChildRun run_simulate_child(std::vector<std::string> argv, const std::filesystem::path& work_dir,
                            double timeout_s);

}  // namespace pixforge::tb
