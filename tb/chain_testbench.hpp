// The full-chain testbench: elaborates the SystemC pixel chain around one processor (a Verilated
// network candidate or a classical estimator) for one scenario, runs a Poisson pulse stream
// through it, and returns what the scoreboard saw. Each run builds its blocks in a fresh SystemC
// kernel, so one process can run several chains in sequence (the blocks of earlier runs are kept
// alive with their kernel, never destroyed: SystemC 2.3 does not support tearing a design down).
//
//   PulseSourceSc -> AnalogFrontEndSc <- AdcSc -> TriggerSc -> processor -> ReadoutSc -> scoreboard
//        \___________________________ truth ______________________________________________/
// With a pixel block, AdcSc -> PixelBlockSc -> ReadoutSc: the Verilated block triggers and captures.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "models/network/quantized_network.hpp"
#include "models/pixel_chain.hpp"
#include "models/systemc/chain_payloads.hpp"

namespace pixforge::tb {

struct ChainOptions {
    std::uint64_t pulses = 100000;
    double clock_period_s = 10e-9;  // digital clock of the processor
    int fifo_depth = 16;
    double link_rate_per_s = 1e7;  // results per second on the readout link
    int input_buffer = 1;          // windows waiting for a busy network
    int classical_latency = 2;     // cycles from offer to result, classical estimators
    int adc_block = 1024;          // samples per ADC transaction (temporal decoupling)
    std::uint64_t seed = 1;
    static ChainOptions from_config(const Config& config);  // [readout] and synthesis.clock_period
};

// A stretch of stream time whose cycles go into a waveform file (tb/waveforms.hpp).
struct WaveWindow {
    double from_s = 0, to_s = 0;
};

// What takes the processor slot.
struct ProcessorChoice {
    std::string classical;          // estimator name, or empty for a network
    std::filesystem::path library;  // Verilated candidate (rtl::VerilatedLibraryBuilder)
    // The library is the pixel's whole block (rtl::generate_pixel_block): it takes the ADC codes in
    // place of the behavioural trigger and the processor.
    bool pixel_block = false;
    // The networks: one for a window-level candidate; a pixel block's in core order (rtl::PixelCore),
    // whose outputs it carries in that order.
    std::vector<models::QuantizedNetwork> networks;
    std::string template_name;
    int latency_cycles = 0;  // the template's formula, for the report
    // Waveforms of the pixel block (its library built with them): the cycles inside `wave_windows`
    // go into the FST file `waves`; idle cycles are simulated too, so a window has no gap.
    std::filesystem::path waves;
    std::vector<WaveWindow> wave_windows;
};

struct TruthPulse {
    double t0_s, energy_eV, collected_eV;
    int line_index;
};

struct ChainRun {
    std::vector<TruthPulse> truth;         // every arrival, in time order
    std::vector<sc::PulseResult> results;  // every delivered result, in time order
    std::uint64_t triggers = 0, edges_in_dead_time = 0, lost_busy = 0, lost_fifo = 0;
    std::uint64_t processed = 0;  // results the processor emitted (delivered + lost_fifo)
    std::size_t fifo_max_occupancy = 0;
    double duration_s = 0, dead_s = 0;
    std::uint64_t adc_samples = 0, cycles_simulated = 0, cycles_covered = 0;
    double wall_s = 0;
    std::string processor;
};

// Calibrated classical estimator for the chain (single-pulse windows of the training spectrum);
// SIM-002 for an unknown name (the message lists the known ones).
std::unique_ptr<models::PulseEstimator> calibrated_classical(const models::PixelChain& chain,
                                                             const Config& config, const std::string& name,
                                                             std::uint64_t seed);

ChainRun run_chain(const models::PixelChain& chain, const ChainOptions& options,
                   const ProcessorChoice& processor, const models::PulseEstimator* classical = nullptr);

// The chain with the classical estimator `name` in the processor slot, calibrated first
// (calibrated_classical with the options' seed).
ChainRun run_chain_classical(const models::PixelChain& chain, const Config& config,
                             const ChainOptions& options, const std::string& name);

// [readout]: the keys ChainOptions::from_config reads.
void declare_readout_keys(ConfigSchema& schema);

}  // namespace pixforge::tb
