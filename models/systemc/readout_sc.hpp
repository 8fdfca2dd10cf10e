// The pixel's output FIFO and its share of the readout link: a result enters the FIFO when the
// processor emits it, or is lost when the FIFO already holds `depth` results; the link sends one
// result every 1/link_rate seconds, oldest first. Results arrive in time order, so departures
// follow exactly from arrival times, without a clock: t_out = max(t_in, previous t_out) + 1/rate.
#pragma once

#include <deque>
#include <functional>

#include <tlm_utils/simple_target_socket.h>

#include "models/systemc/chain_payloads.hpp"

namespace pixforge::sc {

class ReadoutSc : public sc_core::sc_module {
  public:
    tlm_utils::simple_target_socket<ReadoutSc> results;  // PulseResult writes

    ReadoutSc(sc_core::sc_module_name name, int depth, double link_rate_per_s,
              std::function<void(const PulseResult&)> delivered);
    std::uint64_t lost() const { return lost_; }
    std::uint64_t accepted() const { return accepted_; }
    std::size_t max_occupancy() const { return max_occupancy_; }
    // Results still queued at the end: their delivery times are final, so they are handed on.
    void flush();

  private:
    void on_result(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
    std::size_t depth_;
    double send_s_;
    std::function<void(const PulseResult&)> delivered_;
    std::deque<PulseResult> queue_;  // delivered_s already computed
    double last_departure_s_ = -1e300;
    std::uint64_t lost_ = 0, accepted_ = 0;
    std::size_t max_occupancy_ = 0;
};

}  // namespace pixforge::sc
