// The simulate report: HDF5 for physicists (docs/chain.md: per-event table, histograms,
// summary, resolved config, processor identity, provenance), JSON for scripts, a table for people.
#pragma once

#include <map>
#include <ostream>
#include <string>

#include "core/provenance.hpp"
#include "tb/scoreboard.hpp"

namespace pixforge::tb {

using Identity = std::map<std::string, std::string>;  // network hash, template, library, ...

std::string chain_json(const ChainRun& run, const ChainMetrics& m, const Identity& identity);
void print_chain_summary(const ChainRun& run, const ChainMetrics& m, std::ostream& out);
// Written to `path`.partial, then renamed: an interrupted run never leaves a half report.
void write_chain_report(const std::string& path, const ChainRun& run, const ChainMetrics& m,
                        const Identity& identity, const Provenance& provenance,
                        const std::string& resolved_config, std::uint64_t seed);

}  // namespace pixforge::tb
