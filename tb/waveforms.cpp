#include "tb/waveforms.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/units.hpp"
#include "tb/scoreboard.hpp"

namespace pixforge::tb {

namespace {

[[noreturn]] void refuse(const std::string& spec, const std::string& why) {
    throw PixError("SIM-012",
                   fmt::format("--dump-events '{}': {}; expected index:N[,N...] (results in delivery "
                               "order), time:T[,T...] (e.g. time:120us,2ms) or miss:E (e.g. miss:2keV)",
                               spec, why));
}

std::vector<std::string> items(const std::string& list) {
    std::vector<std::string> out;
    std::stringstream s(list);
    for (std::string item; std::getline(s, item, ',');)
        if (!item.empty()) out.push_back(item);
    return out;
}

}  // namespace

std::vector<std::size_t> select_wave_events(const std::string& spec, const ChainRun& run,
                                            const models::PixelChain& chain) {
    const auto colon = spec.find(':');
    if (colon == std::string::npos) refuse(spec, "no kind before ':'");
    const std::string kind = spec.substr(0, colon), list = spec.substr(colon + 1);
    std::vector<std::size_t> events;
    if (kind == "index") {
        for (const std::string& item : items(list)) {
            std::size_t used = 0;
            long long n = -1;
            try {
                n = std::stoll(item, &used);
            } catch (const std::exception&) {
            }
            if (n < 0 || used != item.size()) refuse(spec, fmt::format("'{}' is not a result index", item));
            if (static_cast<std::size_t>(n) >= run.results.size())
                refuse(spec,
                       fmt::format("result {} does not exist: the run delivered {}", n, run.results.size()));
            events.push_back(static_cast<std::size_t>(n));
        }
    } else if (kind == "time") {
        for (const std::string& item : items(list)) {
            double t = 0;
            try {
                t = units::parse(item, units::Dimension::Time).si;
            } catch (const std::invalid_argument& e) {
                refuse(spec, fmt::format("'{}': {}", item, e.what()));
            }
            if (run.results.empty()) refuse(spec, "the run delivered no result");
            const auto nearest =
                std::min_element(run.results.begin(), run.results.end(),
                                 [t](const sc::PulseResult& a, const sc::PulseResult& b) {
                                     return std::fabs(a.trigger_s - t) < std::fabs(b.trigger_s - t);
                                 });
            events.push_back(static_cast<std::size_t>(nearest - run.results.begin()));
        }
    } else if (kind == "miss") {
        double threshold_eV = 0;
        try {
            threshold_eV = units::ev_from_joule(units::parse(list, units::Dimension::Energy).si);
        } catch (const std::invalid_argument& e) {
            refuse(spec, fmt::format("'{}': {}", list, e.what()));
        }
        std::vector<ScoredEvent> scored;  // each result's pulse, by the scoreboard's rule
        sample_chain(run, chain, &scored);
        for (std::size_t i = 0; i < run.results.size() && events.size() < kMaxWaveEvents; ++i) {
            if (scored[i].primary < 0) continue;  // a noise trigger: no truth to miss
            const TruthPulse& p = run.truth[static_cast<std::size_t>(scored[i].primary)];
            if (std::fabs(run.results[i].estimate.energy_eV - p.energy_eV) > threshold_eV)
                events.push_back(i);
        }
    } else {
        refuse(spec, fmt::format("unknown kind '{}'", kind));
    }
    if (events.empty() && kind != "miss") refuse(spec, "it names no event");
    std::sort(events.begin(), events.end());
    events.erase(std::unique(events.begin(), events.end()), events.end());
    return events;
}

std::vector<WaveWindow> wave_windows(const ChainRun& run, const std::vector<std::size_t>& events, int cycles,
                                     double clock_s) {
    std::vector<WaveWindow> windows;
    for (std::size_t i : events) {
        const sc::PulseResult& r = run.results[i];
        windows.push_back({r.start_s - cycles * clock_s, r.result_s + cycles * clock_s});
    }
    std::sort(windows.begin(), windows.end(),
              [](const WaveWindow& a, const WaveWindow& b) { return a.from_s < b.from_s; });
    std::vector<WaveWindow> merged;
    for (const WaveWindow& w : windows)
        if (!merged.empty() && w.from_s <= merged.back().to_s)
            merged.back().to_s = std::max(merged.back().to_s, w.to_s);
        else
            merged.push_back(w);
    return merged;
}

WaveformPixelBlock::WaveformPixelBlock(std::unique_ptr<rtl::VerilatedPixelBlock> block,
                                       const std::filesystem::path& fst, std::vector<WaveWindow> windows,
                                       double clock_s, std::function<double(std::int64_t)> sample_time)
    : block_(std::move(block)),
      windows_(std::move(windows)),
      clock_s_(clock_s),
      time_of_(std::move(sample_time)) {
    block_->open_waves(fst);
}

void WaveformPixelBlock::at_cycle(std::int64_t sample, int phase) {
    const double t = time_of_(sample) + phase * clock_s_;
    while (next_window_ < windows_.size() && windows_[next_window_].to_s < t) ++next_window_;
    const bool on = next_window_ < windows_.size() && windows_[next_window_].from_s <= t;
    const std::int64_t k = sample - analog_first_;
    const float analog =
        k >= 0 && k < static_cast<std::int64_t>(analog_.size()) ? analog_[static_cast<std::size_t>(k)] : 0.0f;
    block_->wave_at(static_cast<std::uint64_t>(std::llround(t * 1e12)),
                    static_cast<std::uint64_t>(std::llround(clock_s_ * 0.5e12)), on,
                    static_cast<std::int32_t>(std::lround(analog)));
}

void WaveformPixelBlock::observe_analog(std::int64_t first, const std::vector<float>& signal_e) {
    analog_first_ = first;
    analog_ = signal_e;
}

}  // namespace pixforge::tb
