// A network as hardware runs it: clocked cycle by cycle through a valid/ready handshake. The
// pixel chain's processor slot (models/systemc/processor_sc) drives this interface; rtl_gen's
// Verilated candidate implements it, so the SystemC models need nothing from rtl_gen.
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

}  // namespace pixforge::models
