#include "models/systemc/processor_sc.hpp"

#include <cmath>
#include <limits>

namespace pixforge::sc {

ProcessorSc::ProcessorSc(sc_core::sc_module_name name, double clock_period_s)
    : sc_module(name), windows("windows"), to_readout("to_readout"), clock_s_(clock_period_s) {
    windows.register_b_transport(this, &ProcessorSc::on_window);
}

void ProcessorSc::on_window(tlm::tlm_generic_payload& gp, sc_core::sc_time&) {
    accept(payload_of<CapturedWindow>(gp));
}

// ---- network -------------------------------------------------------------------------------------

NnHostSc::NnHostSc(sc_core::sc_module_name name, double clock_period_s,
                   std::unique_ptr<models::ClockedNetwork> network, const models::QuantizedNetwork& net,
                   int buffer, sc_core::sc_event& time_advanced, const bool& input_finished)
    : ProcessorSc(name, clock_period_s),
      candidate_(std::move(network)),
      reference_(net),
      buffer_(static_cast<std::size_t>(buffer)),
      time_advanced_(time_advanced),
      input_finished_(input_finished) {
    samples_ = candidate_->samples();
    idle_samples_.assign(static_cast<size_t>(samples_), 0);
    candidate_->reset();
    SC_HAS_PROCESS(NnHostSc);
    SC_THREAD(run);
}

// The trigger hands windows over at the end of an ADC block; each enters the input buffer (or is
// lost, the buffer being full) at its own offer cycle, in step_cycle.
void NnHostSc::accept(const CapturedWindow& w) {
    arriving_.push_back(w);
    arrived_.notify(sc_core::SC_ZERO_TIME);
}

void NnHostSc::step_cycle() {
    while (!arriving_.empty() && offer_cycle(arriving_.front().ready_s) <= cycle_) {
        if (waiting_.size() >= buffer_)
            ++lost_busy_;
        else
            waiting_.push_back(std::move(arriving_.front()));
        arriving_.pop_front();
    }
    const bool offer = !waiting_.empty();
    const models::ClockedNetwork::Cycle c =
        candidate_->step(offer, offer ? waiting_.front().adc.data() : idle_samples_.data(), true);
    const double now = static_cast<double>(cycle_) * clock_s_;
    if (c.out_valid && !in_flight_.empty()) {  // results leave in order
        PulseResult r = std::move(in_flight_.front());
        in_flight_.pop_front();
        r.result_s = now;
        r.raw = c.outputs;
        r.estimate.energy_eV = reference_.head(r.raw, "energy");
        r.estimate.time_s = reference_.head(r.raw, "toa", std::numeric_limits<double>::quiet_NaN());
        r.estimate.pileup_score = reference_.head(r.raw, "pileup", std::numeric_limits<double>::quiet_NaN());
        emit(r);
    }
    if (offer && c.in_ready) {
        const CapturedWindow& w = waiting_.front();
        PulseResult r;
        r.window_id = w.id, r.start_s = w.start_s, r.trigger_s = w.trigger_s, r.ready_s = w.ready_s;
        r.accepted_s = now;
        r.window = w.adc;
        in_flight_.push_back(std::move(r));
        waiting_.pop_front();
    }
    ++cycle_;
    ++cycles_simulated_;
}

void NnHostSc::run() {
    for (;;) {
        idle_ = !busy();
        if (!busy()) {
            if (input_finished_) return;
            wait(arrived_ | time_advanced_);
            continue;
        }
        // Simulate up to SystemC time (later windows may still arrive before it), or to the end.
        const auto horizon = static_cast<std::uint64_t>(sc_core::sc_time_stamp().to_seconds() / clock_s_);
        while (busy()) {
            // Skip the idle stretch before the next window: nothing in flight, no state changes.
            if (in_flight_.empty() && waiting_.empty())
                cycle_ = std::max(cycle_, offer_cycle(arriving_.front().ready_s));
            if (cycle_ > horizon && !input_finished_) break;
            step_cycle();
        }
        if (busy() && !input_finished_) wait(time_advanced_);
    }
}

// ---- classical ---------------------------------------------------------------------------------

ClassicalHostSc::ClassicalHostSc(sc_core::sc_module_name name, double clock_period_s,
                                 const models::PulseEstimator& estimator, int latency_cycles)
    : ProcessorSc(name, clock_period_s), estimator_(estimator), latency_(latency_cycles) {}

void ClassicalHostSc::accept(const CapturedWindow& w) {
    PulseResult r;
    r.window_id = w.id, r.start_s = w.start_s, r.trigger_s = w.trigger_s, r.ready_s = w.ready_s;
    const std::uint64_t offered = offer_cycle(w.ready_s);
    r.accepted_s = static_cast<double>(offered) * clock_s_;
    r.result_s = static_cast<double>(offered + static_cast<std::uint64_t>(latency_)) * clock_s_;
    r.estimate = estimator_.estimate(w.adc.data());
    r.window = w.adc;
    cycle_ = offered + static_cast<std::uint64_t>(latency_);
    ++cycles_simulated_;
    emit(r);
}

}  // namespace pixforge::sc
