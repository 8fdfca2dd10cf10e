#include "models/systemc/analog_frontend_sc.hpp"

namespace pixforge::sc {

AnalogFrontEndSc::AnalogFrontEndSc(sc_core::sc_module_name name, const models::PixelChain& chain, Rng rng)
    : sc_module(name),
      pulses("pulses"),
      sampling("sampling"),
      chain_(chain),
      rng_(std::move(rng)),
      noise_(chain.noise().stream(rng_)),
      reach_s_(chain.frontend().length() + chain.sensor().max_drift_time()) {
    pulses.register_b_transport(this, &AnalogFrontEndSc::on_pulse);
    sampling.register_b_transport(this, &AnalogFrontEndSc::on_sample);
}

void AnalogFrontEndSc::on_pulse(tlm::tlm_generic_payload& gp, sc_core::sc_time&) {
    ringing_.push_back(payload_of<models::Pulse>(gp));
}

void AnalogFrontEndSc::on_sample(tlm::tlm_generic_payload& gp, sc_core::sc_time&) {
    SampleRequest& r = payload_of<SampleRequest>(gp);
    r.signal_e.resize(r.times_s.size());
    for (size_t i = 0; i < r.times_s.size(); ++i) {
        const double t = r.times_s[i];
        while (!ringing_.empty() && t - ringing_.front().t0_s > reach_s_) ringing_.pop_front();
        double v = noise_.next(rng_);
        for (const models::Pulse& p : ringing_) {
            if (p.t0_s >= t) break;  // arrivals are in time order
            v += models::pulse_response(chain_.frontend(), p.deposit.current, t - p.t0_s);
        }
        r.signal_e[i] = v;
    }
}

}  // namespace pixforge::sc
