// The simulate report: HDF5 for physicists (docs/chain.md: per-event table, histograms, summary,
// resolved config, processor identity, provenance). The JSON and the printed table come from the
// ChainSummary (tb/chain_summary.hpp, tb/chain_job.hpp).
#pragma once

#include <string>

#include "core/provenance.hpp"
#include "tb/chain_summary.hpp"
#include "tb/scoreboard.hpp"

namespace pixforge::tb {

// Written atomically (core/atomic_file): an interrupted run never leaves a half report.
void write_chain_report(const std::string& path, const ChainRun& run, const ChainMetrics& m,
                        const ChainSummary& summary, const Provenance& provenance,
                        const std::string& resolved_config, std::uint64_t seed);

}  // namespace pixforge::tb
