// The two external tools of a PPA evaluation, each in its own process with a timeout:
//   Yosys:   read the RTL, synth -flatten, dfflibmap + ABC against the liberty with the chosen
//            strategy, opt_clean -purge, stat -liberty, write_verilog -noattr -noexpr -simple-lhs
//            (the only form OpenSTA 2019 reads correctly; notes/toolchain.md section 6.1).
//   OpenSTA: one clock on `clk`, input and output delays, a load on the outputs; worst setup
//            slack and the critical path. No activity is read (this OpenSTA has no VCD/SAIF).
// Failures throw PPA-001 (Yosys) or PPA-002 (OpenSTA) with the log's last lines and its path;
// PPA-003 on timeout. Both tools run inside the work folder, so relative paths in a job are
// relative to it. Paths are written into the scripts in a form that cannot substitute or split:
// Yosys gets double-quoted words, OpenSTA plain words; a file whose path the tool cannot carry
// is linked into the work folder under a plain name, and what still cannot be written (a source
// path with '"', a work folder ABC cannot read) is refused with PPA-007; top, clock and cell
// names must be plain identifiers (PPA-008).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace pixforge::rtl {

// Every strategy buffers and sizes gates after mapping (see yosys_script).
enum class AbcStrategy { Balanced, Area, Delay, Fast };
AbcStrategy parse_strategy(const std::string& name);  // PPA-004 for an unknown name
std::string strategy_name(AbcStrategy s);

struct YosysJob {
    std::vector<std::filesystem::path> sources;  // absolute, or relative to the work folder
    std::string top = "pixforge_net";
    std::filesystem::path liberty;  // what dfflibmap and ABC map to
    // When set, the whole library: read first as blackboxes for the cells the RTL instantiates
    // itself (clock gates), and the library of the area report. Empty: `liberty` alone.
    std::filesystem::path cell_liberty;
    AbcStrategy strategy = AbcStrategy::Balanced;
    double clock_period_s = 10e-9;       // the delay target of the delay strategy
    std::string driving_cell = "INVX1";  // the cell assumed to drive the inputs
    double abc_load = 0.01;              // output load, liberty capacitance units
    double timeout_s = 1800;
};

struct YosysResult {
    std::filesystem::path netlist, log;
    double area = 0;  // liberty area units (um^2)
    int cells = 0;
    std::map<std::string, int> cell_counts;
    double seconds = 0;
};

// PPA-007 when Yosys' ABC could not read files inside `dir` (a work or cache folder).
void check_synthesis_folder(const std::filesystem::path& dir);

// The Yosys script for a job, run inside the work folder (public: it is part of the cache key).
std::string yosys_script(const YosysJob& job);
YosysResult run_yosys(const YosysJob& job, const std::filesystem::path& work_dir);

struct StaJob {
    std::filesystem::path netlist, liberty;  // absolute, or relative to the work folder
    std::string top = "pixforge_net", clock_port = "clk";
    double clock_period_s = 10e-9, io_delay_s = 0, output_load_F = 10e-15;
    double time_unit_s = 1e-9, capacitance_unit_F = 1e-12;  // of the liberty
    double timeout_s = 300;
};

struct StaResult {
    double worst_slack_s = 0;
    double critical_path_s = 0;  // clock period - worst slack: the shortest period that meets setup
    double max_clock_Hz = 0;
    std::string startpoint, endpoint;
    std::filesystem::path log;
    double seconds = 0;
};

std::string sta_script(const StaJob& job);
StaResult run_sta(const StaJob& job, const std::filesystem::path& work_dir);

}  // namespace pixforge::rtl
