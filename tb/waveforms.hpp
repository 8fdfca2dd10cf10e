// Waveforms of chosen events (`pixforge simulate --candidate DIR --waves FILE.fst --dump-events SPEC`):
// the events are picked from a first run; the same stream (same seed, so the same pulses, noise and
// results) runs again with the pixel block built with Verilator's FST tracing, which dumps only the
// cycles around those events. Beside the block's own signals the file holds the ADC codes (s_code)
// and the shaped analog signal each was taken of (analog_e, electrons), so GTKWave opens one file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/network/clocked_network.hpp"
#include "rtl_gen/verilated_library.hpp"
#include "tb/chain_testbench.hpp"

namespace pixforge::tb {

// The delivered results (indices into run.results) that `spec` names: "index:N[,N...]",
// "time:T[,T...]" (each the result whose trigger is nearest, T with a unit such as 120us), or
// "miss:E" (every result whose energy misses its pulse's, matched as the scoreboard matches them in
// `chain`, by more than E, e.g. 2keV; the first `kMaxWaveEvents`). SIM-012 for a spec of another
// form, naming it.
inline constexpr std::size_t kMaxWaveEvents = 100;
std::vector<std::size_t> select_wave_events(const std::string& spec, const ChainRun& run,
                                            const models::PixelChain& chain);

// From `cycles` clock cycles before each event's trigger to `cycles` after its result, merged where
// they overlap.
std::vector<WaveWindow> wave_windows(const ChainRun& run, const std::vector<std::size_t>& events, int cycles,
                                     double clock_s);

// The Verilated pixel block, dumping the cycles inside `windows` into `fst`.
class WaveformPixelBlock : public models::ClockedPixelBlock {
  public:
    WaveformPixelBlock(std::unique_ptr<rtl::VerilatedPixelBlock> block, const std::filesystem::path& fst,
                       std::vector<WaveWindow> windows, double clock_s,
                       std::function<double(std::int64_t)> sample_time);
    void reset() override { block_->reset(); }
    const Cycle& step(bool s_valid, std::uint16_t code, bool out_ready) override {
        return block_->step(s_valid, code, out_ready);
    }
    int samples() const override { return block_->samples(); }
    void at_cycle(std::int64_t sample, int phase) override;
    void observe_analog(std::int64_t first, const std::vector<float>& signal_e) override;

  private:
    std::unique_ptr<rtl::VerilatedPixelBlock> block_;
    std::vector<WaveWindow> windows_;
    std::size_t next_window_ = 0;  // time only moves forward
    double clock_s_;
    std::function<double(std::int64_t)> time_of_;
    std::int64_t analog_first_ = 0;
    std::vector<float> analog_;
};

}  // namespace pixforge::tb
