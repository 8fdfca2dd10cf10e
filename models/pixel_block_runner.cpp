#include "models/pixel_block_runner.hpp"

#include <algorithm>

namespace pixforge::models {

PixelBlockRunner::PixelBlockRunner(const PixelChain& chain, int cycles_per_sample, ClockedPixelBlock& block,
                                   bool skip_idle)
    : threshold_(chain),
      cycles_per_sample_(cycles_per_sample),
      lookahead_(std::max(chain.params().trigger.pre_trigger, 1)),
      block_(block),
      skip_idle_(skip_idle) {
    block_.reset();
}

void PixelBlockRunner::step(bool s_valid, std::uint16_t code, std::int64_t sample, int phase,
                            const std::function<void(const BlockResult&)>& on_result) {
    block_.at_cycle(sample, phase);
    const ClockedPixelBlock::Cycle& c = block_.step(s_valid, code, true);
    ++simulated_;
    ++covered_;
    if (s_valid) {
        if (c.trig) {
            ++triggers_;
            if (c.lost)
                ++lost_;
            else
                triggers_pending_.push_back(sample);
        }
        dead_edges_ += c.dead_edge;
        dead_samples_ += !c.armed;
    }
    if (c.cap_valid) {
        capturing_.push_back(c.cap_code);
        if (static_cast<int>(capturing_.size()) == block_.samples()) {
            BlockResult r;
            r.trigger_sample = triggers_pending_.front();
            triggers_pending_.pop_front();
            r.window = std::move(capturing_);
            capturing_.clear();
            complete_.push_back(std::move(r));
        }
    }
    if (c.out_valid && !complete_.empty()) {  // results leave in capture order
        BlockResult r = std::move(complete_.front());
        complete_.pop_front();
        r.result_sample = sample, r.result_phase = phase;
        r.outputs = c.outputs;
        on_result(r);
    }
    if (phase == 0) idle_after_ = c.idle && !threshold_.above(code);
}

void PixelBlockRunner::feed(const std::uint16_t* codes, std::size_t n, std::int64_t first,
                            const std::function<void(const BlockResult&)>& on_result) {
    // Below-threshold samples from i on, within this block.
    std::vector<std::size_t> run_from(n + 1, 0);
    for (std::size_t i = n; i-- > 0;) run_from[i] = threshold_.above(codes[i]) ? 0 : run_from[i + 1] + 1;
    for (std::size_t i = 0; i < n; ++i) {
        const auto sample = first + static_cast<std::int64_t>(i);
        if (skip_idle_ && idle_after_ && run_from[i] > static_cast<std::size_t>(lookahead_)) {
            covered_ += static_cast<std::uint64_t>(cycles_per_sample_);  // idle stays true: below threshold
            continue;
        }
        for (int phase = 0; phase < cycles_per_sample_; ++phase)
            step(phase == 0, codes[i], sample, phase, on_result);
    }
}

void PixelBlockRunner::drain(std::int64_t next_sample, int cycles,
                             const std::function<void(const BlockResult&)>& on_result) {
    for (int k = 0; k < cycles; ++k)
        step(false, 0, next_sample + k / cycles_per_sample_, k % cycles_per_sample_, on_result);
}

}  // namespace pixforge::models
