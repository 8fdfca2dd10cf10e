// Electronic noise of the front end, injected at the input and shaped by the same state-space
// model as the signal (notes/physics.md section 3.3):
//   parallel: white current noise integrated by the CSA ("step" noise);
//   series:   white charge noise at the CSA output ("delta" noise);
//   1/f:      a sum of Lorentzians with log-spaced corners and equal variances (1/f between
//             noise.flicker_low and noise.flicker_high), entering where series noise does.
// Each source's density is set so that its ENC (output rms / peak response to 1 e-) equals its
// configured value at noise.reference_shaping_time, and this front end shapes that density: at
// another shaping time series ENC scales as 1/sqrt(tau), parallel as sqrt(tau), 1/f not at all (the
// CR-RC^n noise indices). The sources are independent, so the total ENC is their quadrature sum.
//
// The sampled output is a stationary Gaussian process. Two exact generators follow from the
// model: windows (Cholesky factor of the Toeplitz covariance of `length` samples) and a
// continuous stream. The stream is the steady-state innovations (Kalman predictor) form of the
// exact discretization x[k+1] = Phi x[k] + w, w ~ N(0, P - Phi P Phi'), y = c x:
//   y[k] = c s[k] + e[k],  s[k+1] = Phi s[k] + g e[k],  e ~ N(0, r),
// with (g, r) from the filter's Riccati equation. Its output has exactly the autocovariance of the
// state model (a test checks every lag), but it draws one normal per sample instead of one per
// state (23 at D0): the noise took two thirds of the full chain's time before. The Riccati
// recursion converges in about as many steps as the slowest 1/f corner lasts in samples (16 000
// at D0); where that exceeds kRiccatiLimit (a 1/f band reaching far below 1 kHz at 100 MHz) the
// stream keeps the state model's own input, w = F z with F F' = P - Phi P Phi', one normal per state.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <utility>
#include <vector>

#include "core/random.hpp"
#include "models/frontend.hpp"

namespace pixforge::models {

class NoiseModel {
  public:
    NoiseModel(const NoiseParams& params, const FrontEndResponse& frontend, double sample_period_s);

    // Autocovariance of the sampled output at lag k, in (peak-normalised electrons)^2.
    double autocovariance(int lag) const;
    // The same from the stream's model (equal to the above up to rounding).
    double stream_autocovariance(int lag) const;
    // Steps the Riccati recursion took; 0 when it did not converge within kRiccatiLimit.
    int riccati_iterations() const { return riccati_iterations_; }
    static constexpr int kRiccatiLimit = 200000;
    double rms() const { return enabled_ ? std::sqrt(autocovariance(0)) : 0.0; }
    // Total ENC at this front end's shaping time (quadrature sum of the sources), electrons.
    double enc_target() const;
    // Each source's ENC at this front end's shaping time, electrons.
    struct SourceEnc {
        double series = 0, parallel = 0, flicker = 0;
    };
    const SourceEnc& source_enc() const { return enc_; }
    bool enabled() const { return enabled_; }

    // Draws `length` correlated samples per call.
    class WindowSampler {
      public:
        void draw(Rng& rng, double* out) const;
        // Sample by sample: begin() starts a new window, then next() gives samples 0, 1, ...
        // of the same process as draw(), since the factor is lower-triangular.
        void begin() { drawn_ = 0; }
        double next(Rng& rng);
        int length() const { return static_cast<int>(lower_.rows()); }

      private:
        friend class NoiseModel;
        Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> lower_;  // rows read in order
        mutable Eigen::VectorXd z_;
        Eigen::Index drawn_ = 0;
    };
    WindowSampler window_sampler(int length) const;

    // Continuous noise, one sample per call.
    class Stream {
      public:
        double next(Rng& rng);

      private:
        friend class NoiseModel;
        // x' = Phi x + drive z, y = c x + feed z, z ~ N(0, I) of `inputs` normals.
        // Phi's nonzeros by row (85 of 23 x 23 at D0: each source's sections are a cascade).
        std::vector<std::uint32_t> row_start_, column_;
        std::vector<double> value_;
        std::vector<std::pair<std::uint32_t, double>> output_;  // c's nonzeros
        std::vector<double> x_, next_, z_;
        std::vector<double> drive_, feed_;  // drive_ row-major n x inputs
    };
    Stream stream(Rng& rng) const;

  private:
    NoiseParams params_;
    SourceEnc enc_;
    bool enabled_;
    double sample_period_;
    LinearSystem combined_;       // all sources, each input scaled to its ENC
    Eigen::MatrixXd covariance_;  // stationary state covariance of combined_
    Eigen::MatrixXd phi_;         // exp(A T_s)
    // The stream's model (innovations form, or the state model's own input when the Riccati
    // recursion is too slow): x' = Phi x + drive z, y = C x + feed z, and the stationary
    // covariance of x.
    void build_stream_model();
    Eigen::MatrixXd drive_;
    Eigen::RowVectorXd feed_;
    Eigen::MatrixXd stream_covariance_;
    int riccati_iterations_ = 0;
    mutable std::vector<double> acov_;  // memo of autocovariance by lag (a pure function)
};

}  // namespace pixforge::models
