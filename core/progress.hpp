// Progress for long runs, on stderr: at most one line per interval, with rate and ETA.
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

namespace pixforge {

class Progress {
  public:
    Progress(std::ostream& out, std::string label, std::uint64_t total, std::string unit,
             bool enabled = true);
    void update(std::uint64_t done);
    // Prints the final line (always, when enabled); returns the elapsed seconds.
    double finish();

  private:
    using Clock = std::chrono::steady_clock;
    std::ostream& out_;
    std::string label_, unit_;
    std::uint64_t total_, done_ = 0;
    bool enabled_;
    Clock::time_point start_, last_;
};

}  // namespace pixforge
