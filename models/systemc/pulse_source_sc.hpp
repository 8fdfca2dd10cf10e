// Poisson photons at the scenario's rate and spectrum (models::PulseSource), each sent to the
// analog front end as a transaction at its arrival time. Loosely timed with temporal decoupling:
// the source runs up to one quantum ahead of SystemC time, which is safe because the ADC asks the
// front end for a block only once SystemC time has reached the block's end (every arrival before
// it has then been delivered).
#pragma once

#include <functional>

#include <tlm_utils/simple_initiator_socket.h>

#include "models/systemc/chain_payloads.hpp"

namespace pixforge::sc {

class PulseSourceSc : public sc_core::sc_module {
  public:
    tlm_utils::simple_initiator_socket<PulseSourceSc> to_frontend;

    PulseSourceSc(sc_core::sc_module_name name, models::PulseSource source, std::uint64_t pulses,
                  std::function<void(const models::Pulse&)> truth);
    double last_arrival_s() const { return last_arrival_s_; }
    std::uint64_t emitted() const { return emitted_; }

  private:
    void run();
    models::PulseSource source_;
    std::uint64_t pulses_, emitted_ = 0;
    std::function<void(const models::Pulse&)> truth_;
    double last_arrival_s_ = 0;
};

}  // namespace pixforge::sc
