#include "rtl_gen/hardware_template.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/error.hpp"
#include "rtl_gen/verilog_text.hpp"

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
    if (kind == TemplateKind::Streaming && (reuse < 1 || reuse > 64))
        throw PixError("RTL-001", fmt::format("--reuse {}: the streaming template takes 1 to 64 cycles per "
                                              "sample for its first layer",
                                              reuse));
    if (kind == TemplateKind::Serial && reuse != 1)
        throw PixError("RTL-001", fmt::format("--reuse {}: the serial template has one multiply-accumulate "
                                              "unit and takes no reuse factor",
                                              reuse));
    if (kind != TemplateKind::Parallel && pipeline != 1)
        throw PixError("RTL-001",
                       fmt::format("--pipeline {}: only the parallel template takes a pipeline depth; "
                                   "the {} one has one stage",
                                   pipeline, name()));
}

std::string HardwareTemplate::name() const {
    std::string base;
    switch (kind) {
        case TemplateKind::Parallel:
            base = fmt::format("parallel_p{}", pipeline);
            break;
        case TemplateKind::Folded:
            base = fmt::format("folded_r{}", reuse);
            break;
        case TemplateKind::Serial:
            base = "serial";
            break;
        case TemplateKind::Streaming:
            base = fmt::format("streaming_r{}", reuse);
            break;
    }
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
    } else if (kind == "folded" || kind == "serial" || kind == "streaming") {
        t.kind = kind == "folded"   ? TemplateKind::Folded
                 : kind == "serial" ? TemplateKind::Serial
                                    : TemplateKind::Streaming;
        t.reuse = reuse;
        t.pipeline = pipeline;
    } else {
        throw PixError("RTL-001",
                       fmt::format("--template {}: expected parallel, folded, serial or streaming", kind));
    }
    t.validate();
    return t;
}

int taps_of(const models::QuantLayer& l) {
    return l.kind == models::LayerKind::Dense ? l.in_features() : l.in_channels * l.kernel;
}

int serial_steps(const models::QuantLayer& l) {
    int steps = 0;
    for (int o = 0; o < l.out_features(); ++o) {
        int nonzero = 0;
        for (int t = 0; t < taps_of(l); ++t) nonzero += weight_of(l, o, t) != 0;
        steps += std::max(1, nonzero);
    }
    return steps;
}

int serial_steps(const models::QuantizedNetwork& net, int first_layer) {
    int steps = 0;
    for (size_t l = static_cast<size_t>(first_layer); l < net.layers.size(); ++l)
        steps += serial_steps(net.layers[l]);
    return steps;
}

int window_samples(const models::QuantizedNetwork& net) {
    return std::max(net.input.first + net.input.length, 1 << net.input.baseline_log2);
}

int stream_cycles_per_sample(const models::QuantizedNetwork& net, const HardwareTemplate& t) {
    return net.peak_unit ? 1 : std::min(t.reuse, net.layers.front().out_features());
}

Timing timing_of(const models::QuantizedNetwork& net, const HardwareTemplate& t) {
    Timing timing;
    if (net.peak_unit) {
        if (t.kind != TemplateKind::Streaming)
            throw PixError("RTL-002", fmt::format("a peak unit ({}) follows the samples as they stream "
                                                  "past: it runs on the streaming template, not {}",
                                                  net.peak_unit->describe(), t.name()));
        // One cycle per sample; the result loads with the last and the next window may follow.
        timing.reuse = {1};
        timing.latency = window_samples(net);
        timing.initiation_interval = timing.latency;
        timing.after_window = 1;
        timing.multipliers = net.peak_unit->interpolate ? 1 : 0;
        return timing;
    }
    if (t.kind == TemplateKind::Serial) {
        const int n = serial_steps(net, 0);
        for (const auto& l : net.layers) timing.reuse.push_back(serial_steps(l));
        timing.latency = 1 + n;
        timing.after_window = 1 + timing.latency;
        timing.initiation_interval = n;
        timing.multipliers = 1;
        return timing;
    }
    if (t.kind == TemplateKind::Streaming) {
        const int hidden = net.layers.front().out_features();
        const int r = std::min(t.reuse, hidden), tail = serial_steps(net, 1);
        timing.reuse.push_back(r);
        for (size_t l = 1; l < net.layers.size(); ++l) timing.reuse.push_back(serial_steps(net.layers[l]));
        timing.latency = window_samples(net) * r + 1 + tail;  // + 1: the stage after the subtraction
        timing.initiation_interval = timing.latency + (net.layers.size() == 1 ? 1 : 0);
        timing.after_window = timing.latency - (window_samples(net) - 1) * r;
        timing.multipliers = (hidden + r - 1) / r + (net.layers.size() > 1 ? 1 : 0);
        return timing;
    }
    timing.latency = 1;
    for (const auto& l : net.layers) {
        const int r = t.kind == TemplateKind::Parallel ? 1 : std::min(t.reuse, taps_of(l));
        timing.reuse.push_back(r);
        timing.latency += r + (t.kind == TemplateKind::Parallel ? t.pipeline - 1 : 0);
        timing.initiation_interval = std::max(timing.initiation_interval, r);
        if (t.kind == TemplateKind::Parallel)
            for (int o = 0; o < l.out_features(); ++o)
                for (int k = 0; k < taps_of(l); ++k) timing.multipliers += weight_of(l, o, k) != 0;
        else
            timing.multipliers += l.out_features() * ((taps_of(l) + r - 1) / r);
    }
    timing.after_window = 1 + timing.latency;
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
        if ((kind == "folded" || kind == "streaming") && tag == 'r')
            return parse_template(kind, value, 1, gated);
    }
    if (name == "serial") return parse_template(name, 1, 1, gated);
    throw PixError("RTL-001",
                   fmt::format("template name '{}' is not of the form parallel_p<P>, folded_r<R>, serial "
                               "or streaming_r<R>, with _cg when clock-gated",
                               full_name));
}

}  // namespace pixforge::rtl
