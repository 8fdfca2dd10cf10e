// A continuous ADC stream, every sample computed (superposed pulse responses + the exact AR
// noise process + jitter + quantization), with the list of true arrivals. Used for the optional
// stream stored beside a dataset, and by the full-chain testbench. Emits samples in chunks so
// memory stays constant for long streams.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "models/pulse_source.hpp"

namespace pixforge::models {

struct StreamChunk {
    std::vector<std::uint16_t> adc;
    std::vector<double> t0_s, energy_eV, collected_eV;  // arrivals whose t0 falls in this chunk
};

// Generates `duration_s` of stream; calls `sink` with consecutive chunks of `chunk_samples`.
void generate_stream(const PixelChain& chain, const EnergySpectrum& spectrum, double rate_per_s,
                     double duration_s, Rng rng, std::size_t chunk_samples,
                     const std::function<void(const StreamChunk&)>& sink);

}  // namespace pixforge::models
