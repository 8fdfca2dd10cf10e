#include "models/noise.hpp"

#include <cmath>
#include <functional>
#include <optional>

namespace pixforge::models {
namespace {

// Output ENC of `sys` per unit input, in electrons: output rms over the peak response to 1 e-.
double enc_per_input(const LinearSystem& sys, double peak_per_electron) {
    return std::sqrt(sys.C * sys.stationary_covariance() * sys.C.transpose()) / peak_per_electron;
}

// Symmetric square root that tolerates rounding-level negative eigenvalues.
Eigen::MatrixXd psd_factor(const Eigen::MatrixXd& m) {
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(0.5 * (m + m.transpose()));
    const Eigen::VectorXd vals = eig.eigenvalues().cwiseMax(0.0).cwiseSqrt();
    return eig.eigenvectors() * vals.asDiagonal();
}

}  // namespace

NoiseModel::NoiseModel(const NoiseParams& params, const FrontEndResponse& frontend, double sample_period_s)
    : params_(params), sample_period_(sample_period_s) {
    // The sources are physical: each one's density is fixed where its ENC is given (the reference
    // shaping time) and this front end shapes it. Series ENC then goes as 1/sqrt(tau), parallel as
    // sqrt(tau), and 1/f stays (notes/physics.md section 3.3).
    const double tau = frontend.params().shaper_tau_s;
    const double tau_ref = params.reference_shaping_time_s > 0 ? params.reference_shaping_time_s : tau;
    std::optional<FrontEndResponse> moved;
    if (tau_ref != tau) {
        FrontEndParams p = frontend.params();
        p.shaper_tau_s = tau_ref;
        moved.emplace(p);
    }
    const FrontEndResponse& reference = moved ? *moved : frontend;
    std::vector<LinearSystem> sources;
    // One source: its input scaled so the reference front end gives `enc_e`; returns its ENC here.
    const auto add = [&](double enc_e, const std::function<LinearSystem(const FrontEndResponse&)>& build) {
        if (enc_e <= 0) return 0.0;
        const double input = enc_e / enc_per_input(build(reference), reference.peak());
        LinearSystem sys = build(frontend);
        sys.B *= input;
        sources.push_back(sys);
        return input * enc_per_input(build(frontend), frontend.peak());
    };
    enc_.parallel = add(params.enc_parallel_e, [](const FrontEndResponse& f) { return f.current_system(); });
    enc_.series = add(params.enc_series_e, [](const FrontEndResponse& f) { return f.series_system(); });
    // 1/f: two Lorentzians per decade; equal variances (input gain ~ 1/sqrt(tau)) give 1/f.
    const double decades = std::log10(params.flicker_high_Hz / params.flicker_low_Hz);
    const int count = std::max(2, static_cast<int>(std::ceil(2 * decades)) + 1);
    std::vector<double> taus, gains;
    for (int i = 0; i < count; ++i) {
        const double f = params.flicker_low_Hz * std::pow(10.0, decades * i / (count - 1));
        taus.push_back(1.0 / (2 * M_PI * f));
        gains.push_back(1.0 / std::sqrt(taus.back()));
    }
    enc_.flicker =
        add(params.enc_flicker_e, [&](const FrontEndResponse& f) { return f.flicker_system(taus, gains); });
    enabled_ = params.enabled && !sources.empty();
    if (!enabled_) return;
    combined_ = parallel_sum(sources);
    covariance_ = combined_.stationary_covariance();
    phi_ = combined_.transition(sample_period_s);
    build_stream_model();
}

void NoiseModel::build_stream_model() {
    // Riccati recursion of the one-step predictor, from no data (error covariance = P) down to
    // its fixed point; the error covariance decreases monotonically.
    const Eigen::RowVectorXd& c = combined_.C;
    const Eigen::MatrixXd q = covariance_ - phi_ * covariance_ * phi_.transpose();
    const double scale = covariance_.cwiseAbs().maxCoeff();
    const double tolerance = 1e-15 * scale;
    Eigen::MatrixXd error = covariance_, next;
    bool converged = false;
    double change = 0, change_before = 0;  // the step now and kProbe steps ago
    constexpr int kProbe = 1000;
    for (riccati_iterations_ = 1; riccati_iterations_ <= kRiccatiLimit && !converged; ++riccati_iterations_) {
        const Eigen::VectorXd m = phi_ * (error * c.transpose());
        next.noalias() = phi_ * error * phi_.transpose();
        next += q - m * m.transpose() / c.dot(error * c.transpose());
        next = 0.5 * (next + next.transpose());
        change = (next - error).cwiseAbs().maxCoeff();
        converged = change <= tolerance;
        error.swap(next);
        if (riccati_iterations_ % kProbe) continue;
        // Geometric convergence: give up early when the rate says the limit will not do.
        if (change_before > change) {
            const double steps_left =
                kProbe * std::log(tolerance / change) / std::log(change / change_before);
            if (riccati_iterations_ + steps_left > kRiccatiLimit) break;
        }
        change_before = change;
    }
    if (!converged) {  // the state model itself: one normal per state
        riccati_iterations_ = 0;
        drive_ = psd_factor(q);
        feed_ = Eigen::RowVectorXd::Zero(drive_.cols());
        stream_covariance_ = covariance_;
        return;
    }
    --riccati_iterations_;
    const double r = c.dot(error * c.transpose());
    drive_ = phi_ * (error * c.transpose()) / std::sqrt(r);  // gain g times the innovation rms
    feed_ = Eigen::RowVectorXd::Constant(1, std::sqrt(r));
    stream_covariance_ = covariance_ - error;
}

double NoiseModel::stream_autocovariance(int lag) const {
    if (!enabled_) return 0.0;
    const Eigen::RowVectorXd& c = combined_.C;
    Eigen::VectorXd v = stream_covariance_ * c.transpose();  // Cov(x[k], y[0]) through x[0]
    if (lag == 0) return c.dot(v) + feed_.squaredNorm();
    Eigen::VectorXd w = drive_ * feed_.transpose();  // through z[0], one step on
    for (int k = 1; k < lag; ++k) v = phi_ * v, w = phi_ * w;
    v = phi_ * v;
    return c.dot(v + w);
}

double NoiseModel::enc_target() const {
    if (!params_.enabled) return 0.0;
    return std::sqrt(enc_.series * enc_.series + enc_.parallel * enc_.parallel + enc_.flicker * enc_.flicker);
}

double NoiseModel::autocovariance(int lag) const {
    if (!enabled_) return 0.0;
    auto& cache = acov_;
    if (cache.size() <= static_cast<size_t>(lag)) {
        Eigen::VectorXd v = covariance_ * combined_.C.transpose();
        for (size_t k = 0; k < cache.size(); ++k) v = phi_ * v;
        while (cache.size() <= static_cast<size_t>(lag)) {
            cache.push_back(combined_.C * v);
            v = phi_ * v;
        }
    }
    return cache[static_cast<size_t>(lag)];
}

NoiseModel::WindowSampler NoiseModel::window_sampler(int length) const {
    WindowSampler s;
    Eigen::MatrixXd cov(length, length);
    for (int i = 0; i < length; ++i)
        for (int j = 0; j < length; ++j) cov(i, j) = autocovariance(std::abs(i - j));
    if (enabled_) {
        Eigen::LLT<Eigen::MatrixXd> llt(cov);
        s.lower_ = llt.info() == Eigen::Success ? Eigen::MatrixXd(llt.matrixL()) : psd_factor(cov);
    } else {
        s.lower_ = Eigen::MatrixXd::Zero(length, length);
    }
    s.z_.resize(length);
    return s;
}

void NoiseModel::WindowSampler::draw(Rng& rng, double* out) const {
    const Eigen::Index n = lower_.rows();
    for (Eigen::Index i = 0; i < n; ++i) z_(i) = rng.normal();
    Eigen::Map<Eigen::VectorXd>(out, n).noalias() = lower_.triangularView<Eigen::Lower>() * z_;
}

double NoiseModel::WindowSampler::next(Rng& rng) {
    const Eigen::Index k = drawn_++;
    z_(k) = rng.normal();
    return lower_.row(k).head(k + 1).dot(z_.head(k + 1));
}

NoiseModel::Stream NoiseModel::stream(Rng& rng) const {
    Stream s;
    if (!enabled_) {  // one zero state: the same draws per sample as with noise
        s.row_start_ = {0, 0};
        s.x_ = s.next_ = s.z_ = s.drive_ = s.feed_ = {0.0};
        return s;
    }
    const Eigen::Index n = phi_.rows();
    s.row_start_.push_back(0);
    for (Eigen::Index i = 0; i < n; ++i) {
        for (Eigen::Index j = 0; j < n; ++j)
            if (phi_(i, j) != 0)
                s.column_.push_back(static_cast<std::uint32_t>(j)), s.value_.push_back(phi_(i, j));
        s.row_start_.push_back(static_cast<std::uint32_t>(s.value_.size()));
    }
    for (Eigen::Index i = 0; i < n; ++i)
        if (combined_.C(i) != 0) s.output_.emplace_back(static_cast<std::uint32_t>(i), combined_.C(i));
    const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> drive = drive_;
    s.drive_.assign(drive.data(), drive.data() + drive.size());
    s.feed_.assign(feed_.data(), feed_.data() + feed_.size());
    s.z_.resize(static_cast<size_t>(feed_.size()));
    Eigen::VectorXd z(n);
    for (Eigen::Index i = 0; i < n; ++i) z(i) = rng.normal();
    const Eigen::VectorXd x = psd_factor(stream_covariance_) * z;  // start in the stationary state
    s.x_.assign(x.data(), x.data() + n);
    s.next_.resize(s.x_.size());
    return s;
}

double NoiseModel::Stream::next(Rng& rng) {
    const size_t m = z_.size();
    double y = 0;
    for (size_t j = 0; j < m; ++j) z_[j] = rng.normal(), y += feed_[j] * z_[j];
    for (const auto& [i, c] : output_) y += c * x_[i];
    for (size_t i = 0; i < x_.size(); ++i) {
        double v = 0;
        if (m == 1)  // the innovations form, nearly always
            v = drive_[i] * z_[0];
        else
            for (size_t j = 0; j < m; ++j) v += drive_[i * m + j] * z_[j];
        for (std::uint32_t k = row_start_[i]; k < row_start_[i + 1]; ++k) v += value_[k] * x_[column_[k]];
        next_[i] = v;
    }
    x_.swap(next_);
    return y;
}

}  // namespace pixforge::models
