// A Liberty (.lib / .lib.gz) cell library, read for what pixforge's power model and gate-level
// simulation need: units, cell areas, leakage, pin capacitances, Boolean functions, flip-flops
// and internal-power tables. Timing arcs are left to OpenSTA, which reads the file itself.
// Errors: LIB-001 (cannot read), LIB-002 (syntax, with line), LIB-003 (missing unit or table).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pixforge::rtl {

// One NLDM table, in library units; indices mapped to (load capacitance, input transition).
struct PowerTable {
    std::vector<double> load_index, slew_index;     // empty when the table does not depend on it
    std::vector<double> values;                     // row-major [load][slew] (or 1-D)
    double lookup(double load, double slew) const;  // bilinear, linear extrapolation at the edges
};

struct InternalPower {
    std::string related_pin;                        // empty for a pin's own (passive) power
    std::optional<PowerTable> rise, fall;           // energy per transition, library energy units
    double energy(double load, double slew) const;  // mean of rise and fall
};

struct LibertyPin {
    std::string name;
    enum class Direction { Input, Output, Inout, Internal } direction = Direction::Input;
    double capacitance = 0;  // library capacitance units
    std::string function;    // Liberty Boolean expression (outputs)
    bool clock = false;
    std::vector<InternalPower> internal_power;
};

struct FlipFlop {                       // a Liberty ff group
    std::string state, state_inverted;  // variable names (IQ, IQN)
    std::string next_state, clocked_on, clear, preset;
};

// An integrated clock-gate cell (`clock_gating_integrated_cell`): `kind` as the library names it
// ("latch_posedge": the enable is latched while the clock is low, out = clock AND latched enable).
struct ClockGateCell {
    std::string kind, clock_pin, enable_pin, out_pin;
    bool test_pin = false;  // a scan/test enable beside the functional one
};

struct LibertyCell {
    std::string name;
    double area = 0;     // library area units (um^2 for the libraries we ship)
    double leakage = 0;  // library leakage units
    std::vector<LibertyPin> pins;
    std::optional<FlipFlop> ff;
    bool latch = false, statetable = false;
    std::optional<ClockGateCell> clock_gate;
    const LibertyPin* pin(const std::string& name) const;
};

struct Liberty {
    std::filesystem::path path;
    std::string name;
    double time_unit_s = 1e-9, capacitance_unit_F = 1e-12, voltage_unit_V = 1, leakage_unit_W = 1e-9;
    double nominal_voltage_V = 0;
    std::map<std::string, LibertyCell> cells;
    // Energy of one table entry in J: capacitance unit x voltage unit^2.
    double energy_unit_J() const { return capacitance_unit_F * voltage_unit_V * voltage_unit_V; }
    const LibertyCell& cell(const std::string& name) const;  // LIB-004 when absent
    std::string content_hash() const { return hash; }
    std::string hash;  // of the file's bytes
};

// Reads a .lib or gzip-compressed .lib.gz.
Liberty read_liberty(const std::filesystem::path& path);

// The liberty as a plain .lib the tools can read (Yosys, ABC and OpenSTA take no .gz): the file
// itself, or a decompressed copy kept in `cache_dir` under its content hash.
std::filesystem::path plain_liberty(const Liberty& lib, const std::filesystem::path& cache_dir);

// The cell library a `synthesis.liberty` value names: "sky130hd" (the default; also "") is the
// SkyWater SKY130 hd typical corner shipped in pdk/, "osu018" Debian's qflow-tech-osu018 (LIB-001
// names the apt command when absent); any other value is a path, returned as it is.
std::filesystem::path named_liberty(const std::string& name);

}  // namespace pixforge::rtl
