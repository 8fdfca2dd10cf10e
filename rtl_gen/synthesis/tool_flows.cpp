#include "rtl_gen/synthesis/tool_flows.hpp"

#include <cmath>
#include <fstream>
#include <regex>
#include <sstream>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/process.hpp"

namespace pixforge::rtl {

namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// The first line of a log that says what went wrong, else its tail.
std::string failure_excerpt(const fs::path& log, const std::vector<std::string>& markers) {
    std::istringstream in(read_text(log));
    std::string line;
    while (std::getline(in, line))
        for (const auto& m : markers)
            if (line.find(m) != std::string::npos) return line;
    return log_tail(log, 400);
}

void check_outcome(const ProcessResult& r, const std::string& tool, const std::string& id, const fs::path& log,
                   const std::vector<std::string>& markers) {
    if (r.timed_out)
        throw PixError("PPA-003", fmt::format("{} {}; log: {}", tool, r.describe(), log.string()));
    if (!r.exited || r.exit_code != 0)
        throw PixError(id, fmt::format("{} failed ({}): {}; log: {}", tool, r.describe(),
                                       failure_excerpt(log, markers), log.string()));
}

}  // namespace

AbcStrategy parse_strategy(const std::string& name) {
    if (name == "balanced") return AbcStrategy::Balanced;
    if (name == "area") return AbcStrategy::Area;
    if (name == "delay") return AbcStrategy::Delay;
    if (name == "fast") return AbcStrategy::Fast;
    throw PixError("PPA-004", fmt::format("synthesis strategy '{}' is unknown; expected balanced, area, delay or fast",
                                          name));
}

std::string strategy_name(AbcStrategy s) {
    switch (s) {
        case AbcStrategy::Balanced: return "balanced";
        case AbcStrategy::Area: return "area";
        case AbcStrategy::Delay: return "delay";
        case AbcStrategy::Fast: return "fast";
    }
    return "?";
}

std::string yosys_script(const YosysJob& job) {
    // Every strategy maps with a constraint file (input driver, output load) and ends with ABC's
    // buffering and gate sizing: without them a high-fanout net (reset, valid, a folded weight
    // select) hangs on one minimum inverter and STA reports tens of ns that no real flow would
    // leave (measured: 44 ns -> 4 ns critical path on a pipelined network, docs/synthesis.md).
    const std::string lib = job.liberty.string();
    const std::string ps = fmt::format("{:.0f}", job.clock_period_s * 1e12);
    // The mapped network must come back through &put or topo before ABC's buffer command:
    // after plain `map` it aborted on dangling nodes (measured).
    auto sized = [](const std::string& target) {
        return fmt::format("buffer;upsize,-D,{0};dnsize,-D,{0};stime,-p", target);
    };
    const std::string prelude = "+strash;&get,-n;&fraig,-x;&put;scorr;dc2;dretime;strash;";
    std::string abc = fmt::format("abc -liberty {} -constr abc.constr -D {}", lib, ps);
    switch (job.strategy) {
        case AbcStrategy::Balanced:  // Yosys' own script for -constr: &nf mapping, then sizing
            break;
        case AbcStrategy::Area:  // ABC's area-oriented mapper: -18 % area on a small network
            abc += " -script " + prelude + "dch,-f;amap;topo;" + sized(ps);
            break;
        case AbcStrategy::Delay: {  // map and size against half the period: more upsizing
            const std::string half = fmt::format("{:.0f}", job.clock_period_s * 0.5e12);
            abc += fmt::format(" -script {}&get,-n;&dch,-f;&nf,-D,{};&put;{}", prelude, half, sized(half));
            break;
        }
        case AbcStrategy::Fast:  // no fraiging or choice computation: for screening
            abc += fmt::format(" -script +strash;dretime;&get,-n;&nf,-D,{0};&put;{1}", ps, sized(ps));
            break;
    }
    std::string s = "read_verilog";
    for (const auto& f : job.sources) s += " " + f.string();
    s += fmt::format("\nsynth -top {} -flatten\ndfflibmap -liberty {}\n{}\nopt_clean -purge\nstat -liberty {}\n", job.top,
                     lib, abc, lib);
    s += "write_verilog -noattr -noexpr -simple-lhs netlist.v\n";
    return s;
}

YosysResult run_yosys(const YosysJob& job, const fs::path& work_dir) {
    fs::create_directories(work_dir);
    // ABC's constraint file: the weakest inverter drives the inputs, every output sees a load.
    std::ofstream(work_dir / "abc.constr") << fmt::format("set_driving_cell {}\nset_load {:.6g}\n",
                                                           job.driving_cell, job.abc_load);
    std::ofstream(work_dir / "synth.ys") << yosys_script(job);
    YosysResult r;
    r.log = work_dir / "yosys.log";
    r.netlist = work_dir / "netlist.v";
    // Run inside the work folder: the script's relative paths then stay valid in the cache.
    const ProcessResult p = run_process({"yosys", "-q", "-l", "yosys.log", "synth.ys"}, work_dir / "yosys.stdout",
                                        job.timeout_s, work_dir);
    r.seconds = p.seconds;
    check_outcome(p, "Yosys", "PPA-001", fs::exists(r.log) ? r.log : work_dir / "yosys.stdout", {"ERROR"});
    // The stat report: "Number of cells: N", one "  CELL  count" line per type, "Chip area ...: A".
    std::istringstream in(read_text(r.log));
    std::string line;
    const std::regex cells_re(R"(^\s+Number of cells:\s+(\d+))"), type_re(R"(^\s+(\S+)\s+(\d+)\s*$)"),
        area_re(R"(Chip area for module .*:\s+([0-9.eE+-]+))");
    std::smatch m;
    bool in_types = false, found_area = false;
    while (std::getline(in, line)) {
        if (std::regex_search(line, m, cells_re)) {
            r.cells = std::stoi(m[1]), in_types = true, r.cell_counts.clear();
        } else if (in_types && std::regex_match(line, m, type_re)) {
            r.cell_counts[m[1]] = std::stoi(m[2]);
        } else if (std::regex_search(line, m, area_re)) {
            r.area = std::stod(m[1]), found_area = true, in_types = false;
        } else if (in_types && !line.empty() && line.find_first_not_of(' ') != std::string::npos) {
            in_types = false;
        }
    }
    if (!found_area || !fs::exists(r.netlist))
        throw PixError("PPA-001", fmt::format("Yosys finished without a chip area or a netlist (is the liberty a cell "
                                              "library?); log: {}",
                                              r.log.string()));
    return r;
}

std::string sta_script(const StaJob& job) {
    const double t = job.time_unit_s;
    return fmt::format(
        "read_liberty {lib}\nread_verilog {net}\nlink_design {top}\n"
        "create_clock -name clk -period {period:.6g} [get_ports {clk}]\n"
        "set_input_delay {io:.6g} -clock clk [delete_from_list [all_inputs] [get_ports {clk}]]\n"
        "set_output_delay {io:.6g} -clock clk [all_outputs]\n"
        "set_load {load:.6g} [all_outputs]\n"
        "report_checks -path_delay max -digits 4\n"
        "report_worst_slack -digits 4\n",
        fmt::arg("lib", job.liberty.string()), fmt::arg("net", job.netlist.string()), fmt::arg("top", job.top),
        fmt::arg("clk", job.clock_port), fmt::arg("period", job.clock_period_s / t),
        fmt::arg("io", job.io_delay_s / t), fmt::arg("load", job.output_load_F / job.capacitance_unit_F));
}

StaResult run_sta(const StaJob& job, const fs::path& work_dir) {
    fs::create_directories(work_dir);
    std::ofstream(work_dir / "sta.tcl") << sta_script(job);
    StaResult r;
    r.log = work_dir / "sta.log";
    const ProcessResult p =
        run_process({"sta", "-no_splash", "-exit", (work_dir / "sta.tcl").string()}, r.log, job.timeout_s);
    r.seconds = p.seconds;
    check_outcome(p, "OpenSTA", "PPA-002", r.log, {"Error", "error"});
    const std::string text = read_text(r.log);
    // OpenSTA reports reading and linking problems but still exits 0: treat them as failures.
    for (const char* marker : {"Error:", "Warning: module", "unknown"})
        if (text.find(marker) != std::string::npos)
            throw PixError("PPA-002", fmt::format("OpenSTA: {}; log: {}", failure_excerpt(r.log, {marker}), r.log.string()));
    std::smatch m;
    if (!std::regex_search(text, m, std::regex(R"(worst slack\s+(-?[0-9.eE+-]+))")))
        throw PixError("PPA-002", fmt::format("OpenSTA found no constrained path (no clock '{}' or no flip-flops?); "
                                              "log: {}",
                                              job.clock_port, r.log.string()));
    r.worst_slack_s = std::stod(m[1]) * job.time_unit_s;
    if (std::regex_search(text, m, std::regex(R"(Startpoint:\s+(\S+))"))) r.startpoint = m[1];
    if (std::regex_search(text, m, std::regex(R"(Endpoint:\s+(\S+))"))) r.endpoint = m[1];
    r.critical_path_s = job.clock_period_s - r.worst_slack_s;
    r.max_clock_Hz = r.critical_path_s > 0 ? 1.0 / r.critical_path_s : 0;
    return r;
}

}  // namespace pixforge::rtl
