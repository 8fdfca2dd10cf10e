#include "models/self_trigger.hpp"

#include <cmath>

namespace pixforge::models {

SelfTrigger::SelfTrigger(const PixelChain& chain)
    : pre_(chain.params().trigger.pre_trigger), policy_(chain.params().trigger.policy) {
    // The model's rule, code - pedestal >= threshold in doubles, as the first code that passes it.
    const double pedestal = chain.adc().baseline_code(), threshold = chain.threshold_codes();
    const int codes = 1 << chain.params().adc.bits;
    threshold_code_ = codes;
    for (int c = codes - 1; c >= 0 && static_cast<double>(c) - pedestal >= threshold; --c)
        threshold_code_ = c;
    dead_samples_ =
        static_cast<int>(std::ceil(chain.params().trigger.dead_time_s / chain.sample_period() - 1e-9));
}

SelfTrigger::Decision SelfTrigger::sample(std::uint16_t code) {
    Decision d;
    const bool is_above = above(code);
    const bool edge = is_above && !previous_above_;
    d.armed = dead_left_ == 0;
    if (d.armed) {
        d.fire = edge || (policy_ == DeadTimePolicy::Retrigger && is_above && !was_armed_);
    } else if (edge) {
        d.edge_in_dead = true;
        if (policy_ == DeadTimePolicy::Paralyzable) dead_left_ = dead_samples_;
    }
    d.fire = d.fire && seen_ >= pre_;  // a window needs pre_trigger samples of history
    was_armed_ = d.armed && !d.fire;
    if (d.fire) dead_left_ = dead_samples_;
    if (dead_left_ > 0) --dead_left_;
    previous_above_ = is_above;
    ++seen_;
    return d;
}

}  // namespace pixforge::models
