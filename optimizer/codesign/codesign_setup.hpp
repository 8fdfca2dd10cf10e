// What a co-design study optimizes, read from the [codesign] section, and how a point of the
// design space becomes a run config and a hardware template.
//
// Parameter names in [space.<name>] map to the run config as follows:
//   hidden_width, hidden_layers   network.hidden = [width] x layers (layers default 1)
//   weight_bits, activation_bits  network.weight_bits / activation_bits = [value] (every layer)
//   template, reuse, pipeline     the hardware template (parallel | folded, R, P)
//   tasks                         how the heads split over networks sharing the pixel block
//                                 ("shared", "energy|toa", ...; pixel_tasks.hpp)
//   NAME@HEAD                     NAME for the network that computes HEAD (template@toa)
//   any "section.key"             that config key (numbers as numbers, words as strings)
// Objectives and constraints: StudyObjectives (study_objectives.hpp). By default the study
// minimizes the mean energy FWHM, the digital block's area, the pixel's power (front end + ADC +
// digital) and the latency, within the pixel's budget ([pixel]) and without lost events.
#pragma once

#include <string>
#include <vector>

#include "core/config.hpp"
#include "optimizer/codesign/study_objectives.hpp"
#include "optimizer/design_space.hpp"
#include "rtl_gen/hardware_template.hpp"

namespace pixforge::codesign {

struct CodesignOptions {
    Guidance guidance = Guidance::Synthesis;
    std::vector<double> reference;  // hypervolume reference, one per objective
    std::uint64_t pulses = 20000;   // chain simulation per trial
    int check_windows = 2000;       // RTL-vs-reference vectors per trial
    double simulate_timeout_s = 900;
    // The classical hardware front: each filter at each coefficient width on each template.
    std::vector<std::string> classical_filters;
    std::vector<int> classical_weight_bits;
    std::vector<rtl::HardwareTemplate> classical_templates;
    // Each network of the feasible Pareto set retrained with this many more training seeds.
    int front_seeds = 0;
    // codesign.heads = "objectives": networks train only the heads an objective or a limit reads.
    bool heads_follow_objectives = true;
    StudyObjectives goals;
    static CodesignOptions from_config(const Config& config, Guidance guidance);
};

Guidance parse_guidance(const std::string& name);  // OPT-001 for anything else

// One network of a trial's pixel block (pixel_tasks.hpp): the heads it computes (empty: the study's),
// its own settings on top of the trial's, its template.
struct DesignCore {
    std::vector<std::string> heads;
    std::vector<std::string> overrides;
    rtl::HardwareTemplate hardware;
};

struct TrialDesign {
    std::vector<std::string> overrides;  // --set style, applied on top of the study's config
    rtl::HardwareTemplate hardware;      // the first network's template
    std::vector<DesignCore> cores;       // the block's networks, in order (one: a shared network)
    std::string description;             // "hidden_width=8, template=folded, reuse=4"
};

TrialDesign design_of(const optimizer::DesignSpace& space, const std::vector<double>& u);
// The overrides of a design that set the chain it runs in (sensor, front end, noise, ADC, trigger,
// synthesis clock), not its network: what a classical filter must share to be compared with it.
std::vector<std::string> chain_overrides(const TrialDesign& design);

// A config key in the space (`[space."adc.sampling_rate"]`) as the override a trial applies.
std::string config_override(const optimizer::Parameter& p, const std::string& value_text);
// OPT-003 for a parameter that is neither a co-design parameter nor a config key, OPT-009 for a tasks
// value or a NAME@HEAD that names no head; OPT-004 when a value of a config key in the space is not valid for
// that key (checked before any trial runs: otherwise every trial with it would fail the same way); OPT-005
// when the space varies the shaping time while the noise does not follow it (noise.reference_shaping_time =
// 0).
// With `goals`, OPT-009 too for a tasks value without a network for a head the goals read.
void check_config_keys_in_space(const optimizer::DesignSpace& space, const Config& base,
                                const StudyObjectives* goals = nullptr);

// [optimizer]: the search strategy and its budget, read by run_codesign_study.
void declare_optimizer_keys(ConfigSchema& schema);
// [codesign]: the hypervolume references and per-trial settings of a study (the budgets are in [pixel]).
void declare_codesign_keys(ConfigSchema& schema);

}  // namespace pixforge::codesign
