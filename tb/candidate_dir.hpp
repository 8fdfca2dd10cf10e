// A candidate folder as `pixforge rtl -o DIR` writes it: the Verilog, summary.json (template,
// hashes) and network.h5. Loading regenerates the RTL from the network and the template, checks
// it against the stored hash, and builds (or finds in the cache) the Verilated library.
#pragma once

#include <filesystem>

#include "models/network/quantized_network.hpp"
#include "rtl_gen/candidate.hpp"

namespace pixforge::tb {

struct LoadedCandidate {
    models::QuantizedNetwork network;
    rtl::HardwareTemplate hardware;
    rtl::GeneratedRtl rtl;
    std::filesystem::path library;
};

// SIM-003 when the folder lacks a file or its Verilog no longer matches its network.
LoadedCandidate load_candidate_dir(const std::filesystem::path& dir, const std::filesystem::path& cache);

}  // namespace pixforge::tb
