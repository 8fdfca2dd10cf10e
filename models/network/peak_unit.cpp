#include "models/network/peak_unit.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "core/error.hpp"
#include "models/network/fixed_point.hpp"

namespace pixforge::models {

std::string PeakUnit::describe() const {
    std::string s = interpolate ? "vertex" : "peak";
    if (trapezoid())
        s += fmt::format(" of the trapezoid {}/{} after a {}-tap deconvolution", trapezoid_rise,
                         trapezoid_flat, deconvolution.size());
    if (cfd_delay > 0) s += fmt::format(", cfd {}/{} delay {}", cfd_numerator, 1 << cfd_shift, cfd_delay);
    if (le_threshold > 0)
        s += fmt::format(", leading edge at {} codes{}", le_threshold,
                         walk.empty() ? "" : fmt::format(" less a {}-entry walk", walk.size()));
    if (divisions() > 0) s += fmt::format(", {} fraction bits", frac_bits);
    return s;
}

void PeakUnit::validate(const std::string& where, int input_length, int adc_bits) const {
    const auto fail = [&](const std::string& what) {
        throw PixError("NET-003", where + ": inconsistent peak unit: " + what);
    };
    if (frac_bits < 0 || frac_bits > 16) fail(fmt::format("frac_bits = {}, expected 0 to 16", frac_bits));
    if (divisions() == 0 && frac_bits != 0) fail("fraction bits without a division");
    if (divisions() > 0 && frac_bits < 1) fail("a division needs at least 1 fraction bit");
    if (cfd_delay < 0 || cfd_delay >= input_length)
        fail(
            fmt::format("cfd_delay = {}, expected 0 to {} (the input samples)", cfd_delay, input_length - 1));
    if (cfd_delay > 0 &&
        (cfd_shift < 1 || cfd_shift > 8 || cfd_numerator < 1 || cfd_numerator >= (1 << cfd_shift)))
        fail(fmt::format("cfd fraction {}/2^{}: expected a shift of 1 to 8 and a fraction in (0, 1)",
                         cfd_numerator, cfd_shift));
    if (trapezoid_rise < 0 || trapezoid_flat < 0 || first_peak_sample() >= input_length)
        fail(fmt::format("trapezoid rise {} and flat {}: expected a rise within the {} input samples",
                         trapezoid_rise, trapezoid_flat, input_length));
    if (trapezoid() && (interpolate || crosses())) fail("a trapezoid takes neither a vertex nor a crossing");
    if (cfd_delay > 0 && le_threshold > 0) fail("one timing crossing: a CFD or a leading edge");
    if (le_threshold < 0 || le_threshold >= 1 << adc_bits)
        fail(fmt::format("le_threshold = {} codes, expected 0 to {}", le_threshold, (1 << adc_bits) - 1));
    if (!walk.empty() && (le_threshold == 0 || walk_shift < 0 || walk_shift >= adc_bits ||
                          walk.size() != std::size_t{1} << (adc_bits - walk_shift)))
        fail(
            fmt::format("a walk table of {} entries by peak >> {}: expected a leading edge and 2^(adc_bits - "
                        "walk_shift) entries",
                        walk.size(), walk_shift));
    for (std::int32_t w : walk)
        if (w <= -(1 << 16) || w >= 1 << 16) fail(fmt::format("walk entry {} beyond 16 bits", w));
    if (trapezoid() != !deconvolution.empty())
        fail("a trapezoid needs its deconvolution taps, and only a trapezoid has them");
    if (deconvolution.size() > 9)
        fail(fmt::format("{} deconvolution taps, expected at most 9", deconvolution.size()));
    for (std::int32_t c : deconvolution)
        if (c <= -(1 << 16) || c >= 1 << 16) fail(fmt::format("deconvolution tap {} beyond 16 bits", c));
    if (arm_level < 1 || arm_level >= 1 << adc_bits)
        fail(fmt::format("arm_level = {} codes, expected 1 to {} (adc_bits {})", arm_level,
                         (1 << adc_bits) - 1, adc_bits));
}

std::vector<std::int64_t> trapezoid_of(const PeakUnit& u, const std::vector<std::int64_t>& x) {
    const int n = static_cast<int>(x.size()), rise = u.trapezoid_rise, gap = rise + u.trapezoid_flat;
    const auto at = [&](const std::vector<std::int64_t>& v, int j) {
        return j >= 0 ? v[static_cast<std::size_t>(j)] : 0;
    };
    std::vector<std::int64_t> t(x.size()), z(x.size());
    std::int64_t p = 0, sum = 0;
    for (int j = 0; j < n; ++j) {
        p += at(x, j) - at(x, j - rise) - at(x, j - gap) + at(x, j - gap - rise);
        t[static_cast<std::size_t>(j)] = sum += p;
    }
    for (int j = 0; j < n; ++j) {
        std::int64_t acc = 0;
        for (std::size_t k = 0; k < u.deconvolution.size(); ++k)
            acc += u.deconvolution[k] * at(t, j - static_cast<int>(k));
        z[static_cast<std::size_t>(j)] = acc;
    }
    return z;
}

// The largest |z| a trapezoid of samples within +-2^adc_bits can give.
std::int64_t trapezoid_bound(const PeakUnit& u, int adc_bits) {
    std::int64_t taps = 0;
    for (std::int32_t c : u.deconvolution) taps += std::abs(c);
    return (std::int64_t{1} << adc_bits) * u.trapezoid_rise * (u.trapezoid_rise + u.trapezoid_flat) * taps;
}

// Index of the walk table for the peak sample: its top bits, 0 below the baseline.
std::size_t walk_index(const PeakUnit& u, std::int64_t peak) {
    return peak < 0 ? 0 : static_cast<std::size_t>(peak >> u.walk_shift);
}

int peak_unit_output_bits(const PeakUnit& u, int adc_bits, int length) {
    if (u.trapezoid())
        return std::max(fixed::signed_bits_for(-trapezoid_bound(u, adc_bits), trapezoid_bound(u, adc_bits)),
                        fixed::signed_bits_for(0, length));
    // The vertex lies at most 2^(adc_bits - 2) above a sample; times lie in [0, length).
    std::int64_t walk = 0;
    for (std::int32_t w : u.walk) walk = std::max<std::int64_t>(walk, std::abs(w));
    return std::max(adc_bits + 2 + u.frac_bits,
                    fixed::signed_bits_for(-walk, (std::int64_t{length} << u.frac_bits) + walk));
}

std::int64_t restoring_quotient(std::int64_t num, std::int64_t den, int steps) {
    std::int64_t rem = num, q = 0;
    for (int i = 0; i < steps; ++i) {
        rem *= 2;
        const bool bit = rem >= den;
        if (bit) rem -= den;
        q = 2 * q + (bit ? 1 : 0);
    }
    return q;
}

void run_peak_unit(const PeakUnit& u, const std::vector<std::int64_t>& samples,
                   std::vector<std::int64_t>& out) {
    const std::vector<std::int64_t> x = u.trapezoid() ? trapezoid_of(u, samples) : samples;
    const int n = static_cast<int>(x.size()), f = u.frac_bits, start = u.first_peak_sample();
    // The peak and its neighbours, as the streaming hardware keeps them.
    std::int64_t peak = 0, left = 0, right = 0;
    int peak_at = 0;
    bool has_left = false, need_right = false;
    // The CFD crossing: y_{at} > 0 >= y_{at + 1}.
    bool armed = false, found = false;
    std::int64_t cross_num = 0, cross_den = 1, y_prev = 0;
    int cross_at = 0;
    for (int j = start; j < n; ++j) {
        const std::int64_t v = x[static_cast<std::size_t>(j)];
        if (j == start || v > peak) {
            left = j > 0 ? x[static_cast<std::size_t>(j - 1)] : 0;
            has_left = j > 0, need_right = true, peak = v, peak_at = j;
        } else if (need_right) {
            right = v, need_right = false;
        }
        if (u.cfd_delay > 0) {
            armed = armed || v >= u.arm_level;
            if (j >= u.cfd_delay) {
                const std::int64_t y =
                    u.cfd_numerator * v - (x[static_cast<std::size_t>(j - u.cfd_delay)] << u.cfd_shift);
                if (!found && armed && j > u.cfd_delay && y_prev > 0 && y <= 0)
                    found = true, cross_at = j - 1, cross_num = y_prev, cross_den = y_prev - y;
                y_prev = y;
            }
        }
        if (u.le_threshold > 0 && !found && j > 0) {
            const std::int64_t before = x[static_cast<std::size_t>(j - 1)];
            if (before < u.le_threshold && v >= u.le_threshold)
                found = true, cross_at = j - 1, cross_num = u.le_threshold - before, cross_den = v - before;
        }
    }
    std::int64_t amplitude = peak << f, time = std::int64_t{peak_at} << f;
    if (u.interpolate && has_left && !need_right) {
        const std::int64_t spread = right - left, curvature = 2 * peak - left - right;  // > 0
        const std::int64_t q = restoring_quotient(std::abs(spread), 2 * curvature, f);
        amplitude += (std::abs(spread) * q) >> 2;
        time += spread < 0 ? -q : q;
    }
    if (found) time = (std::int64_t{cross_at} << f) + restoring_quotient(cross_num, cross_den, f);
    if (found && !u.walk.empty()) time -= u.walk[walk_index(u, peak)];
    out = {amplitude, time};
}

}  // namespace pixforge::models
