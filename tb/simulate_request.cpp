#include "tb/simulate_request.hpp"

#include <unistd.h>

#include <filesystem>
#include <ostream>
#include <sstream>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/process.hpp"
#include "tb/rate_sweep.hpp"

namespace pixforge::tb {

namespace fs = std::filesystem;

namespace {

// The sweep's rates, each checked as source.rate with the whole config before any child runs, so a
// bad rate is refused (CFG-005, naming it) instead of failing in every child.
std::vector<std::string> sweep_rates(const ConfigSchema& keys, const SimulateRequest& r) {
    std::vector<std::string> rates;
    for (std::stringstream s(r.sweep); s.good();) {
        std::string rate;
        std::getline(s, rate, ',');
        if (!rate.empty()) rates.push_back(rate);
    }
    if (rates.empty())
        throw PixError("CLI-003", fmt::format("pixforge simulate: --sweep '{}' names no rate; expected "
                                              "comma-separated rates such as 1e4/s,1e5/s",
                                              r.sweep));
    check_sweep_rates(keys, r.job, rates);
    return rates;
}

}  // namespace

int run_simulate_request(const ConfigSchema& keys, const SimulateRequest& r, std::ostream& out,
                         std::ostream& err) {
    const ChainJob& job = r.job;
    if (!job.waves.empty() && (job.candidate.empty() || !job.pixel_block || !r.sweep.empty()))
        throw PixError("CLI-004",
                       "pixforge simulate: --waves records the Verilated pixel block: it needs --candidate "
                       "with --block pixel (the default), and no --sweep");
    if (r.in_process) {
        const ChainSummary s = run_chain_job(keys, job, r.json ? nullptr : &out);
        if (r.json) out << s.to_json().dump(2) << "\n";
        return 0;
    }
    const ChainRunner runner(ChainRunner::this_executable(), r.timeout_s);
    const fs::path work = fs::temp_directory_path() / fmt::format("pixforge-simulate-{}", ::getpid());
    int status = 0;
    if (r.sweep.empty()) {
        const IsolatedRun c = runner.run(job, work);
        if (c.bad_input) {
            err << c.failure;
            status = 2;
        } else if (!c.ok) {
            err << "[ERROR SIM-004] " << c.failure << "\n";
            return 1;  // the child's folder stays: its log is named in the message
        } else {
            out << (r.json ? c.summary->to_json().dump(2) + "\n" : log_tail(c.log, 100000));
        }
    } else {
        const std::vector<std::string> rates = sweep_rates(keys, r);
        const RateSweep sweep = run_rate_sweep(
            runner, job, job.classical.empty() ? job.candidate.string() : "classical " + job.classical, rates,
            work, &out);
        if (!sweep.refused.empty()) {
            err << sweep.refused;
            status = 2;
        } else {
            if (!job.report.empty()) write_rate_sweep_file(job.report, sweep, job, keys);
            status = sweep.all_ok() ? 0 : 1;
        }
    }
    if (status != 1) fs::remove_all(work);
    return status;
}

}  // namespace pixforge::tb
