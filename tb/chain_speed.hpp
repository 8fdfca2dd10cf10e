// How fast the chain runs the pixel block against the same Verilated block alone, on one
// scenario's stream: the block stepped directly (every cycle, no SystemC, codes precomputed) and
// the whole chain with the block in it (SystemC, front end, noise, ADC, readout, idle skipping).
// `pixforge bench-chain` prints it; the target is the chain at least half as fast as the
// block alone, per simulated cycle.
#pragma once

#include <cstdint>
#include <filesystem>

#include "core/config.hpp"
#include "tb/candidate_dir.hpp"

namespace pixforge::tb {

struct ChainSpeed {
    std::uint64_t block_cycles = 0;  // the block alone
    double block_s = 0;
    std::uint64_t chain_simulated = 0, chain_covered = 0;  // cycles the chain stepped, and spanned
    double chain_s = 0;
    std::uint64_t pulses = 0;
    double block_cycles_per_s() const { return static_cast<double>(block_cycles) / block_s; }
    double chain_covered_per_s() const { return static_cast<double>(chain_covered) / chain_s; }
};

// RTL-003 when the candidate cannot be a pixel block in this chain.
ChainSpeed measure_chain_speed(const Config& config, const LoadedCandidate& candidate,
                               const std::filesystem::path& cache, std::uint64_t pulses);

}  // namespace pixforge::tb
