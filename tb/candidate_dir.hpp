// A candidate folder as `pixforge rtl -o DIR` writes it: the Verilog, summary.json (template,
// hashes) and network.h5. Loading regenerates the RTL from the network and the template, checks
// it against the stored hash and against the chain it is to run in, and builds (or finds in the
// cache) the Verilated library.
#pragma once

#include <filesystem>
#include <string>

#include "models/chain_params.hpp"
#include "models/network/quantized_network.hpp"
#include "rtl_gen/candidate.hpp"

namespace pixforge::tb {

struct LoadedCandidate {
    models::QuantizedNetwork network;
    rtl::HardwareTemplate hardware;
    rtl::GeneratedRtl rtl;
    std::filesystem::path library;
};

// SIM-003 when the folder lacks a file or its Verilog no longer matches its network; SIM-005..007
// (check_candidate_fits_chain) when it was built for another chain. Checks run before any build.
LoadedCandidate load_candidate_dir(const std::filesystem::path& dir, const std::filesystem::path& cache,
                                   const models::ChainParams& chain);

// The candidate must read the windows this chain captures: same window length (SIM-005), same
// sample width = ADC bits (SIM-006) and, when its network fixes them, the same pre-trigger and ADC
// baseline (SIM-007). The candidate's window is trigger.window of the config the network was
// trained with, or (a network without one) the samples its RTL reads. `where` names the candidate.
void check_candidate_fits_chain(const std::string& where, const models::QuantizedNetwork& network,
                                const rtl::GeneratedRtl& rtl, const models::ChainParams& chain);

}  // namespace pixforge::tb
