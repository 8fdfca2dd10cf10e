// The charge-sensitive amplifier and shaper with their noise: keeps the pulses still ringing and,
// when the ADC asks, returns the analog output at its sample times: the superposed analytic
// responses (models::pulse_response) plus the exact continuous noise process
// (models::NoiseModel::Stream, one draw per sample, in order).
#pragma once

#include <deque>

#include <tlm_utils/simple_target_socket.h>

#include "core/random.hpp"
#include "models/systemc/chain_payloads.hpp"

namespace pixforge::sc {

class AnalogFrontEndSc : public sc_core::sc_module {
  public:
    tlm_utils::simple_target_socket<AnalogFrontEndSc> pulses;    // models::Pulse writes
    tlm_utils::simple_target_socket<AnalogFrontEndSc> sampling;  // SampleRequest reads

    AnalogFrontEndSc(sc_core::sc_module_name name, const models::PixelChain& chain, Rng rng);

  private:
    void on_pulse(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
    void on_sample(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);

    const models::PixelChain& chain_;
    Rng rng_;
    models::NoiseModel::Stream noise_;
    std::deque<models::Pulse> ringing_;
    double reach_s_;
};

}  // namespace pixforge::sc
