#include "tb/simulate_child.hpp"

#include <fstream>

#include <fmt/format.h>

#include "core/process.hpp"

namespace pixforge::tb {

ChildRun run_simulate_child(std::vector<std::string> argv, const std::filesystem::path& work_dir,
                            double timeout_s) {
    std::filesystem::create_directories(work_dir);
    const auto json = work_dir / "chain.json";
    std::filesystem::remove(json);  // a summary left by an earlier run must not pass for this one
    argv.insert(argv.end(), {"--in-process", "--json-file", json.string()});
    ChildRun c;
    c.log = work_dir / "simulate.log";
    const ProcessResult r = run_process(argv, c.log, timeout_s);
    std::ifstream in(json);
    if (r.exited && r.exit_code == 0 && in) {
        c.ok = true;
        c.summary = nlohmann::json::parse(in);
    } else if (r.exited && r.exit_code == 2) {
        c.bad_input = true;
        c.failure = log_tail(c.log, 2000);
    } else {
        c.failure = fmt::format("the simulation child process failed ({}; log {}): {}", r.describe(),
                                c.log.string(), log_tail(c.log, 800));
    }
    return c;
}

}  // namespace pixforge::tb
