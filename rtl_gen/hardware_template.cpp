#include "rtl_gen/hardware_template.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/error.hpp"

namespace pixforge::rtl {

void HardwareTemplate::validate() const {
    if (kind == TemplateKind::Parallel && (pipeline < 1 || pipeline > 2))
        throw PixError("RTL-001",
                       fmt::format("--pipeline {}: the parallel template takes 1 (output register) or 2 "
                                   "(also a product register)",
                                   pipeline));
    if (kind == TemplateKind::Folded && (reuse < 1 || reuse > 4096))
        throw PixError(
            "RTL-001",
            fmt::format("--reuse {}: the folded template takes a reuse factor from 1 to 4096", reuse));
    if (kind == TemplateKind::Folded && pipeline != 1)
        throw PixError("RTL-001",
                       "--pipeline applies to the parallel template only; the folded one has one stage");
}

std::string HardwareTemplate::name() const {
    const std::string base = kind == TemplateKind::Parallel ? fmt::format("parallel_p{}", pipeline)
                                                            : fmt::format("folded_r{}", reuse);
    return clock_gating ? base + "_cg" : base;
}

HardwareTemplate parse_template(const std::string& kind, int reuse, int pipeline, bool clock_gating) {
    HardwareTemplate t;
    t.clock_gating = clock_gating;
    if (kind == "parallel") {
        t.kind = TemplateKind::Parallel;
        t.pipeline = pipeline;
        if (reuse != 1)
            throw PixError("RTL-001", fmt::format("--reuse {}: the parallel template has reuse 1; use "
                                                  "--template folded",
                                                  reuse));
    } else if (kind == "folded") {
        t.kind = TemplateKind::Folded;
        t.reuse = reuse;
        t.pipeline = pipeline;
    } else {
        throw PixError("RTL-001", fmt::format("--template {}: expected parallel or folded", kind));
    }
    t.validate();
    return t;
}

int taps_of(const models::QuantLayer& l) {
    return l.kind == models::LayerKind::Dense ? l.in_features() : l.in_channels * l.kernel;
}

Timing timing_of(const models::QuantizedNetwork& net, const HardwareTemplate& t) {
    Timing timing;
    timing.latency = 1;
    for (const auto& l : net.layers) {
        const int r = t.kind == TemplateKind::Parallel ? 1 : std::min(t.reuse, taps_of(l));
        timing.reuse.push_back(r);
        timing.latency += r + (t.kind == TemplateKind::Parallel ? t.pipeline - 1 : 0);
        timing.initiation_interval = std::max(timing.initiation_interval, r);
    }
    return timing;
}

HardwareTemplate parse_template_name(const std::string& full_name) {
    const bool gated = full_name.size() > 3 && full_name.compare(full_name.size() - 3, 3, "_cg") == 0;
    const std::string name = gated ? full_name.substr(0, full_name.size() - 3) : full_name;
    const auto cut = name.rfind('_');
    if (cut != std::string::npos && cut + 2 <= name.size()) {
        const std::string kind = name.substr(0, cut);
        const char tag = name[cut + 1];
        const int value = std::atoi(name.c_str() + cut + 2);
        if (kind == "parallel" && tag == 'p') return parse_template(kind, 1, value, gated);
        if (kind == "folded" && tag == 'r') return parse_template(kind, value, 1, gated);
    }
    throw PixError("RTL-001",
                   fmt::format("template name '{}' is not of the form parallel_p<P> or folded_r<R>, "
                               "with _cg when clock-gated",
                               full_name));
}

}  // namespace pixforge::rtl
