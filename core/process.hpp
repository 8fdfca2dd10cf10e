// Runs an external tool (Yosys, OpenSTA, a simulation child) in its own process group with a
// wall-clock timeout: stdout and stderr go to a log file, and on timeout the whole group is
// killed, so a hung tool never hangs pixforge. Nothing here throws for the tool's own failure:
// the caller decides what a non-zero exit means.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace pixforge {

struct ProcessResult {
    int exit_code = -1;   // valid when exited
    bool exited = false;  // ended by itself (exit_code), else killed by a signal or timeout
    bool timed_out = false;
    int signal = 0;  // the signal that ended it, when not exited
    double seconds = 0;
    std::string describe() const;  // "exit 1", "timed out after 30 s", "killed by signal 11"
};

// argv[0] is looked up in PATH. `log` receives stdout and stderr. PIX-001 if it cannot start.
ProcessResult run_process(const std::vector<std::string>& argv, const std::filesystem::path& log,
                          double timeout_s, const std::filesystem::path& working_dir = {});

// Where execvp would find `name` (the first executable match on PATH; a name with a '/' is taken
// as a path), or an empty path when there is none. No shell is involved.
std::filesystem::path find_executable(const std::string& name);

// The last `max_chars` of a log, for error messages.
std::string log_tail(const std::filesystem::path& log, std::size_t max_chars = 600);

}  // namespace pixforge
