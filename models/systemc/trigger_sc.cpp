#include "models/systemc/trigger_sc.hpp"

namespace pixforge::sc {

TriggerSc::TriggerSc(sc_core::sc_module_name name, const models::PixelChain& chain,
                     std::function<double(std::int64_t)> sample_time)
    : sc_module(name),
      codes("codes"),
      to_host("to_host"),
      chain_(chain),
      time_of_(std::move(sample_time)),
      window_(chain.params().trigger.window),
      pre_(chain.params().trigger.pre_trigger),
      trigger_(chain) {
    codes.register_b_transport(this, &TriggerSc::on_codes);
}

void TriggerSc::on_codes(tlm::tlm_generic_payload& gp, sc_core::sc_time&) {
    const CodeBlock& b = payload_of<CodeBlock>(gp);
    for (size_t i = 0; i < b.codes.size(); ++i)
        sample(b.first_sample + static_cast<std::int64_t>(i), b.codes[i]);
}

void TriggerSc::sample(std::int64_t k, std::uint16_t code) {
    // Windows already open take this sample first; a complete one leaves for the processor.
    for (auto& o : open_) o.w.adc.push_back(code);
    while (!open_.empty() && open_.front().last_sample == k) {
        open_.front().w.ready_s = time_of_(k);
        transport(to_host, open_.front().w);
        open_.pop_front();
    }
    const models::SelfTrigger::Decision d = trigger_.sample(code);
    if (!d.armed) dead_s_ += chain_.sample_period();
    if (d.edge_in_dead) ++dead_edges_;
    if (d.fire) {
        Open o;
        o.w.id = next_id_++;
        o.w.start_s = time_of_(k - pre_);
        o.w.trigger_s = time_of_(k);
        o.w.adc.assign(history_.begin(), history_.end());
        o.w.adc.push_back(code);
        o.last_sample = k - pre_ + window_ - 1;
        if (o.last_sample == k) {  // a window that ends on its trigger sample
            o.w.ready_s = time_of_(k);
            transport(to_host, o.w);
        } else {
            open_.push_back(std::move(o));
        }
        ++triggers_;
    }
    history_.push_back(code);
    if (static_cast<std::int64_t>(history_.size()) > pre_) history_.pop_front();
}

}  // namespace pixforge::sc
