#include "models/window_generator.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace pixforge::models {

WindowGenerator::WindowGenerator(const PixelChain& chain, const EnergySpectrum& spectrum, double rate_per_s,
                                 Rng rng)
    : chain_(chain),
      source_(chain, spectrum, rate_per_s, Rng(rng.next(), "arrivals")),
      rng_(rng),
      period_(chain.sample_period()),
      window_(chain.params().trigger.window),
      pre_(chain.params().trigger.pre_trigger) {
    phase_ = chain.params().adc.random_phase ? rng_.uniform() * period_ : 0.0;
    // A pulse crosses threshold, if ever, before its peak: peaking time + longest drift + margin.
    const double latest = chain.frontend().peaking_time() + chain.sensor().max_drift_time() + 3 * period_;
    search_ = static_cast<int>(std::ceil(latest / period_)) + 1;
    noise_ = chain.noise().window_sampler(pre_ + 1 + search_ + window_);
    block_size_ = static_cast<size_t>(noise_.length());
    block_codes_.resize(block_size_);
    reach_ = chain.frontend().length() + chain.sensor().max_drift_time();
    threshold_codes_ = chain.threshold_codes();
    baseline_code_ = chain.adc().baseline_code();
}

std::int64_t WindowGenerator::first_sample_at_or_after(double t) const {
    return static_cast<std::int64_t>(std::ceil((t - phase_) / period_ - 1e-9));
}

const Pulse& WindowGenerator::pulse(size_t i) {
    while (pulses_.size() <= i) pulses_.push_back(source_.next());
    return pulses_[i];
}

void WindowGenerator::start_block(std::int64_t first_sample) {
    block_first_ = first_sample;
    computed_ = 0;
    const double t_begin = sample_time(first_sample);
    const double t_end = sample_time(first_sample + static_cast<std::int64_t>(block_size_));
    // Forget pulses that can no longer touch any later block or label.
    const double horizon = t_begin - reach_ - chain_.params().labels.pileup_window_s;
    while (!pulses_.empty() && cursor_ > 0 && pulses_.front().t0_s < horizon) {
        pulses_.pop_front();
        --cursor_;
    }
    block_pulses_ = 0;
    while (pulse(block_pulses_).t0_s < t_end) ++block_pulses_;
    noise_.begin();
}

std::uint16_t WindowGenerator::code(size_t k) {
    const FrontEndResponse& fe = chain_.frontend();
    const double jitter = chain_.params().adc.jitter_s;
    for (; computed_ <= k; ++computed_) {
        double t = sample_time(block_first_ + static_cast<std::int64_t>(computed_));
        if (jitter > 0) t += jitter * rng_.normal();
        double signal = chain_.params().adc.baseline_e + noise_.next(rng_);
        for (size_t j = 0; j < block_pulses_; ++j) {
            const double dt = t - pulses_[j].t0_s;
            if (dt > 0 && dt < reach_) signal += pulse_response(fe, pulses_[j].deposit.current, dt);
        }
        block_codes_[computed_] = chain_.adc().convert(signal);
    }
    return block_codes_[k];
}

void WindowGenerator::next(LabelledWindow& out) {
    const DeadTimePolicy policy = chain_.params().trigger.policy;
    const double dead_time = chain_.params().trigger.dead_time_s;
    for (;;) {
        const Pulse candidate = pulse(cursor_);
        ++counters_.pulses;
        counters_.elapsed_s = candidate.t0_s;
        if (policy == DeadTimePolicy::Paralyzable && candidate.t0_s < dead_until_s_) {
            dead_until_s_ = candidate.t0_s + dead_time;
            ++counters_.lost_dead_time;
            ++cursor_;
            continue;
        }
        const std::int64_t arrival_sample = first_sample_at_or_after(candidate.t0_s);
        const std::int64_t armed_sample = first_sample_at_or_after(dead_until_s_);
        const std::int64_t search_first = std::max(arrival_sample, armed_sample);
        if (search_first >= arrival_sample + search_) {
            ++counters_.lost_dead_time;
            ++cursor_;
            continue;
        }
        start_block(search_first - pre_ - 1);
        const size_t offset = static_cast<size_t>(pre_ + 1);
        auto above = [&](size_t k) { return code(k) - baseline_code_ >= threshold_codes_; };
        std::int64_t trigger = -1;
        for (size_t k = offset; k < offset + static_cast<size_t>(search_); ++k) {
            const bool level_rearm =
                policy == DeadTimePolicy::Retrigger && k == offset && search_first == armed_sample;
            if (above(k) && (!above(k - 1) || level_rearm)) {
                trigger = block_first_ + static_cast<std::int64_t>(k);
                break;
            }
        }
        if (trigger < 0) {
            ++(candidate.t0_s < dead_until_s_ ? counters_.lost_dead_time : counters_.below_threshold);
            ++cursor_;
            continue;
        }
        // The primary pulse is the last arrival before the trigger sample.
        const double t_trigger = sample_time(trigger);
        size_t primary = cursor_;
        while (pulse(primary + 1).t0_s <= t_trigger) ++primary;
        counters_.merged += primary - cursor_;
        counters_.pulses += primary - cursor_;
        const std::int64_t window_first = trigger - pre_;
        const size_t from = static_cast<size_t>(window_first - block_first_);
        code(from + static_cast<size_t>(window_) - 1);
        out.adc.assign(block_codes_.begin() + static_cast<std::ptrdiff_t>(from),
                       block_codes_.begin() + static_cast<std::ptrdiff_t>(from) + window_);
        label(out, primary, window_first);
        dead_until_s_ = std::max(dead_until_s_, t_trigger + dead_time);
        cursor_ = primary + 1;
        ++counters_.triggers;
        return;
    }
}

void WindowGenerator::label(LabelledWindow& out, size_t primary, std::int64_t window_first) {
    const LabelParams& labels = chain_.params().labels;
    const Pulse& p = pulse(primary);
    const double eps = chain_.sensor().pair_energy_eV();
    out.start_s = sample_time(window_first);
    out.t0_s = p.t0_s - out.start_s;
    out.energy_eV = p.deposit.energy_eV;
    out.collected_eV = p.deposit.collected_e * eps;
    out.line_index = p.line_index;
    const double t_end = out.start_s + window_ * period_;
    const double t_before = p.t0_s - labels.pileup_window_s, t_after = p.t0_s + labels.pileup_window_s;
    out.pileup = false;
    out.n_pulses = 0;
    out.pulse_energy_keV.assign(static_cast<size_t>(labels.max_pulses),
                                std::numeric_limits<float>::quiet_NaN());
    out.pulse_time_ns.assign(static_cast<size_t>(labels.max_pulses), std::numeric_limits<float>::quiet_NaN());
    for (size_t j = 0;; ++j) {
        const Pulse& q = pulse(j);
        if (q.t0_s >= std::max(t_end, t_after)) break;
        if (j != primary && q.t0_s > t_before && q.t0_s < t_after) out.pileup = true;
        if (q.t0_s >= out.start_s && q.t0_s < t_end) {
            if (out.n_pulses < labels.max_pulses) {
                out.pulse_energy_keV[static_cast<size_t>(out.n_pulses)] =
                    static_cast<float>(q.deposit.energy_eV * 1e-3);
                out.pulse_time_ns[static_cast<size_t>(out.n_pulses)] =
                    static_cast<float>((q.t0_s - out.start_s) * 1e9);
            }
            ++out.n_pulses;
        }
    }
}

}  // namespace pixforge::models
