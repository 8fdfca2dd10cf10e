// The simulate report: HDF5 for physicists (docs/chain.md: per-event table, histograms, summary,
// resolved config, processor identity, provenance). The JSON and the printed table come from the
// ChainSummary (tb/chain_summary.hpp, tb/chain_job.hpp).
#pragma once

#include <string>
#include <vector>

#include "core/h5.hpp"
#include "core/provenance.hpp"
#include "tb/chain_summary.hpp"
#include "tb/scoreboard.hpp"

namespace pixforge::tb {

// The group `histograms` of `parent`: the measured energy spectrum (energy_counts, energy_edges in
// 100 eV bins up to 1.3 x the highest line) and the latency (latency_counts, latency_edges, 1 ns bins).
void write_chain_histograms(hid_t parent, const std::vector<double>& energies_keV,
                            const std::vector<double>& latencies_ns, const std::vector<double>& lines_eV);

// Written atomically (core/atomic_file): an interrupted run never leaves a half report.
void write_chain_report(const std::string& path, const ChainRun& run, const ChainMetrics& m,
                        const ChainSummary& summary, const Provenance& provenance,
                        const std::string& resolved_config, std::uint64_t seed);

}  // namespace pixforge::tb
