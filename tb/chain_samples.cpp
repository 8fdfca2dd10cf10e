#include "tb/chain_samples.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "core/typed_json.hpp"

namespace pixforge::tb {

using nlohmann::json;

namespace {

template <typename T>
void extend(std::vector<T>& to, const std::vector<T>& from) {
    to.insert(to.end(), from.begin(), from.end());
}

// Each counter once, with its JSON key, for both directions and for pooling.
constexpr std::pair<const char*, std::uint64_t ChainSamples::*> kCounters[] = {
    {"pulses", &ChainSamples::pulses},
    {"triggers", &ChainSamples::triggers},
    {"delivered", &ChainSamples::delivered},
    {"lost_busy", &ChainSamples::lost_busy},
    {"lost_fifo", &ChainSamples::lost_fifo},
    {"unmatched", &ChainSamples::unmatched},
    {"adc_samples", &ChainSamples::adc_samples},
    {"cycles_simulated", &ChainSamples::cycles_simulated},
    {"cycles_covered", &ChainSamples::cycles_covered}};

}  // namespace

void ChainSamples::append(const ChainSamples& later) {
    if (later.lines_eV != lines_eV || later.line_energies_eV.size() != line_energies_eV.size())
        throw std::invalid_argument("ChainSamples::append: sub-streams with different test lines");
    if (processor.empty()) processor = later.processor;
    for (std::size_t l = 0; l < line_energies_eV.size(); ++l)
        extend(line_energies_eV[l], later.line_energies_eV[l]);
    extend(energies_eV, later.energies_eV);
    extend(toa_residuals_s, later.toa_residuals_s);
    extend(pileup_scores, later.pileup_scores);
    extend(pileup_labels, later.pileup_labels);
    extend(latencies_s, later.latencies_s);
    for (const auto& [key, counter] : kCounters) this->*counter += later.*counter;
    fifo_max_occupancy = std::max(fifo_max_occupancy, later.fifo_max_occupancy);
    duration_s += later.duration_s, dead_s += later.dead_s, wall_s += later.wall_s;
}

json ChainSamples::to_json() const {
    json j = {{"processor", processor},
              {"lines_eV", lines_eV},
              {"line_energies_eV", line_energies_eV},
              {"energies_eV", energies_eV},
              {"toa_residuals_s", toa_residuals_s},
              {"pileup_scores", pileup_scores},
              {"pileup_labels", pileup_labels},
              {"latencies_s", latencies_s},
              {"fifo_max_occupancy", fifo_max_occupancy},
              {"duration_s", duration_s},
              {"dead_s", dead_s},
              {"wall_s", wall_s}};
    for (const auto& [key, counter] : kCounters) j[key] = this->*counter;
    return j;
}

ChainSamples ChainSamples::from_json(const json& j, const std::string& where) {
    const TypedJson t{"SIM-010", where, "the samples are written by pixforge; rerun the job"};
    if (!j.is_object()) t.refuse("", "a chain sample record", j);
    ChainSamples s;
    s.processor = t.text(j, "processor");
    s.lines_eV = t.numbers(j, "lines_eV");
    const json lines = TypedJson::at(j, "line_energies_eV");
    if (!lines.is_array() || lines.size() != s.lines_eV.size())
        t.refuse("line_energies_eV", "one array of estimates per line", lines);
    for (std::size_t l = 0; l < lines.size(); ++l)
        s.line_energies_eV.push_back(t.numbers(json{{"line", lines[l]}}, "line"));
    s.energies_eV = t.numbers(j, "energies_eV");
    s.toa_residuals_s = t.numbers(j, "toa_residuals_s");
    s.pileup_scores = t.numbers(j, "pileup_scores");
    for (double label : t.numbers(j, "pileup_labels", s.pileup_scores.size()))
        s.pileup_labels.push_back(label != 0);
    s.latencies_s = t.numbers(j, "latencies_s");
    for (const auto& [key, counter] : kCounters) s.*counter = t.count(j, key);
    s.fifo_max_occupancy = t.count(j, "fifo_max_occupancy");
    s.duration_s = t.number(j, "duration_s");
    s.dead_s = t.number(j, "dead_s");
    s.wall_s = t.number(j, "wall_s");
    return s;
}

}  // namespace pixforge::tb
