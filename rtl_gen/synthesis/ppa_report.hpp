// The PPA of one design as a designer reads it (pixforge synth without --json): library, area,
// clock, timing, latency, power split, energy per inference, gate level against RTL, proxies,
// wall time and the folder with the tools' files.
#pragma once

#include <ostream>

#include "rtl_gen/synthesis/ppa.hpp"

namespace pixforge::rtl {

void print_ppa(const PpaResult& r, std::ostream& out);

}  // namespace pixforge::rtl
