// Electronic noise of the front end, injected at the input and shaped by the same state-space
// model as the signal (notes/physics.md section 3.3):
//   parallel: white current noise integrated by the CSA ("step" noise);
//   series:   white charge noise at the CSA output ("delta" noise);
//   1/f:      a sum of Lorentzians with log-spaced corners and equal variances (1/f between
//             noise.flicker_low and noise.flicker_high), entering where series noise does.
// Each source is scaled so that its ENC (output rms / peak response to 1 e-) equals its target;
// the sources are independent, so the total ENC is their quadrature sum.
//
// The sampled output is a stationary Gaussian process. Two exact generators follow from the
// model: windows (Cholesky factor of the Toeplitz covariance of `length` samples) and a
// continuous stream (x[k+1] = Phi x[k] + w, w ~ N(0, P - Phi P Phi'), the exact discretization).
#pragma once

#include <Eigen/Dense>
#include <vector>

#include "core/random.hpp"
#include "models/frontend.hpp"

namespace pixforge::models {

class NoiseModel {
  public:
    NoiseModel(const NoiseParams& params, const FrontEndResponse& frontend, double sample_period_s);

    // Autocovariance of the sampled output at lag k, in (peak-normalised electrons)^2.
    double autocovariance(int lag) const;
    double rms() const { return enabled_ ? std::sqrt(autocovariance(0)) : 0.0; }
    // Configured total ENC (quadrature sum of the three targets), electrons.
    double enc_target() const;
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
        Eigen::MatrixXd phi_, innovation_;
        Eigen::RowVectorXd c_;
        Eigen::VectorXd x_, z_, next_;
    };
    Stream stream(Rng& rng) const;

  private:
    NoiseParams params_;
    bool enabled_;
    double sample_period_;
    LinearSystem combined_;             // all sources, each input scaled to its ENC
    Eigen::MatrixXd covariance_;        // stationary state covariance of combined_
    Eigen::MatrixXd phi_;               // exp(A T_s)
    mutable std::vector<double> acov_;  // memo of autocovariance by lag (a pure function)
};

}  // namespace pixforge::models
