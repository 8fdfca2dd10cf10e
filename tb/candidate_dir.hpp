// A candidate folder as `pixforge rtl -o DIR` writes it: the Verilog, summary.json (template,
// hashes) and network.h5. Loading regenerates the RTL from the network and the template, checks
// it against the stored hash and against the chain it is to run in, and builds (or finds in the
// cache) the Verilated library.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "models/chain_params.hpp"
#include "models/network/quantized_network.hpp"
#include "rtl_gen/pixel_block.hpp"
#include "rtl_gen/verilated_library.hpp"

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

// The folder of a pixel block with several networks (rtl::PixelCore) holds one candidate folder per
// network, core0/, core1/, ... as `pixforge rtl` writes them, in the block's order; a plain candidate
// folder is a block of one. Each is loaded and checked as above (SIM-003 for a folder that is neither).
std::vector<LoadedCandidate> load_candidate_cores(const std::filesystem::path& dir,
                                                  const std::filesystem::path& cache,
                                                  const models::ChainParams& chain);
// The folder of core `k` of a block of several networks.
std::filesystem::path core_folder(const std::filesystem::path& dir, std::size_t k);
// The folders of the block's networks: core0/, core1/, ... or, for one network, `dir` itself.
std::vector<std::filesystem::path> network_folders(const std::filesystem::path& dir);
// Where network `k` of a block of `count` goes: `dir` itself for one, core<k>/ for several.
std::filesystem::path network_folder(const std::filesystem::path& dir, std::size_t k, std::size_t count);
// The block's networks on their templates.
std::vector<rtl::PixelCore> pixel_cores(const std::vector<LoadedCandidate>& cores);
// The same read from the folder alone: each network and the template its summary.json names,
// without the checks and the build of load_candidate_cores.
std::vector<rtl::PixelCore> read_pixel_cores(const std::filesystem::path& dir);

// The candidate must read the windows this chain captures: same window length (SIM-005), same
// sample width = ADC bits (SIM-006) and, when its network fixes them, the same pre-trigger and ADC
// baseline (SIM-007). The candidate's window is trigger.window of the config the network was
// trained with, or (a network without one) the samples its RTL reads. `where` names the candidate.
void check_candidate_fits_chain(const std::string& where, const models::QuantizedNetwork& network,
                                const rtl::GeneratedRtl& rtl, const models::ChainParams& chain);

}  // namespace pixforge::tb
