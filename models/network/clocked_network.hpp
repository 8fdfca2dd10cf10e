// A network, or the pixel's whole digital block, as hardware runs it: clocked cycle by cycle. The
// pixel chain's processor slot (models/systemc/processor_sc) drives these interfaces; rtl_gen's
// Verilated candidates implement them, so the SystemC models need nothing from rtl_gen.
#pragma once

#include <cstdint>
#include <vector>

namespace pixforge::models {

class ClockedNetwork {
  public:
    struct Cycle {
        bool in_ready = false, out_valid = false;
        std::vector<std::int64_t> outputs;
    };
    virtual ~ClockedNetwork() = default;
    virtual void reset() = 0;
    // One clock cycle: inputs held during the cycle, outputs as seen before the rising edge.
    virtual Cycle step(bool in_valid, const std::uint16_t* samples, bool out_ready) = 0;
    virtual int samples() const = 0;  // ADC samples of one window the network reads
};

// The pixel's whole digital block (trigger, capture, network, readout handshake) as hardware
// runs it: one clock cycle at a time, an ADC code offered on the cycles where s_valid holds.
class ClockedPixelBlock {
  public:
    struct Cycle {
        bool out_valid = false;
        bool trig = false, armed = true, dead_edge = false, lost = false;  // this sample's trigger
        bool idle = false;       // nothing in progress (before the rising edge)
        bool cap_valid = false;  // cap_code is the next sample of a captured window
        std::uint16_t cap_code = 0;
        std::vector<std::int64_t> outputs;
    };
    virtual ~ClockedPixelBlock() = default;
    virtual void reset() = 0;
    // One clock cycle: inputs held during the cycle, outputs as seen before the rising edge.
    virtual const Cycle& step(bool s_valid, std::uint16_t code, bool out_ready) = 0;
    virtual int samples() const = 0;  // samples of a captured window
    // Waveforms (tb::WaveformPixelBlock): told which sample, and which cycle of it, the next step is,
    // and the analog signal of the samples [first, first + n) before they are fed. Others ignore it.
    virtual void at_cycle(std::int64_t sample, int phase) {}
    virtual void observe_analog(std::int64_t first, const std::vector<float>& signal_e) {}
};

}  // namespace pixforge::models
