// The pixel's self-trigger, decided one ADC sample at a time: it fires on a rising edge across
// the threshold (code - pedestal >= threshold) while armed and once `pre_trigger` samples of
// history exist, then disarms for the dead time (notes/physics.md section 4.1):
//   nonparalyzable: re-armed dead_time after the trigger;
//   paralyzable:    every rising edge during the dead time restarts it;
//   retrigger:      re-armed after dead_time; a signal still above threshold then fires at once.
// The SystemC trigger (models/systemc/trigger_sc) and the pixel block's RTL (rtl_gen) follow this
// one rule; the threshold becomes the smallest integer code that passes it, so integer hardware
// compares codes exactly as the model does.
#pragma once

#include <cstdint>

#include "models/pixel_chain.hpp"

namespace pixforge::models {

class SelfTrigger {
  public:
    explicit SelfTrigger(const PixelChain& chain);

    struct Decision {
        bool armed = true;          // the trigger could fire at this sample
        bool fire = false;          // it fired (a window starts pre_trigger samples before)
        bool edge_in_dead = false;  // a rising edge the dead time hid
    };
    Decision sample(std::uint16_t code);  // the next sample of the stream

    bool above(std::uint16_t code) const { return code >= threshold_code_; }
    // Smallest code above threshold; 2^adc_bits when none is.
    int threshold_code() const { return threshold_code_; }
    int dead_samples() const { return dead_samples_; }  // disarmed samples after a trigger, itself included
    int pre_trigger() const { return pre_; }
    DeadTimePolicy policy() const { return policy_; }
    // Nothing pending: armed (and was at the previous sample) with full history, so a run of
    // samples below threshold changes no state except the history (the pixel block's idle skip).
    bool quiescent() const { return dead_left_ == 0 && was_armed_ && seen_ >= pre_; }

  private:
    int threshold_code_, dead_samples_, pre_;
    DeadTimePolicy policy_;
    bool previous_above_ = true;  // no edge on the very first sample
    bool was_armed_ = true;
    int dead_left_ = 0;  // samples still dead, from this one on
    std::int64_t seen_ = 0;
};

}  // namespace pixforge::models
