#include "models/systemc/adc_sc.hpp"

namespace pixforge::sc {

AdcSc::AdcSc(sc_core::sc_module_name name, const models::PixelChain& chain, Rng rng, int block_samples,
             std::function<double()> stop_s)
    : sc_module(name),
      to_frontend("to_frontend"),
      to_trigger("to_trigger"),
      chain_(chain),
      rng_(std::move(rng)),
      block_(block_samples),
      stop_s_(std::move(stop_s)),
      period_s_(chain.sample_period()) {
    phase_s_ = chain.params().adc.random_phase ? rng_.uniform() * period_s_ : 0.0;
    SC_HAS_PROCESS(AdcSc);
    SC_THREAD(run);
}

void AdcSc::run() {
    const double jitter = chain_.params().adc.jitter_s, pedestal = chain_.params().adc.baseline_e;
    SampleRequest request;
    CodeBlock block;
    while (sample_time(next_sample_) <= stop_s_()) {
        const double end = sample_time(next_sample_ + block_ - 1);
        if (seconds(end) > sc_core::sc_time_stamp()) wait(seconds(end) - sc_core::sc_time_stamp());
        request.times_s.resize(static_cast<size_t>(block_));
        for (int i = 0; i < block_; ++i) {
            const double t = sample_time(next_sample_ + i);
            request.times_s[static_cast<size_t>(i)] = jitter > 0 ? t + jitter * rng_.normal() : t;
        }
        transport(to_frontend, request, tlm::TLM_READ_COMMAND);
        block.first_sample = next_sample_;
        block.codes.resize(static_cast<size_t>(block_));
        block.signal_e.assign(request.signal_e.begin(), request.signal_e.end());
        for (int i = 0; i < block_; ++i)
            block.codes[static_cast<size_t>(i)] =
                chain_.adc().convert(pedestal + request.signal_e[static_cast<size_t>(i)]);
        transport(to_trigger, block);
        next_sample_ += block_;
        block_done.notify(sc_core::SC_ZERO_TIME);
    }
    finished = true;
    block_done.notify(sc_core::SC_ZERO_TIME);
}

}  // namespace pixforge::sc
