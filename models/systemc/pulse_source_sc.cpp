#include "models/systemc/pulse_source_sc.hpp"

#include <tlm_utils/tlm_quantumkeeper.h>

namespace pixforge::sc {

PulseSourceSc::PulseSourceSc(sc_core::sc_module_name name, models::PulseSource source, std::uint64_t pulses,
                             std::function<void(const models::Pulse&)> truth)
    : sc_module(name),
      to_frontend("to_frontend"),
      source_(std::move(source)),
      pulses_(pulses),
      truth_(std::move(truth)) {
    SC_HAS_PROCESS(PulseSourceSc);
    SC_THREAD(run);
}

void PulseSourceSc::run() {
    tlm_utils::tlm_quantumkeeper keeper;
    keeper.reset();
    for (; emitted_ < pulses_; ++emitted_) {
        models::Pulse p = source_.next();
        keeper.set(seconds(p.t0_s) - sc_core::sc_time_stamp());  // local time = the arrival
        transport(to_frontend, p);
        if (truth_) truth_(p);
        last_arrival_s_ = p.t0_s;
        if (keeper.need_sync()) keeper.sync();
    }
}

}  // namespace pixforge::sc
