// The in-pixel processor slot: the block that turns a captured window into a result. Two
// implementations share the sockets, so the same chain scores a network and a classical estimator
// side by side:
//   NnHostSc        a clocked network (models::ClockedNetwork, e.g. a Verilated candidate) run cycle by cycle
//   at the digital
//                   clock through its valid/ready handshake; windows wait in an input buffer of
//                   `buffer` entries while the network is busy (back-pressure) and are lost when
//                   it is full. Cycle-accurate; idle stretches are skipped (nothing is in flight,
//                   so no register can change).
//   ClassicalHostSc a models::PulseEstimator with a fixed latency in clock cycles and one window
//                   per cycle.
// A window is offered on the first clock edge after its last sample.
#pragma once

#include <deque>
#include <memory>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "models/network/clocked_network.hpp"
#include "models/network/integer_reference.hpp"
#include "models/systemc/chain_payloads.hpp"

namespace pixforge::sc {

class ProcessorSc : public sc_core::sc_module {
  public:
    tlm_utils::simple_target_socket<ProcessorSc> windows;        // CapturedWindow writes
    tlm_utils::simple_initiator_socket<ProcessorSc> to_readout;  // PulseResult writes

    ProcessorSc(sc_core::sc_module_name name, double clock_period_s);
    std::uint64_t lost_busy() const { return lost_busy_; }
    std::uint64_t processed() const { return processed_; }
    std::uint64_t cycles_simulated() const { return cycles_simulated_; }
    std::uint64_t cycles_covered() const { return cycle_; }
    bool idle() const { return idle_; }

  protected:
    std::uint64_t offer_cycle(double ready_s) const {
        return static_cast<std::uint64_t>(std::floor(ready_s / clock_s_ + 1e-9)) + 1;
    }
    virtual void accept(const CapturedWindow& w) = 0;
    void emit(PulseResult& r) {
        transport(to_readout, r);
        ++processed_;
    }
    double clock_s_;
    std::uint64_t lost_busy_ = 0, processed_ = 0, cycles_simulated_ = 0, cycle_ = 0;
    bool idle_ = true;

  private:
    void on_window(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
};

class NnHostSc : public ProcessorSc {
  public:
    NnHostSc(sc_core::sc_module_name name, double clock_period_s,
             std::unique_ptr<models::ClockedNetwork> network, const models::QuantizedNetwork& net, int buffer,
             sc_core::sc_event& time_advanced, const bool& input_finished);

  private:
    void accept(const CapturedWindow& w) override;
    void run();
    void step_cycle();
    bool busy() const { return !arriving_.empty() || !waiting_.empty() || !in_flight_.empty(); }

    std::unique_ptr<models::ClockedNetwork> candidate_;
    models::IntegerReference reference_;  // converts output integers to eV, s, logit
    std::size_t buffer_;
    sc_core::sc_event& time_advanced_;
    const bool& input_finished_;
    sc_core::sc_event arrived_;
    std::deque<CapturedWindow> arriving_;  // received, not yet at their offer cycle
    std::deque<CapturedWindow> waiting_;   // in the input buffer
    std::deque<PulseResult> in_flight_;
    std::vector<std::uint16_t> idle_samples_;
    int samples_;
};

class ClassicalHostSc : public ProcessorSc {
  public:
    ClassicalHostSc(sc_core::sc_module_name name, double clock_period_s,
                    const models::PulseEstimator& estimator, int latency_cycles);

  private:
    void accept(const CapturedWindow& w) override;
    const models::PulseEstimator& estimator_;
    int latency_;
};

}  // namespace pixforge::sc
