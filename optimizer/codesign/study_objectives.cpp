#include "optimizer/codesign/study_objectives.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "optimizer/codesign/pixel_tasks.hpp"

namespace pixforge::codesign {

namespace {

// Figures only synthesis measures: under theory guidance the network's proxies replace area and
// power, and nothing else of synthesis exists.
bool needs_synthesis(const std::string& figure) {
    static const std::vector<std::string> synthesized{
        "area_um2",       "cells",          "flip_flops",        "critical_path_ns",
        "worst_slack_ns", "max_clock_MHz",  "power_uW",          "clock_power_uW",
        "adc_power_uW",   "pixel_power_uW", "smallest_pitch_um", "energy_per_inference_pJ"};
    return std::find(synthesized.begin(), synthesized.end(), figure) != synthesized.end();
}

std::string theory_figure(const std::string& figure) {
    if (figure == "area_um2") return "parameter_bits";
    if (figure == "pixel_power_uW" || figure == "power_uW") return "bops";
    return figure;
}

std::vector<std::string> tokens(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> out;
    for (std::string t; in >> t;) out.push_back(t);
    return out;
}

// The figure, checked against the metric table and the guidance.
std::string checked_figure(const Config& config, const char* key, const std::string& figure, Guidance g) {
    const auto& columns = metric_columns();
    if (std::none_of(columns.begin(), columns.end(),
                     [&](const MetricColumn& c) { return figure == c.key; })) {
        std::vector<std::string> names;
        for (const MetricColumn& c : columns) names.emplace_back(c.key);
        config.reject(key, fmt::format("'{}' is not a figure of a trial; expected one of: {}", figure,
                                       fmt::join(names, ", ")));
    }
    if (g == Guidance::Theory) {
        const std::string mapped = theory_figure(figure);
        if (mapped == figure && needs_synthesis(figure))
            config.reject(key, fmt::format("'{}' needs synthesis, which --guidance theory skips", figure));
        return mapped;
    }
    return figure;
}

}  // namespace

StudyObjectives StudyObjectives::from_config(const Config& config, Guidance guidance) {
    StudyObjectives s;
    s.guidance_ = guidance;
    for (std::string t : tokens(config.text("codesign.objectives"))) {
        Objective o;
        if (t.rfind("max:", 0) == 0) o.maximize = true, t = t.substr(4);
        o.figure = checked_figure(config, "codesign.objectives", t, guidance);
        s.objectives_.push_back(o);
    }
    if (s.objectives_.empty()) config.reject("codesign.objectives", "at least one objective is needed");
    for (const std::string& t : tokens(config.text("codesign.limits"))) {
        const auto op = t.find_first_of("<>");
        if (op == std::string::npos || op + 1 >= t.size() || t[op + 1] != '=')
            config.reject("codesign.limits",
                          fmt::format("'{}' is not of the form figure<=value or figure>=value", t));
        Limit l;
        l.at_most = t[op] == '<';
        l.figure = checked_figure(config, "codesign.limits", t.substr(0, op), guidance);
        const std::string number = t.substr(op + 2);
        char* end = nullptr;
        l.bound = std::strtod(number.c_str(), &end);
        if (number.empty() || *end != '\0' || !std::isfinite(l.bound))
            config.reject("codesign.limits", fmt::format("'{}': '{}' is not a number", t, number));
        s.limits_.push_back(l);
    }
    return s;
}

std::vector<std::string> StudyObjectives::objective_names() const {
    std::vector<std::string> names;
    for (const Objective& o : objectives_) names.push_back(o.maximize ? "neg_" + o.figure : o.figure);
    return names;
}

bool StudyObjectives::reads(const std::string& figure) const {
    return std::any_of(objectives_.begin(), objectives_.end(),
                       [&](const Objective& o) { return o.figure == figure; }) ||
           std::any_of(limits_.begin(), limits_.end(), [&](const Limit& l) { return l.figure == figure; });
}

std::vector<std::string> StudyObjectives::read_heads() const {
    // Each head and the figures that measure it.
    const std::vector<std::pair<std::string, std::vector<std::string>>> heads{
        {"energy", {"energy_fwhm_eV", "energy_latency_ns"}},
        {"toa", {"toa_sigma_ns", "toa_latency_ns"}},
        {"pileup", {"pileup_auc", "pileup_tpr_at_1pct_fpr", "pileup_latency_ns"}}};
    std::vector<std::string> read;
    for (const auto& [head, figures] : heads)
        if (std::any_of(figures.begin(), figures.end(), [&](const std::string& f) { return reads(f); }))
            read.push_back(head);
    return read;
}

std::vector<std::string> StudyObjectives::unread_head_overrides() const {
    const std::vector<std::string> read = read_heads();
    if (read.empty()) return {};
    std::vector<std::string> off;
    for (const std::string& head : pixel_task_names())
        if (std::find(read.begin(), read.end(), head) == read.end())
            off.push_back("network.head_" + head + "=false");
    return off;
}

std::vector<std::string> StudyObjectives::constraint_names() const {
    std::vector<std::string> names{"area_over_budget_um2", "power_over_budget_uW", "negative_slack_ns",
                                   "lost_events"};
    for (const Limit& l : limits_) names.push_back("limit_" + l.figure);
    return names;
}

optimizer::Evaluation StudyObjectives::evaluate(const TrialMetrics& m) const {
    const auto figure = [&](const std::string& name) {
        const double v = m.figure(name);
        if (std::isnan(v))
            throw std::runtime_error(
                fmt::format("the trial has no {} (not measured or not fitted), which the "
                            "study's objectives or limits need",
                            name));
        return v;
    };
    optimizer::Evaluation e;
    for (const Objective& o : objectives_)
        e.objectives.push_back(o.maximize ? -figure(o.figure) : figure(o.figure));
    if (guidance_ == Guidance::Synthesis)
        e.constraints = {figure("area_over_budget_um2"), figure("power_over_budget_uW"),
                         -figure("worst_slack_ns"), figure("lost_events")};
    else
        e.constraints = {0.0, 0.0, 0.0, figure("lost_events")};  // budgets unknowable without synthesis
    for (const Limit& l : limits_)
        e.constraints.push_back(l.at_most ? figure(l.figure) - l.bound : l.bound - figure(l.figure));
    return e;
}

void declare_objective_keys(ConfigSchema& s) {
    using namespace keys;
    s.add(text("codesign.objectives", "energy_fwhm_eV area_um2 pixel_power_uW latency_ns",
               "what a study minimizes, space-separated figures of a trial (max:NAME maximizes); "
               "EHVI up to 3, ParEGO beyond; one codesign.reference value each"));
    s.add(text("codesign.limits", "",
               "figures held within bounds, space-separated: NAME<=VALUE or NAME>=VALUE (constraints beside "
               "the pixel's budget), e.g. \"toa_sigma_ns<=2 pileup_auc>=0.9\""));
}

}  // namespace pixforge::codesign
