// The input a pixel's network block sees, in the order and at the times the chip would present
// it: windows captured by the self-trigger from the scenario's Poisson pulse stream, each offered
// on the first digital clock edge after its last ADC sample, idle cycles between them. Used for
// the gate-level power simulation and the gate-level-equals-RTL check.
#pragma once

#include <cstdint>
#include <vector>

#include "models/pixel_chain.hpp"

namespace pixforge::rtl {

struct StimulusWindow {
    std::uint64_t ready_cycle = 0;       // first cycle the window may be offered (in_valid)
    std::vector<std::uint16_t> samples;  // the first `samples` ADC codes of the window
};

struct Stimuli {
    std::vector<StimulusWindow> windows;  // in time order
    double clock_period_s = 0;
    std::uint64_t seed = 0;
};

// The ADC stream the pixel block sees (rtl_gen/pixel_block): every sample, one every
// `cycles_per_sample` clock cycles, for as long as `pulses` pulses take at the chain's rate.
struct SampleStimuli {
    std::vector<std::uint16_t> codes;
    int cycles_per_sample = 1;
    double clock_period_s = 0;
    std::uint64_t seed = 0;
};
SampleStimuli sample_stimuli(const models::PixelChain& chain, int pulses, double clock_period_s,
                             int cycles_per_sample, std::uint64_t seed);

// `count` windows of `samples` codes each from the chain's test spectrum at its configured rate.
Stimuli stream_stimuli(const models::PixelChain& chain, int samples, int count, double clock_period_s,
                       std::uint64_t seed);

// Drives one clocked model through the stimuli: `step(rst, in_valid, samples, out_ready, in_ready)`
// runs one cycle and returns whether it changed any state (false lets the driver skip the rest
// of an idle gap: the model is at a fixed point). Windows wait while in_ready is low.
// Returns the number of cycles covered (simulated + skipped), including `drain` cycles at the end.
template <typename StepFn, typename SkipFn>
std::uint64_t drive(const Stimuli& stimuli, int samples, int drain, StepFn step, SkipFn skip_idle) {
    std::vector<std::uint16_t> idle(static_cast<size_t>(samples), 0);
    std::uint64_t cycle = 0;
    bool in_ready = false;
    for (int r = 0; r < 2; ++r, ++cycle) step(true, false, idle.data(), true, in_ready);
    for (const auto& w : stimuli.windows) {
        while (cycle < w.ready_cycle) {  // idle until the window is complete
            if (!step(false, false, idle.data(), true, in_ready)) {
                skip_idle(w.ready_cycle - cycle - 1);
                cycle = w.ready_cycle;
                break;
            }
            ++cycle;
        }
        while (true) {  // offer it until taken
            step(false, true, w.samples.data(), true, in_ready);
            ++cycle;
            if (in_ready) break;
        }
    }
    for (int d = 0; d < drain; ++d, ++cycle) step(false, false, idle.data(), true, in_ready);
    return cycle;
}

}  // namespace pixforge::rtl
