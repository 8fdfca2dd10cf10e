// Labelled ADC windows as the chip's self-trigger captures them from a continuous Poisson stream.
//
// Event-driven, so cost does not grow with idle time: for each arriving pulse the ADC samples
// around it are computed (superposed analytic responses of every pulse still ringing, noise from
// the exact covariance, clock jitter, quantization), and the trigger looks for a rising edge
// across its threshold. A trigger captures `window` samples starting `pre_trigger` before it; the
// dead-time policy then decides which later pulses can trigger (notes/physics.md section 4.1):
//   nonparalyzable: blind for dead_time after each trigger;
//   paralyzable:    every arrival during the dead time extends it;
//   retrigger:      re-armed after dead_time; a signal still above threshold then triggers.
// The primary pulse of a window is the last one that arrived before its trigger sample. Noise is
// drawn per window, so two windows closer than the noise correlation time (~ 5 tau) are
// independent where the real stream would correlate them; the dead time keeps them apart.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "models/pulse_source.hpp"

namespace pixforge::models {

struct LabelledWindow {
    std::vector<std::uint16_t> adc;       // `window` ADC codes
    double start_s = 0;                   // absolute time of the first sample
    double t0_s = 0;                      // primary pulse arrival, relative to start_s
    double energy_eV = 0;                 // primary pulse: deposited energy
    double collected_eV = 0;              // primary pulse: collected charge x pair energy
    int line_index = -1;                  // primary pulse: spectrum line (-1 for continua)
    int n_pulses = 0;                     // pulses arriving inside the window
    bool pileup = false;                  // another pulse within labels.pileup_window of the primary
    std::vector<float> pulse_energy_keV;  // up to labels.max_pulses, NaN-padded
    std::vector<float> pulse_time_ns;     // relative to start_s
};

struct TriggerCounters {
    std::uint64_t pulses = 0;           // arrivals handled
    std::uint64_t triggers = 0;         // windows captured
    std::uint64_t lost_dead_time = 0;   // arrivals during dead time that did not trigger
    std::uint64_t merged = 0;           // arrivals overtaken by a later pulse's trigger
    std::uint64_t below_threshold = 0;  // arrivals that never crossed the threshold
    double elapsed_s = 0;               // stream time covered
};

class WindowGenerator {
  public:
    WindowGenerator(const PixelChain& chain, const EnergySpectrum& spectrum, double rate_per_s, Rng rng);

    void next(LabelledWindow& out);
    const TriggerCounters& counters() const { return counters_; }

  private:
    double sample_time(std::int64_t k) const { return phase_ + static_cast<double>(k) * period_; }
    std::int64_t first_sample_at_or_after(double t) const;
    const Pulse& pulse(size_t i);  // generates arrivals lazily
    // Starts a block of samples at `first_sample`; code(k) computes samples lazily, in order.
    void start_block(std::int64_t first_sample);
    std::uint16_t code(size_t k);
    void label(LabelledWindow& out, size_t primary, std::int64_t window_first);

    const PixelChain& chain_;
    PulseSource source_;
    Rng rng_;
    NoiseModel::WindowSampler noise_;
    double period_, phase_;
    int window_, pre_, search_;
    double threshold_codes_, baseline_code_;
    std::deque<Pulse> pulses_;  // arrivals not yet forgotten, in time order
    size_t cursor_ = 0;         // first pulse not yet handled
    double dead_until_s_ = -1;
    std::int64_t block_first_ = 0;
    size_t block_size_ = 0, computed_ = 0;
    size_t block_pulses_ = 0;  // pulses that can touch the block: pulses_[0, block_pulses_)
    double reach_ = 0;         // how long a pulse's response lasts
    std::vector<std::uint16_t> block_codes_;
    TriggerCounters counters_;
};

}  // namespace pixforge::models
