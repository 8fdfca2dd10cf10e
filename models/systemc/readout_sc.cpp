#include "models/systemc/readout_sc.hpp"

#include <algorithm>

namespace pixforge::sc {

ReadoutSc::ReadoutSc(sc_core::sc_module_name name, int depth, double link_rate_per_s,
                     std::function<void(const PulseResult&)> delivered)
    : sc_module(name),
      results("results"),
      depth_(static_cast<std::size_t>(depth)),
      send_s_(1.0 / link_rate_per_s),
      delivered_(std::move(delivered)) {
    results.register_b_transport(this, &ReadoutSc::on_result);
}

void ReadoutSc::on_result(tlm::tlm_generic_payload& gp, sc_core::sc_time&) {
    PulseResult r = payload_of<PulseResult>(gp);
    // Everything whose transmission ended by now has left the FIFO.
    while (!queue_.empty() && queue_.front().delivered_s <= r.result_s) {
        delivered_(queue_.front());
        queue_.pop_front();
    }
    if (queue_.size() >= depth_) {
        ++lost_;
        return;
    }
    r.delivered_s = std::max(r.result_s, last_departure_s_) + send_s_;
    last_departure_s_ = r.delivered_s;
    queue_.push_back(std::move(r));
    ++accepted_;
    max_occupancy_ = std::max(max_occupancy_, queue_.size());
}

void ReadoutSc::flush() {
    for (const auto& r : queue_) delivered_(r);
    queue_.clear();
}

}  // namespace pixforge::sc
