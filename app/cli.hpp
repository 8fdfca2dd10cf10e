// The pixforge command line as a library function, so tests run commands in-process and compare
// their output and exit codes. Exit codes: 0 success, 1 runtime failure, 2 bad input.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/config.hpp"
#include "core/work_pool.hpp"
#include "rtl_gen/hardware_template.hpp"

namespace pixforge::app {

// A command registered from outside the torch-free CLI library (the executable adds `train`,
// which links LibTorch, so test binaries of the other commands need not).
struct ExtraCommand {
    std::string name, help;
    std::function<std::function<int(std::ostream&, std::ostream&)>(CLI::App&,
                                                                   const std::string& command_line)>
        add;
};

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
            const std::vector<ExtraCommand>& extra = {});

// Options most commands share: the config file and --set overrides.
struct ConfigOptions {
    std::string path;
    std::vector<std::string> overrides;
    void add_to(CLI::App& command, bool required = true);
    // The file with its overrides, read against every key pixforge declares; without a file, the
    // defaults with the overrides.
    Config load() const;
};

// -t/-r/-p/--clock-gating: the hardware template of rtl and synth.
struct TemplateOptions {
    std::string kind = "parallel";
    int reuse = 1, pipeline = 1;
    bool clock_gating = false;
    void add_to(CLI::App& command);
    rtl::HardwareTemplate parse() const;  // RTL-001 for a combination the template cannot take
};

// A classical estimator as integer hardware instead of a network file (docs/classical_hardware.md):
// --classical NAME, --bits (coefficient or fraction bits) and -d,--dataset (its calibration
// windows), which --classical needs.
struct ClassicalHardwareOptions {
    std::string name;
    int bits = 8;
    std::string dataset;
    // Adds --bits and --dataset, and --classical to `group` (the command's choice of processor);
    // `needs_dataset`: --classical is the hardware version only (else, without --dataset, another).
    void add_to(CLI::App& command, CLI::Option_group& group, const std::string& classical_help,
                bool needs_dataset);
    bool chosen() const { return !name.empty(); }
};

// Each command registers its options on `app` and returns the action to run.
using Action = std::function<int(std::ostream& out, std::ostream& err)>;
Action add_config_command(CLI::App& app);
Action add_dataset_command(CLI::App& app, const std::string& command_line);
Action add_baseline_command(CLI::App& app, const std::string& command_line);
Action add_classical_command(CLI::App& app, const std::string& command_line);
Action add_bench_dataset_command(CLI::App& app);
Action add_bench_optimizer_command(CLI::App& app, const std::string& command_line);
Action add_rtl_command(CLI::App& app);
Action add_synth_command(CLI::App& app);
Action add_bench_synth_command(CLI::App& app);
Action add_bench_chain_command(CLI::App& app);
Action add_simulate_command(CLI::App& app, const std::string& command_line);
Action add_chain_job_command(CLI::App& app);
Action add_report_command(CLI::App& app);
Action add_validate_command(CLI::App& app);
Action add_regress_command(CLI::App& app, const std::string& command_line);

// --rank-silence: under MPI, how long a worker rank holding a task may stay silent before it is
// taken for dead (s; at least 5, the heartbeat comes every second).
void add_rank_silence_option(CLI::App& command, double& seconds);

// The pool that runs independent tasks: over the ranks when this process was started by mpirun
// (MPI-001 when this pixforge was built without MPI), otherwise in this process.
std::unique_ptr<WorkPool> make_work_pool(double rank_silence_s);

}  // namespace pixforge::app
