// Drives a clocked pixel block (models::ClockedPixelBlock, e.g. the Verilated pixforge_pixel) with
// an ADC stream: each sample gets `cycles_per_sample` clock cycles, s_valid on the first. It pairs
// every result with its trigger and captured window, and counts triggers, lost windows, hidden
// edges and dead samples from the block's own ports.
//
// Idle skipping (exact): a sample is not simulated when the block is idle (nothing in progress,
// armed, history full) and it and the next max(pre_trigger, 1) samples of the same block are below
// threshold. Such a sample could only enter the history ring, which the following fed samples
// overwrite before any trigger reads it, and leave the edge detector low, as the next fed sample
// does. The block is known idle after a sample whose first cycle showed `idle` and which was below
// threshold (it could not change the trigger state). test_pixel_block checks skipped against
// unskipped runs of one stream.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include "models/network/clocked_network.hpp"
#include "models/self_trigger.hpp"

namespace pixforge::models {

struct BlockResult {
    std::int64_t trigger_sample = 0;    // the sample that fired the trigger
    std::int64_t result_sample = 0;     // out_valid was seen during this sample's cycles...
    int result_phase = 0;               // ...at this cycle of it
    std::vector<std::uint16_t> window;  // the captured codes
    std::vector<std::int64_t> outputs;  // the network's raw outputs
};

class PixelBlockRunner {
  public:
    PixelBlockRunner(const PixelChain& chain, int cycles_per_sample, ClockedPixelBlock& block,
                     bool skip_idle);

    // Feeds consecutive samples (the first is sample `first`); calls `on_result` for each result.
    void feed(const std::uint16_t* codes, std::size_t n, std::int64_t first,
              const std::function<void(const BlockResult&)>& on_result);
    // Runs `cycles` more cycles without samples (s_valid low), so results in flight come out.
    void drain(std::int64_t next_sample, int cycles,
               const std::function<void(const BlockResult&)>& on_result);

    std::uint64_t triggers() const { return triggers_; }
    std::uint64_t lost() const { return lost_; }
    std::uint64_t edges_in_dead_time() const { return dead_edges_; }
    std::uint64_t dead_samples() const { return dead_samples_; }
    std::uint64_t cycles_simulated() const { return simulated_; }
    std::uint64_t cycles_covered() const { return covered_; }

  private:
    void step(bool s_valid, std::uint16_t code, std::int64_t sample, int phase,
              const std::function<void(const BlockResult&)>& on_result);

    SelfTrigger threshold_;  // for the skip rule only: the block decides triggers itself
    int cycles_per_sample_, lookahead_;
    ClockedPixelBlock& block_;
    bool skip_idle_;
    bool idle_after_ = false;                    // the block is idle before the next sample
    std::deque<std::int64_t> triggers_pending_;  // captured windows' trigger samples
    std::vector<std::uint16_t> capturing_;       // codes of the window being captured
    std::deque<BlockResult> complete_;           // captured, result pending
    std::uint64_t triggers_ = 0, lost_ = 0, dead_edges_ = 0, dead_samples_ = 0, simulated_ = 0, covered_ = 0;
};

}  // namespace pixforge::models
