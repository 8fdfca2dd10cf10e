// The pixel's self-trigger on the ADC codes (models::SelfTrigger decides each sample) with the
// chip's window capture: a trigger captures `window` samples starting `pre_trigger` before it.
// Counts triggers and the time spent dead. Windows go to the processor when complete.
#pragma once

#include <deque>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "models/self_trigger.hpp"
#include "models/systemc/chain_payloads.hpp"

namespace pixforge::sc {

class TriggerSc : public sc_core::sc_module {
  public:
    tlm_utils::simple_target_socket<TriggerSc> codes;       // CodeBlock writes from the ADC
    tlm_utils::simple_initiator_socket<TriggerSc> to_host;  // CapturedWindow writes

    TriggerSc(sc_core::sc_module_name name, const models::PixelChain& chain,
              std::function<double(std::int64_t)> sample_time);

    std::uint64_t triggers() const { return triggers_; }
    std::uint64_t edges_in_dead_time() const { return dead_edges_; }
    double dead_time_s() const { return dead_s_; }  // total time disarmed

  private:
    void on_codes(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
    void sample(std::int64_t k, std::uint16_t code);

    const models::PixelChain& chain_;
    std::function<double(std::int64_t)> time_of_;
    int window_, pre_;
    models::SelfTrigger trigger_;
    std::deque<std::uint16_t> history_;  // the last `pre_` codes
    struct Open {
        CapturedWindow w;
        std::int64_t last_sample;
    };
    std::deque<Open> open_;  // windows still filling
    std::uint64_t next_id_ = 0, triggers_ = 0, dead_edges_ = 0;
    double dead_s_ = 0;
};

}  // namespace pixforge::sc
