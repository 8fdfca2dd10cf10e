// What `pixforge simulate` runs (app/cmd_simulate.cpp only declares its options): one chain job in
// an isolated child (tb::ChainRunner: a crash or hang becomes a failed result with its log) or in
// this process, once or at each rate of a sweep (tb::run_rate_sweep).
#pragma once

#include <iosfwd>
#include <string>

#include "core/config_schema.hpp"
#include "tb/chain_job.hpp"

namespace pixforge::tb {

struct SimulateRequest {
    ChainJob job;       // its report is the run's HDF5 report, or the sweep file with a sweep
    std::string sweep;  // comma-separated rates ("1e4/s,1e5/s"), or empty for one run
    double timeout_s = 3600;
    bool json = false;        // the summary as JSON (one run)
    bool in_process = false;  // no child: no crash isolation, no timeout, no sweep
};

// 0: done; 1: a run failed (SIM-004 on `err`, its folder kept and named); 2: bad input refused by
// the child (its message on `err`). CLI-003 for a sweep that names no rate, CLI-004 for waveforms
// asked of anything but one run of a candidate as the pixel's block; a bad sweep rate is refused
// before any child runs.
int run_simulate_request(const ConfigSchema& keys, const SimulateRequest& request, std::ostream& out,
                         std::ostream& err);

}  // namespace pixforge::tb
