// The flat gate-level netlist Yosys writes with `write_verilog -noattr -noexpr -simple-lhs` after
// `synth -flatten` and technology mapping: one module, port and wire declarations, cell instances
// with named connections, and bit or range assigns. Read at bit level: every net bit is one net;
// assigns merge their two sides into one net (the same wire under two names).
// NET-101 for anything outside that form, with the line.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

namespace pixforge::rtl {

struct NetlistPort {
    std::string name;
    bool input = true;
    std::vector<std::uint32_t> bits;  // net of bit 0 first
};

struct NetlistCell {
    std::string type, instance;
    std::vector<std::pair<std::string, std::uint32_t>> pins;  // pin name -> net
};

struct Netlist {
    static constexpr std::uint32_t kConst0 = 0, kConst1 = 1;
    std::string module;
    std::vector<std::string> net_names;                    // one name per net (the first seen)
    std::unordered_map<std::string, std::uint32_t> names;  // every bit name ("a[3]", "n"), aliases too
    std::vector<NetlistPort> ports;
    std::vector<NetlistCell> cells;
    const NetlistPort& port(const std::string& name) const;  // NET-102 when absent
    std::size_t nets() const { return net_names.size(); }
};

Netlist read_netlist(const std::filesystem::path& path);

}  // namespace pixforge::rtl
