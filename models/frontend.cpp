#include "models/frontend.hpp"

#include <algorithm>
#include <cmath>

#include "core/units.hpp"

namespace pixforge::models {
namespace {

double ideal_peak_factor(int n) {
    return std::pow(n, n) * std::exp(-n) / std::tgamma(n + 1.0);  // n^n e^-n / n!
}

// Cubic Hermite interpolation on a uniform grid of values v and slopes dv.
double hermite(const std::vector<double>& v, const std::vector<double>& dv, double dt, double t) {
    const double x = t / dt;
    const auto i = static_cast<size_t>(x);
    const double u = x - static_cast<double>(i), u2 = u * u, u3 = u2 * u;
    return (2 * u3 - 3 * u2 + 1) * v[i] + (u3 - 2 * u2 + u) * dt * dv[i] + (-2 * u3 + 3 * u2) * v[i + 1] +
           (u3 - u2) * dt * dv[i + 1];
}

}  // namespace

FrontEndResponse::FrontEndResponse(const FrontEndParams& params)
    : params_(params), norm_(1.0 / ideal_peak_factor(params.shaper_order)) {
    const double tau = params.shaper_tau_s;
    const bool merged = params.pole_zero || params.decay_time_s <= 0;
    CascadeBuilder current(1);
    current.inputs({1.0});
    if (merged) {
        // CSA integrator and pole-zero-cancelled CR combine into tau / (1 + s tau): no undershoot.
        current.lowpass(tau, tau);
        if (params.rise_time_s > 0) current.lowpass(params.rise_time_s);
        add_shaping(current, false);
    } else {
        current.integrator(params.decay_time_s);
        if (params.rise_time_s > 0) current.lowpass(params.rise_time_s);
        add_shaping(current, true);
    }
    current_system_ = current.output(norm_);

    CascadeBuilder series(1);
    series.inputs({1.0});
    if (params.rise_time_s > 0) series.lowpass(params.rise_time_s);
    add_shaping(series, true);
    series_system_ = series.output(norm_);
    tabulate();
}

void FrontEndResponse::add_shaping(CascadeBuilder& b, bool include_cr) const {
    if (include_cr) b.highpass(params_.shaper_tau_s);
    for (int k = 0; k < params_.shaper_order; ++k) b.lowpass(params_.shaper_tau_s);
}

LinearSystem FrontEndResponse::flicker_system(const std::vector<double>& taus,
                                              const std::vector<double>& gains) const {
    CascadeBuilder b(static_cast<int>(taus.size()));
    b.lowpass_bank(taus, gains);
    if (params_.rise_time_s > 0) b.lowpass(params_.rise_time_s);
    add_shaping(b, true);
    return b.output(norm_);
}

void FrontEndResponse::tabulate() {
    const double tau = params_.shaper_tau_s;
    const double fastest = params_.rise_time_s > 0 ? std::min(tau, params_.rise_time_s) : tau;
    dt_ = fastest / 64.0;
    // Augment the state with the running integral of the output, so one exact step gives h and S.
    const LinearSystem& sys = current_system_;
    const Eigen::Index n = sys.states();
    Eigen::MatrixXd A_aug = Eigen::MatrixXd::Zero(n + 1, n + 1);
    A_aug.topLeftCorner(n, n) = sys.A;
    A_aug.block(n, 0, 1, n) = sys.C;
    const Eigen::MatrixXd step = LinearSystem{A_aug, Eigen::MatrixXd(), Eigen::RowVectorXd()}.transition(dt_);
    Eigen::VectorXd x = Eigen::VectorXd::Zero(n + 1);
    x.head(n) = sys.B.col(0);
    const double decay = params_.pole_zero || params_.decay_time_s <= 0 ? 0.0 : params_.decay_time_s;
    const double min_length =
        10.0 * (params_.shaper_order + 1) * tau + 10.0 * params_.rise_time_s + 5.0 * decay;
    const size_t cap = static_cast<size_t>(std::ceil((min_length + 50.0 * decay + 50.0 * tau) / dt_));
    double peak = 0;
    size_t last_significant = 0;
    for (size_t k = 0; k < cap; ++k) {
        const double h = sys.C * x.head(n);
        h_.push_back(h);
        dh_.push_back(sys.C * (sys.A * x.head(n)));
        s_.push_back(x(n));
        peak = std::max(peak, std::fabs(h));
        if (std::fabs(h) > 1e-6 * peak) last_significant = k;
        if (k * dt_ > min_length && k > last_significant + 16) break;
        x = step * x;
    }
    length_ = static_cast<double>(last_significant + 1) * dt_;
    // Peak: best grid point, refined by golden-section search on the interpolant.
    const size_t k_max = static_cast<size_t>(std::max_element(h_.begin(), h_.end()) - h_.begin());
    double a = std::max(0.0, (static_cast<double>(k_max) - 1) * dt_),
           b = (static_cast<double>(k_max) + 1) * dt_;
    const double g = (std::sqrt(5.0) - 1) / 2;
    for (int it = 0; it < 60; ++it) {
        const double c = b - g * (b - a), d = a + g * (b - a);
        if (impulse(c) > impulse(d))
            b = d;
        else
            a = c;
    }
    peaking_time_ = 0.5 * (a + b);
    peak_ = impulse(peaking_time_);
}

double FrontEndResponse::impulse(double t) const {
    if (t < 0) return 0.0;
    if (t >= dt_ * static_cast<double>(h_.size() - 1)) return 0.0;
    return hermite(h_, dh_, dt_, t);
}

double FrontEndResponse::step_integral(double t) const {
    if (t <= 0) return 0.0;
    if (t >= dt_ * static_cast<double>(s_.size() - 1)) return s_.back();
    return hermite(s_, h_, dt_, t);
}

double FrontEndResponse::rectangular(double t, double duration) const {
    // Below a thousandth of the grid step the difference quotient loses precision: use the
    // impulse at the current's centre (error O(duration^2)).
    if (duration < 1e-3 * dt_) return impulse(t - 0.5 * duration);
    return (step_integral(t) - step_integral(t - duration)) / duration;
}

double FrontEndResponse::volts_per_electron() const {
    return units::kElementaryCharge / params_.feedback_capacitance_F *
           ideal_peak_factor(params_.shaper_order);
}

}  // namespace pixforge::models
