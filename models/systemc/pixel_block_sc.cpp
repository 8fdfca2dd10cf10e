#include "models/systemc/pixel_block_sc.hpp"

#include <limits>

namespace pixforge::sc {

PixelBlockSc::PixelBlockSc(sc_core::sc_module_name name, const models::PixelChain& chain,
                           double clock_period_s, int cycles_per_sample,
                           std::unique_ptr<models::ClockedPixelBlock> block,
                           std::vector<models::QuantizedNetwork> nets,
                           std::function<double(std::int64_t)> sample_time, bool skip_idle)
    : sc_module(name),
      codes("codes"),
      to_readout("to_readout"),
      chain_(chain),
      clock_s_(clock_period_s),
      cycles_per_sample_(cycles_per_sample),
      block_(std::move(block)),
      runner_(chain, cycles_per_sample_, *block_, skip_idle),
      reference_(std::move(nets)),
      time_of_(std::move(sample_time)) {
    codes.register_b_transport(this, &PixelBlockSc::on_codes);
}

void PixelBlockSc::on_codes(tlm::tlm_generic_payload& gp, sc_core::sc_time&) {
    const CodeBlock& b = payload_of<CodeBlock>(gp);
    block_->observe_analog(b.first_sample, b.signal_e);
    runner_.feed(b.codes.data(), b.codes.size(), b.first_sample,
                 [this](const models::BlockResult& r) { emit(r); });
    next_sample_ = b.first_sample + static_cast<std::int64_t>(b.codes.size());
}

void PixelBlockSc::drain() {
    runner_.drain(next_sample_, 4096, [this](const models::BlockResult& r) { emit(r); });
}

void PixelBlockSc::emit(const models::BlockResult& b) {
    const int pre = chain_.params().trigger.pre_trigger;
    PulseResult r;
    r.window_id = next_id_++;
    r.trigger_s = time_of_(b.trigger_sample);
    r.start_s = time_of_(b.trigger_sample - pre);
    // The capture runs on the stream delayed by pre_trigger: its last code arrives S - 1 samples
    // after the trigger; the block takes it at once (streaming) or on the next cycle.
    r.ready_s = time_of_(b.trigger_sample + static_cast<std::int64_t>(b.window.size()) - 1);
    r.accepted_s = r.ready_s;
    r.result_s = time_of_(b.result_sample) + b.result_phase * clock_s_;
    r.raw = b.outputs;
    r.window = b.window;
    r.estimate.energy_eV = reference_.head(r.raw, "energy");
    r.estimate.time_s = reference_.head(r.raw, "toa", std::numeric_limits<double>::quiet_NaN());
    r.estimate.pileup_score = reference_.head(r.raw, "pileup", std::numeric_limits<double>::quiet_NaN());
    transport(to_readout, r);
    ++processed_;
}

double PixelBlockSc::dead_time_s() const {
    return static_cast<double>(runner_.dead_samples()) * chain_.sample_period();
}

}  // namespace pixforge::sc
