#include "rtl_gen/synthesis/tool_flows.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <functional>
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

void check_outcome(const ProcessResult& r, const std::string& tool, const std::string& id,
                   const fs::path& log, const std::vector<std::string>& markers) {
    if (r.timed_out)
        throw PixError("PPA-003", fmt::format("{} {}; log: {}", tool, r.describe(), log.string()));
    if (!r.exited || r.exit_code != 0)
        throw PixError(id, fmt::format("{} failed ({}): {}; log: {}", tool, r.describe(),
                                       failure_excerpt(log, markers), log.string()));
}

// How a character is shown in a message: itself, or its code when it is not printable.
std::string shown(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f ? fmt::format("\\x{:02x}", u) : fmt::format("'{}'", c);
}

bool is_control(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
}

// Yosys ends a quoted word at the next '"' and has no escapes. ABC, which reads the liberty and
// the constraint file (Yosys prefixes relative names with the work folder), also splits on
// ' ; > and tabs even inside quotes (measured with Yosys 0.23).
char first_unfit_for_yosys(const std::string& text, bool read_by_abc) {
    for (char c : text)
        if (is_control(c) || c == '"' || (read_by_abc && (c == '\'' || c == ';' || c == '>'))) return c;
    return 0;
}

std::string yosys_word(const fs::path& path, const std::string& what, bool read_by_abc) {
    const std::string text = path.string();
    if (const char c = first_unfit_for_yosys(text, read_by_abc))
        throw PixError("PPA-007",
                       fmt::format("{} '{}' holds the character {}, which {} cannot read from a script; "
                                   "expected a path without {}control characters",
                                   what, text, shown(c), read_by_abc ? "Yosys' ABC" : "Yosys",
                                   read_by_abc ? "\" ' ; > or " : "\" or "));
    return '"' + text + '"';
}

// OpenSTA 2019 passes file names through Tcl lists (read_liberty reads `$args`), so a name that
// Tcl would quote (space, brace, bracket, $, backslash, ...) reaches it mangled even when quoted
// correctly (measured). A path of these characters needs no quoting and cannot substitute.
bool fits_opensta(const std::string& text) {
    if (text.empty() || text.front() == '~') return false;  // file nativename expands ~user
    for (char c : text)
        if (!std::isalnum(static_cast<unsigned char>(c)) &&
            std::string("_./+-,:=@%").find(c) == std::string::npos)
            return false;
    return true;
}

std::string sta_word(const fs::path& path, const std::string& what) {
    const std::string text = path.string();
    if (fits_opensta(text)) return text;
    if (text.empty()) throw PixError("PPA-007", fmt::format("{} is an empty path; expected a file", what));
    const auto bad =
        std::find_if(text.begin(), text.end(), [](char c) { return !fits_opensta(std::string(1, c)); });
    throw PixError(
        "PPA-007",
        fmt::format("{} '{}' holds the character {}, which OpenSTA cannot read from a Tcl script; "
                    "expected letters, digits and _ . / + - , : = @ % only (run_sta links such a file "
                    "into its work folder)",
                    what, text, bad == text.end() ? shown(text.front()) : shown(*bad)));
}

// A top module, port or cell name written into a script: a plain identifier, so it can neither
// split a command nor substitute.
const std::string& identifier(const std::string& name, const std::string& what) {
    const bool plain = !name.empty() && !std::isdigit(static_cast<unsigned char>(name.front())) &&
                       std::all_of(name.begin(), name.end(), [](char c) {
                           return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                       });
    if (!plain)
        throw PixError("PPA-008",
                       fmt::format("{} '{}' is not a plain identifier; expected a letter or '_' followed "
                                   "by letters, digits and '_'",
                                   what, name));
    return name;
}

// `path` as the tool may name it inside `work_dir`: itself when `fits`, else a symbolic link
// `link_name` in the work folder that points to it (relative paths are relative to the folder).
fs::path reachable(const fs::path& path, const fs::path& work_dir, const std::string& link_name,
                   const std::function<bool(const std::string&)>& fits) {
    if (fits(path.string())) return path;
    const fs::path target = path.is_absolute() ? path : fs::absolute(work_dir) / path;
    std::error_code ec;
    fs::remove(work_dir / link_name, ec);
    fs::create_symlink(target, work_dir / link_name);
    return link_name;
}

}  // namespace

AbcStrategy parse_strategy(const std::string& name) {
    if (name == "balanced") return AbcStrategy::Balanced;
    if (name == "area") return AbcStrategy::Area;
    if (name == "delay") return AbcStrategy::Delay;
    if (name == "fast") return AbcStrategy::Fast;
    throw PixError(
        "PPA-004",
        fmt::format("synthesis strategy '{}' is unknown; expected balanced, area, delay or fast", name));
}

std::string strategy_name(AbcStrategy s) {
    switch (s) {
        case AbcStrategy::Balanced:
            return "balanced";
        case AbcStrategy::Area:
            return "area";
        case AbcStrategy::Delay:
            return "delay";
        case AbcStrategy::Fast:
            return "fast";
    }
    return "?";
}

std::string yosys_script(const YosysJob& job) {
    // Every strategy maps with a constraint file (input driver, output load) and ends with ABC's
    // buffering and gate sizing: without them a high-fanout net (reset, valid, a folded weight
    // select) hangs on one minimum inverter and STA reports tens of ns that no real flow would
    // leave (measured: 44 ns -> 4 ns critical path on a pipelined network, docs/synthesis.md).
    const std::string lib = yosys_word(job.liberty, "the liberty", true);
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
    std::string s, stat_lib = lib;
    if (!job.cell_liberty.empty()) {
        stat_lib = yosys_word(job.cell_liberty, "the cell liberty", false);
        s += "read_liberty -lib " + stat_lib + "\n";
    }
    s += "read_verilog";
    for (const auto& f : job.sources) s += " " + yosys_word(f, "the Verilog source", false);
    s += fmt::format(
        "\nsynth -top {} -flatten\ndfflibmap -liberty {}\n{}\nopt_clean -purge\nstat -liberty {}\n",
        identifier(job.top, "the top module"), lib, abc, stat_lib);
    s += "write_verilog -noattr -noexpr -simple-lhs netlist.v\n";
    return s;
}

void check_synthesis_folder(const fs::path& dir) {
    const std::string text = fs::absolute(dir).string();
    if (const char c = first_unfit_for_yosys(text, true))
        throw PixError("PPA-007",
                       fmt::format("the synthesis folder '{}' holds the character {}, which Yosys' ABC "
                                   "cannot read; expected a cache folder without \" ' ; > or control "
                                   "characters",
                                   text, shown(c)));
}

YosysResult run_yosys(const YosysJob& job, const fs::path& work_dir) {
    fs::create_directories(work_dir);
    check_synthesis_folder(work_dir);  // ABC sees it: Yosys makes the constraint file's name absolute
    YosysJob local = job;
    local.liberty = reachable(job.liberty, work_dir, "yosys_cells.lib",
                              [](const std::string& p) { return first_unfit_for_yosys(p, true) == 0; });
    if (!job.cell_liberty.empty())
        local.cell_liberty =
            reachable(job.cell_liberty, work_dir, "yosys_all_cells.lib",
                      [](const std::string& p) { return first_unfit_for_yosys(p, false) == 0; });
    // ABC's constraint file: the weakest inverter drives the inputs, every output sees a load.
    std::ofstream(work_dir / "abc.constr")
        << fmt::format("set_driving_cell {}\nset_load {:.6g}\n",
                       identifier(job.driving_cell, "the driving cell"), job.abc_load);
    std::ofstream(work_dir / "synth.ys") << yosys_script(local);
    YosysResult r;
    r.log = work_dir / "yosys.log";
    r.netlist = work_dir / "netlist.v";
    // Run inside the work folder: the script's relative paths then stay valid in the cache.
    const ProcessResult p = run_process({"yosys", "-q", "-l", "yosys.log", "synth.ys"},
                                        work_dir / "yosys.stdout", job.timeout_s, work_dir);
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
        throw PixError("PPA-001",
                       fmt::format("Yosys finished without a chip area or a netlist (is the liberty a cell "
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
        fmt::arg("lib", sta_word(job.liberty, "the liberty")),
        fmt::arg("net", sta_word(job.netlist, "the netlist")),
        fmt::arg("top", identifier(job.top, "the top module")),
        fmt::arg("clk", identifier(job.clock_port, "the clock port")),
        fmt::arg("period", job.clock_period_s / t), fmt::arg("io", job.io_delay_s / t),
        fmt::arg("load", job.output_load_F / job.capacitance_unit_F));
}

StaResult run_sta(const StaJob& job, const fs::path& work_dir) {
    fs::create_directories(work_dir);
    StaJob local = job;
    local.liberty = reachable(job.liberty, work_dir, "sta_cells.lib", fits_opensta);
    local.netlist = reachable(job.netlist, work_dir, "sta_netlist.v", fits_opensta);
    std::ofstream(work_dir / "sta.tcl") << sta_script(local);
    StaResult r;
    r.log = work_dir / "sta.log";
    // Inside the work folder, like Yosys: relative names in the script stay short and plain.
    const ProcessResult p =
        run_process({"sta", "-no_splash", "-exit", "sta.tcl"}, r.log, job.timeout_s, work_dir);
    r.seconds = p.seconds;
    check_outcome(p, "OpenSTA", "PPA-002", r.log, {"Error", "error"});
    const std::string text = read_text(r.log);
    // OpenSTA reports reading and linking problems but still exits 0: treat them as failures.
    for (const char* marker : {"Error:", "Warning: module", "unknown"})
        if (text.find(marker) != std::string::npos)
            throw PixError("PPA-002", fmt::format("OpenSTA: {}; log: {}", failure_excerpt(r.log, {marker}),
                                                  r.log.string()));
    std::smatch m;
    if (!std::regex_search(text, m, std::regex(R"(worst slack\s+(-?[0-9.eE+-]+))")))
        throw PixError("PPA-002",
                       fmt::format("OpenSTA found no constrained path (no clock '{}' or no flip-flops?); "
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
