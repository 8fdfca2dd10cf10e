// The pixel's whole digital block in the chain: ADC codes in (instead of the behavioural trigger
// and the processor), results out to readout. The block (a models::ClockedPixelBlock, e.g. the
// Verilated pixforge_pixel) is clocked sample by sample through models::PixelBlockRunner, with
// exact idle skipping; it decides triggers, dead time and capture itself, so the chain is
// cycle-accurate RTL from the digitizer on. Results carry the trigger's time, the window's first
// sample (pre_trigger before it), the capture's end, and the cycle the result came out.
#pragma once

#include <memory>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "models/network/integer_reference.hpp"
#include "models/pixel_block_runner.hpp"
#include "models/systemc/chain_payloads.hpp"

namespace pixforge::sc {

class PixelBlockSc : public sc_core::sc_module {
  public:
    tlm_utils::simple_target_socket<PixelBlockSc> codes;          // CodeBlock writes from the ADC
    tlm_utils::simple_initiator_socket<PixelBlockSc> to_readout;  // PulseResult writes

    // cycles_per_sample: clock / ADC rate, a whole number (rtl::pixel_block_spec checks it).
    PixelBlockSc(sc_core::sc_module_name name, const models::PixelChain& chain, double clock_period_s,
                 int cycles_per_sample, std::unique_ptr<models::ClockedPixelBlock> block,
                 std::vector<models::QuantizedNetwork> nets, std::function<double(std::int64_t)> sample_time,
                 bool skip_idle = true);

    // Runs the block until results in flight are out (after the last ADC block).
    void drain();
    const models::PixelBlockRunner& runner() const { return runner_; }
    std::uint64_t processed() const { return processed_; }
    double dead_time_s() const;

  private:
    void on_codes(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
    void emit(const models::BlockResult& b);

    const models::PixelChain& chain_;
    double clock_s_;
    int cycles_per_sample_;
    std::unique_ptr<models::ClockedPixelBlock> block_;
    models::PixelBlockRunner runner_;
    models::IntegerReference reference_;
    std::function<double(std::int64_t)> time_of_;
    std::int64_t next_sample_ = 0;
    std::uint64_t next_id_ = 0, processed_ = 0;
};

}  // namespace pixforge::sc
