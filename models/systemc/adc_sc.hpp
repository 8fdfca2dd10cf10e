// The ADC: samples the front end at its clock (random phase and aperture jitter as configured)
// and quantizes (models::Adc), in blocks: it waits until SystemC time reaches the end of a block,
// reads the block from the front end, and passes the codes to the trigger. After each block it
// notifies `block_done`, which is how the digital blocks learn that time has advanced.
#pragma once

#include <tlm_utils/simple_initiator_socket.h>

#include "core/random.hpp"
#include "models/systemc/chain_payloads.hpp"

namespace pixforge::sc {

class AdcSc : public sc_core::sc_module {
  public:
    tlm_utils::simple_initiator_socket<AdcSc> to_frontend;
    tlm_utils::simple_initiator_socket<AdcSc> to_trigger;
    sc_core::sc_event block_done;
    bool finished = false;

    // Samples until `stop_s()` (asked after each block, so the source can decide late).
    AdcSc(sc_core::sc_module_name name, const models::PixelChain& chain, Rng rng, int block_samples,
          std::function<double()> stop_s);
    double sample_time(std::int64_t k) const { return phase_s_ + static_cast<double>(k) * period_s_; }
    std::int64_t samples() const { return next_sample_; }

  private:
    void run();
    const models::PixelChain& chain_;
    Rng rng_;
    int block_;
    std::function<double()> stop_s_;
    double period_s_, phase_s_;
    std::int64_t next_sample_ = 0;
};

}  // namespace pixforge::sc
