#include "core/progress.hpp"

#include <fmt/format.h>

namespace pixforge {

Progress::Progress(std::ostream& out, std::string label, std::uint64_t total, std::string unit, bool enabled)
    : out_(out),
      label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      enabled_(enabled),
      start_(Clock::now()),
      last_(start_) {}

void Progress::update(std::uint64_t done) {
    done_ = done;
    if (!enabled_) return;
    const auto now = Clock::now();
    if (now - last_ < std::chrono::seconds(2)) return;
    last_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double rate = done / std::max(elapsed, 1e-9);
    const double eta = rate > 0 ? (total_ - done) / rate : 0;
    out_ << fmt::format("{}: {}/{} {} ({:.0f}%), {:.3g} {}/s, ETA {:.0f} s\n", label_, done, total_, unit_,
                        100.0 * done / std::max<std::uint64_t>(total_, 1), rate, unit_, eta)
         << std::flush;
}

double Progress::finish() {
    const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
    if (enabled_)
        out_ << fmt::format("{}: {} {} in {:.2f} s ({:.3g} {}/s)\n", label_, done_, unit_, elapsed,
                            done_ / std::max(elapsed, 1e-9), unit_)
             << std::flush;
    return elapsed;
}

}  // namespace pixforge
